"""The symbolic rules check (binary decision diagrams, ``_symbolic``) against the region method.

Both methods must report the same findings: kinds, rule ids, file:line, counts and the same
example assessments, and every example must be a genuine counterexample when the matcher
evaluates it. Rule sets: the shipped ones, edited copies with a real gap, a real monotonicity
breach and a real invariance breach, generated small ones, and many light fields (where the
region method would double its work per field). The diagrams themselves are compared with
truth tables.
"""

from __future__ import annotations

import json
import shutil
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rulegen import domain_with, generate, generate_small
from test_check import copy_rules, edit
from typer.testing import CliRunner

from hf_triage import load_rules
from hf_triage._bdd import BDD, FALSE, TRUE
from hf_triage._check import CheckReport, Finding, _Checker, check_rules, render_report
from hf_triage._compile import CompiledRules, fields_of
from hf_triage._domain import DEFAULT_DOMAIN, Domain, FieldSpec, intensity
from hf_triage._engine import BUILTIN, winner
from hf_triage._load import default_rules_dir
from hf_triage._symbolic import SymbolicChecker
from hf_triage.cli import app


def light_domain(n: int) -> Domain:
    """The shipped domain plus ``light_1`` .. ``light_n``: optional yes/no-like fields 0-1."""
    return DEFAULT_DOMAIN.with_fields(
        *(
            FieldSpec(f"light_{i}", (0, 1), "ordinal", monotone=True, label_da="l", label_en="l")
            for i in range(1, n + 1)
        )
    )


def light_rules(target: Path, n: int) -> Path:
    """The shipped rules plus one ICM criterion per light field (as benchmarks/bench_check.py)."""
    for path in default_rules_dir().glob("*.yaml"):
        if not path.name.startswith("municipality"):
            shutil.copy(path, target / path.name)
    with (target / "icm.yaml").open("a", encoding="utf-8") as fh:
        for i in range(1, n + 1):
            fh.write(
                f"\n  - id: icm-light-{i}\n"
                f"    when: {{field: light_{i}, is: 1}}\n"
                '    reason: {da: "Ekstra felt.", en: "Extra field."}\n'
                '    source: "generated for a test"\n'
            )
    return target


# -- the diagrams ----------------------------------------------------------------------------
Formula = Any  # ("var", i) | ("not", f) | ("and", f, g) | ("or", f, g)

NVARS = 4


def formulas() -> st.SearchStrategy[Formula]:
    leaves = st.tuples(st.just("var"), st.integers(0, NVARS - 1))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.just("not"), inner),
            st.tuples(st.sampled_from(["and", "or"]), inner, inner),
        ),
        max_leaves=8,
    )


def evaluate(f: Formula, bits: tuple[bool, ...]) -> bool:
    if f[0] == "var":
        return bool(bits[f[1]])
    if f[0] == "not":
        return not evaluate(f[1], bits)
    a, b = evaluate(f[1], bits), evaluate(f[2], bits)
    return a and b if f[0] == "and" else a or b


def build(bdd: BDD, f: Formula) -> int:
    if f[0] == "var":
        return bdd.var(f[1])
    if f[0] == "not":
        return bdd.not_(build(bdd, f[1]))
    a, b = build(bdd, f[1]), build(bdd, f[2])
    return bdd.and_(a, b) if f[0] == "and" else bdd.or_(a, b)


@settings(max_examples=60, deadline=None)
@given(
    formulas(),
    st.sets(st.integers(0, NVARS - 1)),
    st.dictionaries(st.integers(0, 3), st.booleans()),
)
def test_the_diagram_operations_agree_with_truth_tables(
    f: Formula, quantified: set[int], fixed: dict[int, bool]
) -> None:
    bdd = BDD(NVARS)
    u = build(bdd, f)
    rows = list(product((False, True), repeat=NVARS))  # in increasing order
    true_rows = [r for r in rows if evaluate(f, r)]
    assert bdd.count(u) == len(true_rows)
    lowest = bdd.lowest(u)
    if true_rows:
        assert lowest is not None
        assert tuple(lowest[i] for i in range(NVARS)) == true_rows[0]
    else:
        assert u == FALSE and lowest is None
    restricted = bdd.restrict(u, fixed)
    ex = bdd.exists(u, quantified)
    for r in rows:
        with_fixed = tuple(fixed.get(i, r[i]) for i in range(NVARS))
        assert bdd.restrict(restricted, dict(enumerate(r))) == (
            TRUE if evaluate(f, with_fixed) else FALSE
        )
        some = any(
            evaluate(f, tuple(alt[i] if i in quantified else r[i] for i in range(NVARS)))
            for alt in rows
        )
        assert bdd.restrict(ex, dict(enumerate(r))) == (TRUE if some else FALSE)
    kept = [i for i in range(NVARS) if i not in quantified]
    listed = [tuple(a[i] for i in kept) for a in bdd.assignments(ex, kept)]
    assert listed == sorted({tuple(r[i] for i in kept) for r in true_rows})


