"""The caseworker's decision, recorded beside the recommendation with a draft of its grounds.

The caseworker decides; hf_triage recommends (a rule must not shut out judgement, "skøn under
regel"). ``record_decision`` returns a ``DecisionRecord``: the recommendation, the rule set
(fingerprint and version), the decided method and — required when the decision differs from
the recommendation or the recommendation is undecided — a reason code from
``rules/decision_reasons.yaml``, plus a free note. ``justification`` drafts the written grounds
that forvaltningsloven § 24 asks for: the legal basis (servicelovens § 85 a, 001), the facts
relied on, the main considerations with their sources, and any deviation with its reason.

The library stores nothing and logs nothing: the record is returned to the caller. The note is
the caseworker's own text about a citizen, so no error message ever repeats it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ._documents import parse_document, validate_document
from ._domain import FIELDS, METHODS
from ._domain import intensity as rank
from ._exceptions import RuleError, TriageError
from ._load import default_rules_dir
from ._models import Method, Recommendation
from ._ruleerrors import check_lang, describe_error, keys_of
from ._ruleerrors import say as in_lang
from ._texts import field_label, value_label
from ._texts import text as say
from ._yaml import parse_yaml

if TYPE_CHECKING:
    from ._compile import CompiledRules

__all__ = [
    "REASONS_FILE",
    "DecisionError",
    "DecisionReason",
    "DecisionRecord",
    "Justification",
    "decision_reasons",
    "reasons_file_citations",
    "record_decision",
    "render_grounds",
]

REASONS_FILE = "decision_reasons.yaml"
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
_RESULT = ConfigDict(frozen=True, extra="forbid")

#: flags a record can carry (codes as in rules/warnings.yaml); each has its text in texts.yaml,
#: ``decision.flag.<code with _>``
_FLAGS: tuple[str, ...] = ("method-not-offered", "below-assessed-need", "above-assessed-need")


def flag_text_key(flag: str) -> str:
    """The texts.yaml key of a flag's sentence in the grounds."""
    return "decision.flag." + flag.replace("-", "_")


class DecisionError(TriageError, ValueError):
    """A decision that cannot be recorded: names the argument, the value and what is allowed."""


class DecisionReason(BaseModel):
    """A reason code for a decision, in Danish and English, with its source."""

    model_config = _STRICT
    code: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    da: str = Field(min_length=1)
    en: str = Field(min_length=1)
    source: str = Field(min_length=3)
    flags: list[str] = Field(default_factory=list, description="Codes a record always carries")

    def text(self, lang: str) -> str:
        return self.da if lang == "da" else self.en


class _ReasonsFile(BaseModel):
    model_config = _STRICT
    reasons: list[DecisionReason] = Field(min_length=1)


def _reasons_path(directory: Path) -> Path:
    own = directory / REASONS_FILE
    return own if own.is_file() else default_rules_dir() / REASONS_FILE


def _load_reasons(path: Path, lang: str = "da") -> tuple[tuple[DecisionReason, int], ...]:
    """The reasons with their lines; cached per file, modification time and the language of
    the problems (Danish by default, as ``load_rules``)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load_reasons_at(path, stamp, check_lang(lang))


_KEYS = keys_of(_ReasonsFile)


@lru_cache(maxsize=16)
def _load_reasons_at(path: Path, _stamp: int, lang: str) -> tuple[tuple[DecisionReason, int], ...]:
    parsed = parse_document(path, "decision reasons", lang, shared=True)
    model, found = validate_document(
        parsed, _ReasonsFile, describe=lambda error, data: describe_error(error, data, lang, _KEYS)
    )
    problems = list(found)
    document = parsed.yaml if parsed.yaml is not None else parse_yaml("")
    if model is not None:
        codes = [r.code for r in model.reasons]
        problems += [
            f"{path}:{document.line_of(('reasons', i, 'code'))}: "
            + in_lang(
                lang,
                f"begrundelseskoden '{c}' bruges to gange",
                f"reason code '{c}' is used twice",
            )
            for i, c in enumerate(codes)
            if c in codes[:i]
        ]
        problems += [
            f"{path}:{document.line_of(('reasons', i, 'flags'))}: "
            + in_lang(
                lang,
                f"flaget {f!r} kendes ikke; mulige: {', '.join(_FLAGS)}",
                f"flag {f!r} is not known; allowed: {', '.join(_FLAGS)}",
            )
            for i, r in enumerate(model.reasons)
            for f in r.flags
            if f not in _FLAGS
        ]
    if problems or model is None:
        raise RuleError(
            in_lang(
                lang,
                f"{len(problems)} problem(er) i begrundelseskoderne {path}:\n",
                f"{len(problems)} problem(s) in the decision reasons {path}:\n",
            )
            + "\n".join(problems),
            tuple(problems),
        )
    return tuple((r, document.line_of(("reasons", i, "code"))) for i, r in enumerate(model.reasons))


def decision_reasons(
    rules: CompiledRules | None = None, lang: str = "da"
) -> tuple[DecisionReason, ...]:
    """The reason codes for decisions: the rule directory's ``decision_reasons.yaml``, or the
    shipped one when the directory has none. A broken file raises ``RuleError`` naming file
    and line, in Danish (``lang="da"``, the default) or English (``lang="en"``)."""
    directory = rules.directory if rules is not None else default_rules_dir()
    return tuple(r for r, _ in _load_reasons(_reasons_path(Path(directory)), lang))


def reasons_file_citations(directory: Path) -> list[tuple[str, str, int, str]]:
    """(citation, file, line, code) of each reason in the directory's own reasons file."""
    path = Path(directory) / REASONS_FILE
    if not path.is_file():
        return []
    return [(r.source, path.name, line, r.code) for r, line in _load_reasons(path)]


