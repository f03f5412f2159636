"""One benchmark run: load the synthetic graph at each size, then measure the four reads on the largest
against strikegraph, the raw driver and @neo4j/graphql, and report every figure beside its target."""

from __future__ import annotations

import asyncio
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase, NotificationMinimumSeverity

from bench.harness import (
    HttpTarget,
    Latency,
    LoadResult,
    RawTarget,
    Server,
    latency,
    measure_load,
    start_neo4j_graphql,
    start_strikegraph,
    throughput,
)
from bench.reads import Read, neo4j_graphql_requests, reads

TARGETS = {
    "load_nodes_per_s": 50_000,
    "load_facts_per_s": 50_000,
    "p50_ratio_vs_raw": 1.5,
    "c32_ratio_vs_neo4j_graphql": 1.5,
    "statements_per_request": 1,
    "rss_mb": 300,
}


@dataclass
class ReadResult:
    read: Read
    latency: dict[str, Latency] = field(default_factory=dict)  # target -> c=1 latency
    throughput: dict[tuple[str, int], float] = field(default_factory=dict)  # (target, concurrency) -> req/s
    statements: int = 0
    agree: dict[str, bool] = field(default_factory=dict)


@dataclass
class Report:
    loads: list[LoadResult]
    results: list[ReadResult]
    rss_mb: float
    environment: dict[str, str]
    graph_nodes: int
    graph_facts: int


@dataclass(frozen=True)
class BenchConfig:
    uri: str
    user: str
    password: str
    database: str = "neo4j"
    sizes: tuple[int, ...] = (100_000, 1_000_000)
    duration: float = 10.0
    concurrencies: tuple[int, ...] = (8, 32)
    batch_rows: int = 10_000
    with_neo4j_graphql: bool = True
    strikegraph_command: str = str(Path(sys.executable).parent / "strikegraph")


def _signature(read: str, target: str, body: Any) -> Any:
    """What must agree between targets: the slugs, sizes or length each read answers with."""
    if target == "raw":
        rows = body
        return {
            "strikes_active": lambda: [r["slug"] for r in rows],
            "organization_3_levels": lambda: (
                rows[0]["slug"],
                len(rows[0]["leaders"]) + 0,
                len(rows[0]["members"]),
                len(rows[0]["strikes"]),
            ),
            "path": lambda: rows[0]["length"] if rows else None,
            "search": lambda: [r["slug"] for r in rows],
        }[read]()
    data = body["data"]
    if target == "strikegraph":
        own = data.get("organization") or {}
        return {
            "strikes_active": lambda: [s["slug"] for s in data["strikes"]],
            "organization_3_levels": lambda: (own["slug"], *(len(own[k]) for k in ("leaders", "members", "strikes"))),
            "path": lambda: data["path"]["length"] if data["path"] else None,
            "search": lambda: [hit["node"]["slug"] for hit in data["search"]],
        }[read]()  # fmt: skip
    org = (data.get("organization") or [None])[0]
    return {
        "strikes_active": lambda: [s["slug"] for s in data["strikes"]],
        "organization_3_levels": lambda: (org["slug"], len(org["presidedBy"]["edges"]) + len(org["ledBy"]["edges"]),
                                          len(org["members"]["edges"]), len(org["strikes"]["edges"])),
        "path": lambda: data["path"]["length"] if data["path"] else None,
        "search": lambda: [edge["node"]["slug"] for edge in data["search"]["edges"]],
    }[read]()  # fmt: skip


async def run(config: BenchConfig, say: Any = print) -> Report:
    driver = AsyncGraphDatabase.driver(
        config.uri, auth=(config.user, config.password), notifications_min_severity=NotificationMinimumSeverity.OFF
    )
    loads: list[LoadResult] = []
    servers: list[Server] = []
    try:
        graph = None
        for size in config.sizes:
            say(f"loading {size:,} nodes ...")
            result, graph = await measure_load(driver, config.database, size, config.batch_rows)
            loads.append(result)
            say(f"  {result.nodes:,} nodes, {result.facts:,} facts: validated in {result.validate_seconds:.1f}s, "
                f"loaded in {result.load_seconds:.1f}s")  # fmt: skip
        assert graph is not None
        chosen = reads(graph)
        connection = (config.uri, config.user, config.password, config.database)
        api = start_strikegraph(config.strikegraph_command, *connection)
        servers.append(api)
        targets: dict[str, Any] = {
            "strikegraph": HttpTarget(
                api.url, {r.name: {"query": r.strikegraph, "variables": r.variables} for r in chosen}
            ),
            "raw": RawTarget(driver, config.database),
        }
        if config.with_neo4j_graphql:
            other = start_neo4j_graphql(*connection)
            servers.append(other)
            targets["neo4j_graphql"] = HttpTarget(other.url, neo4j_graphql_requests(chosen))
        results = []
        for read in chosen:
            say(f"read {read.name} {read.variables} ...")
            outcome = ReadResult(read)
            answers = {name: await target.call(read)() for name, target in targets.items()}
            outcome.statements = answers["strikegraph"].get("extensions", {}).get("cypherStatements", -1)
            expected = _signature(read.name, "raw", answers["raw"])
            outcome.agree = {name: _signature(read.name, name, body) == expected for name, body in answers.items()}
            for name, target in targets.items():
                outcome.latency[name] = await latency(target.call(read), config.duration)
                for concurrency in config.concurrencies:
                    outcome.throughput[(name, concurrency)] = await throughput(
                        target.call(read), concurrency, config.duration
                    )
            results.append(outcome)
        rss = api.peak_rss_mb()
        for target in targets.values():
            if isinstance(target, HttpTarget):
                await target.close()
        return Report(loads, results, rss, environment(), graph.nodes, graph.facts)
    finally:
        for server in servers:
            server.stop()
        await driver.close()


def environment() -> dict[str, str]:
    import importlib.metadata as metadata

    from api.settings import NEO4J_VERSION

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    return {
        "machine": f"{cpu}, {__import__('os').cpu_count()} cores, "
        f"{round(int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024)} GiB",
        "python": platform.python_version(),
        "neo4j": f"{NEO4J_VERSION} community",
        "strawberry": metadata.version("strawberry-graphql"),
        "neo4j driver": metadata.version("neo4j"),
    }


def main_async(config: BenchConfig) -> Report:
    return asyncio.run(run(config))
