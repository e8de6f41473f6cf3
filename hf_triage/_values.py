"""How an offending value appears in a message: cut short, never its content when it is a list,
mapping or object, never raising (issue 16: no more of the input than the offending value).

Below every other module (the domain layer): models, loaders and engines all word values so.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SHOWN", "given_value", "shown_value"]

#: characters of an offending value shown in a message (never more of the input than that)
SHOWN = 40


def shown_value(value: Any) -> str | None:
    """The offending value for a message, cut short; ``None`` for a list, mapping or object
    (its content is not echoed). Never raises: a subclass's own ``repr`` is not called, and an
    int of more than 4,300 digits (Python's conversion limit) is described, not written."""
    if isinstance(value, bool):
        return "True" if value else "False"
    try:
        if isinstance(value, str):
            text = str.__repr__(str.__getitem__(value, slice(0, SHOWN + 2)))
        elif isinstance(value, int):
            text = int.__repr__(value)
        elif isinstance(value, float):
            text = float.__repr__(value)
        else:
            return None
    except ValueError:  # an int of more than 4,300 digits
        return "a very large number"
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def given_value(value: Any) -> str:
    """``shown_value``, or for a list, mapping or object only its kind (never its content)."""
    shown = shown_value(value)
    if shown is not None:
        return shown
    return f"a value of type {type(value).__name__}"
