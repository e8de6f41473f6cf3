"""YAML test cases for the rules, written by policy staff: load them, run them, report.

A case file (``rules/tests/*.yaml``) holds ``cases:``, each a citizen's assessment, the
expected outcome and the source passage it rests on, in the spirit of OpenFisca's YAML tests::

    cases:
      - name: shelter exit, mild problems, uses services well -> CTI
        source: "000 «1 Målgruppen for CTI»: «CTI-metoden er relevant for borgere, ...»"
        assessment: {complexity: mild, service_use: significant, support_duration: transitional}
        municipality: {offers: [CTI, ICM]}        # optional
        expect:
          method: CTI                             # CTI, ICM, ACT or undecided
          possible_methods: [ICM, ACT]            # required when undecided
          missing: [service_use]                  # optional, only when undecided
          warnings: [start-support-now]           # the exact set of codes; [] for none
          reasons: [cti-significant-service-use-mild-moderate]   # optional: must appear
          counterfactuals:                        # optional: per other method, its smallest
            ICM: [[service_use=partial], [support_duration=long_term]]   # change sets
            ACT: [[complexity=severe, service_use=minimal]]              # ([] = none gives it)
          borderline: true                        # optional
          next_questions: [complexity]            # optional: the ranked fields, exactly

``expect: {error: true}`` asserts that the assessment is rejected, and
``expect: {error: complexity}`` also that the message names that field. Case files are read
with the strict YAML reader and validated with pydantic; every problem in every file is raised
together as one ``RuleError`` naming ``file:line``. Running a case calls ``hf_triage.triage``: an
assessment that is rejected when it should not be is a failure of that case, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._api import MunicipalityError, triage
from ._compile import CompiledRules
from ._documents import parse_document, validate_document
from ._exceptions import AssessmentError, RuleError, TriageError
from ._load import _describe_error, _tagged
from ._models import Method
from ._ruleerrors import describe_error, say
from ._rulemodels import fmt_value
from ._texts import Labels, check_lang
from ._yaml import YamlDocument

__all__ = [
    "Case",
    "CaseFile",
    "CaseReport",
    "CaseResult",
    "Difference",
    "Expectation",
    "LoadedCase",
    "load_cases",
    "render_case_report",
    "render_case_result",
    "run_case",
    "run_cases",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)

UNDECIDED = "undecided"


class Expectation(BaseModel):
    """What the rules should give for the case's assessment."""

    model_config = _STRICT
    method: Literal["CTI", "ICM", "ACT", "undecided"] | None = Field(
        default=None, description="The expected method, or 'undecided'"
    )
    possible_methods: list[Method] | None = Field(
        default=None, min_length=1, description="Required when the method is undecided"
    )
    missing: list[Literal["complexity", "service_use"]] | None = Field(
        default=None, description="The unknown answers that would decide it (undecided only)"
    )
    warnings: list[str] | None = Field(
        default=None, description="The exact set of warning codes expected; [] for none"
    )
    reasons: list[str] | None = Field(
        default=None, min_length=1, description="Criterion ids that must be among the reasons"
    )
    counterfactuals: dict[Method, list[list[str]]] | None = Field(
        default=None,
        description="Per other method, its smallest sets of changes, each change written "
        "'field=value' (the new answer); [] when no change of the assessed answers gives it",
    )
    borderline: bool | None = Field(
        default=None, description="Whether one step on one ordinal answer changes the method"
    )
    next_questions: list[str] | None = Field(
        default=None, description="The fields of the next questions, in their ranked order"
    )
    signals: list[str] | None = Field(
        default=None,
        description="For a course case: the exact set of follow-up signal codes; [] for none",
    )
    error: bool | str = Field(
        default=False,
        description="true: the assessment must be rejected; a field name such as complexity: "
        "rejected, and the message must name it",
    )

    @model_validator(mode="after")
    def _complete_and_consistent(self) -> Expectation:
        outcome = (
            "method",
            "possible_methods",
            "missing",
            "warnings",
            "reasons",
            "counterfactuals",
            "borderline",
            "next_questions",
        )
        if self.signals is not None:
            given = [key for key in (*outcome, "error") if getattr(self, key)]
            if given:
                raise ValueError("a course case expects only 'signals'; remove " + ", ".join(given))
            return self
        if self.error == "":
            raise ValueError(
                "write 'error: true', or the field the rejection must name, e.g. "
                "'error: complexity'"
            )
        if self.error:
            given = [key for key in outcome if getattr(self, key) is not None]
            if given:
                raise ValueError(
                    "'error' expects the assessment to be rejected, so it cannot also "
                    f"expect {', '.join(given)}: remove those keys or remove 'error'"
                )
            return self
        if self.method is None:
            raise ValueError(
                "write the expected method: 'method: CTI', 'method: ICM', 'method: ACT' or "
                "'method: undecided' (or 'error: true' for an assessment that must be rejected)"
            )
        if self.warnings is None:
            raise ValueError(
                "write the expected warning codes, e.g. 'warnings: [start-support-now]', "
                "or 'warnings: []' when none are expected"
            )
        if self.method == UNDECIDED:
            if self.possible_methods is None or len(set(self.possible_methods)) < 2:
                raise ValueError(
                    "an undecided result has at least two possible methods: write e.g. "
                    "'possible_methods: [ICM, ACT]'"
                )
            if self.reasons is not None:
                raise ValueError(
                    "an undecided result has no reasons yet: remove 'reasons' or expect a method"
                )
            if self.counterfactuals:
                raise ValueError(
                    "counterfactuals are given for a decided result: remove 'counterfactuals' "
                    "(an undecided result has next_questions)"
                )
        else:
            if self.possible_methods is not None and set(self.possible_methods) != {self.method}:
                raise ValueError(
                    f"a decided result has exactly one possible method: write "
                    f"'possible_methods: [{self.method}]' or leave possible_methods out"
                )
            if self.missing:
                raise ValueError(
                    "'missing' lists the answers that would decide an undecided result: "
                    "remove it, or write 'method: undecided'"
                )
        return self


