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
    triage_stream,
)
from ._compile import CompiledRules
from ._counterfactuals import next_questions
from ._decision import (
    DecisionError,
    DecisionReason,
    DecisionRecord,
    Justification,
    decision_reasons,
    record_decision,
)
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
from ._manifest import RulesetManifest, load_manifest, load_rules_in_force
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
from ._supportmodels import Change, Counterfactual, NextQuestion, QuestionOutcome

__version__ = "1.0.0"

__all__ = [
    "Alternative",
    "Assessment",
    "AssessmentError",
    "BatchResult",
    "Change",
    "CheckReport",
    "CohortReport",
    "CompiledRules",
    "Counterfactual",
    "Course",
    "CourseError",
    "CourseReview",
    "CourseSignal",
    "DecisionError",
    "DecisionReason",
    "DecisionRecord",
    "Dimensions",
    "Finding",
    "FollowupSummary",
    "Justification",
    "Municipality",
    "MunicipalityError",
    "NextQuestion",
    "QuestionOutcome",
    "Reason",
    "Recommendation",
    "RuleError",
    "RulesDiff",
    "RulesetManifest",
    "TriageError",
    "TriageWarning",
    "__version__",
    "check_rules",
    "cohort_report",
    "decision_reasons",
    "default_rules",
    "diff_rules",
    "load_manifest",
    "load_municipality",
    "load_rules",
    "load_rules_in_force",
    "next_questions",
    "read_cohort",
    "record_decision",
    "review_course",
    "review_course_rows",
    "review_courses",
    "triage",
    "triage_frame",
    "triage_many",
    "triage_stream",
]

del annotations  # from the __future__ import: not part of the public API
