"""The text catalogue (hf_triage/texts.yaml): complete in both languages, every key the code
names exists, and a Danish screen shows no English value or field name (issue 10 item 14)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import hf_triage
from hf_triage import triage
from hf_triage._domain import COURSE_FIELDS, DERIVED_FIELDS, FIELDS
from hf_triage._exceptions import TriageError
from hf_triage._render import recommendation_html, recommendation_rich
from hf_triage._texts import LANGS, catalogue, check_lang, field_label, text, value_label

PACKAGE = Path(hf_triage.__file__).parent

#: the English value and field names a Danish screen must not show (the method names may stay)
ENGLISH = {
    str(v)
    for table in (FIELDS, DERIVED_FIELDS, COURSE_FIELDS)
    for spec in table.values()
    for v in spec.values
    if isinstance(v, str) and v not in ("CTI", "ICM", "ACT")
} | {name.split(".")[-1] for name in FIELDS}
#: codes that are Danish words too ("udskrivning fra hospital"): not a sign of English
ENGLISH -= {"hospital"}


def test_every_key_has_danish_and_english() -> None:
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGS), key
        assert all(t.strip() for t in texts.values()), key


def test_no_key_is_written_twice() -> None:
    # YAML keeps the last of two equal keys without a word: two branches adding the same key
    # would merge silently, one text lost
    source = (PACKAGE / "texts.yaml").read_text("utf-8")
    keys = re.findall(r"^([a-z_][a-z0-9_.]*):", source, flags=re.MULTILINE)
    assert len(keys) == len(catalogue())
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []


def _keys_named_in_code() -> set[str]:
    found: set[str] = set()
    call = re.compile(r"""\b(?:text|say)\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
    for path in PACKAGE.rglob("*.py"):
        found |= set(call.findall(path.read_text("utf-8")))
    return found


def test_every_key_used_in_code_exists() -> None:
    used = _keys_named_in_code()
    assert len(used) >= 15  # the scan finds the calls
    assert sorted(used - set(catalogue())) == []


def test_every_labels_prefix_has_keys() -> None:
    prefixes = set()
    for path in PACKAGE.rglob("*.py"):
        prefixes |= set(re.findall(r"""Labels\(\s*["']([a-z_]+)["']\s*\)""", path.read_text()))
    assert prefixes
    for prefix in prefixes:
        assert any(k.startswith(prefix + ".") for k in catalogue()), prefix


def test_every_field_and_value_has_a_label() -> None:
    for table in (FIELDS, DERIVED_FIELDS, COURSE_FIELDS):
        for name, spec in table.items():
            assert f"field.{name}" in catalogue(), name
            for value in spec.values:
                if isinstance(value, str) and value not in ("CTI", "ICM", "ACT"):
                    assert f"value.{name}.{value}" in catalogue(), (name, value)


def test_value_labels_quote_the_sources() -> None:
    # seeds/000, målgrupper for CTI, ICM, ACT; seeds/003 §5.1 the eight dimensions
    assert value_label("service_use", "significant", "da") == "i betydeligt omfang"
    assert value_label("service_use", "partial", "da") == "kun i nogen grad"
    assert value_label("complexity", "severe", "da") == "massive"
    assert value_label("complexity", "mild", "da") == "lette til middelsvære"
    assert value_label("complexity", "moderate", "da") == "komplekse"
    assert value_label("consent", True, "da") == "ja"
    assert value_label("consent", None, "da") == "ikke oplyst"
    assert value_label("dimensions.housing", 3, "da") == "3"
    assert "psykisk helbred" in field_label("dimensions.mental_health", "da")
    assert field_label("no_such_field", "da", "fallback") == "fallback"


def test_check_lang_is_one_check() -> None:
    assert check_lang("da") == "da"
    with pytest.raises(TriageError, match="allowed: da, en"):
        check_lang("de")
    with pytest.raises(TriageError):
        triage({"complexity": "mild"}, lang="de")


