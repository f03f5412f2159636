"""The ASGI application: GraphQL (with GraphiQL for browsers), health probes, and the lifespan that
owns the Neo4j driver."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from api.auth import KeyRing, read_keys_file
from api.context import Context
from api.graph import (
    RequestGraph,
    apply_graph_schema,
    create_driver,
    neo4j_unavailable_reason,
    wait_until_reachable,
)
from api.graphql_schema import build_schema
from api.settings import Settings
from seed.loader import load_seed_if_empty

log = logging.getLogger("strikegraph")


class StrikegraphGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql")
        self.settings = settings
        self.keys = KeyRing([*settings.api_keys, *read_keys_file(settings.api_keys_file)])

    async def get_context(self, request: Any, response: Any = None) -> Context:
        driver: AsyncDriver = request.app.state.driver
        graph = RequestGraph(driver, self.settings.neo4j_database, self.settings.query_timeout_seconds)
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        caller = self.keys.caller(request.headers.get("authorization"))
        return Context(request=request, graph=graph, settings=self.settings, request_id=request_id, caller=caller)


async def prepare_graph(driver: AsyncDriver, settings: Settings) -> None:
    """Constraints and indexes, then the curated seed if the graph is empty."""
    await wait_until_reachable(driver, settings.startup_timeout_seconds)
    await apply_graph_schema(driver, settings.neo4j_database)
    if settings.seed_on_start:
        await load_seed_if_empty(driver, settings.neo4j_database)


def create_app(settings: Settings) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        driver = create_driver(settings)
        app.state.driver = driver
        try:
            await prepare_graph(driver, settings)
            yield
        finally:
            await driver.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

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
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
