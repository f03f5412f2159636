"""The ASGI application: GraphQL over HTTP and WebSocket (with GraphiQL for browsers in development), the
explorer page, health probes, the middleware (CORS, body limit), and the lifespan that owns the Neo4j
driver and the change feed."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute

from api import tracing
from api.database.graph import (
    Driver,
    apply_graph_schema,
    create_driver,
    create_liveness,
    create_slots,
    neo4j_unavailable_reason,
    wait_until_reachable,
)
from api.database.supervisor import Neo4jSupervisor
from api.live.feed import ChangeFeed, FeedLimits
from api.settings import Settings
from api.web.explorer import explorer_routes
from api.web.graphiql import graphiql_asset_route
from api.web.http_view import StrikegraphGraphQL
from api.web.metrics import LoadMetrics, Metrics, MetricsMiddleware
from api.web.middleware import body_limit_middleware, compression_middleware, cors_middleware, error_response
from api.web.reconcile import reconciliation_routes
from api.web.review import review_routes
from seed.loader import load_seed_if_empty
from seed.problems import SeedValidationError

log = logging.getLogger("strikegraph")


async def prepare_graph(driver: Driver, settings: Settings, loads: LoadMetrics) -> None:
    """Constraints and indexes, then the curated seed if the graph is empty; says which happened."""
    await wait_until_reachable(driver, settings.startup_timeout_seconds)
    await apply_graph_schema(driver, settings.neo4j_database)
    if not settings.seed_on_start:
        log.info("Seed: not loaded (STRIKEGRAPH_SEED_ON_START is off)")
        return
    started = time.perf_counter()
    try:
        summary = await load_seed_if_empty(driver, settings.neo4j_database)
    except SeedValidationError as error:
        loads.refused("seed", len(error.problems), time.perf_counter() - started)
        raise
    if summary is not None:
        loads.loaded("seed", {"node": summary.nodes, "fact": summary.facts}, time.perf_counter() - started)
    if summary is None:
        log.info("Seed: not loaded, the graph already has data")
    else:
        nodes, facts = summary.nodes["created"], summary.facts["created"]
        log.info("Seed: loaded the curated seed into the empty graph (%d nodes, %d facts)", nodes, facts)


def create_app(settings: Settings, local_neo4j: Neo4jSupervisor | None = None) -> Starlette:
    """The app; `local_neo4j` watches the Neo4j that `serve` started, for /healthz to report."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if tracing.wanted():  # the OTEL_* variables ask for traces (a test turns them on itself)
            tracing.configure(settings.neo4j_uri, settings.trace_documents)
        driver = create_driver(settings)
        app.state.driver = driver
        app.state.slots = create_slots(settings)
        if settings.metrics:
            metrics.pool = app.state.slots
        app.state.liveness = create_liveness(settings)
        responses = graphql.answering.responses
        freshness = responses.freshness if responses is not None else None
        app.state.feed = ChangeFeed(driver, settings.neo4j_database, feed_limits(settings), freshness)
        try:
            await prepare_graph(driver, settings, metrics.loads)
            await app.state.feed.follow()  # with the response cache: what changed, from now on
            log.info("GraphQL at http://%s:%d/graphql%s", settings.host, settings.port, graphiql_note)
            if settings.explorer:
                log.info("Explorer at http://%s:%d/explore", settings.host, settings.port)
            yield
        finally:
            await app.state.feed.close()  # ends every subscription (clients may resume with `after:`)
            await app.state.liveness.close()
            await driver.close()
            if tracing.wanted():
                tracing.shutdown()  # what is buffered goes out

    async def healthz(request: Request) -> Response:
        feed: ChangeFeed = request.app.state.feed
        health: dict[str, object] = {
            "status": "ok", "subscriptions": feed.subscriptions, "changeFeed": feed.state
        }  # fmt: skip
        if local_neo4j is not None:  # the Neo4j this process runs: not healthy while it is not running
            state = local_neo4j.state
            health["localNeo4j"] = state.as_json()
            if state.state != "running":
                return JSONResponse({**health, "status": "unavailable"}, status_code=503)
        return JSONResponse(health)

    async def readyz(request: Request) -> Response:
        try:
            reason = await asyncio.wait_for(
                neo4j_unavailable_reason(request.app.state.driver, settings.neo4j_database), timeout=3.0
            )
        except TimeoutError:
            reason = "Neo4j did not answer within 3s"
        if reason is None:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)

    graphql = StrikegraphGraphQL(settings)
    caches = {"documents": graphql.answering.cache, "plans": graphql.answering.compiler.plans}
    if graphql.answering.responses is not None:
        caches["responses"] = graphql.answering.responses.entries
    metrics = Metrics(caches, lambda: getattr(app.state, "feed", None))
    graphiql_note = " (GraphiQL in a browser)" if settings.graphiql_enabled else ""
    routes = [
        # Every method reaches the view, so the ones it refuses get a JSON error with a code too.
        Route("/graphql", graphql, methods=None),
        WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    measuring: list[Middleware] = []
    if settings.metrics:  # off: nothing is recorded either
        graphql.metrics = metrics
        routes.append(Route("/metrics", metrics.endpoint, methods=["GET"]))
        measuring.append(Middleware(MetricsMiddleware, metrics=metrics))
    if settings.graphiql_enabled:
        routes.append(graphiql_asset_route())
    if settings.explorer:
        routes += explorer_routes()
    if settings.reconciliation:  # OpenRefine's reconciliation service, reading as GraphQL reads do (its keys)
        routes += reconciliation_routes(settings, graphql.keys)
    if settings.review_page:
        routes += review_routes()
    if settings.environment == "development":
        routes.append(Route("/", to_graphiql, methods=["GET"]))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[*measuring, compression_middleware(), cors_middleware(settings), body_limit_middleware(settings)],
        exception_handlers={HTTPException: http_error, Exception: internal_error},
    )
    return app


def feed_limits(settings: Settings) -> FeedLimits:
    return FeedLimits(
        poll_interval=settings.change_poll_interval_seconds,
        read_timeout=settings.change_read_timeout_seconds,
        buffer=settings.change_buffer,
        max_subscribers=settings.max_subscriptions,
    )


async def to_graphiql(request: Request) -> Response:
    return RedirectResponse("/graphql")


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own 404 and 405 (unknown paths and methods), as JSON with a code."""
    assert isinstance(error, HTTPException)
    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(error.status_code, "BAD_REQUEST")
    return error_response(error.status_code, code, str(error.detail), headers=error.headers)


async def internal_error(request: Request, error: Exception) -> Response:
    """Anything unexpected: logged with its traceback (uvicorn also logs it), masked for the client."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(500, "INTERNAL", "Internal server error")
