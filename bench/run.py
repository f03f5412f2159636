"""One benchmark run: load the synthetic graph at each size; on the largest, check that every target gives
the same whole answer to the four reads, warm each target up, measure them in interleaved rounds (the
median of the rounds is reported), and profile strikegraph under load. The targets: strikegraph, the raw
driver behind a minimal HTTP endpoint and in-process, and @neo4j/graphql."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncGraphDatabase, NotificationMinimumSeverity

from bench.answers import canonical, diff_summary, from_neo4j_graphql
from bench.harness import (
    HttpTarget,
    InProcessTarget,
    LoadResult,
    Server,
    Target,
    measure_load,
    settle,
    start_neo4j_graphql,
    start_raw_server,
    start_strikegraph,
)
from bench.hostile import HostileResult
from bench.hostile import measure as measure_hostile
from bench.import_path import ImportResult, run_in_subprocess
from bench.loadgen import LoadFailed, Measurement, ensure_wrk
from bench.profile import Profile, record, summarize
from bench.reads import Read, neo4j_graphql_requests, reads
from bench.synthetic import SyntheticGraph

TARGETS = {
    "load_nodes_per_s": 50_000,
    "load_facts_per_s": 50_000,
    "import_seconds_1m": 60,  # 1M nodes and their facts, validation included, end to end
    "validation_seconds_1m": 30,
    "c32_ratio_vs_neo4j_graphql": 2.0,  # at least, at the highest concurrency
    "c32_ratio_cached_vs_neo4j_graphql": 10.0,  # at least: warm repeated reads with the response cache on
    "p50_ratio_vs_raw_http": 1.2,  # at most
    "p50_ratio_vs_raw": 1.5,  # at most
    "statements_per_request": 1,
    "rss_mb": 300,
}
PROFILED_READ = "organization_3_levels"


@dataclass
class ReadResult:
    read: Read
    rounds: dict[tuple[str, int], list[Measurement]] = field(default_factory=dict)  # (target, concurrency)
    statements: int = 0  # strikegraph's extensions.cypherStatements
    agree: dict[str, bool] = field(default_factory=dict)  # target -> same whole answer as the raw driver
    differences: dict[str, str] = field(default_factory=dict)  # target -> a summary where it is not

    def cell(self, target: str, concurrency: int) -> Measurement:
        """The median of the rounds, figure by figure."""
        measured = self.rounds[(target, concurrency)]
        medians: dict[str, Any] = {}
        for item in fields(Measurement):
            values = [getattr(m, item.name) for m in measured if getattr(m, item.name) is not None]
            medians[item.name] = statistics.median(values) if values else None
        return replace(measured[0], **medians)


@dataclass
class Report:
    loads: list[LoadResult]
    results: list[ReadResult]
    targets: list[str]
    concurrencies: tuple[int, ...]
    rss_mb: dict[str, float]  # target -> peak RSS of its server process
    profile: Profile | None
    environment: dict[str, str]
    graph_nodes: int
    graph_facts: int
    method: str  # rounds, seconds per cell, warm-up
    hostile: list[HostileResult] = field(default_factory=list)
    imports: list[ImportResult] = field(default_factory=list)
    response_cache: dict[str, float] = field(default_factory=dict)  # the cached server's, after the run


@dataclass(frozen=True)
class BenchConfig:
    uri: str
    user: str
    password: str
    database: str = "neo4j"
    sizes: tuple[int, ...] = (100_000, 1_000_000)  # the transactional load, then reads on the largest
    import_sizes: tuple[int, ...] = ()  # the bulk-import path, each in its own Neo4j (`make bench`: 100k and 1M)
    yaml_sizes: tuple[int, ...] = ()  # of those, the ones also read back from YAML seed files
    duration: float = 5.0  # seconds per cell (HTTP cells last whole seconds)
    concurrencies: tuple[int, ...] = (8, 32)  # throughput; latency is measured at concurrency 1
    rounds: int = 3
    warmup: float = 5.0  # seconds per read (all targets at once, at the highest concurrency) before round 1
    batch_rows: int = 10_000
    with_neo4j_graphql: bool = True
    profile: bool = True
    neo4j_pid: int | None = None  # to charge Neo4j's CPU per request, when the bench started it
    strikegraph_command: str = str(Path(sys.executable).parent / "strikegraph")
    # The import (its own process and Neo4j) beside the loads and reads rather than before them: only for a
    # run whose figures are not results (the test suite's smoke run), since they would share the cores.
    overlap_import: bool = False


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


async def _compare(chosen: list[Read], targets: dict[str, Target]) -> list[ReadResult]:
    """One answer from every target per read, compared whole with the raw driver's."""
    results = []
    for read in chosen:
        outcome = ReadResult(read)
        answers = {name: await target.answer(read) for name, target in targets.items()}
        outcome.statements = answers["strikegraph"].get("extensions", {}).get("cypherStatements", -1)
        expected = answers["raw"]["data"]
        for name, answer in answers.items():
            data = from_neo4j_graphql(read.name, answer["data"]) if name == "neo4j_graphql" else answer["data"]
            outcome.agree[name] = canonical(data) == canonical(expected)
            if not outcome.agree[name]:
                outcome.differences[name] = diff_summary(expected, data)
        results.append(outcome)
    return results


