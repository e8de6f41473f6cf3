"""Rule-file load errors in a policy officer's words: Danish first, English on request.

Three things make a pydantic error readable for the people who edit the rules
(issue 14 item 7):

* *where*: a criterion, warning or signal is named by its id (``kriterium icm-long-term-need``)
  instead of an index path (``criteria.4.when.any.1``); the line number already says where in
  the condition the problem is;
* *what*: each message exists in Danish and English (the project writes Danish first, see
  STYLE.md; the sources in seeds/ are Danish);
* *a hint*: an unknown field, value or key gets "mente du …?" / "did you mean …?" from
  :mod:`difflib`, chosen among the names that are allowed at that place.

The model messages come from ``_rulemodels`` in English; they are recognised here by their
shape and rewritten, so that the models stay the one place the rules are defined. A message
that is not recognised is shown as it is (English), never dropped.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from . import _texts
from ._exceptions import TriageError
from ._texts import LANGS

__all__ = [
    "LANGS",
    "check_lang",
    "close",
    "describe_error",
    "describe_place",
    "keys_of",
    "say",
]


#: the tags of the condition union (``_rulemodels.TAG_PREFIX``); repeated to keep this module
#: free of the models' import at load time of the texts
_TAG_PREFIX = "condition:"


def check_lang(lang: str) -> str:
    """``lang`` itself, or a ValueError naming the allowed values: the one check of the text
    catalogue (``_texts.check_lang``), in the words the loaders have always used."""
    try:
        return _texts.check_lang(lang)
    except TriageError:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r:.40}") from None


def say(lang: str, da: str, en: str) -> str:
    """The Danish text, or the English one when ``lang`` is ``"en"``."""
    return en if lang == "en" else da


def close(word: object, candidates: Iterable[object], lang: str) -> str:
    """`` (mente du 'x'?)`` for the nearest candidate of ``word``, or ``""`` when none is near.

    Case is ignored ('Partial' is near 'partial'); candidates equally near are all named.
    """
    pool = {str(c).casefold(): str(c) for c in candidates if str(c) != str(word)}
    target = str(word).casefold()
    found = difflib.get_close_matches(target, list(pool), n=3, cutoff=0.6)
    if not found:
        return ""
    best = difflib.SequenceMatcher(None, target, found[0]).ratio()
    found = [f for f in found if difflib.SequenceMatcher(None, target, f).ratio() == best]
    names = " / ".join(f"'{pool[name]}'" for name in found)
    return say(lang, f" (mente du {names}?)", f" (did you mean {names}?)")


# --- where ---------------------------------------------------------------------------------

#: a rule file's lists whose items have an id, the key of that id, and what an item is called
_ITEMS: dict[str, tuple[str, str, str]] = {
    "criteria": ("id", "kriterium", "criterion"),
    "warnings": ("code", "advarsel", "warning"),
    "signals": ("code", "signal", "signal"),
}


def describe_place(loc: Sequence[Any], data: Any, lang: str) -> str:
    """``loc`` in words: the item named by its id, then the keys inside it (no indices)."""
    parts = [p for p in loc if not str(p).startswith(_TAG_PREFIX)]
    if not parts:
        return say(lang, "filen", "the file")
    head = parts[0]
    if head in _ITEMS and len(parts) > 1 and isinstance(parts[1], int):
        key, da, en = _ITEMS[str(head)]
        item = _item(data, str(head), parts[1])
        ident = item.get(key) if isinstance(item, dict) else None
        if isinstance(ident, str) and ident:
            name = say(lang, f"{da} {ident}", f"{en} {ident}")
        else:
            name = say(lang, f"{da} nr. {parts[1] + 1}", f"{en} no. {parts[1] + 1}")
        inner = [str(p) for p in parts[2:] if not isinstance(p, int)]
        return name + (f" ({' → '.join(inner)})" if inner else "")
    if head == "parameters" and len(parts) > 1:
        inner = [str(p) for p in parts[2:] if not isinstance(p, int)]
        return f"parameter {parts[1]}" + (f" ({' → '.join(inner)})" if inner else "")
    return ".".join(str(p) for p in parts)


def _item(data: Any, key: str, index: int) -> Any:
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list) and 0 <= index < len(items):
        return items[index]
    return None


def _value_at(data: Any, loc: Sequence[Any]) -> Any:
    for part in loc:
        if str(part).startswith(_TAG_PREFIX):
            continue
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


# --- what ----------------------------------------------------------------------------------

_Rewrite = Callable[[re.Match[str], str, Any], str]


def _split(names: str) -> list[str]:
    return [n.strip() for n in names.split(",") if n.strip()]


def _not_a_value(m: re.Match[str], lang: str, _data: Any) -> str:
    key, value, field, allowed = m["key"], m["value"], m["field"], m["allowed"]
    hint = close(value, _split(allowed), lang)
    return say(
        lang,
        f"'{key}: {value}' er ikke en værdi af feltet '{field}'{hint}; mulige værdier: {allowed}",
        f"'{key}: {value}' is not a value of field '{field}'{hint}; allowed: {allowed}",
    )


def _unknown_field(m: re.Match[str], lang: str, _data: Any) -> str:
    field, known = m["field"], m["known"]
    hint = close(field, _split(known), lang)
    return say(
        lang,
        f"ukendt felt '{field}'{hint}; kendte felter: {known}",
        f"unknown field '{field}'{hint}; known fields: {known}",
    )


def _not_days(m: re.Match[str], lang: str, _data: Any) -> str:
    return say(
        lang,
        f"'{m['key']}: {m['value']}' er ikke et antal dage for feltet '{m['field']}'; skriv et "
        "helt tal (0 eller mere) eller {parameter: NAVN}",
        m[0],
    )


def _one_operator(m: re.Match[str], lang: str, _data: Any) -> str:
    found = m["found"]
    return say(
        lang,
        f"skriv præcis én af is, one_of, at_least, at_most efter 'field: {m['field']}' "
        f"(fundet: {'ingen' if found == 'none' else found})",
        m[0],
    )


def _days_ops(m: re.Match[str], lang: str, _data: Any) -> str:
    return say(
        lang, f"'{m['field']}' er et antal dage: sammenlign med at_least eller at_most", m[0]
    )


def _unordered(m: re.Match[str], lang: str, _data: Any) -> str:
    return say(
        lang,
        f"'{m['op']}' kræver et felt med en rækkefølge (order); '{m['field']}' har ingen: "
        "brug is eller one_of",
        m[0],
    )


def _parameter_not_days(m: re.Match[str], lang: str, _data: Any) -> str:
    return say(
        lang,
        f"'{m['op']}: {{parameter: ...}}' er kun til antal dage; '{m['field']}' tager: "
        f"{m['allowed']}",
        m[0],
    )


def _undefined_parameter(m: re.Match[str], lang: str, _data: Any) -> str:
    code, name, defined = m["code"], m["name"], m["defined"]
    hint = close(name, _split(defined), lang)
    return say(
        lang,
        f"signal {code} bruger parameteren '{name}'{hint}, som ikke står under parameters "
        f"(defineret: {'ingen' if defined == 'none' else defined})",
        f"signal {code} uses parameter '{name}'{hint}, which is not defined under parameters "
        f"(defined: {defined})",
    )


def _unknown_exclude(m: re.Match[str], lang: str, data: Any) -> str:
    code, other = m["code"], m["other"]
    signals = data.get("signals") if isinstance(data, dict) else None
    codes = [s.get("code") for s in signals or () if isinstance(s, dict)]
    hint = close(other, [c for c in codes if isinstance(c, str)], lang)
    return say(
        lang,
        f"signal {code} udelukker '{other}'{hint}, som ikke er koden på et signal",
        f"signal {code} excludes '{other}'{hint}, which is not a signal code",
    )


#: the English messages of ``_rulemodels`` and how to say each in the reader's language
_MESSAGES: tuple[tuple[re.Pattern[str], _Rewrite], ...] = (
    (
        re.compile(
            r"'(?P<key>[^:']+): (?P<value>.*)' is not a value of field '(?P<field>[^']+)'; "
            r"allowed: (?P<allowed>.*)",
            re.S,
        ),
        _not_a_value,
    ),
    (
        re.compile(r"unknown field '(?P<field>.*)'; known fields: (?P<known>.*)", re.S),
        _unknown_field,
    ),
    (
        re.compile(
            r"'(?P<key>[^:']+): (?P<value>.*)' is not a number of days for field "
            r"'(?P<field>[^']+)'; .*",
            re.S,
        ),
        _not_days,
    ),
    (
        re.compile(
            r"write exactly one of is, one_of, at_least, at_most after 'field: (?P<field>.*)' "
            r"\(found: (?P<found>.*)\)",
            re.S,
        ),
        _one_operator,
    ),
    (
        re.compile(r"'(?P<field>[^']+)' is a number of days: compare it with at_least or at_most"),
        _days_ops,
    ),
    (
        re.compile(
            r"'(?P<op>[^']+)' needs an ordered field; '(?P<field>[^']+)' is not ordered: "
            r"use is or one_of"
        ),
        _unordered,
    ),
    (
        re.compile(
            r"'(?P<op>[^:']+): \{parameter: \.\.\.\}' is only for numbers of days; "
            r"'(?P<field>[^']+)' takes: (?P<allowed>.*)",
            re.S,
        ),
        _parameter_not_days,
    ),
    (
        re.compile(
            r"signal '(?P<code>[^']+)' uses parameter '(?P<name>[^']+)', which is not defined "
            r"under parameters \(defined: (?P<defined>.*)\)",
            re.S,
        ),
        _undefined_parameter,
    ),
    (
        re.compile(
            r"signal '(?P<code>[^']+)' excludes '(?P<other>[^']+)', which is not a signal code"
        ),
        _unknown_exclude,
    ),
)


def _model_message(message: str, lang: str, data: Any) -> str:
    for pattern, rewrite in _MESSAGES:
        match = pattern.fullmatch(message)
        if match is not None:
            return rewrite(match, lang, data)
    return message


def keys_of(*models: type[BaseModel]) -> tuple[frozenset[str], ...]:
    """The keys of each model in ``models`` and inside them (names and aliases), per model."""
    found: list[frozenset[str]] = []
    seen: set[type[BaseModel]] = set()
    todo: list[Any] = list(models)
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind in seen:
                continue
            seen.add(kind)
            found.append(frozenset(info.alias or name for name, info in kind.model_fields.items()))
            todo.extend(info.annotation for info in kind.model_fields.values())
        else:
            todo.extend(typing.get_args(kind))
    return tuple(found)


def _keys_beside(key: str, beside: Any, keys: Sequence[frozenset[str]]) -> list[str]:
    """The keys that could be meant by the unknown ``key`` in the mapping ``beside``: those of
    the models that allow every other known key there, and that are not written yet."""
    present = set(beside) if isinstance(beside, dict) else set()
    everything = frozenset().union(*keys)
    others = (present - {key}) & everything
    fitting = [k for k in keys if others <= k] or [everything]
    return sorted(frozenset().union(*fitting) - present)


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def describe_error(
    error: Mapping[str, Any],
    data: Any,
    lang: str,
    keys: Sequence[frozenset[str]] = (),
) -> str:
    """One pydantic error of a rule file in words, without its ``file:line:`` prefix.

    ``data`` is the parsed file (to name items by their id and to find the keys next to an
    unknown one); ``keys`` are the key sets of the file's models (:func:`keys_of`), for
    "did you mean".
    """
    kind = error["type"]
    loc = tuple(error["loc"])
    parts = [p for p in loc if not str(p).startswith(_TAG_PREFIX)]
    if kind == "extra_forbidden":
        key = parts[-1]
        where = describe_place(parts[:-1], data, lang)
        hint = close(key, _keys_beside(str(key), _value_at(data, parts[:-1]), keys), lang)
        return say(
            lang,
            f"ukendt nøgle '{key}' i {where}{hint}: ret stavningen eller fjern den "
            "(de tilladte nøgler står i rules/schema.json)",
            f"unknown key '{key}' in {where}{hint}: check the spelling or remove it "
            "(see rules/schema.json for the allowed keys)",
        )
    if kind == "missing":
        where = describe_place(parts[:-1], data, lang)
        return say(
            lang,
            f"nøglen '{parts[-1]}' mangler i {where}: tilføj den",
            f"missing key '{parts[-1]}' in {where}: add it",
        )
    where = describe_place(parts, data, lang)
    if kind == "condition":
        given = error.get("input")
        names = [str(k) for k in given] if isinstance(given, dict) else []
        hints = [close(name, ("field", "all", "any", "not"), lang) for name in names]
        hint = next((h for h in hints if h), "")
        return (
            where
            + ": "
            + say(
                lang,
                f"en betingelse skal have en af nøglerne field, all, any eller not{hint}, "
                "fx {field: service_use, is: partial}",
                f"a condition needs one of the keys field, all, any or not{hint}, "
                "e.g. {field: service_use, is: partial}",
            )
        )
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        value = _shown(error.get("input"))
        hint = close(value, expected, lang)
        allowed = ", ".join(expected)
        return (
            where
            + ": "
            + say(
                lang,
                f"'{value}' er ikke tilladt her{hint}; mulige værdier: {allowed}",
                f"'{value}' is not allowed here{hint}; allowed: {allowed}",
            )
        )
    if kind == "string_pattern_mismatch":
        value = _shown(error.get("input"))
        return (
            where
            + ": "
            + say(
                lang,
                f"'{value}' har ikke den rette form: skriv små bogstaver, tal og bindestreger "
                "(fx icm-long-term-need)",
                f"'{value}' has the wrong form: write lower case letters, digits and dashes "
                "(e.g. icm-long-term-need)",
            )
        )
    if kind == "too_short":
        return where + ": " + say(lang, "må ikke være tom", "must not be empty")
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "value_error":
        return f"{where}: {_model_message(message, lang, data)}"
    return where + ": " + say(lang, f"ugyldig værdi ({message})", message)
