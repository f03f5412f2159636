"""Traces by the OpenTelemetry semantic conventions: one SERVER span per GraphQL operation, over HTTP or a
WebSocket (the request's or the handshake's `traceparent` continued), one CLIENT span per Cypher statement
under it, and one INTERNAL span for a sample of the change feed's polls of the audit trail.

On when an OTLP endpoint is set by the standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT` or
`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, headers and the rest as
the SDK reads them), unless `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. Off, each hook costs
one test of a module constant: nothing is created, no context is extracted.

The Cypher in `db.query.text` is the statement as sent, which never holds a value (every value is a
parameter, and parameters are not recorded). The GraphQL document is recorded only when
`STRIKEGRAPH_TRACE_DOCUMENTS=true`, with its literals replaced (`graphql.document`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

INSTRUMENTATION = "strikegraph"
_FIRST_CLAUSE = re.compile(r"\b(OPTIONAL MATCH|MATCH|MERGE|CREATE|CALL|UNWIND|WITH|RETURN)\b")
_FIRST_LABEL = re.compile(r"\(\w*:(\w+)")
_LITERALS = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\]|\\.)*"|-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b')


@dataclass(frozen=True)
class Tracing:
    tracer: Tracer
    provider: TracerProvider
    server: tuple[str, int] | None  # Neo4j's address and port, for the CLIENT spans
    documents: bool  # record the sanitised GraphQL document


_tracing: Tracing | None = None  # set once at start-up (`configure`); None: every hook is a no-op


def wanted(environment: Mapping[str, str] = os.environ) -> bool:
    """Whether the standard variables ask for traces."""
    if environment.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    if environment.get("OTEL_TRACES_EXPORTER", "otlp").lower() == "none":
        return False
    return bool(environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environment.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def configure(neo4j_uri: str | None, documents: bool, provider: TracerProvider | None = None) -> None:
    """Traces on: exported over OTLP/HTTP as the OTEL_* variables say, or through `provider`'s own
    processors (a test's)."""
    global _tracing
    if provider is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", INSTRUMENTATION)})
        provider = TracerProvider(resource=resource)  # the sampler from OTEL_TRACES_SAMPLER
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    _tracing = Tracing(provider.get_tracer(INSTRUMENTATION), provider, _address(neo4j_uri), documents)


def shutdown(flush: bool = True) -> None:
    """Traces off; with `flush`, what is buffered is sent first."""
    global _tracing
    if _tracing is not None and flush:
        _tracing.provider.shutdown()
    _tracing = None


def operation_span(headers: Mapping[str, str], method: str, route: str) -> AbstractContextManager[Span | None]:
    """The SERVER span of a GraphQL request, in the caller's trace when it sent `traceparent`. Named `POST
    /graphql` until the operation is known (`described`)."""
    if _tracing is None:
        return nullcontext()
    attributes = {"http.request.method": method, "http.route": route, "url.path": route}
    return _server_span(_tracing, headers, f"{method} {route}", attributes)


def websocket_span(headers: Mapping[str, str], route: str) -> AbstractContextManager[Span | None]:
    """The SERVER span of one operation over a WebSocket connection, in the trace of the handshake's
    `traceparent`. A subscription's span lasts as long as the subscription; each event it sends is an event."""
    if _tracing is None:
        return nullcontext()
    attributes = {"network.protocol.name": "websocket", "http.route": route, "url.path": route}
    return _server_span(_tracing, headers, "graphql", attributes)


@contextmanager
def _server_span(tracing: Tracing, headers: Mapping[str, str], name: str, attributes: dict[str, str]) -> Iterator[Span]:
    with tracing.tracer.start_as_current_span(
        name, context=propagate.extract(headers), kind=SpanKind.SERVER, attributes=attributes, record_exception=False
    ) as span:
        yield span


@contextmanager
def background_span(name: str, sampled: bool) -> Iterator[Span | None]:
    """An INTERNAL root span for work no request asked for (a poll of the audit trail), when `sampled`; its
    statements become CLIENT spans under it."""
    tracing = _tracing
    if tracing is None or not sampled:
        yield None
        return
    with tracing.tracer.start_as_current_span(
        name, context=Context(), kind=SpanKind.INTERNAL, record_exception=False
    ) as span:
        yield span


def described(span: Span | None, operation_type: str | None, name: str | None, document: str | None) -> None:
    """The operation, once parsed: the span's name and the conventions' attributes."""
    if span is None or operation_type is None:
        return
    span.update_name(f"{operation_type} {name}" if name else operation_type)
    span.set_attribute("graphql.operation.type", operation_type)
    if name:
        span.set_attribute("graphql.operation.name", name)
    tracing = _tracing
    if tracing is not None and tracing.documents and document is not None:
        span.set_attribute("graphql.document", sanitized(document))


def finished(span: Span | None, status: int | None, facts: Mapping[str, Any], codes: set[str]) -> None:
    """The outcome: the HTTP status (none over a WebSocket), what `extensions` reported, the first error code."""
    if span is None:
        return
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    for key in ("cost", "cache", "cypherStatements"):
        if key in facts:
            span.set_attribute(f"strikegraph.{key}", facts[key])
    if codes:
        span.set_attribute("error.type", sorted(codes)[0])
    if (status or 0) >= 500 or codes & {"INTERNAL", "SERVICE_UNAVAILABLE", "QUERY_TIMEOUT"}:
        span.set_status(Status(StatusCode.ERROR))


def ids(span: Span | None) -> tuple[str, str] | None:
    """The span's trace and span ids as the W3C header writes them, for a log line to join with."""
    if span is None:
        return None
    context = span.get_span_context()
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


def event(name: str, **attributes: str | int | float | bool) -> None:
    """A step of the current operation (a retry, the response cache's answer), when traced."""
    if _tracing is not None:
        trace.get_current_span().add_event(name, attributes)


@contextmanager
def cypher_span(database: str, cypher: str) -> Iterator[Span | None]:
    """The CLIENT span of one Cypher statement, under the operation's span when that one is recorded (not
    sampled out; statements of no traced operation, such as the change feed's, are not traced)."""
    tracing = _tracing
    if tracing is None or not trace.get_current_span().is_recording():
        yield None
        return
    summary = query_summary(cypher)
    attributes: dict[str, str | int] = {
        "db.system.name": "neo4j", "db.namespace": database, "db.query.text": cypher, "db.query.summary": summary,
    }  # fmt: skip
    if tracing.server is not None:
        attributes["server.address"], attributes["server.port"] = tracing.server
    with tracing.tracer.start_as_current_span(
        summary, kind=SpanKind.CLIENT, attributes=attributes, record_exception=False
    ) as span:
        try:
            yield span
        except BaseException as error:
            span.set_attribute("error.type", getattr(error, "code", None) or type(error).__qualname__)
            span.set_status(Status(StatusCode.ERROR))
            raise


def query_summary(cypher: str) -> str:
    """Low in cardinality, as the conventions ask: the first clause and the first label it names."""
    clause = _FIRST_CLAUSE.search(cypher)
    label = _FIRST_LABEL.search(cypher)
    return " ".join(part for part in (clause.group(1) if clause else "CYPHER", label.group(1) if label else "") if part)


def sanitized(document: str) -> str:
    """The document with every string and number literal replaced by `?`."""
    return _LITERALS.sub("?", document)


def _address(uri: str | None) -> tuple[str, int] | None:
    if not uri:
        return None
    parts = urlsplit(uri)
    return (parts.hostname, parts.port or 7687) if parts.hostname else None
