"""The default caseloads live in rules/municipality.defaults.yaml, each with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from hf_triage import MunicipalityError
from hf_triage._cohort import DEFAULT_CASELOAD, default_caseload
from hf_triage._cohort._profile import DEFAULTS_FILE, _shipped_defaults
from hf_triage._load import default_rules_dir


def test_the_defaults_come_from_the_shipped_file_with_their_sources() -> None:
    assert (default_rules_dir() / DEFAULTS_FILE).is_file()
    defaults = default_caseload()
    assert sorted(defaults) == ["ACT", "CTI", "ICM"]
    assert defaults["ICM"].citizens_per_worker == 8
    assert "003 §3.5" in defaults["ICM"].source  # from the seeds
    for method in ("CTI", "ACT"):  # from outside the seeds, and said so
        assert "outside the seeds" in defaults[method].source
    assert defaults == DEFAULT_CASELOAD


def test_each_call_gives_a_fresh_mapping() -> None:
    first = default_caseload()
    first.pop("ICM")
    assert "ICM" in default_caseload()


def test_an_edited_figure_is_used(tmp_path: Path) -> None:
    text = (default_rules_dir() / DEFAULTS_FILE).read_text(encoding="utf-8")
    path = tmp_path / DEFAULTS_FILE
    path.write_text(text.replace("citizens_per_worker: 8", "citizens_per_worker: 6"), "utf-8")
    assert dict(_shipped_defaults(path))["ICM"].citizens_per_worker == 6


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("citizens_per_worker: 8", "citizens_per_worker: 0"), r":\d+: caseload\.ICM\.citizens"),
        (("  ACT:\n", "  ACX:\n"), r":\d+: caseload\.ACX"),
        (("source:", "sourse:"), r":\d+: caseload\.CTI\.sourse"),
        (("caseload:", "caseload: [\n"), r":\d+: not valid YAML"),
    ],
)
def test_a_bad_defaults_file_names_file_line_and_key(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    text = (default_rules_dir() / DEFAULTS_FILE).read_text(encoding="utf-8")
    path = tmp_path / DEFAULTS_FILE
    path.write_text(text.replace(*edit, 1), "utf-8")
    with pytest.raises(MunicipalityError, match=DEFAULTS_FILE + message):
        _shipped_defaults(path)


def test_a_defaults_file_missing_a_method_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DEFAULTS_FILE
    path.write_text(
        "caseload:\n  ICM: {citizens_per_worker: 8, since: '2023-10-01', source: x}\n", "utf-8"
    )
    with pytest.raises(MunicipalityError, match="no default for CTI, ACT"):
        _shipped_defaults(path)


def test_the_defaults_file_is_read_by_the_one_document_loader(tmp_path: Path) -> None:
    # Regression (issue 9): _profile parsed the file with parse_yaml itself, so it missed the
    # loader's guarantees: a YAML directive, a directory, every problem on its own line.
    text = (default_rules_dir() / DEFAULTS_FILE).read_text(encoding="utf-8")
    path = tmp_path / DEFAULTS_FILE
    path.write_text("%YAML 1.1\n---\n" + text, "utf-8")
    with pytest.raises(MunicipalityError, match=DEFAULTS_FILE + r":1: the YAML directive"):
        _shipped_defaults(path)
    two = text.replace("citizens_per_worker: 8", "citizens_per_worker: 0", 1)
    path.write_text(two.replace("source:", "sourse:", 1), "utf-8")
    with pytest.raises(MunicipalityError) as caught:
        _shipped_defaults(path)
    assert len(caught.value.problems) == 3  # source missing, sourse unknown, 0 too small
    assert all(p.startswith(f"{path}:") for p in caught.value.problems)
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(MunicipalityError, match="cannot read the default caseloads: it is a dir"):
        _shipped_defaults(folder)
