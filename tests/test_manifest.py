"""The rule-set manifest, its check, and picking the rule set in force from an archive."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from hf_triage import RuleError, check_rules, load_manifest, load_rules, load_rules_in_force, triage
from hf_triage._load import default_rules_dir


def test_shipped_manifest() -> None:
    manifest = load_manifest(default_rules_dir())
    assert manifest is not None
    assert manifest.version == manifest.changelog[0].version
    assert {s.id for s in manifest.sources} >= {"000", "001", "002", "003", "004"}
    assert manifest.in_force(dt.date(2026, 12, 3))
    rules = load_rules(default_rules_dir())
    assert rules.version == manifest.version
    assert triage({"complexity": "mild"}, rules=rules).ruleset_version == manifest.version
    assert check_rules(rules).ok


def test_check_refuses_a_missing_manifest(rules_copy: Path) -> None:
    (rules_copy / "ruleset.yaml").unlink()
    rules = load_rules(rules_copy)
    assert rules.version is None
    assert triage({}, rules=rules).ruleset_version is None
    report = check_rules(rules)
    assert not report.ok
    assert [f.kind for f in report.errors] == ["manifest"]
    assert "ruleset.yaml" in report.errors[0].text("en")


def test_check_refuses_an_uncited_source_and_a_stale_changelog(rules_copy: Path) -> None:
    path = rules_copy / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('version: "1.2.0"\n# servicelovens', 'version: "1.3.0"\n# servicelovens')
    text = text.replace('  - id: "004"', '  - id: "999"')
    path.write_text(text, encoding="utf-8")
    report = check_rules(load_rules(rules_copy))
    texts = [f.text("en") for f in report.errors]
    assert any("newest entry is version 1.2.0" in t for t in texts)
    assert any("cites source 004" in t for t in texts)
    assert all(f.kind == "manifest" for f in report.errors)


def test_a_broken_manifest_is_a_rule_error_with_its_line(rules_copy: Path) -> None:
    path = rules_copy / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'valid_from: "2023-10-01"', 'valid_from: "2023-10-01"\nvalid_to: "2020-01-01"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"ruleset\.yaml:\d+: .*valid_to 2020-01-01 is before"):
        load_rules(rules_copy, lang="en")
    # Danish by default, as the rule files' own problems (no English sentence left)
    with pytest.raises(RuleError, match=r"ruleset\.yaml:\d+: .*valid_to 2020-01-01 ligger før"):
        load_rules(rules_copy)
    path.write_text(text.replace("name: hf-triage-standard\n", ""), encoding="utf-8")
    with pytest.raises(RuleError, match=r"ruleset\.yaml:\d+: missing key 'name'"):
        load_rules(rules_copy, lang="en")
    with pytest.raises(RuleError, match=r"ruleset\.yaml:\d+: nøglen 'name' mangler"):
        load_rules(rules_copy)


def _archive(tmp_path: Path, spans: dict[str, tuple[str, str | None]]) -> Path:
    archive = tmp_path / "archive"
    for name, (start, end) in spans.items():
        target = archive / name
        shutil.copytree(default_rules_dir(), target, ignore=shutil.ignore_patterns("tests"))
        path = target / "ruleset.yaml"
        text = path.read_text(encoding="utf-8")
        text = text.replace('valid_from: "2023-10-01"', f'valid_from: "{start}"')
        text = text.replace('version: "1.2.0"\n#', f'version: "{name}"\n#')
        text = text.replace('  - version: "1.2.0"', f'  - version: "{name}"')
        if end:
            text = text.replace(
                f'valid_from: "{start}"', f'valid_from: "{start}"\nvalid_to: "{end}"'
            )
        path.write_text(text, encoding="utf-8")
    return archive


def test_archive_picks_the_set_in_force(tmp_path: Path) -> None:
    archive = _archive(
        tmp_path, {"2024": ("2024-01-01", "2024-12-31"), "2025": ("2025-01-01", None)}
    )
    assert load_rules_in_force(archive, on=dt.date(2024, 12, 31)).version == "2024"
    assert load_rules_in_force(archive, on="2025-01-01").version == "2025"
    assert load_rules_in_force(archive, on=dt.date(2030, 6, 1)).version == "2025"
    with pytest.raises(RuleError, match=r"no rule set is in force on 2023-06-01.*2024: 2024-01-01"):
        load_rules_in_force(archive, on=dt.date(2023, 6, 1))
    with pytest.raises(RuleError, match="not a date"):
        load_rules_in_force(archive, on="1. januar")


def test_archive_refuses_overlapping_validity(tmp_path: Path) -> None:
    archive = _archive(tmp_path, {"a": ("2024-01-01", "2025-03-31"), "b": ("2025-01-01", None)})
    with pytest.raises(RuleError, match=r"validity of a .* and b .* overlaps from 2025-01-01"):
        load_rules_in_force(archive, on=dt.date(2024, 6, 1))


def test_archive_refuses_a_set_without_manifest(tmp_path: Path) -> None:
    archive = _archive(tmp_path, {"a": ("2024-01-01", None)})
    (archive / "old").mkdir()
    with pytest.raises(RuleError, match=r"old: no ruleset\.yaml"):
        load_rules_in_force(archive, on=dt.date(2024, 6, 1))


def test_archive_takes_a_datetime_and_refuses_what_is_not_a_date(tmp_path: Path) -> None:
    archive = _archive(tmp_path, {"2024": ("2024-01-01", None)})
    assert load_rules_in_force(archive, on=dt.datetime(2024, 6, 1, 12, 30)).version == "2024"
    with pytest.raises(RuleError, match="on must be a date, not int"):
        load_rules_in_force(archive, on=20240601)  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="not an archive of rule sets"):
        load_rules_in_force(tmp_path / "nowhere", on=dt.date(2024, 6, 1))


def test_a_manifest_that_is_not_a_mapping_is_refused(rules_copy: Path) -> None:
    (rules_copy / "ruleset.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"ruleset\.yaml:1: not a manifest: write name, version"):
        load_manifest(rules_copy, lang="en")
    with pytest.raises(RuleError, match=r"ruleset\.yaml:1: ikke et manifest: skriv name, version"):
        load_manifest(rules_copy)


def test_a_source_listed_twice_or_a_bad_publication_date_is_refused(rules_copy: Path) -> None:
    path = rules_copy / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    manifest = load_manifest(rules_copy)
    assert manifest is not None
    first = manifest.sources[0]
    path.write_text(text.replace(f'date: "{first.date}"', 'date: "May 2020"', 1), encoding="utf-8")
    with pytest.raises(RuleError, match=r"'May 2020' is not a date; write 'YYYY', 'YYYY-MM'"):
        load_manifest(rules_copy, lang="en")
    with pytest.raises(RuleError, match=r"'May 2020' er ikke en dato; skriv 'ÅÅÅÅ', 'ÅÅÅÅ-MM'"):
        load_manifest(rules_copy)
    sources = text.index("\nsources:\n") + len("\nsources:\n")
    entry_end = text.index("\n  - id:", sources + 1) + 1
    path.write_text(
        text[:sources] + text[sources:entry_end] * 2 + text[entry_end:], encoding="utf-8"
    )
    with pytest.raises(RuleError, match=rf"source id\(s\) {first.id} listed twice"):
        load_manifest(rules_copy, lang="en")
    with pytest.raises(RuleError, match=rf"kilde-id {first.id} står to gange"):
        load_manifest(rules_copy)


def test_check_reports_a_broken_manifest_as_a_finding(rules_copy: Path) -> None:
    rules = load_rules(rules_copy)  # the manifest breaks after the rule set was loaded
    (rules_copy / "ruleset.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    report = check_rules(rules)
    assert any("not a manifest" in str(f) for f in report.findings)