class Justification(BaseModel):
    """A draft of the written grounds (forvaltningsloven § 24), for the caseworker to edit."""

    model_config = _RESULT
    da: str
    en: str

    def get(self, lang: str) -> str:
        return self.da if lang == "da" else self.en


class DecisionRecord(BaseModel):
    """The caseworker's decision beside the recommendation it answers.

    ``flags`` are warning codes the decision raises (``method-not-offered`` whenever the reason
    is that the method is not available; ``below-assessed-need`` / ``above-assessed-need`` when
    the decided method is less / more intensive than every possible method).
    """

    model_config = _RESULT
    decided_method: Method
    recommended_method: Method | None
    possible_methods: list[Method]
    deviates: bool = Field(
        description="The decision differs from the recommendation, or the "
        "recommendation was undecided"
    )
    reason: str | None = None
    reason_text: str | None = Field(default=None, description="The reason in Danish")
    reason_source: str | None = None
    note: str | None = None
    decided_at: dt.datetime
    ruleset_fingerprint: str
    ruleset_version: str | None
    flags: list[str] = Field(default_factory=list)
    recommendation: Recommendation
    assessment: dict[str, Any] | None = None
    justification: Justification

    def __repr_args__(self) -> Any:
        # the note and the assessment are about a citizen: keep them out of reprs and logs
        return [
            ("decided_method", self.decided_method),
            ("recommended_method", self.recommended_method),
            ("reason", self.reason),
            ("ruleset_version", self.ruleset_version),
        ]


def _fail(what: str, value: object, allowed: str) -> DecisionError:
    shown = repr(value[:37] + "...") if isinstance(value, str) and len(value) > 40 else repr(value)
    return DecisionError(f"{what}: {shown} is not allowed; allowed: {allowed}")


def _flags(rec: Recommendation, decided: str, reason: DecisionReason | None) -> list[str]:
    flags = list(reason.flags) if reason is not None else []
    possible = [rank(m) for m in rec.possible_methods]
    if possible and rank(decided) < min(possible):
        flags.append("below-assessed-need")
    if possible and rank(decided) > max(possible):
        flags.append("above-assessed-need")
    return list(dict.fromkeys(flags))


def record_decision(
    recommendation: Recommendation,
    decided_method: str,
    *,
    reason: str | None = None,
    note: str | None = None,
    decided_at: dt.datetime | dt.date | None = None,
    assessment: Mapping[str, Any] | None = None,
    rules: CompiledRules | None = None,
) -> DecisionRecord:
    """Record the caseworker's decision on ``recommendation``; returns a ``DecisionRecord``.

    ``reason`` is a code from ``rules/decision_reasons.yaml`` (``rules``' own file when it has
    one), required when ``decided_method`` differs from the recommended method or nothing was
    recommended. ``decided_at`` defaults to now (UTC). ``assessment`` (optional) is kept in the
    record as given. Raises ``DecisionError`` naming the argument and the values allowed.
    Stores and logs nothing.
    """
    if not isinstance(recommendation, Recommendation):
        raise DecisionError(
            "recommendation must be the Recommendation from hf_triage.triage(), not "
            f"{type(recommendation).__name__}"
        )
    rec = recommendation
    if decided_method not in METHODS:
        raise _fail("decided_method", decided_method, ", ".join(METHODS))
    if note is not None and not isinstance(note, str):
        # never repeat the note: it is free text about a citizen
        raise DecisionError(f"note must be text (str), not {type(note).__name__}")
    reasons = {r.code: r for r in decision_reasons(rules)}
    allowed = ", ".join(reasons)
    chosen = None
    if reason is not None:
        if not isinstance(reason, str) or reason not in reasons:
            raise _fail("reason", reason, allowed)
        chosen = reasons[reason]
    deviates = rec.method is None or decided_method != rec.method
    if deviates and chosen is None:
        why = (
            "the recommendation is undecided"
            if rec.method is None
            else f"the decision ({decided_method}) differs from the recommendation ({rec.method})"
        )
        raise DecisionError(f"reason: required because {why}; allowed: {allowed}")
    if chosen is not None and "method-not-offered" in chosen.flags and not deviates:
        raise DecisionError(
            f"reason: {reason!r} says the recommended method is not available, but the decision "
            f"is the recommended method {decided_method}: choose another reason or method"
        )
    when = _when(decided_at)
    facts = dict(assessment) if assessment is not None else None
    flags = _flags(rec, decided_method, chosen)
    record: dict[str, Any] = {
        "decided_method": decided_method,
        "recommended_method": rec.method,
        "possible_methods": list(rec.possible_methods),
        "deviates": deviates,
        "reason": reason,
        "reason_text": chosen.da if chosen else None,
        "reason_source": chosen.source if chosen else None,
        "note": note,
        "decided_at": when,
        "ruleset_fingerprint": rec.ruleset_fingerprint,
        "ruleset_version": rec.ruleset_version,
        "flags": flags,
        "recommendation": rec,
        "assessment": facts,
    }
    texts = {
        lang: _justification(rec, decided_method, chosen, note, flags, lang, rules)
        for lang in ("da", "en")
    }
    record["justification"] = Justification(**texts)
    return DecisionRecord.model_validate(record)


