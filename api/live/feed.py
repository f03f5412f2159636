"""One change feed per process: while anyone subscribes, a poller reads the audit trail in Neo4j for
changes numbered after the last it saw and hands each to every subscriber whose filter takes it.

Reading the trail (not this process's memory) is what lets every API process serving one Neo4j see every
write. The trail's numbers follow commit order with no gaps (schema/audit.py), so "after the last seen"
never skips a change nor sends one twice. Each subscriber has a bounded buffer; one that falls behind is
ended with FELL_BEHIND (and can resume with `after:`), never allowed to grow without bound.

With the response cache on, the feed also keeps `freshness` (api/live/freshness.py) and then polls for as long
as the app runs: `follow` starts it, and `catch_up` reads the trail at once after this process's own writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from api import tracing
from api.database.graph import TIMEOUT_GRACE_SECONDS, Driver
from api.errors import ServiceUnavailable, UserFacingError
from api.live.events import ChangeEvent, TrailPage, read_trail
from api.live.freshness import Freshness

log = logging.getLogger("strikegraph.live")

MAX_BACKOFF_SECONDS = 5.0
POLLS_PER_TRACE = 100  # traced polls, when traces are on: one in a hundred (one in 20 s at the 0.2 s interval)


class FellBehind(UserFacingError):
    code = "FELL_BEHIND"


class TooManySubscriptions(UserFacingError):
    code = "TOO_MANY_SUBSCRIPTIONS"


@dataclass(frozen=True)
class FeedLimits:
    poll_interval: float  # seconds between reads of the trail while nothing new arrives
    read_timeout: float  # seconds for one read
    buffer: int  # changes held for one subscriber before it counts as fallen behind
    max_subscribers: int  # in this process
    batch: int = 500  # changes read at once


Ending = Callable[[int], UserFacingError]  # why a subscription ended, given the last change it received


class Subscriber:
    """One subscription's view of the feed: the changes its filter accepted, oldest first."""

    def __init__(self, accepts: Callable[[ChangeEvent], bool], buffer: int, start: int) -> None:
        self.accepts = accepts
        self.start = start  # the last change before this subscriber: it receives the ones after
        self.delivered = start
        self._buffer = buffer
        self._events: deque[ChangeEvent] = deque()
        self._wake = asyncio.Event()
        self._ending: Ending | None = None

    def offer(self, event: ChangeEvent) -> None:
        if self._ending is not None or not self.accepts(event):
            return
        if len(self._events) >= self._buffer:
            self.end(self._fell_behind)
            return
        self._events.append(event)
        self._wake.set()

    def replayed(self, events: list[ChangeEvent]) -> None:
        """Earlier changes read from the trail (`after:`), placed before any live one."""
        accepted = [event for event in events if self.accepts(event)]
        self._events.extendleft(reversed(accepted))
        if len(self._events) > self._buffer:
            while len(self._events) > self._buffer:
                self._events.pop()
            self.end(self._fell_behind)
        self._wake.set()

    def end(self, ending: Ending) -> None:
        """No more changes after those already waiting, which are still delivered; then `ending`."""
        if self._ending is None:
            self._ending = ending
            self._wake.set()

    async def next(self) -> ChangeEvent:
        """The next change; raises why the subscription ended once none is left."""
        while not self._events:
            if self._ending is not None:
                raise self._ending(self.delivered)
            self._wake.clear()
            await self._wake.wait()
        event = self._events.popleft()
        self.delivered = event.seq
        return event

    def skip_waiting(self) -> None:
        """Drop the changes already waiting (a reader that re-reads its whole object needs one wake-up)."""
        if self._events:
            self.delivered = self._events[-1].seq
            self._events.clear()

    def _fell_behind(self, delivered: int) -> FellBehind:
        return FellBehind(
            f"more than {self._buffer} changes were waiting for this subscription: subscribe again with "
            f"`after: {delivered}` to resume where it stopped",
            lastSeq=delivered,
        )


