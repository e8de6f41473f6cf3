"""One plain ASGI middleware around the whole app: headers, size limits, bearer tokens and the
access log. Plain ASGI (not Starlette's BaseHTTPMiddleware) because it runs on every request.

- Every response carries the rule set's fingerprint and version (``X-Ruleset-*``) and
  ``Cache-Control: no-store`` (answers are about citizens: no cache keeps them).
- A body over the limit is answered 413 before the app reads it (by its ``Content-Length``) or
  as soon as the streamed bytes pass it.
- With tokens configured, every path except the health checks needs
  ``Authorization: Bearer <token>``, compared in constant time (``hmac.compare_digest``).
- The access log has method, path, status and milliseconds: never a body, never a query string.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ._settings import ServiceSettings

__all__ = ["ACCESS_LOG", "Guard", "problem_bytes"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_LOG = logging.getLogger("hf_triage.service.access")
#: paths a load balancer or container runtime probes without a token
OPEN_PATHS = frozenset({"/healthz", "/readyz"})
BATCH_PATH = "/v1/triage/batch"


class _TooLarge(Exception):
    pass


def problem_bytes(status: int, title: str, detail: str, instance: str) -> bytes:
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    body.update(detail=detail, instance=instance, errors=[])
    return json.dumps(body, ensure_ascii=False).encode()


class Guard:
    def __init__(
        self, app: ASGIApp, settings: ServiceSettings, headers: list[tuple[bytes, bytes]]
    ) -> None:
        self.app = app
        self.settings = settings
        self.headers = [*headers, (b"cache-control", b"no-store")]
        self.tokens = [t.encode() for t in sorted(settings.tokens)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path: str = scope.get("path", "")
        status = 0
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
                message["headers"] = [*message.get("headers", ()), *self.headers]
            await send(message)

        try:
            if self.tokens and path not in OPEN_PATHS and not self._authorised(scope):
                await self._problem(
                    send_with_headers,
                    401,
                    "Unauthorized",
                    "this service needs 'Authorization: Bearer <token>'",
                    path,
                    [(b"www-authenticate", b'Bearer realm="hf-triage"')],
                )
                return
            limit = (
                self.settings.max_batch_bytes
                if path == BATCH_PATH
                else self.settings.max_body_bytes
            )
            declared = _content_length(scope)
            if declared is not None and declared > limit:
                await self._too_large(send_with_headers, limit, path)
                return
            seen = 0

            async def counted_receive() -> Message:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        raise _TooLarge
                return message

            try:
                await self.app(scope, counted_receive, send_with_headers)
            except _TooLarge:
                if started:
                    raise
                await self._too_large(send_with_headers, limit, path)
        finally:
            ACCESS_LOG.info(
                "%s %s %s %.1fms",
                scope.get("method", "-"),
                path,
                status or 500,
                (time.perf_counter() - start) * 1000,
            )

    def _authorised(self, scope: Scope) -> bool:
        given = b""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                given = value
                break
        scheme, _, token = given.partition(b" ")
        ok = False
        for known in self.tokens:
            # every token is compared, whatever matched: the time does not tell which one
            ok |= hmac.compare_digest(token.strip(), known)
        return ok and scheme.lower() == b"bearer"

    async def _too_large(self, send: Send, limit: int, path: str) -> None:
        await self._problem(
            send,
            413,
            "Content Too Large",
            f"the request body is larger than this service accepts here ({limit} bytes); "
            "split a batch into smaller ones",
            path,
        )

    @staticmethod
    async def _problem(
        send: Send,
        status: int,
        title: str,
        detail: str,
        path: str,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        body = problem_bytes(status, title, detail, path)
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()),
            *(extra or []),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
