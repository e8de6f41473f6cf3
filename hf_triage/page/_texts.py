"""The page's words: each question in plain professional Danish (and English), what each answer
means according to the sources, and the labels of the page itself.

The words live in the text catalogue (hf_triage/texts.yaml, ``page.*``); this module holds what
is not wording: which answers each question offers, the source of each question, and the order
the questions are asked in. An answer's label is the catalogue's shared value word
(``value.<field>.<value>``, capitalised) unless the page words it its own way
(``page.answer.<field>.<value>``), so the page and the reports use the same words.

Questions are asked in this order: urgency first, so that "start support now" shows at once
(003 §4.1: the assessment must not delay the support; 000 «3 Systematisk opsporing og
visitation»); then the two answers that decide the method (000 «Målgruppen for Housing First»).
A field the domain has but this table does not describe (a later version's new input) is still
asked, with the domain's own label.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from hf_triage._domain import DIMENSIONS, FIELDS
from hf_triage._texts import Labels, catalogue

__all__ = ["ANSWER_ORDER", "LABELS", "QUESTIONS", "Question", "ValueText", "question_for"]


@dataclass(frozen=True)
class ValueText:
    """What one answer means, in Danish and English."""

    da: str
    en: str
    meaning_da: str = ""
    meaning_en: str = ""


@dataclass(frozen=True)
class Question:
    """One question of the guided assessment."""

    da: str
    en: str
    help_da: str
    help_en: str
    source: str
    values: dict[str, ValueText]


_BOOL = ("true", "false")  # yes first, as a form asks
# KL's Fælles Faglige Begreber / VUM 2.0 (outside the seeds, see DOMAIN.md): page.scale.<n>
# 003 §5.1's eight dimensions, in its order: page.question.dimensions.<name>
_DIMENSION_SOURCE = "003 kap. 5; skala: KL's Fælles Faglige Begreber (VUM 2.0)"

# The methods are answered by their names; the meaning is the name written out (the same in
# both languages, as the sources use it).
_METHOD_VALUES = {
    "CTI": ValueText("CTI", "CTI", "Critical Time Intervention", "Critical Time Intervention"),
    "ICM": ValueText("ICM", "ICM", "Intensive Case Management", "Intensive Case Management"),
    "ACT": ValueText(
        "ACT", "ACT", "Assertive Community Treatment", "Assertive Community Treatment"
    ),
}


def _answers(name: str) -> tuple[str, ...]:
    """The answers a question offers, as form values, in the domain's order ("other" last;
    yes before no): a value the domain gains is offered at once."""
    values = FIELDS[name].values
    if all(isinstance(v, bool) for v in values):
        return _BOOL
    return tuple(sorted((str(v) for v in values), key=lambda v: v == "other"))


#: each question: its source and the answers it offers, in order (the words: texts.yaml)
_ASKED: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (source, _answers(name))
    for name, source in {
        "urgency": "003 §4.1; 000 «3 Systematisk opsporing og visitation»",
        "service_use": "000 «Målgruppen for Housing First»; 003 §3.2",
        "complexity": "000 «Målgruppen for Housing First»",
        "support_duration": "000 «1 Målgruppen for CTI»",
        "situation": "000 «1 Målgruppen for CTI»; 003 §3.2",
        "negative_service_experiences": "000 «3 Målgruppen for ACT»",
        "consent": "003 §4.1",
        "housing_ready": "000 Gode råd #3",
        "proposed_method": "000 «1 Indsatsvifte»",
        "current_method": "000 «1 Målgruppen for CTI»; 003 §3.4.2",
        "housing_plan": "003 §4.1",
        "previous_evictions": "003 §4.1, §2.2",
        "action_plan_offered": "003 §4.1",
        **{f"dimensions.{d}": _DIMENSION_SOURCE for d in DIMENSIONS},
    }.items()
}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _answer(name: str, value: str) -> ValueText:
    """An answer's words: the page's own, else the shared value word, capitalised."""
    if value in _METHOD_VALUES:
        return _METHOD_VALUES[value]
    cat = catalogue()
    own = cat.get(f"page.answer.{name}.{value}")
    if own is None and name.startswith("dimensions."):
        own = cat.get(f"page.scale.{value}")
    if own is not None:
        da, en = own["da"], own["en"]
    else:
        shared = cat.get(f"value.{value}" if value in _BOOL else f"value.{name}.{value}")
        if shared is None:
            return ValueText(value, value)
        da, en = _capitalised(shared["da"]), _capitalised(shared["en"])
    meaning = cat.get(f"page.meaning.{name}.{value}")
    if meaning is None:
        return ValueText(da, en)
    return ValueText(da, en, meaning["da"], meaning["en"])


@cache
def _questions() -> Mapping[str, Question]:
    cat = catalogue()
    found = {}
    for name, (source, values) in _ASKED.items():
        words = cat[f"page.question.{name}"]
        helps = cat.get(f"page.help.{name}", {"da": "", "en": ""})
        found[name] = Question(
            words["da"],
            words["en"],
            helps["da"],
            helps["en"],
            source,
            {v: _answer(name, v) for v in values},
        )
    return MappingProxyType(found)


class _Questions(Mapping[str, Question]):
    """``QUESTIONS[name]``, built from the catalogue once, on first use."""

    def __getitem__(self, name: str) -> Question:
        return _questions()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_questions())

    def __len__(self) -> int:
        return len(_questions())


QUESTIONS: Mapping[str, Question] = _Questions()

#: the order the questions are asked in (urgency first; then what decides the method)
ANSWER_ORDER: tuple[str, ...] = (
    "urgency",
    "service_use",
    "complexity",
    "support_duration",
    "situation",
    "negative_service_experiences",
    *(f"dimensions.{d}" for d in DIMENSIONS),
    "consent",
    "housing_plan",
    "action_plan_offered",
    "previous_evictions",
    "housing_ready",
    "proposed_method",
    "current_method",
)


def question_for(name: str, label_da: str, label_en: str, values: tuple[str, ...]) -> Question:
    """The question for a field, or a plain one from the domain's labels for a field this table
    does not (yet) describe."""
    known = QUESTIONS.get(name)
    if known is not None:
        return known
    return Question(
        label_da[:1].upper() + label_da[1:],
        label_en[:1].upper() + label_en[1:],
        "",
        "",
        "",
        {v: ValueText(v, v) for v in values},
    )


#: ``LABELS[lang][key]``: the page's labels, texts.yaml ``page.<key>``
LABELS: Mapping[str, Mapping[str, str]] = Labels("page")
