"""The audit trail (`changes(since:, entity:)`): what was written, newest first."""

from __future__ import annotations

import datetime as dt

from api.compile import root_fields as fields
from api.compile.cursors import page_size
from api.compile.filters import shown
from api.compile.plan import RootPlan, RootRead
from api.compile.render import Renderer
from api.compile.roots.request import Planner, RootRequest
from api.compile.roots.rows import shape_rows
from api.errors import BadUserInput


def changes(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Changes = request.arguments
    first = page_size(arguments.first, planner.max_page_size)
    since = _instant(arguments.since) if arguments.since is not None else None
    if arguments.entity is not None and len(arguments.entity) > 300:
        raise BadUserInput("entity: at most 300 characters", argument="entity")
    child = planner.object(request.named, request.nodes, first)
    return request.plan(CHANGES, None, child, args=(("since", since), ("entity", arguments.entity), ("first", first)))


def _instant(text: str) -> str:
    """An ISO date or date-time, as the ISO date-time Neo4j's `datetime()` reads (UTC when no zone)."""
    try:
        moment = dt.datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or not 1 <= moment.year <= 9999:
        raise BadUserInput(
            f"since: {shown(text)} is not an ISO date or date-time (e.g. 2026-11-01 or 2026-11-01T10:00:00Z)",
            argument="since",
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


def _render(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    since, entity = renderer.param(root.arg("since")), renderer.param(root.arg("entity"))
    projection = renderer.object(root.child, {"v": "c"})
    return (
        f"RETURN COLLECT {{ MATCH (c:Change) WHERE ({since} IS NULL OR c.at >= datetime({since})) "
        f"AND ({entity} IS NULL OR c.entity = {entity}) "
        f"RETURN {projection} ORDER BY c.at DESC, c.id LIMIT {renderer.param(root.arg('first'))} }}"
    )


CHANGES = RootRead("changes", _render, shape_rows)
