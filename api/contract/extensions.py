"""Schema extensions, one job each: cached documents, the compiled path, error codes, read access, a
context per WebSocket operation, the request's write transaction, and what the response's `extensions`
report."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationType,
    get_operation_ast,
    parse,
    validate,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType as StrawberryOperationType

from api.auth import Role, require_role
from api.compile.execute import (
    ByteBudgetCache,
    OperationCompiler,
    OperationSource,
    QueryTooComplex,
    VariableErrors,
    plan_key,
)
from api.compile.planner import NotCompilable
from api.contract.new_documents import NewDocuments
from api.database.audit import sequence_changes
from api.errors import UserFacingError

log = logging.getLogger("strikegraph.graphql")
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")

MAX_CACHED_QUERY = 64 << 10  # characters; larger documents are parsed each time, never kept
# What a cached document really holds (tracemalloc, bench/memory.py): its AST takes 88-147 bytes per character
# of its text plus about 3 KB; an estimate below that let the caches grow past their budgets (issue 25, item 9).
AST_BYTES_PER_CHARACTER = 100
AST_FIXED_BYTES = 4096


class DocumentCache(SchemaExtension):
    """Parsing and validating the same documents again is the biggest fixed cost per request, so both are
    cached, in one LRU cache bounded in bytes (documents of a large query text are never kept). A document
    the cache has not seen is parsed and validated on the new-documents lane (api/contract/new_documents.py), off
    the event loop, charged to the client that sent it."""

    def __init__(
        self, *, schema: GraphQLSchema, cache: ByteBudgetCache, lane: NewDocuments, suggestions: bool = True
    ) -> None:
        self.schema = schema
        self.cache = cache
        self.lane = lane
        self.suggestions = suggestions
        self._validated: list[GraphQLError] | None = None  # this request's, when too large to keep

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        query = context.query
        if not query:  # Strawberry reports the missing query
            yield
            return
        document = self.cache.get(("document", query))
        if document is None:
            try:
                document, validated = await self.lane.run(
                    client_of(context.context), ("document", query), self._prepare, admitted=True
                )  # refused by the view, before anything ran, when over the client's budget
            except GraphQLError:
                yield  # Strawberry parses it again and reports the error as its own (over WebSocket too)
                return
            self._validated = validated
            if len(query) <= MAX_CACHED_QUERY:
                self.cache.put(("document", query), document, len(query) * AST_BYTES_PER_CHARACTER + AST_FIXED_BYTES)
                self._remember(query, validated)
        context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        errors = self._validated if self._validated is not None else self.cache.get(("validation", context.query))
        if errors is None:  # the document was cached, its validation since pushed out: validated again here
            assert context.graphql_document is not None
            errors = self._validate(context.graphql_document)
            self._remember(context.query or "", errors)
        context.pre_execution_errors = errors
        yield

    def _prepare(self) -> tuple[DocumentNode, list[GraphQLError]]:
        """Runs on the lane: parse, then validate with this request's rules."""
        context = self.execution_context
        document = parse(context.query or "", **context.parse_options)
        return document, self._validate(document)

    def _validate(self, document: DocumentNode) -> list[GraphQLError]:
        context = self.execution_context
        return validate(self.schema, document, context.validation_rules, hide_suggestions=not self.suggestions)

    def _remember(self, query: str, errors: list[GraphQLError]) -> None:
        if len(query) <= MAX_CACHED_QUERY:
            self.cache.put(("validation", query), errors, len(query) * 2 + 512 * (len(errors) + 1))


def client_of(context: Any) -> str:
    """Whose budget a request's new work is charged to: the peer address (behind a proxy, uvicorn's
    `--forwarded-allow-ips` makes it the client's)."""
    request = getattr(context, "request", None)
    client = getattr(request, "client", None)
    return str(client.host) if client is not None else "-"


