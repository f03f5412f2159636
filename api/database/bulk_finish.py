"""What finishing an offline import asks of Neo4j (api/commands/bulk_import.py runs it): whether the database
is in use, the empty lists the importer cannot write, how far the indexes have populated, and the counts to
check against what was written. Labels, types and properties come from the model; values as parameters."""

from __future__ import annotations

import re

from neo4j import AsyncDriver, Query

from schema.audit import NEW_EPOCH, SEQUENCE_ID
from schema.graph_model import ENTITY
from schema.model import Label, RelType
from seed.import_files import Fixup

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")  # a property that may be spelled into Cypher


async def nodes_in_use(driver: AsyncDriver, database: str) -> int | None:
    """The number of nodes when the database holds anything but bookkeeping, else None."""
    records, _, _ = await driver.execute_query(
        "MATCH (n) WITH count(n) AS nodes RETURN nodes, EXISTS { MATCH (m) WHERE NOT m:GraphMigration } AS used",
        database_=database,
    )
    return int(records[0]["nodes"]) if records[0]["used"] else None


async def set_missing(driver: AsyncDriver, database: str, fixup: Fixup) -> int:
    """Sets the fix-up's property where it is missing (an empty list the importer could not write); returns
    how many were set. In batches, so a large graph does not need one huge transaction."""
    known = {label.value for label in Label} if fixup.label is not None else {rel.value for rel in RelType}
    if (fixup.label or fixup.rel_type) not in known or not _NAME.match(fixup.property):
        raise ValueError(f"not a label, type or property of the model: {fixup}")
    if fixup.label is not None:
        target = f"MATCH (x:{fixup.label})" if fixup.ids is None else f"UNWIND $ids AS id MATCH (x:{ENTITY} {{id: id}})"
    else:
        target = f"MATCH ()-[x:{fixup.rel_type}]->()"
        target = target if fixup.ids is None else f"UNWIND $ids AS id {target} WHERE x.id = id"
    statement = (f"{target} WHERE x.`{fixup.property}` IS NULL "
                 f"CALL (x) {{ SET x.`{fixup.property}` = $value }} IN TRANSACTIONS OF 100000 ROWS")  # fmt: skip
    async with driver.session(database=database) as session:  # IN TRANSACTIONS needs an auto-commit one
        summary = await (await session.run(Query(statement), value=fixup.value, ids=fixup.ids)).consume()
    return summary.counters.properties_set


async def new_epoch(driver: AsyncDriver, database: str) -> None:
    """The imported graph is not the one any API process knew: their cached answers are stale."""
    await driver.execute_query(NEW_EPOCH, sequence=SEQUENCE_ID, database_=database)


async def index_population(driver: AsyncDriver, database: str) -> tuple[float, float]:
    """(done, total) in percent points summed over the indexes, for a progress bar."""
    records, _, _ = await driver.execute_query(
        "SHOW INDEXES YIELD populationPercent RETURN sum(populationPercent) AS done, 100.0 * count(*) AS total",
        database_=database,
    )
    return float(records[0]["done"] or 0), float(records[0]["total"] or 100)


async def stored_counts(driver: AsyncDriver, database: str) -> dict[str, int]:
    """Nodes, facts and key nodes (NameKey and FactKey), as Neo4j counts them."""
    counted: dict[str, int] = {}
    for name, statement in (
        ("nodes", f"MATCH (n:{ENTITY}) RETURN count(n) AS n"),
        ("facts", "MATCH ()-[r]->() RETURN count(r) AS n"),
        (
            "keys",
            "MATCH (k:NameKey) WITH count(k) AS names MATCH (f:FactKey) WITH names, count(f) AS facts "
            "RETURN names + facts AS n",
        ),
    ):
        records, _, _ = await driver.execute_query(statement, database_=database)
        counted[name] = records[0]["n"]
    return counted
