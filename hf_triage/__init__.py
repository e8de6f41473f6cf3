"""hf_triage: refer citizens in (or at risk of) homelessness to the right Housing First method.

Turns structured assessment answers into a recommended support method — CTI, ICM or ACT — with
plain-language reasons and warnings, from declarative YAML rules that encode the Danish
guidance. The caseworker decides; hf_triage supports the decision.

    >>> from hf_triage import triage
    >>> triage({"complexity": "severe", "service_use": "minimal"}).method
    'ACT'
"""

from __future__ import annotations

from ._api import default_rules, load_rules, triage
from ._check import CheckReport, Finding, check_rules
from ._cohort import (
    BatchResult,
    CohortReport,
    RulesDiff,
    cohort_report,
    diff_rules,
    read_cohort,
    triage_frame,
    triage_many,
)
from ._compile import CompiledRules
from ._exceptions import AssessmentError, CourseError, MunicipalityError, RuleError, TriageError
from ._followup import (
    Course,
    CourseReview,
    CourseSignal,
    FollowupSummary,
    review_course,
    review_course_rows,
    review_courses,
)
from ._models import (
    Alternative,
    Assessment,
    Dimensions,
    Municipality,
    Reason,
    Recommendation,
    TriageWarning,
)
from ._municipality import load_municipality

__version__ = "1.0.0"

__all__ = [
    "Alternative",
    "Assessment",
    "AssessmentError",
    "BatchResult",
    "CheckReport",
    "CohortReport",
    "CompiledRules",
    "Course",
    "CourseError",
    "CourseReview",
    "CourseSignal",
    "Dimensions",
    "Finding",
    "FollowupSummary",
    "Municipality",
    "MunicipalityError",
    "Reason",
    "Recommendation",
    "RuleError",
    "RulesDiff",
    "TriageError",
    "TriageWarning",
    "__version__",
    "check_rules",
    "cohort_report",
    "default_rules",
    "diff_rules",
    "load_municipality",
    "load_rules",
    "read_cohort",
    "review_course",
    "review_course_rows",
    "review_courses",
    "triage",
    "triage_frame",
    "triage_many",
]

del annotations  # from the __future__ import: not part of the public API
