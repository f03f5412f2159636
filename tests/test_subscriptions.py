"""Subscriptions over WebSocket (graphql-transport-ws), fed by the audit trail in Neo4j: two real API
processes (uvicorn subprocesses) on the test Neo4j, a subscriber on one and writes on the other; each
change arrives once and in commit order; nothing is left behind by a dropped connection."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from neo4j import AsyncDriver

from api.auth import ApiKeyRecord, Role, add_key, hash_key, revoke_key
from api.database.graph import number_legacy_changes
from api.database.local_neo4j import RunningNeo4j
from api.live.events import ChangeEvent
from api.live.feed import ChangeFeed, FeedLimits, FellBehind
from api.settings import Settings
from bench.live import ApiProcess, GraphQLWebSocket, api_processes, start_api_process
from tests.conftest import API_KEYS, bearer
from tests.http_apps import live_server

EDITOR = bearer(Role.EDITOR)
CHANGES = "subscription { changes { seq action entity nodes actor } }"


def _keys_env() -> dict[str, str]:
    records = [
        ApiKeyRecord(name=f"test-{role.value}", role=role, sha256=hash_key(key)) for role, key in API_KEYS.items()
    ]
    return {"STRIKEGRAPH_API_KEYS": json.dumps([record.model_dump(mode="json") for record in records])}


@pytest.fixture(scope="module")
def processes(
    neo4j_server: RunningNeo4j, driver: AsyncDriver, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ApiProcess, ApiProcess]]:
    """Two `strikegraph serve` processes on the session's Neo4j (its schema already applied by `driver`)."""
    logs = tmp_path_factory.mktemp("api-processes")
    neo4j = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    with api_processes(("api-a", "api-b"), neo4j, logs, _keys_env()) as (first, second):
        yield first, second


@pytest.fixture
async def writer(processes: tuple[ApiProcess, ApiProcess]) -> AsyncIterator[httpx.AsyncClient]:
    """Writes go to the second process."""
    async with httpx.AsyncClient(base_url=processes[1].url, timeout=30) as http:
        yield http


async def write(http: httpx.AsyncClient, mutation: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": mutation, "variables": variables or {}}, headers=EDITOR)
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def next_data(client: GraphQLWebSocket, operation_id: str, timeout: float = 15.0) -> dict[str, Any]:
    message = await client.receive(timeout)
    assert message.get("id") == operation_id and message["type"] == "next", message
    assert "errors" not in message["payload"], message
    data: dict[str, Any] = message["payload"]["data"]
    return data


def person(slug: str) -> str:
    return (
        f'{slug.replace("-", "_")}: createNode(kind: PERSON, input: {{id: "{slug}", name: "{slug}", '
        'cites: [{source: "wga-email-2023-08-10"}]}) { slug version }'
    )


@pytest.mark.usefixtures("seeded")
async def test_a_write_on_one_process_reaches_a_subscriber_on_the_other_once_and_in_order(
    processes: tuple[ApiProcess, ApiProcess], writer: httpx.AsyncClient
) -> None:
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("all", CHANGES)
        await asyncio.sleep(0.5)  # the subscription is in place before the first write
        await write(writer, "mutation { " + person("picket-a") + " " + person("picket-b") + " }")  # one transaction
        await write(
            writer,
            'mutation { assertFact(input: {type: MEMBER_OF, from: "picket-a", to: "sag-aftra", '
            'cites: [{source: "wga-email-2023-08-10"}]}) { factId } }',
        )
        await write(writer, 'mutation { updateNode(id: "picket-b", expectedVersion: 1, input: {note: "n"}) { slug } }')
        events = [(await next_data(client, "all"))["changes"] for _ in range(4)]
        assert await client.quiet_for(1.5) == []  # each change once

    assert [event["seq"] for event in events] == [1, 2, 3, 4]  # the graph was reset: the trail starts at 1
    assert [(event["action"], event["entity"]) for event in events] == [
        ("CREATE_NODE", "picket-a"),
        ("CREATE_NODE", "picket-b"),
        ("ASSERT_FACT", "picket-a--member-of--sag-aftra"),
        ("UPDATE_NODE", "picket-b"),
    ]
    assert events[2]["nodes"] == ["picket-a", "sag-aftra"]
    assert {event["actor"] for event in events} == {"test-editor"}


@pytest.mark.usefixtures("seeded")
async def test_concurrent_writers_on_two_processes_get_gap_free_numbers_in_commit_order(
    processes: tuple[ApiProcess, ApiProcess],
) -> None:
    slugs = [f"striker-{n}" for n in range(20)]
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("all", CHANGES)
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=60) as http:
            await asyncio.gather(
                *(
                    http.post(
                        processes[n % 2].graphql, json={"query": "mutation { " + person(slug) + " }"}, headers=EDITOR
                    )
                    for n, slug in enumerate(slugs)
                )
            )
            trail = (
                await http.post(processes[1].graphql, json={"query": "{ changes(first: 50) { seq entity } }"})
            ).json()["data"]["changes"]
        received = [(await next_data(client, "all"))["changes"] for _ in slugs]
        assert await client.quiet_for(1.0) == []

    assert sorted(change["seq"] for change in trail) == list(range(1, 21))
    assert [event["seq"] for event in received] == list(range(1, 21))
    by_seq = {change["seq"]: change["entity"] for change in trail}
    assert [event["entity"] for event in received] == [by_seq[seq] for seq in range(1, 21)]
    assert sorted(by_seq.values()) == sorted(slugs)


