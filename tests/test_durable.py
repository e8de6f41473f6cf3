"""The durable_rules backend gives the builtin engine's answers, safely and in flat memory.

Tests that run durable_rules are skipped only where ``durable.engine`` cannot be imported
(``pip install "hf-triage[durable]"``; durable-rules 2.0.28 needs Python 3.12 or older), so
the default test run needs no C compiler; CI's durable step sets HF_TRIAGE_REQUIRE_DURABLE=1,
which turns that skip into a failure. The import-lightness and the missing-extra tests run
everywhere. The whole-domain equivalence, thread and memory tests are marked ``slow``.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from hf_triage import Recommendation, TriageError, default_rules, load_rules, triage
from hf_triage._compile import CompiledRules
from hf_triage._durable import (
    INSTALL_HINT,
    durable_definitions,
    ruleset_names,
    signal_codes_durable,
)
from hf_triage._enumerate import enumerate_domain
from hf_triage._followup import signal_codes
from hf_triage._load import default_rules_dir

PORTFOLIOS: tuple[dict[str, list[str]] | None, ...] = (None, {"offers": ["CTI", "ICM"]})


@pytest.fixture(scope="module")
def durable() -> Any:
    """durable_rules' engine, or a skip where it cannot be imported.

    Any ImportError, not only a missing package: on Python 3.13+ an installed durable_rules
    fails to load its C extension.
    """
    try:
        return importlib.import_module("durable.engine")
    except ImportError as exc:
        if os.environ.get("HF_TRIAGE_REQUIRE_DURABLE") == "1":  # CI's durable step
            pytest.fail(f"HF_TRIAGE_REQUIRE_DURABLE=1 but durable_rules cannot be imported: {exc}")
        pytest.skip(
            f'durable_rules cannot be imported ({exc}): pip install "hf-triage[durable]" '
            "(durable-rules 2.0.28 needs Python 3.12 or older)"
        )


def summary(rec: Recommendation) -> tuple[Any, ...]:
    """What the issue asks the engines to agree on."""
    return (
        rec.method,
        tuple(rec.possible_methods),
        tuple(rec.missing),
        tuple(r.rule_id for r in rec.reasons),
        tuple(w.code for w in rec.warnings),
    )


def assert_same_on_domain(rules: CompiledRules) -> int:
    """Both engines give the same result on every class of the domain; returns the count."""
    count = 0
    for assessment in enumerate_domain(rules):
        for municipality in PORTFOLIOS:
            builtin = triage(assessment, rules=rules, municipality=municipality)
            durable = triage(assessment, rules=rules, municipality=municipality, engine="durable")
            assert summary(durable) == summary(builtin), (assessment, municipality)
            assert durable.engine == "durable"
            # everything else, texts and why-not included, is identical too
            assert durable.model_dump() == {**builtin.model_dump(), "engine": "durable"}
            count += 1
    return count


# --- generated rule sets -----------------------------------------------------------------------


def edited_rules(target: Path, edits: dict[str, list[tuple[str, str]]]) -> CompiledRules:
    """A copy of the shipped rules in ``target`` with text ``edits`` per file, loaded."""
    shutil.copytree(default_rules_dir(), target)
    for name, replacements in edits.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"{name} no longer contains {old!r}: update this test"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return load_rules(target)


#: a moved threshold: severe mental health and substance use (the ACT raise) from VUM 2, not 3
MOVED_THRESHOLD = {
    "act.yaml": [("at_least: 3}", "at_least: 2}")],
}


#: YAML list items, indented like the shipped files
def _item(text: str) -> str:
    return textwrap.indent(textwrap.dedent(text), "  ")


_NEW_ACT_CRITERION = _item(
    """
    - id: act-minimal-service-use-no-network
      when:
        all:
          - {field: service_use, is: minimal}
          - {field: dimensions.network, at_least: 4}
          - not: {field: negative_service_experiences, is: false}
      reason:
        da: "Testkriterium: intet netværk, og ingen oplysning om gode erfaringer."
        en: "Test criterion: no network, and no word of good experiences."
      source: "test"
    """
)

_NEW_WARNING = _item(
    """
    - code: test-no-network-beyond-cti
      when:
        all:
          - {field: dimensions.network, at_least: 4}
          - not:
              any:
                - {field: method, is: CTI}
                - {field: method_offered, is: true}
      text:
        da: "Testadvarsel."
        en: "Test warning."
      source: "test"
    """
)

#: a criterion and a warning reading other dimensions and fields, with nested negations
NEW_CRITERION = {
    "act.yaml": [
        (
            'Fælles Faglige Begreber (uden for kilderne)"\n',
            'Fælles Faglige Begreber (uden for kilderne)"\n' + _NEW_ACT_CRITERION,
        )
    ],
    "warnings.yaml": [("warnings:\n", "warnings:" + _NEW_WARNING)],
}

#: CTI for mild complexity only; moderate complexity with significant service use goes to ICM
NARROWER_CTI = {
    "cti.yaml": [
        ("{field: complexity, one_of: [mild, moderate]}", "{field: complexity, is: mild}")
    ],
    "icm.yaml": [
        (
            "- {field: service_use, is: significant}\n        - {field: complexity, is: severe}",
            "- {field: service_use, is: significant}\n"
            "        - {field: complexity, one_of: [moderate, severe]}",
        )
    ],
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CompiledRules]:
    root = tmp_path_factory.mktemp("rules")
    return {
        "moved-threshold": edited_rules(root / "moved", MOVED_THRESHOLD),
        "new-criterion": edited_rules(root / "new", NEW_CRITERION),
        "narrower-cti": edited_rules(root / "narrow", NARROWER_CTI),
    }


# --- equivalence -------------------------------------------------------------------------------


@pytest.mark.slow
def test_durable_gives_builtin_answers_on_whole_domain_of_shipped_rules(durable: Any) -> None:
    assert assert_same_on_domain(default_rules()) > 1000


@pytest.mark.slow
@pytest.mark.parametrize("name", ["moved-threshold", "new-criterion", "narrower-cti"])
def test_durable_gives_builtin_answers_on_generated_rule_sets(
    durable: Any, generated: dict[str, CompiledRules], name: str
) -> None:
    rules = generated[name]
    assert rules.fingerprint != default_rules().fingerprint
    assert assert_same_on_domain(rules) > 1000


@pytest.mark.slow  # hypothesis over generated rule sets; CI runs it
def test_generated_rule_sets_really_differ(generated: dict[str, CompiledRules]) -> None:
    """Guard for the test above: each edit changes some builtin answer."""
    shipped = default_rules()
    for rules in generated.values():
        domain = list(enumerate_domain(rules))
        assert any(
            summary(triage(a, rules=rules)) != summary(triage(a, rules=shipped)) for a in domain
        )


def test_two_rule_sets_in_one_process_do_not_mix(
    durable: Any, generated: dict[str, CompiledRules]
) -> None:
    shipped, moved = default_rules(), generated["moved-threshold"]
    assert set(ruleset_names(shipped).values()).isdisjoint(ruleset_names(moved).values())
    # mental health 2 and substance use 2 with minimal service use: ACT only after the edit
    a = {
        "complexity": "moderate",
        "service_use": "minimal",
        "dimensions": {"mental_health": 2, "substance_use": 2},
    }
    for _ in range(3):  # interleaved, so a mixed-up registration would show
        assert triage(a, rules=shipped, engine="durable").method == "ICM"
        assert triage(a, rules=moved, engine="durable").method == "ACT"


def test_reloading_equal_rules_reuses_their_rulesets(durable: Any) -> None:
    again = load_rules(default_rules_dir())
    assert again is not default_rules()
    a = {"complexity": "mild", "service_use": "significant"}
    assert triage(a, rules=again, engine="durable") == triage(
        a, rules=default_rules(), engine="durable"
    )


def test_each_criterion_and_warning_is_a_durable_rule_built_from_data() -> None:
    rules = default_rules()
    definitions = durable_definitions(rules)
    names = ruleset_names(rules)
    assert set(definitions[names["criteria"]]) == {c.id for c in rules.criteria}
    assert set(definitions[names["warnings"]]) == {w.code for w in rules.warnings}
    json.dumps(definitions)  # plain JSON data, no callables


def _signal_samples(rules: CompiledRules, count: int) -> list[dict[str, Any]]:
    """Random course facts built from the values and boundaries the signals test."""
    from hf_triage import _domain
    from hf_triage._compile import All, Any_, Cond, Not, Test

    specs = {**_domain.FIELDS, **_domain.COURSE_FIELDS}
    candidates: dict[str, set[Any]] = {}

    def visit(cond: Cond) -> None:
        if isinstance(cond, Test):
            values = candidates.setdefault(cond.field, {None})
            if isinstance(cond.accepted, range):
                low, high = cond.accepted.start, cond.accepted.stop - 1
                values |= {0, max(low - 1, 0), low, high, high + 1}
            else:
                values |= set(cond.accepted)
                spec = specs.get(cond.field)
                values |= set(spec.values) if spec is not None else set()
        elif isinstance(cond, Not):
            visit(cond.item)
        elif isinstance(cond, (All, Any_)):
            for item in cond.items:
                visit(item)

    for signal in rules.signals:
        visit(signal.condition)
    rnd = random.Random(20240601)
    choices = {name: sorted(values, key=repr) for name, values in candidates.items()}
    samples = []
    for _ in range(count):
        facts = {name: rnd.choice(values) for name, values in choices.items()}
        samples.append({k: v for k, v in facts.items() if v is not None})
    return samples


def test_durable_raises_builtin_followup_signals(durable: Any) -> None:
    rules = default_rules()
    assert rules.signals, "the shipped rules have a follow-up file"
    raised = 0
    for facts in _signal_samples(rules, 1500):
        expected = signal_codes(rules, facts)
        assert signal_codes_durable(rules, facts) == expected, facts
        raised += bool(expected)
    assert raised > 50  # the sample really exercises the signals


@pytest.mark.slow
def test_durable_signals_equal_builtin_on_every_course_state(durable: Any) -> None:
    """Exhaustive per signal: a signal depends only on the facts it reads, so every course
    state over those facts (one per class of values) decides it on both engines alike."""
    from hf_triage._compile import fields_of
    from hf_triage._enumerate import course_states

    rules = default_rules()
    examined = 0
    for signal in rules.signals:
        for facts in course_states(rules, fields_of(signal.condition)):
            examined += 1
            builtin = signal.code in signal_codes(rules, facts)
            assert (signal.code in signal_codes_durable(rules, facts)) == builtin, facts
    assert examined > 200


def test_review_course_on_durable_equals_builtin(durable: Any) -> None:
    import datetime as dt

    from hf_triage import review_course

    course = {
        "method": "ICM",
        "start_date": "2025-06-01",
        "last_contact": "2026-10-01",
        "admissions": [{"kind": "hospital", "start": "2026-11-01"}],
    }
    today = dt.date(2026, 11, 24)
    builtin = review_course(course, today=today)
    on_durable = review_course(course, today=today, engine="durable")
    assert on_durable.engine == "durable"
    assert (
        on_durable.signal_codes
        == builtin.signal_codes
        == [
            "icm-continue-during-admission",
            "keep-reaching-out",
        ]
    )


# --- threads and memory ------------------------------------------------------------------------


def _cases(rules: CompiledRules) -> Iterator[tuple[CompiledRules, dict[str, Any]]]:
    for assessment in list(enumerate_domain(rules))[::7]:
        yield rules, assessment


@pytest.mark.slow
def test_concurrent_calls_give_sequential_answers(
    durable: Any, generated: dict[str, CompiledRules]
) -> None:
    cases = [*_cases(default_rules()), *_cases(generated["new-criterion"])]

    def run(case: tuple[CompiledRules, dict[str, Any]]) -> tuple[Any, ...]:
        rules, assessment = case
        return summary(triage(assessment, rules=rules, engine="durable"))

    sequential = [run(c) for c in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(run, cases * 4))
    assert concurrent == sequential * 4


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc for RSS")
def test_memory_stays_flat_over_many_triages(durable: Any) -> None:
    import hf_triage._durable as backend

    rules = default_rules()
    domain = list(enumerate_domain(rules))
    for assessment in domain[:500]:  # warm up: rulesets registered, caches filled
        triage(assessment, rules=rules, engine="durable")
    before = _rss_mib()
    for i in range(20_000):
        triage(domain[i % len(domain)], rules=rules, engine="durable")
    growth = _rss_mib() - before
    assert growth < 50, f"RSS grew {growth:.1f} MiB over 20 000 durable triages"
    # every asserted fact was retracted: durable's working memory is empty
    runtime = backend._runtime
    assert runtime is not None
    for kind in ("criteria", "warnings"):
        assert runtime.host.get_facts(ruleset_names(rules)[kind], backend._SID) == []


# --- failure and import lightness --------------------------------------------------------------


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )


@pytest.mark.slow  # a fresh interpreter; CI runs it
def test_durable_engine_without_the_extra_names_the_pip_command() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["durable"] = sys.modules["durable.engine"] = None  # as if not installed
        from hf_triage import TriageError, triage
        try:
            triage({"complexity": "mild", "service_use": "significant"}, engine="durable")
        except TriageError as exc:
            print(exc)
        else:
            raise SystemExit("no TriageError")
        """
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert INSTALL_HINT in result.stdout
    assert INSTALL_HINT == 'pip install "hf-triage[durable]"'


