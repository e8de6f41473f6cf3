"""The service's settings: size limits and bearer tokens, from arguments or the environment.

Environment variables (read by ``ServiceSettings.from_env``, so that every uvicorn worker
process reads the same configuration):

``HF_TRIAGE_API_TOKENS``       bearer tokens, separated by commas or white space
``HF_TRIAGE_API_TOKENS_FILE``  a file with one token per line (``#`` starts a comment)
``HF_TRIAGE_MAX_BODY_BYTES``   largest body of a single request (default 1 MiB)
``HF_TRIAGE_MAX_BATCH_BYTES``  largest body of ``/v1/triage/batch`` (default 64 MiB)

No token configured means no authentication: the service then belongs behind the
municipality's own gateway (docs/service.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hf_triage import TriageError

__all__ = ["ServiceError", "ServiceSettings"]

DEFAULT_MAX_BODY = 1024 * 1024
DEFAULT_MAX_BATCH = 64 * 1024 * 1024
#: a token shorter than this is refused: it could be guessed
MIN_TOKEN_LENGTH = 16


class ServiceError(TriageError, ValueError):
    """The service's configuration is not valid (a token file, a size limit)."""


@dataclass(frozen=True)
class ServiceSettings:
    """Size limits in bytes and the accepted bearer tokens (empty: no authentication)."""

    max_body_bytes: int = DEFAULT_MAX_BODY
    max_batch_bytes: int = DEFAULT_MAX_BATCH
    tokens: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_batch_bytes"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ServiceError(f"{name}: {value!r} is not a positive number of bytes")
        short = [t for t in self.tokens if len(t) < MIN_TOKEN_LENGTH]
        if short:
            raise ServiceError(
                f"a bearer token has {len(short[0])} characters; use at least "
                f"{MIN_TOKEN_LENGTH}, e.g. from "
                "python -c 'import secrets; print(secrets.token_urlsafe())'"
            )

    def __repr__(self) -> str:
        # never show the tokens themselves
        return (
            f"ServiceSettings(max_body_bytes={self.max_body_bytes}, "
            f"max_batch_bytes={self.max_batch_bytes}, tokens={len(self.tokens)})"
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """Settings from ``HF_TRIAGE_*`` environment variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        tokens = set(env.get("HF_TRIAGE_API_TOKENS", "").replace(",", " ").split())
        token_file = env.get("HF_TRIAGE_API_TOKENS_FILE", "").strip()
        if token_file:
            tokens |= _read_tokens(Path(token_file))
        return cls(
            max_body_bytes=_int(env, "HF_TRIAGE_MAX_BODY_BYTES", DEFAULT_MAX_BODY),
            max_batch_bytes=_int(env, "HF_TRIAGE_MAX_BATCH_BYTES", DEFAULT_MAX_BATCH),
            tokens=frozenset(tokens),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ServiceError(
            f"{name}: {text[:40]!r} is not a whole number of bytes; write e.g. {default}"
        ) from None


def _read_tokens(path: Path) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ServiceError(
            f"HF_TRIAGE_API_TOKENS_FILE: cannot read {path}: {exc.strerror}"
        ) from None
    tokens = {line.split("#", 1)[0].strip() for line in text.splitlines()}
    tokens.discard("")
    if not tokens:
        raise ServiceError(f"HF_TRIAGE_API_TOKENS_FILE: {path} holds no token")
    return tokens
