"""The YAML test cases in rules/tests: one pytest test per case, and the case runner itself."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from hf_triage import RuleError, default_rules, load_rules
from hf_triage._cases import (
    CaseReport,
    LoadedCase,
    load_cases,
    render_case_report,
    render_case_result,
    run_case,
    run_cases,
)
from hf_triage._load import default_rules_dir

CASES_DIR = default_rules_dir() / "tests"
CASES = load_cases(CASES_DIR)
#: the Danish sources the cases quote (outside the package: present in a checkout only)
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_case(case: LoadedCase) -> None:
    result = run_case(default_rules(), case)
    assert result.passed, "\n" + render_case_result(result, "en")


def test_there_are_at_least_40_cases() -> None:
    assert len(CASES) >= 40


def test_every_criterion_is_named_in_some_cases_reasons() -> None:
    named = {rule_id for c in CASES for rule_id in c.case.expect.reasons or ()}
    ids = {c.id for c in default_rules().criteria}
    assert ids - named == set(), "criteria without a case"
    assert named - ids == set(), "cases naming criteria that do not exist"


def test_every_warning_code_is_expected_by_some_case() -> None:
    expected = {code for c in CASES for code in c.case.expect.warnings or ()}
    codes = {w.code for w in default_rules().warnings}
    assert codes - expected == set(), "warning codes without a case"
    assert expected - codes == set(), "cases expecting warning codes that do not exist"


def test_cases_cover_undecided_results_and_rejected_assessments() -> None:
    methods = {c.case.expect.method for c in CASES}
    assert methods >= {"CTI", "ICM", "ACT", "undecided"}
    assert any(c.case.expect.error for c in CASES)


def test_every_case_cites_a_seed_section() -> None:
    for c in CASES:
        assert re.search(r"\b00[0-4]\b.*«", c.case.source), c.name


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the Danish sources are not beside this checkout")
def test_quoted_passages_appear_verbatim_in_the_sources() -> None:
    def norm(text: str) -> str:
        return " ".join(text.replace("*", "").split())

    corpus = norm(" ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("0*.txt")))
    # a quotation follows a colon; a section name («1 Målgruppen for CTI») does not
    quotes = [(c.name, q) for c in CASES for q in re.findall(r":\s*«([^»]+)»", c.case.source)]
    assert len(quotes) >= 40
    misquoted = [(name, q) for name, q in quotes if norm(q).rstrip(".") not in corpus]
    assert misquoted == []


def test_shipped_cases_all_pass_through_run_cases() -> None:
    report = run_cases(default_rules())
    assert report.ok, render_case_report(report, "en")
    assert report.directory == default_rules().directory / "tests"
    assert len(report.passed) == len(CASES) and report.failures == ()
    assert report.uncovered_criteria == () and report.uncovered_warnings == ()
    text = render_case_report(report)
    assert f"Alle {len(CASES)} testcases bestået." in text
    assert f"All {len(CASES)} test cases passed." in render_case_report(report, "en")


# --- the runner on cases written for the occasion -----------------------------------------------


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def run(tmp_path: Path, text: str) -> CaseReport:
    write(tmp_path / "cases", "cases.yaml", text)
    return run_cases(default_rules(), tmp_path / "cases")


def test_a_wrong_expectation_is_reported_with_file_line_expected_and_got(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        # a case whose method and warnings are wrong on purpose
        cases:
          - name: right case
            source: "000 «2 Målgruppen for ICM»"
            assessment: {complexity: moderate, service_use: partial, consent: true}
            expect: {method: ICM, warnings: []}
          - name: wrong case
            source: "000 «2 Målgruppen for ICM»"
            assessment: {complexity: moderate, service_use: partial, urgency: acute, consent: true}
            expect:
              method: CTI
              warnings: [consent-missing]
              reasons: [cti-significant-service-use-mild-moderate]
        """,
    )
    assert not report.ok
    assert [r.name for r in report.passed] == ["right case"]
    (failure,) = report.failures
    assert failure.name == "wrong case" and failure.file.name == "cases.yaml"
    assert failure.line == 7
    by_what = {d.what: d for d in failure.differences}
    assert set(by_what) == {"method", "warnings", "reasons"}
    assert (by_what["method"].expected, by_what["method"].got) == ("CTI", "ICM")
    assert by_what["method"].line == 11
    assert by_what["warnings"].expected == ("consent-missing",)
    assert by_what["warnings"].got == ("start-support-now",)
    assert by_what["warnings"].line == 12
    text = render_case_report(report, "en")
    assert "FAIL  wrong case  (cases.yaml:7)" in text
    assert "method (line 11): expected CTI; got ICM" in text
    assert "not in the result: consent-missing" in text
    assert "in the result, not expected: start-support-now" in text
    assert "1 of 2 test cases failed; 1 passed." in text
    da = render_case_report(report)
    assert "FEJL  wrong case  (cases.yaml:7)" in da
    assert "metode (linje 11): forventet CTI; fik ICM" in da
    assert "1 af 2 testcases fejlede" in da


