"""What changed and when, as this process knows it from the audit trail: for each node label and fact type, the
last change (`seq`) that touched it. The response cache asks it whether an answer read at one `seq` is still
the answer: yes while no later change touched what the answer's plan reads (api/compile/reads.py).

Knowledge has a time: a read of the trail that reached its head and started at time t knows every change
committed before t. Answers are vouched for only while that time is at most `max_staleness` seconds ago, so
a change committed through another process is seen by every reader within that bound, or nothing is served.

Writes that bypass the trail (a seed run, a bulk import, a wiped graph) give the trail a new `epoch`: then
everything known is forgotten and every answer read before is stale."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from api.compile.reads import Reads
from api.live.events import ChangeEvent
from schema.audit import ChangeAction

NODE_ACTIONS = frozenset({ChangeAction.CREATE_NODE, ChangeAction.UPDATE_NODE, ChangeAction.DELETE_NODE})


@dataclass(frozen=True)
class Stamp:
    """When an answer was read: the trail's epoch and the last change known to have been committed before."""

    epoch: str | None
    seq: int


class Freshness:
    def __init__(self, max_staleness: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_staleness = max_staleness
        self.clock = clock
        self.epoch: str | None = None
        self.head = 0  # the last change seen
        self.since = 0  # changes after this one are known; answers read before it are never vouched for
        self.restarts = 0
        self._known_at: float | None = None  # when the last read that reached the head started
        self._labels: dict[str, int] = {}
        self._types: dict[str, int] = {}
        self._any_node = 0  # the last change to a node of any label
        self._any_fact = 0  # the last change to a fact of any type
        self._every_fact = 0  # the last change to facts of every type (a node deleted with its facts)

    @property
    def fresh(self) -> bool:
        return self._known_at is not None and self.clock() - self._known_at <= self.max_staleness

    def stamp(self) -> Stamp | None:
        """Taken before an answer is read; None while nothing can be vouched for."""
        return Stamp(self.epoch, self.head) if self.fresh else None

    def unchanged(self, reads: Reads, stamp: Stamp) -> bool:
        """Whether an answer read at `stamp` that reads `reads` is still the answer now."""
        if not self.fresh or stamp.epoch != self.epoch or not self.since <= stamp.seq <= self.head:
            return False
        if reads.labels is None:
            nodes = self._any_node
        else:
            nodes = max((self._labels.get(label, 0) for label in reads.labels), default=0)
        if reads.types is None:
            facts = self._any_fact
        elif reads.types:
            facts = max(self._every_fact, *(self._types.get(kind, 0) for kind in reads.types))
        else:
            facts = 0
        return max(nodes, facts) <= stamp.seq

    def saw(
        self, changes: Iterable[ChangeEvent], *, head: int, epoch: str | None, started: float, complete: bool
    ) -> None:
        """A read of the trail that started at `started`: its changes, the trail's head and epoch, and whether
        it reached the head (it read fewer changes than it could)."""
        if self._known_at is None or epoch != self.epoch or head < self.since:
            self._restart(head, epoch)  # the first read, or writes that bypassed the trail
        else:
            for change in changes:
                if change.seq > self.head:
                    self._touched(change)
        if complete:
            self._known_at = started if self._known_at is None else max(self._known_at, started)

    def _restart(self, head: int, epoch: str | None) -> None:
        self.epoch, self.head, self.since = epoch, head, head
        self._labels.clear()
        self._types.clear()
        self._any_node = self._any_fact = self._every_fact = 0  # nothing read before `since` is vouched for anyway
        self.restarts += 1

    def _touched(self, change: ChangeEvent) -> None:
        seq = change.seq
        self.head = seq
        if change.action in NODE_ACTIONS:
            self._labels[change.entity_type] = seq
            self._any_node = seq
            if change.action is ChangeAction.DELETE_NODE:  # its facts went with it, whatever their types
                self._any_fact = self._every_fact = seq
        else:
            self._types[change.entity_type] = seq
            self._any_fact = seq
