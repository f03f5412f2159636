"""The one door to Neo4j: every statement a request sends goes through a `RequestGraph`, which runs it
in a read or write transaction with a server-side timeout and counts it (the round-trip budget)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncSession,
    AsyncTransaction,
    NotificationMinimumSeverity,
    Query,
    RoutingControl,
)
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from api.settings import Settings
from schema.graph_model import graph_schema_statements

Record = dict[str, Any]


def create_driver(settings: Settings) -> AsyncDriver:
    if settings.neo4j_uri is None:
        raise ValueError("no Neo4j configured: set NEO4J_URI or let `strikegraph serve` start the local one")
    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    # Notifications off: Neo4j would otherwise warn on every read that `retractedAt` is an unknown
    # property until the first retraction, and the driver logs each warning.
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, password),
        notifications_min_severity=NotificationMinimumSeverity.OFF,
    )


@dataclass
class RequestGraph:
    """Neo4j as one request sees it.

    Reads run in read transactions. The first write opens one write transaction for the rest of the
    request (later reads see its changes); `finish` commits it when the request had no error, so
    several mutations in one request are all or nothing.
    """

    driver: AsyncDriver
    database: str
    timeout: float
    statements: int = field(default=0)
    _session: AsyncSession | None = field(default=None, repr=False)
    _transaction: AsyncTransaction | None = field(default=None, repr=False)

    async def read(self, cypher: LiteralString, **params: Any) -> list[Record]:
        if self._transaction is not None:
            return await self._run_in_transaction(cypher, params)
        self.statements += 1
        result = await self.driver.execute_query(
            Query(cypher, timeout=self.timeout),
            parameters_=params,
            routing_=RoutingControl.READ,
            database_=self.database,
        )
        # dict(record), not record.data(): our results are plain maps, no graph objects to convert.
        return [dict(record) for record in result.records]

    async def write(self, cypher: LiteralString, **params: Any) -> list[Record]:
        if self._transaction is None:
            self._session = self.driver.session(database=self.database, default_access_mode="WRITE")
            self._transaction = await self._session.begin_transaction(timeout=self.timeout)
        return await self._run_in_transaction(cypher, params)

    async def _run_in_transaction(self, cypher: LiteralString, params: dict[str, Any]) -> list[Record]:
        assert self._transaction is not None
        self.statements += 1
        result = await self._transaction.run(cypher, params)
        return [dict(record) async for record in result]

    @property
    def writing(self) -> bool:
        return self._transaction is not None

    async def finish(self, commit: bool) -> None:
        """Commit (or roll back) the request's write transaction, if it opened one."""
        transaction, session = self._transaction, self._session
        self._transaction = self._session = None
        try:
            if transaction is not None:
                if commit:
                    await transaction.commit()
                else:
                    await transaction.rollback()
        finally:
            if session is not None:
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
    """Create constraints and indexes (idempotent) and wait until they are online."""
    for statement in graph_schema_statements():
        await driver.execute_query(statement, database_=database)
    await driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


async def neo4j_unavailable_reason(driver: AsyncDriver, database: str) -> str | None:
    """None when Neo4j answers a trivial query within two seconds, else why not."""
    try:  # a plain session run: execute_query would retry for half a minute
        async with driver.session(database=database, default_access_mode="READ") as session:
            await (await session.run(Query("RETURN 1", timeout=2.0))).consume()
    except (Neo4jError, ServiceUnavailable, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return None
