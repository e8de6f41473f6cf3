"""The small types every stage shares, and the engine protocol.

An *engine* answers one question for a compiled rule set: which rules hold for these (complete)
facts. Everything else — "the most intensive method wins", completing unknown core answers,
warnings on derived facts, texts — is built once on top of that answer (``_engine.decide``), so
the builtin engine, the durable_rules backend and the checker cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from ._compile import CompiledRules

__all__ = ["Decision", "Facts", "Kind", "Lang", "Matcher", "Method", "Predicate", "Scalar"]

#: a value of one field: a word, a score or number of days, or yes/no
Scalar = str | int | bool
#: one of METHODS: "CTI", "ICM" or "ACT"
Method = str
#: the language of texts: "da" (default) or "en"
Lang = str
#: flat answers: ``dimensions.x`` keys, an absent key means "not given"
Facts = Mapping[str, Scalar]
#: a compiled condition, evaluated on facts
Predicate = Callable[[Facts], bool]
#: the kinds of named rules in a compiled rule set
Kind = Literal["criteria", "warnings", "signals"]


class Matcher(Protocol):
    """What an engine must provide: the names of the rules of one kind that hold.

    ``kind`` is ``criteria`` (criterion ids, facts complete in the core answers), ``warnings``
    (warning codes, facts including the derived fields) or ``signals`` (follow-up signal
    codes, course facts). The answer is a set of names; order comes from the rule set.
    """

    name: str

    def holding(self, rules: CompiledRules, kind: Kind, facts: Facts) -> Collection[str]: ...


@dataclass(frozen=True, slots=True)
class Decision:
    """The method part of a result, before texts: what every engine must agree on."""

    method: Method | None
    possible_methods: tuple[Method, ...]
    missing: tuple[str, ...]
    #: ids of the winning method's criteria that hold (for every completion, if any do)
    reason_ids: tuple[str, ...]
