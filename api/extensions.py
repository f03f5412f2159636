"""Schema extensions: error codes and masking, and the request's statement count in `extensions`."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.auth import Role, require_role
from api.errors import UserFacingError

log = logging.getLogger("strikegraph.graphql")
_SUGGESTION = re.compile(r" Did you mean .*\?$")


class ErrorCodes(SchemaExtension):
    """Every error leaves with `extensions.code`; unexpected errors are masked and logged with the request
    id; field suggestions ("Did you mean ...?") only in development."""

    def __init__(self, *, suggestions: bool = True) -> None:
        self.suggestions = suggestions

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [self._coded(error) for error in errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, UserFacingError):
            extensions = {"code": original.code, **original.extensions}
            return _copy(error, str(original), extensions)
        if original is None or isinstance(original, GraphQLError) or error.path is None:
            # Parsing and validation (no path yet): the request itself is at fault.
            message = error.message if self.suggestions else _SUGGESTION.sub("", error.message)
            code = (error.extensions or {}).get("code") or _code_for_message(message)
            return _copy(error, message, {**(error.extensions or {}), "code": code})
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
        return _copy(error, "Internal server error", {"code": "INTERNAL", "requestId": request_id})


_BAD_ARGUMENT = re.compile(r"Expected value of type|Expected type|does not exist in '\w+' enum|argument")


def _code_for_message(message: str) -> str:
    return "BAD_USER_INPUT" if _BAD_ARGUMENT.search(message) else "GRAPHQL_VALIDATION_FAILED"


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
        original_error=None, extensions=extensions,
    )  # fmt: skip


class WriteTransaction(SchemaExtension):
    """Commits the request's write transaction when every field succeeded, else rolls it back: several
    mutations in one request are all or nothing. (A transient failure is retried by the HTTP view,
    which runs the whole operation again: see `StrikegraphGraphQL.execute_single` in api/app.py.)"""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        graph = getattr(self.execution_context.context, "graph", None)
        if graph is None or not graph.writing:
            return
        result = self.execution_context.result
        failed = bool(getattr(result, "errors", None))
        try:
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


class ReadAccess(SchemaExtension):
    """With `require_key_for_reads`, queries need a valid key too (any role)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if context.settings.require_key_for_reads and self.execution_context.operation_type == OperationType.QUERY:
            try:
                require_role(context.caller, Role.READER)
            except UserFacingError as error:
                self.execution_context.result = GraphQLExecutionResult(
                    data=None, errors=[GraphQLError(str(error), extensions={"code": error.code})]
                )
        yield


class StatementCount(SchemaExtension):
    """Reports how many Cypher statements the request sent, in the response's `extensions`."""

    def get_results(self) -> dict[str, Any]:
        graph = getattr(self.execution_context.context, "graph", None)
        return {"cypherStatements": graph.statements} if graph is not None else {}
