"""The benchmark in miniature (a tiny graph, fractions of a second per cell), so `python -m bench`
cannot rot: every stage runs, the three targets agree, and strikegraph sends one statement per read."""

from __future__ import annotations

import shutil

from neo4j import AsyncDriver

from api.neo4j_local import RunningNeo4j
from bench.report import format_report
from bench.run import BenchConfig, run


async def test_benchmark_runs_end_to_end_on_a_tiny_graph(neo4j_server: RunningNeo4j, driver: AsyncDriver) -> None:
    config = BenchConfig(
        uri=neo4j_server.uri,
        user=neo4j_server.user,
        password=neo4j_server.password,
        sizes=(1_000, 3_000),
        duration=0.2,
        concurrencies=(2, 4),
        with_neo4j_graphql=shutil.which("npm") is not None,
    )
    report = await run(config, say=lambda *_: None)
    assert [load.nodes for load in report.loads] == [1_000, 3_000]
    assert all(load.facts > 2 * load.nodes for load in report.loads)
    assert [result.read.name for result in report.results] == [
        "strikes_active", "organization_3_levels", "path", "search"
    ]  # fmt: skip
    for result in report.results:
        assert result.statements == 1, result.read.name
        assert all(result.agree.values()), (result.read.name, result.agree)
        assert all(latency.count >= 20 for latency in result.latency.values())
        assert all(rate > 0 for rate in result.throughput.values())
    assert 0 < report.rss_mb < 1_000
    table = format_report(report)
    assert "| strikes_active | strikegraph |" in table
    assert "Peak RSS of the strikegraph process" in table
