"""The page's form reading and result shaping, without a server: empty means not assessed,
answers become the library's types, warnings split by level, texts keep step with the domain."""

from __future__ import annotations

import pytest

pytest.importorskip("jinja2")
pytest.importorskip("fastapi")

from hf_triage import triage
from hf_triage._domain import FIELDS
from hf_triage.page._texts import LABELS, QUESTIONS
from hf_triage.page._views import (
    NOTE_LIMIT,
    decision_inputs,
    form_fields,
    read_answers,
    read_lang,
    shown,
    value_key,
)


def test_every_domain_field_is_asked_once_urgency_first() -> None:
    names = [f.name for f in form_fields()]
    assert sorted(names) == sorted(FIELDS)
    assert names[0] == "urgency"
    assert names.index("service_use") < names.index("situation")


def test_question_texts_describe_exactly_the_domain_values() -> None:
    for name, spec in FIELDS.items():
        question = QUESTIONS.get(name)
        if question is None:  # a later field: asked with the domain's label
            continue
        domain = {value_key(v) for v in spec.values}
        assert domain <= set(question.values), name
        assert question.da and question.en, name


def test_labels_exist_in_both_languages() -> None:
    assert set(LABELS["da"]) == set(LABELS["en"])


def test_empty_answers_are_not_assessed_and_values_get_their_types() -> None:
    form = {
        "urgency": "",
        "complexity": "severe",
        "consent": "false",
        "housing_ready": "true",
        "dimensions.mental_health": "3",
        "dimensions.network": "",
        "unknown_field": "x",
    }
    answers, assessment = read_answers(form)
    assert assessment == {
        "complexity": "severe",
        "consent": False,
        "housing_ready": True,
        "dimensions": {"mental_health": 3},
    }
    assert "urgency" not in answers and answers["consent"] == "false"


def test_a_malformed_answer_reaches_the_library_as_given() -> None:
    _, assessment = read_answers({"consent": "maybe", "dimensions.network": "12"})
    assert assessment == {"consent": "maybe", "dimensions": {"network": "12"}}


def test_language_toggle_wins_and_unknown_falls_back_to_danish() -> None:
    assert read_lang({"lang": "da", "switch_lang": "en"}) == "en"
    assert read_lang({"lang": "en"}) == "en"
    assert read_lang({"lang": "fr"}) == "da"


def test_decision_inputs_name_each_problem() -> None:
    ok = decision_inputs({"decided_method": "ICM", "note": "  tekst \r\n"}, "da")
    assert ok.problems == {} and ok.note == "tekst" and ok.method == "ICM"
    bad = decision_inputs(
        {"decided_method": "XYZ", "note": "x" * (NOTE_LIMIT + 1), "decided_at": "igår"}, "en"
    )
    assert set(bad.problems) == {"decided_method", "note", "decided_at"}
    assert "CTI, ICM, ACT" in bad.problems["decided_method"]
    assert decision_inputs({}, "da").problems["decided_method"].startswith("Vælg")


def test_urgency_first_and_warnings_split_by_level() -> None:
    rec = triage(
        {"urgency": "acute", "complexity": "moderate", "service_use": "partial", "consent": False}
    )
    view = shown(rec, "da", None)
    assert [w.code for w in view.urgent] == ["start-support-now"]
    assert "start-support-now" not in [w.code for w in view.warnings + view.infos]
    # a warning marked as information (CONTRACT 1.1 `level`) goes to the info list
    marked = [w.model_copy(update={"level": "info"}) for w in rec.warnings]
    view = shown(rec.model_copy(update={"warnings": marked}), "da", None)
    assert view.warnings == [] and [w.code for w in view.infos] == ["consent-missing"]


def test_counterfactuals_and_next_questions_in_the_pages_words() -> None:
    view = shown(triage({"complexity": "moderate", "service_use": "partial"}), "da", None)
    cti = next(cf for cf in view.counterfactuals if cf["method"] == "CTI")
    assert cti["options"] == [
        [
            {
                "field": "Evne til at bruge eksisterende tilbud",
                "to": "I betydeligt omfang",
                "from": "Kun i nogen grad",
            }
        ]
    ]
    open_ = shown(triage({"complexity": "moderate"}), "en", frozenset({"CTI"}))
    first = open_.next_questions[0]
    assert first["field"] == "service_use" and first["target"] == "q-service-use"
    assert ("To a significant extent", "CTI") in first["outcomes"]
    assert open_.offers == [("CTI", True), ("ICM", False), ("ACT", False)]


def test_decision_time_in_danish_words() -> None:
    import datetime as dt

    from hf_triage.page._router import _when_text

    when = dt.datetime(2026, 12, 3, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert _when_text(when) == "3. december 2026 kl. 08:05 (UTC)"
