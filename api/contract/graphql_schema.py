"""Builds the Strawberry schema with its limits and extensions from the settings."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule, specified_rules
from graphql.validation import ASTValidationRule
from strawberry.extensions import MaxTokensLimiter
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.types import ExecutionContext

from api.compile.execute import ByteBudgetCache, OperationCompiler, planning_schema
from api.contract.answering import Answering, request_error_code
from api.contract.budgets import Budgets, CostPolicies
from api.contract.extensions import (
    CompiledExecution,
    DocumentCache,
    ErrorCodes,
    ReadAccess,
    ResponseFacts,
    WebSocketOperations,
    WebSocketTraces,
    WriteTransaction,
)
from api.contract.mutations import Mutation
from api.contract.new_documents import NewDocuments
from api.contract.queries import Query
from api.contract.response_cache import ResponseCache
from api.contract.scalars import SCALAR_MAP
from api.contract.subscriptions import Subscription
from api.contract.types.nodes import NODE_TYPES
from api.live.freshness import Freshness
from api.settings import Settings
from schema.camel import camel_case

STRAWBERRY_TESTED = ">=0.341.2,<0.342"  # the range pyproject.toml pins and the test suite proves
log = logging.getLogger("strikegraph.graphql")
# The service, not the request, is at fault for now: a warning, still without a traceback.
OPERATIONAL_CODES = frozenset({"SERVICE_UNAVAILABLE", "QUERY_TIMEOUT"})


class StrikegraphSchema(strawberry.Schema):
    """Strawberry's schema, logging errors by whose fault they are: Strawberry logs every error at ERROR
    with its traceback, so a fuzzer's bad input filled the log. A client's error is one INFO line with
    its code; an unexpected error is logged at ERROR, with its traceback and the request id, by the
    ErrorCodes extension, which masks it. `answering` holds the steps every operation is answered with."""

    answering: Answering

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, getattr(getattr(execution_context, "context", None), "request_id", "-"))


def log_errors(errors: list[GraphQLError], request_id: str) -> None:
    """A client's error is one INFO line with its code (a WARNING when the service is at fault for now)."""
    for error in errors:
        code = request_error_code(error)
        if code is not None:
            level = logging.WARNING if code in OPERATIONAL_CODES else logging.INFO
            log.log(level, "request %s: %s: %s", request_id, code, error.message[:300])


class OneCamelCase(NameConverter):
    """Strawberry spells fields and arguments with the project's one camelCase (schema/camel.py), the rule
    the model and the compiler use for the same names."""

    def apply_naming_config(self, name: str) -> str:
        return camel_case(name) if self.auto_camel_case else name


def new_documents(settings: Settings) -> NewDocuments:
    return NewDocuments(
        ByteBudgetCache(settings.document_cache_bytes),
        burst_seconds=settings.new_document_burst_seconds,
        seconds_per_second=settings.new_document_seconds_per_second,
        max_waiting=settings.new_documents_max_waiting,
    )


def build_schema(settings: Settings, lane: NewDocuments | None = None) -> StrikegraphSchema:
    """The schema; new documents are prepared on `lane` (the view's, which admits them first)."""
    # The rules are fixed here, once: a cached validation is only right for the same rules.
    development = settings.environment == "development"
    introspection = settings.introspection if settings.introspection is not None else development
    rules: tuple[type[ASTValidationRule], ...] = (
        *specified_rules,
        depth_rule(settings.max_query_depth, None, None),
        aliases_rule(settings.max_aliases),
        *(() if introspection else (NoSchemaIntrospectionCustomRule,)),
    )
    answering: Answering | None = None

    def steps() -> Answering:
        assert answering is not None, "made below, before the first request"
        return answering

    schema = StrikegraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(NODE_TYPES.values()),
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            name_converter=OneCamelCase(),
            batching_config={"max_operations": settings.max_operations_per_batch},
            disable_field_suggestions=not development,
        ),
        extensions=[
            WebSocketOperations,  # first: every other extension sees the operation's own context
            WebSocketTraces,  # around the rest: its span sees the coded errors and what the statements did
            lambda: DocumentCache(answering=steps()),  # with the rules above
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),  # for what Strawberry parses again
            ReadAccess,
            lambda: CompiledExecution(answering=steps()),
            lambda: ErrorCodes(answering=steps()),
            WriteTransaction,
            ResponseFacts,
        ],
    )
    compiler = OperationCompiler(
        planning_schema(schema.as_str()),
        max_page_size=settings.max_page_size,
        max_cost=settings.max_query_cost,
        max_subqueries=settings.max_subqueries,
        max_cypher_bytes=settings.max_cypher_bytes,
        plans=ByteBudgetCache(settings.plan_cache_bytes),
    )
    default = (
        Budgets(settings.query_cost_burst, settings.query_cost_per_second)
        if settings.query_cost_per_second > 0
        else None
    )
    named = {
        name: Budgets(budget.burst, budget.per_second) if budget.per_second > 0 else None
        for name, budget in settings.query_cost_budgets.items()
    }
    limited = default is not None or any(budgets is not None for budgets in named.values())
    costs = CostPolicies(default, named) if limited else None
    responses = (
        ResponseCache(
            settings.response_cache_bytes,
            Freshness(settings.response_cache_max_staleness_seconds),
            settings.response_cache_max_age_seconds,
        )
        if settings.response_cache
        else None
    )
    answering = schema.answering = Answering(
        compiler, lane or new_documents(settings), rules, settings.max_tokens, development, settings.compiled_execution,
        costs, responses,
    )  # fmt: skip
    return schema


def schema_sdl() -> str:
    """The SDL as committed in schema/schema.graphql (limits do not change it)."""
    return build_schema(Settings(_env_file=None)).as_str() + "\n"
