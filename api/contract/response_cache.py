"""Answers kept in memory and served while the graph has not changed under them.

An answer is keyed by everything that decides it: the document, the operation, the variables, what the caller
may read, and today's date (answers without `asOf` are today's). It holds the `data` as JSON bytes, with the
stamp it was read at (api/live/freshness.py) and what its plan reads (api/compile/reads.py); it is served only
while no change since that stamp touched what it reads, and read again otherwise. Its entity tag is the key's
hash with the stamp, so a client's `If-None-Match` is answered from the same knowledge, with no Cypher, even
after the answer itself has left the cache.

Writes straight into Neo4j (not through the API, a seed run or an import) leave no trace in the trail: an
answer is also read again once it is `max_age` seconds old, so those are seen within that."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from api.compile.execute import ByteBudgetCache
from api.compile.reads import Reads
from api.contract.context import Context
from api.live.freshness import Freshness, Stamp

ENTRY_BYTES = 512  # an entry's fixed cost besides its JSON: the key, the stamp, the reads (tracemalloc)


@dataclass(frozen=True)
class Answer:
    data: bytes  # the response's `data`, as JSON
    stamp: Stamp
    reads: Reads
    read_at: float  # when, by the wall clock (its whole seconds go into the entity tag)


def read_scope(context: Context) -> str:
    """What the caller may read, as far as answers differ by it. Every caller allowed to read sees the same
    graph today (a key only decides whether one may read at all); a role that saw more would be named here."""
    return "graph"


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class ResponseCache:
    def __init__(
        self,
        budget: int,
        freshness: Freshness,
        max_age: float,
        today: Callable[[], dt.date] = utc_today,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.entries = ByteBudgetCache(budget)
        self.freshness = freshness
        self.max_age = max_age
        self.today = today
        self.clock = clock

    def key(self, query: str, name: str | None, variables: dict[str, Any] | None, scope: str) -> bytes:
        identity = orjson.dumps(
            [query, name, variables or {}, scope, self.today().isoformat()], option=orjson.OPT_SORT_KEYS
        )
        return hashlib.sha256(identity).digest()

    def get(self, key: bytes) -> Answer | None:
        """The answer, while nothing it reads has changed since it was read."""
        answer: Answer | None = self.entries.get(key, count=False)
        if answer is not None and self._young(answer.read_at) and self.freshness.unchanged(answer.reads, answer.stamp):
            self.entries.hits += 1
            return answer
        self.entries.misses += 1
        return None

    def put(self, key: bytes, data: Any, stamp: Stamp, reads: Reads) -> Answer:
        encoded = orjson.dumps(data, default=str)
        answer = Answer(encoded, stamp, reads, self.clock())
        self.entries.put(key, answer, len(encoded) + ENTRY_BYTES)
        return answer

    def tag(self, key: bytes, answer: Answer) -> str:
        """A weak entity tag (the bytes of `extensions` differ between answers of one tag)."""
        return f'W/"{key.hex()[:24]}.{_epoch_tag(answer.stamp.epoch)}.{answer.stamp.seq}.{int(answer.read_at)}"'

    def unchanged_since(self, if_none_match: str, key: bytes, reads: Reads) -> str | None:
        """The tag in `If-None-Match` this answer still has (so 304 needs no read), or None."""
        prefix = f'"{key.hex()[:24]}.{_epoch_tag(self.freshness.epoch)}.'
        for candidate in if_none_match.split(","):
            tag = candidate.strip().removeprefix("W/")
            if not tag.startswith(prefix) or not tag.endswith('"'):
                continue
            seq, _, read_at = tag[len(prefix) : -1].partition(".")
            if not (seq.isdigit() and read_at.isdigit() and len(seq) <= 18 and len(read_at) <= 18):
                continue
            if self._young(int(read_at)) and self.freshness.unchanged(reads, Stamp(self.freshness.epoch, int(seq))):
                return "W/" + tag
        return None

    def _young(self, read_at: float) -> bool:
        """Younger than the maximum age (a tag's whole seconds make it look older, never younger)."""
        return 0 <= self.clock() - read_at <= self.max_age


def _epoch_tag(epoch: str | None) -> str:
    return hashlib.sha256((epoch or "").encode()).hexdigest()[:8]
