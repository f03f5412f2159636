"""GraphiQL in a real browser with no network beyond 127.0.0.1: Debian's chromium (headless, through
chromium-driver and Selenium) opens the page, runs the example query and shows the answer, and streams a
subscription over the service's WebSocket while a write comes in over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from neo4j import AsyncDriver
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from api.auth import Role
from tests.browsers import headless_chromium
from tests.conftest import bearer


def open_graphiql(browser: webdriver.Chrome, live_url: str) -> WebDriverWait[webdriver.Chrome]:
    browser.get(f"{live_url}/graphql")
    wait = WebDriverWait(browser, 60)
    wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button")))
    return wait


def only_local_and_no_errors(browser: webdriver.Chrome, live_url: str) -> None:
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page should have loaded its scripts"
    assert [url for url in loaded if not url.startswith(live_url)] == []
    failures = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert failures == []


async def subscribed(live_url: str) -> bool:
    """A subscription runs on the server within 15 s (its /healthz counts them)."""
    async with httpx.AsyncClient() as http:
        for _ in range(150):
            if (await http.get(f"{live_url}/healthz")).json()["subscriptions"] >= 1:
                return True
            await asyncio.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with headless_chromium() as driver:
        yield driver


async def test_graphiql_runs_the_example_query_offline_and_shows_the_answer(
    browser: webdriver.Chrome, live_url: str, seeded: AsyncDriver
) -> None:
    wait = open_graphiql(browser, live_url)
    run = browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button")
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

    only_local_and_no_errors(browser, live_url)


async def test_graphiql_streams_a_subscription_over_the_services_websocket(
    browser: webdriver.Chrome, live_url: str, seeded: AsyncDriver
) -> None:
    wait = open_graphiql(browser, live_url)
    browser.execute_script(
        "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(arguments[0])",
        "subscription Changes { changes { action entity } }",
    )
    wait.until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".graphiql-query-editor"), "Changes")
    )
    await asyncio.sleep(0.5)  # GraphiQL takes the editor's text into its state on a short debounce
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    if not await subscribed(live_url):  # the socket opens and the subscription takes its place in the feed
        shown = browser.find_element(By.CSS_SELECTOR, ".result-window").text
        raise AssertionError(f"GraphiQL's subscription never reached the server; it shows: {shown}")
    mutation = (
        'mutation { createNode(kind: PERSON, input: {id: "graphiql-picket", name: "GraphiQL Picket", '
        'cites: [{source: "wga-email-2023-08-10"}]}) { slug } }'
    )
    async with httpx.AsyncClient() as http:
        written = await http.post(f"{live_url}/graphql", json={"query": mutation}, headers=bearer(Role.EDITOR))
    assert "errors" not in written.json(), written.json()
    wait.until(
        expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, ".result-window"), "graphiql-picket")
    )
    answer = browser.find_element(By.CSS_SELECTOR, ".result-window").text
    assert '"action": "CREATE_NODE"' in answer, answer
    only_local_and_no_errors(browser, live_url)


async def test_graphiql_s_headers_tab_key_reaches_the_websocket(
    browser: webdriver.Chrome, live_url: str, seeded: AsyncDriver
) -> None:
    """A browser cannot set a WebSocket's headers: the key typed in the Headers tab goes in connection_init."""
    wait = open_graphiql(browser, live_url)
    browser.execute_script(
        """window.sentOverSockets = [];
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) { window.sentOverSockets.push(String(data)); return send.call(this, data); };"""
    )
    key = bearer(Role.EDITOR)["Authorization"]
    browser.execute_script(
        "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(arguments[0]);"
        "const headers = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]"
        "  .find((e) => e.CodeMirror.getValue().includes('Authorization'));"  # the Headers tab, not Variables
        "headers.CodeMirror.setValue(arguments[1]);",
        "subscription Changes { changes { action entity } }",
        f'{{"Authorization": "{key}"}}',
    )
    await asyncio.sleep(0.5)  # GraphiQL takes the editors' text into its state on a short debounce
    browser.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    wait.until(lambda b: any('"connection_init"' in m for m in b.execute_script("return window.sentOverSockets")))
    sent = [m for m in browser.execute_script("return window.sentOverSockets") if '"connection_init"' in m]
    assert f'"Authorization":"{key}"' in sent[0]
    assert await subscribed(live_url), "the subscription never reached the server"  # and the server took it
