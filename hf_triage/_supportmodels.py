"""Result models of decision support: counterfactuals and next questions.

They sit apart from ``_models`` so that the engine, the recommendation and the decision record
can share them without import cycles. Built by ``_counterfactuals``; frozen pydantic models that
read back from their JSON form (``Change`` writes its ``from`` key by that name).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Change", "Counterfactual", "NextQuestion", "QuestionOutcome"]

Method = Literal["CTI", "ICM", "ACT"]
#: an answer value: a word, a 0-4 score, or true/false (bool before int: True is no score)
Value = bool | int | str

_RESULT = ConfigDict(frozen=True, extra="forbid")


class Change(BaseModel):
    """One changed answer: ``{field, from, to}`` (CONTRACT.md 1.1 "More on a recommendation")."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True
    )
    field: str = Field(description="The assessment field, e.g. service_use or dimensions.network")
    from_: Value = Field(alias="from", description="The answer given")
    to: Value = Field(description="The answer that would change the method")


class Counterfactual(BaseModel):
    """What would give another method: its smallest sets of changes of the assessed answers.

    ``options`` holds every smallest set (fewest changes first, then fewest ordinal steps);
    empty when no change of the assessed answers gives ``method``.
    """

    model_config = _RESULT
    method: Method
    #: tuples: the models are shared between results through the memo, so they are immutable
    options: tuple[tuple[Change, ...], ...] = ()
    text: str = ""

    @property
    def reachable(self) -> bool:
        return bool(self.options)


class QuestionOutcome(BaseModel):
    """The result an answer to a next question would give (other open answers left open)."""

    model_config = _RESULT
    value: Value
    method: Method | None
    possible_methods: tuple[Method, ...]


class NextQuestion(BaseModel):
    """A missing answer that would decide (or change) the result, with each answer's outcome.

    ``rules_out`` is the mean number of now-possible methods an answer rules out: the ranking.
    """

    model_config = _RESULT
    field: str
    rules_out: float
    outcomes: tuple[QuestionOutcome, ...]
    text: str = ""
