"""Follow-up signals over many courses, for the cohort report and ``hf-triage review``.

The count of courses "showing re-visitation" is taken from the signals' own flags
(``CourseSignal.revisitation``, filled from the follow-up file that raised each signal), never
from the shipped rules: a municipality that edits ``followup.yaml`` is counted by its own rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .._compile import CompiledRules
from ._review import CourseReview

__all__ = ["CTI_REVISIT_WARNING_SHARE", "FollowupSummary"]

#: from this share of CTI courses with re-visitation signals, the summary warns of "CTI as
#: default start" (000 «1 Indsatsvifte»; Praksiserfaring). The figure is a local choice.
CTI_REVISIT_WARNING_SHARE = 0.2


@dataclass(frozen=True)
class FollowupSummary:
    """Follow-up signals over many courses, for the cohort report.

    ``revisit`` counts, per method, the courses with at least one signal marked
    ``revisitation: true`` in the follow-up file that raised it. Many CTI courses with such
    signals is the municipality-level sign of "CTI as default start" (000 «1 Indsatsvifte»,
    Praksiserfaring).
    """

    courses: dict[str, int]
    revisit: dict[str, int]
    signals: dict[str, int]

    @classmethod
    def from_reviews(
        cls, reviews: Iterable[CourseReview], rules: CompiledRules | None = None
    ) -> FollowupSummary:
        """Count the reviews. ``rules`` is accepted for compatibility and not read: each signal
        carries its own ``revisitation`` flag from the rules that raised it."""
        del rules
        courses: Counter[str] = Counter()
        revisit: Counter[str] = Counter()
        signals: Counter[str] = Counter()
        for review in reviews:
            courses[review.method] += 1
            signals.update(review.signal_codes)
            if any(signal.revisitation for signal in review.signals):
                revisit[review.method] += 1
        return cls(dict(courses), dict(revisit), dict(signals))

    @property
    def cti_revisit_share(self) -> float | None:
        total = self.courses.get("CTI", 0)
        return self.revisit.get("CTI", 0) / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "courses": self.courses,
            "revisit": self.revisit,
            "signals": self.signals,
            "cti_revisit_share": self.cti_revisit_share,
        }

    def lines(self, lang: str = "da") -> list[str]:
        from .._texts import text

        courses = ", ".join(f"{m} {n}" for m, n in sorted(self.courses.items()))
        out = [text("followup.courses", lang, courses=courses)]
        cti, flagged = self.courses.get("CTI", 0), self.revisit.get("CTI", 0)
        if cti:
            share = f"{100 * flagged / cti:.0f}"
            out.append(text("followup.cti_revisit", lang, flagged=flagged, cti=cti, share=share))
            if flagged and flagged / cti >= CTI_REVISIT_WARNING_SHARE:
                out.append(text("followup.cti_default_start", lang))
        for code, n in sorted(self.signals.items(), key=lambda kv: -kv[1]):
            out.append(f"{n:>7}  {code}")
        return out
