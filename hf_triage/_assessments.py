"""An assessment from a file (or ``-`` for standard input), every problem with ``file:line``.

The file is read by the one document loader (``_documents``) and checked by the same
validation ``triage`` uses (``_models.validate_mapping``: it names the field, the value given
and the values allowed), so a file and a mapping are judged alike; only the line is added.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._documents import not_a_mapping, parse_document
from ._exceptions import AssessmentError
from ._models import validate_mapping

__all__ = ["load_assessment"]

#: the field a validation problem names: "field 'dimensions.network': ..." or "unknown field 'x'"
_FIELD = re.compile(r"^(?:unknown )?field '([^']*)'")


def load_assessment(source: str | Path) -> dict[str, Any]:
    """Read one assessment (strict YAML or JSON; ``-`` is stdin) and check it.

    Returns the mapping as written (``triage`` takes it as is). Raises ``AssessmentError``
    listing every problem — reading, YAML and values alike — each as ``file:line: ...``.
    """
    # English, as the rest of an AssessmentError: one message in one language
    document = parse_document(source, "assessment", "en")
    if not document.parsed or document.yaml is None:
        raise AssessmentError("; ".join(document.problems), document.problems)
    data = document.data
    if not isinstance(data, dict):
        refused = (
            *document.problems,
            not_a_mapping(document, "assessment", "complexity: moderate"),
        )
        raise AssessmentError("; ".join(refused), refused)
    problems = list(document.problems)
    flagged = {p.line for p in document.yaml.problems}
    _, found = validate_mapping(data)
    for problem in found:
        match = _FIELD.match(problem)
        line = document.line_of(*match.group(1).split(".")) if match else 1
        if line not in flagged:  # the YAML problem on that line already says what to fix
            problems.append(f"{document.name}:{line}: {problem}")
    if problems:
        raise AssessmentError("; ".join(problems), tuple(problems))
    return data
