"""The steps of answering a GraphQL operation, as plain functions: the document (parsed and validated,
cached), the compiled query (planned, cached, run), and the errors and `extensions` a response carries.

The HTTP view takes them in order for a query (`StrikegraphGraphQL.answer` in api/web/http_view.py, the
request in one function); the schema extensions (api/contract/extensions.py) call the same steps for what
goes through Strawberry's own execution (introspection, mutations, subscriptions, batches, WebSocket
queries). So each rule is written once, whichever way an operation comes."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    parse,
    validate,
)
from graphql.validation import ASTValidationRule

from api import tracing
from api.auth import Role, require_role
from api.compile.execute import (
    ByteBudgetCache,
    Compiled,
    OperationCompiler,
    QueryTooComplex,
    VariableErrors,
    plan_key,
)
from api.compile.planner import NotCompilable
from api.contract.budgets import Budget, CostPolicies
from api.contract.context import Context
from api.contract.new_documents import NewDocuments, RateLimited
from api.contract.response_cache import ResponseCache, read_scope
from api.errors import UserFacingError

log = logging.getLogger("strikegraph.graphql")
_SUGGESTION = re.compile(r" Did you mean [^?]*\?")

MAX_CACHED_QUERY = 64 << 10  # characters; larger documents are parsed each time, never kept
# What a cached document really holds (tracemalloc, bench/memory.py): its AST takes 88-147 bytes per character
# of its text plus about 3 KB; an estimate below that let the caches grow past their budgets (issue 25, item 9).
AST_BYTES_PER_CHARACTER = 100
AST_FIXED_BYTES = 4096


def payer_of(context: Context) -> str:
    """Whose query cost budget a request spends: its API key's (by name), else its address's."""
    caller = context.caller
    return f"key:{caller.name}" if caller is not None and caller.name else client_of(context)


def client_of(context: Any) -> str:
    """Whose budget a request's new work is charged to: the peer address (behind a proxy, uvicorn's
    `--forwarded-allow-ips` makes it the client's)."""
    request = getattr(context, "request", None)
    client = getattr(request, "client", None)
    return str(client.host) if client is not None else "-"


