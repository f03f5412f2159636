"""The audit trail: one `Change` per write, saying who, when, what, before and after."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.contract.types.base import by_key
from schema.audit import ChangeAction


@strawberry.type(description="One write through the API.")
class Change:
    seq: int = strawberry.field(
        resolver=by_key,
        description="Its place in the trail: numbers follow commit order, with no gaps (resume subscriptions with it).",
    )
    id: str = strawberry.field(resolver=by_key)
    at: str = strawberry.field(resolver=by_key, description="When (ISO date-time, UTC).")
    actor: str = strawberry.field(resolver=by_key, description="The name of the API key that made it.")
    action: ChangeAction = strawberry.field(resolver=by_key)
    entity_type: str = strawberry.field(resolver=by_key, description="The node label or relationship type.")
    entity: str = strawberry.field(resolver=by_key, description="The node slug or fact id.")
    nodes: list[str] = strawberry.field(
        resolver=by_key, description="The slugs of the nodes it touches: the node, or the fact's start and end."
    )
    before: JSON | None = strawberry.field(resolver=by_key, description="Stored properties before (null when created).")
    after: JSON | None = strawberry.field(resolver=by_key, description="Stored properties after (null when deleted).")
