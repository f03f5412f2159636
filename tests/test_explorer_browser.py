"""The explorer in a real browser with no network beyond 127.0.0.1 (headless Chromium through Selenium): it
finds AMPTP by search and draws its president and both 2023 strikes, shows a fact's citations, goes back
to 1960 for Ronald Reagan's presidency, draws who strikes whom and a path, and shows a node a curator
adds, live. Screenshots at 1280x800 (and a phone's 390x844) go to tests/artifacts/explorer/."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from api.auth import Role
from tests.browsers import headless_chromium
from tests.conftest import bearer

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "explorer"
DESKTOP = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").unlink(missing_ok=True)  # this run's figures only
    with headless_chromium("1280,800") as driver:
        yield driver


def open_page(browser: webdriver.Chrome, url: str, viewport: dict[str, Any] = DESKTOP) -> WebDriverWait[Any]:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", viewport)
    browser.get(url)
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: b.execute_script("return !!window.explorer && document.body.dataset.busy === 'false'"))
    return wait


def labels(browser: webdriver.Chrome) -> set[str]:
    return set(browser.execute_script("return window.explorer.cy.nodes().map(n => n.data('label'))"))


def drawn(browser: webdriver.Chrome, slug: str) -> bool:
    """On the canvas and inside it: visible, and its rendered position within the graph's box."""
    script = """const node = window.explorer.cy.$id(arguments[0]);
      if (node.empty() || !node.visible()) return false;
      const p = node.renderedPosition(), cy = window.explorer.cy;
      return p.x >= 0 && p.y >= 0 && p.x <= cy.width() && p.y <= cy.height();"""
    return bool(browser.execute_script(script, slug))


def details(browser: webdriver.Chrome) -> str:
    return str(browser.find_element(By.ID, "details").text)


def screenshot(browser: webdriver.Chrome, name: str) -> None:
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def only_local_requests(browser: webdriver.Chrome, base: str) -> None:
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded, "the page should have loaded its assets"
    assert [url for url in loaded if not url.startswith(base)] == []
    scripts = [url for url in loaded if "/explore/assets/" in url and url.endswith(".js")]
    assert scripts and all(re.search(r"\.[0-9a-f]{12}\.js$", url) for url in scripts), scripts  # versioned
    failures = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert failures == []


