"""The audit trail as the API writes it: one `Change` per write, in the request's write transaction, and
the numbers (`seq`, commit order, no gaps) the transaction gives its changes just before it commits."""

from __future__ import annotations

import json
from typing import Any

from api.auth import Caller
from api.database.graph import RequestGraph
from schema.audit import CHANGE, SEQUENCE_ID, UNSEQUENCED, ChangeAction, numbering


def _json(props: dict[str, Any] | None) -> str | None:
    if props is None:
        return None
    return json.dumps({k: v for k, v in props.items() if k != "seedHash"}, sort_keys=True, default=str)


async def record_change(
    graph: RequestGraph,
    caller: Caller,
    action: ChangeAction,
    entity_type: str,
    entity: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    nodes: list[str],
) -> None:
    """`nodes`: the slugs the change touches (the node, or the fact's two ends), for subscribers. The
    change is numbered when the transaction commits (`sequence_changes`); `step` keeps the order of a
    request's changes until then (its own unnumbered changes are the only ones it can see)."""
    await graph.write(
        f"OPTIONAL MATCH (earlier:{UNSEQUENCED}) WITH count(earlier) AS step "
        f"CREATE (:{CHANGE}:{UNSEQUENCED} {{id: randomUUID(), at: datetime(), step: step, actor: $actor, "
        "action: $action, entityType: $type, entity: $entity, nodes: $nodes, before: $before, after: $after})",
        actor=caller.name, action=action.value, type=entity_type, entity=entity, nodes=nodes,
        before=_json(before), after=_json(after),
    )  # fmt: skip


# The last statement of a writing transaction: its changes, in the order written, numbered.
SEQUENCE_CHANGES = (
    numbering(f"MATCH (c:{UNSEQUENCED}) WITH c ORDER BY c.step", f" REMOVE c:{UNSEQUENCED}, c.step") + "RETURN seq"
)


async def sequence_changes(graph: RequestGraph) -> list[int]:
    """Number the changes this request wrote, just before it commits; their numbers, in order."""
    if not graph.writing:
        return []
    rows = await graph.write(SEQUENCE_CHANGES, sequence=SEQUENCE_ID)
    return [int(row["seq"]) for row in rows]