def test_undecided_expectations_are_compared(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        cases:
          - name: expects a decision that is not there
            source: "000 «3 Målgruppen for ACT»"
            assessment: {complexity: severe, consent: true}
            expect: {method: ACT, warnings: [find-out-service-use]}
          - name: expects the wrong possibilities
            source: "000 «3 Målgruppen for ACT»"
            assessment: {complexity: severe, consent: true}
            expect:
              method: undecided
              possible_methods: [CTI, ICM]
              missing: [complexity]
              warnings: [find-out-service-use]
        """,
    )
    first, second = report.failures
    assert [(d.what, d.got) for d in first.differences] == [
        ("method", "undecided"),
        ("possible_methods", ("ICM", "ACT")),
        ("missing", ("service_use",)),
    ]
    assert {d.what for d in second.differences} == {"possible_methods", "missing"}
    assert "ikke afgjort" in render_case_report(report)


def test_an_invalid_assessment_fails_that_case_and_the_run_goes_on(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        cases:
          - name: typo in a value
            source: "000 «2 Målgruppen for ICM»"
            assessment: {complexity: moderat, service_use: partial}
            expect: {method: ICM, warnings: []}
          - name: fine
            source: "000 «2 Målgruppen for ICM»"
            assessment: {complexity: moderate, service_use: partial, consent: true}
            expect: {method: ICM, warnings: []}
        """,
    )
    (failure,) = report.failures
    (difference,) = failure.differences
    assert difference.what == "assessment" and difference.line == 4
    assert "field 'complexity': 'moderat' is not allowed" in str(difference.got)
    assert "udredningen blev afvist (linje 4)" in render_case_report(report)
    assert [r.name for r in report.passed] == ["fine"]


def test_expected_rejections_pass_and_fail_as_they_should(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        cases:
          - name: rejected as expected
            source: "CONTRACT.md «Input»"
            assessment: {complexity: svær}
            expect: {error: complexity}
          - name: rejected, but for another field
            source: "CONTRACT.md «Input»"
            assessment: {complexity: svær}
            expect: {error: service_use}
          - name: not rejected
            source: "CONTRACT.md «Input»"
            assessment: {complexity: severe, service_use: minimal}
            expect: {error: true}
          - name: bad municipality rejected
            source: "CONTRACT.md «Input»"
            assessment: {}
            municipality: {offers: [M-ACT]}
            expect: {error: true}
        """,
    )
    assert [r.name for r in report.passed] == ["rejected as expected", "bad municipality rejected"]
    other, accepted = report.failures
    assert [d.what for d in other.differences] == ["error_message"]
    assert [(d.what, d.got) for d in accepted.differences] == [("error", "ACT")]


def test_an_unexpected_bad_municipality_fails_the_case(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        cases:
          - name: municipality typo
            source: "000 «1 Indsatsvifte»"
            assessment: {complexity: moderate, service_use: partial}
            municipality: {offers: [IMC]}
            expect: {method: ICM, warnings: []}
        """,
    )
    ((difference,),) = [r.differences for r in report.failures]
    assert difference.what == "municipality" and difference.line == 5


