"""Load a rule directory: strict YAML -> validated pydantic models, each problem with its line.

All problems in all files are collected and raised together as one ``RuleError``, so that a
policy editor sees everything to fix in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ._documents import parse_document, validate_document
from ._domain import METHODS, FieldSpec
from ._exceptions import RuleError
from ._rulemodels import TAG_PREFIX, FollowupFile, MethodFile, WarningsFile
from ._yaml import YamlDocument

__all__ = ["LoadedFile", "LoadedRules", "default_rules_dir", "load_rule_files"]

#: files in a rule directory that are not rule files
_NOT_RULES = ("municipality", "ruleset", "decision_reasons")


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    model: MethodFile | WarningsFile | FollowupFile
    document: YamlDocument

    def line_of(self, *path: str | int) -> int:
        return self.document.line_of(path)


@dataclass(frozen=True)
class LoadedRules:
    directory: Path
    methods: dict[str, LoadedFile]
    warnings: LoadedFile
    #: the follow-up signals (optional: a rule set may have none)
    followup: LoadedFile | None = None


def default_rules_dir() -> Path:
    """The rule directory shipped inside the package (or the checkout's ``rules/``)."""
    packaged = Path(str(resources.files("hf_triage") / "rules"))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleError(
        f"the default rules are missing: neither {packaged} nor {checkout} exists; "
        "reinstall hf-triage"
    )


def _describe_error(error: Any) -> str:
    kind = error["type"]
    loc = [part for part in error["loc"] if not str(part).startswith(TAG_PREFIX)]
    where = ".".join(str(p) for p in loc) or "(top level)"
    if kind == "extra_forbidden":
        return (
            f"unknown key '{loc[-1]}' in {'.'.join(map(str, loc[:-1])) or 'the file'}: "
            "check the spelling or remove it (see rules/schema.json for the allowed keys)"
        )
    if kind == "missing":
        return f"missing key '{loc[-1]}' in {'.'.join(map(str, loc[:-1])) or 'the file'}: add it"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def _tagged(part: Any) -> bool:
    return str(part).startswith(TAG_PREFIX)


def _load_file(
    path: Path,
    problems: list[str],
    attempted: set[str],
    fields: Mapping[str, FieldSpec] | None = None,
) -> LoadedFile | None:
    parsed = parse_document(path, "file")
    problems.extend(parsed.problems)
    data = parsed.data
    if not parsed.parsed or parsed.yaml is None:
        # unreadable (a FIFO, a device, too large, not YAML): it may be the file that looks
        # missing, so no method is reported missing because of it
        attempted.add("?")
        return None
    if isinstance(data, dict):
        attempted.add(str(data.get("method")) if "method" in data else "")
        if "warnings" in data:
            attempted.add("warnings")
    model: type[MethodFile] | type[WarningsFile] | type[FollowupFile]
    context: dict[str, Any] | None = None if fields is None else {"fields": fields}
    if isinstance(data, dict) and "method" in data:
        model = MethodFile
    elif isinstance(data, dict) and "warnings" in data:
        model = WarningsFile
    elif isinstance(data, dict) and "signals" in data:
        model, context = FollowupFile, {"domain": "course"}
    else:
        problems.append(
            f"{path}:1: not a rule file: it must hold 'method:' (a method file), "
            "'warnings:' (the warnings file) or 'signals:' (the follow-up file)"
        )
        return None
    # strict-YAML problems and schema problems are reported together, in one pass
    validated, found = validate_document(
        parsed,
        model,
        describe=lambda error, _data: _describe_error(error),
        context=context,
        skip=_tagged,
    )
    problems.extend(found[len(parsed.problems) :])
    return None if validated is None else LoadedFile(path, validated, parsed.yaml)


def load_rule_files(
    directory: str | Path, fields: Mapping[str, FieldSpec] | None = None
) -> LoadedRules:
    """Read and validate every rule file in ``directory``; raise one RuleError with all problems.

    ``fields`` (default: the assessment domain) are the fields conditions may read.
    """
    root = Path(directory)
    if not root.is_dir():
        raise RuleError(f"{root}: not a rule directory (it should hold cti.yaml, icm.yaml, ...)")
    problems: list[str] = []
    methods: dict[str, LoadedFile] = {}
    warnings: list[LoadedFile] = []
    followups: list[LoadedFile] = []
    paths = sorted(p for p in root.glob("*.yaml") if not p.name.startswith(_NOT_RULES))
    problems += [
        f"{p}:1: rule files end in .yaml; rename it to {p.stem}.yaml (or remove it)"
        for p in sorted(root.glob("*.yml"))
    ]
    attempted: set[str] = set()  # methods (and "warnings") that some file tried to define
    for path in paths:
        loaded = _load_file(path, problems, attempted, fields)
        if loaded is None:
            continue
        if isinstance(loaded.model, MethodFile):
            method: str = loaded.model.method
            if method in methods:
                problems.append(
                    f"{path}:{loaded.line_of('method')}: method {method} is already defined in "
                    f"{methods[method].path.name}: keep one file per method"
                )
            else:
                methods[method] = loaded
        elif isinstance(loaded.model, FollowupFile):
            followups.append(loaded)
        else:
            warnings.append(loaded)
    if len(followups) > 1:
        names = ", ".join(f.path.name for f in followups)
        problems.append(f"{root}:1: at most one follow-up file is allowed (found: {names})")
    # reported alongside other problems (every problem in one pass), but a file that names a
    # method or holds warnings and failed to load is not "missing"
    for method in METHODS if "?" not in attempted else ():
        if method not in methods and method not in attempted:
            problems.append(
                f"{root}:1: no rule file for method {method}: add one with 'method: {method}'"
            )
    if len(warnings) > 1 or (not warnings and not {"warnings", "?"} & attempted):
        names = ", ".join(w.path.name for w in warnings) or "none"
        problems.append(f"{root}:1: exactly one warnings file is needed (found: {names})")
    if not problems:
        _check_unique_ids(methods, warnings[0], problems)
    if problems:
        raise RuleError(
            f"{len(problems)} problem(s) in the rules in {root}:\n" + "\n".join(problems),
            tuple(problems),
        )
    return LoadedRules(root, methods, warnings[0], followups[0] if followups else None)


def _check_unique_ids(
    methods: dict[str, LoadedFile], warnings: LoadedFile, problems: list[str]
) -> None:
    seen: dict[str, str] = {}
    for method in METHODS:
        loaded = methods[method]
        assert isinstance(loaded.model, MethodFile)
        for i, criterion in enumerate(loaded.model.criteria):
            here = f"{loaded.path}:{loaded.line_of('criteria', i, 'id')}"
            if criterion.id in seen:
                problems.append(
                    f"{here}: criterion id '{criterion.id}' is used twice (first at "
                    f"{seen[criterion.id]}): ids must be unique"
                )
            else:
                seen[criterion.id] = here
    assert isinstance(warnings.model, WarningsFile)
    codes: dict[str, str] = {}
    for i, rule in enumerate(warnings.model.warnings):
        here = f"{warnings.path}:{warnings.line_of('warnings', i, 'code')}"
        if rule.code in codes:
            problems.append(
                f"{here}: warning code '{rule.code}' is used twice (first at {codes[rule.code]})"
            )
        else:
            codes[rule.code] = here
