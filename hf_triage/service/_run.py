"""``hf-triage serve``: run the HTTP service with uvicorn.

All of the command lives here; ``hf_triage/cli.py`` only registers it. The configuration
reaches every worker process through the environment (``HF_TRIAGE_RULES`` and the variables
of ``_settings``), read by ``app_from_env``, the factory uvicorn calls in each worker.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from hf_triage import TriageError

from ._settings import ServiceSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["app_from_env", "log_config", "serve_command"]

RULES_ENV = "HF_TRIAGE_RULES"


def app_from_env() -> FastAPI:
    """The app for a uvicorn worker: rules from ``HF_TRIAGE_RULES`` (default: shipped)."""
    from hf_triage import load_rules

    from ._app import create_app

    directory = os.environ.get(RULES_ENV, "").strip()
    rules = load_rules(directory) if directory else None
    return create_app(rules, settings=ServiceSettings.from_env())


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the service's access log (method, path, status, time only)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            # uvicorn's own access log prints the query string: switched off
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "hf_triage.service.access": {
                "handlers": ["stderr"],
                "level": "INFO",
                "propagate": False,
            },
        },
    }


def _fail(message: str) -> typer.Exit:
    sys.stderr.write("hf-triage: " + " ".join(message.split("\n")) + "\n")
    return typer.Exit(2)


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 0.0.0.0 only behind a gateway.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    rules: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--rules", help="Rule directory (default: the shipped rules)."),
    ] = None,
    archive: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--archive", help="An archive of rule sets (one folder each)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
) -> None:
    """Run the HTTP API (needs the service extra: pip install "hf-triage\\[service]").

    Binds to 127.0.0.1 unless told otherwise; see docs/service.md for tokens and limits.
    """
    if rules is not None and archive is not None:
        raise _fail("give --rules or --archive, not both")
    if archive is not None:
        raise _fail(
            "--archive is not yet supported by this version of hf-triage serve; "
            "give one rule set with --rules DIR"
        )
    try:
        import uvicorn

        from ._app import create_app
    except ImportError as exc:
        raise _fail(
            f"the HTTP service needs {exc.name or 'FastAPI and uvicorn'}: "
            "pip install 'hf-triage[service]'"
        ) from None
    try:
        settings = ServiceSettings.from_env()
        compiled = None
        if rules is not None:
            from hf_triage import load_rules

            compiled = load_rules(rules)
        create_app(compiled, settings=settings)  # fail here, once, before any worker starts
    except TriageError as exc:
        raise _fail(str(exc)) from None
    if rules is not None:
        os.environ[RULES_ENV] = str(rules.resolve())
    else:
        os.environ.pop(RULES_ENV, None)
    sys.stderr.write(
        f"hf-triage: serving on http://{host}:{port} ({workers} worker(s)"
        f"{', bearer tokens required' if settings.tokens else ''})\n"
    )
    uvicorn.run(
        "hf_triage.service._run:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=log_config(),
        server_header=False,
    )
