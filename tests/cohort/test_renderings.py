"""The HTML moved from f-strings to jinja2 templates: what a reader sees must not change.

``golden/renderings.json`` was written by ``make_golden.py`` on main's f-string code; every
variant (profiles with and without staff, undecided lists longer than shown, errors with markup
in them, the follow-up section, the rules diff, recommendations) is rebuilt here and compared,
text exactly and HTML by its visible text, in Danish and English.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("pandas")
pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

from .variants import GOLDEN, edit_rules, renderings, visible_text


@pytest.fixture(scope="module")
def golden() -> dict[str, str]:
    data: dict[str, str] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def now(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import shutil

    from .variants import ROOT

    rules = tmp_path_factory.mktemp("edited") / "rules"
    shutil.copytree(ROOT / "rules", rules)
    edit_rules(rules)
    return renderings(rules)


def test_every_variant_is_rendered(golden: dict[str, str], now: dict[str, str]) -> None:
    assert sorted(now) == sorted(golden)
    assert any(".en." in k for k in golden) and any(".da." in k for k in golden)


@pytest.mark.parametrize(
    "name",
    sorted(json.loads(GOLDEN.read_text(encoding="utf-8"))),
)
def test_the_visible_text_is_unchanged(
    name: str, golden: dict[str, str], now: dict[str, str]
) -> None:
    assert _fingerprints(now[name]) == _fingerprints(golden[name])


def _fingerprints(text: str) -> str:
    # an edit of the shipped rule files changes their fingerprint, not the rendering
    return re.sub(r"sha256:[0-9a-f]+", "sha256:<fingerprint>", text)


def test_the_comparison_can_fail() -> None:
    # the visible text sees a changed word, and ignores markup only
    assert visible_text("<p>a <b>b</b></p>") == visible_text("<p>a\n<b>b</b></p>")
    assert visible_text("<p>a b</p>") != visible_text("<p>a c</p>")


def test_markup_in_the_data_is_escaped() -> None:
    from hf_triage import cohort_report, triage_many

    report = cohort_report(
        triage_many([{"citizen_id": "<script>x</script>", "complexity": "severe"}]),
        {"name": "<b>Kommune</b>", "offers": ["CTI"]},
    )
    html = report.to_html("en", charts=False)
    assert "<script>x" not in html and "<b>Kommune" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;Kommune&lt;/b&gt;" in html


@pytest.mark.slow  # a fresh interpreter; CI runs it
def test_import_hf_triage_does_not_load_jinja2() -> None:
    import subprocess

    code = "import sys, hf_triage; print('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_templates_ship_inside_the_package() -> None:
    import hf_triage

    package = Path(hf_triage.__file__).parent
    assert (package / "templates" / "recommendation.html.j2").is_file()
    assert (package / "_cohort" / "templates" / "report.html.j2").is_file()