def test_unknown_codes_and_ids_are_named_with_the_known_ones(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        cases:
          - name: typos
            source: "000 «2 Målgruppen for ICM»"
            assessment: {complexity: moderate, service_use: partial, urgency: acute}
            expect:
              method: ICM
              warnings: [start-suport-now]
              reasons: [icm-partial-use]
        """,
    )
    (failure,) = report.failures
    kinds = [d.what for d in failure.differences]
    assert kinds[:2] == ["unknown_warning", "unknown_criterion"]
    text = render_case_report(report, "en")
    assert "unknown warning code (line 7): start-suport-now (known: start-support-now," in text
    assert "unknown criterion id (line 8): icm-partial-use" in text


def test_coverage_gaps_are_reported_but_do_not_fail_the_run(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        """
        cases:
          - name: one case
            source: "000 «2 Målgruppen for ICM»"
            assessment: {complexity: moderate, service_use: partial, consent: true}
            expect: {method: ICM, warnings: []}
        """,
    )
    assert report.ok
    assert "act-minimal-service-use-massive-problems" in report.uncovered_criteria
    assert "start-support-now" in report.uncovered_warnings
    assert "Advarselskoder, som ingen testcase forventer" in render_case_report(report)


def test_the_default_directory_is_tests_beside_the_rules(rules_copy: Path) -> None:
    write(
        rules_copy / "tests",
        "one.yaml",
        """
        cases:
          - name: only case
            source: "000 «2 Målgruppen for ICM»"
            assessment: {service_use: partial, consent: true}
            expect: {method: ICM, warnings: []}
        """,
    )
    report = run_cases(load_rules(rules_copy))
    assert report.directory == rules_copy / "tests"
    assert [r.name for r in report.results] == ["only case"]


def test_cases_run_against_the_rules_given(rules_copy: Path, tmp_path: Path) -> None:
    # renaming a criterion in a copy of the rules breaks the shipped cases that name it
    icm = rules_copy / "icm.yaml"
    icm.write_text(
        icm.read_text(encoding="utf-8").replace(
            "  - id: icm-partial-service-use", "  - id: icm-partial-service-use-x"
        ),
        encoding="utf-8",
    )
    report = run_cases(load_rules(rules_copy), CASES_DIR)
    assert not report.ok
    assert report.uncovered_criteria == ("icm-partial-service-use-x",)
    assert any(d.what == "unknown_criterion" for r in report.failures for d in r.differences)


# --- malformed case files -----------------------------------------------------------------------


def load_error(tmp_path: Path, text: str, lang: str = "en") -> RuleError:
    """The error of loading one case file (English unless ``lang`` says otherwise)."""
    write(tmp_path / "bad", "bad.yaml", text)
    with pytest.raises(RuleError) as info:
        load_cases(tmp_path / "bad", lang)
    return info.value


def test_a_misspelt_key_is_a_rule_error_with_file_and_line(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        cases:
          - name: misspelt
            source: "000 «2 Målgruppen for ICM»"
            assessment: {service_use: partial}
            expect:
              method: ICM
              warning: []
        """,
    )
    (problem,) = error.problems
    assert problem.startswith(f"{tmp_path / 'bad' / 'bad.yaml'}:7: case 'misspelt': ")
    assert "unknown key 'warning'" in problem and "allowed here: method," in problem


def test_every_problem_in_a_case_file_is_reported_at_once(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        cases:
          - name: no warnings given
            source: "000 «2 Målgruppen for ICM»"
            assessment: {service_use: partial}
            expect: {method: ICM}
          - name: undecided without possibilities
            source: "000"
            assessment: {}
            expect: {method: undecided, warnings: []}
          - name: no source
            assessment: {}
            expect: {method: ICM, warnings: [], error: true}
          - name: bad method
            source: "000 «2 Målgruppen for ICM»"
            assessment: {}
            expect: {method: MACT, warnings: []}
        """,
    )
    text = "\n".join(error.problems)
    assert ":5: case 'no warnings given': " in text and "warnings: []" in text
    assert ":9: case 'undecided without possibilities': " in text
    assert "possible_methods: [ICM, ACT]" in text
    assert ":10: case 'no source': missing key 'source'" in text
    assert ":12: case 'no source': " in text and "cannot also expect method, warnings" in text
    assert ":16: case 'bad method': " in text
    assert len(error.problems) == 5


def test_yaml_problems_are_rule_errors_with_lines(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        cases:
          - name: duplicate key
            source: "000"
            source: "001"
            assessment: {consent: no}
            expect: {method: ICM, warnings: []}
        """,
    )
    text = "\n".join(error.problems)
    assert "bad.yaml:4: duplicate key 'source' (first on line 3)" in text
    assert "bad.yaml:5: 'no' is ambiguous" in text
    assert len(error.problems) == 2


def test_yaml_and_schema_problems_are_reported_in_one_pass(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """
        cases:
          - name: ambiguous and incomplete
            source: "000"
            assessment: {consent: no}
            expect: {method: ICM}
        """,
    )
    text = "\n".join(error.problems)
    assert "bad.yaml:4: 'no' is ambiguous" in text
    assert "bad.yaml:5: case 'ambiguous and incomplete': " in text and "warnings: []" in text


