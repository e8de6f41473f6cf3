"""Rule sets over time: the manifest (``ruleset.yaml``) and the archive of rule sets.

A rule set's manifest names it, gives its ``version``, the dates it is in force
(``valid_from``, optional ``valid_to``, both inclusive), a ``changelog`` (newest first) and the
``sources`` its rules cite, by id (the seed files ``000``-``004``). ``ruleset_version`` on every
recommendation and decision record comes from here, so a complaint about an old decision can be
answered with the rules of its day (CONTRACT.md 1.1 "Rule sets over time").

An archive is a folder of rule-set folders, each with its manifest; ``load_rules_in_force``
picks the one in force on a date, refusing a date no set covers and overlapping validity.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._documents import parse_document, validate_document
from ._exceptions import RuleError
from ._ruleerrors import check_lang, describe_error, keys_of, say
from ._rulemodels import Text

if TYPE_CHECKING:
    from ._check import Finding
    from ._compile import CompiledRules

__all__ = [
    "MANIFEST_FILE",
    "ChangelogEntry",
    "RulesetManifest",
    "RulesetSource",
    "attach_manifest",
    "cited_source_ids",
    "load_manifest",
    "load_rules_in_force",
    "manifest_findings",
]

MANIFEST_FILE = "ruleset.yaml"
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: a source id at the start of a citation or after ';' (e.g. "003 §4.1; 004"): a seed file
_CITED_ID = re.compile(r"(?:^|;)\s*(\d{3})\b")


def _iso(value: object) -> object:
    # the strict YAML reader refuses bare dates, so a date arrives as quoted text
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value[:40]!r} is not a date; write it quoted as 'YYYY-MM-DD'"
            ) from None
    return value


class RulesetSource(BaseModel):
    """A source the rules cite by ``id`` (the seed file's number, e.g. ``"000"``)."""

    model_config = _STRICT
    id: str = Field(min_length=1, description="The id rules cite, e.g. '000'")
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    date: str = Field(description="Publication date: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")

    @field_validator("date")
    @classmethod
    def _partial_date(cls, value: str) -> str:
        if not _PARTIAL_DATE.match(value):
            raise ValueError(
                f"{value[:40]!r} is not a date; write 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'"
            )
        return value


class ChangelogEntry(BaseModel):
    """One version's changes, in Danish and English."""

    model_config = _STRICT
    version: str = Field(min_length=1)
    date: dt.date
    changes: Text

    _date = field_validator("date", mode="before")(_iso)


class RulesetManifest(BaseModel):
    """``ruleset.yaml``: what a rule set is, when it is in force, and what it cites."""

    model_config = _STRICT
    name: str = Field(min_length=1, description="The rule set's name")
    version: str = Field(min_length=1, description="Its version, e.g. '1.1.0'")
    valid_from: dt.date = Field(description="First day in force, quoted 'YYYY-MM-DD'")
    valid_to: dt.date | None = Field(default=None, description="Last day in force (inclusive)")
    changelog: list[ChangelogEntry] = Field(min_length=1, description="Newest version first")
    sources: list[RulesetSource] = Field(min_length=1)

    _dates = field_validator("valid_from", "valid_to", mode="before")(_iso)

    @model_validator(mode="after")
    def _consistent(self) -> RulesetManifest:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(
                f"valid_to {self.valid_to} is before valid_from {self.valid_from}: the rule set "
                "would never be in force"
            )
        ids = [s.id for s in self.sources]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"source id(s) {', '.join(twice)} listed twice: keep one entry each")
        return self

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


#: the manifest's own checks (the validators above) in Danish: pattern -> Danish sentence
_DANISH: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?P<value>'.*') is not a date; write it quoted as 'YYYY-MM-DD'", re.S),
        "{value} er ikke en dato; skriv den i anførselstegn som 'ÅÅÅÅ-MM-DD'",
    ),
    (
        re.compile(r"(?P<value>'.*') is not a date; write 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'", re.S),
        "{value} er ikke en dato; skriv 'ÅÅÅÅ', 'ÅÅÅÅ-MM' eller 'ÅÅÅÅ-MM-DD'",
    ),
    (
        re.compile(
            r"valid_to (?P<to>\S+) is before valid_from (?P<start>\S+): the rule set would "
            r"never be in force"
        ),
        "valid_to {to} ligger før valid_from {start}: regelsættet ville aldrig være gældende",
    ),
    (
        re.compile(r"source id\(s\) (?P<ids>.*) listed twice: keep one entry each", re.S),
        "kilde-id {ids} står to gange: behold én post for hver",
    ),
)