class Case(BaseModel):
    """One test case: an assessment, the expected outcome and the source it rests on."""

    model_config = _STRICT
    name: str = Field(description="A short, unique, one-line description of the citizen")
    source: str = Field(
        min_length=3, description="Seed file, section and quoted Danish passage the case rests on"
    )
    assessment: dict[str, Any] | None = Field(
        default=None, description="The assessment answers, as in a YAML file"
    )
    course: dict[str, Any] | None = Field(
        default=None, description="A course record (instead of an assessment): follow-up signals"
    )
    today: str | None = Field(
        default=None, description='For a course case: the day to review on, e.g. "2026-11-24"'
    )
    municipality: dict[str, Any] | None = Field(
        default=None, description="The municipality's portfolio, e.g. {offers: [CTI, ICM]}"
    )
    expect: Expectation

    @model_validator(mode="after")
    def _assessment_or_course(self) -> Case:
        if (self.assessment is None) == (self.course is None):
            raise ValueError("a case has either 'assessment' or 'course' (with 'today')")
        if self.course is not None:
            if self.today is None or self.expect.signals is None:
                raise ValueError(
                    "a course case needs 'today' (quoted, e.g. \"2026-11-24\") and "
                    "'expect: {signals: [...]}'"
                )
            try:
                dt.date.fromisoformat(self.today)
            except ValueError:
                raise ValueError(
                    f"'today: {self.today}' is not a date; write e.g. \"2026-11-24\""
                ) from None
        elif self.expect.signals is not None or self.today is not None:
            raise ValueError("'today' and 'signals' belong to course cases, not assessments")
        return self

    @field_validator("name")
    @classmethod
    def _one_line(cls, name: str) -> str:
        if not name.strip() or "\n" in name:
            raise ValueError("a case name is one line of text, unique among all cases")
        return name


class CaseFile(BaseModel):
    """A case file: a list of cases."""

    model_config = _STRICT
    cases: list[Case] = Field(min_length=1)


#: for 'unknown key' messages: the keys allowed at each level of a case file
_ALLOWED_KEYS = {
    "file": tuple(CaseFile.model_fields),
    "case": tuple(Case.model_fields),
    "expect": tuple(Expectation.model_fields),
}


@dataclass(frozen=True)
class LoadedCase:
    """A validated case with where it was written (for ``file:line`` in reports)."""

    case: Case
    file: Path
    index: int
    document: YamlDocument

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def line(self) -> int:
        return self.document.line_of(("cases", self.index))

    def line_of(self, *path: str | int) -> int:
        return self.document.line_of(("cases", self.index, *path))


