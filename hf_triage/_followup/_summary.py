"""Follow-up signals over many courses, for the cohort report and ``hf-triage review``.

The count of courses "showing re-visitation" is taken from the signals' own flags
(``CourseSignal.revisitation``, filled from the follow-up file that raised each signal), never
from the shipped rules: a municipality that edits ``followup.yaml`` is counted by its own rules.
Likewise the share from which the summary warns of "CTI as default start" is the one in those
rules' ``followup.yaml`` (``summary.many_cti_revisit``), never a figure in code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .._compile import CompiledRules
from .._exceptions import TriageError
from ._review import CourseReview

__all__ = ["MANY_CTI_REVISIT", "FollowupSummary"]

#: the key in followup.yaml ``summary:`` (and ``CompiledRules.summary_percent``) of the share of
#: CTI courses with re-visitation signals from which the summary warns of "CTI as default
#: start" (000 «1 Indsatsvifte»; Praksiserfaring). The figure is the municipality's local
#: choice, written in followup.yaml with its reason, never in code.
MANY_CTI_REVISIT = "many_cti_revisit"


@dataclass(frozen=True)
class FollowupSummary:
    """Follow-up signals over many courses, for the cohort report.

    ``revisit`` counts, per method, the courses with at least one signal marked
    ``revisitation: true`` in the follow-up file that raised it. Many CTI courses with such
    signals is the municipality-level sign of "CTI as default start" (000 «1 Indsatsvifte»,
    Praksiserfaring): from ``many_cti_revisit_percent`` per cent (``summary.many_cti_revisit``
    in the rules' followup.yaml) the summary warns. ``None``: the rules set no threshold, and
    the summary gives the share without a warning.
    """

    courses: dict[str, int]
    revisit: dict[str, int]
    signals: dict[str, int]
    many_cti_revisit_percent: int | None = None

    @classmethod
    def from_reviews(
        cls, reviews: Iterable[CourseReview], rules: CompiledRules | None = None
    ) -> FollowupSummary:
        """Count the reviews made with ``rules`` (default: the shipped rule set).

        Each signal carries its own ``revisitation`` flag from the rules that raised it; the
        warning threshold is the one in ``rules`` (``summary.many_cti_revisit`` in its
        followup.yaml). Given ``rules``, a review made with another rule set is refused
        (``TriageError``): its threshold would not be the one of the rules that reviewed it.
        """
        compiled = rules
        if compiled is None:
            from .._api import default_rules

            compiled = default_rules()
        courses: Counter[str] = Counter()
        revisit: Counter[str] = Counter()
        signals: Counter[str] = Counter()
        for i, review in enumerate(reviews):
            if rules is not None and review.ruleset_fingerprint != rules.fingerprint:
                raise TriageError(
                    f"review {i + 1} was made with the rule set "
                    f"{review.ruleset_fingerprint[:19]}..., not with the given rules "
                    f"({rules.fingerprint[:19]}...); give the rules that reviewed the courses"
                )
            courses[review.method] += 1
            signals.update(review.signal_codes)
            if any(signal.revisitation for signal in review.signals):
                revisit[review.method] += 1
        percent = compiled.summary_percent.get(MANY_CTI_REVISIT)
        return cls(dict(courses), dict(revisit), dict(signals), percent)

    @property
    def cti_revisit_share(self) -> float | None:
        total = self.courses.get("CTI", 0)
        return self.revisit.get("CTI", 0) / total if total else None

    @property
    def warns_of_cti_as_default_start(self) -> bool:
        """At least ``many_cti_revisit_percent`` per cent of the CTI courses (and one or more)
        show re-visitation signals. Compared in whole numbers: no rounding at the border."""
        cti, flagged = self.courses.get("CTI", 0), self.revisit.get("CTI", 0)
        percent = self.many_cti_revisit_percent
        return percent is not None and flagged > 0 and 100 * flagged >= percent * cti

    def to_dict(self) -> dict[str, Any]:
        return {
            "courses": self.courses,
            "revisit": self.revisit,
            "signals": self.signals,
            "cti_revisit_share": self.cti_revisit_share,
            "many_cti_revisit_percent": self.many_cti_revisit_percent,
        }

    def lines(self, lang: str = "da") -> list[str]:
        from .._texts import text

        courses = ", ".join(f"{m} {n}" for m, n in sorted(self.courses.items()))
        out = [text("followup.courses", lang, courses=courses)]
        cti, flagged = self.courses.get("CTI", 0), self.revisit.get("CTI", 0)
        if cti:
            share = f"{100 * flagged / cti:.0f}"
            out.append(text("followup.cti_revisit", lang, flagged=flagged, cti=cti, share=share))
            if self.warns_of_cti_as_default_start:
                out.append(text("followup.cti_default_start", lang))
        for code, n in sorted(self.signals.items(), key=lambda kv: -kv[1]):
            out.append(f"{n:>7}  {code}")
        return out
