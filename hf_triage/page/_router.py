"""``page_router``: the caseworker page as a FastAPI router (served at ``/`` by the service).

Routes (all server-rendered; every one works with plain form posts, without JavaScript):

- ``GET /``                 the guided assessment, empty (``?lang=en`` for English)
- ``POST /``                the same page with the posted answers and their recommendation
- ``POST /result``          only the result section (htmx swaps it in as answers change)
- ``POST /decision``        the caseworker's decision -> the printable grounds page
- ``POST /decision.json``   the same decision record as a JSON download for the case system
- ``GET /rules``            the read-only rule explorer
- ``GET /static/{name}``    the page's CSS and scripts, shipped in the package

Nothing is stored: the state lives in the form. Every response carries a Content-Security-Policy
without inline script or third-party origins, ``X-Content-Type-Options: nosniff`` and
``Referrer-Policy: no-referrer``; templates autoescape every answer and the note.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hf_triage import (
    AssessmentError,
    CompiledRules,
    Municipality,
    TriageError,
    default_rules,
    triage,
)
from hf_triage._api import offers_of
from hf_triage._decision import DecisionRecord, decision_reasons, record_decision
from hf_triage._texts import LANGS
from hf_triage._texts import text as say

from ._explorer import Explorer, explore
from ._texts import LABELS
from ._views import (
    NOTE_LIMIT,
    Answers,
    decision_inputs,
    form_fields,
    read_answers,
    read_lang,
    shown,
)

__all__ = ["SECURITY_HEADERS", "page_router"]

#: no inline script or style, no third-party origin, no framing, forms post only here
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Cache-Control: no-store comes from the service's Guard, on every response of the app
_STATIC = {
    "page.css": "text/css; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
    "htmx.min.js": "text/javascript; charset=utf-8",
    "htmx.LICENSE.txt": "text/plain; charset=utf-8",
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # autoescape everything: answers and the note are shown back as text, never as markup
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("hf_triage.page", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@lru_cache(maxsize=8)
def _static(name: str) -> bytes:
    return (resources.files("hf_triage.page") / "static" / name).read_bytes()


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=SECURITY_HEADERS)


_MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def _when_text(when: dt.datetime) -> str:
    """The time of the decision in Danish words, e.g. '3. december 2026 kl. 08:23 (UTC)'."""
    utc = when.astimezone(dt.timezone.utc) if when.tzinfo else when
    zone = " (UTC)" if when.tzinfo else ""
    return f"{utc.day}. {_MONTHS_DA[utc.month - 1]} {utc.year} kl. {utc:%H:%M}{zone}"


def _reason_required(recommended: str | None, decided: str, lang: str) -> str:
    if recommended is None:
        return say("page.problem.reason_undecided", lang)
    return say("page.problem.reason_differs", lang, decided=decided, recommended=recommended)


def page_router(
    rules: CompiledRules | None = None,
    *,
    municipality: Mapping[str, Any] | Municipality | None = None,
) -> APIRouter:
    """The caseworker page for ``rules`` (default: the shipped rules) and, optionally, the
    municipality's portfolio (``{"offers": [...]}``) that every recommendation is checked
    against. Include it in an app: ``app.include_router(page_router(rules))``."""
    compiled = rules if rules is not None else default_rules()
    offers = offers_of(municipality)
    portfolio = {"offers": sorted(offers)} if offers is not None else None
    router = APIRouter(include_in_schema=False)
    fields = form_fields()
    explorers: dict[str, Explorer] = {}

    def render(name: str, request: Request, lang: str, **context: Any) -> str:
        template = _environment().get_template(name)
        return template.render(
            lang=lang,
            t=LABELS[lang],
            # the grounds are written in Danish whatever the page's language (grounds.html.j2)
            t_da=LABELS["da"],
            t_en=LABELS["en"],
            other_lang="en" if lang == "da" else "da",
            url=lambda route, **p: request.url_for(route, **p).path,
            ruleset_version=compiled.version,
            fingerprint=compiled.fingerprint,
            **context,
        )

    def reasons(lang: str) -> list[tuple[str, str]]:
        return [(r.code, r.text(lang)) for r in decision_reasons(compiled)]

    def assess(
        form: Mapping[str, Any], lang: str
    ) -> tuple[Answers, dict[str, Any], Any, list[str]]:
        answers, assessment = read_answers(form)
        try:
            rec = triage(assessment, rules=compiled, municipality=portfolio, lang=lang)
        except AssessmentError as exc:
            return answers, assessment, None, list(exc.problems) or [str(exc)]
        return answers, assessment, rec, []

    def page(
        request: Request,
        form: Mapping[str, Any],
        lang: str,
        decision_problems: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        answers, _, rec, problems = assess(form, lang)
        body = render(
            "index.html.j2",
            request,
            lang,
            fields=fields,
            answers=answers,
            problems=problems,
            result=shown(rec, lang, offers) if rec is not None else None,
            reasons=reasons(lang),
            decision={
                "method": form.get("decided_method") or "",
                "reason": form.get("reason") or "",
                "note": form.get("note") or "",
            },
            decision_problems=dict(decision_problems or {}),
            note_limit=NOTE_LIMIT,
            portfolio=portfolio is not None,
        )
        status = 422 if problems or decision_problems else 200
        return _html(body, status)

    @router.get("/", name="page_index")
    async def index(request: Request, lang: str = "da") -> HTMLResponse:
        return page(request, {}, lang if lang in LANGS else "da")

    @router.post("/", name="page_update")
    async def update(request: Request) -> HTMLResponse:
        form = await request.form()
        return page(request, form, read_lang(form))

    @router.post("/result", name="page_result")
    async def result(request: Request) -> HTMLResponse:
        form = await request.form()
        lang = read_lang(form)
        _, _, rec, problems = assess(form, lang)
        body = render(
            "_result.html.j2",
            request,
            lang,
            problems=problems,
            result=shown(rec, lang, offers) if rec is not None else None,
            portfolio=portfolio is not None,
        )
        return _html(body, 422 if problems else 200)

    def decide(form: Mapping[str, Any], lang: str) -> tuple[DecisionRecord | None, Any]:
        """The record, or the problems by field (the page shows them at the decision)."""
        inputs = decision_inputs(form, lang)
        answers, assessment, rec, problems = assess(form, lang)
        if problems or rec is None:
            return None, {"answers": "; ".join(problems)}
        if inputs.problems:
            return None, inputs.problems
        assert inputs.method is not None
        if inputs.reason is None and (rec.method is None or inputs.method != rec.method):
            # the library's rule (CONTRACT 1.1 "The human decision"), said in the page's language
            return None, {"reason": _reason_required(rec.method, inputs.method, lang)}
        try:
            record = record_decision(
                rec,
                inputs.method,
                reason=inputs.reason,
                note=inputs.note,
                decided_at=inputs.decided_at,
                assessment=assessment,
                rules=compiled,
            )
        except TriageError as exc:
            key = "reason" if "reason" in str(exc).split(":", 1)[0] else "decided_method"
            return None, {key: str(exc)}
        return record, answers

    @router.post("/decision", name="page_decision")
    async def decision(request: Request) -> HTMLResponse:
        form = await request.form()
        lang = read_lang(form)
        record, extra = decide(form, lang)
        if record is None:
            return page(request, form, lang, extra)
        reason_texts = dict(reasons(lang))
        body = render(
            "grounds.html.j2",
            request,
            lang,
            record=record,
            answers=extra,
            grounds_da=record.justification.da.split("\n"),
            grounds_en=record.justification.en.split("\n") if lang == "en" else [],
            decided_at=record.decided_at.isoformat(),
            decided_at_text=_when_text(record.decided_at),
            reason_text=reason_texts.get(record.reason or "", ""),
            form_note=form.get("note") or "",
        )
        return _html(body)

    @router.post("/decision.json", name="page_decision_json")
    async def decision_json(request: Request) -> Response:
        form = await request.form()
        lang = read_lang(form)
        record, extra = decide(form, lang)
        if record is None:
            return page(request, form, lang, extra)
        stamp = record.decided_at.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        return Response(
            record.model_dump_json(indent=2),
            media_type="application/json",
            headers={
                **SECURITY_HEADERS,
                "Content-Disposition": f'attachment; filename="afgoerelse-{stamp}.json"',
            },
        )

    @router.get("/rules", name="page_rules")
    async def rules_page(request: Request, lang: str = "da") -> HTMLResponse:
        lang = lang if lang in LANGS else "da"
        if lang not in explorers:
            # rules check and the YAML cases: a fraction of a second, off the event loop
            explorers[lang] = await asyncio.to_thread(explore, compiled, lang)
        return _html(render("rules.html.j2", request, lang, x=explorers[lang]))

    @router.get("/static/{name}", name="page_static")
    async def static(name: str) -> Response:
        media = _STATIC.get(name)
        if media is None:
            return Response("not found", status_code=404, headers=SECURITY_HEADERS)
        return Response(_static(name), media_type=media, headers=SECURITY_HEADERS)

    return router