# -- the same findings, genuine examples -----------------------------------------------------
def flat(assessment: dict[str, Any]) -> dict[str, Any]:
    facts = {k: v for k, v in assessment.items() if k != "dimensions"}
    facts.update({f"dimensions.{k}": v for k, v in assessment.get("dimensions", {}).items()})
    return facts


def method_of(rules: CompiledRules, assessment: dict[str, Any]) -> str | None:
    facts = flat(assessment)
    facts.setdefault("support_duration", "unknown")
    return winner(rules, set(BUILTIN.holding(rules, "criteria", facts)))[0]


def assert_genuine(rules: CompiledRules, finding: Finding) -> None:
    """The finding's example shows what it says, by the matcher."""
    a, b = finding.example, finding.other_example
    if finding.kind == "gap":
        assert a is not None and "complexity" in a and "service_use" in a
        assert method_of(rules, a) is None
    elif finding.kind == "monotonicity":
        assert a is not None and b is not None
        changed = {k for k in flat(a).keys() | flat(b).keys() if flat(a).get(k) != flat(b).get(k)}
        assert len(changed) == 1
        ma, mb = method_of(rules, a), method_of(rules, b)
        assert ma is not None and mb is not None and intensity(mb) < intensity(ma)
    elif finding.kind == "invariance" and a is not None:
        assert b is not None
        changed = {k for k in flat(a).keys() | flat(b).keys() if flat(a).get(k) != flat(b).get(k)}
        assert len(changed) == 1
        ma, mb = method_of(rules, a), method_of(rules, b)
        assert ma is not None and mb is not None and ma != mb
    elif finding.kind == "overlap":
        assert a is not None
        facts = flat(a)
        facts.setdefault("support_duration", "unknown")
        held = set(BUILTIN.holding(rules, "criteria", facts))
        assert set(finding.rule_ids) <= held


def both(rules: CompiledRules) -> tuple[CheckReport, CheckReport]:
    symbolic = check_rules(rules)
    regions = check_rules(rules, "regions")
    assert symbolic.method == "symbolic" and regions.method == "regions"
    assert symbolic.findings == regions.findings
    for finding in symbolic.findings:
        assert finding.file and finding.line >= 1
        assert_genuine(rules, finding)
    return symbolic, regions


def test_shipped_rules_same_findings() -> None:
    symbolic, _ = both(load_rules(default_rules_dir()))
    assert symbolic.ok
    assert "symbolsk kontrol" in render_report(symbolic)
    assert symbolic.to_json()["method"] == "symbolic"


def test_a_real_gap(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        "when: {all: [{field: service_use, is: partial}, {field: complexity, is: severe}]}",
    )
    symbolic, _ = both(load_rules(rules))
    gaps = [f for f in symbolic.findings if f.kind == "gap"]
    assert gaps and sum(f.count for f in gaps) > len(gaps)  # counted, not only found
    assert "(symbolic check)" in render_report(symbolic, "en")


def test_a_real_monotonicity_breach(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "act.yaml",
        "- {field: complexity, is: severe}",
        "- {field: complexity, is: moderate}",
    )
    symbolic, _ = both(load_rules(rules))
    assert any(f.kind == "monotonicity" and f.file == "act.yaml" for f in symbolic.findings)


def test_a_real_invariance_breach(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        "when: {any: [{field: service_use, is: partial}, {field: urgency, is: acute}]}",
    )
    symbolic, _ = both(load_rules(rules))
    found = [f for f in symbolic.findings if f.kind == "invariance"]
    assert found and found[0].example is not None


def test_unreachable_shadowed_and_warning_never(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: support_duration, is: long_term}",
        "when: {all: [{field: service_use, is: minimal}, {field: complexity, is: severe}]}",
    )
    edit(
        rules / "warnings.yaml",
        "code: consent-missing\n    level: warning\n    when: {field: consent, is: false}",
        "code: consent-missing\n    level: warning\n"
        "    when: {all: [{field: consent, is: false}, {field: consent, is: true}]}",
    )
    symbolic, _ = both(load_rules(rules))
    kinds = {f.kind for f in symbolic.findings}
    assert {"shadowed", "warning-never"} <= kinds


