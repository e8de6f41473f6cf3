"""The cohort: many assessments at once, and what they say about a municipality.

One module per concern (DESIGN.md):

* ``_cells``   what a cohort cell means; the result columns
* ``_profile`` the municipality profile as the cohort uses it; the default caseloads
* ``_many``    ``triage_many`` / ``triage_stream``: an iterable of mappings, row by row
* ``_frame``   ``triage_frame``: the vectorised pandas / polars path
* ``_files``   cohort files (CSV, Parquet, JSON lines) in and out, in chunks
* ``_tally``   the one tally both result shapes are counted by
* ``_report``  ``cohort_report`` and ``CohortReport``
* ``_diff``    ``diff_rules`` and ``RulesDiff``
* ``_text``, ``_html`` (+ ``templates/``), ``_charts``   the renderings

Importing this package loads none of pandas, matplotlib or jinja2; each is imported where it
is first needed.
"""

from __future__ import annotations

from typing import Any

from .._municipality import load_municipality
from ._cells import RESULT_COLUMNS, SEPARATOR, column_problem, read_cell, split_list
from ._diff import RulesDiff, diff_rules
from ._files import COHORT_SUFFIXES, iter_cohort, read_cohort, triage_file
from ._frame import triage_frame
from ._many import BatchResult, triage_many, triage_stream
from ._profile import as_municipality, default_caseload
from ._report import CohortReport, StaffingLine, cohort_report

__all__ = [
    "COHORT_SUFFIXES",
    "DEFAULT_CASELOAD",
    "RESULT_COLUMNS",
    "SEPARATOR",
    "BatchResult",
    "CohortReport",
    "RulesDiff",
    "StaffingLine",
    "as_municipality",
    "cohort_report",
    "column_problem",
    "default_caseload",
    "diff_rules",
    "iter_cohort",
    "load_municipality",
    "read_cell",
    "read_cohort",
    "split_list",
    "triage_file",
    "triage_frame",
    "triage_many",
    "triage_stream",
]


def __getattr__(name: str) -> Any:
    # DEFAULT_CASELOAD is read from rules/municipality.defaults.yaml on first use, not at import
    if name == "DEFAULT_CASELOAD":
        return default_caseload()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
