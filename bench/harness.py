"""Measuring: bulk load throughput, and each read's latency and throughput against a target (an HTTP
GraphQL server or the raw async driver), plus the API process's peak memory."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncDriver, Query, RoutingControl

from api.graph import apply_graph_schema
from api.neo4j_local import free_port
from bench.reads import Read
from bench.synthetic import SyntheticGraph, generate
from seed.loader import load_seed
from seed.validate import validate_documents
from seed.yaml_reader import ParsedFile

BENCH_DIR = Path(__file__).resolve().parent
NEO4J_GRAPHQL_DIR = BENCH_DIR / "neo4j_graphql"


@dataclass(frozen=True)
class LoadResult:
    nodes: int
    facts: int
    validate_seconds: float
    load_seconds: float  # everything load_seed did, rows prepared in Python included
    node_seconds: float  # of which Neo4j spent writing the nodes ...
    fact_seconds: float  # ... and the facts

    @property
    def nodes_per_second(self) -> float:
        return self.nodes / self.node_seconds

    @property
    def facts_per_second(self) -> float:
        return self.facts / self.fact_seconds


async def wipe(driver: AsyncDriver, database: str) -> None:
    # Relationships first, then nodes, in small transactions: detaching a hub at once can exceed
    # Neo4j's transaction memory pool.
    async with driver.session(database=database) as session:
        await (await session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS")).consume()
        await (await session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS")).consume()


async def measure_load(
    driver: AsyncDriver, database: str, size: int, batch_rows: int
) -> tuple[LoadResult, SyntheticGraph]:
    """Generate `size` nodes, validate them with the seed's rules, and bulk-load them into an empty graph."""
    await wipe(driver, database)
    await apply_graph_schema(driver, database)
    graph = generate(size)
    started = time.perf_counter()
    seed = validate_documents([ParsedFile(f"synthetic-{size}", graph.document)])
    validated = time.perf_counter()
    commit_each_batch = size > 50_000  # one transaction's memory is the limit for the largest graphs
    summary = await load_seed(driver, database, seed, batch_rows=batch_rows, commit_each_batch=commit_each_batch)
    loaded = time.perf_counter()
    await driver.execute_query("CALL db.awaitIndexes(600)", database_=database)
    result = LoadResult(
        graph.nodes, graph.facts, validated - started, loaded - validated,
        summary.seconds["nodes"], summary.seconds["facts"],
    )  # fmt: skip
    return result, graph


# -- targets ------------------------------------------------------------------------------------------

Call = Callable[[], Awaitable[Any]]


class HttpTarget:
    def __init__(self, url: str, requests: dict[str, dict[str, Any]]) -> None:
        self.url = url
        self.requests = requests
        self.client = httpx.AsyncClient(timeout=60.0, limits=httpx.Limits(max_connections=64))

    def call(self, read: Read) -> Call:
        payload = self.requests[read.name]

        async def post() -> Any:
            response = await self.client.post(self.url, json=payload)
            body = response.json()
            if body.get("errors"):
                raise RuntimeError(f"{self.url} {read.name}: {body['errors'][0]['message']}")
            return body

        return post

    async def close(self) -> None:
        await self.client.aclose()


class RawTarget:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database

    def call(self, read: Read) -> Call:
        query = Query(read.cypher, timeout=60.0)  # type: ignore[arg-type]
        params = read.cypher_parameters()

        async def run() -> Any:
            result = await self.driver.execute_query(
                query, parameters_=params, routing_=RoutingControl.READ, database_=self.database
            )
            return [record.data() for record in result.records]

        return run


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float
    count: int


def _percentile(ordered: list[float], fraction: float) -> float:
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def latency(call: Call, duration: float, minimum: int = 20, warmup: int = 5) -> Latency:
    """Sequential requests (concurrency 1) for `duration` seconds (and at least `minimum`), in ms."""
    for _ in range(warmup):
        await call()
    samples: list[float] = []
    deadline = time.perf_counter() + duration
    while time.perf_counter() < deadline or len(samples) < minimum:
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return Latency(_percentile(ordered, 0.5), _percentile(ordered, 0.95), _percentile(ordered, 0.99), len(ordered))


async def throughput(call: Call, concurrency: int, duration: float) -> float:
    """Requests per second with `concurrency` clients looping for `duration` seconds."""
    done = 0
    deadline = time.perf_counter() + duration

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await call()
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


# -- servers ------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str

    def peak_rss_mb(self) -> float:
        """The process's peak resident memory (VmHWM), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _wait_ready(server: Server, probe: Callable[[], bool], timeout: float = 120.0) -> Server:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        try:
            if probe():
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{server.name} did not become ready in {timeout:.0f}s")


def _neo4j_env(uri: str, user: str, password: str, database: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STRIKEGRAPH_"))}
    return keep | {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}


def start_strikegraph(strikegraph: str, uri: str, user: str, password: str, database: str) -> Server:
    port = free_port()
    env = _neo4j_env(uri, user, password, database) | {
        "STRIKEGRAPH_SEED_ON_START": "false",
        "STRIKEGRAPH_ENVIRONMENT": "production",
        "STRIKEGRAPH_ACCESS_LOG": "false",
        "STRIKEGRAPH_MAX_PAGE_SIZE": "100",
    }
    process = subprocess.Popen(
        [strikegraph, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Server("strikegraph", process, f"http://127.0.0.1:{port}/graphql")
    return _wait_ready(server, lambda: httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200)


def install_neo4j_graphql() -> None:
    """`npm ci` once: node_modules is git-ignored, the lock file pins every version."""
    if (NEO4J_GRAPHQL_DIR / "node_modules" / "@neo4j" / "graphql").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: it is needed for the @neo4j/graphql comparison")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=NEO4J_GRAPHQL_DIR, check=True)


def start_neo4j_graphql(uri: str, user: str, password: str, database: str) -> Server:
    install_neo4j_graphql()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: it is needed for the @neo4j/graphql comparison")
    port = free_port()
    env = _neo4j_env(uri, user, password, database) | {"PORT": str(port)}
    process = subprocess.Popen(
        [node, "server.mjs"], cwd=NEO4J_GRAPHQL_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/graphql"
    server = Server("@neo4j/graphql", process, url)
    return _wait_ready(server, lambda: httpx.post(url, json={"query": "{ __typename }"}, timeout=2).status_code == 200)
