"""Loads validated seed records into Neo4j: batched `UNWIND ... MERGE`, all in one transaction, so a
failure writes nothing and a re-run with the same files changes nothing. It keeps the uniqueness keys
of names and fact ids (schema/keys.py) exactly as the API does, so seed and API never disagree."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

import orjson
from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from schema.audit import NEW_EPOCH, SEQUENCE_ID
from schema.graph_model import ENTITY
from schema.keys import FACT_KEY, NAME_KEY, name_key
from schema.model import Label
from schema.records import FactBase, NodeRecord
from seed.problems import LoadRaced, SeedValidationError
from seed.validate import SeedSet, read_seed

SEED = "seed"  # the `managedBy` of everything the seeder owns; API writes say "api"
BATCH_ROWS = 5_000

ProgressCallback = Callable[[int], None]


@dataclass
class LoadSummary:
    nodes: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # writing "nodes", "facts"

    @property
    def changes(self) -> int:
        return sum(
            counts[outcome] for counts in (self.nodes, self.facts) for outcome in ("created", "updated", "removed")
        )


# A row's content hash: what `seed` compares to tell an unchanged node or fact, so it must stay stable. Its
# second scheme hashes orjson's sorted-key bytes (a tenth of the CPU of the standard library's encoder, on
# the bulk import's millions of rows) and says so by its prefix; a graph seeded under the first scheme (hex
# only) has each unchanged row's hash rewritten by its next seed run, once (`rehashed`), nothing else.
HASH_SCHEME = "2."
_LEGACY_JSON = json.JSONEncoder(sort_keys=True, default=str)
HAS_LEGACY_HASHES: LiteralString = f"""
    RETURN EXISTS {{ MATCH (n:{ENTITY}) WHERE n.seedHash IS NOT NULL AND NOT n.seedHash STARTS WITH $scheme }}
        OR EXISTS {{ MATCH ()-[r]->() WHERE r.seedHash IS NOT NULL AND NOT r.seedHash STARTS WITH $scheme }}
        AS legacy
"""


def _content_hash(properties: dict[str, Any], *extra: str) -> str:
    payload = orjson.dumps([properties, extra], option=orjson.OPT_SORT_KEYS, default=str)
    return HASH_SCHEME + hashlib.sha256(payload).hexdigest()[:30]


def _legacy_hash(properties: dict[str, Any], *extra: str) -> str:
    """The first scheme's hash (sorted-key `json.dumps`), to recognise rows seeded under it."""
    return hashlib.sha256(_LEGACY_JSON.encode([properties, extra]).encode()).hexdigest()[:32]


def node_rows(nodes: Sequence[NodeRecord], legacy: bool = False) -> list[dict[str, Any]]:
    """The loader's rows; with `legacy`, each also carries its first-scheme hash."""
    rows = []
    for node in nodes:
        properties = node.properties()
        keys = [name_key(node.label.value, key) for key in properties["nameKeys"]]
        row = {
            "id": node.id,
            "label": node.label.value,
            "props": properties,
            "hash": _content_hash(properties, node.label.value),
            "keys": keys,
        }
        if legacy:
            row["legacy"] = _legacy_hash(properties, node.label.value)
        rows.append(row)
    return rows


def fact_rows(facts: Sequence[FactBase], legacy: bool = False) -> list[dict[str, Any]]:
    """The loader's rows; with `legacy`, each also carries its first-scheme hash."""
    rows = []
    for fact in facts:
        properties = fact.properties()
        ends = (fact.type.value, fact.from_, fact.to)
        row = {"id": fact.fact_id, "type": fact.type.value, "from": fact.from_, "to": fact.to, "props": properties,
               "hash": _content_hash(properties, *ends)}  # fmt: skip
        if legacy:
            row["legacy"] = _legacy_hash(properties, *ends)
        rows.append(row)
    return rows


def created_bookkeeping(row_hash: str, at: Any) -> dict[str, Any]:
    """What the CREATE branches below give a new node or fact besides its properties (`at` is the load's
    time, there Neo4j's `datetime()`). The offline importer (seed/import_files.py) writes the same."""
    return {"seedHash": row_hash, "managedBy": SEED, "version": 1, "createdAt": at, "updatedAt": at}


