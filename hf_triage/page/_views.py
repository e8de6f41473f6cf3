"""From the form to the library and back: read the posted answers, and shape a recommendation
for the templates (no rule logic lives here: the library decides, the page shows).

The state lives in the form (nothing is stored on the server): every request carries all the
answers, the language and, for a decision, the decided method, the reason and the note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hf_triage import Recommendation
from hf_triage._domain import DIMENSIONS, FIELDS, METHODS, FieldSpec, Scalar
from hf_triage._texts import LANGS
from hf_triage._texts import text as say

from ._texts import ANSWER_ORDER, LABELS, Question, question_for

__all__ = [
    "NOTE_LIMIT",
    "Answers",
    "FormField",
    "Shown",
    "decision_inputs",
    "form_fields",
    "read_answers",
    "read_lang",
    "shown",
    "value_key",
    "value_label",
]

#: the longest note the page takes (a note is grounds for one decision, not a case file)
NOTE_LIMIT = 4000
_CORE = ("urgency", "service_use", "complexity", "support_duration")


def value_key(value: Scalar) -> str:
    """A value as the form writes it: 'true'/'false', '3', or the word itself."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class FormField:
    """One question on the page: its name, words, answers and how it is asked."""

    name: str
    question: Question
    values: tuple[str, ...]
    widget: str  # "radio" or "select"
    group: str  # "core", "dimensions" or "more"
    has_empty: bool

    @property
    def dom_id(self) -> str:
        return "q-" + self.name.replace(".", "-").replace("_", "-")

    def text(self, lang: str) -> str:
        return self.question.da if lang == "da" else self.question.en

    def help(self, lang: str) -> str:
        return self.question.help_da if lang == "da" else self.question.help_en

    def option(self, value: str, lang: str) -> tuple[str, str]:
        """The answer's label and its meaning from the sources (may be empty)."""
        vt = self.question.values.get(value)
        if vt is None:
            return value, ""
        return (vt.da, vt.meaning_da) if lang == "da" else (vt.en, vt.meaning_en)


def _field(spec: FieldSpec) -> FormField:
    values = tuple(value_key(v) for v in spec.values)
    question = question_for(spec.name, spec.label_da, spec.label_en, values)
    group = (
        "core"
        if spec.name in _CORE
        else "dimensions"
        if spec.name.startswith("dimensions.")
        else "more"
    )
    widget = "select" if group == "dimensions" or len(values) > 4 else "radio"
    # support_duration has its own 'unknown' (the default): no separate empty answer
    return FormField(spec.name, question, values, widget, group, "unknown" not in values)


def form_fields() -> tuple[FormField, ...]:
    """Every assessment field, in the order the page asks them (urgency first)."""
    ordered = [n for n in ANSWER_ORDER if n in FIELDS]
    ordered += [n for n in FIELDS if n not in ordered]
    return tuple(_field(FIELDS[n]) for n in ordered)


class Answers(dict[str, str]):
    """The answers as posted (field name -> the form's text), for showing them again."""


def _coerce(spec: FieldSpec, text: str) -> Any:
    # Only a well-formed answer becomes a bool or a score; anything else goes to the library
    # as given, so that its error names the field, the value and the values allowed.
    if spec.kind == "bool" and text in ("true", "false"):
        return text == "true"
    if spec.name.startswith("dimensions.") and text.isdigit() and len(text) == 1:
        return int(text)
    return text


def read_answers(form: Mapping[str, Any]) -> tuple[Answers, dict[str, Any]]:
    """The posted answers, and the assessment mapping for ``hf_triage.triage``.

    An empty answer means "not assessed" and is left out (never a default).
    """
    answers = Answers()
    assessment: dict[str, Any] = {}
    dims: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        raw = form.get(name)
        if not isinstance(raw, str) or raw == "":
            continue
        answers[name] = raw
        value = _coerce(spec, raw)
        if name.startswith("dimensions."):
            dims[name.split(".", 1)[1]] = value
        else:
            assessment[name] = value
    if dims:
        assessment["dimensions"] = {d: dims[d] for d in DIMENSIONS if d in dims}
    return answers, assessment


def read_lang(form: Mapping[str, Any]) -> str:
    """The page's language: the toggle when pressed, else the form's; Danish by default."""
    for key in ("switch_lang", "lang"):
        value = form.get(key)
        if value in LANGS:
            return str(value)
    return "da"


