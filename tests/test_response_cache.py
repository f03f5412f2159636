"""The response cache (api/contract/response_cache.py): answers served from memory while nothing they read has
changed, exact after writes through this process at once and through another within the stated bound, and
If-None-Match answered 304 with no Cypher. The first part needs no Neo4j: what plans read, and what the
trail's changes make stale."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import parse
from neo4j import AsyncDriver
from starlette.applications import Starlette

from api.auth import Role
from api.compile.reads import EVERYTHING, Reads
from api.database.local_neo4j import RunningNeo4j
from api.live.events import ChangeEvent
from api.live.freshness import Freshness, Stamp
from bench.live import ApiProcess, api_processes
from schema.audit import NEW_EPOCH, SEQUENCE_ID, ChangeAction
from tests.conftest import API_KEYS, GraphQLClient, bearer
from tests.test_plan import compiler
from tests.test_subscriptions import _keys_env

EDITOR = bearer(Role.EDITOR)
ORGANIZATION = "Organization"


def reads(query: str) -> Reads:
    return compiler().compile(query, parse(query), None, None).reads


# -- what a plan reads ------------------------------------------------------------------------------------


def test_a_node_read_by_its_id_reads_its_label_and_its_sources_only() -> None:
    assert reads('{ organization(id: "wga") { name aliases } }') == Reads(frozenset({ORGANIZATION}), frozenset())
    assert reads('{ organization(id: "wga") { name sources { source { title } quote } } }') == Reads(
        frozenset({ORGANIZATION, "Source"}), frozenset()
    )


def test_a_relation_reads_its_fact_types_and_the_other_label() -> None:
    found = reads('{ organization(id: "wga") { leaders { person { name } } } }')
    assert found.labels is not None and {ORGANIZATION, "Person"} <= found.labels
    assert found.types is not None and "PRESIDES" in found.types and "WAGES" not in found.types


def test_whatever_follows_any_fact_reads_every_type_and_label() -> None:
    assert reads('{ organization(id: "wga") { relationships { type } } }').types is None
    assert reads('{ search(text: "writers") { node { id } } }') == EVERYTHING
    assert reads('{ path(from: "wga", to: "amptp") { length } }') == EVERYTHING


# -- what changes make stale ------------------------------------------------------------------------------


def change(seq: int, action: ChangeAction, entity_type: str) -> ChangeEvent:
    return ChangeEvent(seq, f"c{seq}", "2026-12-03T00:00:00Z", "test", action, entity_type, "x", ("x",), None, None)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def followed(head: int = 10, epoch: str | None = "e1") -> tuple[Freshness, Clock]:
    clock = Clock()
    freshness = Freshness(max_staleness=1.0, clock=clock)
    freshness.saw([], head=head, epoch=epoch, started=clock.now, complete=True)
    return freshness, clock


NAMES = Reads(frozenset({ORGANIZATION}), frozenset())
LEADERS = Reads(frozenset({ORGANIZATION, "Person"}), frozenset({"PRESIDES"}))


def test_an_answer_stays_until_a_change_touches_what_it_reads() -> None:
    freshness, clock = followed()
    read_at = freshness.stamp()
    assert read_at == Stamp("e1", 10)
    freshness.saw([change(11, ChangeAction.ASSERT_FACT, "PRESIDES")], head=11, epoch="e1", started=clock.now,
                  complete=True)  # fmt: skip
    assert freshness.unchanged(NAMES, read_at)  # a fact does not change the names
    assert not freshness.unchanged(LEADERS, read_at)
    assert not freshness.unchanged(EVERYTHING, read_at)
    assert freshness.unchanged(LEADERS, Stamp("e1", 11))  # read after it
    freshness.saw([change(12, ChangeAction.UPDATE_NODE, ORGANIZATION)], head=12, epoch="e1", started=clock.now,
                  complete=True)  # fmt: skip
    assert not freshness.unchanged(NAMES, Stamp("e1", 11))


def test_a_deleted_node_takes_every_fact_type_with_it() -> None:
    freshness, clock = followed()
    freshness.saw([change(11, ChangeAction.DELETE_NODE, "Strike")], head=11, epoch="e1", started=clock.now,
                  complete=True)  # fmt: skip
    assert not freshness.unchanged(Reads(frozenset({ORGANIZATION}), frozenset({"PRESIDES"})), Stamp("e1", 10))
    assert freshness.unchanged(NAMES, Stamp("e1", 10))


def test_a_new_epoch_or_an_emptied_trail_forgets_everything_read_before() -> None:
    freshness, clock = followed()
    freshness.saw([], head=10, epoch="e2", started=clock.now, complete=True)  # a seed run
    assert not freshness.unchanged(NAMES, Stamp("e1", 10))
    assert freshness.unchanged(NAMES, Stamp("e2", 10))
    freshness.saw([], head=0, epoch="e2", started=clock.now, complete=True)  # emptied
    assert not freshness.unchanged(NAMES, Stamp("e2", 10))


def test_nothing_is_vouched_for_once_the_trail_was_last_read_longer_ago_than_the_bound() -> None:
    freshness, clock = followed()
    clock.now += 0.9
    assert freshness.unchanged(NAMES, Stamp("e1", 10))
    clock.now += 0.2  # the trail could not be read for 1.1 s: a change may be unknown
    assert freshness.stamp() is None and not freshness.unchanged(NAMES, Stamp("e1", 10))
    freshness.saw([], head=10, epoch="e1", started=clock.now, complete=False)  # a partial read vouches for nothing
    assert not freshness.fresh
    freshness.saw([], head=10, epoch="e1", started=clock.now, complete=True)
    assert freshness.fresh


# -- through the app ----------------------------------------------------------------------------------------

NAME = 'query Name { organization(id: "amptp") { name aliases } }'
LEADERSHIP = 'query Leaders { organization(id: "wga") { name leaders { person { name } } } }'
SUPPORT = 'query Support { organization(id: "wga") { relationships(types: [SUPPORTS]) { type } } }'


async def answer(gql: GraphQLClient, query: str) -> tuple[Any, dict[str, Any]]:
    body = await gql(query)
    assert "errors" not in body, body
    return body["data"], body["extensions"]


@pytest.mark.usefixtures("seeded")
async def test_a_repeated_query_is_answered_from_memory_with_no_cypher(gql: GraphQLClient) -> None:
    query = '{ organization(id: "amptp") { name } wga: organization(id: "wga") { name } }'
    first, missed = await answer(gql, query)
    assert (missed["cache"], missed["cypherStatements"]) == ("miss", 1)
    again, hit = await answer(gql, query)
    assert again == first
    assert (hit["cache"], hit["cypherStatements"], hit["cost"]) == ("hit", 0, missed["cost"])


async def version_of(gql: GraphQLClient, slug: str) -> int:
    data = await gql.data(f'{{ organization(id: "{slug}") {{ version }} }}')
    return int(data["organization"]["version"])


@pytest.mark.usefixtures("seeded")
async def test_a_write_through_this_process_is_read_back_at_once_and_touches_only_what_reads_it(
    gql: GraphQLClient,
) -> None:
    for query in (NAME, LEADERSHIP, SUPPORT):
        await answer(gql, query)
        assert (await answer(gql, query))[1]["cache"] == "hit"

    asserted = await gql(
        'mutation { assertFact(input: {type: SUPPORTS, from: "dga", to: "wga", '
        'cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId } }',
        headers=EDITOR,
    )
    assert "errors" not in asserted, asserted
    assert (await answer(gql, NAME))[1]["cache"] == "hit"  # names do not follow facts
    assert (await answer(gql, LEADERSHIP))[1]["cache"] == "hit"  # nor do leaders follow support
    data, facts = await answer(gql, SUPPORT)
    assert facts["cache"] == "miss" and {"type": "SUPPORTS"} in data["organization"]["relationships"]

    version = await version_of(gql, "amptp")
    renamed = await gql(
        f'mutation {{ updateNode(id: "amptp", expectedVersion: {version}, input: {{name: "The Producers"}}) {{ id }} }}',
        headers=EDITOR,
    )
    assert "errors" not in renamed, renamed
    data, facts = await answer(gql, NAME)
    assert (data["organization"]["name"], facts["cache"]) == ("The Producers", "miss")


async def cypher_statements(http: httpx.AsyncClient) -> float:
    metrics = (await http.get("/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("db_client_operation_duration_seconds_count")
    )


@pytest.mark.usefixtures("seeded")
async def test_if_none_match_is_answered_304_with_no_cypher_until_what_it_reads_changes(
    client: httpx.AsyncClient, app: Starlette, gql: GraphQLClient
) -> None:
    params = {"query": NAME}
    first = await client.get("/graphql", params=params)
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and first.json()["extensions"]["cache"] in ("miss", "hit")
    responses = _responses(app)
    responses.entries = type(responses.entries)(responses.entries.budget)  # the answer itself is gone
    before = await cypher_statements(client)
    unchanged = await client.get("/graphql", params=params, headers={"If-None-Match": tag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["ETag"]) == (304, b"", tag)
    assert await cypher_statements(client) == before

    version = await version_of(gql, "amptp")
    edited = await gql(
        f'mutation {{ updateNode(id: "amptp", expectedVersion: {version}, input: {{description: "edited"}}) {{ id }} }}',
        headers=EDITOR,
    )
    assert "errors" not in edited, edited
    changed = await client.get("/graphql", params=params, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.json()["extensions"]["cache"] == "miss"


def _responses(app: Starlette) -> Any:
    for route in app.routes:
        endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
        answering = getattr(endpoint, "answering", None)
        if answering is not None and answering.responses is not None:
            return answering.responses
    raise AssertionError("no response cache")


@pytest.mark.usefixtures("seeded")
async def test_a_seed_run_makes_every_answer_read_again(
    gql: GraphQLClient, driver: AsyncDriver, app: Starlette
) -> None:
    await answer(gql, NAME)
    assert (await answer(gql, NAME))[1]["cache"] == "hit"
    await driver.execute_query(NEW_EPOCH, sequence=SEQUENCE_ID)  # what a seed run that changed anything does
    await app.state.feed.catch_up()  # or wait for the next poll
    assert (await answer(gql, NAME))[1]["cache"] == "miss"


# -- another process --------------------------------------------------------------------------------------

BOUND = 1.0  # STRIKEGRAPH_RESPONSE_CACHE_MAX_STALENESS_SECONDS, the default


@pytest.fixture(scope="module")
def two_processes(
    neo4j_server: RunningNeo4j, driver: AsyncDriver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ApiProcess, ApiProcess]]:
    neo4j = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    logs = tmp_path_factory.mktemp("cache-processes")
    with api_processes(("cache-writer", "cache-reader"), neo4j, logs, _keys_env()) as (writer, reader):
        yield writer, reader


@pytest.mark.usefixtures("seeded")
async def test_under_a_read_write_mix_no_answer_is_older_than_the_bound_after_a_write_through_another_process(
    two_processes: tuple[ApiProcess, ApiProcess],
) -> None:
    """Writes rename an organization through one process, one after another; readers ask the other for it
    all along. A read that starts more than the bound after a rename's answer returns that name or a later one."""
    writer_process, reader_process = two_processes
    editor = {"Authorization": f"Bearer {API_KEYS[Role.EDITOR]}"}
    renamed: list[tuple[float, int]] = []  # (when the write's answer came, its number)
    answers: list[tuple[float, int, str]] = []  # (when the read started, the number it saw, cache)
    done = asyncio.Event()

    async def write(http: httpx.AsyncClient) -> None:
        for number in range(1, 13):
            version = await version_by(http, "amptp")
            response = await http.post("/graphql", headers=editor, json={"query": (
                f'mutation {{ updateNode(id: "amptp", expectedVersion: {version}, '
                f'input: {{name: "Producers {number}"}}) {{ id }} }}')})  # fmt: skip
            assert "errors" not in response.json(), response.json()
            renamed.append((time.monotonic(), number))
            await asyncio.sleep(0.25)
        done.set()

    async def read(http: httpx.AsyncClient) -> None:
        while not done.is_set():
            started = time.monotonic()
            body = (await http.post("/graphql", json={"query": NAME})).json()
            name = body["data"]["organization"]["name"]
            answers.append((started, int(name.rsplit(" ", 1)[1]) if name.startswith("Producers ") else 0,
                            body["extensions"]["cache"]))  # fmt: skip

    async with (
        httpx.AsyncClient(base_url=writer_process.url, timeout=30) as writes,
        httpx.AsyncClient(base_url=reader_process.url, timeout=30) as reads,
    ):
        await asyncio.gather(write(writes), *(read(reads) for _ in range(4)))

    stale = [
        (started, seen, number)
        for started, seen, _ in answers
        for written_at, number in renamed
        if started > written_at + BOUND and seen < number
    ]
    assert stale == []
    hits = sum(cache == "hit" for *_, cache in answers)
    assert len(answers) > 50 and hits > len(answers) / 2, (len(answers), hits)


