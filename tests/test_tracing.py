"""Traces by the OpenTelemetry conventions (api/tracing.py): a SERVER span per GraphQL operation over HTTP in
the caller's trace, a CLIENT span per Cypher statement under it, the response cache's answer as an event; and
the SDK's own OTLP/HTTP exporter delivering them to a receiver that decodes the protobuf, and to a real trace
store (Jaeger, tests/trace_store.py) whose query API gives the whole trace back."""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from api import tracing
from api.auth import Role
from api.database.trail import READ_TRAIL
from api.settings import Settings
from bench.live import GraphQLWebSocket
from tests.conftest import bearer
from tests.http_apps import app_client, live_server
from tests.trace_store import Jaeger, running_jaeger

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}


@pytest.fixture
def spans(settings: Settings) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.configure(settings.neo4j_uri, documents=True, provider=provider)
    try:
        yield exporter
    finally:
        tracing.shutdown(flush=False)


def _of_requests(exporter: InMemorySpanExporter) -> tuple[ReadableSpan, ...]:
    """The finished spans, less any sampled poll of the change feed (its own trace) that ran meanwhile."""
    finished = exporter.get_finished_spans()
    polls = {span.context.trace_id for span in finished if span.name == "strikegraph.change_feed.poll" and span.context}
    return tuple(span for span in finished if span.context is None or span.context.trace_id not in polls)


def _server(finished: tuple[ReadableSpan, ...]) -> ReadableSpan:
    [server] = [span for span in finished if span.kind is SpanKind.SERVER]
    return server


