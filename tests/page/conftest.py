"""Fixtures for the caseworker page: a REAL server on 127.0.0.1 and a headless system Chromium.

- ``page_server``: ``hf-triage serve`` on a free port (the service with the page at ``/``).
- ``portfolio_server``: uvicorn serving the page with a municipality portfolio (``serve`` has
  no portfolio option).
- ``browser``: Debian's chromium driven by Selenium through Debian's chromium-driver; skipped,
  with a message, only where neither can be found (``.ci/install-browser`` installs them).
- ``shots``: where screenshots go: ``$HF_TRIAGE_SCREENSHOTS`` or a temporary folder.

The browser runs with a fresh profile and no background networking; it only ever talks to
127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
AXE = HERE / "axe.min.js"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1100",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(
        f"the server did not answer {url}: {log.read_text(errors='replace')[-2000:]}"
    )


def _serve(command: list[str], port: int, tmp: Path, cwd: Path | None = None) -> Iterator[str]:
    log = tmp / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base + "/static/page.css", process, log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``hf-triage serve`` on 127.0.0.1 and a free port; yields its base URL."""
    pytest.importorskip("fastapi")
    pytest.importorskip("jinja2")
    port = _free_port()
    command = [sys.executable, "-m", "hf_triage.cli", "serve", "--port", str(port)]
    yield from _serve(command, port, tmp_path_factory.mktemp("server"))


@pytest.fixture(scope="session")
def portfolio_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page with a municipality that offers CTI and ICM only (uvicorn, a factory)."""
    pytest.importorskip("uvicorn")
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "portfolio_app:make_app",
        "--app-dir",
        str(HERE),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    yield from _serve(command, port, tmp_path_factory.mktemp("portfolio"))


def _chromium() -> tuple[str, str] | None:
    binary = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    driver = shutil.which("chromedriver") or (
        "/usr/lib/chromium/chromedriver"
        if Path("/usr/lib/chromium/chromedriver").exists()
        else None
    )
    if binary is None or driver is None:
        return None
    return binary, driver


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's package) driven by Selenium, fresh profile."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    found = _chromium()
    if found is None and os.environ.get("HF_TRIAGE_REQUIRE_BROWSER") == "1":
        pytest.fail("HF_TRIAGE_REQUIRE_BROWSER=1 but no Chromium: run .ci/install-browser")
    if found is None:
        pytest.skip(
            "no Chromium here: install Debian's chromium and chromium-driver "
            "(.ci/install-browser) to run the browser tests"
        )
    binary, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="hf-triage-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder for screenshots: ``$HF_TRIAGE_SCREENSHOTS`` or a temporary one."""
    given = os.environ.get("HF_TRIAGE_SCREENSHOTS")
    folder = Path(given) if given else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