def _when(decided_at: object) -> dt.datetime:
    if decided_at is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if isinstance(decided_at, dt.datetime):
        return decided_at
    if isinstance(decided_at, dt.date):
        return dt.datetime.combine(decided_at, dt.time(), tzinfo=dt.timezone.utc)
    raise DecisionError(f"decided_at must be a datetime or a date, not {type(decided_at).__name__}")


def _considerations(rec: Recommendation, lang: str, rules: CompiledRules | None) -> list[str]:
    """The reasons in ``lang``: from the rule set when it is the one that gave ``rec``."""
    from ._api import default_rules

    compiled = rules if rules is not None else default_rules()
    same = compiled.fingerprint == rec.ruleset_fingerprint
    lines = []
    for r in rec.reasons:
        text = r.text
        if same and lang != rec.lang:
            with contextlib.suppress(KeyError):
                text = compiled.criterion(r.rule_id).reason.get(lang)
        word = say("word.source", lang)
        lines.append(f"- {' '.join(text.split())} ({word}: {r.source}; {r.rule_id})")
    return lines


def _facts_text(rec: Recommendation, lang: str) -> str:
    parts = []
    for name, value in rec.facts_relied_on.items():
        spec = FIELDS.get(name)
        fallback = (spec.label_da if lang == "da" else spec.label_en) if spec else name
        parts.append(f"{field_label(name, lang, fallback)}: {value_label(name, value, lang)}")
    if parts:
        return "; ".join(parts)
    return say("decision.no_answers", lang)


def _justification(
    rec: Recommendation,
    decided: str,
    reason: DecisionReason | None,
    note: str | None,
    flags: list[str],
    lang: str,
    rules: CompiledRules | None,
) -> str:
    """The draft grounds in ``lang``, sentence by sentence from texts.yaml ``decision.*``."""
    recommended = rec.method or "/".join(rec.possible_methods)
    version = rec.ruleset_version or say("decision.no_version", lang)
    rule_set = f"{version}, {rec.ruleset_fingerprint[:19]}…"
    lines = [
        say("decision.decided", lang, decided=decided),
        say("decision.legal_basis", lang),
        say("decision.facts", lang, facts=_facts_text(rec, lang)),
    ]
    considerations = _considerations(rec, lang, rules)
    if considerations:
        lines.append(say("decision.considerations", lang))
        lines += considerations
    lines.append(say("decision.recommendation", lang, recommended=recommended, rule_set=rule_set))
    why = (
        f"{reason.text(lang)} ({say('word.source', lang)}: {reason.source})"
        if reason is not None
        else say("decision.no_reason", lang)
    )
    if rec.method is None:
        lines.append(
            say("decision.undecided", lang, decided=decided, recommended=recommended, why=why)
        )
    elif decided != rec.method:
        lines.append(
            say("decision.deviation", lang, decided=decided, recommended=recommended, why=why)
        )
    elif reason is not None:
        lines.append(say("decision.further", lang, why=why))
    for flag in flags:
        flag_text = say(flag_text_key(flag), lang, decided=decided, recommended=recommended)
        lines.append(say("decision.flag_line", lang, flag=flag, text=flag_text))
    if note:
        lines.append(say("decision.note", lang, note=note))
    lines.append(say("decision.draft", lang))
    return "\n".join(lines)


def render_grounds(record: DecisionRecord, lang: str = "da") -> str:
    """The decision's grounds as text for the terminal (the justification in ``lang``)."""
    return record.justification.get(lang)
