"""Builds the Strawberry schema with its limits and extensions from the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from graphql.validation import ASTValidationRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition

from api.extensions import ErrorCodes, ReadAccess, StatementCount, WriteTransaction
from api.read.queries import Query
from api.settings import Settings
from api.write.mutations import Mutation
from schema.scalars import SCALAR_MAP
from schema.types.base import PREFETCHED_RESOLVERS
from schema.types.nodes import NODE_TYPES


def build_schema(settings: Settings) -> strawberry.Schema:
    # The limit rules are built once: the validation cache is keyed by the rule classes, so rules made
    # afresh per request (as QueryDepthLimiter() would) would never hit it.
    limits: list[type[ASTValidationRule]] = [
        depth_rule(settings.max_query_depth, None, None),
        aliases_rule(settings.max_aliases),
    ]
    schema = strawberry.Schema(
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
    _plain_resolvers(schema)
    return schema


def _plain_resolvers(schema: strawberry.Schema) -> None:
    """Resolve output fields of our object types straight from attributes, bypassing Strawberry's
    per-field wrapper: on large results that wrapper, not Neo4j, dominated the time per request.

    Plain fields read their attribute; fields with arguments read what the compiled query prefetched
    under their response key. Root types keep Strawberry's resolvers (and their permissions).
    """
    for name, graphql_type in schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or name in {"Query", "Mutation"} or name.startswith("__"):
            continue
        definition = schema.get_type_by_name(name)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            graphql_field = graphql_type.fields[schema.config.name_converter.get_graphql_name(field)]
            if field.base_resolver is None:
                graphql_field.resolve = _attribute(field.python_name)
            elif field.base_resolver.wrapped_func in PREFETCHED_RESOLVERS:
                graphql_field.resolve = _from_prefetched


def _attribute(python_name: str) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        return getattr(source, python_name)

    return resolve


def _from_prefetched(source: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
    return source._prefetched[info.path.key]


def schema_sdl() -> str:
    """The SDL as committed in schema/schema.graphql (limits do not change it)."""
    return build_schema(Settings(_env_file=None)).as_str() + "\n"
