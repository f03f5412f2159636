"""How a Python name is spelled in GraphQL: the one camelCase of the project. The GraphQL contract's
name converter uses it too (api/contract/graphql_schema.py), so a field, an argument and the property
Neo4j stores are spelled by one rule."""

from __future__ import annotations


def camel_case(name: str) -> str:
    """`started_from` -> `startedFrom`; a doubled underscore keeps one (`a__b` -> `a_B`), as GraphQL
    tools have always spelled it."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() if part else "_" for part in rest)
