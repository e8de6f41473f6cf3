"""The checker's region-based evaluation, cross-checked by plain enumeration on small rule sets.

``rules check`` tabulates each criterion on the classes of the fields it reads and tries each
warning on its own region (``_check``). Here, on generated rule sets small enough to enumerate
every assessment (every value of every field the rules read, each given or not), the findings
are compared with what brute force finds through the engine itself: gaps, monotonicity
violations, warnings that can never be raised; and the tabulated outcomes with the
one-assessment-at-a-time ones.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path
from typing import Any

import pytest
from rulegen import domain_with, generate_small

from hf_triage import load_rules
from hf_triage._check import _Checker, check_rules
from hf_triage._compile import CompiledRules
from hf_triage._engine import decide, evaluate_warnings
from hf_triage._exceptions import RuleError

FIELDS = ["complexity", "service_use", "support_duration", "dimensions.housing", "extra_1"]
DOMAIN = domain_with(1, levels=3)
PORTFOLIOS: tuple[frozenset[str] | None, ...] = (
    None,
    frozenset({"CTI", "ICM", "ACT"}),
    frozenset(),
)
MONOTONE = {
    "complexity": ("mild", "moderate", "severe"),
    "service_use": ("significant", "partial", "minimal"),
    "support_duration": ("transitional", "long_term"),
    "dimensions.housing": (0, 1, 2, 3, 4),
    "extra_1": (0, 1, 2),
}


def every_assessment(rules: CompiledRules) -> list[dict[str, Any]]:
    choices = []
    for name in FIELDS:
        values = list(rules.domain.fields[name].values)
        choices.append(values if name == "support_duration" else [None, *values])
    result = []
    for combo in product(*choices):
        result.append({n: v for n, v in zip(FIELDS, combo, strict=True) if v is not None})
    return result


def brute_force(rules: CompiledRules) -> tuple[bool, bool, set[str]]:
    """(a gap exists, a monotonicity violation exists, warning codes some assessment raises)."""
    methods: dict[tuple[Any, ...], str | None] = {}
    gap = False
    raised: set[str] = set()
    for facts in every_assessment(rules):
        key = tuple(facts.get(n) for n in FIELDS)
        complete = "complexity" in facts and "service_use" in facts
        try:
            decision = decide(rules, facts)
        except RuleError:
            gap = gap or complete
            methods[key] = None
            continue
        methods[key] = decision.method if complete else None
        for offers in PORTFOLIOS:
            raised.update(
                evaluate_warnings(
                    rules, facts, decision.method, offers, decision.possible_methods[0]
                )
            )
    rank = {"CTI": 0, "ICM": 1, "ACT": 2}
    violation = False
    for key, method in methods.items():
        if method is None:
            continue
        for i, name in enumerate(FIELDS):
            order = MONOTONE[name]
            if key[i] not in order:
                continue
            step = order.index(key[i]) + 1
            if step == len(order):
                continue
            worse = methods[(*key[:i], order[step], *key[i + 1 :])]
            if worse is not None and rank[worse] < rank[method]:
                violation = True
    return gap, violation, raised


@pytest.mark.slow  # brute force over generated rule sets; CI runs it
@pytest.mark.parametrize("seed", range(16))
def test_findings_match_brute_force(tmp_path: Path, seed: int) -> None:
    directory = generate_small(
        tmp_path / "rules", seed, DOMAIN, FIELDS, criteria=4, warnings=3, base=seed % 2 == 0
    )
    rules = load_rules(directory, domain=DOMAIN)
    report = check_rules(rules)
    kinds = {f.kind for f in report.findings}
    gap, violation, raised = brute_force(rules)
    assert ("gap" in kinds) == gap
    assert ("monotonicity" in kinds) == violation
    never = {f.rule_ids[0] for f in report.findings if f.kind == "warning-never"}
    if not gap:  # with gaps, the engine refuses some assessments the checker still counts
        assert never == {w.code for w in rules.warnings} - raised
    for finding in report.findings:  # every finding keeps its file:line
        assert finding.file and finding.line >= 1


@pytest.mark.parametrize("seed", range(8))
def test_tabulated_outcomes_equal_one_at_a_time(tmp_path: Path, seed: int) -> None:
    directory = generate_small(tmp_path / "rules", seed, DOMAIN, FIELDS, base=seed % 2 == 0)
    rules = load_rules(directory, domain=DOMAIN)
    tabulated = _Checker(rules, tabulate=True)
    plain = _Checker(rules, tabulate=False)
    for combo in tabulated.domain():
        assert tabulated.outcome(combo) == plain.outcome(combo)
    tabulated.run()
    plain.run()
    assert tabulated.findings == plain.findings
