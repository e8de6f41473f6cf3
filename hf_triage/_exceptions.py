"""Exceptions raised by hf_triage.

The whole tree::

    TriageError                         base class: catch this to catch everything
    ├── AssessmentError (ValueError)    an assessment has an unknown key, a wrong type or a
    │                                   value outside the allowed ones; the message names the
    │                                   field, the value given and the values allowed
    ├── MunicipalityError (ValueError)  a municipality profile is not valid (key, value, allowed)
    ├── CourseError (ValueError)        a course record for follow-up is not valid
    └── RuleError (ValueError)          a rule file or a case file cannot be loaded, or a rule
                                        set cannot decide; the message names the file, the line,
                                        what is wrong and the fix

Messages never contain more of an assessment than the offending value itself.
"""

from __future__ import annotations

__all__ = [
    "AssessmentError",
    "CourseError",
    "MunicipalityError",
    "RuleError",
    "TriageError",
]


class TriageError(Exception):
    """Base class of every error hf_triage raises on purpose."""


class _WithProblems(TriageError, ValueError):
    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        #: one line per problem (for a file: ``file:line: what is wrong``)
        self.problems: tuple[str, ...] = problems or (message,)


class AssessmentError(_WithProblems):
    """An assessment is not valid: unknown key, wrong type or a value outside the allowed ones."""


class MunicipalityError(_WithProblems):
    """A municipality profile is not valid; the message names the key, value and allowed ones."""


class CourseError(_WithProblems):
    """A course record is not valid; the message names each field, value and what is allowed."""


class RuleError(_WithProblems):
    """A rule file cannot be loaded. The message names the file and line of every problem."""
