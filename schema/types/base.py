"""Shared pieces: enums, global ids, the resolvers of prefetched fields, page info."""

from __future__ import annotations

import base64
import binascii
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from schema.graph_model import NegotiationStatus, OrganizationKind, RelType, SourceKind
from schema.scalars import Date

# The graph model's enums are the GraphQL enums (registered here with their descriptions).
strawberry.enum(OrganizationKind, description="What kind of organization it is.")
strawberry.enum(NegotiationStatus, description="Whether the talks took place yet.")
strawberry.enum(SourceKind, description="What kind of document a source is.")
strawberry.enum(RelType, name="RelationshipType", description="The closed set of fact types.")


@strawberry.enum(description="Which way a relationship points, seen from the node asked about.")
class Direction(Enum):
    OUTGOING = "OUTGOING"
    INCOMING = "INCOMING"
    BOTH = "BOTH"


def to_global_id(type_name: str, slug: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{slug}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str] | None:
    """(type name, slug) of a global id, or None if it is not one."""
    try:
        decoded = base64.urlsafe_b64decode(global_id.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, slug = decoded.partition(":")
    return (type_name, slug) if type_name and slug else None


def prefetched(root: Any, info: Info) -> Any:
    """Fields with arguments read the value the compiled query fetched under their response key."""
    return root._prefetched[info.path.key]


def prefetched_as_of(root: Any, info: Info, as_of: Date | None = None) -> Any:
    """`asOf`: only facts that held on that date (and were not yet retracted then)."""
    return root._prefetched[info.path.key]


# Set as the resolvers of fields whose values the compiled query fetched (see api/graphql_schema.py).
PREFETCHED_RESOLVERS: set[Any] = {prefetched, prefetched_as_of}


@strawberry.type(description="Relay page information for keyset pagination.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
