"""A real uvicorn server on 127.0.0.1, on a free port, for the service tests.

The server runs in a thread of the test process (so that its logs reach ``caplog``) and is
called over TCP with httpx, like any case system would call it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

import uvicorn

from hf_triage.service import ServiceSettings, create_app

#: tokens of the secured test server (test values, at least 16 characters)
TOKENS = ("test-token-aaaaaaaaaaaa", "test-token-bbbbbbbbbbbb")


@dataclass(frozen=True)
class Server:
    url: str
    thread: threading.Thread


def start_server(app: Any, *, wait_ready: bool = True) -> tuple[uvicorn.Server, Server]:
    # IPPROTO_TCP as uvicorn binds its own socket: asyncio turns Nagle's algorithm off
    # (TCP_NODELAY) only on sockets that name the protocol, and with it on every request on a
    # kept-alive connection waited 40 ms for the delayed ACK
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):  # up to 20 s on a loaded machine
        if server.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("the test server did not start")
    # readiness: the rule check runs in the background after start-up (one client for every
    # poll: each new httpx client loads the system's certificates, ~50 ms)
    with httpx.Client(base_url=url) as http:
        for _ in range(600 if wait_ready else 0):
            if http.get("/readyz").status_code == 200:
                break
            time.sleep(0.05)
    return server, Server(url, thread)


def stop_server(server: uvicorn.Server, info: Server) -> None:
    server.should_exit = True
    info.thread.join(timeout=10)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The base URL of a server with the shipped rules and default settings."""
    uv, info = start_server(create_app())
    yield info.url
    stop_server(uv, info)


@pytest.fixture(scope="session")
def secured_server() -> Iterator[str]:
    """A server that needs a bearer token and accepts small bodies only."""
    settings = ServiceSettings(max_body_bytes=2000, max_batch_bytes=5000, tokens=frozenset(TOKENS))
    uv, info = start_server(create_app(settings=settings))
    yield info.url
    stop_server(uv, info)


@pytest.fixture(scope="session")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as http:
        yield http


@pytest.fixture(scope="session")
def secured_client(secured_server: str) -> Iterator[httpx.Client]:
    """A client of the secured server, without a token (each test sends its own)."""
    with httpx.Client(base_url=secured_server, timeout=30) as http:
        yield http
