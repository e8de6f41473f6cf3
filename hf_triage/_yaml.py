"""Strict YAML reading for rule files, municipality files and assessments.

PyYAML's ``safe_load`` reads YAML 1.1: ``no`` becomes ``False``, ``1:30`` becomes 90, a date
becomes a ``datetime.date`` and a repeated key silently wins. Editors that policy staff use read
YAML 1.2, where those are strings. Rather than let editor and library disagree, this reader
refuses the ambiguous forms and names the line, so that a rule cannot silently change meaning.

It also refuses anchors, aliases and merge keys (no alias bombs), Python object tags, duplicate
keys and documents larger than ``MAX_BYTES``. It returns plain data plus a map from each value's
path to its 1-based line, so that a later pydantic error can be reported with its line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

__all__ = [
    "MAX_BYTES",
    "YamlDocument",
    "YamlProblem",
    "parse_yaml",
    "parse_yaml_shared",
    "syntax_problem",
]

MAX_BYTES = 1_000_000
#: deeper nesting than any rule or assessment needs is refused, not recursed into
MAX_DEPTH = 40
#: nesting deeper than this is refused while parsing, at once and with its line (between
#: MAX_DEPTH and this, the builder reports each too-deep value and keeps the rest)
_NESTING_LIMIT = 100

Path = tuple[str | int, ...]

# YAML 1.1 plain scalars that YAML 1.2 editors read differently (booleans, base-60 numbers,
# dates, octal/hex/binary numbers, '=' and '<<').
_AMBIGUOUS = re.compile(
    r"""^(?:
        y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF
      | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?
      | [-+]?0[0-9_]+(?:\.[0-9_]*)? | [-+]?0x[0-9a-fA-F_]+ | [-+]?0b[01_]+ | [-+]?0o[0-7]+
      | = | << | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    )$""",
    re.X,
)
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


@dataclass(frozen=True)
class YamlProblem:
    line: int
    message: str


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: dict[Path, int]
    problems: tuple[YamlProblem, ...]

    def line_of(self, path: Path) -> int:
        """Line of the value at ``path``, or of its nearest enclosing value."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Composer(yaml.SafeLoader):
    """A SafeLoader that refuses aliases and anchors while composing the node tree.

    Implicit resolution is switched off: every plain scalar arrives tagged as text and
    ``_Builder`` types it by the YAML 1.2 core rules, refusing the 1.1-only forms.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - read-only class table

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # '[' or '{' nested past the limit is refused as it is scanned: PyYAML's scanner looks
        # up to 1024 characters ahead for a key with a cost per open bracket, and the composer
        # recurses per level, so 1,000 brackets took two seconds to end in a RecursionError
        if self.flow_level >= _NESTING_LIMIT:
            raise _Refused(self.get_mark().line + 1, "deep", depth=MAX_DEPTH)
        super().fetch_flow_collection_start(TokenClass)

    def compose_scalar_node(self, anchor: Any) -> Any:
        # An explicit '!!str' or '!' makes a scalar text (YAML 1.2), whatever it looks like.
        event = self.peek_event()  # type: ignore[no-untyped-call]
        node = super().compose_scalar_node(anchor)
        node.explicit_text = event.tag in ("!", _STR)  # type: ignore[attr-defined]
        return node

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _Refused(event.start_mark.line + 1, "alias", name=event.anchor)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(event.start_mark.line + 1, "anchor", name=anchor)
        # block nesting (by indentation) past the limit, before the recursion runs out
        if self.depth >= _NESTING_LIMIT:
            raise _Refused(event.start_mark.line + 1, "deep", depth=MAX_DEPTH)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Refused(Exception):
    """A form the strict reader refuses while composing: its line and a ``_SAY`` key."""

    def __init__(self, line: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.line = line
        self.key = key
        self.values = values


def parse_yaml(text: str, lang: str = "da") -> YamlDocument:
    """Parse one YAML (or JSON) document strictly; problems are returned, not raised.

    A document that cannot be parsed at all yields ``data=None`` and one problem, in plain
    words (Danish by default, ``lang="en"`` for English) with a hint on indentation or tabs.
    """
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        return YamlDocument(None, {}, (YamlProblem(1, _say(lang, "large", limit=MAX_BYTES)),))
    try:
        # the reader checks the characters as it is built: a NUL is a problem, not a crash
        loader = _Composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _Refused as refused:
        message = _say(lang, refused.key, **refused.values)
        return YamlDocument(None, {}, (YamlProblem(refused.line, message),))
    except yaml.MarkedYAMLError as exc:
        return YamlDocument(None, {}, (syntax_problem(exc, text, lang),))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC, ...)
        before = text[: exc.position].replace("\r\n", "\n").replace("\r", "\n")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        message = _say(lang, "character", code=exc.character, column=column)
        return YamlDocument(None, {}, (YamlProblem(line, message),))
    except yaml.YAMLError as exc:
        return YamlDocument(None, {}, (YamlProblem(1, _say(lang, "invalid") + f": {exc}"),))
    except RecursionError:
        return YamlDocument(None, {}, (YamlProblem(1, _say(lang, "deep", depth=MAX_DEPTH)),))
    builder = _Builder(lang)
    try:
        data = builder.build(node, ()) if node is not None else None
    except RecursionError:  # pragma: no cover - the depth limit below comes first
        return YamlDocument(None, {}, (YamlProblem(1, _say(lang, "deep", depth=MAX_DEPTH)),))
    return YamlDocument(data, builder.lines, tuple(builder.problems))


#: how many rule-set texts stay parsed: a rule set is about ten documents (rule files,
#: manifest, decision reasons, case files), and `rules diff` or an edited copy holds two sets
_SHARED_ENTRIES = 64
#: a longer text is parsed each time (the shipped rule files are at most 23 KB), so the memo
#: holds at most a few megabytes
_SHARED_MAX_CHARS = 128_000


def parse_yaml_shared(text: str, lang: str = "da") -> YamlDocument:
    """``parse_yaml(text, lang)`` for the documents of a rule set, parsed once per unchanged
    text and language.

    The pure-Python parser costs about 30 ms per rule file, and a process that loads a rule
    set again (a copy with one line edited, ``rules diff``, ``rules test`` after ``rules
    check``) would parse the same unchanged texts again. ``parse_yaml`` is a pure function of
    the text and the language of its problems, and the key is the text itself, so
    an edited file is always parsed anew. Each caller gets its own copy of the data and the
    line map, so nothing a caller does can change what the next one reads. Not used for
    assessments or courses: citizens' answers are never kept beyond their call.
    """
    if len(text) > _SHARED_MAX_CHARS:
        return parse_yaml(text, lang)
    shared = _parse_once(text, lang)
    return YamlDocument(_copied(shared.data), dict(shared.lines), shared.problems)


@lru_cache(maxsize=_SHARED_ENTRIES)
def _parse_once(text: str, lang: str) -> YamlDocument:
    return parse_yaml(text, lang)


def _copied(data: Any) -> Any:
    """A copy of parsed data: only dicts and lists are mutable in it (strings, numbers,
    booleans and None are not)."""
    if type(data) is dict:
        return {key: _copied(value) for key, value in data.items()}
    if type(data) is list:
        return [_copied(item) for item in data]
    return data


class _Builder:
    def __init__(self, lang: str) -> None:
        self.lines: dict[Path, int] = {}
        self.problems: list[YamlProblem] = []
        self.lang = lang

    def _problem(self, line: int, what: str, **values: object) -> None:
        self.problems.append(YamlProblem(line, _say(self.lang, what, **values)))

    def build(self, node: yaml.Node, path: Path) -> Any:
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if len(path) > MAX_DEPTH:
            self._problem(line, "deep", depth=MAX_DEPTH)
            return None
        if not isinstance(node, yaml.ScalarNode) and node.tag not in (_MAP, _SEQ):
            self._problem(line, "tag", tag=node.tag)
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, line)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self._scalar(key_node, line) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self._problem(line, "key", name=repr(key))
                continue
            if key in first_line:
                self._problem(line, "duplicate", name=key, first=first_line[key])
                continue
            first_line[key] = line
            # a value's line is its key's line: a block value starts one line below its key
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.Node, line: int) -> Any:
        value = str(node.value)
        if node.tag != _STR:
            self._problem(line, "tag", tag=node.tag)
            return None
        if isinstance(node, yaml.ScalarNode) and (
            node.style is not None or getattr(node, "explicit_text", False)
        ):
            return value  # quoted, block or explicitly tagged text is always text
        if _AMBIGUOUS.match(value):
            self._problem(line, "ambiguous", value=value)
            return value
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value in _NULL:
            return None
        try:
            if _INT.match(value):
                return int(value)
            if _FLOAT.match(value):
                number = float(value)
                if math.isfinite(number):
                    return number
                raise ValueError("not a finite number")
        except ValueError:  # 4300+ digits, or 1e99999
            self._problem(line, "number", value=value[:20])
            return None
        return value


# Every problem in the words of a policy officer, not the parser's ("expected <block end>, but
# found '?'"). Danish first (the users' language), English second.
_SAY: dict[str, tuple[str, str]] = {
    "large": (
        "filen er større end {limit} bytes",
        "the file is larger than {limit} bytes",
    ),
    "deep": (
        "dokumentet er indlejret mere end {depth} niveauer dybt: forenkl det",
        "the document is nested more than {depth} levels deep: simplify it",
    ),
    "alias": (
        "aliaset '*{name}' er ikke tilladt: skriv værdien helt ud",
        "alias '*{name}' is not allowed: write the value out in full",
    ),
    "anchor": (
        "ankeret '&{name}' er ikke tilladt: skriv hver værdi helt ud",
        "anchor '&{name}' is not allowed: write each value out in full",
    ),
    "tag": (
        "mærket '{tag}' er ikke tilladt: filerne rummer kun almindelige data",
        "tag '{tag}' is not allowed: rule files hold plain data",
    ),
    "key": (
        "nøglen {name} skal være et navn; sæt den i anførselstegn, hvis den er et",
        "key {name} must be a name; quote it if it is one",
    ),
    "duplicate": (
        "nøglen '{name}' står to gange (første gang på linje {first}): fjern den ene",
        "duplicate key '{name}' (first on line {first}): remove one of them",
    ),
    "ambiguous": (
        "'{value}' er tvetydig (YAML 1.1 læser den som sand/falsk, et tal eller en dato, "
        'YAML 1.2 som tekst): skriv "{value}" i anførselstegn for tekst, eller true/false',
        "'{value}' is ambiguous (YAML 1.1 reads it as a boolean, number or date, "
        'YAML 1.2 as text): write "{value}" in quotes for text, or true/false',
    ),
    "number": (
        "'{value}…' er ikke et brugbart tal: skriv et mindre",
        "'{value}…' is not a usable number: write a smaller one",
    ),
    "invalid": ("ugyldig YAML", "not valid YAML"),
    "character": (
        "tegnet U+{code:04X} må ikke stå i en YAML-fil (kolonne {column}): fjern det",
        "the character U+{code:04X} may not be in a YAML file (column {column}): remove it",
    ),
    "at": ("kolonne {column}", "column {column}"),
    "tab": (
        "et tabulatortegn i indrykningen: YAML rykker kun ind med mellemrum; "
        "erstat tabulatoren med mellemrum",
        "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces",
    ),
    "colon": (
        "et kolon (:) står, hvor YAML ikke venter en ny nøgle. Er linjen rykket længere ind end "
        "nøglerne på sit niveau, så ret indrykningen; mangler linjen over et kolon efter sin "
        "nøgle, så tilføj det; hører kolonet til en tekst, så sæt teksten i anførselstegn",
        "a colon (:) where YAML expects no new key. If the line is indented further than the "
        "keys at its level, fix the indentation; if the line above lacks the colon after its "
        "key, add it; if the colon belongs to a text, put the text in quotes",
    ),
    "block": (
        "indrykningen passer ikke: linjen hører ikke til blokken, der begynder på linje "
        "{start}. Ryk den ind med lige så mange mellemrum som nøglerne (eller '-'-punkterne) på "
        "samme niveau",
        "the indentation does not fit: the line does not belong to the block that starts on "
        "line {start}. Indent it by as many spaces as the keys (or '-' items) at the same level",
    ),
    "flow": (
        "'{opener}' på linje {start} lukkes ikke med '{closer}': tilføj '{closer}' eller et "
        "komma mellem elementerne",
        "the '{opener}' on line {start} is not closed with '{closer}': add '{closer}' or a "
        "comma between the items",
    ),
    "quote": (
        "anførselstegnet på linje {start} lukkes aldrig: tilføj det afsluttende {quote}",
        "the quote on line {start} is never closed: add the closing {quote}",
    ),
    "token": (
        "tegnet {char} kan ikke begynde en værdi i YAML: sæt værdien i anførselstegn",
        "the character {char} cannot start a value in YAML: put the value in quotes",
    ),
    "other": (
        "YAML kan ikke læse linjen ({problem}): tjek indrykningen og at hver linje er "
        "'nøgle: værdi' eller '- punkt'",
        "YAML cannot read the line ({problem}): check the indentation and that each line is "
        "'key: value' or '- item'",
    ),
    "indent": (
        "linje {line} er rykket {here} mellemrum ind, linje {above} over den {there}",
        "line {line} is indented {here} spaces, line {above} above it {there}",
    ),
}


def _say(lang: str, key: str, **values: object) -> str:
    da, en = _SAY[key]
    return (en if lang == "en" else da).format(**values)


def _indent_hint(lines: list[str], line: int, lang: str) -> str:
    """Compare the bad line's indentation with the nearest line above that holds content."""
    if not 1 <= line <= len(lines):
        return ""
    here = lines[line - 1]
    for above in range(line - 1, 0, -1):
        text = lines[above - 1]
        if text.strip() and not text.lstrip().startswith("#"):
            spaces = len(here) - len(here.lstrip(" "))
            there = len(text) - len(text.lstrip(" "))
            if spaces == there:
                return ""
            return (
                " (" + _say(lang, "indent", line=line, here=spaces, above=above, there=there) + ")"
            )
    return ""


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, lang: str = "da") -> YamlProblem:
    """One YAML syntax error as a plain-words problem at the line where the parser stopped."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    start = exc.context_mark.line + 1 if exc.context_mark is not None else line
    problem = str(exc.problem or "")
    lines = text.splitlines()
    hint = ""
    if "'\\t'" in problem:
        message = _say(lang, "tab")
    elif problem.startswith("found character"):
        char = problem.split("'")[1] if problem.count("'") >= 2 else "?"
        message = _say(lang, "token", char=f"'{char}'")
    elif problem.startswith("mapping values are not allowed"):
        message, hint = _say(lang, "colon"), _indent_hint(lines, line, lang)
    elif "quoted scalar" in str(exc.context or ""):
        quote = '"' if exc.context_mark is None else _char_at(lines, exc.context_mark)
        message, line = _say(lang, "quote", start=start, quote=quote), start
        column = exc.context_mark.column + 1 if exc.context_mark is not None else 1
    elif "flow sequence" in str(exc.context or "") or "flow mapping" in str(exc.context or ""):
        opener, closer = ("[", "]") if "sequence" in str(exc.context) else ("{", "}")
        message = _say(lang, "flow", opener=opener, closer=closer, start=start)
    elif problem.startswith("expected <block end>") or "block" in str(exc.context or ""):
        message, hint = _say(lang, "block", start=start), _indent_hint(lines, line, lang)
    else:
        message, hint = _say(lang, "other", problem=problem), _indent_hint(lines, line, lang)
    where = _say(lang, "at", column=column)
    return YamlProblem(line, f"{_say(lang, 'invalid')} ({where}): {message}{hint}")


def _char_at(lines: list[str], mark: Any) -> str:
    row: int = mark.line
    column: int = mark.column
    if 0 <= row < len(lines) and 0 <= column < len(lines[row]):
        return lines[row][column]
    return '"'
