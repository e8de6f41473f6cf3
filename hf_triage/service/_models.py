"""The request and response bodies of the HTTP API, as pydantic models.

They describe the bodies in the OpenAPI document and the schemas under ``/v1/schemas``. The
service itself parses request bodies by hand (``_parse.py``) so that every problem is worded
as ``AssessmentError`` words it; these models never validate a citizen's answers.
Bodies are the JSON forms of the library's objects (CONTRACT.md "HTTP service").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hf_triage import Assessment, Course, Municipality, Recommendation

__all__ = [
    "BatchResult",
    "DecisionRecordOut",
    "DecisionRequest",
    "FieldProblem",
    "Health",
    "NextQuestion",
    "NextQuestionsOut",
    "Problem",
    "ReviewRequest",
    "RulesetOut",
    "TriageRequest",
    "VersionOut",
]

Method = Literal["CTI", "ICM", "ACT"]
Lang = Literal["da", "en"]
_REQUEST = ConfigDict(extra="forbid")
#: responses may gain fields in later minor versions (CONTRACT.md: add freely)
_RESPONSE = ConfigDict(extra="allow")


class FieldProblem(BaseModel):
    """One problem in a request body."""

    model_config = _REQUEST
    pointer: str = Field(
        description="JSON pointer (RFC 6901) to the offending value in the request body; "
        "'' is the whole body"
    )
    detail: str = Field(description="The problem in the words of hf_triage.AssessmentError")
    value: Any = Field(
        default=None, description="The value given, cut short (text to 40 characters)"
    )
    allowed: list[Any] | None = Field(
        default=None, description="The values allowed at this place, when they are a list"
    )


class Problem(BaseModel):
    """An RFC 9457 problem detail (``application/problem+json``)."""

    model_config = _REQUEST
    type: str = Field(default="about:blank", description="URI reference naming the problem")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str | None = Field(default=None, description="The request path")
    errors: list[FieldProblem] = Field(
        default_factory=list, description="Every problem of the body at once"
    )


class TriageRequest(BaseModel):
    """``POST /v1/triage`` and ``POST /v1/next-questions``."""

    model_config = _REQUEST
    assessment: Assessment
    municipality: Municipality | None = Field(
        default=None, description="The municipality's portfolio, e.g. {'offers': ['CTI', 'ICM']}"
    )
    lang: Lang = "da"


class BatchRow(Assessment):
    """A row of ``POST /v1/triage/batch``: an assessment and, optionally, a pseudonymous id."""

    # not strict for the id only: a number or a text
    citizen_id: str | int | None = Field(
        default=None, description="A pseudonymous id echoed in the result (never a CPR number)"
    )


class RowProblem(BaseModel):
    """Why one row of a batch was not triaged."""

    model_config = _REQUEST
    detail: str
    errors: list[FieldProblem]


class BatchResult(BaseModel):
    """One row's answer: its recommendation or its problem, never both."""

    model_config = _REQUEST
    index: int = Field(ge=0, description="The row's position in the request, from 0")
    citizen_id: str | int | None = None
    recommendation: Recommendation | None = None
    problem: RowProblem | None = None


class ReviewRequest(BaseModel):
    """``POST /v1/reviews``: a course of support and the day to review it on."""

    model_config = _REQUEST
    course: Course
    today: dt.date = Field(description="The day of the review, YYYY-MM-DD")
    lang: Lang = "da"


class DecisionRequest(BaseModel):
    """``POST /v1/decisions``: the caseworker's decision on an assessment.

    The service triages the assessment itself, so the record holds the recommendation of the
    rules in force and not one the caller could have altered.
    """

    model_config = _REQUEST
    assessment: Assessment
    municipality: Municipality | None = None
    lang: Lang = "da"
    decided_method: Method
    reason: str | None = Field(
        default=None,
        description="A reason code from rules/decision_reasons.yaml; required when the decision "
        "differs from the recommendation or the recommendation is undecided",
    )
    note: str | None = Field(default=None, max_length=4000)
    decided_at: dt.datetime | None = None


class DecisionRecordOut(BaseModel):
    """The decision record (CONTRACT.md "The human decision"); the service stores nothing."""

    model_config = _RESPONSE
    recommendation: Recommendation
    decided_method: Method
    reason: str | None = None
    note: str | None = None
    ruleset_fingerprint: str
    ruleset_version: str | None = None
    justification: dict[str, str] = Field(
        default_factory=dict, description="Draft written grounds by language (da, en)"
    )


class Outcome(BaseModel):
    """What the recommendation would be for one value of a missing answer."""

    model_config = _RESPONSE
    value: Any
    method: Method | None = None
    possible_methods: list[Method] = Field(default_factory=list)


class NextQuestion(BaseModel):
    """A missing answer and what each of its values would give."""

    model_config = _RESPONSE
    field: str
    outcomes: list[Outcome] = Field(default_factory=list)


class NextQuestionsOut(BaseModel):
    """The missing answers, ranked by how much each would decide (first: most)."""

    model_config = _RESPONSE
    questions: list[NextQuestion]
    ruleset_fingerprint: str


class RulesetOut(BaseModel):
    """The rule set the service answers with."""

    model_config = _RESPONSE
    name: str | None = None
    version: str | None = None
    fingerprint: str
    valid_from: str | None = None
    sources: list[Any] = Field(default_factory=list)


class Health(BaseModel):
    model_config = _RESPONSE
    status: Literal["ok", "ready"]
    ruleset_fingerprint: str | None = None


class VersionOut(BaseModel):
    model_config = _RESPONSE
    hf_triage: str
    api: str
    ruleset_version: str | None = None
    ruleset_fingerprint: str
