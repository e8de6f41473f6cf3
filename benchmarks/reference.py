"""A hand-written triage: the shipped rules (rules/*.yaml) as plain ``if`` statements.

This is the speed floor the benchmark compares ``hf_triage.triage`` against: what a careful
programmer would write by hand for exactly the same reference semantics and the same warnings,
with no rule files, no validation, no texts and no result objects. It must agree with
``triage`` (method and warning codes) on the whole input domain; ``bench_triage.py`` checks
that before it prints any ratio.

It validates nothing: give it only valid assessments (CONTRACT.md "Input").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

__all__ = ["reference_triage"]

_ORDER = {"CTI": 0, "ICM": 1, "ACT": 2}
_COMPLEXITIES = ("mild", "moderate", "severe")
_SERVICE_USES = ("significant", "partial", "minimal")


def _method(service_use: str, complexity: str, long_term: bool, mh3: bool, su3: bool) -> str:
    """The method for known core answers: the most intensive method whose criteria hold."""
    if service_use == "minimal":
        # act-minimal-service-use-massive-problems; act-severe-mental-illness-and-substance-use
        if complexity == "severe" or (mh3 and su3):
            return "ACT"
        # icm-minimal-service-use-not-massive
        return "ICM"
    if service_use == "partial":
        return "ICM"  # icm-partial-service-use
    # significant: icm-massive-problems-beyond-cti, icm-long-term-need;
    # else cti-significant-service-use-mild-moderate (rule set 1.1: a severe dimension warns)
    if complexity == "severe" or long_term:
        return "ICM"
    return "CTI"


_TRANSITIONS = frozenset(
    {
        "shelter_exit",
        "hospital_discharge",
        "treatment_discharge",
        "prison_release",
        "temporary_stay",
        "leaving_care",
    }
)


def reference_triage(
    a: Mapping[str, Any], offers: Collection[str] | None = None
) -> tuple[str | None, tuple[str, ...]]:
    """``(method or None, warning codes in rules/warnings.yaml order)`` for assessment ``a``.

    ``offers`` is the municipality's portfolio (``None``: no portfolio given).
    """
    complexity = a.get("complexity")
    service_use = a.get("service_use")
    duration = a.get("support_duration") or "unknown"
    long_term = duration == "long_term"
    dims = a.get("dimensions")
    if dims:
        mh = dims.get("mental_health")
        su = dims.get("substance_use")
        mh3 = mh is not None and mh >= 3
        su3 = su is not None and su >= 3
    else:
        mh3 = su3 = False

    missing: list[str] = []
    if complexity is not None and service_use is not None:
        method: str | None = _method(service_use, complexity, long_term, mh3, su3)
        least = method
        possible: set[str] = {method}
    else:
        # partial: decided only when every completion of the unknown answers agrees
        uses = (service_use,) if service_use is not None else _SERVICE_USES
        cxs = (complexity,) if complexity is not None else _COMPLEXITIES
        table = {(s, c): _method(s, c, long_term, mh3, su3) for s in uses for c in cxs}
        possible = set(table.values())
        least = min(possible, key=_ORDER.__getitem__)
        method = next(iter(possible)) if len(possible) == 1 else None
        if method is None:
            if complexity is None and any(len({table[s, c] for c in cxs}) > 1 for s in uses):
                missing.append("complexity")
            if service_use is None and any(len({table[s, c] for s in uses}) > 1 for c in cxs):
                missing.append("service_use")

    scores = list(dims.values()) if dims else []
    proposed = a.get("proposed_method")
    current = a.get("current_method")
    w: list[str] = []
    if a.get("urgency") == "acute":
        w.append("start-support-now")
    if a.get("housing_ready") is not None:
        w.append("housing-readiness-not-a-criterion")
    if method == "CTI" and duration == "unknown":
        w.append("cti-duration-unassessed")
    if least == "CTI" and (mh3 or su3):
        w.append("beyond-typical-cti")
    # below every method still possible (the method itself, when decided)
    if proposed is not None and _ORDER[proposed] < _ORDER[least]:
        w.append("below-assessed-need")
    if (proposed == "ICM" and method == "CTI" and duration != "unknown") or (
        proposed == "ACT" and method in ("CTI", "ICM")
    ):
        w.append("above-assessed-need")
    if method is not None and offers is not None and method not in offers:
        w.append("method-not-offered")
    if method is None and offers is not None and not possible & set(offers):
        w.append("possible-methods-not-offered")
    if a.get("consent") is False:
        w.append("consent-missing")
    if a.get("consent") is None:
        w.append("consent-not-recorded")
    if (
        (complexity == "severe" and service_use == "significant")
        or (complexity == "mild" and service_use == "minimal")
        or (complexity == "mild" and (mh3 or su3))
        or (complexity == "severe" and scores and max(scores) <= 1)
    ):
        w.append("inconsistent-answers")
    network = dims.get("network") if dims else None
    if (
        method == "ICM"
        and service_use == "minimal"
        and complexity in ("mild", "moderate")
        and (a.get("negative_service_experiences") is True or (network or 0) >= 3)
    ):
        w.append("act-traits-present")
    if method == "ICM" and complexity == "mild" and service_use == "significant" and long_term:
        w.append("consider-section-85")
    if current is not None and _ORDER[current] < _ORDER[least]:
        w.append("revisit-to-more-intensive")
    if current is not None and method is not None and _ORDER[current] > _ORDER[method]:
        w.append("step-down-when-stable")
    if a.get("housing_plan") is False:
        w.append("housing-plan-missing")
    if a.get("previous_evictions") is True:
        w.append("earlier-eviction-not-exclusion")
    if a.get("action_plan_offered") is False:
        w.append("offer-action-plan")
    if method == "CTI" and a.get("situation") not in _TRANSITIONS:
        w.append("cti-transition-unclear")
    if "service_use" in missing:
        w.append("find-out-service-use")
    if "complexity" in missing:
        w.append("find-out-complexity")
    if method is None and least == "CTI" and duration == "unknown":
        w.append("find-out-nine-months")
    return method, tuple(w)