def _problem_text(error: Any, data: Any, lang: str = "en") -> str:
    """One pydantic error in words for policy staff, naming the case when it is known."""
    loc = tuple(error["loc"])
    case = ""
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        cases = data.get("cases") if isinstance(data, dict) else None
        item = cases[loc[1]] if isinstance(cases, list) and loc[1] < len(cases) else None
        name = item.get("name") if isinstance(item, dict) else None
        number = loc[1] + 1
        if isinstance(name, str):
            case = say(lang, f"tilfælde {name!r}: ", f"case {name!r}: ")
        else:
            case = say(lang, f"tilfælde nr. {number}: ", f"case #{number}: ")
    if error["type"] == "extra_forbidden":
        parent = loc[:-1]
        level = "file" if not parent else "expect" if parent[-1] == "expect" else "case"
        allowed = ", ".join(_ALLOWED_KEYS[level])
        return case + say(
            lang,
            f"ukendt nøgle '{loc[-1]}': ret stavningen eller fjern den (tilladt her: {allowed})",
            f"unknown key '{loc[-1]}': check the spelling or remove it (allowed here: {allowed})",
        )
    if not case:
        return _describe_error(error) if lang == "en" else describe_error(error, data, lang)
    if error["type"] == "missing":
        return case + say(
            lang, f"nøglen '{loc[-1]}' mangler: tilføj den", f"missing key '{loc[-1]}': add it"
        )
    if len(loc) == 2 and error["type"] == "value_error":
        # the case's own check (assessment or course, today): its sentence, not the generic one
        return case + str(error["msg"]).removeprefix("Value error, ")
    if len(loc) == 2:
        keys = ", ".join(_ALLOWED_KEYS["case"])
        return case + say(
            lang,
            f"et tilfælde er en afbildning med nøglerne {keys}",
            f"a case is a mapping with the keys {keys}",
        )
    # the case is already named: describe the error from inside it ('expect.method: ...')
    inner = {**error, "loc": loc[2:]}
    return case + (_describe_error(inner) if lang == "en" else describe_error(inner, None, lang))


def _load_case_file(path: Path, problems: list[str], lang: str = "en") -> list[LoadedCase]:
    parsed = parse_document(path, "case file", lang, shared=True)
    problems.extend(parsed.problems)
    if not parsed.parsed or parsed.yaml is None:
        return []
    # YAML problems that still leave data (an ambiguous 'no', a duplicate key) do not stop the
    # schema check: policy staff see every problem in one pass (STYLE.md)
    if not isinstance(parsed.data, dict) or "cases" not in parsed.data:
        problems.append(
            f"{path}:1: "
            + say(
                lang,
                "ikke en testfil: den skal begynde med 'cases:' og en liste af tilfælde, hver "
                "med name, source, assessment og expect",
                "not a case file: it must start with 'cases:' followed by a list of "
                "cases, each with name, source, assessment and expect",
            )
        )
        return []
    model, found = validate_document(
        parsed,
        CaseFile,
        describe=lambda error, data: _problem_text(error, data, lang),
        skip=_tagged,
        skip_flagged=False,
    )
    # a case file's schema problems are all listed, even on a line with a YAML problem
    problems.extend(found[len(parsed.problems) :])
    if model is None:
        return []
    document = parsed.yaml
    return [LoadedCase(case, path, i, document) for i, case in enumerate(model.cases)]


def load_cases(directory: str | Path, lang: str = "da") -> tuple[LoadedCase, ...]:
    """Read and validate every ``*.yaml`` case file in ``directory``, in file-name order.

    Raises one ``RuleError`` listing every problem in every file, each with ``file:line``, in
    Danish (``lang="da"``, the default, as ``load_rules``) or English (``lang="en"``). The
    problems of an assessment or course inside a case keep the words
    of ``AssessmentError`` and ``CourseError``.
    """
    check_lang(lang)
    root = Path(directory)
    if not root.is_dir():
        raise RuleError(
            say(
                lang,
                f"{root}: ingen mappe med testtilfælde: opret den og tilføj YAML-filer, der "
                "begynder med 'cases:' (se rules/tests/ i hf_triage for eksempler)",
                f"{root}: no test case directory: create it and add YAML files that start with "
                "'cases:' (see rules/tests/ in hf_triage for examples)",
            )
        )
    paths = sorted(root.glob("*.yaml"))
    if not paths:
        raise RuleError(
            say(
                lang,
                f"{root}: ingen testfiler (*.yaml) fundet: tilføj mindst én",
                f"{root}: no case files (*.yaml) found: add at least one",
            )
        )
    problems: list[str] = []
    loaded: list[LoadedCase] = []
    for path in paths:
        loaded.extend(_load_case_file(path, problems, lang))
    first: dict[str, LoadedCase] = {}
    for case in loaded:
        if case.name in first:
            seen = first[case.name]
            at = f"{seen.file.name}:{seen.line_of('name')}"
            problems.append(
                f"{case.file}:{case.line_of('name')}: "
                + say(
                    lang,
                    f"navnet {case.name!r} bruges to gange (første gang i {at}): giv hvert "
                    "tilfælde sit eget navn",
                    f"case name {case.name!r} is used twice (first at {at}): give each case its "
                    "own name",
                )
            )
        else:
            first[case.name] = case
    if problems:
        raise RuleError(
            say(
                lang,
                f"{len(problems)} problem(er) i testtilfældene i {root}:\n",
                f"{len(problems)} problem(s) in the test cases in {root}:\n",
            )
            + "\n".join(problems),
            tuple(problems),
        )
    return tuple(loaded)


