# hf-triage HTTP service. Build and run (docs/service.md):
#
#   docker build -t hf-triage .
#   docker run --rm -p 127.0.0.1:8000:8000 -e HF_TRIAGE_API_TOKENS=... hf-triage
#
# Slim Python base, a non-root user, no file written at run time (--read-only works), the
# service bound to 0.0.0.0 inside the container only: publish the port to 127.0.0.1 or to
# the municipality's gateway network, never straight to the internet.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY hf_triage ./hf_triage
COPY rules ./rules
RUN pip install ".[service]" && rm -rf /app/hf_triage /app/rules

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin hftriage
USER 10001
WORKDIR /

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status == 200 else 1)"]

CMD ["hf-triage", "serve", "--host", "0.0.0.0", "--port", "8000"]
