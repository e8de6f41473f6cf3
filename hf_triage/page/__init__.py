"""The caseworker page: a guided assessment in Danish (English toggle), served by the service.

Server-rendered with jinja2; a vendored htmx (static/htmx.min.js, 0BSD) updates the
recommendation as answers are given, and everything works without JavaScript as plain form
posts. Nothing is stored on the server: the state lives in the form. Needs the ``service``
extra (FastAPI, jinja2); ``import hf_triage`` never imports this package.

    from fastapi import FastAPI
    from hf_triage.page import page_router
    app = FastAPI()
    app.include_router(page_router())
"""

from __future__ import annotations

from ._router import SECURITY_HEADERS, page_router

__all__ = ["SECURITY_HEADERS", "page_router"]
