"""A uvicorn factory for the page with a municipality portfolio (CTI and ICM, no ACT)."""

from __future__ import annotations

from fastapi import FastAPI

from hf_triage.page import page_router


def make_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(page_router(municipality={"offers": ["CTI", "ICM"]}))
    return app
