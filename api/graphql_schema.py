"""Builds the Strawberry schema with its limits and extensions from the settings."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from api.extensions import ErrorCodes, ReadAccess, StatementCount, WriteTransaction
from api.read.queries import Query
from api.settings import Settings
from api.write.mutations import Mutation
from schema.scalars import SCALAR_MAP
from schema.types.nodes import NODE_TYPES


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES.values()),
        config=StrawberryConfig(
            scalar_map=SCALAR_MAP,
            batching_config={"max_operations": settings.max_operations_per_batch},
        ),
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
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