async def _measure(config: BenchConfig, results: list[ReadResult], targets: dict[str, Target], say: Any) -> None:
    names = list(targets)
    top = max(config.concurrencies)
    if config.warmup > 0:
        # Warm-up measures nothing, so all targets warm up at once (caches, pools, V8's JIT), sharing the
        # highest concurrency between them so as not to overload Neo4j.
        each = max(1, top // len(names))
        say(f"warming up: {config.warmup:g}s per read, every target at c={each} at once")
        for result in results:
            await asyncio.gather(*(_warm_up(targets[name], result.read, each, config.warmup) for name in names))
        await _settle((targets[name] for name in names), say)
    for round_ in range(config.rounds):
        say(f"round {round_ + 1} of {config.rounds}")
        for index, result in enumerate(results):
            shift = (round_ + index) % len(names)  # each target takes each place in turn
            for name in names[shift:] + names[:shift]:
                for concurrency in (1, *config.concurrencies):
                    cell = await targets[name].measure(result.read, concurrency, config.duration)
                    result.rounds.setdefault((name, concurrency), []).append(cell)
                    if concurrency > 1:
                        await _settle([targets[name]], say)


async def _settle(targets: Iterable[Target], say: Any) -> None:
    pids = sorted({pid for target in targets for pid in target.pids})
    if not await settle(pids):
        say(f"warning: processes {pids} were still busy a minute after their load stopped")


async def _warm_up(target: Target, read: Read, concurrency: int, seconds: float) -> None:
    try:
        await target.measure(read, concurrency, seconds)
    except LoadFailed as slow:
        if slow.failed or slow.socket_errors:
            raise  # errors fail the run; no answer yet within a short warm-up is only slow


async def _profile(config: BenchConfig, read: Read, target: HttpTarget) -> Profile:
    """py-spy on strikegraph while wrk keeps it busy at the highest concurrency (a second longer)."""
    seconds = max(1.0, config.duration)
    stacks, _ = await asyncio.gather(
        record(target.server.process.pid, seconds),
        target.measure(read, max(config.concurrencies), seconds + 1),
    )
    return summarize(read.name, stacks)


def hostile_arguments(graph: SyntheticGraph) -> tuple[str, str, str]:
    """The organization with the most facts, and a person and an issue (far apart in the graph)."""
    degree: Counter[str] = Counter()
    for fact in graph.document["facts"]:
        degree[fact["from"]] += 1
        degree[fact["to"]] += 1
    organizations = {org["id"] for org in graph.document["organizations"]}
    hub = next(node for node, _ in degree.most_common() if node in organizations)
    return hub, graph.document["people"][0]["id"], graph.document["issues"][-1]["id"]


def measure_imports(config: BenchConfig, say: Any) -> list[ImportResult]:
    """The bulk-import path at each size, one after the other, each in a fresh process and Neo4j."""
    results = []
    for size in config.import_sizes:
        say(f"importing {size:,} nodes with neo4j-admin ...")
        home = Path(__file__).resolve().parent / ".work" / "neo4j-import"
        result = run_in_subprocess(size, home, read_yaml_files=size in config.yaml_sizes)
        say(f"  validated in {result.validation_seconds:.1f}s, imported end to end in {result.total_seconds:.1f}s")
        results.append(result)
    return results


async def run(config: BenchConfig, say: Any = print) -> Report:
    importing = asyncio.ensure_future(asyncio.to_thread(measure_imports, config, say))
    if not config.overlap_import:
        await importing
    driver = AsyncGraphDatabase.driver(
        config.uri, auth=(config.user, config.password), notifications_min_severity=NotificationMinimumSeverity.OFF
    )
    loads: list[LoadResult] = []
    servers: dict[str, Server] = {}
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
        servers["strikegraph"] = start_strikegraph(config.strikegraph_command, *connection)
        servers["strikegraph_cached"] = start_strikegraph(config.strikegraph_command, *connection, response_cache=True)
        servers["raw_http"] = start_raw_server(*connection)
        if config.with_neo4j_graphql:
            servers["neo4j_graphql"] = start_neo4j_graphql(*connection)
        requests: dict[str, dict[str, tuple[str, bytes]]] = {
            name: {
                r.name: (servers[name].url, _body({"query": r.strikegraph, "variables": r.variables})) for r in chosen
            }
            for name in ("strikegraph", "strikegraph_cached")
        }
        requests["raw_http"] = {
            r.name: (f"{servers['raw_http'].url}/read/{r.name}", _body(r.variables)) for r in chosen
        }
        if config.with_neo4j_graphql:
            requests["neo4j_graphql"] = {
                name: (servers["neo4j_graphql"].url, _body(payload))
                for name, payload in neo4j_graphql_requests(chosen).items()
            }
        targets: dict[str, Target] = {
            name: HttpTarget(name, servers[name], requests[name], config.neo4j_pid) for name in requests
        }
        targets["raw"] = InProcessTarget(driver, config.database, config.neo4j_pid)
        say("comparing answers ...")
        results = await _compare(chosen, targets)
        await _measure(config, results, targets, say)
        profile = None
        if config.profile:
            say(f"profiling strikegraph on {PROFILED_READ} ...")
            profiled = next(r.read for r in results if r.read.name == PROFILED_READ)
            strikegraph = targets["strikegraph"]
            assert isinstance(strikegraph, HttpTarget)
            profile = await _profile(config, profiled, strikegraph)
        say("hostile queries ...")
        hub, start, end = hostile_arguments(graph)
        hostile = await asyncio.to_thread(measure_hostile, servers["strikegraph"].url, hub, start, end)
        rss = {name: server.peak_rss_mb() for name, server in servers.items()}
        cached = response_cache_figures(servers["strikegraph_cached"].url.removesuffix("/graphql") + "/metrics")
        imports = await importing
        method = (
            f"median of {config.rounds} rounds, {config.duration:g}s per cell, targets interleaved; "
            f"{config.warmup:g}s warm-up per read"
        )
        return Report(
            loads, results, list(targets), config.concurrencies, rss, profile, environment(),
            graph.nodes, graph.facts, method, hostile, imports, cached,
        )  # fmt: skip
    finally:
        for server in servers.values():
            server.stop()
        await driver.close()
        if not importing.done():
            await asyncio.wait([importing])  # its own Neo4j is stopped by its own process


def response_cache_figures(metrics_url: str) -> dict[str, float]:
    """Hits, misses, bytes and entries of a server's response cache, from its /metrics."""
    figures: dict[str, float] = {}
    for line in httpx.get(metrics_url, timeout=10).text.splitlines():
        if 'cache="responses"' not in line or line.startswith("#"):
            continue
        name, value = line.rsplit(" ", 1)
        if name.startswith("strikegraph_cache_lookups_total"):
            figures["hits" if 'result="hit"' in name else "misses"] = float(value)
        elif name.startswith("strikegraph_cache_bytes"):
            figures["bytes"] = float(value)
        elif name.startswith("strikegraph_cache_entries"):
            figures["entries"] = float(value)
    return figures


def environment() -> dict[str, str]:
    import importlib.metadata as metadata

    from api.settings import NEO4J_VERSION

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    return {
        "machine": f"{cpu}, {os.cpu_count()} cores, "
        f"{round(int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024)} GiB",
        "python": platform.python_version(),
        "neo4j": f"{NEO4J_VERSION} community",
        "strawberry": metadata.version("strawberry-graphql"),
        "neo4j driver": metadata.version("neo4j"),
        "load generator": _wrk_version(),
    }


def _wrk_version() -> str:
    banner = subprocess.run([ensure_wrk(), "--version"], capture_output=True, text=True, check=False).stdout
    return " ".join(banner.split()[:2]) or "wrk"


def main_async(config: BenchConfig) -> Report:
    return asyncio.run(run(config))
