"""The public entry points: ``triage`` and ``load_rules``."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._compile import CompiledRules, compile_rules
from ._domain import METHODS, Domain
from ._exceptions import AssessmentError, MunicipalityError, TriageError
from ._load import default_rules_dir, load_rule_files
from ._models import Assessment, Municipality, Recommendation, validate_mapping
from ._table import TABLES, answer
from ._values import given_value

__all__ = ["MunicipalityError", "default_rules", "load_rules", "triage"]

from ._texts import LANGS, check_lang

_METHOD_SET = frozenset(METHODS)
ENGINES = ("builtin", "durable")


def load_rules(
    directory: str | Path, *, domain: Domain | None = None, lang: str = "da"
) -> CompiledRules:
    """Load, validate and compile the rule files in ``directory``.

    Raises ``RuleError`` listing every problem in every file, each with ``file:line``, in
    Danish (``lang="da"``, the default) or English (``lang="en"``). ``domain`` (internal:
    benchmarks and tests) compiles against another input domain.
    """
    from ._manifest import attach_manifest  # the manifest's version (CONTRACT.md 1.1)

    if domain is None:
        return attach_manifest(compile_rules(load_rule_files(directory, lang=lang)), lang)
    loaded = load_rule_files(directory, domain.fields, lang=lang)
    return attach_manifest(compile_rules(loaded, domain), lang)


@lru_cache(maxsize=1)
def default_rules() -> CompiledRules:
    """The rule set shipped with hf_triage (loaded once, then shared: it is immutable)."""
    return load_rules(default_rules_dir())


def _facts(assessment: Mapping[str, Any] | Assessment) -> dict[str, Any]:
    if type(assessment) is not dict and isinstance(assessment, Assessment):
        return assessment.to_facts()
    if not isinstance(assessment, Mapping):
        raise AssessmentError(
            f"an assessment must be a mapping or an hf_triage.Assessment, not "
            f"{type(assessment).__name__}"
        )
    facts, problems = validate_mapping(assessment)
    if problems:
        raise AssessmentError(f"invalid assessment: {'; '.join(problems)}", tuple(problems))
    return facts


def offers_of(municipality: Mapping[str, Any] | Municipality | None) -> frozenset[str] | None:
    """The methods a municipality offers, validated; ``None`` when no portfolio was given."""
    if municipality is None:
        return None
    if type(municipality) is dict and municipality.keys() == {"offers"}:
        offers = municipality["offers"]
        if type(offers) is list and all(type(m) is str and m in _METHOD_SET for m in offers):
            return frozenset(offers)
    if isinstance(municipality, Municipality):
        return frozenset(municipality.offers)
    if not isinstance(municipality, Mapping):
        raise MunicipalityError(
            f"municipality must be a mapping such as {{'offers': ['CTI', 'ICM']}}, not "
            f"{type(municipality).__name__}"
        )
    offers = municipality.get("offers")
    if not isinstance(offers, (list, tuple, set, frozenset)):
        raise MunicipalityError(
            f"municipality 'offers': {given_value(offers)} is not a list of methods; "
            f"write e.g. offers: [CTI, ICM] (allowed methods: {', '.join(METHODS)})"
        )
    bad = [m for m in offers if type(m) is not str or m not in METHODS]
    if bad:
        raise MunicipalityError(
            f"municipality 'offers': {given_value(bad[0])} is not a method; "
            f"allowed: {', '.join(METHODS)}"
        )
    try:
        Municipality.model_validate({**municipality, "offers": list(offers)})
    except ValidationError as exc:
        problems = tuple(_municipality_problem(e) for e in exc.errors())
        raise MunicipalityError("invalid municipality: " + "; ".join(problems), problems) from None
    return frozenset(offers)


def _municipality_problem(error: Any) -> str:
    """One problem in a profile, without citizen ids (the keys under ``assigned``)."""
    loc = [str(p) for p in error["loc"]]
    if loc[:1] == ["assigned"] and len(loc) > 1:
        loc = ["assigned", "<citizen>"]
    return f"'{'.'.join(loc) or '(profile)'}': {str(error['msg']).removeprefix('Value error, ')}"


def triage(
    assessment: Mapping[str, Any] | Assessment,
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
    lang: str = "da",
    engine: str = "builtin",
) -> Recommendation:
    """Recommend a Housing First support method (CTI, ICM or ACT) for one assessment.

    >>> rec = triage({"complexity": "moderate", "service_use": "partial", "urgency": "soon"})
    >>> rec.method
    'ICM'

    ``rules`` defaults to the shipped rule set; ``municipality`` is the portfolio
    (``{"offers": [...]}``); ``lang`` is ``"da"`` (default) or ``"en"``. Raises
    ``AssessmentError`` naming every invalid field. The caseworker decides; this supports it.
    """
    if lang not in LANGS:
        check_lang(lang)  # the one language check (its error); nothing added to the hot path
    compiled = rules if rules is not None else default_rules()
    if engine == "builtin" and type(assessment) is dict and type(compiled) is CompiledRules:
        # the hot path: validation and the decision table's index in one pass
        found = TABLES.index_mapping(compiled, assessment)
        if found is not None:
            table, index, flat = found
            return answer(compiled, table, index, flat, offers_of(municipality), lang)
    facts = _facts(assessment)
    offers = offers_of(municipality)
    if not isinstance(compiled, CompiledRules):
        raise TriageError(
            f"rules must be a rule set from hf_triage.load_rules(directory), not "
            f"{type(compiled).__name__}: write rules=load_rules('path/to/rules')"
        )
    if engine == "builtin":
        return TABLES.recommend(compiled, facts, offers, lang)
    if engine == "durable":
        from ._durable import recommend_durable

        rec: Recommendation = recommend_durable(compiled, facts, offers, lang)
        return rec
    raise TriageError(f"engine {engine!r} is not known; allowed: {', '.join(ENGINES)}")
