"""The bench's own parts, without Neo4j: wrk against a tiny local server (a fast error must not pass for a
fast answer), whole-answer comparison, @neo4j/graphql's answers reshaped, medians of rounds, and the
profile summary."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.answers import canonical, diff_summary, differences, from_neo4j_graphql
from bench.harness import settle
from bench.loadgen import LoadFailed, Measurement, ensure_wrk, run_wrk
from bench.profile import summarize
from bench.reads import Read
from bench.run import ReadResult


class _Answer(BaseHTTPRequestHandler):
    body = b'{"data": {"ok": true}}'

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def answering() -> Iterator[tuple[str, type[_Answer]]]:
    """A local HTTP server answering every POST with `handler.body` (set by the test)."""
    handler = type("Handler", (_Answer,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/graphql", handler
    server.shutdown()
    server.server_close()


async def test_wrk_measures_a_server_that_answers(answering: tuple[str, type[_Answer]]) -> None:
    url, _ = answering
    cell = await run_wrk(ensure_wrk(), url, b'{"query": "{ ok }"}', concurrency=2, seconds=1)
    assert cell.concurrency == 2
    assert cell.requests > 10
    assert 0.9 < cell.seconds < 2
    assert 0 < cell.p50 <= cell.p95 <= cell.p99


async def test_wrk_fails_the_cell_when_answers_carry_graphql_errors(answering: tuple[str, type[_Answer]]) -> None:
    url, handler = answering
    handler.body = b'{"data": null, "errors": [{"message": "boom"}]}'
    with pytest.raises(LoadFailed, match=r"failed answers .*boom"):
        await run_wrk(ensure_wrk(), url, b"{}", concurrency=1, seconds=1)


async def test_settle_waits_for_a_busy_process_and_passes_an_idle_one() -> None:
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        assert not await settle([busy.pid], window=0.5, idle_share=0.02, timeout=1.0)  # even on a loaded machine
    finally:
        busy.kill()
        busy.wait()
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert await settle([idle.pid], timeout=5)
    finally:
        idle.kill()
        idle.wait()


def test_answers_compare_whole_ignoring_key_order_but_not_list_order() -> None:
    one = {"strikes": [{"slug": "a", "name": "A"}, {"slug": "b", "name": "B"}]}
    same = {"strikes": [{"name": "A", "slug": "a"}, {"name": "B", "slug": "b"}]}
    swapped = {"strikes": [{"slug": "b", "name": "B"}, {"slug": "a", "name": "A"}]}
    assert canonical(one) == canonical(same)
    assert canonical(one) != canonical(swapped)
    assert differences(one, {"strikes": [{"slug": "a", "name": "A", "extra": 1}]}) == [
        "data.strikes: 2 items != 1",
        "data.strikes[0].extra: unexpected",
    ]
    assert diff_summary(one, swapped, limit=1) == '4 differences: data.strikes[0].name: "A" != "B" ...'


def test_neo4j_graphql_organization_is_reshaped_like_strikegraphs() -> None:
    person = {"slug": "p", "name": "P"}
    org = {
        "slug": "wga", "name": "WGA", "kind": "UNION",
        "presidedBy": {"edges": [{"properties": {"title": "President", "since": "2021-09-01", "until": None},
                                  "person": person | {"name": "Zed"}}]},
        "ledBy": {"edges": [{"properties": {"title": "Chief negotiator", "since": "2009-01-01", "until": None},
                             "person": person}]},
        "members": {"edges": [{"properties": {"role": "member"}, "member": person}]},
        "strikes": {"edges": [{"properties": {"since": "2023-05-02"},
                               "strike": {"slug": "s", "name": "S", "startDate": "2023-05-02",
                                          "against": {"edges": [{"node": {"slug": "amptp", "name": "AMPTP"}}]}}}]},
    }  # fmt: skip
    assert from_neo4j_graphql("organization_3_levels", {"organization": [org]}) == {
        "organization": {
            "slug": "wga", "name": "WGA", "kind": "UNION",
            "leaders": [{"title": "Chief negotiator", "since": "2009-01-01", "until": None, "person": person},
                        {"title": "President", "since": "2021-09-01", "until": None, "person": person | {"name": "Zed"}}],
            "members": [{"role": "member", "member": person}],
            "strikes": [{"since": "2023-05-02", "strike": {"slug": "s", "name": "S", "startDate": "2023-05-02",
                                                           "against": [{"slug": "amptp", "name": "AMPTP"}]}}],
        }
    }  # fmt: skip
    assert from_neo4j_graphql("organization_3_levels", {"organization": []}) == {"organization": None}


def test_a_cell_is_the_median_of_its_rounds() -> None:
    result = ReadResult(Read("path", "", "", "", {}))
    result.rounds[("strikegraph", 1)] = [
        Measurement(1, 100, 1.0, p50=3.0, p95=9.0, p99=9.0, server_cpu_ms=1.0),
        Measurement(1, 300, 1.0, p50=1.0, p95=2.0, p99=5.0, server_cpu_ms=None),
        Measurement(1, 200, 1.0, p50=2.0, p95=4.0, p99=4.0, server_cpu_ms=3.0),
    ]
    cell = result.cell("strikegraph", 1)
    assert (cell.requests, cell.p50, cell.p95, cell.p99) == (200, 2.0, 4.0, 5.0)
    assert cell.server_cpu_ms == 2.0 and cell.neo4j_cpu_ms is None


def test_profile_drops_the_shared_trunk_and_shows_the_innermost_of_a_wrapper_chain() -> None:
    trunk = "<module> (strikegraph:1);run (uvicorn/main.py:503)"
    collapsed = "\n".join([
        f"{trunk};app (/x/site-packages/starlette/applications.py:9);execute (/x/site-packages/graphql/e.py:5) 60",
        f"{trunk};app (/x/site-packages/starlette/applications.py:9);execute (/x/site-packages/graphql/e.py:5);"
        "decode (/x/site-packages/neo4j/packstream.py:7) 30",
        "on_records (/x/site-packages/neo4j/_common.py:179) 10",
    ])  # fmt: skip
    profile = summarize("organization_3_levels", collapsed)
    assert profile.samples == 100
    rows = [(row.function, round(row.cumulative, 2), round(row.own, 2)) for row in profile.rows]
    assert rows == [
        ("execute (graphql/e.py:5)", 0.9, 0.6),
        ("decode (neo4j/packstream.py:7)", 0.3, 0.3),
        ("on_records (neo4j/_common.py:179)", 0.1, 0.1),
    ]
    assert profile.packages == [("graphql", 0.6), ("neo4j", 0.4)]
