"""The audit trail as the change feed reads it (api/live/): the head (the last number given) and the changes
after `$after`, oldest first, in one read transaction with Neo4j's own timeout and a client-side guard.
Any failure to read, whatever the driver calls it, is ServiceUnavailable."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver, Query, RoutingControl
from neo4j.exceptions import DriverError, Neo4jError

from api import tracing
from api.database.graph import TIMEOUT_GRACE_SECONDS
from api.errors import ServiceUnavailable
from schema.audit import CHANGE, CHANGE_SEQUENCE, SEQUENCE_ID

# A range seek on the unique `seq` index. `$until` bounds a replay; the poller reads up to the head.
READ_TRAIL: LiteralString = f"""
    OPTIONAL MATCH (s:{CHANGE_SEQUENCE} {{id: $sequence}})
    RETURN coalesce(s.last, 0) AS head, s.epoch AS epoch, COLLECT {{
        MATCH (c:{CHANGE}) WHERE c.seq > $after AND c.seq <= coalesce($until, 9223372036854775807)
        RETURN c {{.seq, .id, at: toString(c.at), .actor, .action, .entityType, .entity, .nodes, .before, .after}}
        ORDER BY c.seq LIMIT $limit
    }} AS changes
"""


@dataclass(frozen=True)
class TrailRows:
    head: int
    epoch: str | None
    rows: list[dict[str, Any]]  # as stored: the feed checks each before it is sent


async def read_trail_rows(
    driver: AsyncDriver, database: str, *, after: int, until: int | None, limit: int, timeout: float
) -> TrailRows:
    try:
        with tracing.cypher_span(database, READ_TRAIL):  # recorded under a sampled poll's span
            result = await asyncio.wait_for(
                driver.execute_query(
                    Query(READ_TRAIL, timeout=timeout, metadata={"app": "strikegraph", "reader": "change-feed"}),
                    parameters_={"sequence": SEQUENCE_ID, "after": after, "until": until, "limit": limit},
                    routing_=RoutingControl.READ,
                    database_=database,
                ),
                timeout + TIMEOUT_GRACE_SECONDS,
            )
    except (TimeoutError, Neo4jError, DriverError, OSError) as error:
        unavailable = "the change feed cannot read the audit trail right now: try again shortly"
        raise ServiceUnavailable(unavailable) from error
    record = result.records[0]
    return TrailRows(int(record["head"]), record["epoch"], list(record["changes"]))
