"""The one door to Neo4j: every statement a request sends goes through a `RequestGraph`, which runs it
in a read or write transaction with a timeout (planning included), counts it (the round-trip budget) and
turns Neo4j's failures into errors a client can act on: SERVICE_UNAVAILABLE, QUERY_TIMEOUT."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal, LiteralString

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncSession,
    AsyncTransaction,
    NotificationMinimumSeverity,
    Query,
    RoutingControl,
)
from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    RoutingServiceUnavailable,
    ServiceUnavailable,
)

from api.errors import QueryTimeout, UserFacingError
from api.errors import ServiceUnavailable as Unavailable
from api.migrations import mark_migrated, migrated, normalize_name_keys
from api.settings import Settings
from schema.audit import CHANGE, CHANGE_SEQUENCE, SEQUENCE_ID, UNSEQUENCED
from schema.graph_model import ENTITY, graph_schema_statements
from schema.keys import FACT_KEY, NAME_KEY

Record = dict[str, Any]
RetryReason = Literal["transient", "unavailable"]

# The client-side guard waits this much longer than the server-side timeout, so that a statement that
# times out while running gets Neo4j's own error; one still planning (which Neo4j's timeout does not
# cover) is cancelled here.
TIMEOUT_GRACE_SECONDS = 0.5


def create_driver(settings: Settings) -> AsyncDriver:
    if settings.neo4j_uri is None:
        raise ValueError("no Neo4j configured: set NEO4J_URI or let `strikegraph serve` start the local one")
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    # Notifications off: Neo4j would otherwise warn on every read that `retractedAt` is an unknown
    # property until the first retraction, and the driver logs each warning. The timeouts make a read
    # fail within about a second and a half when Neo4j is down (the driver's defaults retry for 30 s).
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, password),
        notifications_min_severity=NotificationMinimumSeverity.OFF,
        connection_timeout=settings.neo4j_connection_timeout_seconds,
        connection_acquisition_timeout=settings.neo4j_acquisition_timeout_seconds,
        max_transaction_retry_time=settings.unavailable_retry_seconds,
    )


def user_facing(error: Neo4jError | DriverError) -> UserFacingError | None:
    """What a client should hear about a Neo4j failure; None for an error that is our bug."""
    if isinstance(error, Neo4jError) and "TransactionTimedOut" in (error.code or ""):
        return QueryTimeout("the query took too long and was stopped: ask for less (fewer levels, smaller pages)")
    if isinstance(error, IncompleteCommit):
        return Unavailable("Neo4j went away while saving: the change may or may not be saved; read before retrying")
    if retry_reason(error) is not None or isinstance(error, ConnectionAcquisitionTimeoutError):
        return Unavailable("the graph database is unavailable right now: try again shortly")
    return None


def retry_reason(error: Neo4jError | DriverError) -> RetryReason | None:
    """Why a transaction that failed so may be retried: Neo4j did not answer at all ("unavailable"), or
    answered "try again" (a deadlock, a leader switch: "transient"); None when retrying cannot help."""
    if not error.is_retryable():
        return None
    if type(error) in (ServiceUnavailable, RoutingServiceUnavailable):
        return "unavailable"
    return "transient"


@dataclass
class RequestGraph:
    """Neo4j as one request sees it.

    Reads run in read transactions. The first write opens one write transaction for the rest of the
    request (later reads see its changes); `finish` commits it when the request had no error, so
    several mutations in one request are all or nothing. A transient failure of that transaction is
    recorded in `retry`: the HTTP view then runs the whole request again on a fresh `RequestGraph`
    (api/app.py), so a retry replays every write of the request in a new transaction and the audit
    trail never holds a change twice. Reads and writes share the driver's bookmark manager, so a read
    after a write sees it even on a cluster follower.
    """

    driver: AsyncDriver
    database: str
    timeout: float
    request_id: str | None = None
    statements: int = field(default=0)
    retry: RetryReason | None = field(default=None)
    _failure: UserFacingError | None = field(default=None, repr=False)
    _session: AsyncSession | None = field(default=None, repr=False)
    _transaction: AsyncTransaction | None = field(default=None, repr=False)

    def again(self) -> RequestGraph:
        """A fresh view for the next attempt of the same request (the statement count goes on)."""
        return RequestGraph(self.driver, self.database, self.timeout, self.request_id, self.statements)

    async def read(self, cypher: LiteralString, **params: Any) -> list[Record]:
        if self._transaction is not None:
            return await self._run_in_transaction(cypher, params)
        self.statements += 1
        try:
            result = await asyncio.wait_for(
                self.driver.execute_query(
                    Query(cypher, timeout=self.timeout, metadata=self._metadata()),
                    parameters_=params,
                    routing_=RoutingControl.READ,
                    database_=self.database,
                    bookmark_manager_=self.driver.execute_query_bookmark_manager,
                ),
                self.timeout + TIMEOUT_GRACE_SECONDS,
            )
        except TimeoutError:
            raise await self._timed_out() from None
        except (Neo4jError, DriverError) as error:
            raise user_facing(error) or error from error
        # dict(record), not record.data(): our results are plain maps, no graph objects to convert.
        return [dict(record) for record in result.records]

    async def write(self, cypher: LiteralString, **params: Any) -> list[Record]:
        if self._failure is not None:  # the transaction is lost; the view retries the request
            raise self._failure
        if self._transaction is None:
            self._session = self.driver.session(
                database=self.database,
                default_access_mode="WRITE",
                bookmark_manager=self.driver.execute_query_bookmark_manager,
            )
            try:
                self._transaction = await self._session.begin_transaction(
                    timeout=self.timeout, metadata=self._metadata()
                )
            except (Neo4jError, DriverError) as error:
                raise self._failed(error) from error
        return await self._run_in_transaction(cypher, params)

    async def _run_in_transaction(self, cypher: LiteralString, params: dict[str, Any]) -> list[Record]:
        assert self._transaction is not None
        if self._failure is not None:
            raise self._failure
        self.statements += 1
        transaction = self._transaction

        async def fetch() -> list[Record]:
            result = await transaction.run(cypher, params)
            return [dict(record) async for record in result]

        try:
            return await asyncio.wait_for(fetch(), self.timeout + TIMEOUT_GRACE_SECONDS)
        except TimeoutError:
            self._failure = await self._timed_out()
            raise self._failure from None
        except (Neo4jError, DriverError) as error:
            raise self._failed(error) from error

    def _failed(self, error: Neo4jError | DriverError) -> Exception:
        """Record a failure that dooms the transaction; what to raise in its place."""
        reason = retry_reason(error)
        facing = user_facing(error)
        if reason is not None:
            self.retry = reason
        if facing is not None:
            self._failure = facing
            return facing
        return error  # e.g. a ConstraintError, which the write repository turns into a CONFLICT

    async def _timed_out(self) -> UserFacingError:
        """The statement outlived its timeout: too big a query, unless Neo4j itself stopped answering
        (shutting down, overloaded), which a trivial query tells apart."""
        try:
            reason = await asyncio.wait_for(neo4j_unavailable_reason(self.driver, self.database), 1.5)
        except TimeoutError:
            reason = "no answer"
        if reason is not None:
            return Unavailable("the graph database did not answer in time: try again shortly")
        return QueryTimeout(f"the query did not finish within {self.timeout:g}s and was stopped: ask for less")

    def _metadata(self) -> dict[str, Any]:
        return {"app": "strikegraph", "requestId": self.request_id} if self.request_id else {"app": "strikegraph"}

    @property
    def writing(self) -> bool:
        return self._transaction is not None

    async def finish(self, commit: bool) -> None:
        """Commit (or roll back) the request's write transaction, if it opened one."""
        transaction, session = self._transaction, self._session
        self._transaction = self._session = None
        try:
            if transaction is not None:
                if commit and self._failure is None:
                    await transaction.commit()
                else:
                    await transaction.rollback()
        except (Neo4jError, DriverError) as error:
            failure = self._failed(error)
            if commit:
                raise failure from error
            # A failed rollback leaves nothing behind: Neo4j drops the transaction with the connection.
        finally:
            if session is not None:
                with contextlib.suppress(Neo4jError, DriverError, OSError):  # the connection may be gone
                    await session.close()


