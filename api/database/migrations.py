"""One-off graph migrations, each remembered by a `GraphMigration` marker node so that it runs once per
graph; and the one that gives name keys written before names were normalised (schema/names.py) their
normalised form.

Before, a key was the casefolded name, so "Café Guild" decomposed or with a no-break space had a key of its
own. Normalising can make two nodes' keys one: the node first in id order keeps the key (the other one
keeps its name, loses that key and is reported, for a curator to rename or merge), nothing is merged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction

from schema.graph_model import ENTITY
from schema.keys import NAME_KEY, name_key
from schema.names import name_keys

log = logging.getLogger("strikegraph")

NAME_KEYS_MIGRATION = "normalized-name-keys-1"
# Only names that are not plain printable ASCII words with single spaces can have a new key: for those,
# the old key (casefolded) is already the normalised one.
CANDIDATES: LiteralString = f"""
    MATCH (n:{ENTITY}) WHERE n.nameKeys IS NOT NULL
      AND NOT all(name IN [coalesce(n.name, '')] + coalesce(n.aliases, []) WHERE name =~ '[!-~]+( [!-~]+)*')
    RETURN n.id AS id, [l IN labels(n) WHERE l <> '{ENTITY}'][0] AS label, n.name AS name,
           coalesce(n.aliases, []) AS aliases, n.nameKeys AS keys
"""
RELEASE_OLD: LiteralString = f"""
    UNWIND $rows AS row
    MATCH (k:{NAME_KEY} {{owner: row.id}}) WHERE NOT k.key IN row.keys DELETE k
"""
OWNERS: LiteralString = f"MATCH (k:{NAME_KEY}) WHERE k.key IN $keys RETURN k.key AS key, k.owner AS owner"
CLAIM_NEW: LiteralString = f"""
    UNWIND $rows AS row
    MATCH (n:{ENTITY} {{id: row.id}}) SET n.nameKeys = row.owned
    WITH row UNWIND row.claimed AS key
    MERGE (k:{NAME_KEY} {{key: key}}) ON CREATE SET k.owner = row.id
"""


async def migrated(driver: AsyncDriver, database: str, migration: str) -> bool:
    """Whether a one-off migration already ran on this graph (a marker node remembers)."""
    records, _, _ = await driver.execute_query(
        "OPTIONAL MATCH (m:GraphMigration {id: $id}) RETURN m IS NOT NULL AS done", id=migration, database_=database
    )
    return bool(records[0]["done"])


async def mark_migrated(driver: AsyncDriver, database: str, migration: str) -> None:
    await driver.execute_query("MERGE (:GraphMigration {id: $id})", id=migration, database_=database)


@dataclass(frozen=True)
class KeyCollision:
    """Two nodes of a kind whose names became one key: `holder` keeps it, `node` is left without it."""

    label: str
    key: str
    node: str
    holder: str

    def __str__(self) -> str:
        return (
            f"{self.label} '{self.node}' and '{self.holder}' have names with the same key '{self.key}' once "
            f"normalised: '{self.holder}' keeps it; rename '{self.node}' or merge the two"
        )


async def normalize_name_keys(driver: AsyncDriver, database: str) -> list[KeyCollision]:
    """Once per graph: normalised `nameKeys` and `NameKey` nodes; collisions are logged and returned."""
    if await migrated(driver, database, NAME_KEYS_MIGRATION):
        return []
    records, _, _ = await driver.execute_query(CANDIDATES, database_=database)
    rows = []
    for record in records:
        keys = name_keys([record["name"] or "", *record["aliases"]])
        if keys != sorted(record["keys"] or []):
            rows.append({"id": record["id"], "label": record["label"], "keys": keys})
    collisions: list[KeyCollision] = []
    if rows:
        async with driver.session(database=database) as session:
            collisions = await session.execute_write(_rekey, sorted(rows, key=lambda row: row["id"]))
    for collision in collisions:
        log.warning("name keys: %s", collision)
    await mark_migrated(driver, database, NAME_KEYS_MIGRATION)
    return collisions


async def _rekey(tx: AsyncManagedTransaction, rows: list[dict[str, Any]]) -> list[KeyCollision]:
    """Release the old keys, then claim the new ones in id order; a key another node holds is not taken."""
    for row in rows:
        row["qualified"] = [name_key(row["label"], key) for key in row["keys"]]
    await (await tx.run(RELEASE_OLD, rows=[{"id": row["id"], "keys": row["qualified"]} for row in rows])).consume()
    wanted = sorted({key for row in rows for key in row["qualified"]})
    owners = {record["key"]: record["owner"] async for record in await tx.run(OWNERS, keys=wanted)}
    collisions, claims = [], []
    for row in rows:
        owned, claimed = [], []
        for key, qualified in zip(row["keys"], row["qualified"], strict=True):
            holder = owners.setdefault(qualified, row["id"])
            if holder == row["id"]:
                owned.append(key)
                claimed.append(qualified)
            else:
                collisions.append(KeyCollision(row["label"], key, row["id"], holder))
        claims.append({"id": row["id"], "owned": owned, "claimed": claimed})
    await (await tx.run(CLAIM_NEW, rows=claims)).consume()
    return collisions
