"""Measuring: bulk load throughput; the targets each read is measured against (servers driven by wrk, and
the raw driver in-process), with the CPU each spends per request; and the server processes themselves."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from neo4j import AsyncDriver

from api.database.graph import apply_graph_schema
from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import Settings
from bench.loadgen import Measurement, ensure_wrk, run_wrk
from bench.raw import raw_read
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


@contextmanager
def throwaway_neo4j(settings: Settings, prefix: str, heap: str = "512m", pagecache: str = "64m") -> Iterator[Settings]:
    """A Neo4j of one benchmark's own, in a temporary folder on a free port, stopped afterwards: yields the
    settings that reach it."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        local = LocalNeo4j(
            settings.neo4j_cache_dir, Path(folder) / "neo4j", port=free_port(), heap=heap, pagecache=pagecache
        )
        running = local.start()
        try:
            yield settings.with_neo4j(running.uri, running.user, running.password)
        finally:
            local.stop()


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


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def settle(pids: list[int], window: float = 0.25, idle_share: float = 0.1, timeout: float = 60.0) -> bool:
    """Wait until every process in `pids` is idle (under `idle_share` of a core over `window`): requests that
    a load generator gave up on at the end of a cell still run in the server and Neo4j, and must not be
    charged to the next cell. False if they are still busy after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = [cpu_seconds(pid) for pid in pids]
        await asyncio.sleep(window)
        if all(cpu_seconds(pid) - start < idle_share * window for pid, start in zip(pids, before, strict=True)):
            return True
    return False


class Target(Protocol):
    name: str
    pids: list[int]  # the processes that serve it (Neo4j's included when known)

    async def answer(self, read: Read) -> dict[str, Any]:
        """One response body: `data`, and `extensions` where the target sends them."""
        ...

    async def measure(self, read: Read, concurrency: int, seconds: float) -> Measurement: ...


class HttpTarget:
    """A server driven by wrk; `requests` maps each read to its URL and JSON body."""

    def __init__(self, name: str, server: Server, requests: dict[str, tuple[str, bytes]], neo4j_pid: int | None):
        self.name = name
        self.server = server
        self.requests = requests
        self.neo4j_pid = neo4j_pid
        self.pids = [server.process.pid] + ([neo4j_pid] if neo4j_pid else [])
        self.wrk = ensure_wrk()

    async def answer(self, read: Read) -> dict[str, Any]:
        url, body = self.requests[read.name]
        async with httpx.AsyncClient(timeout=60.0) as client:
            response = await client.post(url, content=body, headers={"Content-Type": "application/json"})
        answer: dict[str, Any] = response.json()
        if response.status_code != 200 or answer.get("errors"):
            raise RuntimeError(f"{self.name} {read.name}: HTTP {response.status_code} {response.text[:300]}")
        return answer

    async def measure(self, read: Read, concurrency: int, seconds: float) -> Measurement:
        url, body = self.requests[read.name]
        pids = [self.server.process.pid, self.neo4j_pid]
        before = [cpu_seconds(pid) if pid else 0.0 for pid in pids]
        cell = await run_wrk(self.wrk, url, body, concurrency, seconds)
        spent = [
            (cpu_seconds(pid) - start) * 1000 / cell.requests if pid else None
            for pid, start in zip(pids, before, strict=True)
        ]
        return dataclasses.replace(cell, server_cpu_ms=spent[0], neo4j_cpu_ms=spent[1])


class InProcessTarget:
    """The raw driver called from this process: no HTTP, no JSON; the client loop is Python's asyncio."""

    name = "raw"

    def __init__(self, driver: AsyncDriver, database: str, neo4j_pid: int | None) -> None:
        self.driver = driver
        self.database = database
        self.neo4j_pid = neo4j_pid
        self.pids = [neo4j_pid] if neo4j_pid else []  # this process's own requests are all awaited

    async def answer(self, read: Read) -> dict[str, Any]:
        return {"data": await raw_read(self.driver, self.database, read.name, read.variables)}

    async def measure(self, read: Read, concurrency: int, seconds: float) -> Measurement:
        samples: list[float] = []
        deadline = time.perf_counter() + seconds

        async def client() -> None:
            while True:  # at least one request each, however short the cell
                started = time.perf_counter()
                await raw_read(self.driver, self.database, read.name, read.variables)
                samples.append((time.perf_counter() - started) * 1000)
                if time.perf_counter() >= deadline:
                    break

        neo4j_before = cpu_seconds(self.neo4j_pid) if self.neo4j_pid else 0.0
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        ordered = sorted(samples)
        count = len(ordered)
        return Measurement(
            concurrency, count, elapsed,
            p50=_percentile(ordered, 0.5), p95=_percentile(ordered, 0.95), p99=_percentile(ordered, 0.99),
            server_cpu_ms=(time.process_time() - cpu) * 1000 / count,
            neo4j_cpu_ms=(cpu_seconds(self.neo4j_pid) - neo4j_before) * 1000 / count if self.neo4j_pid else None,
        )  # fmt: skip