async def wait_until_reachable(driver: AsyncDriver, timeout: float) -> None:
    """Retry until Neo4j answers (a compose stack may start us first); raise its last error on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            await driver.verify_connectivity()
            return
        except (ServiceUnavailable, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def apply_graph_schema(driver: AsyncDriver, database: str) -> None:
    """Create the constraints and indexes that are missing, wait until every index is online, and give a
    graph written before uniqueness keys existed its keys. On a graph that has them all, this is three
    quick reads: start-up no longer pays ~40 idempotent DDL round trips and a fixed index wait."""
    present = await _schema_names(driver, database)
    # Indexes first: they fill in the background, while each constraint builds its own index at once.
    statements = sorted(graph_schema_statements(), key=lambda statement: " CONSTRAINT " in statement)
    for statement in statements:
        named = _DDL_NAME.match(statement)
        if named is None or named["name"] not in present:
            await driver.execute_query(statement, database_=database)
    records, _, _ = await driver.execute_query(
        "SHOW INDEXES YIELD state WHERE state <> 'ONLINE' RETURN count(*) AS pending", database_=database
    )
    if records[0]["pending"]:
        await driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    await add_missing_keys(driver, database)
    await normalize_name_keys(driver, database)
    await number_legacy_changes(driver, database)


_DDL_NAME = re.compile(r"CREATE (?:FULLTEXT )?(?:CONSTRAINT|INDEX) (?P<name>\w+) IF NOT EXISTS")


async def _schema_names(driver: AsyncDriver, database: str) -> set[str]:
    constraints, _, _ = await driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=database)
    indexes, _, _ = await driver.execute_query("SHOW INDEXES YIELD name", database_=database)
    return {record["name"] for record in [*constraints, *indexes]}


KEYS_MIGRATION = "uniqueness-keys-1"
# MERGE, not CREATE: a graph from before the keys may hold duplicates; the first node keeps the name.
BACKFILL_NAME_KEYS: LiteralString = f"""
    MATCH (n:{ENTITY}) WHERE n.nameKeys IS NOT NULL
    UNWIND n.nameKeys AS nameKey
    WITH n, [l IN labels(n) WHERE l <> '{ENTITY}'][0] + ':' + nameKey AS key
    MERGE (k:{NAME_KEY} {{key: key}}) ON CREATE SET k.owner = n.id
