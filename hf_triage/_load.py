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
from ._domain import DERIVED_FIELDS, METHODS, FieldSpec
from ._exceptions import RuleError
from ._ruleerrors import check_lang, describe_error, keys_of, say
from ._rulemodels import (
    TAG_PREFIX,
    AllOf,
    AnyOf,
    FieldTest,
    FollowupFile,
    MethodFile,
    NotOf,
    WarningsFile,
)
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


#: every key a rule file may hold, for "did you mean" on an unknown key
_KEYS = keys_of(MethodFile, WarningsFile, FollowupFile)


def _load_file(
    path: Path,
    problems: list[str],
    attempted: set[str],
    fields: Mapping[str, FieldSpec] | None = None,
    lang: str = "en",
) -> LoadedFile | None:
    parsed = parse_document(path, "file", lang, shared=True)
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
            f"{path}:1: "
            + say(
                lang,
                "ikke en regelfil: den skal have 'method:' (en metodefil), 'warnings:' "
                "(advarselsfilen) eller 'signals:' (opfølgningsfilen)",
                "not a rule file: it must hold 'method:' (a method file), "
                "'warnings:' (the warnings file) or 'signals:' (the follow-up file)",
            )
        )
        return None
    # strict-YAML problems and schema problems are reported together, in one pass
    validated, found = validate_document(
        parsed,
        model,
        describe=lambda error, whole: describe_error(error, whole, lang, _KEYS),
        context=context,
        skip=_tagged,
    )
    problems.extend(found[len(parsed.problems) :])
    if validated is None:
        return None
    loaded = LoadedFile(path, validated, parsed.yaml)
    if isinstance(validated, MethodFile):
        problems.extend(_derived_in_criteria(loaded, validated, lang))
    return loaded


def _derived_in_criteria(loaded: LoadedFile, model: MethodFile, lang: str) -> list[str]:
    """A criterion may not read a derived field (``_domain.DERIVED_FIELDS``).

    Those fields exist only while the warnings are evaluated, after the method is decided
    (``method``, ``least_possible_method``) or from the municipality's portfolio
    (``method_offered``): a criterion that read them would decide the method from its own
    outcome or from what the municipality offers, which the guarantees forbid (CONTRACT.md
    "Guarantees"; 000 «1 Indsatsvifte»: the method follows the citizen's needs).
    """
    found: list[str] = []
    for i, criterion in enumerate(model.criteria):
        for where, test in _field_tests(criterion.when, ("criteria", i, "when")):
            if test.field not in DERIVED_FIELDS:
                continue
            spec = DERIVED_FIELDS[test.field]
            found.append(
                f"{loaded.path}:{loaded.line_of(*where)}: "
                + say(
                    lang,
                    f"kriterium {criterion.id} læser '{test.field}' ({spec.label_da}), som "
                    "først findes, når metoden er valgt: kun advarsler (warnings.yaml) må læse "
                    "det; et kriterium skal bygge på borgerens svar",
                    f"criterion {criterion.id} reads '{test.field}' ({spec.label_en}), which "
                    "exists only once the method is chosen: only warnings (warnings.yaml) may "
                    "read it; a criterion must rest on the citizen's answers",
                )
            )
    return found


def _field_tests(
    cond: Any, where: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], FieldTest]]:
    if isinstance(cond, FieldTest):
        return [(where, cond)]
    if isinstance(cond, NotOf):
        return _field_tests(cond.not_, (*where, "not"))
    key = "all" if isinstance(cond, AllOf) else "any"
    items = cond.all if isinstance(cond, AllOf) else cond.any
    assert isinstance(cond, (AllOf, AnyOf))
    return [t for j, c in enumerate(items) for t in _field_tests(c, (*where, key, j))]


