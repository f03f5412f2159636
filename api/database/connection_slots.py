"""The driver's pool of Bolt connections as this process's requests use it, for /metrics.

The official driver says nothing about its pool (how many connections are in use, who waits for one). So a
request takes a slot here before it opens a session, and gives it back when the session closes: the pool has
`size` connections and requests get `size - RESERVED` slots, the rest kept for the change feed's reads of the
audit trail and start-up work, which take theirs from the driver directly (liveness probes have a driver of
their own). A request
then never waits inside the driver; it waits here, where the wait is measured and bounded by the same
acquisition timeout the driver would use.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from api.errors import ServiceUnavailable

RESERVED = 4  # connections left to the driver's other users (the change feed, start-up, the trail's reads)


@dataclass
class ConnectionSlots:
    size: int  # the driver's max_connection_pool_size
    timeout: float  # seconds a request may wait for a slot
    in_use: int = 0
    pending: int = 0
    timeouts: int = 0
    on_wait: Callable[[float], None] | None = None  # each wait's seconds (a histogram's observe)
    _free: asyncio.Semaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._free = asyncio.Semaphore(self.slots)

    @property
    def slots(self) -> int:
        return max(1, self.size - RESERVED)

    async def take(self) -> None:
        """A slot, or SERVICE_UNAVAILABLE when none frees up within the timeout."""
        started = time.perf_counter()
        self.pending += 1
        try:
            await asyncio.wait_for(self._free.acquire(), self.timeout)
        except TimeoutError:
            self.timeouts += 1
            raise ServiceUnavailable(
                f"all {self.slots} connections to the graph database are busy: try again shortly"
            ) from None
        finally:
            self.pending -= 1
        self.in_use += 1
        if self.on_wait is not None:
            self.on_wait(time.perf_counter() - started)

    def give_back(self) -> None:
        self.in_use -= 1
        self._free.release()
