"""The caseworker page in a real browser (headless Debian Chromium) against ``hf-triage serve``.

A caseworker's whole path with the keyboard only (partial answers -> the next question ->
decided -> a decision with a deviation reason -> the printable grounds), the English toggle, the
path without JavaScript and the rule explorer. axe-core runs in the page on every state with 0
WCAG 2.1 A/AA violations allowed; a screenshot of each state is saved (``shots``).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

#: a real browser and a fresh server process: seconds per test; CI runs them (and requires the
#: browser, HF_TRIAGE_REQUIRE_BROWSER)
pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NOTE = "<script>window.injected = 1</script> Borgeren ønsker CTI."


def axe_violations(driver: Any) -> list[Any]:
    """Run axe-core in the page; the violations of WCAG 2.1 A and AA."""
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result: list[Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG,
    )
    return result


def check_state(driver: Any, shots: Path, name: str) -> None:
    """axe: 0 violations; then a screenshot of the state."""
    violations = axe_violations(driver)
    assert violations == [], f"{name}: {violations}"
    driver.save_screenshot(str(shots / f"{name}.png"))


def press(driver: Any, *keys: str) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def active(driver: Any) -> Any:
    return driver.switch_to.active_element


def tab_to(driver: Any, wanted: str, limit: int = 80) -> Any:
    """Press Tab until the element with id ``wanted`` has the focus (keyboard only)."""
    for _ in range(limit):
        press(driver, Keys.TAB)
        element = active(driver)
        if element.get_attribute("id") == wanted:
            return element
    raise AssertionError(f"Tab never reached #{wanted}")


def focus_visible(driver: Any) -> bool:
    return bool(
        driver.execute_script(
            "const s = getComputedStyle(document.activeElement);"
            "return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;"
        )
    )


def wait_method(driver: Any, method: str) -> None:
    # read in the page: htmx may swap the element between a find and a read
    script = "const e = document.getElementById('recommended-method'); return e && e.dataset.method"
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(script) == method)


def no_browser_storage(driver: Any) -> None:
    """No cookie, nothing in localStorage; sessionStorage holds at most htmx's record of the
    current path, which never carries an answer (answers travel only in POST bodies)."""
    local, session, cookie = driver.execute_script(
        "return [localStorage.length, Object.fromEntries(Object.entries(sessionStorage)),"
        " document.cookie]"
    )
    assert local == 0 and cookie == ""
    assert set(session) <= {"htmx-current-path-for-history"}, session
    for path in session.values():
        assert re.fullmatch(r"/[a-z.]*(\?lang=(da|en))?", path), path


def open_fresh(driver: Any, url: str) -> None:
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.get(url)
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def test_keyboard_only_path_to_printable_grounds(
    browser: Any, page_server: str, shots: Path
) -> None:
    d = browser
    open_fresh(d, page_server + "/")
    WebDriverWait(d, 15).until(lambda d: d.execute_script("return typeof htmx") == "object")
    check_state(d, shots, "01-empty")

    # urgency first: acute shows "start support now" at once (live update, no reload)
    tab_to(d, "q-urgency-none")
    assert focus_visible(d)
    press(d, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    WebDriverWait(d, 15).until(lambda d: d.find_elements(By.ID, "urgent"))
    assert d.find_element(By.ID, "q-urgency-acute").is_selected()
    check_state(d, shots, "02-urgent")

    # a partial assessment: complexity only -> undecided, next questions ranked
    tab_to(d, "q-complexity-none")
    press(d, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    WebDriverWait(d, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "a.next-question"))
    wait_method(d, "")
    first = d.find_elements(By.CSS_SELECTOR, "a.next-question")[0]
    assert first.get_attribute("data-field") == "service_use"
    check_state(d, shots, "03-partial-next-questions")

    # follow the next question with the keyboard: Enter moves the focus to the question
    for _ in range(80):
        press(d, Keys.TAB)
        if "next-question" in (active(d).get_attribute("class") or ""):
            break
    assert active(d).get_attribute("data-field") == "service_use"
    assert focus_visible(d)
    press(d, Keys.ENTER)
    WebDriverWait(d, 5).until(lambda d: active(d).get_attribute("id") == "q-service-use")
    press(d, Keys.TAB)
    assert active(d).get_attribute("id") == "q-service-use-none"
    press(d, Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # significant, then partial
    wait_method(d, "ICM")
    assert d.find_elements(By.CSS_SELECTOR, "ul.counterfactuals li[data-method='CTI']")
    check_state(d, shots, "04-decided")

    # the caseworker decides otherwise (CTI) and first forgets the reason
    tab_to(d, "decided-CTI")
    press(d, Keys.SPACE)
    assert d.find_element(By.ID, "decided-CTI").is_selected()
    tab_to(d, "record")
    press(d, Keys.ENTER)
    WebDriverWait(d, 15).until(lambda d: d.find_elements(By.ID, "decision-problems"))
    assert "angiv en årsag" in d.find_element(By.ID, "decision-problems").text
    assert d.find_element(By.ID, "decided-CTI").is_selected()  # the state came back
    check_state(d, shots, "05-decision-needs-reason")

    # ... gives it with the keyboard, writes a note, and records the decision
    tab_to(d, "decision-reason")
    press(d, Keys.ARROW_DOWN)
    assert d.find_element(By.ID, "decision-reason").get_attribute("value") == "citizen-wish"
    press(d, Keys.TAB)
    assert active(d).get_attribute("id") == "decision-note"
    press(d, NOTE)
    tab_to(d, "record")
    press(d, Keys.ENTER)
    WebDriverWait(d, 15).until(lambda d: d.find_elements(By.ID, "grounds-da"))

    grounds = d.find_element(By.ID, "grounds-da").text
    assert d.find_element(By.ID, "decided-method").text == "CTI"
    assert "Afvigelse fra anbefalingen: CTI i stedet for ICM" in grounds
    assert "Borgerens eget ønske" in grounds
    assert NOTE in grounds  # the injected script is shown as text ...
    assert d.execute_script("return window.injected === undefined")  # ... and never ran
    assert d.find_element(By.ID, "print").is_displayed()  # page.js shows the print button
    no_browser_storage(d)
    check_state(d, shots, "06-grounds")

    # the print stylesheet: no navigation or buttons, A4
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    hidden = d.execute_script(
        "return ['header.site', 'footer.site', 'form.actions', '#print']"
        ".map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none"] * 4
    assert d.find_element(By.ID, "grounds-da").is_displayed()
    d.save_screenshot(str(shots / "07-grounds-print.png"))
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(
        d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"]
    )
    (shots / "grounds.pdf").write_bytes(pdf)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    width, height = float(box.group(1)), float(box.group(2))
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (width, height)  # A4 in points


def test_english_toggle_keeps_the_answers(browser: Any, page_server: str, shots: Path) -> None:
    d = browser
    open_fresh(d, page_server + "/")
    tab_to(d, "q-urgency-none")
    press(d, Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    WebDriverWait(d, 15).until(lambda d: d.find_elements(By.ID, "urgent"))
    d.execute_script("window.scrollTo(0, 0)")
    for _ in range(10):
        ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        if active(d).get_attribute("name") == "switch_lang":
            break
    assert active(d).get_attribute("name") == "switch_lang"
    press(d, Keys.ENTER)
    WebDriverWait(d, 15).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    )
    assert d.find_element(By.TAG_NAME, "h1").text == "Referral to Housing First support"
    assert d.find_element(By.ID, "q-urgency-acute").is_selected()
    assert "Acute need" in d.find_element(By.ID, "urgent").text
    check_state(d, shots, "08-english")


def test_without_javascript_plain_form_posts(browser: Any, page_server: str, shots: Path) -> None:
    d = browser
    open_fresh(d, page_server + "/")
    d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})

    def axe_then_shot(name: str) -> None:
        # axe needs script: allow it for the check only (the page's own scripts stay unloaded)
        d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        check_state(d, shots, name)
        d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})

    try:
        d.get(page_server + "/")
        assert d.execute_script("return typeof htmx") == "undefined"
        for value_id in ("q-complexity-severe", "q-service-use-minimal"):
            d.find_element(By.ID, value_id).click()
        # nothing updates by itself without JavaScript ...
        assert d.find_element(By.ID, "recommended-method").get_attribute("data-method") == ""
        d.find_element(By.ID, "update").click()  # ... the form post does
        wait_method(d, "ACT")
        assert d.find_element(By.ID, "q-complexity-severe").is_selected()
        axe_then_shot("09-nojs-decided")
        d.find_element(By.ID, "decided-ACT").click()
        d.find_element(By.ID, "decision-note").send_keys(NOTE)
        d.find_element(By.ID, "record").click()
        WebDriverWait(d, 15).until(lambda d: d.find_elements(By.ID, "grounds-da"))
        grounds = d.find_element(By.ID, "grounds-da").text
        assert "Borgeren visiteres til ACT" in grounds and NOTE in grounds
        assert not d.find_element(By.ID, "print").is_displayed()  # needs script: stays hidden
        axe_then_shot("10-nojs-grounds")
        d.find_element(By.ID, "back").click()  # back to the form, answers intact
        wait_method(d, "ACT")
        assert d.find_element(By.ID, "decision-note").get_attribute("value") == NOTE
    finally:
        d.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_rule_explorer(browser: Any, page_server: str, shots: Path) -> None:
    d = browser
    open_fresh(d, page_server + "/rules")
    assert d.find_element(By.ID, "check-result").get_attribute("class") == "ok"
    assert d.find_elements(By.ID, "rule-act-minimal-service-use-massive-problems")
    check_state(d, shots, "11-rules")
