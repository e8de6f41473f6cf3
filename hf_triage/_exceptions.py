"""Exceptions raised by hf_triage.

The whole tree::

    TriageError                      base class: catch this to catch everything
    ├── AssessmentError (ValueError) an assessment has an unknown key, a wrong type or a value
    │                                outside the allowed ones; the message names the field, the
    │                                value given and the values allowed
    └── RuleError (ValueError)       a rule file (or a municipality file) cannot be loaded; the
                                     message names the file, the line, what is wrong and the fix

Messages never contain more of an assessment than the offending value itself.
"""

from __future__ import annotations

__all__ = ["AssessmentError", "RuleError", "TriageError"]


class TriageError(Exception):
    """Base class of every error hf_triage raises on purpose."""


class AssessmentError(TriageError, ValueError):
    """An assessment is not valid: unknown key, wrong type or a value outside the allowed ones."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        #: one line per problem, each naming field, value and allowed values
        self.problems: tuple[str, ...] = problems or (message,)


class RuleError(TriageError, ValueError):
    """A rule file cannot be loaded. The message names the file and line of every problem."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        #: one ``file:line: what is wrong`` line per problem
        self.problems: tuple[str, ...] = problems or (message,)