def _outcome(old: str) -> str:
    """created / skipped (written through the API) / unchanged / updated, for the existing `old`."""
    return f"""CASE WHEN {old} IS NULL THEN 'created'
                  WHEN {old}.managedBy <> '{SEED}' THEN 'skipped'
                  WHEN {old}.seedHash = row.hash THEN 'unchanged'
                  WHEN {old}.seedHash = row.legacy THEN 'rehashed'
                  ELSE 'updated' END"""


# One statement for every label and one for every fact type, the label or type a parameter of each row
# (validated: a Label, a RelType): Neo4j plans two statements, not one per kind. Per kind, a fresh Neo4j
# spent about 8 s planning them, for any seed, before a first load wrote anything.
ALL_LABELS = "".join(f":{label.value}" for label in Label)


def _node_upsert() -> LiteralString:
    # New nodes are CREATEd with both labels at once (cheaper for the indexes than adding a label later);
    # a node whose kind changed loses its old label.
    return f"""
        UNWIND $rows AS row
        OPTIONAL MATCH (old:{ENTITY} {{id: row.id}})
        WITH row, old, {_outcome("old")} AS outcome
        CALL (row, outcome) {{
            WITH row, outcome WHERE outcome = 'created'
            CREATE (n:{ENTITY}:$(row.label))
            SET n = row.props, n.seedHash = row.hash, n.managedBy = '{SEED}', n.version = 1,
                n.createdAt = datetime(), n.updatedAt = datetime()
        }}
        CALL (row, old, outcome) {{
            WITH row, old, outcome WHERE outcome = 'updated'
            REMOVE old{ALL_LABELS}
            SET old:$(row.label), old += row.props, old.seedHash = row.hash,
                old.version = coalesce(old.version, 0) + 1, old.updatedAt = datetime()
        }}
        CALL (row, old, outcome) {{
            WITH row, old, outcome WHERE outcome = 'rehashed'
            SET old.seedHash = row.hash
        }}
        RETURN outcome, count(*) AS count
        """


def _fact_upsert() -> LiteralString:
    # The old fact is found through its key, whatever its type. A new fact gets a key (CREATE: of a
    # seed load and an API write racing for one id, one fails); a fact whose type or ends changed is
    # re-created under the same id and key, keeping its version history.
    return f"""
        UNWIND $rows AS row
        OPTIONAL MATCH (key:{FACT_KEY} {{id: row.id}})
        OPTIONAL MATCH (:{ENTITY} {{id: key.from}})-[old {{id: row.id}}]->(:{ENTITY} {{id: key.to}})
        WITH row, key, old, {_outcome("old")} AS outcome
        WITH row, key, old, outcome,
             outcome = 'updated' AND (type(old) <> row.type OR startNode(old).id <> row.from
                                      OR endNode(old).id <> row.to) AS moved
        CALL (row, old, outcome, moved) {{
            WITH row, old, outcome WHERE outcome = 'created' OR moved
            WITH row, old, coalesce(old.version, 0) AS version, coalesce(old.createdAt, datetime()) AS createdAt
            FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END | DELETE old)
            WITH row, version, createdAt
            MATCH (a:{ENTITY} {{id: row.from}})
            MATCH (b:{ENTITY} {{id: row.to}})
            CREATE (a)-[r:$(row.type)]->(b)
            SET r = row.props, r.seedHash = row.hash, r.managedBy = '{SEED}', r.version = version + 1,
                r.createdAt = createdAt, r.updatedAt = datetime()
        }}
        CALL (row, outcome) {{
            WITH row, outcome WHERE outcome = 'created'
            CREATE (:{FACT_KEY} {{id: row.id, type: row.type, from: row.from, to: row.to}})
        }}
        CALL (row, key, moved) {{
            WITH row, key, moved WHERE moved
            SET key.type = row.type, key.from = row.from, key.to = row.to
        }}
        CALL (row, old, outcome, moved) {{
            WITH row, old, outcome WHERE outcome = 'updated' AND NOT moved
            SET old += row.props, old.seedHash = row.hash, old.version = old.version + 1,
                old.updatedAt = datetime()
        }}
        CALL (row, old, outcome) {{
            WITH row, old, outcome WHERE outcome = 'rehashed'
            SET old.seedHash = row.hash
        }}
        RETURN outcome, count(*) AS count
        """


NODE_UPSERT = _node_upsert()
FACT_UPSERT = _fact_upsert()


