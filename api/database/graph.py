"""The one door to Neo4j: every statement a request sends goes through a `RequestGraph`, which runs it
in a read or write transaction with a timeout (planning included), watches that Neo4j still answers while
it waits (api/database/liveness.py), counts it (the round-trip budget) and turns Neo4j's failures into errors a
client can act on: SERVICE_UNAVAILABLE, QUERY_TIMEOUT."""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, Literal, LiteralString, TypeVar

from neo4j import (
    READ_ACCESS,
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncSession,
    AsyncTransaction,
    NotificationMinimumSeverity,
    Query,
)
from neo4j.exceptions import (
    ConnectionAcquisitionTimeoutError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    RoutingServiceUnavailable,
    ServiceUnavailable,
)

from api import tracing
from api.database.connection_slots import ConnectionSlots
from api.database.liveness import Liveness, NotAnswering, watched
from api.database.migrations import mark_migrated, migrated, normalize_name_keys
from api.errors import QueryTimeout, UserFacingError
from api.errors import ServiceUnavailable as Unavailable
from api.settings import Settings
from schema.audit import CHANGE, SEQUENCE_ID, UNSEQUENCED, numbering
from schema.graph_model import ENTITY, graph_schema_statements
from schema.keys import FACT_KEY, NAME_KEY

Record = dict[str, Any]
T = TypeVar("T")
Driver = AsyncDriver  # what the rooms above hold (the app's one driver) without importing the driver package
RetryReason = Literal["transient", "unavailable"]

# The client-side guard waits this much longer than the server-side timeout, so that a statement that
# times out while running gets Neo4j's own error; one still planning (which Neo4j's timeout does not
# cover) is cancelled here.
TIMEOUT_GRACE_SECONDS = 0.5
# Closing a session or rolling back: beyond this, the connection is killed instead (nothing stays stuck).
CLEAN_UP_SECONDS = 1.0
READ_RETRY_FIRST_DELAY = 0.05  # seconds before a read is tried again; doubled each time

NOT_ANSWERING = "the graph database is not answering: try again shortly"
NOT_SAVED = "the graph database stopped answering before the change was saved: nothing was saved; try again"
OUTCOME_UNKNOWN = "the change may or may not be saved: read before retrying"


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
        max_connection_pool_size=settings.neo4j_max_connections,
        max_transaction_retry_time=settings.unavailable_retry_seconds,
    )


def create_slots(settings: Settings) -> ConnectionSlots:
    """The requests' share of the driver's pool, measured (api/database/connection_slots.py)."""
    return ConnectionSlots(settings.neo4j_max_connections, settings.neo4j_acquisition_timeout_seconds)


def create_probe_driver(settings: Settings) -> AsyncDriver:
    """A driver of its own for liveness probes: two connections, which busy requests cannot take."""
    assert settings.neo4j_uri is not None
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, password),
        notifications_min_severity=NotificationMinimumSeverity.OFF,
        max_connection_pool_size=2,
        connection_timeout=settings.neo4j_liveness_timeout_seconds,
        connection_acquisition_timeout=settings.neo4j_liveness_timeout_seconds,
        max_transaction_retry_time=0.0,
    )


def create_liveness(settings: Settings) -> Liveness:
    return Liveness(
        create_probe_driver(settings),
        settings.neo4j_database,
        after=settings.neo4j_liveness_after_seconds,
        timeout=settings.neo4j_liveness_timeout_seconds,
    )


def user_facing(error: Neo4jError | DriverError) -> UserFacingError | None:
    """What a client should hear about a Neo4j failure; None for an error that is our bug."""
    if isinstance(error, Neo4jError) and "TransactionTimedOut" in (error.code or ""):
        return QueryTimeout("the query took too long and was stopped: ask for less (fewer levels, smaller pages)")
    if isinstance(error, IncompleteCommit):
        return Unavailable(f"Neo4j went away while saving: {OUTCOME_UNKNOWN}", outcome="unknown")
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


STATEMENT_TIMINGS = 64