@dataclass(frozen=True)
class DecisionInputs:
    method: str | None
    reason: str | None
    note: str | None
    decided_at: dt.datetime | None
    problems: dict[str, str] = field(default_factory=dict)


def decision_inputs(form: Mapping[str, Any], lang: str) -> DecisionInputs:
    """The decision's fields; ``problems`` names each one that cannot be used, by field."""
    problems: dict[str, str] = {}
    method = form.get("decided_method") or None
    if method is None:
        problems["decided_method"] = say("page.problem.choose_method", lang)
    elif method not in METHODS:
        problems["decided_method"] = say(
            "page.problem.not_a_method", lang, value=str(method)[:40], methods=", ".join(METHODS)
        )
    reason = form.get("reason") or None
    note = form.get("note") or None
    if isinstance(note, str):
        note = note.replace("\r\n", "\n").strip() or None
    if note is not None and len(note) > NOTE_LIMIT:
        problems["note"] = say("page.problem.note_too_long", lang, n=len(note), limit=NOTE_LIMIT)
    when = None
    stamp = form.get("decided_at") or None
    if stamp is not None:
        try:
            when = dt.datetime.fromisoformat(str(stamp))
        except ValueError:
            problems["decided_at"] = say("page.problem.not_a_time", lang, value=str(stamp)[:40])
    return DecisionInputs(
        method if isinstance(method, str) else None,
        reason if isinstance(reason, str) else None,
        note if isinstance(note, str) else None,
        when,
        problems,
    )


def value_label(name: str, value: Scalar, lang: str) -> str:
    """An answer in the page's words (the question table's label for the value)."""
    spec = FIELDS.get(name)
    if spec is None:
        return str(value)
    return _field(spec).option(value_key(value), lang)[0]


def field_label(name: str, lang: str) -> str:
    spec = FIELDS.get(name)
    if spec is None:
        return name
    if name.startswith("dimensions."):
        q = question_for(name, spec.label_da, spec.label_en, ())
        return f"{say('page.life_dimension', lang)}: {q.da if lang == 'da' else q.en}"
    label = spec.label_da if lang == "da" else spec.label_en
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class Shown:
    """A recommendation shaped for the templates, in one language."""

    rec: Recommendation
    urgent: list[Any]
    warnings: list[Any]
    infos: list[Any]
    counterfactuals: list[dict[str, Any]]
    next_questions: list[dict[str, Any]]
    offers: list[tuple[str, bool]] | None


def _level(warning: Any) -> str:
    # 'level' arrives with the warnings of CONTRACT 1.1; until then every warning is one
    level = getattr(warning, "level", None)
    return level if level in ("warning", "info") else "warning"


def shown(rec: Recommendation, lang: str, offers: frozenset[str] | None) -> Shown:
    """What the result section shows: urgency first, then the rest in the library's order."""
    urgent = [w for w in rec.warnings if w.code == "start-support-now"]
    rest = [w for w in rec.warnings if w.code != "start-support-now"]
    cfs = []
    for cf in rec.counterfactuals:
        options = [
            [
                {
                    "field": field_label(c.field, lang),
                    "to": value_label(c.field, c.to, lang),
                    "from": value_label(c.field, c.from_, lang),
                }
                for c in option
            ]
            for option in cf.options
        ]
        cfs.append({"method": cf.method, "options": options})
    questions = []
    for q in rec.next_questions:
        groups: dict[str, list[str]] = {}
        for outcome in q.outcomes:
            result = (
                outcome.method
                if outcome.method is not None
                else f"{LABELS[lang]['still_open']}: {'/'.join(outcome.possible_methods)}"
            )
            groups.setdefault(result, []).append(value_label(q.field, outcome.value, lang))
        spec = FIELDS.get(q.field)
        fld = _field(spec) if spec is not None else None
        questions.append(
            {
                "field": q.field,
                "text": fld.text(lang) if fld else q.field,
                "target": fld.dom_id if fld else "",
                "outcomes": [(", ".join(v), r) for r, v in groups.items()],
            }
        )
    return Shown(
        rec=rec,
        urgent=urgent,
        warnings=[w for w in rest if _level(w) == "warning"],
        infos=[w for w in rest if _level(w) == "info"],
        counterfactuals=cfs,
        next_questions=questions,
        offers=None if offers is None else [(m, m in offers) for m in METHODS],
    )