# --- running -------------------------------------------------------------------------------------

DifferenceKind = Literal[
    "method",
    "possible_methods",
    "missing",
    "warnings",
    "reasons",
    "error",
    "error_message",
    "assessment",
    "municipality",
    "rules",
    "unknown_warning",
    "unknown_criterion",
    "unknown_signal",
    "signals",
    "course",
    "counterfactuals",
    "borderline",
    "next_questions",
]


@dataclass(frozen=True)
class Difference:
    """One way a case's outcome differs from what it expects.

    ``expected`` and ``got`` are a value (``"CTI"``, ``"undecided"``, an error message) or a
    tuple of codes; ``line`` is where the expectation is written in the case file.
    """

    what: DifferenceKind
    expected: str | tuple[str, ...]
    got: str | tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed when nothing differs."""

    name: str
    file: Path
    line: int
    source: str
    differences: tuple[Difference, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class CaseReport:
    """The outcome of every case in a directory; ``ok`` when all passed."""

    directory: Path
    ruleset_fingerprint: str
    results: tuple[CaseResult, ...]
    #: criterion ids no case names in ``reasons`` (for information; does not affect ``ok``)
    uncovered_criteria: tuple[str, ...] = ()
    #: warning codes no case expects (for information; does not affect ``ok``)
    uncovered_warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def passed(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if r.passed)

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "directory": str(self.directory),
            "ruleset_fingerprint": self.ruleset_fingerprint,
            "passed": len(self.passed),
            "failed": len(self.failures),
            "uncovered_criteria": list(self.uncovered_criteria),
            "uncovered_warnings": list(self.uncovered_warnings),
            "failures": [
                {
                    "name": r.name,
                    "file": str(r.file),
                    "line": r.line,
                    "differences": [
                        {
                            "what": d.what,
                            "expected": d.expected
                            if isinstance(d.expected, str)
                            else list(d.expected),
                            "got": d.got if isinstance(d.got, str) else list(d.got),
                            "line": d.line,
                        }
                        for d in r.differences
                    ],
                }
                for r in self.failures
            ],
        }


def _unknown_names(rules: CompiledRules, loaded: LoadedCase) -> list[Difference]:
    expect = loaded.case.expect
    codes = tuple(w.code for w in rules.warnings)
    ids = tuple(c.id for c in rules.criteria)
    found = [
        Difference("unknown_warning", code, codes, loaded.line_of("expect", "warnings"))
        for code in expect.warnings or ()
        if code not in codes
    ]
    found += [
        Difference("unknown_criterion", rule_id, ids, loaded.line_of("expect", "reasons"))
        for rule_id in expect.reasons or ()
        if rule_id not in ids
    ]
    return found


def run_case(rules: CompiledRules, loaded: LoadedCase) -> CaseResult:
    """Triage one case's assessment with ``rules`` and compare with what it expects."""
    case, expect = loaded.case, loaded.case.expect

    def result(*differences: Difference) -> CaseResult:
        return CaseResult(case.name, loaded.file, loaded.line, case.source, differences)

    def at(*path: str) -> int:
        return loaded.line_of(*path)

    if case.course is not None:
        return result(*_run_course_case(rules, loaded))
    assert case.assessment is not None
    try:
        rec = triage(case.assessment, rules=rules, municipality=case.municipality)
    except (AssessmentError, MunicipalityError) as exc:
        if isinstance(expect.error, str) and expect.error.lower() not in str(exc).lower():
            return result(
                Difference("error_message", expect.error, str(exc), at("expect", "error"))
            )
        if expect.error:
            return result()
        if isinstance(exc, MunicipalityError):
            return result(Difference("municipality", "", str(exc), at("municipality")))
        return result(Difference("assessment", "", str(exc), at("assessment")))
    except TriageError as exc:  # a RuleError: the rule set itself cannot decide
        return result(Difference("rules", "", str(exc), loaded.line))
    if expect.error:
        got = rec.method or UNDECIDED
        return result(Difference("error", "rejected", got, at("expect", "error")))
    differences = _unknown_names(rules, loaded)
    got_method = rec.method or UNDECIDED
    if got_method != expect.method:
        differences.append(
            Difference("method", str(expect.method), got_method, at("expect", "method"))
        )
    # a decided expectation implies possible_methods [method] and nothing missing; comparing
    # them too shows what is open when the result is unexpectedly undecided
    implied = expect.method != UNDECIDED and rec.method is None
    possible: list[str] | None = (
        list(expect.possible_methods)
        if expect.possible_methods is not None
        else [str(expect.method)]
        if implied
        else None
    )
    if possible is not None and set(possible) != set(rec.possible_methods):
        differences.append(
            Difference(
                "possible_methods",
                tuple(possible),
                tuple(rec.possible_methods),
                at("expect", "possible_methods" if expect.possible_methods else "method"),
            )
        )
    missing: list[str] | None = (
        list(expect.missing) if expect.missing is not None else [] if implied else None
    )
    if missing is not None and set(missing) != set(rec.missing):
        differences.append(
            Difference(
                "missing",
                tuple(missing),
                tuple(rec.missing),
                at("expect", "missing" if expect.missing is not None else "method"),
            )
        )
    if set(expect.warnings or ()) != set(rec.warning_codes):
        differences.append(
            Difference(
                "warnings",
                tuple(expect.warnings or ()),
                tuple(rec.warning_codes),
                at("expect", "warnings"),
            )
        )
    if expect.reasons is not None and not set(expect.reasons) <= set(rec.reason_ids):
        differences.append(
            Difference(
                "reasons", tuple(expect.reasons), tuple(rec.reason_ids), at("expect", "reasons")
            )
        )
    differences += _support_differences(rec, expect, at)
    return result(*differences)


