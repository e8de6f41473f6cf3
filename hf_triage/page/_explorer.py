"""The read-only rule explorer for policy staff: what the compiled rule set holds, shaped for the
template. Everything comes from the library's own readers (the compiled rules, ``check_rules``,
the YAML cases, the manifest); nothing here re-reads or re-interprets rule YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hf_triage import CompiledRules, TriageError, check_rules
from hf_triage._cases import LoadedCase, load_cases, run_case
from hf_triage._compile import All, Any_, Cond, Not, Test
from hf_triage._decision import decision_reasons
from hf_triage._domain import COURSE_FIELDS, DERIVED_FIELDS, FIELDS
from hf_triage._manifest import RulesetManifest, load_manifest
from hf_triage._rulemodels import fmt_value
from hf_triage._texts import text as say

__all__ = ["Explorer", "explore"]


def _label(name: str, lang: str) -> str:
    spec = FIELDS.get(name) or DERIVED_FIELDS.get(name) or COURSE_FIELDS.get(name)
    if spec is None:
        return name
    return spec.label_da if lang == "da" else spec.label_en


def describe(cond: Cond, lang: str) -> str:
    """A condition in plain words (assessment, derived and course fields alike)."""
    if isinstance(cond, Test):
        label = _label(cond.field, lang)
        operand = (f"{cond.parameter} = {cond.operand}" if cond.parameter else None) or fmt_value(
            cond.operand
        )
        if cond.op == "is":
            return f"{label} = {operand}"
        if cond.op == "one_of":
            return f"{label} = " + say("word.or", lang).join(fmt_value(v) for v in cond.operand)
        return f"{label} {'≥' if cond.op == 'at_least' else '≤'} {operand}"
    if isinstance(cond, Not):
        return say("word.not", lang) + f"({describe(cond.item, lang)})"
    sep = say("word.and" if isinstance(cond, All) else "word.or", lang)
    assert isinstance(cond, (All, Any_))
    return "(" + sep.join(describe(c, lang) for c in cond.items) + ")"


@dataclass(frozen=True)
class Explorer:
    """The rule set as the explorer shows it, in one language."""

    name: str | None
    version: str | None
    valid_from: str | None
    valid_to: str | None
    fingerprint: str
    directory: str
    methods: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    changelog: list[dict[str, str]]
    sources: list[dict[str, str]]
    check_ok: bool
    check_examined: int
    findings: list[dict[str, Any]]
    cases_total: int
    cases_failed: list[str]
    case_problem: str | None
    reasons: list[dict[str, str]]


def _cases(rules: CompiledRules, lang: str) -> tuple[tuple[LoadedCase, ...], str | None]:
    root = Path(rules.directory) / "tests"
    if not root.is_dir():
        return (), None
    try:
        return load_cases(root, lang), None
    except TriageError as exc:
        return (), str(exc)


def _manifest(rules: CompiledRules) -> RulesetManifest | None:
    try:
        return load_manifest(rules.directory)
    except TriageError:  # rules check reports it; the explorer shows the rest
        return None


def _decision_reasons(rules: CompiledRules, lang: str) -> list[dict[str, str]]:
    try:
        reasons = decision_reasons(rules, lang)
    except TriageError:
        return []
    return [{"code": r.code, "text": r.text(lang), "source": r.source} for r in reasons]


def explore(rules: CompiledRules, lang: str) -> Explorer:
    """Everything the explorer page shows. Runs ``rules check`` and the YAML cases (both take
    a fraction of a second on the shipped rules); the caller caches the result per rule set."""
    cases, case_problem = _cases(rules, lang)
    by_reason: dict[str, list[str]] = {}
    by_warning: dict[str, list[str]] = {}
    by_signal: dict[str, list[str]] = {}
    for loaded in cases:
        expect = loaded.case.expect
        where = f"{loaded.file.name}: {loaded.name}"
        for rid in expect.reasons or ():
            by_reason.setdefault(rid, []).append(where)
        for code in expect.warnings or ():
            by_warning.setdefault(code, []).append(where)
        for code in expect.signals or ():
            by_signal.setdefault(code, []).append(where)
    failed = [
        f"{r.file.name}:{r.line}: {r.name}"
        for r in (run_case(rules, c) for c in cases)
        if not r.passed
    ]
    methods = [
        {
            "method": method,
            "title": rules.titles[method].get(lang) if method in rules.titles else method,
            "criteria": [
                {
                    "id": c.id,
                    "when": describe(c.condition, lang),
                    "text": " ".join(c.reason.get(lang).split()),
                    "source": c.source,
                    "where": f"{c.file}:{c.line}",
                    "cases": by_reason.get(c.id, []),
                }
                for c in criteria
            ],
        }
        for method, criteria in rules.by_method.items()
    ]
    warnings = [
        {
            "code": w.code,
            "level": getattr(w, "level", "warning"),
            "when": describe(w.condition, lang),
            "text": " ".join(w.text.get(lang).split()),
            "source": w.source,
            "where": f"{w.file}:{w.line}",
            "cases": by_warning.get(w.code, []),
        }
        for w in rules.warnings
    ]
    signals = [
        {
            "code": s.code,
            "when": describe(s.condition, lang),
            "text": " ".join(s.text.get(lang).split()),
            "source": s.source,
            "where": f"{s.file}:{s.line}",
            "cases": by_signal.get(s.code, []),
        }
        for s in rules.signals
    ]
    report = check_rules(rules)
    manifest = _manifest(rules)
    changelog: list[dict[str, str]] = []
    sources: list[dict[str, str]] = []
    if manifest is not None:
        for entry in manifest.changelog:
            text = entry.changes.get(lang)
            changelog.append(
                {"version": entry.version, "date": str(entry.date), "text": " ".join(text.split())}
            )
        sources = [
            {"id": s.id, "title": s.title, "publisher": s.publisher, "date": str(s.date)}
            for s in manifest.sources
        ]
    return Explorer(
        name=manifest.name if manifest is not None else None,
        version=rules.version,
        valid_from=str(manifest.valid_from) if manifest is not None else None,
        valid_to=str(manifest.valid_to) if manifest is not None and manifest.valid_to else None,
        fingerprint=rules.fingerprint,
        directory=Path(rules.directory).name,
        methods=methods,
        warnings=warnings,
        signals=signals,
        changelog=changelog,
        sources=sources,
        check_ok=report.ok,
        check_examined=report.assessments_examined,
        findings=[
            {"severity": f.severity, "where": f"{f.file}:{f.line}", "text": f.text(lang)}
            for f in report.findings
        ],
        cases_total=len(cases),
        cases_failed=failed,
        case_problem=case_problem,
        reasons=_decision_reasons(rules, lang),
    )
