"""Loads validated seed records into Neo4j: batched `UNWIND ... MERGE`, all in one transaction, so a
failure writes nothing and a re-run with the same files changes nothing."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction

from schema.graph_model import ENTITY, Label, RelType
from schema.records import FactRecord, NodeRecord
from seed.validate import SeedSet, read_seed

SEED = "seed"  # the `managedBy` of everything the seeder owns; API writes say "api"
BATCH_ROWS = 5_000

ProgressCallback = Callable[[int], None]


@dataclass
class LoadSummary:
    nodes: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(
            counts[outcome] for counts in (self.nodes, self.facts) for outcome in ("created", "updated", "removed")
        )


def _content_hash(properties: dict[str, Any], *extra: str) -> str:
    payload = json.dumps([properties, extra], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def node_rows(nodes: list[NodeRecord]) -> list[dict[str, Any]]:
    rows = []
    for node in nodes:
        properties = node.properties()
        rows.append({"id": node.id, "props": properties, "hash": _content_hash(properties, node.label.value)})
    return rows


def fact_rows(facts: list[FactRecord]) -> list[dict[str, Any]]:
    rows = []
    for fact in facts:
        properties = fact.properties()
        row_hash = _content_hash(properties, fact.type.value, fact.from_, fact.to)
        rows.append({"id": fact.fact_id, "from": fact.from_, "to": fact.to, "props": properties, "hash": row_hash})
    return rows


def _node_upsert(label: Label) -> LiteralString:
    # Labels come from the Label enum only; a node whose kind changed loses its old label.
    other_labels = "".join(f":{other.value}" for other in Label if other is not label)
    return f"""
        UNWIND $rows AS row
        MERGE (n:{ENTITY} {{id: row.id}})
        WITH n, row,
             CASE WHEN n.managedBy IS NULL THEN 'created'
                  WHEN n.managedBy <> '{SEED}' THEN 'skipped'
                  WHEN n.seedHash = row.hash THEN 'unchanged'
                  ELSE 'updated' END AS outcome
        CALL (n, row, outcome) {{
            WITH n, row, outcome WHERE outcome IN ['created', 'updated']
            REMOVE n{other_labels}
            SET n:{label.value}, n += row.props, n.seedHash = row.hash, n.managedBy = '{SEED}',
                n.version = coalesce(n.version, 0) + 1, n.updatedAt = datetime(),
                n.createdAt = coalesce(n.createdAt, datetime())
        }}
        RETURN outcome, count(*) AS count
        """


def _fact_upsert(rel: RelType) -> LiteralString:
    # A fact whose ends changed is re-created between its new ends under the same id.
    return f"""
        UNWIND $rows AS row
        MATCH (a:{ENTITY} {{id: row.from}})
        MATCH (b:{ENTITY} {{id: row.to}})
        OPTIONAL MATCH ()-[old:{rel.value} {{id: row.id}}]->()
        WITH a, b, row, old,
             CASE WHEN old IS NULL THEN 'created'
                  WHEN old.managedBy <> '{SEED}' THEN 'skipped'
                  WHEN old.seedHash = row.hash THEN 'unchanged'
                  ELSE 'updated' END AS outcome
        CALL (a, b, row, old, outcome) {{
            WITH a, b, row, old, outcome WHERE outcome IN ['created', 'updated']
            FOREACH (_ IN CASE WHEN old IS NOT NULL AND (startNode(old) <> a OR endNode(old) <> b)
                               THEN [1] ELSE [] END | DELETE old)
            MERGE (a)-[r:{rel.value} {{id: row.id}}]->(b)
            SET r += row.props, r.seedHash = row.hash, r.managedBy = '{SEED}',
                r.version = coalesce(r.version, 0) + 1, r.updatedAt = datetime(),
                r.createdAt = coalesce(r.createdAt, datetime())
        }}
        RETURN outcome, count(*) AS count
        """


PRUNE_FACTS: LiteralString = f"""
    MATCH ()-[r]->() WHERE r.managedBy = '{SEED}' AND NOT r.id IN $keep
    DELETE r
    RETURN count(*) AS count
"""
# A seed node that API-written facts still use is kept: pruning never touches the API's work.
PRUNE_NODES: LiteralString = f"""
    MATCH (n:{ENTITY}) WHERE n.managedBy = '{SEED}' AND NOT n.id IN $keep
    WITH n, EXISTS {{ (n)--() }} AS used
    CALL (n, used) {{ WITH n, used WHERE NOT used DELETE n }}
    RETURN used, count(*) AS count
"""


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def count_rows(seed: SeedSet) -> int:
    return len(seed.nodes) + len(seed.facts)


async def _write_all(
    tx: AsyncManagedTransaction, seed: SeedSet, prune: bool, progress: ProgressCallback | None
) -> LoadSummary:
    summary = LoadSummary()
    for label, nodes in seed.nodes_by_label().items():
        for batch in _batches(node_rows(nodes), BATCH_ROWS):
            async for record in await tx.run(_node_upsert(label), rows=batch):
                summary.nodes[record["outcome"]] += record["count"]
            if progress:
                progress(len(batch))
    for rel, facts in seed.facts_by_type().items():
        for batch in _batches(fact_rows(facts), BATCH_ROWS):
            async for record in await tx.run(_fact_upsert(rel), rows=batch):
                summary.facts[record["outcome"]] += record["count"]
            if progress:
                progress(len(batch))
    if prune:
        record = await (await tx.run(PRUNE_FACTS, keep=list(seed.facts))).single(strict=True)
        summary.facts["removed"] += record["count"]
        async for record in await tx.run(PRUNE_NODES, keep=list(seed.nodes)):
            summary.nodes["kept (used by API facts)" if record["used"] else "removed"] += record["count"]
    return summary


async def load_seed(
    driver: AsyncDriver,
    database: str,
    seed: SeedSet,
    *,
    prune: bool = False,
    progress: ProgressCallback | None = None,
) -> LoadSummary:
    """Write the validated seed in one transaction (all or nothing)."""
    async with driver.session(database=database) as session:
        return await session.execute_write(_write_all, seed, prune, progress)


async def load_seed_if_empty(driver: AsyncDriver, database: str) -> LoadSummary | None:
    """Load the curated seed on a graph that has no nodes yet (first start of the service)."""
    records, _, _ = await driver.execute_query(f"MATCH (n:{ENTITY}) RETURN count(n) > 0 AS seeded", database_=database)
    if records[0]["seeded"]:
        return None
    return await load_seed(driver, database, read_seed())
