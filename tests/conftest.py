"""One throwaway Neo4j per test session (its own folder and free port, so it runs beside a developer's
server), the real ASGI app over httpx, and a known graph at the start of every test that asks for it."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver
from starlette.applications import Starlette

from api.auth import ApiKeyRecord, Role, hash_key
from api.database.graph import apply_graph_schema, create_driver
from api.database.local_neo4j import LocalNeo4j, RunningNeo4j, free_port
from api.live.feed import ChangeFeed
from api.settings import PROJECT_ROOT, Settings
from api.web.app import create_app
from seed.loader import load_seed
from seed.validate import SeedSet, read_seed
from tests import trace_store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs Jaeger starts its build now (when missing), so the build runs beside the others."""
    if any("jaeger" in getattr(item, "fixturenames", ()) for item in items):
        trace_store.start_build()


def pytest_sessionfinish() -> None:
    trace_store.stop_build()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNeo4j]:
    local = LocalNeo4j(
        cache_dir=PROJECT_ROOT / ".neo4j",
        home=tmp_path_factory.mktemp("neo4j"),
        port=free_port(),
        heap="512m",
        pagecache="128m",
    )
    running = local.start()
    yield running
    local.stop()


API_KEYS = {role: f"sg_test_{role.value}_key" for role in Role}


def bearer(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {API_KEYS[role]}"}


@pytest.fixture(scope="session")
def settings(neo4j_server: RunningNeo4j) -> Settings:
    keys = [ApiKeyRecord(name=f"test-{role.value}", role=role, sha256=hash_key(key)) for role, key in API_KEYS.items()]
    base = Settings(_env_file=None, seed_on_start=False, environment="development", api_keys=keys, api_keys_file=None)  # type: ignore[call-arg]
    return base.with_neo4j(neo4j_server.uri, neo4j_server.user, neo4j_server.password)


@pytest.fixture(scope="session")
async def driver(settings: Settings) -> AsyncIterator[AsyncDriver]:
    neo4j_driver = create_driver(settings)
    await apply_graph_schema(neo4j_driver, settings.neo4j_database)
    yield neo4j_driver
    await neo4j_driver.close()


@pytest.fixture(scope="session")
def curated_seed() -> SeedSet:
    return read_seed()


async def reset_graph(driver: AsyncDriver, seed: SeedSet | None) -> None:
    _seeded_as.clear()
    await driver.execute_query("MATCH (n) DETACH DELETE n")
    if seed is not None:
        await load_seed(driver, "neo4j", seed)
    await caught_up()


# The feeds of the session's apps. A reset writes around the audit trail, as a seed run does: their response
# caches would see it within the stated bound (a poll); a test reads at once, so they read the trail now.
_followers: list[tuple[asyncio.AbstractEventLoop, ChangeFeed]] = []


def follow(feed: ChangeFeed, loop: asyncio.AbstractEventLoop | None = None) -> None:
    _followers.append((loop or asyncio.get_running_loop(), feed))


async def caught_up() -> None:
    running = asyncio.get_running_loop()
    for loop, feed in _followers:
        if loop is running:
            await feed.catch_up()
        elif not loop.is_closed():
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(feed.catch_up(), loop))


# Every node and relationship with its labels or type and properties: two graphs with the same fingerprint are
# the same graph. Reading it takes milliseconds; loading the seed again half a second.
_FINGERPRINT = """
    CALL () { MATCH (n) RETURN collect([elementId(n), labels(n), properties(n)]) AS nodes }
    CALL () { MATCH ()-[r]->() RETURN collect([elementId(r), type(r), properties(r)]) AS relationships }
    RETURN nodes, relationships
"""
_seeded_as: list[bytes] = []  # the fingerprint of the graph as the last reset to the curated seed left it


async def fingerprint(driver: AsyncDriver) -> bytes:
    records, _, _ = await driver.execute_query(_FINGERPRINT)
    record = records[0]
    parts = [sorted(orjson.dumps(item, default=str, option=orjson.OPT_SORT_KEYS) for item in record[key])
             for key in ("nodes", "relationships")]  # fmt: skip
    return hashlib.sha256(orjson.dumps(parts, default=str)).digest()


@pytest.fixture
async def seeded(driver: AsyncDriver, curated_seed: SeedSet) -> AsyncDriver:
    """The curated seed and nothing else: loaded again only when the graph is not exactly as the last load
    left it (any node, relationship, label or property written since), so read-only tests share one load."""
    if not _seeded_as or await fingerprint(driver) != _seeded_as[0]:
        await reset_graph(driver, curated_seed)
        _seeded_as.append(await fingerprint(driver))
    return driver


@pytest.fixture
async def empty_graph(driver: AsyncDriver) -> AsyncDriver:
    await reset_graph(driver, None)
    return driver


@pytest.fixture(scope="session")
async def app(settings: Settings, driver: AsyncDriver) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with LifespanManager(application):
        follow(application.state.feed)
        yield application


@pytest.fixture(scope="session")
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://strikegraph.test") as http:
        yield http


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a request that must succeed."""
        body = await self(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


SEED_DIR = Path(__file__).resolve().parent.parent / "seed" / "data"


@pytest.fixture(scope="session")
def live_url(settings: Settings, driver: AsyncDriver) -> Iterator[str]:
    """The real server (uvicorn on a free port) for clients that need a socket: the HTTP audit, a browser."""
    from tests.http_apps import live_server

    with live_server(settings, lambda loop, app: follow(app.state.feed, loop)) as url:
        yield url
