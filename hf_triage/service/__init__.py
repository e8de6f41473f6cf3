"""The HTTP service: ``pip install "hf-triage[service]"``, then ``hf-triage serve``.

A versioned JSON API under ``/v1`` for case systems in any language (CONTRACT.md "HTTP
service"; docs/service.md). ``create_app(rules=...)`` builds the FastAPI app for embedding and
tests. Not imported by ``import hf_triage``; and this package imports FastAPI only when one of
the names below is used, so that ``hf-triage`` starts fast and says what to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._settings import ServiceError, ServiceSettings

if TYPE_CHECKING:
    from ._app import API_VERSION, SCHEMAS, create_app, ruleset_info
    from ._openapi import to_openapi_30

__all__ = [
    "API_VERSION",
    "SCHEMAS",
    "ServiceError",
    "ServiceSettings",
    "create_app",
    "ruleset_info",
    "to_openapi_30",
]

_LAZY = {
    "API_VERSION": "_app",
    "SCHEMAS": "_app",
    "create_app": "_app",
    "ruleset_info": "_app",
    "to_openapi_30": "_openapi",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'hf_triage.service' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
