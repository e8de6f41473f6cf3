"""HTML from jinja2 templates: one autoescaping environment over the package's template folders.

jinja2 is an optional dependency, imported on the first render, so ``import hf_triage`` stays
light. Autoescape is on for every template: a citizen id, a file name or a rule text is data,
never markup. Templates only lay out what the Python side has worded and counted.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

__all__ = ["render"]

_HERE = Path(__file__).resolve().parent
#: the recommendation's template, then the cohort package's
_FOLDERS = (_HERE / "templates", _HERE / "_cohort" / "templates")


@cache  # built once per process; an Environment is safe to share between threads
def _environment() -> jinja2.Environment:
    try:
        import jinja2
    except ImportError:
        raise ImportError(
            "HTML rendering needs jinja2: pip install 'hf-triage[html]' (or '[cohort]')"
        ) from None
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in _FOLDERS]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a file name in one of the template folders) with ``context``."""
    return _environment().get_template(template).render(**context)
