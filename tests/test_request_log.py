"""Structured logs (issue 21, item 3): with `STRIKEGRAPH_LOG_FORMAT=json`, a real `strikegraph serve` writes
every record as one JSON line, and one line per GraphQL request that joins with traces and the response by
its request id and the client's W3C trace id; a key the client sent is never written."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from api.database.local_neo4j import RunningNeo4j
from api.web.request_log import trace_id
from bench.live import start_api_process

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_traceparent_gives_its_trace_id_and_a_malformed_one_none() -> None:
    assert trace_id(f"00-{TRACE}-00f067aa0ba902b7-01") == TRACE
    assert trace_id(f"00-{'0' * 32}-00f067aa0ba902b7-01") is None  # all zeros: invalid
    assert trace_id("not a traceparent") is None and trace_id(None) is None


@pytest.mark.usefixtures("seeded")
def test_json_lines_log_each_request_with_its_ids_and_never_the_key(neo4j_server: RunningNeo4j, tmp_path: Path) -> None:
    neo4j = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    api = start_api_process("json-logs", neo4j, tmp_path, {"STRIKEGRAPH_LOG_FORMAT": "json"})
    secret = "sg_not_a_key_anyone_has"
    try:
        headers = {"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01", "x-request-id": "req-json-1"}
        answered = httpx.post(
            api.graphql, json={"query": "query Strikes { strikes { slug } }"}, headers=headers, timeout=10
        )
        assert answered.status_code == 200, answered.text
        refused = httpx.post(
            api.graphql, json={"query": "{ strikes { slug } }"}, headers={"Authorization": f"Bearer {secret}"}
        )
        assert refused.status_code in (200, 401), refused.text
    finally:
        assert api.stop() == 0, api.log_tail()
    text = api.log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is JSON
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    requests = [line for line in lines if line["logger"] == "strikegraph.request"]
    first = next(line for line in requests if line["requestId"] == "req-json-1")
    assert first["traceId"] == TRACE and first["status"] == 200 and first["durationMs"] > 0
    assert (first["operationType"], first["operationName"], first["execution"]) == ("query", "Strikes", "compiled")
    assert first["statements"] == 1 and first["cost"] > 0 and first["client"] == "127.0.0.1"
    assert first["cache"] == "miss"  # the process's first answer: read, and kept
    assert len(requests) == 2
    assert secret not in text
