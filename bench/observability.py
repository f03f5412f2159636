"""`python -m bench.observability`: what metrics and traces cost a request.

A throwaway Neo4j with the curated seed; `strikegraph serve` in production mode with the response cache off
(every request reads Neo4j), four ways in turn: metrics off, metrics on (the default), metrics on with every
trace exported over OTLP/HTTP to a receiver in this process (which decodes nothing: it answers 200), and the
same with one trace in ten sampled (`OTEL_TRACES_SAMPLER=parentbased_traceidratio`, argument 0.1). wrk
measures the same read at concurrency 1 (p50) and 32 (throughput), after a warm-up, in rounds with the
settings interleaved; the medians are printed with their ratios to metrics off."""

from __future__ import annotations

import asyncio
import statistics
import threading
import timeit
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Annotated

import orjson
import typer

from bench.live import ApiProcess, start_api_process, throwaway_neo4j
from bench.loadgen import Measurement, ensure_wrk, run_wrk

READ = 'query Org { organization(id: "wga") { name aliases leaders { person { name } } } }'


class _Receiver(BaseHTTPRequestHandler):
    spans_bytes = 0

    def do_POST(self) -> None:  # the standard library names it
        _Receiver.spans_bytes += len(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _measure(api: ApiProcess, seconds: float) -> tuple[Measurement, Measurement]:
    wrk, body = ensure_wrk(), orjson.dumps({"query": READ})
    return (
        asyncio.run(run_wrk(wrk, api.graphql, body, 1, seconds)),
        asyncio.run(run_wrk(wrk, api.graphql, body, 32, seconds)),
    )


def hook_microseconds() -> dict[str, float]:
    """The tracing hooks of one request (the operation's span and one statement's), in this process: CPU per
    request with every trace recorded, one in ten, and none (spans still made, then sampled out)."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
    from opentelemetry.sdk.trace.sampling import ParentBased, Sampler, TraceIdRatioBased

    from api import tracing

    class Discard(SpanExporter):
        def export(self, spans: object) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    cypher = "CALL () { MATCH (n:Entity:Organization {id: $p0}) RETURN n { .name, .aliases } AS f0 } RETURN f0"
    samplers: dict[str, Sampler | None] = {
        "every trace": None,
        "one in ten": ParentBased(TraceIdRatioBased(0.1)),
        "none": ParentBased(TraceIdRatioBased(0)),
    }
    costs = {}
    for name, sampler in samplers.items():
        provider = TracerProvider(sampler=sampler) if sampler else TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(Discard()))
        tracing.configure("bolt://127.0.0.1:7687", False, provider)

        def request() -> None:
            with tracing.operation_span({}, "POST", "/graphql") as span:
                with tracing.cypher_span("neo4j", cypher * 10):
                    pass
                tracing.described(span, "query", "Org", None)
                tracing.finished(span, 200, {"cost": 3, "cache": "miss", "cypherStatements": 1}, set())

        costs[name] = timeit.timeit(request, number=20_000) / 20_000 * 1e6
        tracing.shutdown()
    return costs


def main(
    seconds: Annotated[float, typer.Option(help="Seconds per cell (whole).")] = 5.0,
    rounds: Annotated[int, typer.Option(help="Rounds, the settings interleaved; medians are shown.")] = 3,
) -> None:
    print(measure(seconds, rounds))


def measure(seconds: float, rounds: int) -> str:
    """The table (Markdown) and the hooks' cost, as `make bench` appends them to its report."""
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    common = {"STRIKEGRAPH_ENVIRONMENT": "production", "STRIKEGRAPH_ACCESS_LOG": "false",
              "STRIKEGRAPH_RESPONSE_CACHE": "false"}  # fmt: skip
    setups = {
        "metrics off": {"STRIKEGRAPH_METRICS": "false"},
        "metrics on": {},
        "metrics and traces (OTLP)": {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.server_port}"},
        "metrics and 10% of traces (sampled)": {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.server_port}",
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "0.1",
        },
    }
    cells: dict[str, list[tuple[Measurement, Measurement]]] = {name: [] for name in setups}
    with throwaway_neo4j("observability", heap="1g", pagecache="256m") as (home, neo4j):
        apis = {
            name: start_api_process(f"api-{index}", neo4j, home, common | extra | {"STRIKEGRAPH_SEED_ON_START": "true"})
            for index, (name, extra) in enumerate(setups.items())
        }
        try:
            for api in apis.values():
                _measure(api, 2)  # warm-up: Neo4j's plan, the caches, the connections
            for _ in range(rounds):
                for name, api in apis.items():
                    cells[name].append(_measure(api, seconds))
        finally:
            for api in apis.values():
                api.stop()
            receiver.shutdown()
    base_p50 = statistics.median(one.p50 for one, _ in cells["metrics off"])
    base_rate = statistics.median(many.per_second for _, many in cells["metrics off"])
    lines = [
        "### What metrics and traces cost (`python -m bench.observability`)",
        "",
        f"`{READ}`, cache off; median of {rounds} rounds, {seconds:g}s per cell; OTLP received "
        f"{_Receiver.spans_bytes / 1e6:.1f} MB. Targets: metrics at most 1.02x of p50, traces at most 1.05x.",
        "",
        "| setting | p50 ms (c=1) | p50 / metrics off | c=32 req/s | req/s / metrics off |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in setups:
        p50 = statistics.median(one.p50 for one, _ in cells[name])
        rate = statistics.median(many.per_second for _, many in cells[name])
        lines.append(f"| {name} | {p50:.2f} | {p50 / base_p50:.3f} | {rate:,.0f} | {rate / base_rate:.3f} |")
    costs = ", ".join(f"{name} {us:.0f} us" for name, us in hook_microseconds().items())
    lines += ["", f"The tracing hooks' CPU per request (one operation span and one statement's, in-process): {costs}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    typer.run(main)
