"""Changes as subscribers receive them: read from the audit trail in Neo4j (never from this process's
memory), each record checked field by field into a `ChangeEvent`, and shaped into what a subscription's
selection asks for."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.compile.plan import ObjectPlan
from api.compile.respond import Shaper
from api.database.graph import Driver
from api.database.trail import read_trail_rows
from schema.audit import ChangeAction

log = logging.getLogger("strikegraph.live")


class MalformedChange(ValueError):
    """A `Change` node that does not have the shape the API writes (edited by hand?)."""


@dataclass(frozen=True)
class ChangeEvent:
    seq: int
    id: str
    at: str
    actor: str
    action: ChangeAction
    entity_type: str
    entity: str
    nodes: tuple[str, ...]
    before: str | None  # the stored JSON text
    after: str | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ChangeEvent:
        try:
            action = ChangeAction(_typed(record, "action", str))
        except ValueError as error:
            raise MalformedChange(f"change {record.get('seq')!r}: {error}") from None
        nodes = _typed(record, "nodes", list)
        if not all(isinstance(slug, str) for slug in nodes):
            raise MalformedChange(f"change {record.get('seq')!r}: nodes must be strings")
        return cls(
            seq=_typed(record, "seq", int),
            id=_typed(record, "id", str),
            at=_typed(record, "at", str),
            actor=_typed(record, "actor", str),
            action=action,
            entity_type=_typed(record, "entityType", str),
            entity=_typed(record, "entity", str),
            nodes=tuple(nodes),
            before=_typed(record, "before", str, optional=True),
            after=_typed(record, "after", str, optional=True),
        )

    def value(self, field_name: str) -> Any:
        """The value of a `Change` field (its GraphQL name) as the compiled path reads it."""
        return {
            "seq": self.seq,
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action.value,
            "entityType": self.entity_type,
            "entity": self.entity,
            "nodes": list(self.nodes),
            "before": self.before,
            "after": self.after,
        }.get(field_name)


def _typed(record: Mapping[str, Any], key: str, kind: type, optional: bool = False) -> Any:
    value = record.get(key)
    if (value is None and optional) or (isinstance(value, kind) and not isinstance(value, bool)):
        return value
    raise MalformedChange(f"change {record.get('seq')!r}: {key} is {type(value).__name__}, not {kind.__name__}")


def shaped_change(plan: ObjectPlan, event: ChangeEvent) -> dict[str, Any]:
    """The event as its subscription's selection asks (aliases, fragments, `__typename`), keyed by
    response key like every object of the graphql-core path; `before`/`after` decoded from JSON."""
    shaped = Shaper(fallback=True).object(plan, [event.value(field.name) for field in plan.fields], None)
    assert shaped is not None
    return shaped


@dataclass(frozen=True)
class TrailPage:
    head: int  # the last number given; lower than what was seen before means the graph was wiped
    epoch: str | None  # changed by writes that bypass the trail (schema/audit.py)
    changes: list[ChangeEvent]
    last_seq: int | None  # of the last change read, malformed ones included (they are skipped, not retried)


async def read_trail(
    driver: Driver, database: str, *, after: int, until: int | None, limit: int, timeout: float
) -> TrailPage:
    """The changes after `after`, each checked; raises ServiceUnavailable when the trail cannot be read."""
    read = await read_trail_rows(driver, database, after=after, until=until, limit=limit, timeout=timeout)
    changes, last_seq = [], None
    for row in read.rows:
        last_seq = row.get("seq") if isinstance(row.get("seq"), int) else last_seq
        try:
            changes.append(ChangeEvent.from_record(row))
        except MalformedChange as error:
            log.error("skipping a change subscribers cannot be sent: %s", error)
    return TrailPage(head=read.head, epoch=read.epoch, changes=changes, last_seq=last_seq)