@pytest.mark.usefixtures("seeded")
async def test_filters_pick_an_entity_a_type_or_an_action(
    processes: tuple[ApiProcess, ApiProcess], writer: httpx.AsyncClient
) -> None:
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("facts", 'subscription { changes(types: ["MEMBER_OF"]) { entity } }')
        await client.subscribe("one", 'subscription { changes(entity: "picket-b") { action } }')
        await client.subscribe("updates", "subscription { changes(actions: [UPDATE_NODE]) { entity } }")
        await asyncio.sleep(0.5)
        await write(writer, "mutation { " + person("picket-a") + " " + person("picket-b") + " }")
        await write(
            writer,
            'mutation { assertFact(input: {type: MEMBER_OF, from: "picket-a", to: "sag-aftra", '
            'cites: [{source: "wga-email-2023-08-10"}]}) { factId } }',
        )
        await write(writer, 'mutation { updateNode(id: "picket-a", expectedVersion: 1, input: {note: "n"}) { slug } }')
        messages = [await client.receive(15) for _ in range(3)]
        assert await client.quiet_for(1.5) == []

    by_id = {message["id"]: message["payload"]["data"]["changes"] for message in messages}
    assert by_id == {
        "one": {"action": "CREATE_NODE"},
        "facts": {"entity": "picket-a--member-of--sag-aftra"},
        "updates": {"entity": "picket-a"},
    }


@pytest.mark.usefixtures("seeded")
async def test_a_node_subscription_sends_the_node_then_again_when_a_fact_touches_it(
    processes: tuple[ApiProcess, ApiProcess], writer: httpx.AsyncClient
) -> None:
    query = """subscription { node(id: "sag-aftra") { __typename slug
      ... on Organization { members(asOf: "2023-08-10") { member { slug } } } } }"""
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("sag", query)
        first = (await next_data(client, "sag"))["node"]
        assert first["__typename"] == "Organization" and first["slug"] == "sag-aftra"
        assert "picket-a" not in [m["member"]["slug"] for m in first["members"]]
        await write(writer, "mutation { " + person("picket-a") + " }")  # touches another node: no event
        await write(
            writer,
            'mutation { assertFact(input: {type: MEMBER_OF, from: "picket-a", to: "sag-aftra", '
            'cites: [{source: "wga-email-2023-08-10"}]}) { factId } }',
        )
        second = (await next_data(client, "sag"))["node"]
        assert "picket-a" in [m["member"]["slug"] for m in second["members"]]
        assert await client.quiet_for(1.0) == []


@pytest.mark.usefixtures("seeded")
async def test_after_replays_the_changes_a_subscriber_missed_then_goes_on_live(
    processes: tuple[ApiProcess, ApiProcess], writer: httpx.AsyncClient
) -> None:
    await write(writer, "mutation { " + person("picket-a") + " " + person("picket-b") + " " + person("picket-c") + " }")
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("resume", "subscription { changes(after: 1) { seq entity } }")
        replayed = [(await next_data(client, "resume"))["changes"] for _ in range(2)]
        await write(writer, "mutation { " + person("picket-d") + " }")
        live = (await next_data(client, "resume"))["changes"]
        assert await client.quiet_for(1.0) == []
    assert replayed == [{"seq": 2, "entity": "picket-b"}, {"seq": 3, "entity": "picket-c"}]
    assert live == {"seq": 4, "entity": "picket-d"}