@dataclass
class Answering:
    """What every operation is answered with, made once per schema (api/contract/graphql_schema.py).

    Parsing and validating the same documents again is the biggest fixed cost per request, so both are cached
    in one LRU cache bounded in bytes (documents of a large query text are never kept). A document the cache
    has not seen is parsed and validated on the new-documents lane (api/contract/new_documents.py), off the
    event loop, charged to the client that sent it. The validation rules are these, and only these, whichever
    way the operation comes: a cached validation is only right for the same rules."""

    compiler: OperationCompiler
    lane: NewDocuments
    rules: tuple[type[ASTValidationRule], ...]
    max_tokens: int
    suggestions: bool  # "Did you mean ...?" in errors (development only)
    compiled: bool = True  # False: graphql-core executes every field (the equivalence tests' baseline)
    costs: CostPolicies | None = None  # each client's query cost budget, by key, role or default
    responses: ResponseCache | None = None  # answers kept while the graph has not changed under them

    @property
    def cache(self) -> ByteBudgetCache:
        return self.lane.documents

    # -- the document ---------------------------------------------------------------------------------------

    def cached_document(self, query: str) -> tuple[DocumentNode, list[GraphQLError]] | None:
        document = self.cache.get(("document", query))
        if document is None:
            return None
        errors = self.cache.get(("validation", query))
        if errors is None:  # the document was kept, its validation since pushed out: validated again here
            errors = self.validate(document)
            self._remember(query, errors)
        return document, errors

    async def document(self, query: str, client: str) -> tuple[DocumentNode, list[GraphQLError]]:
        """The parsed document and its validation errors; raises GraphQLError when it does not parse (a
        syntax error, or more tokens than allowed). The caller has admitted the client (`NewDocuments.admit`)."""
        known = self.cached_document(query)
        if known is not None:
            return known
        document, errors = await self.lane.run(client, ("document", query), lambda: self._prepare(query), admitted=True)
        if len(query) <= MAX_CACHED_QUERY:
            self.cache.put(("document", query), document, len(query) * AST_BYTES_PER_CHARACTER + AST_FIXED_BYTES)
            self._remember(query, errors)
        return document, errors

    def _prepare(self, query: str) -> tuple[DocumentNode, list[GraphQLError]]:
        """Runs on the lane."""
        document = parse(query, max_tokens=self.max_tokens)
        return document, self.validate(document)

    def validate(self, document: DocumentNode) -> list[GraphQLError]:
        return validate(self.compiler.schema, document, self.rules, hide_suggestions=not self.suggestions)

    def _remember(self, query: str, errors: list[GraphQLError]) -> None:
        if len(query) <= MAX_CACHED_QUERY:
            self.cache.put(("validation", query), errors, len(query) * 2 + 512 * (len(errors) + 1))

    # -- a compiled query -----------------------------------------------------------------------------------

    async def compiled_query(
        self, context: Context, query: str, document: DocumentNode, name: str | None, variables: dict[str, Any] | None
    ) -> ExecutionResult | None:
        """A query's result by the compiled path: planned (cached; a new plan on the lane), bounded, one Cypher
        statement, shaped. None when the compiler does not take it (introspection): graphql-core executes it."""
        try:
            compiled = self.compiler.find(query, document, name, variables)
            planned = compiled is None
            if compiled is None:
                prepared = await self.lane.run(
                    client_of(context),
                    ("plan", *plan_key(query, name, variables)),
                    lambda: self.compiler.prepare(document, name, variables),
                    admitted=context.admitted,
                )  # a known document's new plan (new variables) is admitted here
                compiled = self.compiler.remember(query, name, variables, prepared)
        except NotCompilable:
            context.execution = "fallback"
            return None
        except VariableErrors as error:
            return refused_variables(error)
        except UserFacingError as error:  # QueryTooComplex, or an argument refused while planning
            return ExecutionResult(data=None, errors=[GraphQLError(str(error), original_error=error)])
        context.execution = "compiled"
        context.cost = compiled.plan.cost
        tracing.event("strikegraph.plan", cache="miss" if planned else "hit", cost=compiled.plan.cost)
        try:
            self.charge(context, compiled.plan.cost)
        except RateLimited as error:
            return refused(error)
        if self.responses is None:
            return await self.run(context, compiled)
        return await self.cached(self.responses, context, compiled, query, name, variables)

    async def run(self, context: Context, compiled: Compiled) -> ExecutionResult:
        try:
            return await self.compiler.run(context.graph, compiled)
        except Exception as error:  # coded (or masked) by `coded`, at no path
            return ExecutionResult(data=None, errors=[GraphQLError(str(error), original_error=error)])

    async def cached(
        self,
        responses: ResponseCache,
        context: Context,
        compiled: Compiled,
        query: str,
        name: str | None,
        variables: dict[str, Any] | None,
    ) -> ExecutionResult:
        """The answer from memory while nothing it reads has changed; a GET whose If-None-Match still holds
        gets nothing (a 304); otherwise read, and kept when it has no error."""
        key = responses.key(query, name, variables, read_scope(context))
        if context.revalidating is not None:
            context.etag = responses.unchanged_since(context.revalidating, key, compiled.reads)
            if context.etag is not None:
                context.cache = "unchanged"
                tracing.event("strikegraph.response_cache", result="unchanged")
                return ExecutionResult(data=None)
        answer = responses.get(key)
        if answer is not None:
            context.cache, context.etag = "hit", responses.tag(key, answer)
            tracing.event("strikegraph.response_cache", result="hit")
            return ExecutionResult(data=orjson.Fragment(answer.data))  # type: ignore[arg-type]
        stamp = responses.freshness.stamp()  # before the read: a change committed during it counts as after
        result = await self.run(context, compiled)
        context.cache = "miss"
        tracing.event("strikegraph.response_cache", result="miss", kept=stamp is not None and result.errors is None)
        if stamp is not None and result.errors is None and result.data is not None:
            context.etag = responses.tag(key, responses.put(key, result.data, stamp, compiled.reads))
        return result

    # -- the client's share -----------------------------------------------------------------------------------

    def charge(self, context: Context, cost: int) -> None:
        """A query's planned cost, charged to its client before Neo4j sees it: RATE_LIMITED while the
        client's budget is spent (the GraphQL foundation's advice: limit by cost, not by requests). What is
        left goes out in the response's RateLimit fields."""
        budgets = self.costs.of(context.caller) if self.costs is not None else None
        if budgets is None:
            return
        payer = payer_of(context)
        wait = budgets.wait(payer)
        if wait is not None:
            context.budget = budgets.of(payer)
            raise RateLimited(
                f"this client's query cost budget ({budgets.burst:g}, refilled at {budgets.per_second:g} a "
                "second) is spent: retry later, or ask for less (fewer levels, smaller pages)",
                retryAfterSeconds=wait,
                limit="queryCost",
            )
        context.budget = budgets.spend(payer, cost)

    @staticmethod
    def rate_limit_fields(budget: Budget) -> dict[str, str]:
        """The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the policy (the burst, and
        the seconds in which it refills) and what is left now, with the seconds until it is full again."""
        policy, remaining = budget.policy, max(0, int(budget.left))
        return {
            "RateLimit-Policy": f'"query-cost";q={policy.burst:.0f};w={policy.refill_seconds}',
            "RateLimit": f'"query-cost";r={remaining};t={policy.seconds_to_full(budget)}',
        }

    # -- errors and extensions ------------------------------------------------------------------------------

    def coded(self, error: GraphQLError, request_id: str) -> GraphQLError:
        """The error as it leaves: with `extensions.code`; an unexpected one masked and logged with the
        request id; suggestions ("Did you mean ...?") only when allowed."""
        original = error.original_error
        if isinstance(original, UserFacingError):
            return _copy(error, str(original), {"code": original.code, **original.extensions})
        code = request_error_code(error)
        if code is not None:
            message = error.message if self.suggestions else _SUGGESTION.sub("", error.message)
            return _copy(error, message, {**(error.extensions or {}), "code": code})
        log.error("request %s: unexpected error at %s", request_id, error.path, exc_info=original)
        return _copy(error, "Internal server error", {"code": "INTERNAL", "requestId": request_id})


def refused_variables(error: VariableErrors) -> ExecutionResult:
    for variable_error in error.errors:
        variable_error.extensions = {**(variable_error.extensions or {}), "code": "BAD_USER_INPUT"}
    return ExecutionResult(data=None, errors=error.errors)


def refused(error: QueryTooComplex | UserFacingError) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(str(error), original_error=error)])


def response_facts(context: Context) -> dict[str, Any]:
    """What the response's `extensions` report: how many Cypher statements the request sent, whether it took
    the compiled path or graphql-core's execution (`fallback`), the planned cost, and any warnings."""
    facts: dict[str, Any] = {"cypherStatements": context.graph.statements}
    if context.execution:
        facts["execution"] = context.execution
    if context.cost is not None:
        facts["cost"] = context.cost
    if context.cache is not None:
        facts["cache"] = context.cache
    if context.warnings:
        facts["warnings"] = context.warnings
    return facts


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


def read_refusal(context: Context) -> UserFacingError | None:
    """With `require_key_for_reads`, queries and subscriptions need a valid key too (any role)."""
    if not context.settings.require_key_for_reads:
        return None
    try:
        require_role(context.caller, Role.READER)
    except UserFacingError as error:
        return error
    return None
