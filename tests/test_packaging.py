"""Packaging for a new user (issue 14 item 5): licence, URLs, changelog, --version, a README
that stands on its own, the contract shipped as docs/contract.md, and the example files."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hf_triage
from hf_triage.cli import app
from hf_triage.cli._extras import examples_dir

ROOT = Path(__file__).resolve().parent.parent
SHARED_CONTRACT = ROOT.parent / "shared" / "CONTRACT.md"


def test_license_file_is_mit_and_declared() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    meta = metadata.metadata("hf-triage")
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in (meta.get_all("License-File") or [])


def test_project_urls_and_classifiers() -> None:
    meta = metadata.metadata("hf-triage")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Changelog", "Issues"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    classifiers = set(meta.get_all("Classifier") or [])
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert meta["Requires-Python"] == ">=3.10"


def test_changelog_names_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{hf_triage.__version__}]" in text
    assert "## [Unreleased]" in text


def test_version_option() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"hf-triage {hf_triage.__version__}"
    assert metadata.version("hf-triage") == hf_triage.__version__


def test_readme_stands_on_its_own() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), f"README links to {target}, which does not exist"
    assert "docs/contract.md" in text


@pytest.mark.skipif(
    not SHARED_CONTRACT.exists(), reason="../shared/CONTRACT.md is not beside the checkout"
)
def test_docs_contract_equals_the_shared_contract() -> None:
    shipped = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert shipped == SHARED_CONTRACT.read_text(encoding="utf-8"), (
        "docs/contract.md differs from ../shared/CONTRACT.md: copy it over"
    )


def test_example_command_writes_the_example_files(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    result = CliRunner().invoke(app, ["example", str(target)])
    assert result.exit_code == 0, result.output
    for name in (
        "hospital_discharge.yaml",
        "cohort.csv",
        "courses.csv",
        "courses/icm_in_prison.yaml",
        "municipality.example.yaml",
        "visitation.ipynb",
    ):
        assert (target / name).is_file(), name
    assert str(target / "hospital_discharge.yaml") in result.stdout
    assessed = CliRunner().invoke(app, ["assess", str(target / "hospital_discharge.yaml")])
    assert assessed.exit_code == 0, assessed.output


def test_example_command_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["example", str(tmp_path)])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_examples_are_found() -> None:
    assert (examples_dir() / "hospital_discharge.yaml").is_file()


def test_readme_set_up_is_two_commands_and_ci_runs_the_test_command_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", set_up, flags=re.S)
    assert len(commands) == 2, commands
    install, test = commands
    assert "\n" not in install and "\n" not in test
    # the default dev install needs no C compiler: durable-rules is not in it
    assert "durable" not in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines(), "CI must run the README's test command verbatim"
