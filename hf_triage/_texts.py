"""The text catalogue (texts.yaml): every user-facing label and sentence, Danish and English.

Loaded once, on first use (a texts lookup is a dict lookup after that). ``check_lang`` is the
one language check every public entry point uses. Field and value labels come from the
catalogue (``field.<name>``, ``value.<field>.<value>``); a field or value the catalogue does not
know (a custom domain) falls back to the domain's own label or the value as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from ._exceptions import TriageError
from ._rulemodels import fmt_value

__all__ = ["LANGS", "Labels", "catalogue", "check_lang", "field_label", "text", "value_label"]

#: the languages of every screen, Danish first
LANGS: tuple[str, ...] = ("da", "en")


def check_lang(lang: object) -> str:
    """``lang`` itself, or a TriageError naming the allowed values."""
    if lang not in LANGS:
        shown = repr(lang)[:40]
        raise TriageError(f"lang {shown} is not supported; allowed: {', '.join(LANGS)}")
    return str(lang)


@cache
def catalogue() -> MappingProxyType[str, MappingProxyType[str, str]]:
    """Every key with its texts, ``{key: {"da": ..., "en": ...}}`` (read-only, loaded once)."""
    import yaml

    raw: Any = yaml.safe_load(files("hf_triage").joinpath("texts.yaml").read_text("utf-8"))
    return MappingProxyType(
        {
            str(key): MappingProxyType({str(k): str(v) for k, v in t.items()})
            for key, t in raw.items()
        }
    )


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (English for ``"en"``, else Danish), placeholders filled."""
    found = catalogue()[key]["en" if lang == "en" else "da"]
    return found.format(**values) if values else found


def field_label(name: str, lang: str, fallback: str = "") -> str:
    """A field's name as a caseworker reads it."""
    found = catalogue().get(f"field.{name}")
    if found is None:
        return fallback or name
    return found["en" if lang == "en" else "da"]


def value_label(field: str, value: object, lang: str) -> str:
    """An answer as a caseworker reads it: ``service_use: partial`` → "kun i nogen grad"."""
    cat = catalogue()
    side = "en" if lang == "en" else "da"
    if value is None:
        return cat["value.not_given"][side]
    if isinstance(value, bool):
        return cat["value.true" if value else "value.false"][side]
    if isinstance(value, str):
        found = cat.get(f"value.{field}.{value}")
        if found is not None:
            return found[side]
    return fmt_value(value)


class Labels(Mapping[str, Mapping[str, str]]):
    """``labels[lang][key]`` for the catalogue keys ``<prefix>.<key>``, read on first use (so
    importing a module that holds one stays light)."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix + "."

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        return _labels(self._prefix, check_lang(lang))

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)

    def __contains__(self, lang: object) -> bool:
        # ``lang in LABELS`` asks whether the language is known, without the error of [lang]
        return lang in LANGS


@cache
def _labels(prefix: str, lang: str) -> Mapping[str, str]:
    side = "en" if lang == "en" else "da"
    return MappingProxyType(
        {k[len(prefix) :]: t[side] for k, t in catalogue().items() if k.startswith(prefix)}
    )
