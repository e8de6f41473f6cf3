"""``create_app``: the FastAPI application of the HTTP service (CONTRACT.md "HTTP service").

Built on the public API of hf_triage only. Request bodies are read by ``_parse`` so that every
problem comes back at once, in the library's words, as RFC 9457 ``application/problem+json``.
The service keeps no state beyond the rule set it was given and writes nothing to disk.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

import hf_triage
from hf_triage import (
    Assessment,
    CompiledRules,
    Course,
    CourseError,
    CourseReview,
    Municipality,
    Recommendation,
    RuleError,
    TriageError,
    check_rules,
    default_rules,
    review_course,
    triage,
)

from ._batch import batch_answerer, json_chunks, ndjson_chunks, ndjson_rows
from ._guard import Guard
from ._models import (
    BatchResult,
    BatchRow,
    DecisionRecordOut,
    DecisionRequest,
    FieldProblem,
    Health,
    NextQuestionsOut,
    Problem,
    ReviewRequest,
    RulesetOut,
    TriageRequest,
    VersionOut,
)
from ._openapi import build_openapi, null_means_not_given, to_openapi_30
from ._parse import (
    LANGS,
    BodyError,
    assessment_problems,
    check_envelope,
    course_problems,
    cut,
    decision_problems,
    lang_problems,
    municipality_problems,
    parse_json,
    pointer,
)
from ._settings import ServiceSettings

__all__ = ["API_VERSION", "SCHEMAS", "create_app", "ruleset_info"]

API_VERSION = "1"
PROBLEM_JSON = "application/problem+json"
NDJSON = "application/x-ndjson"
INVALID = "urn:hf-triage:problem:invalid-request"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _schema_models() -> dict[str, tuple[type[BaseModel], str]]:
    decision: type[BaseModel] = getattr(hf_triage, "DecisionRecord", DecisionRecordOut)
    return {
        "assessment": (Assessment, "validation"),
        "recommendation": (Recommendation, "serialization"),
        "municipality": (Municipality, "validation"),
        "course": (Course, "validation"),
        "course-review": (CourseReview, "serialization"),
        "decision-record": (decision, "serialization"),
        "next-questions": (NextQuestionsOut, "serialization"),
        "batch-result": (BatchResult, "serialization"),
        "problem": (Problem, "serialization"),
        "triage-request": (TriageRequest, "validation"),
        "decision-request": (DecisionRequest, "validation"),
        "review-request": (ReviewRequest, "validation"),
    }


SCHEMAS = tuple(_schema_models())
#: the path parameter: any text (an unknown name is a 404 problem), documented as the list
SchemaName = Annotated[
    str, Path(description="The object's name", json_schema_extra={"enum": list(SCHEMAS)})
]
#: FastAPI's built-in OpenTelemetry (newer releases) is switched off: no request data leaves
#: the process, whatever the environment says
_NO_TELEMETRY = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
    "exclude": lambda scope: True,
}


def ruleset_info(rules: CompiledRules) -> dict[str, Any]:
    """Name, version, fingerprint, valid_from and sources of a rule set.

    Read with ``getattr`` from the rule set or its ``manifest``: the manifest
    (``rules/ruleset.yaml``) arrives with the rule-set issue; until then they are ``None``.
    """
    manifest = getattr(rules, "manifest", None)

    def get(name: str) -> Any:
        value = getattr(rules, name, None)
        if value is None and manifest is not None:
            value = getattr(manifest, name, None)
            if value is None and isinstance(manifest, dict):
                value = manifest.get(name)
        return value

    def plain(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    version = get("version")
    valid_from = get("valid_from")
    return {
        "name": plain(get("name")),
        "version": None if version is None else str(version),
        "fingerprint": rules.fingerprint,
        "valid_from": None if valid_from is None else str(plain(valid_from)),
        "sources": plain(get("sources") or []),
    }


def _problem_response(
    status: int,
    detail: str,
    instance: str,
    *,
    title: str | None = None,
    errors: list[FieldProblem] | None = None,
    type_: str = "about:blank",
    headers: Mapping[str, str] | None = None,
) -> Response:
    problem = Problem(
        type=type_,
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        errors=errors or [],
    )
    return Response(
        problem.model_dump_json(),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def _body_problem(exc: BodyError, instance: str) -> Response:
    detail = "; ".join(p.detail for p in exc.problems) or exc.title
    return _problem_response(
        exc.status, detail, instance, title=exc.title, errors=exc.problems, type_=INVALID
    )


_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"model": Problem, "description": "The body is larger than the configured limit"},
    422: {"model": Problem, "description": "The body has problems: every one is listed"},
    400: {"model": Problem, "description": "The body is not JSON"},
    401: {"model": Problem, "description": "A bearer token is needed (when configured)"},
}
_GET_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _ERRORS[401],
    404: {"model": Problem, "description": "Not found"},
}


def _json_body(ref: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        }
    }


def create_app(
    rules: CompiledRules | None = None, *, settings: ServiceSettings | None = None
) -> FastAPI:
    """The HTTP service for ``rules`` (default: the shipped rule set).

    ``settings`` holds the size limits and bearer tokens (default: none, limits 1 MiB and
    64 MiB for batches); ``ServiceSettings.from_env()`` reads them from the environment.
    """
    compiled = rules if rules is not None else default_rules()
    if not isinstance(compiled, CompiledRules):
        raise TriageError(
            f"rules must be a rule set from hf_triage.load_rules(directory), not "
            f"{type(compiled).__name__}"
        )
    config = settings if settings is not None else ServiceSettings()
    info = ruleset_info(compiled)
    version = info["version"] or "unversioned"
    checked: dict[str, Any] = {}  # this app's readiness: the rule check's report, once done

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async def run_check() -> None:
            try:
                checked["report"] = await asyncio.to_thread(check_rules, compiled)
            except TriageError as exc:
                checked["error"] = str(exc)

        task = asyncio.create_task(run_check())
        yield
        task.cancel()

    app = FastAPI(
        title="hf_triage",
        summary="Housing First triage (CTI, ICM, ACT) from declarative, sourced rules",
        description=(
            "Anbefaler en Housing First-metode (CTI, ICM eller ACT) ud fra en udredning. "
            "Sagsbehandleren træffer afgørelsen; tjenesten understøtter den og gemmer intet.\n\n"
            "Recommends a Housing First method (CTI, ICM or ACT) from an assessment. The "
            "caseworker decides; the service supports the decision and stores nothing."
        ),
        version=hf_triage.__version__,
        lifespan=lifespan,
        docs_url=None,  # the Swagger page loads scripts from a CDN: not for citizen data
        redoc_url=None,
        openapi_url="/openapi.json",
        **_fastapi_options(),
    )

    # --- errors: everything as problem+json, never a trace -------------------------------

    @app.exception_handler(BodyError)
    async def _body_error(request: Request, exc: BodyError) -> Response:
        return _body_problem(exc, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return _problem_response(exc.status_code, detail, request.url.path, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            FieldProblem(
                pointer=pointer(*[p for p in e.get("loc", ())][1:]),
                detail=f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}",
                value=cut(e.get("input")),
            )
            for e in exc.errors()
        ]
        return _problem_response(
            422,
            "; ".join(p.detail for p in errors),
            request.url.path,
            errors=errors,
            type_=INVALID,
        )

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        return _problem_response(
            500, "the service failed; the error is logged without the request", request.url.path
        )

    # --- reading bodies ------------------------------------------------------------------

    def read_triage_body(
        body: Any, extra: tuple[str, ...] = ()
    ) -> tuple[Any, Any, str, Recommendation]:
        """The assessment, municipality and lang of a body, and their recommendation; or
        ``BodyError`` with every problem. Triages once: validation is the library's."""
        problems = check_envelope(body, ("assessment",), ("municipality", "lang", *extra))
        if problems and not isinstance(body, dict):
            raise BodyError("Invalid request", problems)
        assessment = body.get("assessment")
        municipality = body.get("municipality")
        lang = body.get("lang", "da")
        if "lang" in body:
            problems += lang_problems(lang, ("lang",))
        if not problems:
            try:
                rec = triage(assessment, rules=compiled, municipality=municipality, lang=lang)
                return assessment, municipality, lang, rec
            except TriageError:
                pass
        if "assessment" in body:
            problems += assessment_problems(assessment, ("assessment",))
        problems += municipality_problems(municipality, ("municipality",))
        if not problems:
            problems = [FieldProblem(pointer="", detail="the request could not be triaged")]
        raise BodyError("Invalid assessment", problems)

    def recommend(body: Any) -> Recommendation:
        return read_triage_body(body)[3]

    async def read_support_body(
        request: Request,
        function: str,
        extra: tuple[str, ...] = (),
        more: Callable[[dict[str, Any]], list[FieldProblem]] | None = None,
        title: str = "Invalid request",
    ) -> tuple[dict[str, Any], tuple[Any, Any, str, Recommendation], Callable[..., Any] | None]:
        """What the decision-support routes share: the body, read and triaged as by
        ``read_triage_body`` with the route's own keys ``extra`` checked by ``more`` — every
        problem at once, the assessment's and the route's — and the library ``function``
        (``None`` in a version without it: the route answers 501 after the body is checked)."""
        body = parse_json(await request.body())
        problems = more(body) if more is not None and isinstance(body, dict) else []
        try:
            read = read_triage_body(body, extra)
        except BodyError as exc:
            raise BodyError(exc.title, [*exc.problems, *problems], exc.status) from None
        if problems:
            raise BodyError(title, problems)
        return body, read, getattr(hf_triage, function, None)

    # --- endpoints -----------------------------------------------------------------------

    @app.post(
        "/v1/triage",
        operation_id="triage",
        response_model=Recommendation,
        responses=_ERRORS,
        openapi_extra=_json_body("TriageRequest"),
        summary="Triage one assessment",
        tags=["triage"],
    )
    async def post_triage(request: Request) -> Response:
        """Anbefal en metode for én udredning. / Recommend a method for one assessment."""
        rec = recommend(parse_json(await request.body()))
        return Response(rec.model_dump_json(), media_type="application/json")

    @app.post(
        "/v1/triage/batch",
        operation_id="triageBatch",
        response_model=list[BatchResult],
        responses={
            **_ERRORS,
            200: {
                "description": "One result per row, in order: a JSON array for a JSON body, "
                "one line per row for NDJSON",
                "content": {
                    NDJSON: {
                        "schema": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/BatchResult"},
                            "description": "The same results, one JSON object per line",
                        }
                    }
                },
            },
            415: {"model": Problem, "description": "Neither JSON nor NDJSON"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/BatchRow"},
                        }
                    },
                    NDJSON: {
                        "schema": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/BatchRow"},
                            "description": "The same rows, sent as one JSON object per line",
                        }
                    },
                },
            }
        },
        summary="Triage many assessments",
        tags=["triage"],
    )
    async def post_batch(
        request: Request,
        lang: Annotated[
            str,
            Query(description="Language of the texts", json_schema_extra={"enum": list(LANGS)}),
        ] = "da",
        offers: Annotated[
            str | None,
            Query(
                description="The municipality's portfolio, comma-separated, e.g. CTI,ICM",
                json_schema_extra={"pattern": r"^((CTI|ICM|ACT)(,(CTI|ICM|ACT))*)?$"},
            ),
        ] = None,
    ) -> Response:
        """Triage every row; a bad row is answered with its problem, in its place.

        Body: a JSON array of assessments, or NDJSON (``application/x-ndjson``, one per
        line; blank lines are skipped). A row may carry a pseudonymous ``citizen_id``,
        echoed in its result. Pointers in row problems start at the row's index.
        """
        ctype = request.headers.get("content-type", "application/json").lower()
        ndjson = "ndjson" in ctype or "jsonl" in ctype
        if not ndjson and "json" not in ctype:
            raise StarletteHTTPException(
                415, f"send application/json or {NDJSON}, not {cut(ctype)}"
            )
        # query parameters are not in the body: their problems point at the whole request
        found = lang_problems(lang, ("lang",)) if lang != "da" else []
        municipality: dict[str, Any] | None = None
        if offers is not None:
            municipality = {"offers": [o.strip() for o in offers.split(",") if o.strip()]}
            found += municipality_problems(municipality, ("offers",))
        problems = [
            p.model_copy(update={"pointer": "", "detail": "query " + p.detail}) for p in found
        ]
        if problems:
            raise BodyError("Invalid query", problems)
        body = await request.body()
        rows: Iterator[tuple[Any, str | None]]
        if ndjson:
            rows = ndjson_rows(body)
        else:
            data = parse_json(body)
            if not isinstance(data, list):
                raise BodyError(
                    "Invalid request",
                    [
                        FieldProblem(
                            pointer="",
                            detail="the body must be a JSON array of assessments, "
                            f"or NDJSON lines sent as {NDJSON}",
                        )
                    ],
                )
            rows = ((row, None) for row in data)
        answer = batch_answerer(compiled, municipality, lang)
        chunks = ndjson_chunks(rows, answer) if ndjson else json_chunks(rows, answer)
        return StreamingResponse(chunks, media_type=NDJSON if ndjson else "application/json")

    @app.post(
        "/v1/next-questions",
        operation_id="nextQuestions",
        response_model=NextQuestionsOut,
        responses={**_ERRORS, 501: {"model": Problem, "description": "Not in this version"}},
        openapi_extra=_json_body("TriageRequest"),
        summary="The questions that would decide an undecided assessment",
        tags=["decision support"],
    )
    async def post_next_questions(request: Request) -> Response:
        """De manglende svar, rangeret efter hvor meget hvert afgør. / The missing answers,
        ranked by how much each would decide, with the outcome per possible value."""
        _, (assessment, municipality, lang, _), function = await read_support_body(
            request, "next_questions"
        )
        if function is None:
            return _not_yet("next_questions", request.url.path)
        result = _call(function, assessment, rules=compiled, municipality=municipality, lang=lang)
        data = _plain(result)
        if not isinstance(data, dict):
            data = {"questions": data}
        data.setdefault("ruleset_fingerprint", compiled.fingerprint)
        return JSONResponse(data)

    @app.post(
        "/v1/decisions",
        operation_id="recordDecision",
        response_model=DecisionRecordOut,
        responses={**_ERRORS, 501: {"model": Problem, "description": "Not in this version"}},
        openapi_extra=_json_body("DecisionRequest"),
        summary="Record the caseworker's decision (stores nothing)",
        tags=["decision support"],
    )
    async def post_decision(request: Request) -> Response:
        """Returnerer en afgørelsespost; tjenesten gemmer intet. / Returns a decision record
        (the recommendation of the rules in force, the decision, reason, draft grounds);
        the service stores nothing."""
        body, (assessment, _, _, rec), function = await read_support_body(
            request,
            "record_decision",
            ("decided_method", "reason", "note", "decided_at"),
            decision_problems,
            "Invalid decision",
        )
        if function is None:
            return _not_yet("record_decision", request.url.path)
        decided_at = body.get("decided_at")
        try:
            record = function(
                rec,
                body["decided_method"],
                reason=body.get("reason"),
                note=body.get("note"),
                decided_at=None if decided_at is None else dt.datetime.fromisoformat(decided_at),
                assessment=assessment,
                rules=compiled,
            )
        except TriageError as exc:
            raise BodyError(
                "Invalid decision",
                [FieldProblem(pointer="/reason", detail=str(p)) for p in _problems_of(exc)],
            ) from None
        return Response(
            record.model_dump_json() if isinstance(record, BaseModel) else str(record),
            media_type="application/json",
        )

    @app.post(
        "/v1/reviews",
        operation_id="reviewCourse",
        response_model=CourseReview,
        responses={**_ERRORS, 503: {"model": Problem, "description": "No follow-up rules"}},
        openapi_extra=_json_body("ReviewRequest"),
        summary="Follow-up signals for a course of support",
        tags=["follow-up"],
    )
    async def post_review(request: Request) -> Response:
        """Opfølgning på et forløb på en given dag. / The follow-up signals for a course on
        a given day."""
        body = parse_json(await request.body())
        problems = check_envelope(body, ("course", "today"), ("lang",))
        if problems and not isinstance(body, dict):
            raise BodyError("Invalid request", problems)
        lang = body.get("lang", "da")
        if "lang" in body:
            problems += lang_problems(lang, ("lang",))
        today = body.get("today")
        day: dt.date | None = None
        if "today" in body:
            if isinstance(today, str) and _DATE.fullmatch(today):
                try:
                    day = dt.date.fromisoformat(today)
                except ValueError:
                    day = None
            if day is None:
                problems.append(
                    FieldProblem(
                        pointer="/today",
                        detail=f"field 'today': {cut(today)!r} is not a date; write YYYY-MM-DD, "
                        "e.g. 2026-11-24",
                        value=cut(today),
                    )
                )
        course = body.get("course")
        if "course" in body:
            problems += course_problems(course)
        if problems:
            raise BodyError("Invalid course", problems)
        assert day is not None
        try:
            review = review_course(course, today=day, rules=compiled, lang=lang)
        except CourseError as exc:
            raise BodyError(
                "Invalid course",
                [FieldProblem(pointer="/course", detail=p) for p in _problems_of(exc)],
            ) from None
        except RuleError as exc:
            return _problem_response(503, str(exc), request.url.path)
        return Response(review.model_dump_json(), media_type="application/json")

    @app.get(
        "/v1/ruleset",
        operation_id="getRuleset",
        response_model=RulesetOut,
        responses=_GET_ERRORS,
        summary="The rule set in use",
        tags=["rules"],
    )
    async def get_ruleset() -> Response:
        """Navn, version, fingeraftryk, gyldig fra, kilder. / Name, version, fingerprint,
        valid from, sources."""
        return JSONResponse(info)

    schemas = _schema_models()

    @app.get(
        "/v1/schemas/{name}",
        operation_id="getSchema",
        response_model=dict[str, Any],
        responses={**_GET_ERRORS, 422: _ERRORS[422]},
        summary="JSON Schema of a body",
        tags=["rules"],
    )
    async def get_schema(name: SchemaName, request: Request) -> Response:
        """JSON Schema (2020-12) of an object of the API."""
        if name not in schemas:
            return _problem_response(
                404,
                f"no schema named {cut(name)!r}; allowed: {', '.join(schemas)}",
                request.url.path,
            )
        model, mode = schemas[name]
        schema = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
        if name == "assessment":
            schema = null_means_not_given(schema)
            schema["$defs"]["Dimensions"] = null_means_not_given(schema["$defs"]["Dimensions"])
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        return JSONResponse(schema)

    @app.get(
        "/healthz",
        operation_id="healthz",
        response_model=Health,
        summary="Liveness",
        tags=["operations"],
    )
    async def healthz() -> Response:
        """The process answers."""
        return JSONResponse({"status": "ok"})

    @app.get(
        "/readyz",
        operation_id="readyz",
        response_model=Health,
        responses={503: {"model": Problem, "description": "Not ready"}},
        summary="Readiness: rules loaded and checked",
        tags=["operations"],
    )
    async def readyz(request: Request) -> Response:
        """Ready when the rule set is loaded and ``check_rules`` found no error."""
        report = checked.get("report")
        if report is None:
            detail = checked.get("error") or "the rule set is being checked"
            return _problem_response(503, detail, request.url.path)
        if not report.ok:
            errors = [
                FieldProblem(pointer="", detail=f"{f.file}:{f.line}: {f.text_da} / {f.text_en}")
                for f in report.errors
            ]
            return _problem_response(
                503,
                f"the rule set has {len(errors)} error(s)",
                request.url.path,
                errors=errors,
            )
        return JSONResponse({"status": "ready", "ruleset_fingerprint": compiled.fingerprint})

    @app.get(
        "/version",
        operation_id="getVersion",
        response_model=VersionOut,
        responses={401: _ERRORS[401]},
        summary="Versions",
        tags=["operations"],
    )
    async def get_version() -> Response:
        """Library, API and rule-set versions."""
        return JSONResponse(
            {
                "hf_triage": hf_triage.__version__,
                "api": API_VERSION,
                "ruleset_version": info["version"],
                "ruleset_fingerprint": compiled.fingerprint,
            }
        )

    @app.get("/openapi-3.0.json", include_in_schema=False)
    async def openapi_30() -> Response:
        return JSONResponse(to_openapi_30(app.openapi()))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(
                app,
                {
                    "TriageRequest": TriageRequest,
                    "DecisionRequest": DecisionRequest,
                    "ReviewRequest": ReviewRequest,
                    "BatchRow": BatchRow,
                },
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    from hf_triage.page import page_router  # the caseworker page at / (issue 13)

    app.include_router(page_router(compiled))
    headers = [
        (b"x-ruleset-fingerprint", compiled.fingerprint.encode()),
        (b"x-ruleset-version", version.encode()),
    ]
    app.add_middleware(Guard, settings=config, headers=headers)
    app.state.rules = compiled
    app.state.settings = config
    return app


def _fastapi_options() -> dict[str, Any]:
    if "telemetry" in inspect.signature(FastAPI).parameters:
        return {"telemetry": _NO_TELEMETRY}
    return {}  # pragma: no cover - FastAPI releases without the telemetry parameter


def _not_yet(function: str, instance: str) -> Response:
    return _problem_response(
        501,
        f"this version of hf_triage ({hf_triage.__version__}) has no {function} yet",
        instance,
    )


def _problems_of(exc: TriageError) -> tuple[str, ...]:
    problems: tuple[str, ...] = getattr(exc, "problems", ()) or (str(exc),)
    return problems


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _call(function: Callable[..., Any], *args: Any, **options: Any) -> Any:
    """Call a library function with the options its signature takes."""
    accepted = inspect.signature(function).parameters
    return function(*args, **{k: v for k, v in options.items() if k in accepted})
