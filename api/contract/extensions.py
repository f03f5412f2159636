"""Schema extensions, one job each, for what goes through Strawberry's own execution (introspection,
mutations, subscriptions, batches, WebSocket queries): cached documents, the compiled path, error codes, read
access, a context per WebSocket operation, the request's write transaction, and what the response's
`extensions` report. Each calls the same steps as the HTTP view's one function (api/contract/answering.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType as StrawberryOperationType

from api import tracing
from api.compile.execute import OperationSource, QueryTooComplex, VariableErrors
from api.contract.answering import Answering, client_of, read_refusal, refused, refused_variables, response_facts
from api.database.audit import sequence_changes
from api.errors import UserFacingError

log = logging.getLogger("strikegraph.graphql")


class DocumentCache(SchemaExtension):
    """The document, parsed and validated (cached; a new one on the new-documents lane): `Answering.document`."""

    def __init__(self, *, answering: Answering) -> None:
        self.answering = answering
        self._errors: list[GraphQLError] | None = None

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.query:  # else Strawberry reports the missing query
            try:  # the view admitted the client (or refused it) before anything ran
                document, self._errors = await self.answering.document(context.query, client_of(context.context))
                context.graphql_document = document
            except GraphQLError:
                pass  # Strawberry parses it again and reports the error as its own (over WebSocket too)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document: DocumentNode | None = context.graphql_document
        if document is not None:
            errors = self._errors
            context.pre_execution_errors = errors if errors is not None else self.answering.validate(document)
        yield


class CompiledExecution(SchemaExtension):
    """Queries take the compiled path (`Answering.compiled_query`); graphql-core's per-field execution is
    skipped by setting the result before it runs. Operations the compiler does not take (introspection,
    mutations) run through graphql-core, whose resolvers plan their fields through the same planner
    (`context.operation`), held to the same limits."""

    def __init__(self, *, answering: Answering) -> None:
        self.answering = answering

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        operation = get_operation_ast(document, execution.operation_name) if document is not None else None
        if execution.result is not None or document is None or operation is None:
            yield  # refused already, or graphql-core reports what is missing
            return
        query = operation.operation is OperationType.QUERY
        # "mutation" or "subscription": graphql-core runs it; a query the compiler does not take: "fallback".
        context.execution = "fallback" if query else operation.operation.value
        context.operation = OperationSource(self.answering.compiler, document, operation, execution.variables)
        context.described = (operation.operation.value, operation.name.value if operation.name else None)
        if operation.operation is OperationType.SUBSCRIPTION:
            yield  # graphql-core checks the variables before the stream starts
            return
        if query and self.answering.compiled:
            execution.result = await self.answering.compiled_query(
                context, execution.query or "", document, execution.operation_name, execution.variables
            )
        if execution.result is None:  # graphql-core executes it, every root field planned first
            try:
                context.operation.check_variables()
                context.operation.check_limits()
            except VariableErrors as error:
                execution.result = refused_variables(error)
            except QueryTooComplex as error:
                execution.result = refused(error)
        yield


class ErrorCodes(SchemaExtension):
    """Every error leaves with `extensions.code` (`Answering.coded`)."""

    def __init__(self, *, answering: Answering) -> None:
        self.answering = answering

    def on_operation(self) -> Iterator[None]:
        self._streamed = False
        yield
        if self._streamed:  # each result was coded on its way out (below)
            return
        self._code(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Results sent over a WebSocket (each event of a subscription), coded one by one."""
        self._streamed = True
        self._code(result)
        yield

    def _code(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            request_id = getattr(self.execution_context.context, "request_id", "-")
            result.errors = [self.answering.coded(error, request_id) for error in errors]


class WriteTransaction(SchemaExtension):
    """Commits the request's write transaction when every field succeeded, else rolls it back: several
    mutations in one request are all or nothing. (A transient failure is retried by the HTTP view,
    which runs the whole operation again: see `StrikegraphGraphQL.execute_single` in api/web/http_view.py.)"""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        graph = getattr(self.execution_context.context, "graph", None)
        if graph is None or not graph.writing:
            return
        result = self.execution_context.result
        failed = bool(getattr(result, "errors", None))
        try:
            if not failed:
                await sequence_changes(graph)  # the audit trail's numbers: the last lock before the commit
            await graph.finish(commit=not failed)
            feed = getattr(self.execution_context.context, "feed", None)
            if not failed and feed is not None:
                await feed.catch_up()  # this process's cached answers see the write before the client does
        except UserFacingError as error:  # Neo4j unavailable or timed out while committing
            if result is not None:
                result.data = None
                result.errors = [GraphQLError(str(error), extensions={"code": error.code, **error.extensions})]
        except Exception:
            log.exception("request %s: commit failed", getattr(self.execution_context.context, "request_id", "-"))
            if result is not None:
                result.data = None
                result.errors = [GraphQLError("the change could not be saved", extensions={"code": "INTERNAL"})]
        finally:
            await graph.finish(commit=False)  # rolls back when numbering failed; nothing left to do otherwise


class WebSocketOperations(SchemaExtension):
    """A WebSocket connection runs many operations at once on one connection context: each gets a context
    of its own (its view of Neo4j, its plan). Mutations go over HTTP, where a request is one write
    transaction, retried whole on transient failures (api/web/http_view.py), and subscriptions over the
    WebSocket; each is refused on the other."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        if getattr(execution.context, "over_websocket", False):
            execution.context = execution.context.for_operation()
        yield

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        kind = execution.operation_type
        refusal = None
        if execution.context.over_websocket and kind == StrawberryOperationType.MUTATION:
            refusal = "send mutations over HTTP (POST /graphql): each request is one write transaction"
        elif not execution.context.over_websocket and kind == StrawberryOperationType.SUBSCRIPTION:
            refusal = "subscriptions need a WebSocket: connect to /graphql with the graphql-transport-ws protocol"
        if refusal is not None:
            execution.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(refusal, extensions={"code": "BAD_REQUEST"})]
            )
        yield


class WebSocketTraces(SchemaExtension):
    """The SERVER span of each operation over a WebSocket (api/tracing.py); an HTTP request gets its span in
    the view, around everything. Each event a subscription sends is an event on its span."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if not getattr(context, "over_websocket", False):
            yield
            return
        with tracing.websocket_span(context.request.headers, context.request.url.path) as span:
            self._span = span
            try:
                yield
            finally:  # also when the client completes a subscription (the operation is cancelled)
                execution = self.execution_context
                kind = execution.operation_type.value if execution.operation_type else None
                tracing.described(span, kind, execution.operation_name, execution.query)
                errors = getattr(execution.result, "errors", None) or ()
                codes = {str((error.extensions or {}).get("code", "INTERNAL")) for error in errors}
                tracing.finished(span, None, response_facts(context) if context.graph is not None else {}, codes)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        span = getattr(self, "_span", None)
        if span is not None and self.execution_context.operation_type == StrawberryOperationType.SUBSCRIPTION:
            span.add_event("strikegraph.subscription.event", {"errors": len(getattr(result, "errors", None) or ())})
        yield


class ReadAccess(SchemaExtension):
    """With `require_key_for_reads`, queries and subscriptions need a valid key too (`read_refusal`)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        refusal = None
        if execution.operation_type != StrawberryOperationType.MUTATION:
            refusal = read_refusal(execution.context)
        if refusal is not None:
            if execution.operation_type == StrawberryOperationType.SUBSCRIPTION:
                raise refusal  # a stream ignores a preset result; Strawberry sends what on_execute raises
            execution.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(str(refusal), extensions={"code": refusal.code})]
            )
        yield


class ResponseFacts(SchemaExtension):
    """The response's `extensions` (`response_facts`)."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        return response_facts(context) if getattr(context, "graph", None) is not None else {}