"""
BACKFILL_FACT_KEYS: LiteralString = f"""
    MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) WHERE r.id IS NOT NULL
    MERGE (k:{FACT_KEY} {{id: r.id}}) ON CREATE SET k.type = type(r), k.from = a.id, k.to = b.id
"""


async def add_missing_keys(driver: AsyncDriver, database: str) -> None:
    """Once per graph: name and fact keys for what was written without them."""
    if await migrated(driver, database, KEYS_MIGRATION):
        return
    await driver.execute_query(BACKFILL_NAME_KEYS, database_=database)
    await driver.execute_query(BACKFILL_FACT_KEYS, database_=database)
    await record_keys_present(driver, database)


async def record_keys_present(driver: AsyncDriver, database: str) -> None:
    """Remember that every node and fact has its keys (after a backfill, or an import that wrote them)."""
    await mark_migrated(driver, database, KEYS_MIGRATION)


CHANGES_MIGRATION = "change-sequence-1"
# Changes written before the trail was numbered get numbers once, oldest first, under the sequence lock.
NUMBER_LEGACY_CHANGES: LiteralString = f"""
    MATCH (c:{CHANGE}) WHERE c.seq IS NULL AND NOT c:{UNSEQUENCED} WITH c ORDER BY c.at, c.id
    WITH collect(c) AS legacy WHERE size(legacy) > 0
    MERGE (s:{CHANGE_SEQUENCE} {{id: $sequence}})
    SET s._lock = true
    WITH s, legacy, coalesce(s.last, 0) AS base
    SET s.last = base + size(legacy) REMOVE s._lock
    WITH legacy, base
    UNWIND range(0, size(legacy) - 1) AS i
    WITH legacy[i] AS c, base + i + 1 AS seq
    SET c.seq = seq, c.nodes = coalesce(c.nodes, [c.entity])
"""


async def number_legacy_changes(driver: AsyncDriver, database: str) -> None:
    """Once per graph: numbers for changes recorded before `seq` existed."""
    if await migrated(driver, database, CHANGES_MIGRATION):
        return
    await driver.execute_query(NUMBER_LEGACY_CHANGES, sequence=SEQUENCE_ID, database_=database)
    await mark_migrated(driver, database, CHANGES_MIGRATION)


async def neo4j_unavailable_reason(driver: AsyncDriver, database: str) -> str | None:
    """None when Neo4j answers a trivial query within two seconds, else why not."""
    try:  # a plain session run: execute_query would retry for half a minute
        async with driver.session(database=database, default_access_mode="READ") as session:
            await (await session.run(Query("RETURN 1", timeout=2.0))).consume()
    except (Neo4jError, ServiceUnavailable, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return None