def test_text_fills_placeholders() -> None:
    assert text("cf.lead", "da", method="ICM") == "ICM, hvis "
    assert text("cf.lead", "en", method="ICM") == "ICM if "


ASSESSMENTS: list[dict[str, Any]] = [
    # decided CTI, with counterfactuals
    {"complexity": "mild", "service_use": "significant", "support_duration": "transitional"},
    # decided ACT
    {"complexity": "severe", "service_use": "minimal", "support_duration": "long_term"},
    # undecided: next questions and missing answers
    {"complexity": "severe"},
    {"service_use": "partial"},
    # with warnings
    {
        "complexity": "moderate",
        "service_use": "partial",
        "support_duration": "unknown",
        "situation": "shelter_exit",
        "dimensions": {"mental_health": 4, "substance_use": 3},
        "negative_service_experiences": True,
    },
    {"complexity": "mild", "service_use": "minimal", "situation": "street", "consent": False},
]


def _screen(assessment: dict[str, Any]) -> str:
    rec = triage(assessment)
    console = Console(file=StringIO(), width=200, color_system=None)
    console.print(recommendation_rich(rec))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    html = recommendation_html(rec)
    words = [rec.method or "", *(t.text for t in rec.reasons), *(w.text for w in rec.warnings)]
    words += [a.text for a in rec.why_not] + [c.text for c in rec.counterfactuals]
    words += [q.text for q in rec.next_questions]
    screen = "\n".join([out, html, *words])
    # rule ids and warning codes are machine identifiers, shown next to the text: not read
    for code in [r.rule_id for r in rec.reasons] + [w.code for w in rec.warnings]:
        screen = screen.replace(code, "")
    for a in rec.why_not:
        for rule_id in a.rule_ids:
            screen = screen.replace(rule_id, "")
    return screen


