"""The root subscription type: live updates over WebSocket (graphql-transport-ws at /graphql), fed by the
audit trail through the process's change feed (api/live/feed.py).

Subscriptions run through graphql-core's execution (the compiled path takes queries only): each event is
an object keyed by response key, shaped from the operation's own plan like every object that path
completes, so aliases, fragments and `__typename` work as in queries.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Annotated, Any

import strawberry

from api.auth import Role, require_role
from api.compile.execute import OperationSource
from api.compile.filters import slug_of
from api.contract.context import Info
from api.contract.types.changes import Change
from api.contract.types.nodes import Node
from api.errors import BadUserInput
from api.live.events import ChangeEvent, shaped_change
from api.live.feed import ChangeFeed
from schema.audit import ChangeAction
from schema.model import Label, RelType

MAX_ENTITY_CHARACTERS = 300
MAX_TYPES = 50
ENTITY_TYPES = frozenset(label.value for label in Label) | frozenset(rel.value for rel in RelType)


def change_filter(
    entity: str | None, types: list[str] | None, actions: list[ChangeAction] | None
) -> Callable[[ChangeEvent], bool]:
    """Which changes a `changes` subscription wants; the arguments checked as any input is."""
    if entity is not None and not 0 < len(entity) <= MAX_ENTITY_CHARACTERS:
        raise BadUserInput(f"entity: 1 to {MAX_ENTITY_CHARACTERS} characters", argument="entity")
    if types is not None:
        if len(types) > MAX_TYPES:
            raise BadUserInput(f"types: at most {MAX_TYPES}", argument="types")
        unknown = sorted({kind for kind in types if kind not in ENTITY_TYPES})
        if unknown:
            allowed = ", ".join(sorted(ENTITY_TYPES))
            raise BadUserInput(f"types: unknown {unknown[0][:60]!r}; node kinds and fact types are {allowed}",
                               argument="types")  # fmt: skip
    wanted_types = frozenset(types) if types is not None else None
    wanted_actions = frozenset(actions) if actions is not None else None

    def accepts(event: ChangeEvent) -> bool:
        return (
            (entity is None or event.entity == entity)
            and (wanted_types is None or event.entity_type in wanted_types)
            and (wanted_actions is None or event.action in wanted_actions)
        )

    return accepts


def _live(info: Info) -> tuple[ChangeFeed, OperationSource]:
    context = info.context
    assert context.feed is not None, "set by the view from the app's lifespan"
    assert context.operation is not None, "set by the CompiledExecution extension"
    return context.feed, context.operation


def _still_allowed(info: Info) -> None:
    """Keys are checked at every event, not only at the start: a revoked key ends the stream."""
    context = info.context
    if context.settings.require_key_for_reads and context.keys is not None:
        require_role(context.keys.caller(context.authorization), Role.READER)


OPEN = object()  # what a stream yields first, once it holds its place in the change feed


async def opened(stream: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    """The stream, run up to its first `yield` (OPEN): what refuses a subscription while it opens (over the
    process's limit, bad arguments, Neo4j unavailable) is raised here, in the resolver, which the
    graphql-transport-ws protocol reports as an `error` message for the operation, as Strawberry reports the
    per-connection limit. Once open, a stream that ends sends `next` with the errors, then `complete`.
    (Started, the generator is also closed, and its place given back, however the operation ends.)"""
    first = await anext(stream)
    assert first is OPEN, "a stream yields OPEN first"
    return stream


After = Annotated[
    int | None,
    strawberry.argument(description="Replay the changes numbered after this `seq` first (to resume a stream)."),
]


@strawberry.type(
    description=(
        "Live updates over WebSocket (graphql-transport-ws at /graphql), read from the audit trail in Neo4j: "
        "every API process serving the same Neo4j sees every write."
    )
)
class Subscription:
    @strawberry.subscription(
        graphql_type=Change,
        description=(
            "Each committed change, once, in commit order (`seq`). `entity`: a node slug or fact id; `types`: "
            "node kinds or fact types (e.g. Strike, AGAINST); `actions`: what the change did."
        ),
    )
    async def changes(
        self,
        info: Info,
        entity: str | None = None,
        types: list[str] | None = None,
        actions: list[ChangeAction] | None = None,
        after: After = None,
    ) -> AsyncGenerator[Any, None]:
        accepts = change_filter(entity, types, actions)
        feed, operation = _live(info)
        plan = operation.event_plan(str(info.path.key))

        async def events() -> AsyncGenerator[Any, None]:
            async with feed.subscription(accepts, after) as subscriber:
                yield OPEN
                while True:
                    event = await subscriber.next()
                    _still_allowed(info)
                    yield shaped_change(plan, event)

        return await opened(events())

    @strawberry.subscription(
        graphql_type=Node | None,
        description=(
            "A node (slug or global id) as it is now, then again after every change that touches it: its "
            "own fields, or a fact it is an end of. Null when there is no such node (e.g. once deleted)."
        ),
    )
    async def node(self, info: Info, id: strawberry.ID) -> AsyncGenerator[Any, None]:
        slug = slug_of(id, "id")
        feed, operation = _live(info)
        read = operation.event_node(str(info.path.key), slug)

        async def states() -> AsyncGenerator[Any, None]:
            # Subscribed before the first read, so no change falls between the two.
            async with feed.subscription(lambda event: slug in event.nodes) as subscriber:
                yield OPEN
                yield await operation.read(info.context.graph, read)
                while True:
                    await subscriber.next()
                    subscriber.skip_waiting()  # one read shows every change already waiting
                    _still_allowed(info)
                    yield await operation.read(info.context.graph, read)

        return await opened(states())