def test_duplicate_case_names_across_files_are_refused(tmp_path: Path) -> None:
    case = """
        cases:
          - name: same name
            source: "000 «2 Målgruppen for ICM»"
            assessment: {service_use: partial}
            expect: {method: ICM, warnings: []}
        """
    write(tmp_path / "dup", "a.yaml", case)
    write(tmp_path / "dup", "b.yaml", case)
    with pytest.raises(RuleError) as info:
        load_cases(tmp_path / "dup", lang="en")
    assert "b.yaml:2: case name 'same name' is used twice (first at a.yaml:2)" in str(info.value)
    with pytest.raises(RuleError) as danish:
        load_cases(tmp_path / "dup")
    assert "b.yaml:2: navnet 'same name' bruges to gange (første gang i a.yaml:2)" in str(
        danish.value
    )


def test_a_file_that_is_not_a_case_file_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, "method: CTI\n")
    assert error.problems[0].endswith(
        "bad.yaml:1: not a case file: it must start with 'cases:' "
        "followed by a list of cases, each with name, source, "
        "assessment and expect"
    )


def test_a_missing_or_empty_directory_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no test case directory"):
        load_cases(tmp_path / "nowhere", lang="en")
    with pytest.raises(RuleError, match="ingen mappe med testtilfælde"):
        load_cases(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleError, match=r"no case files \(\*\.yaml\)"):
        run_cases(default_rules(), tmp_path / "empty", lang="en")
    with pytest.raises(RuleError, match=r"ingen testfiler \(\*\.yaml\)"):
        run_cases(default_rules(), tmp_path / "empty")


def test_case_file_problems_are_danish_by_default(tmp_path: Path) -> None:
    # policy staff write case files: their problems are in Danish, as the rule files' are
    error = load_error(
        tmp_path,
        """
        cases:
          - name: misspelt
            source: "000"
            source: "001"
            assessment: {consent: no}
            expect:
              method: MACT
              warning: []
          - name: 7
            assessment: {}
            expect: {method: ICM, warnings: []}
        """,
        lang="da",
    )
    text = "\n".join(error.problems)
    assert "bad.yaml:4: nøglen 'source' står to gange (første gang på linje 3)" in text
    assert "bad.yaml:5: 'no' er tvetydig" in text
    assert "tilfælde 'misspelt': ukendt nøgle 'warning'" in text
    assert "tilfælde 'misspelt': expect.method: 'MACT' er ikke tilladt her" in text
    assert "tilfælde nr. 2: nøglen 'source' mangler: tilføj den" in text
    english = ("duplicate", "ambiguous", "unknown key", "missing key", "is not allowed", "case ")
    assert not [word for word in english if word in text], text
    not_cases = load_error(tmp_path, "method: CTI\n", lang="da")
    assert not_cases.problems[0].endswith(
        "bad.yaml:1: ikke en testfil: den skal begynde med 'cases:' og en liste af tilfælde, "
        "hver med name, source, assessment og expect"
    )


@pytest.mark.parametrize(
    ("case", "words"),
    [
        (
            'course: {method: CTI, start_date: "2026-01-01"}\n'
            '    today: "2026-11-24"\n'
            "    expect: {signals: [], method: CTI}",
            "a course case expects only 'signals'; remove method",
        ),
        (
            "assessment: {service_use: partial}\n    expect: {error: ''}",
            "write 'error: true', or the field",
        ),
        (
            "assessment: {service_use: partial}\n    expect: {error: true, method: ICM}",
            "'error' expects the assessment to be rejected, so it cannot also expect method",
        ),
        (
            "expect: {method: ICM, warnings: []}",
            "a case has either 'assessment' or 'course'",
        ),
        (
            'course: {method: CTI, start_date: "2026-01-01"}\n    expect: {signals: []}',
            "a course case needs 'today'",
        ),
        (
            'course: {method: CTI, start_date: "2026-01-01"}\n'
            '    today: "24-11-2026"\n'
            "    expect: {signals: []}",
            "'today: 24-11-2026' is not a date",
        ),
        (
            "assessment: {service_use: partial}\n"
            '    today: "2026-11-24"\n'
            "    expect: {method: ICM, warnings: []}",
            "'today' and 'signals' belong to course cases",
        ),
    ],
)
def test_a_case_that_mixes_or_lacks_its_expectations_is_refused(
    tmp_path: Path, case: str, words: str
) -> None:
    text = f'cases:\n  - name: odd\n    source: "000"\n    {case}\n'
    error = load_error(tmp_path, text)
    assert any(words in problem for problem in error.problems), error.problems


def test_a_case_name_is_one_line(tmp_path: Path) -> None:
    text = (
        'cases:\n  - name: "two\\nlines"\n    source: "000"\n'
        "    assessment: {service_use: partial}\n    expect: {method: ICM, warnings: []}\n"
    )
    error = load_error(tmp_path, text)
    assert any("a case name is one line of text" in p for p in error.problems), error.problems
