"""Follow-up during a course of support: the course record, its review, many courses, a summary.

- ``_course``: a course (forløb) as data, and the facts follow-up rules read from it;
- ``_review``: ``review_course`` raises the signals of ``rules/followup.yaml``, each carrying its
  own flags;
- ``_rows``: the course CSV (one row a course), parsed by a pydantic row model;
- ``_summary``: ``FollowupSummary`` over many reviews, counted from the signals' own flags,
  warning from the threshold in the rules' followup.yaml.
"""

from __future__ import annotations

from .._exceptions import CourseError
from ._course import (
    Admission,
    Course,
    Ending,
    MonthlyIntensity,
    course_facts,
    load_course,
    months_between,
)
from ._review import CourseReview, CourseSignal, review_course, review_courses, signal_codes
from ._rows import (
    COURSE_COLUMNS,
    RESULT_COLUMNS,
    CourseRow,
    course_from_row,
    read_course_file,
    review_course_rows,
    write_course_results,
)
from ._summary import MANY_CTI_REVISIT, FollowupSummary

__all__ = [
    "COURSE_COLUMNS",
    "MANY_CTI_REVISIT",
    "RESULT_COLUMNS",
    "Admission",
    "Course",
    "CourseError",
    "CourseReview",
    "CourseRow",
    "CourseSignal",
    "Ending",
    "FollowupSummary",
    "MonthlyIntensity",
    "course_facts",
    "course_from_row",
    "load_course",
    "months_between",
    "read_course_file",
    "review_course",
    "review_course_rows",
    "review_courses",
    "signal_codes",
    "write_course_results",
]