# Name keys follow the nodes once every node of the load is written (so two seed nodes may swap a
# name): a seed node's stale keys go, then its missing keys are CREATEd. Nodes the API owns keep theirs.
RELEASE_STALE_NAMES: LiteralString = f"""
    UNWIND $rows AS row
    MATCH (n:{ENTITY} {{id: row.id}}) WHERE n.managedBy = '{SEED}'
    MATCH (k:{NAME_KEY} {{owner: row.id}}) WHERE NOT k.key IN row.keys
    DELETE k
"""
NAMES_TAKEN: LiteralString = f"""
    UNWIND $rows AS row
    MATCH (n:{ENTITY} {{id: row.id}}) WHERE n.managedBy = '{SEED}'
    UNWIND row.keys AS key
    MATCH (k:{NAME_KEY} {{key: key}}) WHERE k.owner <> row.id
    RETURN row.id AS id, key, k.owner AS owner
"""
CLAIM_NAMES: LiteralString = f"""
    UNWIND $rows AS row
    MATCH (n:{ENTITY} {{id: row.id}}) WHERE n.managedBy = '{SEED}'
    UNWIND row.keys AS key
    WITH row, key WHERE NOT EXISTS {{ MATCH (:{NAME_KEY} {{key: key}}) }}
    CREATE (:{NAME_KEY} {{key: key, owner: row.id}})
"""

PRUNE_FACTS: LiteralString = f"""
    MATCH ()-[r]->() WHERE r.managedBy = '{SEED}' AND NOT r.id IN $keep
    WITH r, r.id AS id
    DELETE r
    WITH id
    CALL (id) {{ MATCH (k:{FACT_KEY} {{id: id}}) DELETE k }}
    RETURN count(*) AS count
"""
# A seed node that API-written facts still use is kept: pruning never touches the API's work.
PRUNE_NODES: LiteralString = f"""
    MATCH (n:{ENTITY}) WHERE n.managedBy = '{SEED}' AND NOT n.id IN $keep
    WITH n, EXISTS {{ (n)--() }} AS used
    CALL (n, used) {{
        WITH n, used WHERE NOT used
        CALL (n) {{ MATCH (k:{NAME_KEY} {{owner: n.id}}) DELETE k }}
        DELETE n
    }}
    RETURN used, count(*) AS count
"""


def _node_batches(
    seed: SeedSet, batch_rows: int, legacy: bool = False
) -> Iterator[tuple[LiteralString, list[dict[str, Any]]]]:
    rows = node_rows([node for nodes in seed.nodes_by_label().values() for node in nodes], legacy)
    for start in range(0, len(rows), batch_rows):
        yield NODE_UPSERT, rows[start : start + batch_rows]


def _fact_batches(
    seed: SeedSet, batch_rows: int, legacy: bool = False
) -> Iterator[tuple[LiteralString, list[dict[str, Any]]]]:
    rows = fact_rows([fact for facts in seed.facts_by_type().values() for fact in facts], legacy)
    for start in range(0, len(rows), batch_rows):
        yield FACT_UPSERT, rows[start : start + batch_rows]


def count_rows(seed: SeedSet) -> int:
    return len(seed.nodes) + len(seed.facts)