def test_searching_amptp_with_the_keyboard_draws_its_president_and_both_2023_strikes(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?asOf=2023-08-10")
    browser.find_element(By.TAG_NAME, "body").send_keys("/")  # "/" goes to the search box
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "search-text"
    active.send_keys("AMPTP", Keys.ENTER)
    wait.until(lambda b: "Alliance of Motion Picture" in b.find_element(By.ID, "results").text)
    first = browser.find_element(By.CSS_SELECTOR, "#results li button").text
    assert first.startswith("Alliance of Motion Picture and Television Producers “AMPTP”"), first  # the alias shown
    for _ in range(10):  # down the results to the AMPTP itself
        browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        if "Alliance of Motion Picture and Television Producers" in browser.switch_to.active_element.text:
            break
    chosen = browser.switch_to.active_element
    assert chosen.tag_name == "button" and "Alliance of Motion Picture and Television Producers" in chosen.text
    chosen.send_keys(Keys.ENTER)
    wait.until(lambda b: "Carol Lombardini" in labels(b))

    for slug in ("amptp", "carol-lombardini", "wga-strike-2023", "sag-aftra-strike-2023"):
        assert drawn(browser, slug), slug
    style = browser.execute_script(
        """const cy = window.explorer.cy, color = (id) => cy.$id(id).style('background-color');
        const presides = cy.edges('[type = "PRESIDES"]')[0];
        return {person: color('carol-lombardini'), strike: color('wga-strike-2023'), org: color('amptp'),
                label: presides.style('label'), arrow: presides.style('target-arrow-shape'),
                from: presides.source().id(), to: presides.target().id()};"""
    )
    assert len({style["person"], style["strike"], style["org"]}) == 3  # coloured by kind
    assert style | {"person": 0, "strike": 0, "org": 0} == {
        "person": 0,
        "strike": 0,
        "org": 0,
        "label": "presides\n2023-08-10",
        "arrow": "triangle",
        "from": "carol-lombardini",
        "to": "amptp",
    }  # fmt: skip  (the arrow says what the fact is, in words, and when)
    assert browser.current_url.endswith("/explore?node=amptp&asOf=2023-08-10")  # a link to share
    screenshot(browser, "amptp-2023-08-10")
    only_local_requests(browser, live_url)


def test_opened_today_the_amptp_shows_its_latest_known_president_dashed_and_dated(
    browser: webdriver.Chrome, live_url: str
) -> None:
    """Nothing about the AMPTP is known to hold today: the explorer shows the latest known, marked."""
    wait = open_page(browser, f"{live_url}/explore?node=amptp")
    wait.until(lambda b: "Carol Lombardini" in labels(b))
    edge = browser.execute_script(
        """const e = window.explorer.cy.$id('carol-lombardini--presides--amptp');
        return {label: e.style('label'), line: e.style('line-style')};"""
    )
    assert edge == {"label": "presides\nas of 2023-08-10", "line": "dashed"}
    assert drawn(browser, "wga-strike-2023") and drawn(browser, "sag-aftra-strike-2023")  # each as of its end


def test_clicking_a_fact_shows_its_title_note_and_citation(browser: webdriver.Chrome, live_url: str) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10")
    graph = browser.find_element(By.ID, "graph")
    fact = "carol-lombardini--presides--amptp"
    point = browser.execute_script(
        "const cy = window.explorer.cy; return [cy.$id(arguments[0]).renderedMidpoint(), cy.width(), cy.height()]",
        fact,
    )
    middle, width, height = point
    # A real click on the canvas, at the middle of the arrow (Selenium offsets from the element's centre).
    ActionChains(browser).move_to_element_with_offset(
        graph, int(middle["x"] - width / 2), int(middle["y"] - height / 2)
    ).click().perform()
    wait.until(lambda b: details(b).startswith("presides"))
    shown = details(browser)
    assert "Carol Lombardini → Alliance of Motion Picture and Television Producers" in shown
    # Everything the API says about the fact is on the panel: its title, date, note and every citation.
    document = """{ person(id: "carol-lombardini") { relationships(asOf: "2023-08-10", types: [PRESIDES]) {
      factId title attestedOn note sources { quote source { title publisher date } } } } }"""
    answer = httpx.post(f"{live_url}/graphql", json={"query": document}).json()
    (expected,) = [f for f in answer["data"]["person"]["relationships"] if f["factId"] == fact]
    assert f"Title\n{expected['title']}" in shown and f"Attested on\n{expected['attestedOn']}" in shown
    assert expected["note"] and expected["note"] in shown
    assert expected["sources"], "the fact cites at least one source"
    for citation in expected["sources"]:
        source = citation["source"]
        assert source["title"] in shown
        assert ", ".join(filter(None, [source["publisher"], source["date"]])) in shown  # as the panel joins them
        assert citation["quote"] in shown
    assert "Carol Lombardini [AMPTP president]" in shown  # the quote the README shows
    screenshot(browser, "citation")


def test_moving_the_date_to_1960_shows_ronald_reagans_presidency(browser: webdriver.Chrome, live_url: str) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=ronald-reagan")  # as of today
    presides = "return window.explorer.cy.edges('[type = \"PRESIDES\"]').map(e => [e.source().id(), e.style('label')])"
    wait.until(lambda b: b.execute_script(presides))
    # His presidency is long over: today it is the latest known, dated.
    assert browser.execute_script(presides) == [["ronald-reagan", "presides\nas of 1960"]]
    # The date control, as a date picker sets it.
    browser.execute_script(
        "const input = document.getElementById('as-of'); input.value = '1960-06-01';"
        "input.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    wait.until(lambda b: b.execute_script(presides) == [["ronald-reagan", "presides\n1960"]])
    assert "asOf=1960-06-01" in browser.current_url
    # Its details, by keyboard: the fact's button in the panel.
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, "#edge-list button") if "presides" in b.text)
    button.send_keys(Keys.ENTER)
    wait.until(lambda b: details(b).startswith("presides"))
    shown = details(browser)
    assert "Ronald Reagan → " in shown and "Title\nPresident" in shown
    assert "Attested on\n1960" in shown  # the story places it in 1960, with no term
    assert "since 1960, when Ronald Reagan was SAG President" in shown
    screenshot(browser, "reagan-1960")