_KEYS = keys_of(RulesetManifest)


def _describe(lang: str) -> Any:
    """Words for one pydantic error of the manifest, in ``lang``."""

    def describe(error: Any, data: Any = None) -> str:
        if lang != "en" and error["type"] == "value_error":
            message = str(error["msg"]).removeprefix("Value error, ")
            for pattern, danish in _DANISH:
                match = pattern.fullmatch(message)
                if match is not None:
                    loc = [str(p) for p in error["loc"]]
                    where = ".".join(loc) or "filen"
                    return f"{where}: {danish.format(**match.groupdict())}"
        return describe_error(error, data, lang, _KEYS)

    return describe


def load_manifest(directory: str | Path, lang: str = "da") -> RulesetManifest | None:
    """The manifest of a rule directory; ``None`` when it has none.

    Raises ``RuleError`` naming the file and line of every problem in a manifest that exists,
    in Danish (``lang="da"``, the default, as ``load_rules``) or English (``lang="en"``).
    """
    check_lang(lang)
    path = Path(directory) / MANIFEST_FILE
    if not path.is_file():
        return None
    document = parse_document(path, "manifest", lang, shared=True)
    manifest: RulesetManifest | None = None
    if document.parsed and not isinstance(document.data, dict):
        problems = [
            *document.problems,
            f"{path}:1: "
            + say(
                lang,
                "ikke et manifest: skriv name, version, valid_from, changelog og sources",
                "not a manifest: write name, version, valid_from, changelog and sources",
            ),
        ]
    else:
        manifest, found = validate_document(document, RulesetManifest, describe=_describe(lang))
        problems = list(found)
    if problems or manifest is None:
        raise RuleError(
            say(
                lang,
                f"{len(problems)} problem(er) i manifestet {path}:\n",
                f"{len(problems)} problem(s) in the manifest {path}:\n",
            )
            + "\n".join(problems),
            tuple(problems),
        )
    return manifest


def attach_manifest(rules: CompiledRules, lang: str = "da") -> CompiledRules:
    """``rules`` with the version from its directory's manifest (unchanged without one); a
    manifest's problems are worded in ``lang``."""
    manifest = load_manifest(rules.directory, lang)
    if manifest is None:
        return rules
    return replace(rules, version=manifest.version)


def cited_source_ids(citation: str) -> list[str]:
    """The seed ids a citation names: '003 §4.1; 004' -> ['003', '004']."""
    return _CITED_ID.findall(citation)


def _citations(rules: CompiledRules) -> list[tuple[str, str, int, str]]:
    """(citation, file, line, what) for every criterion, warning, signal and decision reason."""
    found = [(c.source, c.file, c.line, c.id) for c in rules.criteria]
    found += [(w.source, w.file, w.line, w.code) for w in rules.warnings]
    found += [(s.source, s.file, s.line, s.code) for s in rules.signals]
    from ._decision import reasons_file_citations

    found += reasons_file_citations(rules.directory)
    return found


def _problems_in(directory: Path, lang: str) -> str:
    """The error of a manifest known to be broken, worded in ``lang``."""
    try:
        load_manifest(directory, lang)
    except RuleError as exc:
        return str(exc)
    raise AssertionError("the manifest loaded in one language and not in the other")