@pytest.mark.usefixtures("seeded")
async def test_an_operation_is_a_server_span_in_the_callers_trace_with_a_client_span_per_statement(
    client: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    query = 'query Union { organization(id: "wga") { name leaders(asOf: "2023-08-10") { person { name } } } }'
    response = await client.post("/graphql", json={"query": query}, headers=TRACEPARENT)
    assert response.status_code == 200 and "errors" not in response.json()
    finished = _of_requests(spans)
    server = _server(finished)
    assert server.name == "query Union"
    assert server.context is not None and format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None and format(server.parent.span_id, "016x") == PARENT_ID
    attributes = dict(server.attributes or {})
    assert attributes["graphql.operation.type"] == "query" and attributes["graphql.operation.name"] == "Union"
    assert attributes["http.request.method"] == "POST" and attributes["http.response.status_code"] == 200
    server_cost = attributes["strikegraph.cost"]
    assert [(e.name, dict(e.attributes or {})) for e in server.events] == [
        ("strikegraph.plan", {"cache": "miss", "cost": server_cost}),
        ("strikegraph.response_cache", {"result": "miss", "kept": True}),
    ]
    assert (
        attributes["graphql.document"]
        == "query Union { organization(id: ?) { name leaders(asOf: ?) { person { name } } } }"
    )
    clients = [span for span in finished if span.kind is SpanKind.CLIENT]
    assert len(clients) == response.json()["extensions"]["cypherStatements"] == 1
    [cypher] = clients
    assert cypher.parent is not None and cypher.parent.span_id == server.context.span_id
    statement = dict(cypher.attributes or {})
    assert statement["db.system.name"] == "neo4j" and statement["db.namespace"] == "neo4j"
    assert statement["db.query.summary"] == cypher.name and statement["server.port"] > 0
    text = str(statement["db.query.text"])
    assert "$" in text and "wga" not in text and "2023" not in text  # parameters, never values

    spans.clear()
    again = await client.post("/graphql", json={"query": query})
    assert again.json()["extensions"]["cache"] == "hit"
    finished = _of_requests(spans)
    assert [span.kind for span in finished] == [SpanKind.SERVER]  # no statement
    assert [(e.name, dict(e.attributes or {})) for e in finished[0].events] == [
        ("strikegraph.plan", {"cache": "hit", "cost": server_cost}),
        ("strikegraph.response_cache", {"result": "hit"}),
    ]


@pytest.mark.usefixtures("seeded")
async def test_a_mutation_traces_each_statement_of_its_transaction_and_a_refusal_its_code(
    client: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    mutation = 'mutation { updateNode(id: "dga", expectedVersion: 1, input: {description: "Directors"}) { version } }'
    response = await client.post("/graphql", json={"query": mutation}, headers=bearer(Role.EDITOR))
    assert "errors" not in response.json(), response.json()
    finished = _of_requests(spans)
    server = _server(finished)
    assert server.name == "mutation"
    clients = [span for span in finished if span.kind is SpanKind.CLIENT]
    writes = [span for span in clients if dict(span.attributes or {})["db.query.text"] != READ_TRAIL]
    assert len(writes) == response.json()["extensions"]["cypherStatements"] > 2
    assert len(clients) == len(writes) + 1  # and the read of the audit trail that makes it read-your-writes
    assert all(span.parent is not None and span.parent.span_id == server.context.span_id for span in writes)

    spans.clear()
    refused = await client.post("/graphql", json={"query": mutation})  # no key
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert dict(_server(_of_requests(spans)).attributes or {})["error.type"] == "UNAUTHENTICATED"


@pytest.mark.usefixtures("seeded")
async def test_the_json_log_line_joins_its_span_by_trace_and_span_id(
    settings: Settings, spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    async with app_client(settings, log_format="json") as http:
        with caplog.at_level(logging.INFO, logger="strikegraph.request"):
            await http.post("/graphql", json={"query": "query Strikes { strikes { slug } }"})
    [line] = [record.fields for record in caplog.records if record.name == "strikegraph.request"]
    server = _server(spans.get_finished_spans())
    assert server.context is not None
    assert (line["traceId"], line["spanId"]) == (
        format(server.context.trace_id, "032x"),
        format(server.context.span_id, "016x"),
    )


@pytest.mark.usefixtures("seeded")
async def test_websocket_operations_are_server_spans_in_the_handshakes_trace_and_polls_are_sampled(
    settings: Settings, spans: InMemorySpanExporter
) -> None:
    with live_server(settings) as url:
        async with GraphQLWebSocket.connect(url.replace("http", "ws", 1) + "/graphql", headers=TRACEPARENT) as ws:
            await ws.subscribe("q", 'query Union { organization(id: "wga") { slug } }')
            assert (await ws.receive(10))["payload"]["data"] == {"organization": {"slug": "wga"}}
            assert (await ws.receive(10))["type"] == "complete"
            await ws.subscribe("s", "subscription Changes { changes { seq } }")
            await asyncio.sleep(0.5)
            await ws.complete("s")
            await asyncio.sleep(0.5)
    finished = spans.get_finished_spans()
    servers = {span.name: span for span in finished if span.kind is SpanKind.SERVER}
    assert set(servers) == {"query Union", "subscription Changes"}
    for span in servers.values():
        assert span.context is not None and format(span.context.trace_id, "032x") == TRACE_ID
        assert span.parent is not None and format(span.parent.span_id, "016x") == PARENT_ID
        assert dict(span.attributes or {})["network.protocol.name"] == "websocket"
    query = servers["query Union"]
    statements = [span for span in finished if span.parent is not None and span.parent.span_id == query.context.span_id]
    assert len(statements) == dict(query.attributes or {})["strikegraph.cypherStatements"]
    [poll, *_] = [span for span in finished if span.name == "strikegraph.change_feed.poll"]  # the first poll
    assert poll.kind is SpanKind.INTERNAL and poll.parent is None
    reads = [span for span in finished if span.parent is not None and span.parent.span_id == poll.context.span_id]
    assert reads and all(span.kind is SpanKind.CLIENT for span in reads)


def test_the_standard_variables_turn_traces_on_and_off() -> None:
    assert not tracing.wanted({})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    assert tracing.wanted({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"})
    assert not tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"})
    assert not tracing.wanted({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"})


def test_documents_lose_their_literals_and_statements_get_a_low_cardinality_summary() -> None:
    assert tracing.sanitized('{ a(id: "x\\"y", n: -2.5e3, t: """long""") { b } }') == "{ a(id: ?, n: ?, t: ?) { b } }"
    assert tracing.query_summary("CALL () { MATCH (n:Entity:Organization {id: $p0}) RETURN n }") == "CALL Entity"
    assert tracing.query_summary("RETURN 1") == "RETURN"


class _Receiver(BaseHTTPRequestHandler):
    received: list[ExportTraceServiceRequest] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        self.received.append(request)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.usefixtures("seeded")
async def test_spans_go_out_over_otlp_http_as_the_variables_say(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{receiver.server_port}")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "strikegraph-test")
    try:
        tracing.configure(settings.neo4j_uri, documents=False)
        await client.post("/graphql", json={"query": 'query Org { organization(id: "amptp") { slug aliases } }'})
    finally:
        tracing.shutdown()  # flushes the batch to the receiver
        receiver.shutdown()
    spans = [
        (span.name, span.kind, {a.key: a.value.string_value for a in resource.resource.attributes})
        for request in _Receiver.received
        for resource in request.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    assert ("query Org", 2, {"service.name": "strikegraph-test"}) in [
        (name, kind, {k: v for k, v in attrs.items() if k == "service.name"}) for name, kind, attrs in spans
    ]  # 2: SPAN_KIND_SERVER in OTLP


@pytest.fixture
def jaeger(tmp_path: Path) -> Iterator[Jaeger]:
    with running_jaeger(tmp_path) as store:
        yield store


@pytest.mark.usefixtures("seeded")
async def test_jaeger_holds_one_trace_from_the_request_through_each_cypher_statement(
    client: httpx.AsyncClient, settings: Settings, jaeger: Jaeger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", jaeger.otlp)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "strikegraph-test")
    trace_id = secrets.token_hex(16)
    mutation = (
        'mutation Rename { updateNode(id: "dga", expectedVersion: 1, input: {description: "Directors"}) { version } }'
    )
    try:
        tracing.configure(settings.neo4j_uri, documents=False)
        response = await client.post(
            "/graphql",
            json={"query": mutation},
            headers={**bearer(Role.EDITOR), "traceparent": f"00-{trace_id}-{PARENT_ID}-01"},
        )
    finally:
        tracing.shutdown()  # flushes the batch to Jaeger
    body = response.json()
    assert "errors" not in body, body
    statements = body["extensions"]["cypherStatements"]
    spans = jaeger.trace(trace_id, wanted=2 + statements)

    def tags(span: dict[str, Any]) -> dict[str, Any]:
        return {tag["key"]: tag["value"] for tag in span["tags"]}

    [server] = [span for span in spans if tags(span).get("span.kind") == "server"]
    assert server["operationName"] == "mutation Rename"
    assert tags(server)["graphql.operation.type"] == "mutation" and tags(server)["http.response.status_code"] == 200
    assert server["references"][0]["spanID"] == PARENT_ID  # the caller's span, which Jaeger never received
    cypher = [span for span in spans if tags(span).get("span.kind") == "client"]
    assert len(cypher) == statements + 1 and statements > 2  # the last: the catch-up read of the audit trail
    for span in cypher:
        assert [(ref["refType"], ref["spanID"]) for ref in span["references"]] == [("CHILD_OF", server["spanID"])]
        assert tags(span)["db.system.name"] == "neo4j" and "$" in tags(span)["db.query.text"]
    [process] = {span["processID"] for span in spans}
    assert [
        trace["processes"][process]["serviceName"]
        for trace in httpx.get(f"{jaeger.query}/api/traces/{trace_id}", timeout=5).json()["data"]
    ] == ["strikegraph-test"]
