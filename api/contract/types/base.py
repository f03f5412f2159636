"""Shared pieces: the direction enum, page info, and the fallback path's resolver."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info


@strawberry.enum(description="Which way a relationship points, seen from the node asked about.")
class Direction(Enum):
    OUTGOING = "OUTGOING"
    INCOMING = "INCOMING"
    BOTH = "BOTH"


def by_key(root: Any, info: Info) -> Any:
    """Fallback path: objects are dicts keyed by response key, as the compiler produced them; a field the
    planner refused holds its error, raised here so graphql-core places it at this field's path."""
    value = root[info.path.key]
    if isinstance(value, Exception):
        raise value
    return value


@strawberry.type(description="Relay page information for keyset pagination.")
class PageInfo:
    has_next_page: bool = strawberry.field(resolver=by_key)
    has_previous_page: bool = strawberry.field(resolver=by_key)
    start_cursor: str | None = strawberry.field(resolver=by_key)
    end_cursor: str | None = strawberry.field(resolver=by_key)
