"""The review page in a real browser with no network beyond 127.0.0.1 (headless Chromium through Selenium): an
editor pastes a key and a fictional article, drafts it, walks to a candidate with j, accepts it with a, and the
explorer draws the new fact. A screenshot goes to tests/artifacts/review/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from api.auth import Role
from tests.browsers import headless_chromium
from tests.conftest import API_KEYS
from tests.test_explorer_tasks import serious_violations

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "review"
ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "2024-03-14-bakers-strike.txt"  # fictional
UNION, STRIKE = "amalgamated-bakery-workers-union", "2024-abwu-strike"

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with headless_chromium("1280,900") as driver:
        yield driver


def idle(browser: webdriver.Chrome) -> bool:
    return bool(browser.execute_script("return document.body.dataset.busy === 'false'"))


def test_axe_finds_no_serious_or_critical_violation_on_the_review_page(
    browser: webdriver.Chrome, live_url: str
) -> None:
    browser.get(f"{live_url}/review")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return !!window.review"))
    assert serious_violations(browser) == []


def test_an_editor_drafts_an_article_accepts_a_fact_by_keyboard_and_the_explorer_draws_it(
    browser: webdriver.Chrome, live_url: str
) -> None:
    browser.get(f"{live_url}/review")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: b.execute_script("return !!window.review"))
    browser.find_element(By.ID, "key").send_keys(API_KEYS[Role.EDITOR], Keys.TAB)  # kept in memory
    text = ARTICLE.read_text()
    browser.execute_script("document.getElementById('article-text').value = arguments[0]", text)
    browser.find_element(By.ID, "published").send_keys("2024-03-14")
    browser.find_element(By.ID, "title").send_keys("Bakers walk out")
    browser.find_element(By.ID, "draft-button").click()
    wait.until(lambda b: b.execute_script("return !!window.review.state.draft") and idle(b))

    assert serious_violations(browser) == []  # the drafted article and its candidates, audited too
    marks = browser.find_elements(By.CSS_SELECTOR, "#article mark.mention")
    assert "Amalgamated Bakery Workers Union" in {mark.text for mark in marks}
    groups = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#candidates h3")]
    assert any(group.lower().startswith("wages") for group in groups)  # grouped by kind of fact
    order = browser.execute_script("return window.review.state.order.map(c => [c.id, c.type, c.from, c.to])")
    index = next(i for i, (_, kind, start, end) in enumerate(order) if (kind, start, end) == ("WAGES", UNION, STRIKE))
    candidate = order[index][0]
    keys = ActionChains(browser)
    for _ in range(index):
        keys.send_keys("j")
    keys.perform()
    selected = browser.find_element(By.CSS_SELECTOR, ".candidate.selected")
    assert selected.get_attribute("data-id") == candidate
    evidence = browser.find_element(By.CSS_SELECTOR, "#article .evidence").text
    assert evidence and evidence in selected.text  # the span it rests on, highlighted in the article
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".reconciliation a")]
    assert links and all("/explore?node=" in link for link in links)

    ActionChains(browser).send_keys("a").perform()
    accepted = f'.candidate[data-id="{candidate}"][data-status="ACCEPTED"]'
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, accepted) and idle(b))
    browser.save_screenshot(str(ARTIFACTS / "accepted.png"))

    browser.get(f"{live_url}/explore?node={UNION}")
    fact = f"{UNION}--wages--{STRIKE}"
    ends = "const e = window.explorer && window.explorer.cy.$id(arguments[0]); return e && e.nonempty() ? [e.source().id(), e.target().id()] : null"
    wait.until(lambda b: b.execute_script(ends, fact))
    assert browser.execute_script(ends, fact) == [UNION, STRIKE]
    failures = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert failures == []