def test_who_strikes_whom_on_2023_08_10_runs_from_strikers_to_strikes_to_targets(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?asOf=2023-08-10")
    browser.find_element(By.ID, "strikes-view").click()
    wait.until(lambda b: b.execute_script("return window.explorer.cy.$id('sag-aftra-strike-2023').nonempty()"))
    wait.until(lambda b: b.execute_script("return document.body.dataset.busy === 'false'"))
    x = browser.execute_script(
        "return Object.fromEntries(window.explorer.cy.nodes().map(n => [n.id(), n.position().x]))"
    )
    assert set(x) == {"wga", "sag-aftra", "wga-strike-2023", "sag-aftra-strike-2023", "amptp"}
    assert x["wga"] < x["wga-strike-2023"] < x["amptp"]
    assert x["sag-aftra"] < x["sag-aftra-strike-2023"] < x["amptp"]
    edges = browser.execute_script(
        "return window.explorer.cy.edges().map(e => [e.source().id(), e.data('type'), e.target().id()]).sort()"
    )
    assert ["wga", "WAGES", "wga-strike-2023"] in edges
    assert ["sag-aftra-strike-2023", "AGAINST", "amptp"] in edges
    assert "2 strikes on 2023-08-10" in browser.find_element(By.ID, "message").text
    assert browser.current_url.endswith("/explore?view=strikes&asOf=2023-08-10")
    screenshot(browser, "strikes-2023-08-10")


def test_a_path_between_two_nodes_is_highlighted(browser: webdriver.Chrome, live_url: str) -> None:
    wait = open_page(browser, f"{live_url}/explore?asOf=2023-08-10")
    browser.find_element(By.ID, "path-from").send_keys("Carol Lombardini")  # ends picked by name, as search finds them
    browser.find_element(By.ID, "path-to").send_keys("2023 WGA strike", Keys.ENTER)
    wait.until(lambda b: b.execute_script("return window.explorer.cy.edges('.on-path').length > 0"))
    route = browser.execute_script(
        "return window.explorer.cy.edges('.on-path').map(e => [e.source().id(), e.data('type'), e.target().id()])"
    )
    document = """{ path(from: "carol-lombardini", to: "wga-strike-2023", maxLength: 6, asOf: "2023-08-10") {
      hops { type forward from { slug } to { slug } } } }"""
    hops = httpx.post(f"{live_url}/graphql", json={"query": document}).json()["data"]["path"]["hops"]
    expected = [
        [hop["from"]["slug"], hop["type"], hop["to"]["slug"]]
        if hop["forward"]
        else [hop["to"]["slug"], hop["type"], hop["from"]["slug"]]
        for hop in hops
    ]
    assert sorted(route) == sorted(expected)  # the API's path, arrows as the facts point
    assert browser.execute_script("return window.explorer.cy.elements('.faded').length") == 0  # nothing else drawn
    screenshot(browser, "path")


def test_a_node_a_curator_adds_appears_in_an_open_explorer_without_a_reload(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10")
    wait.until(lambda b: b.find_element(By.ID, "live").get_attribute("data-state") == "live")
    started = time.monotonic()
    mutation = """mutation {
      createNode(kind: PERSON, input: {id: "pat-picket", name: "Pat Picket", cites: [{source: "wga-email-2023-08-10"}]}) { slug }
      assertFact(input: {type: MEMBER_OF, from: "pat-picket", to: "amptp", cites: [{source: "wga-email-2023-08-10"}]}) { factId }
    }"""
    answer = httpx.post(f"{live_url}/graphql", json={"query": mutation}, headers=bearer(Role.EDITOR)).json()
    assert "errors" not in answer, answer
    committed = time.monotonic()
    wait.until(lambda b: "Pat Picket" in labels(b))
    arrived = time.monotonic()
    wait.until(lambda b: drawn(b, "pat-picket"))  # a node added outside the view is brought in (300 ms)
    assert browser.execute_script("return window.explorer.cy.$id('pat-picket--member-of--amptp').nonempty()")
    assert "pat-picket" in browser.find_element(By.ID, "change-log").text
    screenshot(browser, "live-update")
    _record("live_update_seconds_from_send", round(arrived - started, 2))
    _record("live_update_seconds_from_answer", round(arrived - committed, 2))


def test_on_a_phone_the_explorer_fits_the_screen(browser: webdriver.Chrome, live_url: str) -> None:
    open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10", PHONE)
    try:
        widths = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        graph = browser.find_element(By.ID, "graph").rect
        assert widths[0] <= widths[1] == 390  # no sideways scrolling
        assert graph["width"] >= 380 and graph["height"] >= 300
        assert drawn(browser, "amptp")
        # Labels are drawn at 11 px or more: the phone zooms in on the node rather than fit everything tiny.
        assert browser.execute_script("return window.explorer.cy.zoom() * 11") >= 11
        screenshot(browser, "phone")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_page_load_figures(browser: webdriver.Chrome, live_url: str) -> None:
    """A deep link, cold: the page, its assets and the first graph. Recorded for the README."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10")
    timing = browser.execute_script(
        """const nav = performance.getEntriesByType('navigation')[0];
        const drawn = performance.getEntriesByName('explorer-drawn')[0];
        const bytes = performance.getEntriesByType('resource').reduce((sum, e) => sum + e.transferSize, nav.transferSize);
        return {domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                firstGraph: drawn ? drawn.startTime : null, bytes};"""
    )
    assert timing["firstGraph"] is not None and timing["load"] > 0
    for name, value in timing.items():
        _record(f"page_{name}", round(value))


def _record(name: str, value: float) -> None:
    """Figures for the README, next to the screenshots."""
    path = ARTIFACTS / "timings.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(figures | {name: value}, indent=2))


def test_the_chart_draws_the_stoppages_per_year_and_month_as_of_its_date(
    browser: webdriver.Chrome, live_url: str
) -> None:
    """`strikeStats` as bars, each bar the API's own row, following the date and the selects."""
    wait = open_page(browser, f"{live_url}/explore?asOf=2023-08-10")
    browser.find_element(By.ID, "chart-view").click()
    wait.until(lambda b: b.find_element(By.ID, "chart").get_attribute("data-drawn") == "YEAR stoppages 2023-08-10")
    assert not browser.find_element(By.ID, "graph").is_displayed()
    expected = httpx.post(
        f"{live_url}/graphql",
        json={"query": '{ strikeStats(asOf: "2023-08-10") { year stoppages } }'},
    ).json()["data"]["strikeStats"]
    bars = browser.execute_script(
        "return [...document.querySelectorAll('#chart .chart-bar')].map(b => [b.dataset.group, b.dataset.value])"
    )
    assert bars == [[str(row["year"]), str(row["stoppages"])] for row in expected] and len(bars) >= 2
    screenshot(browser, "chart-per-year")

    Select(browser.find_element(By.ID, "chart-group")).select_by_value("MONTH")
    wait.until(lambda b: b.find_element(By.ID, "chart").get_attribute("data-drawn") == "MONTH stoppages 2023-08-10")
    months = browser.execute_script(
        "return [...document.querySelectorAll('#chart .chart-bar')].map(b => b.dataset.group)"
    )
    assert "2023-05" in months and "2023-07" in months  # the WGA's strike began in May, SAG-AFTRA's in July

    browser.find_element(By.ID, "chart-view").click()  # closed: the graph is back
    wait.until(lambda b: b.find_element(By.ID, "graph").is_displayed())
    only_local_requests(browser, live_url)


def test_a_citation_says_what_kind_of_source_it_is_and_that_nobody_can_check_it(
    browser: webdriver.Chrome, live_url: str
) -> None:
    """The WGA's email is known only through the story that relays it: the panel calls it an email and
    unverified (neither a web address nor a stored copy), and the story beside it an article."""
    wait = open_page(browser, f"{live_url}/explore?node=wga&asOf=2023-08-10")
    fact = "wga-negotiating-committee--part-of--wga"
    wait.until(lambda b: b.execute_script("return window.explorer.cy.$id(arguments[0]).nonempty()", fact))
    graph = browser.find_element(By.ID, "graph")
    middle, width, height = browser.execute_script(
        "const cy = window.explorer.cy; return [cy.$id(arguments[0]).renderedMidpoint(), cy.width(), cy.height()]",
        fact,
    )
    ActionChains(browser).move_to_element_with_offset(
        graph, int(middle["x"] - width / 2), int(middle["y"] - height / 2)
    ).click().perform()
    wait.until(lambda b: details(b).startswith("part of"))
    citation = browser.find_element(By.CSS_SELECTOR, "#details .citations li")
    source = httpx.post(
        f"{live_url}/graphql", json={"query": '{ source(id: "wga-email-2023-08-10") { kind unverified } }'}
    ).json()["data"]["source"]
    assert source == {"kind": "EMAIL", "unverified": True}
    assert citation.find_element(By.CSS_SELECTOR, ".source-facts").text.startswith("email")
    assert citation.find_element(By.CSS_SELECTOR, ".source-facts .unverified").text == "unverified"
    assert citation.find_element(By.CSS_SELECTOR, ".via").text.startswith("via ")  # the story relaying it
    screenshot(browser, "unverified-citation")
