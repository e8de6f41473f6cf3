"""The caseworker page over HTTP, against a real ``hf-triage serve``: headers, escaping, the
form round trip, the decision's JSON download and the rule explorer. (The browser tests drive
the same server with Chromium.)"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from typing import Any

import pytest

import hf_triage
from hf_triage import default_rules

#: every test talks to a fresh `hf-triage serve` process (a second one for the portfolio):
#: seconds of start-up; CI runs them, the in-process views are tested in test_page_views.py
pytestmark = pytest.mark.slow

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

INJECTED = "<script>window.injected = 1</script>"


def fetch(
    url: str, data: dict[str, str] | list[tuple[str, str]] | None = None
) -> tuple[int, dict[str, str], str, list[tuple[str, str]]]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.headers.items()
            return response.status, dict(response.headers), response.read().decode(), raw
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode(), exc.headers.items()


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, Any]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_security_headers_on_every_page(page_server: str) -> None:
    for path in ("/", "/?lang=en", "/rules", "/static/page.css", "/static/htmx.min.js"):
        status, headers, _, raw = fetch(page_server + path)
        assert status == 200, path
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "http:" not in csp and "https:" not in csp and "*" not in csp
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "no-store" in headers["cache-control"]
        assert not [k for k, _ in raw if k.lower() == "set-cookie"], path


def test_no_inline_script_style_or_third_party_origin(page_server: str) -> None:
    pages = [
        fetch(page_server + "/")[2],
        fetch(page_server + "/rules")[2],
        fetch(
            page_server + "/decision",
            {
                "urgency": "acute",
                "complexity": "severe",
                "service_use": "minimal",
                "decided_method": "ACT",
            },
        )[2],
    ]
    for html in pages:
        for tag, attrs in tags(html):
            assert "style" not in attrs, (tag, attrs)
            assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
            if tag == "script":
                assert attrs.get("src", "").startswith("/static/"), attrs
            for key in ("src", "href", "action", "formaction"):
                value = attrs.get(key) or ""
                assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert "<style" not in html


def test_danish_first_and_english_toggle(page_server: str) -> None:
    _, _, da, _ = fetch(page_server + "/")
    assert '<html lang="da">' in da and "Hvor hurtigt skal støtten og boligen i gang?" in da
    _, _, en, _ = fetch(page_server + "/?lang=en")
    assert '<html lang="en">' in en and "How soon must the support and the home start?" in en
    # the toggle is a submit button: the answers stay in the form
    status, _, toggled, _ = fetch(
        page_server + "/", {"lang": "da", "switch_lang": "en", "urgency": "acute"}
    )
    assert status == 200 and '<html lang="en">' in toggled
    assert 'value="acute" checked' in toggled and "Acute need" in toggled


def test_answers_update_the_recommendation_without_javascript(page_server: str) -> None:
    status, _, html, _ = fetch(
        page_server + "/", {"lang": "da", "urgency": "acute", "complexity": "moderate"}
    )
    assert status == 200
    # urgency first: the start-support-now text comes before the method
    assert html.index('id="urgent"') < html.index('id="recommended-method"')
    assert 'data-method=""' in html and "Mulige metoder: CTI, ICM" in html
    assert 'href="#q-service-use"' in html  # the question that decides it most, first
    status, _, html, _ = fetch(
        page_server + "/",
        {"lang": "da", "urgency": "acute", "complexity": "moderate", "service_use": "partial"},
    )
    assert 'data-method="ICM"' in html and "icm-partial-service-use" in html
    assert "Hvad ville ændre anbefalingen?" in html


def test_result_fragment_for_live_update(page_server: str) -> None:
    status, _, html, _ = fetch(
        page_server + "/result", {"lang": "en", "complexity": "severe", "service_use": "minimal"}
    )
    assert status == 200
    assert "<html" not in html and 'data-method="ACT"' in html


def test_a_bad_answer_is_named_with_the_values_allowed(page_server: str) -> None:
    status, _, html, _ = fetch(page_server + "/", {"lang": "da", "complexity": "enormous"})
    assert status == 422
    assert "complexity" in html and "&#39;enormous&#39;" in html
    assert "mild, moderate, severe" in html
    status, _, html, _ = fetch(page_server + "/", {"lang": "da", "dimensions.network": "9"})
    assert status == 422 and "dimensions.network" in html


def test_injected_script_in_the_note_is_shown_as_text(page_server: str) -> None:
    form = {
        "lang": "da",
        "complexity": "severe",
        "service_use": "minimal",
        "decided_method": "ACT",
        "note": INJECTED,
    }
    status, _, html, _ = fetch(page_server + "/decision", form)
    assert status == 200
    assert INJECTED not in html
    assert "&lt;script&gt;window.injected = 1&lt;/script&gt;" in html
    # and when the form comes back with an error, the note is still text
    status, _, html, _ = fetch(page_server + "/decision", {**form, "decided_method": "CTI"})
    assert status == 422 and INJECTED not in html and "&lt;script&gt;" in html
    # an answer that is not allowed is escaped in the problem shown
    status, _, html, _ = fetch(page_server + "/", {"lang": "da", "situation": INJECTED})
    assert status == 422 and INJECTED not in html


def test_deviation_needs_a_reason_in_the_pages_language(page_server: str) -> None:
    form = {
        "lang": "da",
        "complexity": "moderate",
        "service_use": "partial",
        "decided_method": "CTI",
    }
    status, _, html, _ = fetch(page_server + "/decision", form)
    assert status == 422
    assert "Du har valgt CTI, men anbefalingen er ICM: angiv en årsag." in html
    status, _, html, _ = fetch(page_server + "/decision", {**form, "lang": "en"})
    assert "You chose CTI, but the recommendation is ICM: give a reason." in html
    status, _, html, _ = fetch(page_server + "/decision", {**form, "reason": "no-such-reason"})
    assert status == 422 and "citizen-wish" in html  # the library names the allowed codes
    status, _, html, _ = fetch(page_server + "/decision", {**form, "decided_method": ""})
    assert status == 422 and "Vælg den metode, du visiterer til." in html


def test_grounds_page_and_json_download_are_the_same_record(page_server: str) -> None:
    form = {
        "lang": "da",
        "urgency": "acute",
        "complexity": "moderate",
        "service_use": "partial",
        "decided_method": "CTI",
        "reason": "citizen-wish",
        "note": "Borgeren ønsker CTI.",
    }
    status, _, html, _ = fetch(page_server + "/decision", form)
    assert status == 200
    assert "Afvigelse fra anbefalingen: CTI i stedet for ICM" in html
    assert "servicelovens § 85 a" in html
    stamp = re.search(r'name="decided_at" value="([^"]+)"', html)
    assert stamp is not None
    status, headers, body, _ = fetch(
        page_server + "/decision.json", {**form, "decided_at": stamp.group(1)}
    )
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert headers["content-disposition"].startswith('attachment; filename="afgoerelse-')
    record = hf_triage.DecisionRecord.model_validate(json.loads(body))
    assert record.decided_method == "CTI" and record.recommended_method == "ICM"
    assert record.reason == "citizen-wish" and record.note == "Borgeren ønsker CTI."
    assert record.decided_at.isoformat() == stamp.group(1)
    assert record.assessment == {
        "complexity": "moderate",
        "service_use": "partial",
        "urgency": "acute",
    }
    assert "Afvigelse fra anbefalingen" in record.justification.da


def test_nothing_unknown_is_served_from_static(page_server: str) -> None:
    for name in ("../_router.py", "nope.js", "%2e%2e%2f__init__.py"):
        status, _, _, _ = fetch(page_server + "/static/" + name)
        assert status == 404
    status, _, text, _ = fetch(page_server + "/static/htmx.LICENSE.txt")
    assert status == 200 and "Zero-Clause BSD" in text


def test_rule_explorer_shows_every_rule_with_cases_version_and_check(page_server: str) -> None:
    rules = default_rules()
    status, _, html, _ = fetch(page_server + "/rules")
    assert status == 200
    for criterion in rules.criteria:
        assert f'id="rule-{criterion.id}"' in html
    for warning in rules.warnings:
        assert f'id="warning-{warning.code}"' in html
    for signal in rules.signals:
        assert f'id="signal-{signal.code}"' in html
    assert rules.fingerprint in html
    assert f'<dd id="rules-version">{rules.version}</dd>' in html
    assert 'id="check-result" class="ok"' in html
    assert 'id="changelog"' in html
    # the YAML cases covering a rule are listed under it
    block = html[html.index('id="rule-act-minimal-service-use-massive-problems"') :]
    block = block[: block.index("</li>\n  \n")] if "</li>\n  \n" in block else block[:4000]
    assert "act.yaml: sleeping rough, massive problems" in block
    _, _, en, _ = fetch(page_server + "/rules?lang=en")
    assert '<html lang="en">' in en and "Result of «rules check»" in en


def test_portfolio_is_shown_when_configured(portfolio_server: str) -> None:
    status, _, html, _ = fetch(
        portfolio_server + "/", {"lang": "da", "complexity": "severe", "service_use": "minimal"}
    )
    assert status == 200
    assert "Kommunens indsatsvifte" in html and "ACT: Tilbyder ikke" in html
    assert 'data-code="method-not-offered"' in html
