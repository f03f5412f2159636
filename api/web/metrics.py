"""Prometheus metrics at `/metrics` (the official client), named by the OpenTelemetry semantic conventions
where they have a name: HTTP request durations by method, route and status; GraphQL operations by type and
outcome; compiled queries' planned cost; the document and plan caches read at scrape time. Every label is
bounded: routes are the app's own templates, methods the HTTP ones, outcomes the error codes the API sends.
Each app has its own registry; with several processes, Prometheus scrapes each (`instance` tells them apart)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    write_to_textfile,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.compile.execute import ByteBudgetCache
from api.database.connection_slots import ConnectionSlots
from api.database.graph import RequestGraph
from api.live.feed import ChangeFeed

METHODS = frozenset({"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"})
ROUTES = (
    "/graphql", "/healthz", "/readyz", "/metrics", "/explore", "/explore/model.json", "/review", "/reconcile",
    "/reconcile/preview", "/",
)  # fmt: skip
# Routes with a parameter: the path under each prefix counts as its template.
TEMPLATES = {
    "/graphiql/assets": "/graphiql/assets/{name}",
    "/explore/assets": "/explore/assets/{name}",
    "/review/assets": "/review/assets/{name}",
    "/reconcile/suggest": "/reconcile/suggest/{kind}",
}
WAIT_SECONDS = (0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5)
POOL = "neo4j"  # the one pool: the app's driver
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)  # the conventions'


def route_of(path: str) -> str:
    """The route template a path matched, or `other`: never the raw path (unbounded)."""
    if path in ROUTES:
        return path
    for prefix, template in TEMPLATES.items():
        if path.startswith(prefix + "/"):
            return template
    return "other"


class _Caches(Collector):
    """The caches as they are when scraped: nothing is counted on the request path but hits and misses."""

    def __init__(self, caches: dict[str, ByteBudgetCache]) -> None:
        self.caches = caches

    def collect(self) -> Iterator[Metric]:
        size = GaugeMetricFamily("strikegraph_cache_bytes", "Estimated bytes held, by cache.", labels=["cache"])
        budget = GaugeMetricFamily("strikegraph_cache_budget_bytes", "Byte budget, by cache.", labels=["cache"])
        entries = GaugeMetricFamily("strikegraph_cache_entries", "Entries held, by cache.", labels=["cache"])
        lookups = CounterMetricFamily(
            "strikegraph_cache_lookups",
            "Lookups since start, by cache and result (hit, miss).",
            labels=["cache", "result"],
        )
        for name, cache in self.caches.items():
            size.add_metric([name], cache.used)
            budget.add_metric([name], cache.budget)
            entries.add_metric([name], len(cache))
            lookups.add_metric([name, "hit"], cache.hits)
            lookups.add_metric([name, "miss"], cache.misses)
        yield from (size, budget, entries, lookups)


class _Feed(Collector):
    """The change feed as it is when scraped (None before the app's lifespan made it)."""

    def __init__(self, feed: Callable[[], ChangeFeed | None]) -> None:
        self.feed = feed

    def collect(self) -> Iterator[Metric]:
        feed = self.feed()
        if feed is None:
            return
        yield GaugeMetricFamily("strikegraph_subscriptions", "Open subscriptions in this process.", feed.subscriptions)
        yield GaugeMetricFamily(
            "strikegraph_change_feed_lag", "Changes committed (as of the last read of the audit trail) and not yet "
            "handed to subscribers and the response cache.", feed.lag,
        )  # fmt: skip
        if feed.read_at is not None:
            yield GaugeMetricFamily(
                "strikegraph_change_feed_age_seconds", "Seconds since the last read of the audit trail that reached "
                "its head began (past STRIKEGRAPH_RESPONSE_CACHE_MAX_STALENESS_SECONDS, nothing is served from "
                "memory).", time.monotonic() - feed.read_at,
            )  # fmt: skip
        yield CounterMetricFamily(
            "strikegraph_change_feed_poll_errors", "Reads of the audit trail that failed.", feed.poll_errors
        )


class _Pool(Collector):
    """The requests' use of the driver's connection pool (api/database/connection_slots.py), by the
    conventions' `db.client.connection.*` names; idle connections are the driver's and not visible."""

    def __init__(self, pool: Callable[[], ConnectionSlots | None]) -> None:
        self.pool = pool

    def collect(self) -> Iterator[Metric]:
        slots = self.pool()
        if slots is None:
            return
        names = ["db_client_connection_pool_name"]
        used = GaugeMetricFamily(
            "db_client_connection_count",
            "Connections in use by requests.",
            labels=[*names, "db_client_connection_state"],
        )
        used.add_metric([POOL, "used"], slots.in_use)
        yield used
        for family, text, value in (
            (GaugeMetricFamily, "db_client_connection_max", "Connections requests may use at once."),
            (GaugeMetricFamily, "db_client_connection_pending_requests", "Requests waiting for a connection."),
        ):
            metric = family(text, value, labels=names)
            metric.add_metric([POOL], slots.slots if text.endswith("max") else slots.pending)
            yield metric
        timeouts = CounterMetricFamily(
            "db_client_connection_timeouts", "Requests that found no free connection in time.", labels=names
        )
        timeouts.add_metric([POOL], slots.timeouts)
        yield timeouts


class LoadMetrics:
    """Seed loads and bulk imports: rows by kind and outcome, the problems that refused one, how long the last
    took and when one last succeeded. The app counts its own seed on start in its registry; `strikegraph
    seed` and `strikegraph import` write theirs with `--metrics-file`, in the text format that
    node_exporter's textfile collector reads (a command's process is gone before any scrape)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.rows = Counter(
            "strikegraph_load_rows", "Rows a seed load or bulk import handled, by kind (node, fact) and outcome.",
            ["load", "kind", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.problems = Counter(
            "strikegraph_load_problems", "Problems (each at its file:line) that refused a load; nothing was written.",
            ["load"], registry=self.registry,
        )  # fmt: skip
        self.duration = Gauge(
            "strikegraph_load_duration_seconds", "How long the last load took.", ["load"], registry=self.registry
        )
        self.last_success = Gauge(
            "strikegraph_load_last_success_timestamp_seconds", "When a load last succeeded (Unix time).", ["load"],
            registry=self.registry,
        )  # fmt: skip

    def loaded(self, load: str, rows: Mapping[str, Mapping[str, int]], seconds: float) -> None:
        """`rows`: by kind ("node", "fact"), the count of each outcome (created, updated, unchanged, ...)."""
        for kind, outcomes in rows.items():
            for outcome, count in outcomes.items():
                self.rows.labels(load, kind, outcome).inc(count)
        self.duration.labels(load).set(seconds)
        self.last_success.labels(load).set_to_current_time()

    def refused(self, load: str, problems: int, seconds: float) -> None:
        self.problems.labels(load).inc(problems)
        self.duration.labels(load).set(seconds)

    def write(self, path: Path) -> None:
        write_to_textfile(str(path), self.registry)


class Metrics:
    def __init__(
        self, caches: dict[str, ByteBudgetCache], feed: Callable[[], ChangeFeed | None] = lambda: None
    ) -> None:
        self.registry = CollectorRegistry()
        self.http_duration = Histogram(
            "http_server_request_duration_seconds", "Duration of HTTP server requests.",
            ["http_request_method", "http_route", "http_response_status_code"], buckets=SECONDS, registry=self.registry,
        )  # fmt: skip
        self.operations = Counter(
            "graphql_server_operations", "GraphQL operations answered over HTTP, by type and outcome (ok, or the "
            "error code), and by name for allow-listed operations.",
            ["graphql_operation_type", "graphql_operation_name", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.cost = Histogram(
            "strikegraph_query_cost", "Planned cost (objects read) of the queries the compiler answered.",
            buckets=(1, 10, 100, 1_000, 10_000, 100_000), registry=self.registry,
        )  # fmt: skip
        self.cypher = Histogram(
            "db_client_operation_duration_seconds", "Duration of the Cypher statements GraphQL requests sent, as "
            "the client waited for them.", ["db_system_name", "db_namespace"], buckets=SECONDS, registry=self.registry,
        )  # fmt: skip
        self.connection_wait = Histogram(
            "db_client_connection_wait_time_seconds", "Time requests waited for a connection of the pool.",
            ["db_client_connection_pool_name"], buckets=WAIT_SECONDS, registry=self.registry,
        )  # fmt: skip
        self._pool: ConnectionSlots | None = None
        self.registry.register(_Pool(lambda: self._pool))
        self.loads = LoadMetrics(self.registry)
        self.registry.register(_Caches(caches))
        self.registry.register(_Feed(feed))

    def operation(
        self, operation_type: str | None, codes: set[str], cost: int | None, graph: RequestGraph, name: str | None
    ) -> None:
        """One answered operation; `name` only for an allow-listed one (bounded by the list), else ""."""
        outcomes = sorted(codes) or ["ok"]
        for outcome in outcomes:
            self.operations.labels(operation_type or "unknown", name or "", outcome).inc()
        if cost is not None:
            self.cost.observe(cost)
        if graph.seconds:
            statements = self.cypher.labels("neo4j", graph.database)
            for seconds in graph.seconds:
                statements.observe(seconds)

    @property
    def pool(self) -> ConnectionSlots | None:
        return self._pool

    @pool.setter
    def pool(self, slots: ConnectionSlots) -> None:
        """Measure this pool from now on (set once the app's driver exists)."""
        self._pool = slots
        slots.on_wait = self.connection_wait.labels(POOL).observe

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Times every HTTP request (pure ASGI: the body streams through untouched)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts a response

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "_OTHER"
            self.metrics.http_duration.labels(method, route_of(scope["path"]), str(status)).observe(
                time.perf_counter() - started
            )