async def _run_batch(tx: AsyncManagedTransaction, statement: LiteralString, rows: list[dict[str, Any]]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    async for record in await tx.run(statement, rows=rows):
        outcomes[record["outcome"]] += record["count"]
    return outcomes


async def _claim_names(tx: AsyncManagedTransaction, seed: SeedSet, rows: list[dict[str, Any]]) -> None:
    """Bring the name keys of these seed nodes in line; a name another node holds is the curator's to fix."""
    await (await tx.run(RELEASE_STALE_NAMES, rows=rows)).consume()
    taken = [record async for record in await tx.run(NAMES_TAKEN, rows=rows)]
    if taken:
        raise SeedValidationError(
            [
                seed.where[record["id"]].problem(
                    "name",
                    message=f"the name or alias '{record['key'].split(':', 1)[1]}' already names "
                    f"'{record['owner']}' in the graph (names are unique per kind)",
                )
                for record in taken
            ]
        )
    await (await tx.run(CLAIM_NAMES, rows=rows)).consume()


async def _write_all(
    tx: AsyncManagedTransaction, seed: SeedSet, prune: bool, batch_rows: int, progress: ProgressCallback | None
) -> LoadSummary:
    summary = LoadSummary()
    written: list[list[dict[str, Any]]] = []
    legacy = await _holds_legacy_hashes(tx)
    for target, batches in (
        ("nodes", _node_batches(seed, batch_rows, legacy)),
        ("facts", _fact_batches(seed, batch_rows, legacy)),
    ):
        if target == "facts":
            for rows in written:
                await _claim_names(tx, seed, rows)
        for statement, rows in batches:
            started = time.perf_counter()
            getattr(summary, target).update(await _run_batch(tx, statement, rows))
            summary.seconds[target] += time.perf_counter() - started
            if target == "nodes":
                written.append(rows)
            if progress:
                progress(len(rows))
    if prune:
        record = await (await tx.run(PRUNE_FACTS, keep=list(seed.facts))).single(strict=True)
        summary.facts["removed"] += record["count"]
        async for record in await tx.run(PRUNE_NODES, keep=list(seed.nodes)):
            summary.nodes["kept (used by API facts)" if record["used"] else "removed"] += record["count"]
    if summary.changes:  # the API's cached answers were read before these writes
        await _new_epoch(tx)
    return summary


async def _holds_legacy_hashes(tx: AsyncManagedTransaction) -> bool:
    """Whether anything was seeded under the first hash scheme (then rows carry both hashes)."""
    record = await (await tx.run(HAS_LEGACY_HASHES, scheme=HASH_SCHEME)).single(strict=True)
    return bool(record["legacy"])


async def _new_epoch(tx: AsyncManagedTransaction) -> None:
    await (await tx.run(NEW_EPOCH, sequence=SEQUENCE_ID)).consume()


async def load_seed(
    driver: AsyncDriver,
    database: str,
    seed: SeedSet,
    *,
    prune: bool = False,
    progress: ProgressCallback | None = None,
    batch_rows: int = BATCH_ROWS,
    commit_each_batch: bool = False,
    writers: int = 3,
) -> LoadSummary:
    """Write the validated seed in one transaction (all or nothing).

    `commit_each_batch` is for bulk loads too large for one transaction's memory (the benchmark's
    million-node graphs): each batch of `batch_rows` rows commits on its own, still one statement per
    batch, `writers` batches at a time (nodes first, then facts; a deadlock between two is retried); a
    failure then keeps the batches before it, and `prune` is not available.
    """
    if not commit_each_batch:
        try:
            async with driver.session(database=database) as session:
                return await session.execute_write(_write_all, seed, prune, batch_rows, progress)
        except ConstraintError as error:
            raise LoadRaced(str(error)) from error
    if prune:
        raise ValueError("prune needs the single-transaction load")
    summary = LoadSummary()
    async with driver.session(database=database) as session:  # batch by batch: cached answers are stale from the first
        await session.execute_write(_new_epoch)
        legacy = await session.execute_read(_holds_legacy_hashes)
    for target, batches in (
        ("nodes", _node_batches(seed, batch_rows, legacy)),
        ("facts", _fact_batches(seed, batch_rows, legacy)),
    ):
        started = time.perf_counter()

        async def writer(batches: Iterator[tuple[LiteralString, list[dict[str, Any]]]], counts: Counter[str]) -> None:
            async with driver.session(database=database) as session:
                for statement, rows in batches:  # shared: each batch goes to whichever writer is free
                    counts.update(await session.execute_write(_run_batch, statement, rows))
                    if progress:
                        progress(len(rows))

        counts = getattr(summary, target)
        await asyncio.gather(*(writer(batches, counts) for _ in range(max(1, writers))))
        summary.seconds[target] += time.perf_counter() - started
        if target == "nodes":  # the name keys, a batch at a time, before any fact
            async with driver.session(database=database) as session:
                for _, rows in _node_batches(seed, batch_rows):
                    await session.execute_write(_claim_names, seed, rows)
    async with driver.session(database=database) as session:
        await session.execute_write(_new_epoch)
    return summary


async def load_seed_if_empty(driver: AsyncDriver, database: str) -> LoadSummary | None:
    """Load the curated seed on a graph that has no nodes yet (first start of the service)."""
    records, _, _ = await driver.execute_query(f"MATCH (n:{ENTITY}) RETURN count(n) > 0 AS seeded", database_=database)
    if records[0]["seeded"]:
        return None
    return await load_seed(driver, database, read_seed())
