"""Connections that send nothing, trickle their headers or stop half-way through a body are closed within
the stated deadlines, a kept-alive idle one too, and a flood of them beyond the connection cap does not
keep a real client out; against a real `strikegraph serve` process (uvicorn), since this happens below
the ASGI app."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.database.local_neo4j import RunningNeo4j
from bench.live import ApiProcess, start_api_process

HEADER_SECONDS = 2.0
BODY_SECONDS = 2.0
KEEP_ALIVE_SECONDS = 1
MAX_CONNECTIONS = 60


@pytest.fixture(scope="module")
def server(neo4j_server: RunningNeo4j, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    neo4j = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    env = {
        "STRIKEGRAPH_HTTP_HEADER_TIMEOUT_SECONDS": str(HEADER_SECONDS),
        "STRIKEGRAPH_HTTP_BODY_TIMEOUT_SECONDS": str(BODY_SECONDS),
        "STRIKEGRAPH_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS": str(KEEP_ALIVE_SECONDS),
        "STRIKEGRAPH_HTTP_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    api = start_api_process("api-connections", neo4j, tmp_path_factory.mktemp("api-connections"), env)
    yield api
    assert api.stop() == 0, api.log_tail()


async def _open(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def _closed_after(reader: asyncio.StreamReader, started: float, limit: float) -> float:
    """Seconds from `started` until the server closed the connection (EOF or reset)."""
    try:
        while await asyncio.wait_for(reader.read(65536), timeout=limit):
            pass
    except ConnectionError:
        pass
    return time.monotonic() - started


async def _trickle(writer: asyncio.StreamWriter, data: bytes) -> None:
    """One byte every 0.2 s, until the server hangs up."""
    try:
        for byte in data:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)
    except ConnectionError:
        pass


async def _answers(url: str) -> bool:
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"})
        return response.json() == {"data": {"__typename": "Query"}, "extensions": response.json()["extensions"]}


async def test_silent_trickling_and_half_sent_connections_are_closed_within_their_deadlines(
    server: ApiProcess,
) -> None:
    started = time.monotonic()
    silent = [await _open(server.url) for _ in range(10)]
    trickling = [await _open(server.url) for _ in range(5)]
    half_body = [await _open(server.url) for _ in range(5)]
    tricklers = [
        asyncio.create_task(_trickle(w, b"POST /graphql HTTP/1.1\r\nHost: x\r\n" + b"X: y\r\n" * 100))
        for _, w in trickling
    ]
    for _, writer in half_body:
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        await writer.drain()
    kept_alive, kept_writer = await _open(server.url)
    kept_writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    await kept_writer.drain()
    answered = await kept_alive.readuntil(b"\r\n\r\n")
    assert answered.startswith(b"HTTP/1.1 200"), answered
    kept_since = time.monotonic()

    assert await _answers(server.url)  # meanwhile the service answers
    limit = 10.0
    silent_closed = await asyncio.gather(*(_closed_after(r, started, limit) for r, _ in silent))
    trickling_closed = await asyncio.gather(*(_closed_after(r, started, limit) for r, _ in trickling))
    half_closed = await asyncio.gather(*(_closed_after(r, started, limit) for r, _ in half_body))
    kept_closed = await _closed_after(kept_alive, kept_since, limit)
    await asyncio.gather(*tricklers)
    slack = 1.5  # the opening of the other sockets, and two loaded cores
    assert max(silent_closed) < HEADER_SECONDS + slack, silent_closed
    assert min(silent_closed) >= HEADER_SECONDS - 0.1, silent_closed
    assert max(trickling_closed) < HEADER_SECONDS + slack, trickling_closed
    assert max(half_closed) < BODY_SECONDS + slack, half_closed  # the headers came at once
    assert KEEP_ALIVE_SECONDS - 0.1 <= kept_closed < KEEP_ALIVE_SECONDS + slack, kept_closed
    for _, writer in [*silent, *trickling, *half_body, (None, kept_writer)]:
        writer.close()
    assert await _answers(server.url)


@pytest.fixture
def capped_server(neo4j_server: RunningNeo4j, tmp_path: Path) -> Iterator[ApiProcess]:
    """Deadlines long enough that only the cap closes connections while the test looks."""
    neo4j = (neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    env = {"STRIKEGRAPH_HTTP_HEADER_TIMEOUT_SECONDS": "60", "STRIKEGRAPH_HTTP_MAX_CONNECTIONS": str(MAX_CONNECTIONS)}
    api = start_api_process("api-capped", neo4j, tmp_path, env)
    yield api
    assert api.stop() == 0, api.log_tail()


async def test_silent_connections_beyond_the_cap_make_way_for_a_real_client(capped_server: ApiProcess) -> None:
    flood = [await _open(capped_server.url) for _ in range(3 * MAX_CONNECTIONS)]
    assert await _answers(capped_server.url)  # its connection made way for itself too

    def closed() -> list[bool]:
        return [reader.at_eof() for reader, _ in flood]

    deadline = time.monotonic() + 20
    while sum(closed()) < 2 * MAX_CONNECTIONS + 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    # The oldest made way, one for each newer connection: the flood's last MAX_CONNECTIONS - 1 remain.
    assert closed() == [True] * (2 * MAX_CONNECTIONS + 1) + [False] * (MAX_CONNECTIONS - 1)
    for _, writer in flood:
        writer.close()