class ChangeFeed:
    """Made once in the app's lifespan; the poller runs while there are subscribers, or always with `freshness`."""

    def __init__(self, driver: Driver, database: str, limits: FeedLimits, freshness: Freshness | None = None) -> None:
        self.driver = driver
        self.database = database
        self.limits = limits
        self.freshness = freshness
        self._reading = asyncio.Lock()  # one read of the trail at a time: the poller's, or a catch-up
        # For /metrics: the trail's head as last read, when the last read that reached it began, failed reads.
        self.trail_head = 0
        self.read_at: float | None = None
        self.poll_errors = 0
        self.polls = 0
        self._subscribers: set[Subscriber] = set()
        self._head: int | None = None  # the last change handed out; None while idle
        self._poller: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()
        self._closed = False

    @property
    def subscriptions(self) -> int:
        return len(self._subscribers)

    @property
    def polling(self) -> bool:
        return self._poller is not None and not self._poller.done()

    @property
    def lag(self) -> int:
        """Changes the trail held at its last read that are not handed out yet."""
        return 0 if self._head is None else max(0, self.trail_head - self._head)

    @property
    def state(self) -> str:
        """For /healthz: "following" the trail for the response cache, "polling" it for subscribers, or "idle"."""
        if not self.polling:
            return "idle"
        return "following" if self.freshness is not None else "polling"

    @asynccontextmanager
    async def subscription(
        self, accepts: Callable[[ChangeEvent], bool], after: int | None = None
    ) -> AsyncIterator[Subscriber]:
        """A subscriber for the changes committed from now on (and, with `after`, those since that number)."""
        if self._closed:
            raise _shutting_down(after)
        head = await self._start()
        if len(self._subscribers) >= self.limits.max_subscribers:  # checked with no wait before adding
            raise TooManySubscriptions(
                f"this server has {self.limits.max_subscribers} open subscriptions, its limit: try again later"
            )
        subscriber = Subscriber(accepts, self.limits.buffer, head)
        self._subscribers.add(subscriber)
        try:
            if after is not None and after < head:
                subscriber.replayed(await self._replay(after, head))
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)
            if not self._subscribers:
                self._stop()

    async def follow(self) -> None:
        """Polls from now until `close`, for `freshness`. Never fails: while Neo4j is away the poller retries,
        and nothing is vouched for."""
        if self.freshness is None or self.polling or self._closed:
            return
        try:
            await self._start()  # the head now, so answers are kept from the first request on
        except ServiceUnavailable as error:
            log.warning("change feed: %s; the poller will keep trying", error)
            self._poller = asyncio.create_task(self._poll(), name="strikegraph-change-feed")
            self._poller.add_done_callback(_report_crash)

    async def catch_up(self) -> None:
        """Reads the trail now (after this process committed a write: its own reads see it at once). A failure
        is left to the poller."""
        if self.freshness is None or self._head is None:
            return
        try:
            async with self._reading:
                await self._next_page()
        except ServiceUnavailable as error:
            log.info("change feed: catching up failed (%s); the poller will", error)

    async def close(self) -> None:
        """End every subscription (they may resume elsewhere with `after:`) and stop polling."""
        self._closed = True
        for subscriber in list(self._subscribers):
            subscriber.end(_shutting_down)
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            # A cancellation that lands as a read of the trail completes can be lost inside `asyncio.wait_for`
            # (Python 3.11); the loop also stops at its next turn (`_closed`), so waiting is bounded either way.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(poller, timeout=self.limits.read_timeout + TIMEOUT_GRACE_SECONDS)
            if not poller.done():
                log.warning("change feed: the poller did not stop in time; it ends at its next turn")

    async def _start(self) -> int:
        """The head subscribers start from; the first subscriber reads it and starts the poller."""
        async with self._starting:
            if self._head is None:
                async with self._reading:
                    started = time.monotonic()
                    first = await self._read(after=0, until=0)  # just the head
                    self._head = first.head
                    self._saw(first, started, complete=True)
            elif self.freshness is not None:  # following all along: read on to the head as it is now
                async with self._reading:
                    while (page := await self._next_page()) is None or len(page.changes) >= self.limits.batch:
                        pass
            if not self.polling:
                self._poller = asyncio.create_task(self._poll(), name="strikegraph-change-feed")
                self._poller.add_done_callback(_report_crash)
            return self._head

    def _stop(self) -> None:
        """The last subscriber left: stop reading the trail, and forget the head (the next first
        subscriber starts from the head at that time, not from here)."""
        if self.freshness is not None:
            return  # the response cache needs the feed
        if self._poller is not None:
            self._poller.cancel()
        self._poller = None
        self._head = None

    async def _replay(self, after: int, until: int) -> list[ChangeEvent]:
        page = await self._read(after=after, until=until, limit=self.limits.buffer + 1)
        if len(page.changes) > self.limits.buffer:
            raise FellBehind(
                f"more than {self.limits.buffer} changes since {after}: read them with the `changes` query first",
                lastSeq=after,
            )
        return page.changes

    async def _read(self, *, after: int, until: int | None, limit: int | None = None) -> TrailPage:
        """Raises ServiceUnavailable when the trail cannot be read in time (api/database/trail.py)."""
        limit = limit or self.limits.batch
        timeout = self.limits.read_timeout
        return await read_trail(self.driver, self.database, after=after, until=until, limit=limit, timeout=timeout)

    async def _poll(self) -> None:
        failures = 0
        while not self._closed:
            self.polls += 1
            try:
                with tracing.background_span("strikegraph.change_feed.poll", self.polls % POLLS_PER_TRACE == 1) as span:
                    if self._head is None:  # following from the start: the head first
                        await self._start()
                    async with self._reading:
                        page = await self._next_page()
                    if span is not None:
                        span.set_attributes({"strikegraph.changes": len(page.changes) if page else 0,
                                             "strikegraph.head": self._head or 0})  # fmt: skip
            except ServiceUnavailable as error:
                failures += 1
                self.poll_errors += 1
                if failures == 1:
                    log.warning("change feed: %s (%s); retrying", error, error.__cause__)
                await asyncio.sleep(min(self.limits.poll_interval * 2**failures, MAX_BACKOFF_SECONDS))
                continue
            if failures:
                log.info("change feed: reading the audit trail again after %d failed attempts", failures)
                failures = 0
            if page is not None and len(page.changes) < self.limits.batch:
                await asyncio.sleep(self.limits.poll_interval)

    async def _next_page(self) -> TrailPage | None:
        """The changes after the head, handed to subscribers and `freshness`; None when the trail restarted."""
        head = self._head
        assert head is not None, "reading on only from a head"
        started = time.monotonic()
        page = await self._read(after=head, until=None)
        if page.head < head and not page.changes:
            log.info("change feed: the trail restarted at %d (the graph was emptied); following it", page.head)
            self._head = 0
            self._saw(page, started, complete=False)
            return None
        for event in page.changes:
            for subscriber in list(self._subscribers):
                subscriber.offer(event)
        if page.last_seq is not None:
            self._head = page.last_seq
        self._saw(page, started, complete=len(page.changes) < self.limits.batch)
        return page

    def _saw(self, page: TrailPage, started: float, *, complete: bool) -> None:
        self.trail_head = page.head
        if complete:
            self.read_at = started
        if self.freshness is not None:
            self.freshness.saw(page.changes, head=page.head, epoch=page.epoch, started=started, complete=complete)


def _shutting_down(last_seq: int | None) -> ServiceUnavailable:
    resume = f" and resume with `after: {last_seq}`" if last_seq is not None else ""
    return ServiceUnavailable(f"this server is shutting down: subscribe again{resume}", lastSeq=last_seq)


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("change feed: the poller stopped; the next subscription restarts it", exc_info=task.exception())