def load_rule_files(
    directory: str | Path, fields: Mapping[str, FieldSpec] | None = None, lang: str = "da"
) -> LoadedRules:
    """Read and validate every rule file in ``directory``; raise one RuleError with all problems.

    ``fields`` (default: the assessment domain) are the fields conditions may read; ``lang``
    is the language of the problems: ``"da"`` (the default) or ``"en"``.
    """
    check_lang(lang)
    root = Path(directory)
    if not root.is_dir():
        raise RuleError(
            f"{root}: "
            + say(
                lang,
                "ikke en regelmappe (den skal indeholde cti.yaml, icm.yaml, ...)",
                "not a rule directory (it should hold cti.yaml, icm.yaml, ...)",
            )
        )
    problems: list[str] = []
    methods: dict[str, LoadedFile] = {}
    warnings: list[LoadedFile] = []
    followups: list[LoadedFile] = []
    paths = sorted(p for p in root.glob("*.yaml") if not p.name.startswith(_NOT_RULES))
    problems += [
        f"{p}:1: "
        + say(
            lang,
            f"regelfiler ender på .yaml; omdøb den til {p.stem}.yaml (eller fjern den)",
            f"rule files end in .yaml; rename it to {p.stem}.yaml (or remove it)",
        )
        for p in sorted(root.glob("*.yml"))
    ]
    attempted: set[str] = set()  # methods (and "warnings") that some file tried to define
    for path in paths:
        loaded = _load_file(path, problems, attempted, fields, lang)
        if loaded is None:
            continue
        if isinstance(loaded.model, MethodFile):
            method: str = loaded.model.method
            if method in methods:
                first = methods[method].path.name
                problems.append(
                    f"{path}:{loaded.line_of('method')}: "
                    + say(
                        lang,
                        f"metoden {method} er allerede defineret i {first}: "
                        "behold én fil pr. metode",
                        f"method {method} is already defined in {first}: keep one file per method",
                    )
                )
            else:
                methods[method] = loaded
        elif isinstance(loaded.model, FollowupFile):
            followups.append(loaded)
        else:
            warnings.append(loaded)
    if len(followups) > 1:
        names = ", ".join(f.path.name for f in followups)
        problems.append(
            f"{root}:1: "
            + say(
                lang,
                f"der må højst være én opfølgningsfil (fundet: {names})",
                f"at most one follow-up file is allowed (found: {names})",
            )
        )
    # reported alongside other problems (every problem in one pass), but a file that names a
    # method or holds warnings and failed to load is not "missing"
    for method in METHODS if "?" not in attempted else ():
        if method not in methods and method not in attempted:
            problems.append(
                f"{root}:1: "
                + say(
                    lang,
                    f"ingen regelfil for metoden {method}: tilføj en med 'method: {method}'",
                    f"no rule file for method {method}: add one with 'method: {method}'",
                )
            )
    if len(warnings) > 1 or (not warnings and not {"warnings", "?"} & attempted):
        names = ", ".join(w.path.name for w in warnings) or say(lang, "ingen", "none")
        problems.append(
            f"{root}:1: "
            + say(
                lang,
                f"der skal være præcis én advarselsfil (fundet: {names})",
                f"exactly one warnings file is needed (found: {names})",
            )
        )
    if not problems:
        _check_unique_ids(methods, warnings[0], problems, lang)
    if problems:
        raise RuleError(
            say(
                lang,
                f"{len(problems)} problem(er) i reglerne i {root}:\n",
                f"{len(problems)} problem(s) in the rules in {root}:\n",
            )
            + "\n".join(problems),
            tuple(problems),
        )
    return LoadedRules(root, methods, warnings[0], followups[0] if followups else None)


def _check_unique_ids(
    methods: dict[str, LoadedFile],
    warnings: LoadedFile,
    problems: list[str],
    lang: str = "en",
) -> None:
    seen: dict[str, str] = {}
    for method in METHODS:
        loaded = methods[method]
        assert isinstance(loaded.model, MethodFile)
        for i, criterion in enumerate(loaded.model.criteria):
            here = f"{loaded.path}:{loaded.line_of('criteria', i, 'id')}"
            if criterion.id in seen:
                problems.append(
                    f"{here}: "
                    + say(
                        lang,
                        f"kriterie-id'et '{criterion.id}' er brugt to gange (først ved "
                        f"{seen[criterion.id]}): et id skal være entydigt",
                        f"criterion id '{criterion.id}' is used twice (first at "
                        f"{seen[criterion.id]}): ids must be unique",
                    )
                )
            else:
                seen[criterion.id] = here
    assert isinstance(warnings.model, WarningsFile)
    codes: dict[str, str] = {}
    for i, rule in enumerate(warnings.model.warnings):
        here = f"{warnings.path}:{warnings.line_of('warnings', i, 'code')}"
        if rule.code in codes:
            problems.append(
                f"{here}: "
                + say(
                    lang,
                    f"advarselskoden '{rule.code}' er brugt to gange (først ved "
                    f"{codes[rule.code]})",
                    f"warning code '{rule.code}' is used twice (first at {codes[rule.code]})",
                )
            )
        else:
            codes[rule.code] = here
