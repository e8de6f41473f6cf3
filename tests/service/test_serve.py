"""``hf-triage serve`` as a newcomer runs it: a real process, bound to 127.0.0.1, with workers,
tokens from the environment and its access log on standard error."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

TOKEN = "serve-test-token-123456"
RULES = Path(__file__).resolve().parents[2] / "rules"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hf_triage.cli", "serve", "--port", str(port), *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    log: list[str] = []
    try:
        for _ in range(600):  # up to 60 s on a loaded machine
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {process.stderr.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("serve did not become ready")
        yield url, log
    finally:
        process.terminate()
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        log.extend(err.splitlines())


@pytest.mark.slow  # a fresh server process; CI runs it
def test_serve_with_two_workers_tokens_and_a_clean_access_log() -> None:
    marker = "Hans-Hansen-0101"
    with serving("--workers", "2", "--rules", str(RULES), env={"HF_TRIAGE_API_TOKENS": TOKEN}) as (
        url,
        log,
    ):
        auth = {"authorization": f"Bearer {TOKEN}"}
        assert httpx.post(url + "/v1/triage", json={"assessment": {}}).status_code == 401
        body = {"assessment": {"complexity": "severe", "service_use": "minimal"}}
        for _ in range(4):  # reach both workers
            response = httpx.post(url + "/v1/triage", json=body, headers=auth)
            assert response.status_code == 200 and response.json()["method"] == "ACT"
        bad = httpx.post(
            url + "/v1/triage?note=" + marker,
            json={"assessment": {"complexity": marker}},
            headers=auth,
        )
        assert bad.status_code == 422
    text = "\n".join(log)
    assert "POST /v1/triage 200" in text
    assert "POST /v1/triage 422" in text
    assert marker not in text
    assert "Traceback" not in text


@pytest.mark.slow  # fresh processes; CI runs it
def test_serve_refuses_an_empty_archive_and_bad_rules(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "hf_triage.cli", "serve"]
    archive = subprocess.run(
        [*run, "--archive", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert archive.returncode == 2
    assert "no rule set is in force" in archive.stderr and "Traceback" not in archive.stderr
    (tmp_path / "cti.yaml").write_text("method: CTI\ncriteria: [\n")
    rules = subprocess.run(
        [*run, "--rules", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert rules.returncode == 2
    assert "cti.yaml" in rules.stderr and "Traceback" not in rules.stderr
    short = subprocess.run(
        run,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HF_TRIAGE_API_TOKENS": "abc"},
    )
    assert short.returncode == 2 and "at least 16" in short.stderr


@pytest.mark.slow  # a fresh interpreter; CI runs it
def test_import_hf_triage_stays_light() -> None:
    code = (
        "import sys, json, hf_triage, hf_triage.cli; "
        "print(json.dumps(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'httpx') "
        "if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []


def test_serve_binds_to_localhost_by_default() -> None:
    import inspect

    from hf_triage.service._run import serve_command

    assert inspect.signature(serve_command).parameters["host"].default == "127.0.0.1"


@pytest.mark.slow  # a fresh process; CI runs it
@pytest.mark.parametrize("workers", ["0"])
def test_serve_needs_a_worker(workers: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hf_triage.cli", "serve", "--workers", workers],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