async def version_by(http: httpx.AsyncClient, slug: str) -> int:
    body = (await http.post("/graphql", json={"query": f'{{ organization(id: "{slug}") {{ version }} }}'})).json()
    return int(body["data"]["organization"]["version"])


def test_the_bound_is_what_the_settings_say() -> None:
    from api.settings import Settings

    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert defaults.response_cache_max_staleness_seconds == BOUND
    assert defaults.change_poll_interval_seconds < BOUND / 2


@pytest.mark.usefixtures("seeded")
async def test_queries_over_websocket_and_in_a_batch_are_answered_from_memory_too(
    live_url: str, client: httpx.AsyncClient
) -> None:
    from bench.live import GraphQLWebSocket

    query = '{ organization(id: "sag-aftra") { name aliases } }'
    async with GraphQLWebSocket.connect(live_url.replace("http://", "ws://") + "/graphql") as socket:
        answers = []
        for number in range(2):
            await socket.subscribe(f"q{number}", query)
            answers.append(await socket.receive(10))
            assert (await socket.receive(10))["type"] == "complete"
    assert answers[0]["payload"]["data"] == answers[1]["payload"]["data"]
    assert [answer["payload"]["extensions"]["cache"] for answer in answers] == ["miss", "hit"]
    await client.post("/graphql", json=[{"query": query}])  # the session's app: read once (another process)
    batch = (await client.post("/graphql", json=[{"query": query}, {"query": query}])).json()
    assert [one["extensions"]["cache"] for one in batch] == ["hit", "hit"]
    assert batch[0]["data"] == batch[1]["data"] == answers[0]["payload"]["data"]
