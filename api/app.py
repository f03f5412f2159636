"""The ASGI application: GraphQL (with GraphiQL for browsers), health probes, and the lifespan that
owns the Neo4j driver."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import graphql
from cross_web import AsyncHTTPRequestAdapter
from graphql.language import OperationDefinitionNode, OperationType
from neo4j import AsyncDriver
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult, SubscriptionExecutionResult

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

BATCHED_MUTATION = (
    "a batch (a JSON array of operations) may not contain a mutation: send the mutations as one operation; "
    "the mutations of one operation are one transaction"
)


class StrikegraphGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql")
        self.settings = settings
        self.keys = KeyRing([*settings.api_keys, *read_keys_file(settings.api_keys_file)])

    async def get_context(self, request: Any, response: Any = None) -> Context:
        driver: AsyncDriver = request.app.state.driver
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        graph = RequestGraph(driver, self.settings.neo4j_database, self.settings.query_timeout_seconds, request_id)
        caller = self.keys.caller(request.headers.get("authorization"))
        return Context(request=request, graph=graph, settings=self.settings, request_id=request_id, caller=caller)

    async def execute_operation(  # Strawberry's signature
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Any,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """A batch runs its operations concurrently, so they cannot share one write transaction: a batch
        with a mutation is refused whole, and each query of a batch gets its own view of Neo4j."""
        if not isinstance(request_data, list):
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        if any(_has_mutation(item.query, self.settings.max_tokens) for item in request_data):
            refused = graphql.GraphQLError(BATCHED_MUTATION, extensions={"code": "BAD_USER_INPUT"})
            return [ExecutionResult(data=None, errors=[refused]) for _ in request_data]
        contexts = [dataclasses.replace(context, graph=context.graph.again()) for _ in request_data]
        return list(
            await asyncio.gather(
                *(
                    self.execute_single(request, request_adapter, sub_response, own, root_value, item)
                    for own, item in zip(contexts, request_data, strict=True)
                )
            )
        )

    async def execute_single(  # Strawberry's signature
        self,
        request: Any,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Run the operation; when its write transaction failed for a reason a retry can cure (a
        deadlock, a leader switch, a dropped connection), run the whole operation again in a new
        transaction, within the settings' retry budget. Nothing of a failed attempt was committed."""
        started = time.monotonic()
        delays = _backoff()
        while True:
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
            reason = context.graph.retry
            if reason is None:
                return result
            budget = (
                self.settings.transient_retry_seconds
                if reason == "transient"
                else self.settings.unavailable_retry_seconds
            )
            delay = next(delays)
            if time.monotonic() - started + delay > budget:
                return result
            log.info("request %s: %s failure, running it again in %.2fs", context.request_id, reason, delay)
            await asyncio.sleep(delay)
            context.graph = context.graph.again()


def _has_mutation(query: str | None, max_tokens: int) -> bool:
    try:
        document = graphql.parse(query or "", max_tokens=max_tokens)
    except graphql.GraphQLError:
        return False  # executing the operation reports the syntax error
    return any(
        isinstance(definition, OperationDefinitionNode) and definition.operation == OperationType.MUTATION
        for definition in document.definitions
    )


def _backoff() -> Iterator[float]:
    """Delays between attempts: doubling from 50 ms up to 1 s, jittered so racing requests spread out."""
    delay = 0.05
    while True:
        yield delay * random.uniform(0.5, 1.5)
        delay = min(delay * 2, 1.0)


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