@dataclass
class RequestGraph:
    """Neo4j as one request sees it.

    Reads run in read transactions. The first write opens one write transaction for the rest of the
    request (later reads see its changes); `finish` commits it when the request had no error, so
    several mutations in one request are all or nothing. A transient failure of that transaction is
    recorded in `retry`: the HTTP view then runs the whole request again on a fresh `RequestGraph`
    (api/web/app.py), so a retry replays every write of the request in a new transaction and the audit
    trail never holds a change twice. Reads and writes share the driver's bookmark manager, so a read
    after a write sees it even on a cluster follower.

    While a statement or the commit waits, `liveness` tells a frozen Neo4j from a busy one, and the
    write transaction, retries included, ends by `deadline` (a `time.monotonic()` instant): work cut
    off before the commit was sent is abandoned (its connection killed, so Neo4j rolls it back), a
    commit cut off answers SERVICE_UNAVAILABLE with `outcome: unknown`.
    """

    driver: AsyncDriver
    database: str
    timeout: float
    request_id: str | None = None
    statements: int = field(default=0)
    # Each statement's seconds, as the client waited (for /metrics): the last few only, as a subscription's
    # view of Neo4j lives as long as it does.
    seconds: deque[float] = field(default_factory=lambda: deque(maxlen=STATEMENT_TIMINGS), repr=False)
    liveness: Liveness | None = field(default=None, repr=False)
    deadline: float | None = field(default=None)
    retry: RetryReason | None = field(default=None)
    # How long a read keeps trying while Neo4j does not answer, or answers "try again" (the settings'
    # `unavailable_retry_seconds`, as the driver's own retries were given).
    read_retry_seconds: float = field(default=0.5)
    # Slots of the driver's pool, measured for /metrics (api/database/connection_slots.py); None: untracked.
    slots: ConnectionSlots | None = field(default=None, repr=False)
    _failure: UserFacingError | None = field(default=None, repr=False)
    _session: AsyncSession | None = field(default=None, repr=False)
    _holds_slot: bool = field(default=False, repr=False)
    _transaction: AsyncTransaction | None = field(default=None, repr=False)

    def again(self) -> RequestGraph:
        """A fresh view for the next attempt of the same request (the statement count and deadline go on)."""
        return RequestGraph(
            self.driver, self.database, self.timeout, self.request_id, self.statements,
            liveness=self.liveness, deadline=self.deadline, read_retry_seconds=self.read_retry_seconds,
            slots=self.slots,
        )  # fmt: skip

    async def read(self, cypher: LiteralString, **params: Any) -> list[Record]:
        """One statement in a read transaction of its own: an auto-commit one (a single round trip where a
        managed transaction takes two, for a statement that writes nothing), tried again within
        `read_retry_seconds` when Neo4j does not answer or answers "try again"."""
        if self._transaction is not None:
            return await self._run_in_transaction(cypher, params)
        self.statements += 1
        with tracing.cypher_span(self.database, cypher):
            return await self._read(cypher, params)

    async def _read(self, cypher: LiteralString, params: dict[str, Any]) -> list[Record]:
        query = Query(cypher, timeout=self.timeout, metadata=self._metadata())
        tried_since, delay = time.monotonic(), READ_RETRY_FIRST_DELAY
        while True:
            started = time.perf_counter()
            try:
                return await watched(
                    self._read_once(query, params), self.timeout + TIMEOUT_GRACE_SECONDS, self.liveness
                )
            except TimeoutError:
                raise await self._timed_out() from None
            except NotAnswering:
                raise Unavailable(NOT_ANSWERING) from None
            except (Neo4jError, DriverError) as error:
                if retry_reason(error) is None or time.monotonic() - tried_since + delay > self.read_retry_seconds:
                    raise user_facing(error) or error from error
            finally:
                self.seconds.append(time.perf_counter() - started)
            await asyncio.sleep(delay)
            delay *= 2

    async def _read_once(self, query: Query, params: dict[str, Any]) -> list[Record]:
        if self.slots is not None:
            await self.slots.take()
        try:
            session = self.driver.session(
                database=self.database,
                default_access_mode=READ_ACCESS,
                bookmark_manager=self.driver.execute_query_bookmark_manager,
            )
            async with session:
                result = await session.run(query, params)
                # dict(record), not record.data(): our results are plain maps, no graph objects to convert.
                return [dict(record) async for record in result]
        finally:
            if self.slots is not None:
                self.slots.give_back()

    async def write(self, cypher: LiteralString, **params: Any) -> list[Record]:
        if self._failure is not None:  # the transaction is lost; the view retries the request
            raise self._failure
        if self._transaction is None:
            if self.slots is not None and not self._holds_slot:  # held until the session closes
                await self.slots.take()
                self._holds_slot = True
            self._session = self.driver.session(
                database=self.database,
                default_access_mode="WRITE",
                bookmark_manager=self.driver.execute_query_bookmark_manager,
            )
            begin = self._session.begin_transaction(timeout=self.timeout, metadata=self._metadata())
            try:
                self._transaction = await self._writing(begin)
            except BaseException:
                await self._close_session()
                raise
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

        started = time.perf_counter()
        try:
            with tracing.cypher_span(self.database, cypher):
                return await self._writing(fetch())
        finally:
            self.seconds.append(time.perf_counter() - started)

    async def _writing(self, work: Awaitable[T]) -> T:
        """A step of the write transaction, within its limit and watched for a frozen Neo4j: a timeout or
        a freeze abandons the transaction; Neo4j's own errors say whether a retry may cure them."""
        try:
            return await watched(work, self._write_limit(), self.liveness)
        except TimeoutError:
            raise self._abandon(await self._timed_out()) from None
        except NotAnswering:
            raise self._abandon(Unavailable(NOT_SAVED)) from None
        except (Neo4jError, DriverError) as error:
            raise self._failed(error) from error

    def _write_limit(self) -> float:
        """How long the next step of the write transaction may wait: its timeout, or less near the deadline."""
        limit = self.timeout + TIMEOUT_GRACE_SECONDS
        return limit if self.deadline is None else min(limit, self.deadline - time.monotonic())

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

    def _abandon(self, failure: UserFacingError) -> UserFacingError:
        """Give up the write transaction without another word to Neo4j, which may not be answering: the
        driver kills its connection at once, and Neo4j rolls back a transaction whose client is gone."""
        self._failure = failure
        session, self._session, self._transaction = self._session, None, None
        if session is not None:
            session.cancel()
        self._give_back_slot()
        return failure

    async def _timed_out(self) -> UserFacingError:
        """The statement outlived its timeout: too big a query, unless Neo4j itself stopped answering
        (shutting down, overloaded), which a trivial query tells apart."""
        if self.liveness is not None:
            answers = await self.liveness.answers()
        else:
            try:
                answers = await asyncio.wait_for(neo4j_unavailable_reason(self.driver, self.database), 1.5) is None
            except TimeoutError:
                answers = False
        if not answers:
            return Unavailable("the graph database did not answer in time: try again shortly")
        return QueryTimeout(f"the query did not finish within {self.timeout:g}s and was stopped: ask for less")

    def _metadata(self) -> dict[str, Any]:
        return {"app": "strikegraph", "requestId": self.request_id} if self.request_id else {"app": "strikegraph"}

    @property
    def writing(self) -> bool:
        return self._transaction is not None

    async def finish(self, commit: bool) -> None:
        """Commit (or roll back) the request's write transaction, if it opened one."""
        transaction = self._transaction
        if transaction is None:
            return
        if commit and self._failure is None and self._write_limit() <= 0:
            self._failure = QueryTimeout("the change did not finish in time and was not saved: try again")
        try:
            if commit and self._failure is None:
                await self._commit(transaction)
            else:
                await watched(transaction.rollback(), CLEAN_UP_SECONDS, None)
        except TimeoutError:  # a rollback Neo4j did not answer: the killed connection rolls it back
            self._abandon(self._failure or Unavailable(NOT_ANSWERING))
        except (Neo4jError, DriverError) as error:
            failure = self._failed(error)
            if commit:
                raise failure from error
            # A failed rollback leaves nothing behind: Neo4j drops the transaction with the connection.
        finally:
            await self._close_session()
        if commit and self._failure is not None:
            raise self._failure

    async def _commit(self, transaction: AsyncTransaction) -> None:
        try:
            await watched(transaction.commit(), self._write_limit(), self.liveness)
        except (TimeoutError, NotAnswering):
            # COMMIT was sent and its answer never came: Neo4j may still apply it (when it wakes up).
            raise self._abandon(
                Unavailable(f"the graph database did not confirm the commit: {OUTCOME_UNKNOWN}", outcome="unknown")
            ) from None

    async def _close_session(self) -> None:
        session, self._session, self._transaction = self._session, None, None
        try:
            if session is not None:  # after a commit or rollback this is local work; bounded all the same
                await asyncio.wait_for(session.close(), CLEAN_UP_SECONDS)
        except (TimeoutError, Neo4jError, DriverError, OSError):
            if session is not None:
                session.cancel()  # the connection may be gone, or stuck: never back into the pool
        finally:
            self._give_back_slot()

    def _give_back_slot(self) -> None:
        if self._holds_slot and self.slots is not None:
            self._holds_slot = False
            self.slots.give_back()


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
NUMBER_LEGACY_CHANGES = numbering(
    f"MATCH (c:{CHANGE}) WHERE c.seq IS NULL AND NOT c:{UNSEQUENCED} WITH c ORDER BY c.at, c.id",
    ", c.nodes = coalesce(c.nodes, [c.entity])",
)


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
