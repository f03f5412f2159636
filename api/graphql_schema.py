"""Builds the Strawberry schema with its limits and extensions from the settings."""

from __future__ import annotations

import strawberry
from graphql.validation import ASTValidationRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig

from api.extensions import ErrorCodes, ReadAccess, StatementCount, WriteTransaction
from api.read.queries import Query
from api.settings import Settings
from api.write.mutations import Mutation
from schema.scalars import SCALAR_MAP
from schema.types.nodes import NODE_TYPES


def build_schema(settings: Settings) -> strawberry.Schema:
    # The limit rules are built once: the validation cache is keyed by the rule classes, so rules made
    # afresh per request (as QueryDepthLimiter() would) would never hit it.
    limits: list[type[ASTValidationRule]] = [
        depth_rule(settings.max_query_depth, None, None),
        aliases_rule(settings.max_aliases),
    ]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES.values()),
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            batching_config={"max_operations": settings.max_operations_per_batch},
        ),
        extensions=[
            # Parsing and validating the same documents again is the biggest fixed cost per request.
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            ReadAccess,
            lambda: ErrorCodes(suggestions=settings.environment == "development"),
            WriteTransaction,
            StatementCount,
        ],
    )


def schema_sdl() -> str:
    """The SDL as committed in schema/schema.graphql (limits do not change it)."""
    return build_schema(Settings(_env_file=None)).as_str() + "\n"
