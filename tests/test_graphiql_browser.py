"""GraphiQL in a real browser with no network beyond 127.0.0.1: Debian's chromium (headless, through
chromium-driver and Selenium) opens the page, runs the example query and shows the answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from neo4j import AsyncDriver
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browsers import headless_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with headless_chromium() as driver:
        yield driver


async def test_graphiql_runs_the_example_query_offline_and_shows_the_answer(
    browser: webdriver.Chrome, live_url: str, seeded: AsyncDriver
) -> None:
    browser.get(f"{live_url}/graphql")
    wait = WebDriverWait(browser, 60)
    run = wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
    editor = browser.find_element(By.CSS_SELECTOR, ".graphiql-query-editor").text
    assert 'strikes(activeOn: "2023-08-10")' in editor
    headers = browser.find_element(By.CSS_SELECTOR, ".graphiql-editor-tool").text
    assert "Authorization" in headers
    run.click()
    wait.until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".result-window"), "SAG-AFTRA"))
    answer = browser.find_element(By.CSS_SELECTOR, ".result-window").text
    assert '"name": "2023 WGA strike"' in answer
    assert '"name": "2023 SAG-AFTRA strike"' in answer
    assert '"name": "Alliance of Motion Picture and Television Producers"' in answer
    assert "errors" not in answer

    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page should have loaded its scripts"
    assert [url for url in loaded if not url.startswith(live_url)] == []
    failures = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert failures == []
