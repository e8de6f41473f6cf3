"""The one document loader: a file (or ``-`` for standard input) -> strict YAML -> pydantic.

Every YAML or JSON document hf_triage reads — rule files, case files, municipality profiles,
assessments and course records — comes through here, so the same guarantees hold for all:

- ``-`` means standard input, everywhere;
- only regular files are read: a FIFO, a device or a directory is refused *before* reading, so
  ``/dev/zero`` cannot exhaust memory and a FIFO without a writer cannot hang the process;
- at most ``MAX_BYTES`` are read (the strict reader's own limit);
- the text is parsed by the strict YAML reader (``_yaml.parse_yaml``), then validated with a
  pydantic model, and every problem — YAML and schema alike — is reported in one pass as
  ``file:line: key: message``, so that policy staff see everything to fix at once (STYLE.md).

Problems are returned as lines; ``load_document`` raises them as one error of the caller's
class (``RuleError``, ``MunicipalityError``, ``AssessmentError``, ``CourseError``).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from ._exceptions import _WithProblems
from ._values import SHOWN, given_value, shown_value
from ._yaml import MAX_BYTES, YamlDocument, parse_yaml, parse_yaml_shared

__all__ = [
    "MAX_BYTES",
    "SHOWN",
    "STDIN",
    "Document",
    "Unreadable",
    "describe_error",
    "given_value",
    "line_of_error",
    "load_document",
    "not_a_mapping",
    "open_text",
    "parse_document",
    "read_text",
    "refuse_text",
    "require_regular",
    "shown_value",
    "source_name",
    "validate_document",
]

#: the name that means standard input
STDIN = "-"

M = TypeVar("M", bound=BaseModel)

#: describes one pydantic error (``error``) of the document data (``data``) in words
Describe = Callable[[Any, Any], str]


class Unreadable(Exception):
    """A source that cannot be read: its reason in words, English and Danish (not a
    TriageError: callers word it)."""

    def __init__(self, reason: str, da: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.da = da

    def says(self, lang: str) -> str:
        """The reason in ``lang`` (``"da"`` or ``"en"``)."""
        return self.reason if lang == "en" else self.da


#: what a document is called in Danish messages, by its English name
_WHAT_DA = {
    "file": "filen",
    "manifest": "manifestet",
    "decision reasons": "begrundelseskoderne",
    "case file": "testfilen",
    "assessment": "vurderingen",
    "municipality profile": "kommuneprofilen",
    "default caseloads": "standardnormeringerne",
    "course record": "forløbsoplysningen",
}


def source_name(source: str | Path) -> str:
    """How a source is named in messages: its path, or ``<stdin>`` for ``-``."""
    return "<stdin>" if str(source) == STDIN else str(source)


def _too_large() -> Unreadable:
    return Unreadable(
        f"it is larger than {MAX_BYTES} bytes", f"den er større end {MAX_BYTES} bytes"
    )


def _not_utf8(byte: int) -> Unreadable:
    return Unreadable(
        f"it is not UTF-8 text (byte {byte})", f"den er ikke UTF-8-tekst (byte {byte})"
    )


def _no_stdin() -> Unreadable:
    return Unreadable("there is no standard input", "der er ingen standard input")


def _os_error(exc: OSError) -> Unreadable:
    # the system's own words (a symlink loop, a name too long, ...): there is no Danish for them
    reason = exc.strerror or type(exc).__name__
    return Unreadable(reason, reason)


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise _too_large()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(exc.start) from None


def _read_stdin() -> str:
    stream = sys.stdin
    if stream is None:
        raise _no_stdin()
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            return _decode(buffer.read(MAX_BYTES + 1))
        text = str(stream.read(MAX_BYTES + 1))
    except UnicodeDecodeError as exc:  # a text stream without a buffer (a ValueError: first)
        raise _not_utf8(exc.start) from None
    except (OSError, ValueError) as exc:  # closed or unreadable standard input
        name = type(exc).__name__
        raise Unreadable(
            f"standard input cannot be read ({name})", f"standard input kan ikke læses ({name})"
        ) from None
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise _too_large()
    return text


def _refuse_special(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise Unreadable("it is a directory, not a file", "det er en mappe, ikke en fil")
    if not stat.S_ISREG(mode):
        fifo = stat.S_ISFIFO(mode)
        kind = "a FIFO (named pipe)" if fifo else "a device or socket"
        kind_da = "en FIFO (navngivet rør)" if fifo else "en enhed eller en socket"
        raise Unreadable(
            f"it is {kind}, not a regular file: give a file",
            f"det er {kind_da}, ikke en almindelig fil: angiv en fil",
        )


def _open_regular(path: Path) -> int:
    """A read-only descriptor of a regular file; a FIFO, device or directory is refused before
    a byte is read. Opening is non-blocking, so a FIFO swapped in after the check cannot hang."""
    try:
        # stat first: a directory cannot be opened on every platform, a FIFO blocks on open
        _refuse_special(path.stat().st_mode)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise Unreadable("no such file", "filen findes ikke") from None
    except PermissionError:
        raise Unreadable("permission denied", "adgang nægtet") from None
    except OSError as exc:  # a symlink loop, a name too long, ...
        raise _os_error(exc) from None
    try:
        _refuse_special(os.fstat(fd).st_mode)  # the file may have been swapped since the stat
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_text(source: str | Path) -> str:
    """The text of a regular file, or of standard input for ``-``, at most ``MAX_BYTES``.

    Raises ``Unreadable`` with the reason. A FIFO, device or directory is refused before a
    byte is read; opening is non-blocking, so a FIFO without a writer cannot hang.
    """
    if str(source) == STDIN:
        return _read_stdin()
    fd = _open_regular(Path(source))
    try:
        if os.fstat(fd).st_size > MAX_BYTES:
            raise _too_large()
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _os_error(exc) from None
    finally:
        os.close(fd)
    return _decode(raw)


def open_text(source: str | Path) -> TextIO:
    """A text stream over a regular file, or standard input for ``-``, for a table read row by
    row (a course CSV): larger than ``MAX_BYTES`` is allowed, a FIFO, device or directory is
    refused before reading, exactly as in ``read_text``. Raises ``Unreadable``."""
    if str(source) == STDIN:
        if sys.stdin is None:
            raise _no_stdin()
        return sys.stdin
    fd = _open_regular(Path(source))
    return open(fd, encoding="utf-8", newline="")


def require_regular(source: str | Path, *, what: str, error: type[_WithProblems]) -> None:
    """Refuse a source that is not a regular file (a FIFO, a device, a directory, missing)
    before another reader opens it; ``-`` (standard input) passes. Raises ``error``."""
    if str(source) == STDIN:
        return
    try:
        os.close(_open_regular(Path(source)))
    except Unreadable as exc:
        _raise(error, (f"{source_name(source)}: cannot read the {what}: {exc.reason}",))


@dataclass(frozen=True)
class Document:
    """A source read and parsed: its data and line map, or the problems that stopped it."""

    name: str
    #: ``None`` when the source could not be read
    yaml: YamlDocument | None
    #: every problem so far, each ``file:line: message``
    problems: tuple[str, ...]

    @property
    def data(self) -> Any:
        return self.yaml.data if self.yaml is not None else None

    def line_of(self, *path: str | int) -> int:
        return self.yaml.line_of(path) if self.yaml is not None else 1

    @property
    def parsed(self) -> bool:
        """Whether there is data to validate (even if the YAML had problems, e.g. a duplicate)."""
        return self.yaml is not None and not (self.yaml.data is None and self.yaml.problems)


def parse_document(
    source: str | Path, what: str, lang: str = "da", *, shared: bool = False
) -> Document:
    """Read ``source`` (a path, or ``-`` for stdin) and parse it strictly; never raises.

    ``what`` names the document in the message when it cannot be read, e.g. "case file";
    ``lang`` is the language of the problems (Danish by default, ``"en"`` for English).
    ``shared``: a document of a rule set, whose unchanged text is parsed once per process
    (``_yaml.parse_yaml_shared``); never for an assessment or a course.
    """
    name = source_name(source)
    try:
        text = read_text(source)
    except Unreadable as exc:
        if lang == "en":
            problem = f"cannot read the {what}: {exc.reason}"
        else:
            problem = f"{_WHAT_DA.get(what, 'filen')} kan ikke læses: {exc.da}"
        return Document(name, None, (f"{name}:1: {problem}",))
    refused = refuse_text(text, lang)
    if refused is not None:
        return Document(name, None, (f"{name}:{refused[0]}: {refused[1]}",))
    document = parse_yaml_shared(text, lang) if shared else parse_yaml(text, lang)
    return Document(
        name, document, tuple(f"{name}:{p.line}: {p.message}" for p in document.problems)
    )


#: what YAML allows in a document (YAML 1.2 §5.1 "Character Set"); anything else — NUL, ESC,
#: the C1 controls — is refused before parsing, with its line, instead of a reader traceback
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: a directive line (``%YAML 1.1``, ``%TAG``): it would ask for YAML 1.1 semantics (``yes`` is
#: true, ``010`` is octal) that the strict reader does not follow, so it is refused, not ignored
_DIRECTIVE = re.compile(r"^%[^\n]*", re.MULTILINE)


def refuse_text(text: str, lang: str = "da") -> tuple[int, str] | None:
    """``(line, message)`` for text no document may hold — a raw control character or a YAML
    directive — else ``None``. The character is named by its code, never written raw; the
    message is in ``lang`` (Danish by default, ``"en"`` for English)."""
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        code = f"U+{ord(bad.group()):04X}"
        if lang != "en":
            return line, (
                f"et rå kontroltegn ({code}) i kolonne {column}: fjern det; "
                "et dokument rummer kun tekst, der kan skrives ud"
            )
        return line, (
            f"a raw control character ({code}) at column {column}: remove it; "
            "a document holds printable text only"
        )
    for match in _DIRECTIVE.finditer(text):
        head = text[: match.start()]
        if head.strip() and not all(
            not ln.strip() or ln.lstrip().startswith("#") for ln in head.splitlines()
        ):
            break  # past the first content line: not a directive position
        line = text.count("\n", 0, match.start()) + 1
        directive = shown_value(match.group().strip())
        if lang != "en":
            return line, (
                f"YAML-direktivet {directive} understøttes ikke: fjern det (dokumenter læses "
                "som YAML 1.2 core: sæt tekst som 'yes' i anførselstegn)"
            )
        return line, (
            f"the YAML directive {directive} is not supported: remove "
            "it (documents are read as YAML 1.2 core: quote text such as 'yes')"
        )
    return None


#: a cross-field problem raised for the whole model names its field first: "ending.date (…"
_LEADING_PATH = re.compile(r"^([a-z_]+(?:\.[a-z0-9_]+)*)[ :]")


def _path_part(part: str) -> str | int:
    return int(part) if part.isdigit() else part


def line_of_error(
    error: Any, document: YamlDocument, skip: Callable[[Any], bool] | None = None
) -> int:
    """The line a pydantic error points at: its value's line, or for a missing key its parent's;
    for a problem of the whole model, the line of the field its message starts with.

    ``skip`` drops location parts that are not in the document (e.g. union tags).
    """
    loc = tuple(part for part in error["loc"] if skip is None or not skip(part))
    if error["type"] == "missing":
        loc = loc[:-1]
    if not loc:
        match = _LEADING_PATH.match(str(error["msg"]).removeprefix("Value error, "))
        if match:
            loc = tuple(_path_part(p) for p in match.group(1).split("."))
    return document.line_of(loc)


def describe_error(error: Any, data: Any = None) -> str:
    """``key: message`` for one pydantic error, with the offending value cut short and the
    allowed values; an unknown key is named, its value not shown."""
    loc = tuple(error["loc"])
    where = ".".join(str(p) for p in loc)
    kind = error["type"]
    if not where:  # a problem of the whole document: its message names the fields
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return f"{where}: unknown key: check the spelling or remove it"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in ("value_error", "assertion_error", "missing"):
        return f"{where}: {message}"  # our own messages name the value themselves
    shown = shown_value(error.get("input"))
    if kind in ("literal_error", "enum") and "expected" in error.get("ctx", {}):
        allowed = str(error["ctx"]["expected"]).replace("'", "")
        return f"{where}: {shown or 'the value'} is not allowed; allowed: {allowed}"
    return f"{where}: {shown}: {message}" if shown is not None else f"{where}: {message}"


def validate_document(
    document: Document,
    model: type[M],
    *,
    describe: Describe = describe_error,
    context: Mapping[str, Any] | None = None,
    skip: Callable[[Any], bool] | None = None,
    skip_flagged: bool = True,
) -> tuple[M | None, tuple[str, ...]]:
    """Validate a parsed document with ``model``: the model, and every problem in one pass.

    The model is returned only when there is no problem at all (YAML or schema). A schema
    problem on a line that already has a YAML problem is not repeated: the YAML problem
    already says what to fix there (unless ``skip_flagged`` is false).
    """
    problems = list(document.problems)
    if not document.parsed or document.yaml is None:
        return None, tuple(problems)
    yaml = document.yaml
    try:
        validated = model.model_validate(yaml.data, context=dict(context) if context else None)
    except ValidationError as exc:
        flagged = {p.line for p in yaml.problems} if skip_flagged else set()
        for error in exc.errors():
            line = line_of_error(error, yaml, skip)
            if line not in flagged:
                problems.append(f"{document.name}:{line}: {describe(error, yaml.data)}")
        return None, tuple(problems)
    return (None if problems else validated), tuple(problems)


def _raise(error: type[_WithProblems], problems: tuple[str, ...]) -> NoReturn:
    raise error("; ".join(problems), problems)


def not_a_mapping(document: Document, what: str, example: str) -> str:
    """The problem of a document that is not a mapping of field: value."""
    return (
        f"{document.name}:1: the {what} must be a mapping of field: value, "
        f"e.g. '{example}' on its own line"
    )


def load_document(
    source: str | Path,
    model: type[M],
    *,
    what: str,
    error: type[_WithProblems],
    example: str,
    describe: Describe = describe_error,
    context: Mapping[str, Any] | None = None,
    lang: str = "en",
) -> M:
    """Read, parse and validate one document; raise ``error`` listing every problem.

    The message joins the problems with ``; ``; ``error.problems`` holds them one by one. The
    reading and YAML problems are in ``lang``: English by default, the language in which
    ``describe_error`` words the schema problems, so that one message is in one language.
    """
    document = parse_document(source, what, lang)
    if document.parsed and not isinstance(document.data, dict):
        _raise(error, (*document.problems, not_a_mapping(document, what, example)))
    validated, problems = validate_document(document, model, describe=describe, context=context)
    if validated is None:
        _raise(error, problems)
    assert validated is not None
    return validated
