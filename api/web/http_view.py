"""GraphQL over HTTP as the spec (graphql.github.io/graphql-over-http) has it, on Strawberry's ASGI view
through its public hooks: content negotiation (406), strict bodies (400, 415), request errors as 4xx under
application/graphql-response+json, 503 when only Neo4j's absence failed, persisted queries, and ETags with
Cache-Control on GET queries."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import graphql
import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql.language import OperationDefinitionNode, OperationType
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api import tracing
from api.auth import KeyRing
from api.contract.answering import client_of, read_refusal, response_facts
from api.contract.context import Context
from api.contract.graphql_schema import build_schema, log_errors, new_documents
from api.contract.new_documents import RateLimited
from api.database.graph import Driver, RequestGraph
from api.settings import Settings
from api.web.graphiql import graphiql_response
from api.web.graphql_request import decode_json_body, decode_json_text, is_json_content_type, negotiate, request_data
from api.web.metrics import Metrics
from api.web.middleware import GRAPHQL_RESPONSE_JSON, JSON, RequestRefused, error_response
from api.web.persisted_queries import AllowList, PersistedQueries, PersistedQueryStore
from api.web.request_log import log_request
from api.web.websocket import GraphQLWebSocket, connection_caller, connection_key, origin_allowed

log = logging.getLogger("strikegraph")
T = TypeVar("T")

# Request errors (no execution happened) map to these statuses under application/graphql-response+json.
_REQUEST_ERROR_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403}


@dataclass
class Exchange:
    """What the view learns about one HTTP request on its way in, for shaping the response on its way out."""

    method: str
    media_type: str
    if_none_match: str | None
    authorized: bool
    request_errors: list[bool] = field(default_factory=list)  # per result: errors before execution only
    codes: list[set[str]] = field(default_factory=list)  # per result: the error codes
    retry_after: int | None = None  # seconds, from a RATE_LIMITED error: the Retry-After header
    etag: str | None = None  # the response cache's tag for the answer (else one is made from the body)


class ExchangeResponse(Response):
    """Strawberry's sub-response (headers and status resolvers may set), carrying the request's Exchange."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self.exchange = exchange
        self.status_code = 0
        del self.headers["content-length"]


class StrikegraphGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = GraphQLWebSocket

    def __init__(self, settings: Settings) -> None:
        self.new_documents = new_documents(settings)
        schema = build_schema(settings, self.new_documents)
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.websocket_init_timeout_seconds),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings
        self.keys = KeyRing(settings.api_keys, settings.api_keys_file)
        allow_list = (
            AllowList.from_file(settings.persisted_queries_allow_list)
            if settings.persisted_queries_allow_list
            else None
        )
        store = PersistedQueryStore(settings.persisted_queries_max_entries, settings.persisted_queries_max_bytes)
        self.persisted = PersistedQueries(store, allow_list)
        self.answering = schema.answering
        self.metrics: Metrics | None = None  # the app's (api/web/app.py)

    async def answer(self, request: Request) -> Response:
        """One GraphQL request over HTTP, top to bottom. A query the compiler takes is answered here, step
        by step; the rest (the GraphiQL page, batches, mutations, introspection, other methods, or everything
        with the compiled path off) by Strawberry's view (`run`), whose hooks below take the same steps."""
        adapter = self.request_adapter_class(request)
        if (
            not self.answering.compiled
            or request.method not in ("GET", "POST")
            or self.should_render_graphql_ide(adapter)
        ):
            return await self.run(request)
        sub_response = await self.get_sub_response(request)  # the media type the client accepts (406: none)
        body = await self.parse_http_body(adapter)  # a strict body (400, 415); a persisted query's document
        if isinstance(body, list) or not body.query:
            return await self.run(request)  # a batch: each of its operations with a view of its own
        request.state.query = body.query  # for the trace (api/tracing.py), when documents are recorded
        context = await self.get_context(request, sub_response)
        result = await self.query(context, body.query, body.operation_name, body.variables)
        if result is None:
            return await self.run(request)  # not a query the compiler takes: graphql-core executes it
        if context.budget is not None:  # the client's query cost budget, allowed or not
            sub_response.headers.update(self.answering.rate_limit_fields(context.budget))
        assert isinstance(sub_response, ExchangeResponse)
        sub_response.exchange.etag = context.etag
        return self.create_response(await self.process_result(request, result), sub_response)

    async def query(
        self, context: Context, query: str, name: str | None, variables: dict[str, Any] | None
    ) -> ExecutionResult | None:
        """A query by the compiled path, or None when it is not one the compiler takes."""
        answering = self.answering
        try:
            self._admit(context, query)  # a document new to the server is charged to the client (429)
            document, errors = await answering.document(query, client_of(context))  # parsed, validated: cached
        except (RateLimited, graphql.GraphQLError) as error:
            return self._finished(context, graphql.ExecutionResult(None, [_as_graphql_error(error)]))
        operation = graphql.get_operation_ast(document, name)
        if operation is not None:  # for the request's log line and metrics, valid or not
            context.described = (operation.operation.value, operation.name.value if operation.name else None)
        if errors:
            return self._finished(context, graphql.ExecutionResult(None, errors))
        if operation is None or operation.operation is not OperationType.QUERY:
            return None  # mutations and subscriptions; an unknown operation is reported by Strawberry
        refusal = read_refusal(context)  # reads may need a key
        if refusal is not None:
            return self._finished(context, graphql.ExecutionResult(None, [_as_graphql_error(refusal)]))
        # Planned (cached), bounded, one Cypher statement in a read transaction, shaped; run again on a
        # failure a retry can cure.
        result = await self._retried(
            context, lambda: answering.compiled_query(context, query, document, name, variables)
        )
        return None if result is None else self._finished(context, result)

    def _admit(self, context: Context, query: str) -> None:
        if not self.new_documents.known(query):
            self.new_documents.admit(client_of(context))
            context.admitted = True

    def _finished(self, context: Context, result: graphql.ExecutionResult) -> ExecutionResult:
        """The result as it leaves: every error coded (unexpected ones masked), logged by whose fault it is,
        and what the response's `extensions` report."""
        errors = [self.answering.coded(error, context.request_id) for error in result.errors or ()]
        log_errors(errors, context.request_id)
        return ExecutionResult(data=result.data, errors=errors or None, extensions=response_facts(context))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        started = time.perf_counter()
        with tracing.operation_span(request.headers, request.method, request.url.path) as span:
            try:
                response = await self.answer(request)
            except ClientDisconnect:
                return  # gone before its body was read (or closed by the body deadline): nobody to answer
            except RequestRefused as refused:
                response = refused.response(getattr(request.state, "media_type", JSON))
            except HTTPException as error:  # Strawberry's own refusals, as JSON with a code
                if isinstance(error.__cause__, InvalidOperationTypeError):  # a mutation sent with GET
                    response = error_response(405, "METHOD_NOT_ALLOWED", error.reason, headers={"Allow": "POST"})
                else:
                    code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(error.status_code, "BAD_REQUEST")
                    headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
                    response = error_response(error.status_code, code, error.reason, headers=headers)
            await response(scope, receive, send)
            context: Context | None = getattr(request.state, "context", None)
            exchange: Exchange | None = getattr(request.state, "exchange", None)
            codes = set().union(*exchange.codes) if exchange is not None else set()
            if span is not None and context is not None:
                operation_type, name = context.described or (None, None)
                tracing.described(span, operation_type, name, getattr(request.state, "query", None))
                tracing.finished(span, response.status_code, response_facts(context), codes)
        if self.metrics is not None and context is not None:  # an operation (not the GraphiQL page, not a bad body)
            operation_type, name = context.described or (None, None)
            # The name only when an allow-list bounds the operations that run; otherwise any client could
            # make a series per name it sends.
            listed = name if self.persisted.allow_list is not None else None
            self.metrics.operation(operation_type, codes, context.cost, context.graph, listed)
        if self.settings.log_format == "json":
            log_request(request, response.status_code, time.perf_counter() - started, tracing.ids(span))

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket | None = None) -> Context:
        driver: Driver = request.app.state.driver
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        graph = RequestGraph(
            driver, self.settings.neo4j_database, self.settings.query_timeout_seconds, request_id,
            liveness=request.app.state.liveness, deadline=time.monotonic() + self.settings.write_deadline_seconds,
            read_retry_seconds=self.settings.unavailable_retry_seconds, slots=request.app.state.slots,
        )  # fmt: skip
        authorization = request.headers.get("authorization")
        caller = self.keys.caller(authorization)
        context = Context(
            request=request, graph=graph, settings=self.settings, request_id=request_id, caller=caller,
            feed=request.app.state.feed, authorization=authorization, keys=self.keys,
            revalidating=request.headers.get("if-none-match") if request.scope.get("method") == "GET" else None,
        )  # fmt: skip
        request.state.context = context  # for the request's log line
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """`connection_init`: the key may come in its payload (browsers cannot set WebSocket headers)."""
        context.authorization = connection_key(context.connection_params, context.authorization)
        context.caller = connection_caller(self.settings, self.keys, context.authorization)
        acknowledged: UnsetType = UNSET  # a plain `connection_ack`
        return acknowledged

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        return origin_allowed(self.settings, origin)

    def decode_json(self, data: str | bytes) -> object:
        """WebSocket messages, as strictly as HTTP bodies (no NaN, bounded nesting); a refusal closes
        the connection with 4400 and the reason."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            return decode_json_text(text, "the message")
        except (UnicodeDecodeError, RequestRefused) as error:
            raise json.JSONDecodeError(str(error), "", 0) from None

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
        """What Strawberry executes (mutations above all): admitted like a query, and run again whole, in a new
        transaction, when its write failed for a reason a retry can cure (`_retried`)."""
        if request_data.query:
            try:
                self._admit(context, request_data.query)
            except RateLimited as refused:
                return self._finished(context, graphql.ExecutionResult(None, [_as_graphql_error(refused)]))

        async def attempt() -> ExecutionResult:
            return await super(StrikegraphGraphQL, self).execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )

        return await self._retried(context, attempt)

    async def _retried(self, context: Context, attempt: Callable[[], Awaitable[T]]) -> T:
        """Runs the attempt; when its transaction failed for a reason a retry can cure (a deadlock, a leader
        switch, a dropped connection), runs it again with a new view of Neo4j, within the settings' retry
        budget. Nothing of a failed attempt was committed."""
        started = time.monotonic()
        delays = _backoff()
        while True:
            result = await attempt()
            reason = context.graph.retry
            if reason is None:
                return result
            budget = (
                self.settings.transient_retry_seconds
                if reason == "transient"
                else self.settings.unavailable_retry_seconds
            )
            delay = next(delays)
            deadline = context.graph.deadline
            if time.monotonic() - started + delay > budget or (deadline and time.monotonic() + delay >= deadline):
                return result
            log.info("request %s: %s failure, running it again in %.2fs", context.request_id, reason, delay)
            tracing.event("strikegraph.retry", reason=reason, delay_seconds=delay)
            await asyncio.sleep(delay)
            context.graph = context.graph.again()

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        headers = request.headers
        exchange = Exchange(
            method=request.scope.get("method", "GET"),
            media_type=JSON,
            if_none_match=headers.get("if-none-match"),
            authorized=bool(headers.get("authorization")),
        )
        if not self.should_render_graphql_ide(self.request_adapter_class(request)):  # type: ignore[arg-type]
            exchange.media_type = negotiate(headers.get("accept"))
        request.state.media_type = exchange.media_type
        sub_response = ExchangeResponse(exchange)
        request.state.exchange = exchange
        return sub_response

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # Only a browser asking for a page: `*/*` or a persisted-query GET (no `query`) must get JSON.
        params = request.query_params
        return (
            request.method == "GET"
            and params.get("query") is None
            and params.get("extensions") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_response()

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        batching = self.schema.config.batching_config
        batch_limit = batching["max_operations"] if batching else None
        if request.method == "GET":
            params = dict(request.query_params)
            data: object = {key: params.get(key) for key in ("query", "operationName")}
            for key in ("variables", "extensions"):
                if params.get(key):
                    data[key] = decode_json_text(str(params[key]), f"the `{key}` parameter")  # type: ignore[index]
        elif is_json_content_type(request.content_type):
            data = decode_json_body(await request.get_body())
        else:
            given = request.content_type or "none"
            raise RequestRefused(
                415, "BAD_REQUEST", f"POST bodies must be application/json; the Content-Type was {given}"
            )
        parsed = request_data(data, batch_limit=batch_limit)
        for one in parsed if isinstance(parsed, list) else [parsed]:
            one.query = self.persisted.document(one.query, one.extensions)
            if one.query is None:
                raise RequestRefused(
                    400, "BAD_REQUEST", 'no GraphQL document: send it in `query` (e.g. {"query": "{ __typename }"})'
                )
        return parsed

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = process_result(result)
        errors: list[dict[str, Any]] = response.get("errors") or []  # type: ignore[assignment]
        codes = {_ensure_code(error) for error in errors}
        for error in errors:
            retry_after = error["extensions"].get("retryAfterSeconds")
            if retry_after is not None:
                request.state.exchange.retry_after = int(retry_after)
        request_error = bool(result.errors) and result.data is None and all(e.path is None for e in result.errors or [])
        exchange: Exchange = request.state.exchange
        exchange.request_errors.append(request_error)
        exchange.codes.append(codes)
        if request_error and exchange.media_type == GRAPHQL_RESPONSE_JSON:
            response.pop("data", None)  # the spec: no `data` entry when the request never ran
        return response

    def encode_json(self, data: object) -> bytes:
        """orjson: the compiled `data` is plain dicts and lists, keys already in selection order."""
        return orjson.dumps(data, default=str)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        assert isinstance(sub_response, ExchangeResponse)
        exchange = sub_response.exchange
        body = self.encode_json(response_data)
        body_bytes = body.encode() if isinstance(body, str) else body
        status = sub_response.status_code or _status(exchange, batch=isinstance(response_data, list))
        headers = dict(sub_response.headers)
        if exchange.retry_after is not None:
            headers["Retry-After"] = str(exchange.retry_after)
        if exchange.method == "GET" and status == 200:
            headers.update(self._caching_headers(exchange, body_bytes))
            if _matches(exchange.if_none_match, headers["ETag"]):
                return Response(status_code=304, headers=headers)
        response = Response(body_bytes, status_code=status, media_type=exchange.media_type, headers=headers)
        if sub_response.background:
            response.background = sub_response.background
        return response

    def _caching_headers(self, exchange: Exchange, body: bytes) -> dict[str, str]:
        # Weak (`W/`): the same answer gzipped or not is one representation to a cache (api/web/middleware.py).
        etag = exchange.etag or 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Vary": "Accept, Authorization"}
        if any(exchange.codes):
            headers["Cache-Control"] = "no-store"  # errors (a timeout, Neo4j away) must not be kept
        elif exchange.authorized:
            # A keyed answer is for its caller: never in a shared cache.
            directives = [d.strip() for d in self.settings.get_cache_control.split(",") if d.strip() != "public"]
            headers["Cache-Control"] = ", ".join(["private", *filter(None, directives)])
        else:
            headers["Cache-Control"] = self.settings.get_cache_control
        return headers


def _as_graphql_error(error: Exception) -> graphql.GraphQLError:
    return error if isinstance(error, graphql.GraphQLError) else graphql.GraphQLError(str(error), original_error=error)


def _ensure_code(error: dict[str, Any]) -> str:
    """The error's code, giving one to any that left the schema without (syntax and token-limit errors)."""
    extensions: dict[str, Any] = error.setdefault("extensions", {})
    message = str(error.get("message", ""))
    if message.startswith("Syntax Error"):
        extensions["code"] = "GRAPHQL_PARSE_FAILED"
    elif "code" not in extensions:
        extensions["code"] = "GRAPHQL_VALIDATION_FAILED" if "path" not in error else "INTERNAL"
    return str(extensions["code"])


def _status(exchange: Exchange, *, batch: bool) -> int:
    if batch or not exchange.codes:
        return 200
    codes = exchange.codes[0]
    if codes == {"SERVICE_UNAVAILABLE"}:
        return 503
    if codes == {"RATE_LIMITED"}:
        return 429
    if exchange.request_errors[0] and exchange.media_type == GRAPHQL_RESPONSE_JSON:
        return _REQUEST_ERROR_STATUS.get(next(iter(codes)), 400) if len(codes) == 1 else 400
    return 200


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag.removeprefix("W/") in candidates  # the weak comparison (RFC 9110, 13.1.2)


BATCHED_MUTATION = (
    "a batch (a JSON array of operations) may not contain a mutation: send the mutations as one operation; "
    "the mutations of one operation are one transaction"
)


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
