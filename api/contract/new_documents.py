"""New documents are priced like queries. A document's first request costs what later ones do not:
parsing, validating and planning it (about 270 ms of CPU for a hostile 2,000-token document, against
1-2 ms for a cached one). That work runs here, on one worker thread beside the event loop, so a client
sending new documents cannot stall every other client's cached queries; and each client has a budget of
that thread's time, refilled steadily, so one client cannot keep it busy either. Known documents never
come here."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from api.compile.execute import ByteBudgetCache
from api.contract.budgets import Budgets
from api.errors import UserFacingError

T = TypeVar("T")
SWITCH_INTERVAL_SECONDS = 0.0005
# After each piece of work the lane rests twice as long, so it holds the interpreter a third of the time at
# most: resting as long as it worked left a cached query's p95 at 25-56 ms beside two clients sending hostile
# documents, twice as long at 20-33 ms (bench/new_documents.py; the goal is under 50).
LANE_REST = 2.0


class RateLimited(UserFacingError):
    """Too much new work from one client (or waiting in all): retry after `retryAfterSeconds` (HTTP 429)."""

    code = "RATE_LIMITED"

    @property
    def retry_after(self) -> int:
        seconds = self.extensions.get("retryAfterSeconds", 1)
        return seconds if isinstance(seconds, int) else 1


class NewDocuments:
    """The lane that parses, validates and plans documents the caches have not seen, and each client's
    budget of its time: `burst_seconds` at once, `seconds_per_second` sustained. A client in debt, or a
    request that finds `max_waiting` jobs queued already, is refused with RATE_LIMITED. `documents` is the
    cache of parsed and validated documents (the DocumentCache extension fills it): what is in it is known."""

    def __init__(
        self,
        documents: ByteBudgetCache,
        *,
        burst_seconds: float,
        seconds_per_second: float,
        max_waiting: int,
        max_clients: int = 10_000,
    ) -> None:
        self.documents = documents
        self.max_waiting = max_waiting
        self.budgets = Budgets(burst_seconds, seconds_per_second, max_clients)  # CPU seconds of the lane
        self._running: dict[Hashable, asyncio.Future[Any]] = {}
        # One thread: its time is what the budgets share out, and it rests between pieces of work
        # (LANE_REST): two CPU-bound threads, or one that never rests, would starve the loop of the GIL.
        self._lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="strikegraph-new-documents")
        # With the lane busy, the event loop waits for the interpreter lock at every wake-up until the lane
        # hands it over: every 5 ms by default, which alone put a cached query's p95 at 70 ms beside two
        # clients sending new documents (bench/new_documents.py). Handing over every 0.5 ms costs nothing
        # while the loop runs alone. (Process-wide, and the lane is the only thread that computes.)
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)

    def known(self, query: str) -> bool:
        return self.documents.get(("validation", query)) is not None

    def admit(self, client: str) -> None:
        """Raises RateLimited when `client` has spent its budget or the lane's queue is full."""
        wait = self.budgets.wait(client)
        if wait is not None:
            raise RateLimited(
                "too many new GraphQL documents from this client: its budget for parsing and planning documents "
                "the server has not seen is spent; retry later, or send documents the server knows (reuse "
                "them with variables, or use persisted queries)",
                retryAfterSeconds=wait,
            )
        if len(self._running) >= self.max_waiting:
            raise RateLimited(
                f"{len(self._running)} new GraphQL documents are waiting to be prepared already: retry shortly",
                retryAfterSeconds=1,
            )

    async def run(self, client: str, key: Hashable, work: Callable[[], T], *, admitted: bool = False) -> T:
        """`work()` on the lane; its CPU time is charged to `client` (even when it raises). Unless the
        caller `admitted` the client already, a client over its budget gets RateLimited instead. Requests
        with the same `key` at once (a deploy, a page that many browsers open) share one run."""
        shared = self._running.get(key)
        if shared is None:
            if not admitted:
                self.admit(client)
            shared = asyncio.ensure_future(self._on_lane(client, work))
            self._running[key] = shared
            shared.add_done_callback(lambda done: self._finished(key, done))
        return await asyncio.shield(shared)  # one request given up does not cancel the others' run

    async def _on_lane(self, client: str, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        spent, outcome = await loop.run_in_executor(self._lane, _timed, work)
        # The lane rests before its next piece of work, not before this answer: the requester waits only
        # for its own work. (A sleep queued on the lane's one thread; nobody awaits it.)
        loop.run_in_executor(self._lane, time.sleep, spent * LANE_REST)
        self.budgets.spend(client, spent)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _finished(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        self._running.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved: no "never retrieved" warning when every request went away

    def close(self) -> None:
        self._lane.shutdown(wait=False, cancel_futures=True)


def _timed(work: Callable[[], T]) -> tuple[float, T | Exception]:
    started = time.thread_time()
    try:
        outcome: T | Exception = work()
    except Exception as error:  # handed back to the event loop, raised there
        outcome = error
    return time.thread_time() - started, outcome
