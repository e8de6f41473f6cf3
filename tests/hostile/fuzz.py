"""What the fuzz test and the full-size rerun share: hostile values, and the check that the
answer to one of them is clean (issue 16, items 1 and 2).

Clean means: a result, or the project's own error (``TriageError``); never another exception;
the message at most ``MAX_MESSAGE`` characters; and no planted secret (the value of an unknown
key, e.g. a diagnosis) anywhere in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from hf_triage import Assessment, TriageError, review_course, triage
from hf_triage._domain import DIMENSIONS, FIELDS

#: a message names each bad field once, with the value cut to 40 characters
MAX_MESSAGE = 4000
SECRET = "SECRET-paranoid-schizophrenia"


class HostileRepr:
    """An object whose ``repr`` and ``str`` raise."""

    def __repr__(self) -> str:
        raise RuntimeError("repr refused")

    __str__ = __repr__


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(["\x00", "\x1b[2J", "\x9b31m", "x" * 200_000, "20250601", "yes", ""])
#: built lazily (hypothesis writes its strategies' arguments with repr, which these break)
_HUGE = (lambda: 10**5000, lambda: -(10**4400), lambda: 2**64)
_SPECIAL = (lambda: None, lambda: True, lambda: b"bytes", HostileRepr, lambda: _deep(5000))
_number = st.integers() | st.floats() | st.integers(0, len(_HUGE) - 1).map(lambda i: _HUGE[i]())
_special = st.integers(0, len(_SPECIAL) - 1).map(lambda i: _SPECIAL[i]())
_scalar = _text | _number | _special
_value = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_allowed = {name: st.sampled_from(spec.values) for name, spec in FIELDS.items()}
_top = [k for k in FIELDS if not k.startswith("dimensions.")]


@st.composite
def assessments(draw: st.DrawFn) -> dict[Any, Any]:
    """A mapping that is mostly an assessment, with hostile keys and values mixed in."""
    data: dict[Any, Any] = {}
    for key in draw(st.lists(st.sampled_from(_top), max_size=len(_top), unique=True)):
        data[key] = draw(_allowed[key] | _value) if draw(st.booleans()) else draw(_allowed[key])
    if draw(st.booleans()):
        dims: Any = {
            d: draw(st.sampled_from([0, 1, 2, 3, 4]) | _value)
            for d in draw(st.lists(st.sampled_from(DIMENSIONS), max_size=3, unique=True))
        }
        if draw(st.booleans()):
            dims[
                draw(
                    _text
                    | _number
                    | _special.filter(lambda v: v is not None and not isinstance(v, list))
                )
            ] = 1
        data["dimensions"] = draw(st.just(dims) | _value)
    if draw(st.booleans()):
        data[draw(st.sampled_from(["diagnosis", "cpr", "notes"]) | _text)] = SECRET
    if draw(st.integers(0, 9)) == 0:
        data[draw(_number | st.builds(HostileRepr))] = SECRET
    return data


municipalities = (
    st.none()
    | st.fixed_dictionaries(
        {"offers": st.lists(st.sampled_from(["CTI", "ICM", "ACT"]) | _value, max_size=4) | _value}
    )
    | _value
)


def check_assessment(data: Any, municipality: Any = None) -> str:
    """Run the public entry points on ``data``; return the outcome's kind, or raise
    ``AssertionError`` naming what is not clean."""
    kinds = []
    for call in (
        lambda: triage(data, municipality=municipality),
        lambda: Assessment.model_validate(data),
    ):
        try:
            call()
            kinds.append("ok")
        except TriageError as exc:
            message = str(exc)
            assert len(message) <= MAX_MESSAGE, f"unbounded message ({len(message)} chars)"
            assert SECRET not in message, "an unknown key's value in the message"
            assert all(len(p) <= MAX_MESSAGE for p in getattr(exc, "problems", ()))
            kinds.append(type(exc).__name__)
    return "/".join(kinds)


_date = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
_date_text = _date.map(dt.date.isoformat) | st.sampled_from(
    ["20250601", "2025-W23-1", "2025-06-01T00:00", "9999-12-31", "0001-01-01"]
)


@st.composite
def courses(draw: st.DrawFn) -> dict[str, Any]:
    course: dict[str, Any] = {
        "method": draw(st.sampled_from(["CTI", "ICM", "ACT"]) | _value),
        "start_date": draw(_date_text | _value),
    }
    if draw(st.booleans()):
        course["admissions"] = [
            {
                "kind": draw(st.sampled_from(["hospital", "treatment", "prison"])),
                "start": draw(_date_text),
                "planned_end": draw(_date_text),
            }
        ]
    if draw(st.booleans()):
        course["last_contact"] = draw(_date_text | _value)
    if draw(st.booleans()):
        course["intensity"] = [{"month": draw(_date_text), "level": draw(st.integers() | _value)}]
    if draw(st.booleans()):
        course[draw(_text)] = SECRET
    return course


todays = _date | st.datetimes(timezones=st.timezones() | st.none()) | _value


def check_course(course: Any, today: Any) -> str:
    try:
        review_course(course, today=today)
        return "ok"
    except TriageError as exc:
        message = str(exc)
        assert len(message) <= MAX_MESSAGE, f"unbounded message ({len(message)} chars)"
        assert SECRET not in message, "an unknown key's value in the message"
        return type(exc).__name__


# --- the full-size rerun: the same kinds of values from a seeded ``random`` (hypothesis
# spends most of its time generating, which 10^5 examples cannot afford) ---

_HOSTILE_TEXT = ("\x00", "\x1b[2J", "\x9b31m", "\u202e", "x" * 200_000, "20250601", "yes", "")


def _random_scalar(rng: Any) -> Any:
    kind = rng.randrange(9)
    if kind == 0:
        return rng.choice(_HOSTILE_TEXT)
    if kind == 1:
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(40)))
    if kind == 2:
        return rng.randrange(-(2**70), 2**70)
    if kind == 3:
        return rng.choice((10**5000, -(10**4400), float("nan"), float("inf"), 1e308, -0.0))
    if kind == 4:
        return rng.choice((None, True, False, b"bytes"))
    if kind == 5:
        return HostileRepr()
    if kind == 6:
        return _deep(rng.choice((10, 5000)))
    if kind == 7:
        return [_random_scalar(rng) for _ in range(rng.randrange(3))]
    return {str(rng.random()): _random_scalar(rng)}


def random_assessment(rng: Any) -> tuple[dict[Any, Any], Any]:
    """An assessment mostly valid, with hostile keys and values mixed in, and a municipality."""
    data: dict[Any, Any] = {}
    for key in rng.sample(_top, rng.randrange(len(_top) + 1)):
        values = FIELDS[key].values
        data[key] = rng.choice(values) if rng.random() < 0.7 else _random_scalar(rng)
    if rng.random() < 0.5:
        dims: dict[Any, Any] = {
            d: rng.randrange(5) if rng.random() < 0.7 else _random_scalar(rng)
            for d in rng.sample(DIMENSIONS, rng.randrange(4))
        }
        if rng.random() < 0.2:
            dims[rng.choice((10**5000, "unknown_dim", 3.5))] = 1
        data["dimensions"] = dims if rng.random() < 0.9 else _random_scalar(rng)
    if rng.random() < 0.3:
        data[rng.choice(("diagnosis", "cpr", "notes", "x" * 100_000))] = SECRET
    if rng.random() < 0.05:
        data[rng.choice((10**5000, 7))] = SECRET
    municipality: Any = None
    if rng.random() < 0.3:
        offers = [rng.choice(("CTI", "ICM", "ACT")) for _ in range(rng.randrange(4))]
        if rng.random() < 0.3:
            offers.append(_random_scalar(rng))
        municipality = {"offers": offers} if rng.random() < 0.9 else _random_scalar(rng)
    return data, municipality


def random_course(rng: Any) -> tuple[dict[str, Any], Any]:
    def day() -> Any:
        if rng.random() < 0.8:
            return dt.date.fromordinal(rng.randrange(1, dt.date.max.toordinal())).isoformat()
        return rng.choice(("20250601", "2025-W23-1", "9999-12-31", "0001-01-01", 5))

    course: dict[str, Any] = {
        "method": rng.choice(("CTI", "ICM", "ACT")) if rng.random() < 0.9 else _random_scalar(rng),
        "start_date": day(),
    }
    if rng.random() < 0.5:
        course["admissions"] = [
            {"kind": rng.choice(("hospital", "prison")), "start": day(), "planned_end": day()}
        ]
    if rng.random() < 0.3:
        course["last_contact"] = day()
    if rng.random() < 0.2:
        course["notes"] = SECRET
    today: Any = dt.date.fromordinal(rng.randrange(1, dt.date.max.toordinal()))
    if rng.random() < 0.2:
        today = rng.choice((dt.datetime(2026, 1, 1, 23, 59), "2026-01-01", None, 5))
    return course, today
