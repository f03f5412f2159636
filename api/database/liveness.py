"""Telling a frozen Neo4j from a busy one. A frozen server (a hung process, a network black hole) accepts
TCP but never answers, so no driver timeout notices it before the query timeout. Work that has run for a
second makes us ask Neo4j a trivial question on a driver of its own (a small pool busy requests cannot
exhaust): no answer within a second, and the work is abandoned as "not answering"; an answer, and slow
work goes on waiting, up to its own limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import TypeVar

from neo4j import AsyncDriver, Query
from neo4j.exceptions import DriverError, Neo4jError

T = TypeVar("T")

# A probe's verdict is shared by every request that asks within this long after it ended.
VERDICT_SECONDS = 0.25


class NotAnswering(Exception):
    """Neo4j did not answer a trivial query in time while the work was waiting for it."""


class Liveness:
    """One probe at a time, its verdict shared by every request waiting on Neo4j."""

    def __init__(self, driver: AsyncDriver, database: str, *, after: float, timeout: float) -> None:
        self.driver = driver
        self.database = database
        self.after = after  # how long work runs before we ask (and between asks while it goes on)
        self.timeout = timeout  # how long a trivial query may take before Neo4j counts as not answering
        self._probe: asyncio.Task[bool] | None = None
        self._ended = 0.0

    async def answers(self) -> bool:
        """Whether Neo4j answers `RETURN 1` within the timeout (the probe outlives a cancelled caller)."""
        probe = self._probe
        if probe is None or (probe.done() and time.monotonic() - self._ended > VERDICT_SECONDS):
            probe = self._probe = asyncio.create_task(self._ask())
        return await asyncio.shield(probe)

    async def _ask(self) -> bool:
        try:
            async with asyncio.timeout(self.timeout), self.driver.session(database=self.database) as session:
                await (await session.run(Query("RETURN 1", timeout=self.timeout))).consume()
            return True
        except (TimeoutError, Neo4jError, DriverError, OSError):
            return False  # on a timeout the driver kills the probe's connection: nothing stuck stays pooled
        finally:
            self._ended = time.monotonic()

    async def close(self) -> None:
        if self._probe is not None and not self._probe.done():
            self._probe.cancel()
        await self.driver.close()


async def watched(work: Awaitable[T], limit: float, liveness: Liveness | None) -> T:
    """`work`'s result within `limit` seconds (else TimeoutError), or NotAnswering as soon as Neo4j stops
    answering while it waits. Abandoned work is cancelled, and the driver kills its connection, so a
    connection stuck on a frozen server never goes back to the pool."""
    task = asyncio.ensure_future(work)
    deadline = time.monotonic() + limit
    try:
        while True:
            left = deadline - time.monotonic()
            pause = left if liveness is None else min(left, liveness.after)
            done, _ = await asyncio.wait({task}, timeout=max(pause, 0.0))
            if done:
                return task.result()
            if time.monotonic() >= deadline:
                raise TimeoutError
            assert liveness is not None
            if not await liveness.answers() and not task.done():
                raise NotAnswering
    finally:
        if not task.done():
            # Not awaited: the driver's clean-up may wait on the frozen socket, and the client must not.
            task.add_done_callback(_forget)
            task.cancel()


def _forget(task: asyncio.Future[T]) -> None:
    """An abandoned task's failure is retrieved, so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()