def _percentile(ordered: list[float], fraction: float) -> float:
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# -- servers ------------------------------------------------------------------------------------------


LOGS = BENCH_DIR / ".work" / "logs"


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path  # its stderr: where to look when it fails

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
            raise RuntimeError(f"{server.name} exited with {server.process.returncode} (see {server.log})")
        try:
            if probe():
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{server.name} did not become ready in {timeout:.0f}s (see {server.log})")


def _spawn(name: str, command: list[str], env: dict[str, str], cwd: Path | None = None) -> Server:
    """Start a server process on a free port (`{port}` in `command`), its stderr in bench/.work/logs."""
    LOGS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = LOGS / f"{name}.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [part.format(port=port) for part in command], cwd=cwd, env=env | {"PORT": str(port)},
            stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    return Server(name, process, f"http://127.0.0.1:{port}", log)


def _neo4j_env(uri: str, user: str, password: str, database: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STRIKEGRAPH_"))}
    return keep | {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}


def start_strikegraph(
    strikegraph: str, uri: str, user: str, password: str, database: str, *, response_cache: bool = False
) -> Server:
    """In production mode; the response cache off unless asked (the cold figures are the read path's own)."""
    env = _neo4j_env(uri, user, password, database) | {
        "STRIKEGRAPH_SEED_ON_START": "false",
        "STRIKEGRAPH_ENVIRONMENT": "production",
        "STRIKEGRAPH_ACCESS_LOG": "false",
        "STRIKEGRAPH_MAX_PAGE_SIZE": "100",
        "STRIKEGRAPH_RESPONSE_CACHE": "true" if response_cache else "false",
    }
    name = "strikegraph_cached" if response_cache else "strikegraph"
    server = _spawn(name, [strikegraph, "serve", "--port", "{port}"], env)
    ready = f"{server.url}/readyz"
    server.url += "/graphql"
    return _wait_ready(server, lambda: httpx.get(ready, timeout=2).status_code == 200)


def start_raw_server(uri: str, user: str, password: str, database: str) -> Server:
    """bench/raw_server.py in its own process, as strikegraph runs in its own."""
    command = [sys.executable, "-m", "bench.raw_server", "--port", "{port}"]
    server = _spawn("raw_server", command, _neo4j_env(uri, user, password, database), cwd=BENCH_DIR.parent)
    return _wait_ready(server, lambda: httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200)


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
    # Production mode, as it would be deployed (Apollo, graphql-js and the library skip development checks).
    env = _neo4j_env(uri, user, password, database) | {"NODE_ENV": "production"}
    server = _spawn("neo4j_graphql", [node, "server.mjs"], env, cwd=NEO4J_GRAPHQL_DIR)
    server.url += "/graphql"
    return _wait_ready(server, lambda: httpx.post(server.url, json={"query": "{ __typename }"}, timeout=2).is_success)