async def wait_for_health(process: ApiProcess, expected: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        health = await asyncio.to_thread(process.health)
        if all(health.get(key) == value for key, value in expected.items()) or time.monotonic() > deadline:
            return health
        await asyncio.sleep(0.1)


@pytest.mark.usefixtures("seeded")
async def test_a_dropped_connection_leaves_no_subscription_behind(
    processes: tuple[ApiProcess, ApiProcess],
) -> None:
    server = processes[0]  # its response cache keeps the feed following throughout (the poller's own test: below)
    assert await wait_for_health(server, {"subscriptions": 0}) == {
        "status": "ok",
        "subscriptions": 0,
        "changeFeed": "following",
    }
    connection = await websockets.connect(server.websocket, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    client = GraphQLWebSocket(connection)
    await connection.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert (await client.receive(10))["type"] == "connection_ack"
    await client.subscribe("a", CHANGES)
    await client.subscribe("b", 'subscription { node(id: "amptp") { slug } }')
    await next_data(client, "b")
    assert await wait_for_health(server, {"subscriptions": 2}) == {
        "status": "ok",
        "subscriptions": 2,
        "changeFeed": "following",
    }

    connection.transport.abort()  # the network goes: no close frame, no complete
    assert await wait_for_health(server, {"subscriptions": 0}) == {
        "status": "ok",
        "subscriptions": 0,
        "changeFeed": "following",
    }


async def test_operations_per_connection_are_bounded_with_an_error_message_and_a_code(
    processes: tuple[ApiProcess, ApiProcess],
) -> None:
    limit = Settings(_env_file=None).max_subscriptions_per_connection  # type: ignore[call-arg]
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        for n in range(limit):
            await client.subscribe(str(n), CHANGES)
        await client.subscribe("one-too-many", CHANGES)
        refused = await client.receive(10)
        after = await client.quiet_for(1.0)
    assert refused["id"] == "one-too-many" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert after == []  # an `error` ends the operation: no `complete` follows


async def test_subscriptions_per_process_are_bounded_the_same_way(settings: Settings) -> None:
    with live_server(settings, max_subscriptions=2) as url:
        websocket = url.replace("http://", "ws://") + "/graphql"
        async with GraphQLWebSocket.connect(websocket) as first, GraphQLWebSocket.connect(websocket) as second:
            await first.subscribe("a", CHANGES)
            await first.subscribe("b", CHANGES)
            await asyncio.sleep(0.5)  # both hold their places in the feed
            await second.subscribe("c", CHANGES)
            refused = await second.receive(10)
            after = await second.quiet_for(1.0)
            await first.complete("a")
            await asyncio.sleep(0.5)
            await second.subscribe("d", CHANGES)  # a place given back is free again
            assert await second.quiet_for(1.0) == []
    assert refused["id"] == "c" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert "2 open subscriptions" in refused["payload"][0]["message"]
    assert after == []


@pytest.mark.usefixtures("seeded")
async def test_queries_run_over_websocket_but_mutations_go_over_http_and_subscriptions_over_websocket(
    processes: tuple[ApiProcess, ApiProcess],
) -> None:
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("q", '{ organization(id: "wga") { slug } }')
        answered = await client.receive(10)
        assert (await client.receive(10))["type"] == "complete"
        await client.subscribe("m", "mutation { " + person("picket-a") + " }")
        refused = await client.receive(10)
    assert answered["payload"]["data"] == {"organization": {"slug": "wga"}}
    assert answered["payload"]["extensions"]["execution"] == "compiled"  # the same one-statement path
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    async with httpx.AsyncClient() as http:
        over_http = (await http.post(processes[0].graphql, json={"query": CHANGES}, headers=EDITOR)).json()
    assert over_http["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "WebSocket" in over_http["errors"][0]["message"]


async def test_bad_arguments_and_documents_are_errors_with_codes(processes: tuple[ApiProcess, ApiProcess]) -> None:
    async with GraphQLWebSocket.connect(processes[0].websocket) as client:
        await client.subscribe("types", 'subscription { changes(types: ["Strikes"]) { seq } }')  # refused at start
        await client.subscribe("syntax", "subscription { changes { seq }")
        await client.subscribe("field", "subscription { changes { nope } }")
        messages: dict[str, Any] = {}
        while len(messages) < 3:
            message = await client.receive(10)
            messages[message["id"]] = message
    assert messages["types"]["type"] == "error"  # a subscription refused as it opens: one `error` message
    assert messages["types"]["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert messages["syntax"]["payload"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert messages["field"]["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_stopping_a_process_ends_its_subscriptions_cleanly(neo4j_server: RunningNeo4j, tmp_path: Path) -> None:
    neo4j = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    server = start_api_process("api-stopping", neo4j, tmp_path, _keys_env())
    try:
        async with GraphQLWebSocket.connect(server.websocket) as client:
            await client.subscribe("all", CHANGES)
            await asyncio.sleep(0.3)
            started = time.monotonic()
            code = await asyncio.to_thread(server.stop, signal.SIGINT, 20.0)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await client.quiet_for(5.0)
    finally:
        server.stop(signal.SIGKILL)
    assert code == 0, server.log_tail()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012  # "service restart": reconnect
    assert time.monotonic() - started < 10
    log = server.log.read_text()
    assert "Traceback" not in log and "Task was destroyed" not in log, log


@pytest.mark.usefixtures("seeded")
async def test_reads_that_need_a_key_need_it_on_the_websocket_too_and_a_revoked_key_ends_the_stream(
    settings: Settings, writer: httpx.AsyncClient, tmp_path: Path
) -> None:
    keys_file = tmp_path / "keys.json"
    key = add_key(keys_file, "night-desk", Role.READER)
    with live_server(settings, require_key_for_reads=True, api_keys_file=keys_file) as url:
        websocket = url.replace("http://", "ws://") + "/graphql"
        with pytest.raises(websockets.ConnectionClosed) as refused:
            async with GraphQLWebSocket.connect(websocket) as client:
                await client.receive(5)
        assert refused.value.rcvd is not None and refused.value.rcvd.code == 4403

        async with GraphQLWebSocket.connect(websocket, {"Authorization": f"Bearer {key}"}) as client:
            await client.subscribe("all", "subscription { changes { entity } }")
            await asyncio.sleep(0.5)
            await write(writer, "mutation { " + person("picket-a") + " }")
            assert await next_data(client, "all") == {"changes": {"entity": "picket-a"}}
            assert revoke_key(keys_file, "night-desk")
            await write(writer, "mutation { " + person("picket-b") + " }")
            ended = await client.receive(15)
    assert ended["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.usefixtures("seeded")
async def test_a_subscriber_that_falls_behind_is_ended_with_fell_behind_and_told_where_to_resume(
    settings: Settings, writer: httpx.AsyncClient
) -> None:
    from api.database.graph import create_driver

    driver = create_driver(settings)
    feed = ChangeFeed(
        driver, settings.neo4j_database, FeedLimits(poll_interval=0.05, read_timeout=2, buffer=2, max_subscribers=5)
    )
    try:
        async with feed.subscription(lambda event: True) as subscriber:
            await write(writer, "mutation { " + " ".join(person(f"picket-{n}") for n in "abc") + " }")
            received: list[ChangeEvent] = [await asyncio.wait_for(subscriber.next(), 10) for _ in range(2)]
            with pytest.raises(FellBehind) as behind:  # the third found the buffer of two full
                await asyncio.wait_for(subscriber.next(), 10)
            assert feed.subscriptions == 1 and feed.polling
        assert [event.entity for event in received] == ["picket-a", "picket-b"]
        assert behind.value.extensions == {"lastSeq": received[1].seq}
        assert (feed.subscriptions, feed.polling) == (0, False)
    finally:
        await feed.close()
        await driver.close()


async def test_changes_recorded_before_numbering_get_numbers_once_oldest_first(seeded: AsyncDriver) -> None:
    for at, entity in (("2026-01-02T00:00:00Z", "second"), ("2026-01-01T00:00:00Z", "first")):
        await seeded.execute_query(
            "CREATE (:Change {id: $entity, at: datetime($at), actor: 'old', action: 'CREATE_NODE', "
            "entityType: 'Person', entity: $entity})",
            at=at, entity=entity,
        )  # fmt: skip
    await number_legacy_changes(seeded, "neo4j")
    await number_legacy_changes(seeded, "neo4j")  # a marker remembers: once
    records, _, _ = await seeded.execute_query(
        "MATCH (c:Change) RETURN c.entity AS entity, c.seq AS seq, c.nodes AS nodes ORDER BY c.seq"
    )
    assert [(r["entity"], r["seq"], r["nodes"]) for r in records] == [
        ("first", 1, ["first"]),
        ("second", 2, ["second"]),
    ]


async def test_pages_on_other_origins_may_not_open_a_websocket_unless_cors_allows_them(
    processes: tuple[ApiProcess, ApiProcess],
) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(
            processes[0].websocket,
            subprotocols=["graphql-transport-ws"],
            origin="https://evil.example",  # type: ignore[list-item, arg-type]
        ):
            pass
    assert refused.value.response.status_code == 403
    # In development, local front-ends (Vite, CRA) may, as they may call /graphql.
    async with websockets.connect(
        processes[0].websocket,
        subprotocols=["graphql-transport-ws"],
        origin="http://localhost:5173",  # type: ignore[list-item, arg-type]
    ) as connection:
        await connection.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await connection.recv()) == {"type": "connection_ack"}
