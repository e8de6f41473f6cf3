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
    # significant: icm-massive-problems-beyond-cti, icm-long-term-need,
    # icm-severe-mental-illness-or-substance-use; else cti-significant-service-use-mild-moderate
    if complexity == "severe" or long_term or mh3 or su3:
        return "ICM"
    return "CTI"


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

    if complexity is not None and service_use is not None:
        method: str | None = _method(service_use, complexity, long_term, mh3, su3)
        least = method
    else:
        # partial: decided only when every completion of the unknown answers agrees
        uses = (service_use,) if service_use is not None else _SERVICE_USES
        cxs = (complexity,) if complexity is not None else _COMPLEXITIES
        seen = {_method(s, c, long_term, mh3, su3) for s in uses for c in cxs}
        least = min(seen, key=_ORDER.__getitem__)
        method = seen.pop() if len(seen) == 1 else None

    warnings: list[str] = []
    if a.get("urgency") == "acute":
        warnings.append("start-support-now")
    if a.get("housing_ready") is not None:
        warnings.append("housing-readiness-not-a-criterion")
    if method == "CTI" and duration == "unknown":
        warnings.append("cti-duration-unassessed")
    proposed = a.get("proposed_method")
    # below every method still possible (the method itself, when decided)
    if proposed is not None and _ORDER[proposed] < _ORDER[least]:
        warnings.append("below-assessed-need")
    if method is not None and proposed is not None and _ORDER[proposed] > _ORDER[method]:
        warnings.append("above-assessed-need")
    if method is not None and offers is not None and method not in offers:
        warnings.append("method-not-offered")
    if a.get("consent") is False:
        warnings.append("consent-missing")
    if (complexity == "severe" and service_use == "significant") or (
        complexity == "mild" and service_use == "minimal"
    ):
        warnings.append("inconsistent-answers")
    return method, tuple(warnings)