@pytest.mark.parametrize("seed", range(4))
def test_generated_small_rule_sets(tmp_path: Path, seed: int) -> None:
    domain = domain_with(1, levels=3)
    fields = ["complexity", "service_use", "support_duration", "dimensions.housing", "extra_1"]
    directory = generate_small(
        tmp_path / "rules",
        seed,
        domain,
        [*fields, "urgency"],
        criteria=4,
        warnings=3,
        base=seed % 2 == 0,
    )
    both(load_rules(directory, domain=domain))


@pytest.mark.slow  # both methods on 24 generated rule sets; CI runs it
@pytest.mark.parametrize("seed", range(24))
def test_generated_rule_sets(tmp_path: Path, seed: int) -> None:
    domain = domain_with(2, levels=3)
    if seed % 2:
        fields = [
            "complexity",
            "service_use",
            "support_duration",
            "dimensions.housing",
            "extra_1",
            "extra_2",
            "urgency",
            "consent",
        ]
        directory = generate_small(
            tmp_path / "rules", seed, domain, fields, criteria=5, warnings=3, base=seed % 4 == 1
        )
    else:
        directory = generate(tmp_path / "rules", seed, domain, criteria=4, warnings=2)
    both(load_rules(directory, domain=domain))


def test_many_light_fields_are_checked_without_enumerating(tmp_path: Path) -> None:
    """24 independent yes/no fields: 2^24 class tuples for the region method; the symbolic
    check finds the rule set sound, and a breach among them with its pair."""
    n = 24
    (tmp_path / "rules").mkdir()
    directory = light_rules(tmp_path / "rules", n)
    report = check_rules(load_rules(directory, domain=light_domain(n)))
    assert report.ok, render_report(report, "en")
    # light_24 = 1 now gives CTI-or-less only where light_23 is 0: a worse answer loses ICM
    edit(
        directory / "icm.yaml",
        "when: {field: light_24, is: 1}",
        "when: {field: light_24, is: 0}",
    )
    rules = load_rules(directory, domain=light_domain(n))
    broken = check_rules(rules)
    found = [f for f in broken.findings if f.kind == "monotonicity"]
    assert found and found[0].rule_ids == ("icm-light-24",)
    for finding in found:
        assert_genuine(rules, finding)


@pytest.mark.parametrize("seed", [None, 0, 1, 2, 3])
def test_the_reachable_warning_states_are_the_same(tmp_path: Path, seed: int | None) -> None:
    """What the warnings can see (method, least possible, missing answers, possible methods
    and the values of the fields each reads), by the diagrams and by enumeration."""
    if seed is None:
        rules = load_rules(default_rules_dir())
    else:
        domain = domain_with(1, levels=3)
        fields = ["complexity", "service_use", "support_duration", "dimensions.housing", "extra_1"]
        directory = generate_small(
            tmp_path / "rules", seed, domain, fields, criteria=4, warnings=3, base=seed % 2 == 0
        )
        rules = load_rules(directory, domain=domain)
    symbolic, regions = SymbolicChecker(rules), _Checker(rules)
    read = set(rules.warning_fields)
    shared = [i for i, n in enumerate(regions.names) if n in read]
    assert symbolic._reachable(shared) == regions._reachable(shared)
    by_diagrams, by_regions = symbolic._warning_states(shared), regions._warning_states(shared)
    for w in rules.warnings:
        reads = fields_of(w.condition)
        for k in range(len(shared) + 1):  # the warning's own fields and a few more
            mine = [j for j, i in enumerate(shared) if regions.names[i] in reads or j < k]
            assert by_diagrams(mine, reads) == by_regions(mine, reads)


def test_the_cli_method_option_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    for method in ("symbolic", "regions"):
        result = runner.invoke(
            app, ["rules", "check", str(default_rules_dir()), "--json", "--method", method]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["method"] == method
    english = runner.invoke(app, ["rules", "check", "--method", "regions", "--lang", "en"])
    assert english.exit_code == 0 and "(check by value classes:" in english.output
    wrong = runner.invoke(app, ["rules", "check", "--method", "sat"])
    assert wrong.exit_code == 2 and "symbolic" in wrong.output


def test_an_unknown_method_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"symbolic, regions, not 'x{39}$"):
        check_rules(load_rules(default_rules_dir()), "x" * 100)  # type: ignore[arg-type]