def _change_text(field: str, value: object) -> str:
    return f"{field}={fmt_value(value)}"


def _support_differences(rec: Any, expect: Expectation, at: Any) -> list[Difference]:
    """Counterfactuals, borderline and next questions against what the case expects."""
    found = []
    for method, sets in (expect.counterfactuals or {}).items():
        want = sorted(
            " + ".join(sorted("=".join(p.strip() for p in c.split("=", 1)) for c in s))
            for s in sets
        )
        got_cf = next((c for c in rec.counterfactuals if c.method == method), None)
        options = got_cf.options if got_cf is not None else []
        got = sorted(" + ".join(sorted(_change_text(c.field, c.to) for c in o)) for o in options)
        if want != got:
            found.append(
                Difference(
                    "counterfactuals",
                    tuple(f"{method}: {w}" for w in want) or (f"{method}: -",),
                    tuple(f"{method}: {g}" for g in got) or (f"{method}: -",),
                    at("expect", "counterfactuals"),
                )
            )
    if expect.borderline is not None and expect.borderline != rec.borderline:
        found.append(
            Difference(
                "borderline",
                fmt_value(expect.borderline),
                fmt_value(rec.borderline),
                at("expect", "borderline"),
            )
        )
    if expect.next_questions is not None:
        got_q = tuple(q.field for q in rec.next_questions)
        if tuple(expect.next_questions) != got_q:
            found.append(
                Difference(
                    "next_questions",
                    tuple(expect.next_questions),
                    got_q,
                    at("expect", "next_questions"),
                )
            )
    return found


def _run_course_case(rules: CompiledRules, loaded: LoadedCase) -> list[Difference]:
    from ._followup import CourseError, review_course

    case = loaded.case
    assert case.course is not None and case.today is not None
    expected = tuple(case.expect.signals or ())
    at = loaded.line_of("expect", "signals")
    known = tuple(s.code for s in rules.signals)
    unknown = [Difference("unknown_signal", c, known, at) for c in expected if c not in known]
    try:
        review = review_course(case.course, today=dt.date.fromisoformat(case.today), rules=rules)
    except CourseError as exc:
        return [*unknown, Difference("course", "", str(exc), loaded.line_of("course"))]
    except TriageError as exc:
        return [*unknown, Difference("rules", "", str(exc), loaded.line)]
    got = tuple(review.signal_codes)
    if set(got) != set(expected):
        unknown.append(Difference("signals", expected, got, at))
    return unknown


