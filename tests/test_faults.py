"""Neo4j going away (stopped, or frozen with SIGSTOP) and coming back, with reads and writes in flight: a
read answers SERVICE_UNAVAILABLE within about two seconds, a write within its deadline, /readyz follows
the outage, nothing acknowledged is lost, nothing is written twice, and the service recovers without a
restart. Runs on its own throwaway Neo4j, so the session's shared server is untouched; a Neo4j that is
alive but slow is not taken for a frozen one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver
from starlette.applications import Starlette

from api.auth import Role
from api.database.graph import RequestGraph
from api.database.local_neo4j import LocalNeo4j, free_port
from api.errors import UserFacingError
from api.settings import PROJECT_ROOT, Settings
from api.web.app import create_app
from seed.loader import load_seed
from seed.validate import SeedSet
from tests.conftest import GraphQLClient, bearer

EDITOR = bearer(Role.EDITOR)
CREATE = (
    "mutation($id: String!) { createNode(kind: PERSON, input: {id: $id, name: $id, "
    'cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug } }'
)


@pytest.fixture(scope="module")
def outage_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    local = LocalNeo4j(
        cache_dir=PROJECT_ROOT / ".neo4j",
        home=tmp_path_factory.mktemp("outage-neo4j"),
        port=free_port(),  # fixed, so the restarted server is where the driver looks
        heap="512m",
        pagecache="64m",
    )
    local.start()
    yield local
    local.stop()


@dataclass
class Traffic:
    """What clients saw while Neo4j went down and came back."""

    writes: dict[str, list[str]] = field(default_factory=dict)  # id -> error codes ([] = written)
    read_codes: list[str] = field(default_factory=list)
    reads_ok: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def write_loop(self, gql: GraphQLClient) -> None:
        while not self.stop.is_set():
            slug = f"outage-{len(self.writes)}"
            body = await gql(CREATE, {"id": slug}, headers=EDITOR)
            errors = body.get("errors") or []
            self.writes[slug] = [error["extensions"]["code"] for error in errors]
            await asyncio.sleep(0.05)

    async def read_loop(self, gql: GraphQLClient) -> None:
        while not self.stop.is_set():
            body = await gql("{ strikes { slug } }")
            self.read_codes += [error["extensions"]["code"] for error in body.get("errors") or []]
            self.reads_ok += 0 if body.get("errors") else 1
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def seeded_app(
    neo4j: LocalNeo4j, settings: Settings, seed: SeedSet
) -> AsyncIterator[tuple[Starlette, GraphQLClient]]:
    """The app over `neo4j`, seeded, with a client through its ASGI transport."""
    running = neo4j.connection()
    assert running is not None
    app = create_app(settings.with_neo4j(running.uri, running.user, running.password))
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        await load_seed(app.state.driver, "neo4j", seed)
        yield app, GraphQLClient(http)


async def _ready(http: httpx.AsyncClient, timeout: float) -> float:
    """Seconds until /readyz says ready."""
    started = time.monotonic()
    while (await http.get("/readyz")).status_code != 200:
        assert time.monotonic() - started < timeout, "/readyz never became ready again"
        await asyncio.sleep(0.2)
    return time.monotonic() - started


async def test_an_outage_fails_fast_and_recovers_with_nothing_lost_or_doubled(
    outage_neo4j: LocalNeo4j, settings: Settings, curated_seed: SeedSet
) -> None:
    traffic = Traffic()
    async with seeded_app(outage_neo4j, settings, curated_seed) as (app, gql):
        clients = [asyncio.create_task(traffic.write_loop(gql)), asyncio.create_task(traffic.read_loop(gql))]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(outage_neo4j.stop)

        started = time.monotonic()
        down = await gql("{ strikes { name } }")
        read_seconds = time.monotonic() - started
        assert [error["extensions"]["code"] for error in down["errors"]] == ["SERVICE_UNAVAILABLE"], down
        assert read_seconds < 2.0, f"a read with Neo4j down took {read_seconds:.2f}s"
        readyz = await gql.http.get("/readyz")
        assert (readyz.status_code, readyz.json()["status"]) == (503, "unavailable")
        await asyncio.sleep(1.0)  # clients keep trying while it is down

        await asyncio.to_thread(outage_neo4j.start)
        await _ready(gql.http, timeout=30)
        await asyncio.sleep(1.5)  # and carry on once it is back
        traffic.stop.set()
        await asyncio.gather(*clients)

        # A write in flight while Neo4j shuts down or starts may also outlive its timeout (QUERY_TIMEOUT);
        # either way it was not committed.
        write_codes = {code for codes in traffic.writes.values() for code in codes}
        assert write_codes <= {"SERVICE_UNAVAILABLE", "QUERY_TIMEOUT"}, traffic.writes
        assert set(traffic.read_codes) <= {"SERVICE_UNAVAILABLE"}, traffic.read_codes
        written = {slug for slug, codes in traffic.writes.items() if not codes}
        refused = {slug for slug, codes in traffic.writes.items() if codes}
        assert written and refused and traffic.reads_ok, traffic
        # A client sends its refused writes again once Neo4j is back: each is then saved, or was already
        # (a commit cut off by the shutdown): CONFLICT, never a second copy.
        for slug in sorted(refused):
            again = await gql(CREATE, {"id": slug}, headers=EDITOR)
            assert [e["extensions"]["code"] for e in again.get("errors") or []] in ([], ["CONFLICT"]), again
        records, _, _ = await app.state.driver.execute_query(
            "MATCH (n:Person) WHERE n.id STARTS WITH 'outage-' "
            "RETURN n.id AS slug, COUNT { (c:Change {entity: n.id}) } AS changes"
        )
        stored = {record["slug"]: record["changes"] for record in records}
        assert set(stored) == set(traffic.writes), "a write was lost"
        assert set(stored.values()) == {1}, f"a change was recorded twice: {stored}"
        after = await gql.data('{ strike(id: "wga-strike-2023") { slug } }')
        assert after == {"strike": {"slug": "wga-strike-2023"}}


@dataclass
class Answer:
    """One request sent while Neo4j froze and woke up again."""

    seconds: float
    codes: list[str]
    outcome_unknown: bool = False
    began: float = 0.0  # time.monotonic()

    def waited_since(self, frozen_at: float) -> float:
        """How long it waited while Neo4j was frozen (a request sent earlier had waited before that too)."""
        return self.began + self.seconds - max(self.began, frozen_at)


async def _timed(gql: GraphQLClient, query: str, variables: dict[str, str] | None = None, **headers: str) -> Answer:
    started = time.monotonic()
    body = await gql(query, variables, headers=headers or None)
    errors = body.get("errors") or []
    return Answer(
        time.monotonic() - started,
        [error["extensions"]["code"] for error in errors],
        any(error["extensions"].get("outcome") == "unknown" for error in errors),
        started,
    )


@dataclass
class FrozenTraffic:
    writes: dict[str, Answer] = field(default_factory=dict)
    reads: list[Answer] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def write_loop(self, gql: GraphQLClient, name: str) -> None:
        for n in range(10_000):
            if self.stop.is_set():
                return
            slug = f"frozen-{name}-{n}"
            self.writes[slug] = await _timed(gql, CREATE, {"id": slug}, **EDITOR)
            await asyncio.sleep(0.05)

    async def read_loop(self, gql: GraphQLClient) -> None:
        while not self.stop.is_set():
            self.reads.append(await _timed(gql, "{ strikes { slug } }"))
            await asyncio.sleep(0.05)


# How long a request waits once Neo4j is frozen: about 2 s (1 s before the probe, 1 s for its answer),
# measured here 1.8-2.1 s for reads and writes alike; the bound leaves room for a loaded machine.
FROZEN_BOUND_SECONDS = 3.5


async def test_a_frozen_neo4j_fails_fast_and_recovers_with_nothing_lost_or_doubled(
    outage_neo4j: LocalNeo4j, settings: Settings, curated_seed: SeedSet
) -> None:
    frozen = outage_neo4j.connection()
    assert frozen is not None
    traffic = FrozenTraffic()
    async with seeded_app(outage_neo4j, settings, curated_seed) as (app, gql):
        clients = [
            *(asyncio.create_task(traffic.write_loop(gql, name)) for name in "ab"),
            *(asyncio.create_task(traffic.read_loop(gql)) for _ in range(2)),
        ]
        in_flight = RequestGraph(app.state.driver, "neo4j", settings.query_timeout_seconds, liveness=app.state.liveness)
        await in_flight.write("CREATE (:Entity:Person {id: 'commit-in-flight'})")
        await asyncio.sleep(1.0)
        os.kill(frozen.pid, signal.SIGSTOP)
        frozen_at = time.monotonic()
        try:
            commit = asyncio.create_task(_commit_outcome(in_flight))  # COMMIT sent, its answer never comes
            read = await _timed(gql, "{ strikes { name } }")
            write = await _timed(gql, CREATE, {"id": "frozen-single"}, **EDITOR)
            await asyncio.sleep(2.0)  # clients keep trying while it is frozen
            committed = await commit
        finally:
            os.kill(frozen.pid, signal.SIGCONT)
        woken = await _timed(gql, '{ strike(id: "wga-strike-2023") { slug } }')
        await asyncio.sleep(1.5)  # and carry on once it answers again
        traffic.stop.set()
        await asyncio.gather(*clients)

        assert (read.codes, write.codes) == (["SERVICE_UNAVAILABLE"], ["SERVICE_UNAVAILABLE"]), (read, write)
        assert committed.codes == ["SERVICE_UNAVAILABLE"] and committed.outcome_unknown, committed
        assert committed.seconds < settings.write_deadline_seconds, committed
        assert read.seconds < FROZEN_BOUND_SECONDS, f"a read on a frozen Neo4j took {read.seconds:.2f}s"
        assert write.seconds < settings.write_deadline_seconds, f"a write took {write.seconds:.2f}s"
        assert (woken.codes, woken.seconds < 5.0) == ([], True), f"the first read after SIGCONT: {woken}"
        assert {code for answer in traffic.reads for code in answer.codes} == {"SERVICE_UNAVAILABLE"}
        refused_reads = [answer for answer in traffic.reads if answer.codes]
        assert max(answer.waited_since(frozen_at) for answer in refused_reads) < FROZEN_BOUND_SECONDS, refused_reads
        writes = {**traffic.writes, "frozen-single": write}
        assert {code for answer in writes.values() for code in answer.codes} == {"SERVICE_UNAVAILABLE"}
        assert max(answer.seconds for answer in writes.values()) < settings.write_deadline_seconds, writes
        assert max(answer.waited_since(frozen_at) for answer in writes.values()) < FROZEN_BOUND_SECONDS, writes

        stored = await _stored_changes(app.state.driver, "frozen-")
        acknowledged = {slug for slug, answer in writes.items() if not answer.codes}
        unknown = {slug for slug, answer in writes.items() if answer.outcome_unknown}
        assert acknowledged and {stored.get(slug) for slug in acknowledged} == {1}, "a write was lost or doubled"
        assert {stored[slug] for slug in unknown if slug in stored} <= {1}, f"a change was recorded twice: {stored}"
        assert set(stored) - acknowledged - unknown == set(), "a write refused as not saved was saved"
        assert len(await _stored_changes(app.state.driver, "commit-in-flight")) <= 1


async def _commit_outcome(graph: RequestGraph) -> Answer:
    started = time.monotonic()
    try:
        await graph.finish(commit=True)
    except UserFacingError as error:
        return Answer(time.monotonic() - started, [error.code], error.extensions.get("outcome") == "unknown")
    return Answer(time.monotonic() - started, [])


async def _stored_changes(driver: AsyncDriver, prefix: str) -> dict[str, int]:
    """Each stored person whose id starts with `prefix`, with how many changes the audit trail holds for it."""
    records, _, _ = await driver.execute_query(
        "MATCH (n:Person) WHERE n.id STARTS WITH $prefix RETURN n.id AS slug, COUNT { (c:Change {entity: n.id}) } AS changes",
        prefix=prefix,
    )
    return {record["slug"]: record["changes"] for record in records}


async def test_a_write_waiting_on_a_lock_is_slow_not_frozen(seeded: AsyncDriver, gql: GraphQLClient) -> None:
    """Neo4j answers the probe while the write waits, so the write goes on and is saved once the lock goes."""
    async with seeded.session() as session:
        holder = await session.begin_transaction()
        await holder.run("CREATE (:Entity:Person {id: 'slow-writer'})")  # holds the id until it rolls back
        write = asyncio.create_task(_timed(gql, CREATE, {"id": "slow-writer"}, **EDITOR))
        await asyncio.sleep(2.5)  # two probes' worth: each finds Neo4j answering
        assert not write.done(), await write
        await holder.rollback()
    answer = await write
    assert answer.codes == [] and answer.seconds >= 2.5, answer
    assert await _stored_changes(seeded, "slow-writer") == {"slow-writer": 1}