def manifest_findings(rules: CompiledRules) -> list[Finding]:
    """What ``rules check`` finds wrong with the manifest: missing, or inconsistent with the
    rules (a cited source it does not list, a changelog that does not start with the version).
    """
    from ._check import Finding

    def finding(file: str, line: int, ids: tuple[str, ...], da: str, en: str) -> Finding:
        return Finding("manifest", "error", file, line, ids, da, en)

    try:
        manifest = load_manifest(rules.directory, "en")
    except RuleError as exc:
        return [finding(MANIFEST_FILE, 1, (), _problems_in(rules.directory, "da"), str(exc))]
    if manifest is None:
        return [
            finding(
                MANIFEST_FILE,
                1,
                (),
                f"Regelsættet mangler sit manifest {MANIFEST_FILE} (navn, version, gyldighed, "
                "ændringslog og kilder): uden det kan en afgørelse ikke knyttes til reglerne "
                "på sin dag.",
                f"The rule set has no manifest {MANIFEST_FILE} (name, version, validity, "
                "changelog and sources): without it a decision cannot be tied to the rules of "
                "its day.",
            )
        ]
    findings = []
    if manifest.changelog[0].version != manifest.version:
        findings.append(
            finding(
                MANIFEST_FILE,
                1,
                (),
                f"Ændringsloggens nyeste post er version {manifest.changelog[0].version}, men "
                f"manifestet siger version {manifest.version}: skriv ændringerne i den nye "
                "version øverst.",
                f"The changelog's newest entry is version {manifest.changelog[0].version}, but "
                f"the manifest says version {manifest.version}: put the new version's changes "
                "first.",
            )
        )
    known = {s.id for s in manifest.sources}
    for citation, file, line, what in _citations(rules):
        for source_id in cited_source_ids(citation):
            if source_id not in known:
                findings.append(
                    finding(
                        file,
                        line,
                        (what,),
                        f"{what} citerer kilde {source_id}, som manifestet ikke nævner under "
                        f"sources (kendte: {', '.join(sorted(known))}).",
                        f"{what} cites source {source_id}, which the manifest does not list "
                        f"under sources (known: {', '.join(sorted(known))}).",
                    )
                )
    return findings


def load_rules_in_force(archive: str | Path, on: dt.date | str) -> CompiledRules:
    """The rule set in force on ``on`` from ``archive``, a folder of rule-set folders.

    Each folder needs a manifest; validity is inclusive at both ends. Raises ``RuleError`` when
    no set covers the date, when two sets' validity overlaps, or when a folder has no manifest.
    """
    from ._api import load_rules

    if isinstance(on, str):
        text = on
        try:
            on = dt.date.fromisoformat(text)
        except ValueError:
            raise RuleError(f"on: {text[:40]!r} is not a date; write 'YYYY-MM-DD'") from None
    if isinstance(on, dt.datetime):
        on = on.date()
    if not isinstance(on, dt.date):
        raise RuleError(f"on must be a date, not {type(on).__name__}")
    root = Path(archive)
    if not root.is_dir():
        raise RuleError(f"{root}: not an archive of rule sets (a folder of rule-set folders)")
    sets: list[tuple[Path, RulesetManifest]] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = load_manifest(folder)
        if manifest is None:
            raise RuleError(
                f"{folder}: no {MANIFEST_FILE}: every rule set in an archive needs a manifest "
                "with its validity (valid_from, optional valid_to)"
            )
        sets.append((folder, manifest))
    for i, (a, ma) in enumerate(sets):
        for b, mb in sets[i + 1 :]:
            start = max(ma.valid_from, mb.valid_from)
            ends = [d for d in (ma.valid_to, mb.valid_to) if d is not None]
            if not ends or start <= min(ends):
                raise RuleError(
                    f"{root}: the validity of {a.name} (version {ma.version}, {_span(ma)}) and "
                    f"{b.name} (version {mb.version}, {_span(mb)}) overlaps from {start}: give "
                    "the older set a valid_to before the newer set's valid_from"
                )
    chosen = [folder for folder, m in sets if m.in_force(on)]
    if not chosen:
        spans = "; ".join(f"{f.name}: {_span(m)}" for f, m in sets) or "none"
        raise RuleError(f"{root}: no rule set is in force on {on} (rule sets: {spans})")
    return load_rules(chosen[0])


def _span(manifest: RulesetManifest) -> str:
    return f"{manifest.valid_from} – {manifest.valid_to or '…'}"