@pytest.mark.parametrize("assessment", ASSESSMENTS)
def test_a_danish_screen_shows_no_english_value_or_field_name(assessment: dict[str, Any]) -> None:
    screen = _screen(assessment)
    english = sorted(w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", screen))
    assert english == [], english


def test_the_danish_screens_cover_the_parts() -> None:
    recs = [triage(a) for a in ASSESSMENTS]
    assert any(r.method for r in recs) and any(not r.method for r in recs)
    assert any(r.warnings for r in recs)
    assert any(r.counterfactuals for r in recs) and any(r.next_questions for r in recs)
    assert "Mangler svar på: evne til at bruge eksisterende tilbud" in _screen(
        {"complexity": "severe"}
    )


def test_the_danish_cohort_reports_name_no_english_field_or_value() -> None:
    # the golden renderings (tests/cohort/golden) cover several report variants; the data-error
    # lines quote the invalid input and its allowed codes, and warning codes are identifiers
    golden = json.loads((Path(__file__).parent / "cohort/golden/renderings.json").read_text())
    texts = [v for k, v in golden.items() if ".da." in k and k.endswith(".text")]
    assert len(texts) >= 5
    for report in texts:
        lines = [
            line
            for line in report.splitlines()
            if "allowed:" not in line and not re.fullmatch(r"\s+\d+\s+[a-z0-9-]+", line)
        ]
        screen = "\n".join(lines)
        english = sorted(
            w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", screen)
        )
        assert english == [], english


def test_the_caseworker_page_and_the_catalogue_use_the_same_value_words() -> None:
    from hf_triage.page._texts import QUESTIONS

    for name in ("service_use", "complexity", "urgency", "support_duration"):
        for value, vt in QUESTIONS[name].values.items():
            assert value_label(name, value, "da") == vt.da.lower(), (name, value)


# --- the labels read through Labels(prefix): cohort report, caseworker page, cases, render ----

#: where each Labels table is used: the Python modules and the templates that index it
LABEL_USERS: dict[str, tuple[str, ...]] = {
    "cohort": ("_cohort/*.py", "_cohort/templates/*.j2"),
    "page": ("page/*.py", "page/templates/*.j2"),
    "cases": ("_cases.py",),
    "render": ("_render.py", "templates/*.j2"),
}
_INDEXED = re.compile(r"""\bt(?:_da|_en)?\[\s*["']([a-z_.]+)["']\s*\]""")
_DOTTED = re.compile(r"\bt(?:_da|_en)?\.([a-z_]+)\b")


def _label_keys_used(prefix: str) -> set[str]:
    found: set[str] = set()
    for pattern in LABEL_USERS[prefix]:
        for path in PACKAGE.glob(pattern):
            source = path.read_text("utf-8")
            found |= set(_INDEXED.findall(source))
            if path.suffix == ".j2":
                found |= set(_DOTTED.findall(source))
    return found


@pytest.mark.parametrize("prefix", sorted(LABEL_USERS))
def test_every_label_a_module_or_template_uses_exists(prefix: str) -> None:
    used = _label_keys_used(prefix)
    assert len(used) >= 5, prefix  # the scan finds the lookups
    assert sorted(k for k in used if f"{prefix}.{k}" not in catalogue()) == []


def test_no_template_reads_a_label_through_a_mapping_method_name() -> None:
    # t.update in a template gave dict.update's repr instead of the label (the page's button)
    methods = {name for name in dir(dict) + dir(Mapping) if not name.startswith("_")}
    for path in PACKAGE.rglob("*.j2"):
        clash = set(_DOTTED.findall(path.read_text("utf-8"))) & methods
        assert clash == set(), (path.name, clash)


def test_the_update_button_shows_its_label() -> None:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from hf_triage.page import page_router

    app = FastAPI()
    app.include_router(page_router())
    client = TestClient(app)
    for lang, word in (("da", "Opdater anbefalingen"), ("en", "Update the recommendation")):
        html = client.get(f"/?lang={lang}").text
        assert f'id="update">{word}</button>' in html
        assert "built-in method" not in html
    assert client.get("/?lang=de").status_code == 200  # an unknown language shows Danish


def test_the_cohort_labels_come_from_the_catalogue() -> None:
    from hf_triage._cohort._text import LABELS

    assert LABELS["da"]["undecided"] == "Uafklaret" and LABELS["en"]["title"] == "Cohort report"
    assert "de" not in LABELS and "da" in LABELS
    with pytest.raises(TriageError, match="allowed: da, en"):
        LABELS["de"]


# --- the caseworker page's questions (page.question/help/answer/meaning/scale) ---------------


def test_every_page_question_has_its_words() -> None:
    from hf_triage.page._texts import _ASKED, QUESTIONS

    assert set(QUESTIONS) == set(_ASKED)
    for name, question in QUESTIONS.items():
        assert question.da and question.en and question.source, name
        for value, vt in question.values.items():
            assert vt.da and vt.en, (name, value)
    assert QUESTIONS["urgency"] is QUESTIONS["urgency"]  # built once


def test_no_page_key_names_a_question_or_answer_the_page_does_not_ask() -> None:
    from hf_triage.page._texts import _ASKED

    for key in catalogue():
        parts = key.split(".")
        if parts[:2] in (["page", "question"], ["page", "help"]):
            assert ".".join(parts[2:]) in _ASKED, key
        elif parts[:2] in (["page", "answer"], ["page", "meaning"]):
            name, value = ".".join(parts[2:-1]), parts[-1]
            assert name in _ASKED and value in _ASKED[name][1], key
        elif parts[:2] == ["page", "scale"]:
            assert parts[2] in "01234", key


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def test_the_page_answers_are_the_shared_value_words_unless_worded_their_own_way() -> None:
    from hf_triage.page._texts import QUESTIONS

    checked = 0
    for name, question in QUESTIONS.items():
        for value, vt in question.values.items():
            own = f"page.answer.{name}.{value}" in catalogue()
            shared = catalogue().get(
                f"value.{value}" if value in ("true", "false") else f"value.{name}.{value}"
            )
            if own or shared is None or name.startswith("dimensions."):
                continue
            assert (vt.da, vt.en) == (_capitalised(shared["da"]), _capitalised(shared["en"])), (
                name,
                value,
            )
            checked += 1
    assert checked >= 20


# --- the decision's grounds (decision.*) -----------------------------------------------------


def test_every_decision_flag_has_its_sentence() -> None:
    from hf_triage._decision import _FLAGS, flag_text_key

    for flag in _FLAGS:
        texts = catalogue()[flag_text_key(flag)]
        assert "{recommended}" in texts["da"] and "{recommended}" in texts["en"], flag


def test_the_grounds_are_worded_in_both_languages() -> None:
    import datetime as dt

    from hf_triage._decision import record_decision

    rec = triage(
        {"complexity": "severe", "service_use": "minimal", "support_duration": "long_term"}
    )
    record = record_decision(
        rec, "CTI", reason="citizen-wish", note="n", decided_at=dt.date(2026, 1, 1)
    )
    da, en = record.justification.da.splitlines(), record.justification.en.splitlines()
    assert da[0] == "Afgørelse: Borgeren visiteres til CTI (specialiseret bostøtte efter " + (
        "servicelovens § 85 a)."
    )
    assert en[0].startswith("Decision: the citizen is referred to CTI")
    assert any(line.startswith("Opmærksomhed [below-assessed-need]: Den valgte") for line in da)
    assert any(line.startswith("Note [below-assessed-need]: The decided") for line in en)
    assert da[-1].startswith("Udkast:") and en[-1].startswith("Draft:")


# --- one language check ----------------------------------------------------------------------


def test_the_rule_loaders_lang_check_is_the_catalogues_in_its_own_words() -> None:
    from hf_triage import _ruleerrors, _texts

    assert _ruleerrors.LANGS is _texts.LANGS
    assert _ruleerrors.check_lang("en") == "en"
    with pytest.raises(ValueError, match=r"^lang must be one of da, en, not 'de'$"):
        _ruleerrors.check_lang("de")


def test_the_services_lang_check_is_the_catalogues() -> None:
    pytest.importorskip("fastapi")
    from hf_triage import _texts
    from hf_triage.service import _parse

    assert _parse.LANGS is _texts.LANGS
    assert _parse.lang_problems("da", ("lang",)) == []
    for bad in ("de", ["da"], None):
        (problem,) = _parse.lang_problems(bad, ("lang",))
        assert problem.detail.endswith("is not supported; allowed: da, en")
        assert problem.allowed == ["da", "en"]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_screens_show_warnings_to_act_on_before_the_reminders(lang: str) -> None:
    """A warning's level decides where it is shown: "warning" under the warnings heading,
    "info" after it under its own heading, in the terminal and in the notebook alike."""
    rec = triage(
        {"complexity": "moderate", "service_use": "minimal", "housing_plan": False},
        lang=lang,
    )
    levels = {w.code: w.level for w in rec.warnings}
    assert levels["housing-plan-missing"] == "warning"
    assert levels["consent-not-recorded"] == "info"
    heading_warn, heading_info = text("render.warnings", lang), text("render.info", lang)
    console = Console(file=StringIO(), width=200, color_system=None)
    console.print(recommendation_rich(rec))
    for screen in (console.file.getvalue(), recommendation_html(rec)):  # type: ignore[attr-defined]
        assert screen.index(heading_warn) < screen.index("housing-plan-missing")
        assert screen.index("housing-plan-missing") < screen.index(heading_info)
        assert screen.index(heading_info) < screen.index("consent-not-recorded")


def test_a_label_table_is_a_mapping_over_the_languages() -> None:
    from hf_triage._texts import Labels

    labels = Labels("method")
    assert list(labels) == list(LANGS)
    assert len(labels) == len(LANGS)
    assert dict(labels).keys() == set(LANGS)
