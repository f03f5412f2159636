"""The explorer as a first-time reader uses it, in headless Chromium: the date (a year, a month or a day,
asked only on commit, the latest request winning), the timeline, a screen whose address reproduces every view,
sources as solid as they are, the legend's filters, node summaries, exports, layouts, the phone, an axe-core
audit, and the journalist's three questions answered in at most four actions."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from tests.browsers import headless_chromium
from tests.test_explorer_browser import ARTIFACTS, PHONE, details, drawn, labels, open_page, screenshot

pytestmark = pytest.mark.usefixtures("seeded")
AXE = Path(__file__).resolve().parent / "browser_audit" / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = Path(__file__).resolve().parent / "tools" / "install.sh"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with headless_chromium("1280,800") as driver:
        yield driver


def graphql(url: str, document: str) -> dict[str, Any]:
    answer = httpx.post(f"{url}/graphql", json={"query": document}).json()
    assert "errors" not in answer, answer
    return dict(answer["data"])


def idle(browser: webdriver.Chrome) -> bool:
    return bool(browser.execute_script("return document.body.dataset.busy === 'false'"))


def graphql_requests(browser: webdriver.Chrome) -> int:
    return int(
        browser.execute_script(
            "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/graphql')).length"
        )
    )


def drawing(browser: webdriver.Chrome) -> list[str]:
    return sorted(browser.execute_script("return window.explorer.cy.elements(':visible').map(e => e.id())"))


def commit_date(browser: webdriver.Chrome, text: str) -> None:
    field = browser.find_element(By.ID, "as-of")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(text, Keys.ENTER)


# -- time -----------------------------------------------------------------------------------------------------


def test_the_date_field_takes_a_year_a_month_or_a_day_and_asks_nothing_until_committed(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08")
    assert browser.find_element(By.ID, "as-of").get_attribute("value") == "2023-08"  # a month stays a month
    field = browser.find_element(By.ID, "as-of")
    before = graphql_requests(browser)
    field.send_keys(Keys.CONTROL, "a")  # selected, then typed over
    for key in "2023-08-10":  # keystroke by keystroke: "2", "20", "202" are never asked
        field.send_keys(key)
    time.sleep(0.5)
    assert graphql_requests(browser) == before
    field.send_keys(Keys.ENTER)
    wait.until(lambda b: "asOf=2023-08-10" in b.current_url and idle(b))
    assert graphql_requests(browser) - before == 1  # one read of the one neighbourhood
    commit_date(browser, "1960")
    wait.until(lambda b: "asOf=1960" in b.current_url and idle(b))
    assert browser.find_element(By.ID, "timeline-label").text == "1960"
    commit_date(browser, "2023-13")  # no such month: said, not asked
    wait.until(lambda b: "not a date" in b.find_element(By.ID, "message").text)
    assert "asOf=1960" in browser.current_url


def test_the_latest_request_wins_when_an_older_answer_arrives_late(browser: webdriver.Chrome, live_url: str) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10")
    wait.until(lambda b: "Carol Lombardini" in labels(b))
    settled = drawing(browser)
    # Answers for 1960 are held back two seconds; 2023-08-10 is asked meanwhile and must stay on screen.
    browser.execute_script(
        """const real = window.fetch;
        window.fetch = (url, options = {}) => {
          const slow = options.body && options.body.includes('"asOf":"1960"');
          if (!slow) return real(url, options);
          return new Promise((resolve) => setTimeout(resolve, 2000)).then(() => real(url, {...options, signal: undefined}));
        };"""
    )
    try:
        commit_date(browser, "1960")
        time.sleep(0.2)
        commit_date(browser, "2023-08-10")
        wait.until(lambda b: idle(b) and "asOf=2023-08-10" in b.current_url)
        time.sleep(2.5)  # the late 1960 answer has arrived by now, and is dropped
        assert drawing(browser) == settled
        assert browser.find_element(By.ID, "as-of").get_attribute("value") == "2023-08-10"
        assert "Carol Lombardini" in details(browser)
    finally:
        browser.execute_script("location.reload()")


def test_the_timeline_steps_to_the_next_change_and_an_empty_view_points_to_the_dates_with_facts(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=carol-lombardini&asOf=1990")
    wait.until(lambda b: "Nothing known of Carol Lombardini" in details(b))
    jumps = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#details .date-jump")]
    assert jumps == ["2023-08-10"]  # her one dated fact
    marks = browser.execute_script("return [...document.querySelectorAll('#timeline-marks option')].map(o => o.label)")
    assert "2023-08-10" in marks
    browser.find_element(By.ID, "play").click()  # through every change in turn: hers is the one
    wait.until(lambda b: "asOf=2023-08-10" in b.current_url and idle(b))
    wait.until(lambda b: b.find_element(By.ID, "play").get_attribute("aria-pressed") == "false")  # the last: stopped
    assert browser.find_element(By.ID, "previous-change").get_attribute("disabled") == "true"  # nothing earlier
    assert drawn(browser, "amptp")
    assert browser.find_element(By.ID, "next-change").get_attribute("disabled") == "true"  # nothing later
    browser.find_element(By.CSS_SELECTOR, "#details .actions button")  # her summary, not the hint
    # The slider commits when let go (its change event), not while it moves (its input events).
    before = graphql_requests(browser)
    browser.execute_script(
        """const slider = document.getElementById('timeline');
        for (const step of [5, 3, 1]) {
          slider.value = String(Number(slider.value) - step);
          slider.dispatchEvent(new Event('input', {bubbles: true}));
        }"""
    )
    time.sleep(0.3)
    assert graphql_requests(browser) == before and "asOf=2023-08-10" in browser.current_url
    browser.execute_script("document.getElementById('timeline').dispatchEvent(new Event('change', {bubbles: true}))")
    wait.until(lambda b: "asOf=2023-08-01" in b.current_url and idle(b))
    screenshot(browser, "timeline")


# -- a screen in sync ---------------------------------------------------------------------------------------------

VIEWS = [
    "/explore?node=amptp&asOf=2023-08-10",
    "/explore?node=amptp,wga&asOf=2023-08-10&selected=carol-lombardini--presides--amptp",
    "/explore?view=strikes&asOf=2023-08-10&selected=amptp",
    "/explore?node=amptp&from=carol-lombardini&to=wga-strike-2023&asOf=2023-08-10",
    "/explore?view=citing&cites=wga-email-2023-08-10",
    "/explore?view=chart&group=MONTH&measure=stoppages&asOf=2023-08-10",
    "/explore?node=amptp&asOf=2023-08-10&hide=SILENT_ON,Issue&drop=naics-512&layout=layers",
]


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_s_address_reproduces_it(browser: webdriver.Chrome, live_url: str, view: str) -> None:
    wait = open_page(browser, f"{live_url}{view}")
    wait.until(idle)
    assert browser.execute_script("return location.pathname + location.search") == view
    first = (drawing(browser), details(browser), browser.find_element(By.ID, "message").text)
    browser.get("about:blank")
    open_page(browser, f"{live_url}{view}").until(idle)
    assert (drawing(browser), details(browser), browser.find_element(By.ID, "message").text) == first


def test_a_click_in_the_strikes_view_keeps_an_address_that_reproduces_it(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?view=strikes&asOf=2023-08-10")
    strike_count = browser.find_element(By.ID, "message").text
    browser.execute_script("window.explorer.cy.$id('amptp').emit('tap')")
    wait.until(lambda b: "selected=amptp" in b.current_url and idle(b))
    shown = (drawing(browser), details(browser))
    assert "Carol Lombardini" in shown[1]
    url = browser.current_url
    browser.get("about:blank")
    open_page(browser, url).until(idle)
    assert (drawing(browser), details(browser)) == shown
    assert browser.find_element(By.ID, "message").text == strike_count
    # Another view: nothing of the strikes view stays on screen.
    browser.execute_script("window.explorer.explore('ronald-reagan')")
    wait.until(lambda b: "node=ronald-reagan" in b.current_url and idle(b))
    assert "strike" not in browser.find_element(By.ID, "message").text
    assert "Nothing known of Ronald Reagan held on 2023-08-10" in details(browser)  # his view, its date kept


# -- sources, legend, summary ------------------------------------------------------------------------------------


def test_a_source_s_view_lists_every_fact_resting_on_it(browser: webdriver.Chrome, live_url: str) -> None:
    expected = graphql(live_url, '{ factsCiting(source: "wga-email-2023-08-10") { factId } }')["factsCiting"]
    assert expected
    wait = open_page(
        browser, f"{live_url}/explore?node=wga&asOf=2023-08-10&selected=wga-negotiating-committee--part-of--wga"
    )
    wait.until(lambda b: details(b).startswith("part of"))
    citation = browser.find_element(By.CSS_SELECTOR, "#details .citations li")
    assert "email" in citation.text and "unverified" in citation.text
    quote_or_paraphrase = citation.find_element(By.CSS_SELECTOR, "blockquote .evidence").text.lower()
    assert quote_or_paraphrase in {"quote", "paraphrase"}
    button = next(b for b in citation.find_elements(By.TAG_NAME, "button") if b.text == "Facts from this source")
    source = citation.find_element(By.CSS_SELECTOR, "strong, a").text
    button.click()
    wait.until(lambda b: "view=citing&cites=wga-email-2023-08-10" in b.current_url and idle(b))
    listed = browser.find_elements(By.CSS_SELECTOR, "#details ul.buttons li")
    assert len(listed) == len(expected)
    assert browser.execute_script("return window.explorer.cy.edges().length") == len(expected)
    assert source in details(browser) and "Checkable\nno" in details(browser)
    screenshot(browser, "source-view")


def test_an_inferred_fact_says_so_and_a_copied_citation_carries_its_words(
    browser: webdriver.Chrome, live_url: str
) -> None:
    inferred = graphql(
        live_url, '{ organization(id: "amptp") { relationships(asOf: "2023-08-10") { factId inferred } } }'
    )["organization"]["relationships"]
    fact = next((f["factId"] for f in inferred if f["inferred"]), None)
    if fact is not None:
        wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10&selected={fact}")
        wait.until(lambda b: "inferred" in details(b))
        style = browser.execute_script("return window.explorer.cy.$id(arguments[0]).style('line-style')", fact)
        assert style == "dotted"
    wait = open_page(
        browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10&selected=carol-lombardini--presides--amptp"
    )
    wait.until(lambda b: details(b).startswith("presides"))
    copy = browser.find_element(By.CSS_SELECTOR, "#details .citations button.copy")
    copy.click()
    wait.until(lambda b: copy.get_attribute("data-copied"))
    text = copy.get_attribute("data-copied")
    assert "WGA returns to negotiating table" in text and "quote: “Carol Lombardini [AMPTP president]”" in text


def test_the_legend_names_arrows_in_words_and_hides_what_is_unticked(browser: webdriver.Chrome, live_url: str) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10")
    legend = browser.find_element(By.ID, "legend").text
    assert "silent on (3)" in legend and "SILENT_ON" not in legend and "trade association" not in legend
    stances = ["SILENT_ON", "REFUSES", "WILLING_TO_DISCUSS"]
    for stance in stances:
        browser.find_element(By.CSS_SELECTOR, f'#legend input[data-filter="{stance}"]').click()
    wait.until(lambda b: all(s in b.current_url for s in stances))
    shown = browser.execute_script("return window.explorer.cy.edges(':visible').map(e => e.data('type'))")
    assert not set(shown) & set(stances) and {"PRESIDES", "AGAINST"} <= set(shown)  # strikes and leadership kept
    edges = browser.find_element(By.ID, "edge-list").text
    assert "silent on" not in edges and "presides" in edges
    url = browser.current_url
    open_page(browser, url).until(idle)
    shown_again = browser.execute_script("return window.explorer.cy.edges(':visible').map(e => e.data('type'))")
    assert sorted(shown_again) == sorted(shown)
    screenshot(browser, "legend-filters")


def test_a_node_s_summary_groups_its_facts_with_dates_leaders_and_counts(
    browser: webdriver.Chrome, live_url: str
) -> None:
    expected = graphql(
        live_url,
        """{ organization(id: "amptp") { relationships(asOf: "2023-08-10") { type } }
             strike(id: "wga-strike-2023") { durationDays(asOf: "2023-08-10") } }""",
    )
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10")
    wait.until(lambda b: "Led by" in details(b))
    shown = details(browser)
    assert "Led by (On 2023-08-10)\nCarol Lombardini, President (2023-08-10)" in shown
    facts = expected["organization"]["relationships"]
    assert f"Facts ({len(facts)})" in shown
    groups = [g.text for g in browser.find_elements(By.CSS_SELECTOR, "#details .fact-group h4")]
    counts: dict[str, int] = {}
    for fact in facts:
        counts[fact["type"]] = counts.get(fact["type"], 0) + 1
    assert sorted(groups) == sorted(f"{t.lower().replace('_', ' ')} ({n})" for t, n in counts.items())
    browser.execute_script("window.explorer.update({selected: 'wga-strike-2023'})")
    wait.until(lambda b: details(b).startswith("2023 WGA strike") and idle(b))
    assert f"Days on strike\n{expected['strike']['durationDays']} (by 2023-08-10)" in details(browser)


# -- exports and layouts --------------------------------------------------------------------------------------


def test_the_view_exports_as_pictures_and_its_facts_with_citations(
    browser: webdriver.Chrome, live_url: str, tmp_path: Path
) -> None:
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10&hide=Issue")
    drawn_facts = sorted(browser.execute_script("return window.explorer.cy.edges(':visible').map(e => e.id())"))
    for format in ("png", "svg", "csv", "json"):
        Select(browser.find_element(By.ID, "export")).select_by_value(format)
    files: dict[str, Path] = {}
    wait.until(
        lambda b: (
            len(files.update({p.suffix: p for p in tmp_path.glob("*") if p.suffix != ".crdownload"}) or files) == 4
        )
    )
    assert files[".png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = files[".svg"].read_text()
    assert svg.startswith("<svg") and svg.count('class="fact"') == len(drawn_facts) and "Carol Lombardini" in svg
    rows = list(csv.DictReader(io.StringIO(files[".csv"].read_text())))
    assert sorted(row["factId"] for row in rows) == drawn_facts  # what is drawn, not what the legend hides
    presides = next(row for row in rows if row["factId"] == "carol-lombardini--presides--amptp")
    assert "Carol Lombardini [AMPTP president]" in presides["citations"] and presides["attestedOn"] == "2023-08-10"
    facts = json.loads(files[".json"].read_text())
    assert sorted(fact["factId"] for fact in facts) == drawn_facts
    assert all(fact["citations"] for fact in facts)
    assert files[".csv"].name.startswith("strikegraph-node_amptp_asOf_2023-08-10")


def test_layouts_keep_pinned_nodes_and_a_hidden_node_comes_back_with_undo(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?view=strikes&asOf=2023-08-10")
    Select(browser.find_element(By.ID, "layout")).select_by_value("layers")
    wait.until(lambda b: "layout=layers" in b.current_url)
    y = browser.execute_script(
        "return Object.fromEntries(window.explorer.cy.nodes().map(n => [n.id(), n.position().y]))"
    )
    assert y["wga"] < y["wga-strike-2023"] < y["amptp"]  # strikers, then strikes, then their targets
    Select(browser.find_element(By.ID, "layout")).select_by_value("timeline")
    wait.until(lambda b: "layout=timeline" in b.current_url)
    x = browser.execute_script(
        "return Object.fromEntries(window.explorer.cy.nodes().map(n => [n.id(), n.position().x]))"
    )
    assert x["wga-strike-2023"] < x["sag-aftra-strike-2023"]  # May before July
    # A node dragged by the reader stays where it was put through a redraw and another layout.
    browser.execute_script(
        "const n = window.explorer.cy.$id('amptp'); n.position({x: 999, y: -333}); n.emit('dragfree');"
    )
    commit_date(browser, "2023-08-11")
    wait.until(lambda b: "asOf=2023-08-11" in b.current_url and idle(b))
    Select(browser.find_element(By.ID, "layout")).select_by_value("force")
    wait.until(lambda b: "layout=force" in b.current_url)
    assert browser.execute_script("return window.explorer.cy.$id('amptp').position()") == {"x": 999, "y": -333}
    # Hide and undo.
    browser.execute_script("window.explorer.update({selected: 'sag-aftra'})")
    wait.until(lambda b: details(b).startswith("SAG-AFTRA") and idle(b))
    next(b for b in browser.find_elements(By.CSS_SELECTOR, "#details .actions button") if b.text == "Hide").click()
    wait.until(lambda b: "drop=sag-aftra" in b.current_url)
    assert browser.execute_script("return window.explorer.cy.$id('sag-aftra').empty()")
    browser.find_element(By.ID, "undo").click()
    wait.until(lambda b: "drop=" not in b.current_url)
    assert browser.execute_script("return window.explorer.cy.$id('sag-aftra').nonempty()")


def test_a_path_s_ends_are_picked_by_name(browser: webdriver.Chrome, live_url: str) -> None:
    wait = open_page(browser, f"{live_url}/explore?asOf=2023-08-10")
    browser.find_element(By.ID, "path-from").send_keys("Carol Lombardini")
    browser.find_element(By.ID, "path-to").send_keys("WGA strike", Keys.ENTER)
    wait.until(lambda b: "from=carol-lombardini" in b.current_url and idle(b))
    assert "to=wga-strike-2023" in browser.current_url
    assert browser.execute_script("return window.explorer.cy.edges('.on-path').length") > 0


# -- the phone, accessibility, and the journalist's task ---------------------------------------------------------


def test_on_a_phone_labels_are_readable_targets_big_enough_and_a_tapped_fact_s_citation_in_view(
    browser: webdriver.Chrome, live_url: str
) -> None:
    wait = open_page(browser, f"{live_url}/explore?node=amptp&asOf=2023-08-10", PHONE)
    try:
        assert browser.execute_script("return window.explorer.cy.zoom() * 11") >= 11
        small = browser.execute_script(
            """return [...document.querySelectorAll('button, input, select, a')].filter(e => {
                 const r = e.getBoundingClientRect(), style = getComputedStyle(e);
                 if (!r.width || style.visibility === 'hidden' || e.closest('[hidden]')) return false;
                 const label = e.closest('label');
                 const box = label ? label.getBoundingClientRect() : r;
                 return e.tagName !== 'A' && (box.height < 24 || box.width < 24);
               }).map(e => e.id || e.textContent.trim().slice(0, 30))"""
        )
        assert small == []
        browser.execute_script("window.explorer.cy.$id('carol-lombardini--presides--amptp').emit('tap')")
        wait.until(lambda b: details(b).startswith("presides"))
        time.sleep(0.3)
        top = browser.execute_script("return document.querySelector('#details .citations').getBoundingClientRect().top")
        assert 0 <= top < 844
        screenshot(browser, "phone-citation")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_axe_finds_no_serious_or_critical_violation(browser: webdriver.Chrome, live_url: str) -> None:
    for view in (
        "/explore",
        "/explore?node=amptp&asOf=2023-08-10",
        "/explore?view=strikes&asOf=2023-08-10&selected=amptp",
    ):
        open_page(browser, f"{live_url}{view}").until(idle)
        assert serious_violations(browser) == [], view


def serious_violations(browser: webdriver.Chrome) -> list[tuple[str, list[Any]]]:
    """What axe-core (tests/browser_audit/) finds serious or critical on the page shown, with where."""
    subprocess.run([str(INSTALL), "audit"], check=True)  # npm ci of tests/browser_audit (axe-core), if missing
    browser.execute_script(AXE.read_text())
    result = browser.execute_async_script("const done = arguments[0]; axe.run(document).then(done)")
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def test_a_first_time_reader_answers_the_three_questions_in_three_actions(
    browser: webdriver.Chrome, live_url: str
) -> None:
    """Who was on strike against whom on 10 August 2023, who led the AMPTP then, and where does each fact
    come from: from a cold /explore, (1) the date, (2) "Who strikes whom", (3) the AMPTP."""
    truth = graphql(
        live_url,
        """{ strikes(activeOn: "2023-08-10") { name parties(asOf: "2023-08-10") { side organization { name }
               sources { source { title } } } }
             organization(id: "amptp") { leaders(asOf: "2023-08-10") { person { name } sources { quote } } } }""",
    )
    wait = open_page(browser, f"{live_url}/explore")
    commit_date(browser, "2023-08-10")  # action 1
    wait.until(lambda b: "asOf=2023-08-10" in b.current_url and idle(b))
    browser.find_element(By.ID, "strikes-view").click()  # action 2
    wait.until(lambda b: "view=strikes" in b.current_url and idle(b))
    shown = details(browser)
    for strike in truth["strikes"]:
        assert strike["name"] in shown
        for party in strike["parties"]:
            assert party["organization"]["name"] in shown
            for citation in party["sources"]:
                assert citation["source"]["title"] in shown  # where each fact comes from
    amptp = next(
        b
        for b in browser.find_elements(By.CSS_SELECTOR, "#details .parties button")
        if b.text == "Alliance of Motion Picture and Television Producers"
    )
    amptp.click()  # action 3
    wait.until(lambda b: "selected=amptp" in b.current_url and idle(b))
    shown = details(browser)
    (leader,) = truth["organization"]["leaders"]
    assert f"Led by (On 2023-08-10)\n{leader['person']['name']}, President" in shown
    assert leader["sources"][0]["quote"] in shown
    screenshot(browser, "task-three-actions")
