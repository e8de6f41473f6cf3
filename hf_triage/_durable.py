"""The durable_rules backend (optional extra ``hf-triage[durable]``): see issue 4."""

from __future__ import annotations

from ._compile import CompiledRules, Facts
from ._exceptions import TriageError
from ._models import Recommendation

__all__ = ["recommend_durable"]

INSTALL_HINT = 'pip install "hf-triage[durable]"'


def recommend_durable(
    rules: CompiledRules, facts: Facts, offers: frozenset[str] | None, lang: str
) -> Recommendation:
    raise TriageError(
        f"engine 'durable' is not available in this version; use engine='builtin' "
        f"(the durable backend will need {INSTALL_HINT})"
    )