class CompiledExecution(SchemaExtension):
    """Queries take the compiled path: planned (cached), one Cypher statement, its result shaped into `data`;
    graphql-core's per-field execution is skipped by setting the result before it runs. Operations the
    compiler does not take (introspection, mutations) run through graphql-core, whose resolvers plan their
    fields through the same planner (`context.operation`)."""

    def __init__(self, *, compiler: OperationCompiler, lane: NewDocuments, enabled: bool = True) -> None:
        self.compiler = compiler
        self.lane = lane
        self.enabled = enabled

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if execution.result is not None or document is None:
            yield
            return
        operation = get_operation_ast(document, execution.operation_name)
        if operation is None:
            yield  # graphql-core reports the unknown operation
            return
        # Mutations run through graphql-core (their payloads are planned reads); so does everything when off.
        compiled = operation.operation is OperationType.QUERY and self.enabled
        if operation.operation is not OperationType.QUERY:
            context.execution = operation.operation.value  # "mutation" or "subscription": graphql-core runs it
        else:
            context.execution = "compiled" if compiled else "fallback"
        context.operation = OperationSource(self.compiler, document, operation, execution.variables)
        if operation.operation is OperationType.SUBSCRIPTION:
            yield  # graphql-core checks the variables before the stream starts
            return
        try:
            if compiled:
                await self._compiled(execution.query or "", document)
            else:
                context.operation.check_variables()  # bad variables fail before any field runs
            if context.execution != "compiled" and execution.result is None:
                context.operation.check_limits()  # graphql-core's execution is held to the same limits
        except VariableErrors as error:
            for variable_error in error.errors:
                variable_error.extensions = {**(variable_error.extensions or {}), "code": "BAD_USER_INPUT"}
            execution.result = GraphQLExecutionResult(data=None, errors=error.errors)
        except QueryTooComplex as error:
            refused = GraphQLError(str(error), original_error=error)
            execution.result = GraphQLExecutionResult(data=None, errors=[refused])
        yield

    async def _compiled(self, query: str, document: Any) -> None:
        execution = self.execution_context
        context = execution.context
        name, variables = execution.operation_name, execution.variables
        try:
            compiled = self.compiler.cached(query, name, variables)
            if compiled is None:  # planned on the new-documents lane, off the event loop
                prepared = await self.lane.run(
                    client_of(context),
                    ("plan", *plan_key(query, name, variables)),
                    lambda: self.compiler.prepare(document, name, variables),
                    admitted=context.admitted,
                )  # a known document's new plan (new variables) is admitted here
                compiled = self.compiler.remember(query, name, variables, prepared)
        except NotCompilable:
            context.execution = "fallback"
            return
        except UserFacingError as error:
            execution.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(str(error), original_error=error)]
            )
            return
        context.execution = "compiled"
        context.cost = compiled.plan.cost
        try:
            execution.result = await self.compiler.run(context.graph, compiled)
        except Exception as error:  # masked by ErrorCodes, at no path
            execution.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(str(error), original_error=error)]
            )


class ErrorCodes(SchemaExtension):
    """Every error leaves with `extensions.code`; unexpected errors are masked and logged with the request
    id; suggestions ("Did you mean ...?") only when allowed (Strawberry's flag covers fields, this the rest)."""

    def __init__(self, *, suggestions: bool = True) -> None:
        self.suggestions = suggestions

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
            result.errors = [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, UserFacingError):
            return _copy(error, str(original), {"code": original.code, **original.extensions})
        code = request_error_code(error)
        if code is not None:
            message = error.message if self.suggestions else _SUGGESTION.sub("", error.message)
            return _copy(error, message, {**(error.extensions or {}), "code": code})
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
        return _copy(error, "Internal server error", {"code": "INTERNAL", "requestId": request_id})


def request_error_code(error: GraphQLError) -> str | None:
    """The code of an error the request itself caused or may see as it is (bad input, validation, keys,
    a conflict, Neo4j away), or None for an unexpected one, which leaves masked as INTERNAL."""
    original = error.original_error
    if isinstance(original, UserFacingError):
        return original.code
    code = (error.extensions or {}).get("code")
    if code or original is None or isinstance(original, GraphQLError | ValueError):
        # Parsing, validation and variables: the request itself is at fault.
        return str(code) if code else _code_for(error, error.message)
    return None


_BAD_ARGUMENT = re.compile(r"Expected value of type|Expected type|does not exist in '\w+' enum|argument|Variable")


def _code_for(error: GraphQLError, message: str) -> str:
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    return "BAD_USER_INPUT" if _BAD_ARGUMENT.search(message) else "GRAPHQL_VALIDATION_FAILED"


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
        original_error=None, extensions=extensions,
    )  # fmt: skip


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


class ReadAccess(SchemaExtension):
    """With `require_key_for_reads`, queries and subscriptions need a valid key too (any role)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        reading = execution.operation_type != StrawberryOperationType.MUTATION
        if context.settings.require_key_for_reads and reading:
            try:
                require_role(context.caller, Role.READER)
            except UserFacingError as error:
                if execution.operation_type == StrawberryOperationType.SUBSCRIPTION:
                    raise  # a stream ignores a preset result; Strawberry sends what on_execute raises
                execution.result = GraphQLExecutionResult(
                    data=None, errors=[GraphQLError(str(error), extensions={"code": error.code})]
                )
        yield


class ResponseFacts(SchemaExtension):
    """Reports in the response's `extensions` how many Cypher statements the request sent, whether it took
    the compiled path or graphql-core's execution (`fallback`), the planned cost, and any warnings."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        graph = getattr(context, "graph", None)
        if graph is None:
            return {}
        facts: dict[str, Any] = {"cypherStatements": graph.statements}
        if getattr(context, "execution", None):
            facts["execution"] = context.execution
        if getattr(context, "cost", None) is not None:
            facts["cost"] = context.cost
        if getattr(context, "warnings", None):
            facts["warnings"] = context.warnings
        return facts