def test_missing_extra_is_a_triage_error_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import hf_triage._durable as backend

    monkeypatch.setattr(backend, "_runtime", None)
    for module in ("durable", "durable.engine"):  # as if durable_rules were not installed
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(TriageError, match=r'pip install "hf-triage\[durable\]"'):
        triage({"complexity": "mild", "service_use": "significant"}, engine="durable")


@pytest.mark.slow  # a fresh interpreter; CI runs it
def test_import_hf_triage_does_not_import_durable() -> None:
    code = textwrap.dedent(
        """
        import sys
        import hf_triage, hf_triage.cli, hf_triage._durable
        hf_triage.triage({"complexity": "mild", "service_use": "significant"})
        durable = ("durable", "durable_rules_engine")
        print(sorted(m for m in sys.modules if m.split(".")[0] in durable))
        """
    )
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cli_engine_durable(durable: Any) -> None:
    from typer.testing import CliRunner

    from hf_triage.cli import app

    document = json.dumps(
        {"complexity": "severe", "service_use": "minimal", "urgency": "acute", "consent": True}
    )
    result = CliRunner().invoke(
        app, ["assess", "-", "--json", "--engine", "durable"], input=document
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["method"], data["engine"]) == ("ACT", "durable")
    assert [w["code"] for w in data["warnings"]] == ["start-support-now"]