def _uncovered(rules: CompiledRules, cases: Iterable[LoadedCase]) -> tuple[list[str], list[str]]:
    named_ids: set[str] = set()
    named_codes: set[str] = set()
    for loaded in cases:
        named_ids.update(loaded.case.expect.reasons or ())
        named_codes.update(loaded.case.expect.warnings or ())
    return (
        [c.id for c in rules.criteria if c.id not in named_ids],
        [w.code for w in rules.warnings if w.code not in named_codes],
    )


def run_cases(rules: CompiledRules, directory: Path | None = None, lang: str = "da") -> CaseReport:
    """Run every case in ``directory`` (default: the rule directory's ``tests``) against ``rules``.

    Raises ``RuleError`` when a case file cannot be loaded, its problems in ``lang``; a case
    whose outcome differs is reported in ``CaseReport.failures``, never raised.
    """
    root = Path(directory) if directory is not None else rules.directory / "tests"
    cases = load_cases(root, lang)
    criteria, codes = _uncovered(rules, cases)
    return CaseReport(
        directory=root,
        ruleset_fingerprint=rules.fingerprint,
        results=tuple(run_case(rules, loaded) for loaded in cases),
        uncovered_criteria=tuple(criteria),
        uncovered_warnings=tuple(codes),
    )


# --- rendering -----------------------------------------------------------------------------------

_LABELS: Mapping[str, Mapping[str, str]] = Labels("cases")  # texts.yaml cases.*


def _value(value: str | tuple[str, ...], t: Mapping[str, str]) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else t["none"]
    return t.get(value, value) if value in (UNDECIDED, "rejected") else value


def _difference_lines(d: Difference, t: Mapping[str, str]) -> list[str]:
    label = t[d.what]
    where = f"({t['line']} {d.line})"
    if d.what in ("assessment", "municipality", "rules", "course"):
        return [f"{label} {where}: {_value(d.got, t)}"]
    if d.what == "error_message":
        return [f"{label} {_value(d.expected, t)!r} {where}: {_value(d.got, t)}"]
    if d.what in ("unknown_warning", "unknown_criterion", "unknown_signal"):
        return [f"{label} {where}: {_value(d.expected, t)} ({t['known']}: {_value(d.got, t)})"]
    lines = [
        f"{label} {where}: {t['expected']} {_value(d.expected, t)}; {t['got']} {_value(d.got, t)}"
    ]
    both = isinstance(d.expected, tuple) and isinstance(d.got, tuple) and d.expected and d.got
    if both and d.what in ("warnings", "reasons", "signals"):
        lacking = [x for x in d.expected if x not in d.got]
        extra = [x for x in d.got if x not in d.expected] if d.what != "reasons" else []
        if lacking:
            lines.append(f"  {t['lacking']}: {', '.join(lacking)}")
        if extra:
            lines.append(f"  {t['not_expected']}: {', '.join(extra)}")
    return lines


def render_case_result(result: CaseResult, lang: str = "da") -> str:
    """One case as text: its status, and for a failure where and how it differs."""
    t = _LABELS[check_lang(lang)]
    if result.passed:
        return f"  {t['ok']}  {result.name}"
    lines = [f"  {t['fail']}  {result.name}  ({result.file.name}:{result.line})"]
    for d in result.differences:
        lines += [f"          {line}" for line in _difference_lines(d, t)]
    lines.append(f"          {t['source']}: {' '.join(result.source.split())}")
    return "\n".join(lines)


def render_case_report(report: CaseReport, lang: str = "da") -> str:
    """The report as text for policy staff, Danish by default (``lang="en"`` for English)."""
    t = _LABELS[check_lang(lang)]
    lines = [
        t["head"].format(dir=report.directory),
        t["ruleset"].format(fp=report.ruleset_fingerprint[:19] + "…"),
    ]
    current: Path | None = None
    for result in report.results:
        if result.file != current:
            current = result.file
            lines += ["", f"{current.name}"]
        lines.append(render_case_result(result, lang))
    lines.append("")
    if report.uncovered_criteria:
        lines.append(t["uncovered_criteria"].format(names=", ".join(report.uncovered_criteria)))
    if report.uncovered_warnings:
        lines.append(t["uncovered_warnings"].format(names=", ".join(report.uncovered_warnings)))
    n = len(report.results)
    if report.ok:
        lines.append(t["summary_ok"].format(n=n))
    else:
        failed = len(report.failures)
        lines.append(t["summary_fail"].format(failed=failed, n=n, passed=n - failed))
        lines.append(t["hint"])
    return "\n".join(lines)
