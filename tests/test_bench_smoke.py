"""The benchmark in miniature (a tiny graph, one round of one-second cells), so `python -m bench` cannot rot:
every stage runs (the bulk import, wrk, the raw driver over HTTP and in-process, @neo4j/graphql, py-spy),
every target gives the same whole answer, strikegraph sends one statement per read, and with the response
cache on answers repeated reads from memory."""

from __future__ import annotations

from neo4j import AsyncDriver

from api.database.local_neo4j import RunningNeo4j
from bench.report import format_report
from bench.run import BenchConfig, run

TARGETS = {"strikegraph", "strikegraph_cached", "raw_http", "raw", "neo4j_graphql"}


async def test_benchmark_runs_end_to_end_on_a_tiny_graph(neo4j_server: RunningNeo4j, driver: AsyncDriver) -> None:
    config = BenchConfig(
        uri=neo4j_server.uri,
        user=neo4j_server.user,
        password=neo4j_server.password,
        sizes=(1_000,),
        import_sizes=(1_000,),
        yaml_sizes=(1_000,),
        duration=0.5,
        concurrencies=(4,),
        rounds=1,
        warmup=0.2,
        neo4j_pid=neo4j_server.pid,
        overlap_import=True,  # figures are not results here: the import runs beside the loads and reads
    )
    report = await run(config, say=lambda *_: None)
    [imported] = report.imports
    assert (imported.nodes, imported.facts) == (report.loads[0].nodes, report.loads[0].facts)
    assert imported.checked_facts > 0 and imported.yaml_read_seconds is not None and imported.yaml_files > 0
    assert all(seconds > 0 for seconds in imported.seconds.values()) and imported.peak_rss_mb >= imported.archive_mb > 0
    assert [load.nodes for load in report.loads] == [1_000]
    assert all(load.facts > 2 * load.nodes for load in report.loads)
    assert [result.read.name for result in report.results] == [
        "strikes_active", "organization_3_levels", "path", "search"
    ]  # fmt: skip
    assert set(report.targets) == TARGETS
    for result in report.results:
        assert result.statements == 1, result.read.name
        assert result.agree == dict.fromkeys(TARGETS, True), (result.read.name, result.differences)
        assert set(result.rounds) == {(target, c) for target in TARGETS for c in (1, 4)}
        for (target, _), cells in result.rounds.items():
            for cell in cells:
                assert cell.requests > 0 and cell.per_second > 0 and 0 < cell.p50 <= cell.p99, (target, cell)
                assert cell.server_cpu_ms is not None and cell.neo4j_cpu_ms is not None, (target, cell)
    assert 0 < report.rss_mb["strikegraph"] < 1_000
    assert report.profile is not None and report.profile.samples > 0 and report.profile.rows
    table = format_report(report)
    assert report.response_cache["hits"] > report.response_cache["misses"] > 0
    assert "| strikes_active | strikegraph (cache off) |" in table
    assert "| strikes_active | strikegraph, cached answers (warm) |" in table
    assert "cached / @neo4j/graphql" in table and "Response cache of the cached server" in table
    assert "| organization_3_levels | raw driver over HTTP |" in table
    assert "Peak RSS of the strikegraph process" in table
    assert "**Bulk import**" in table and "| 1,000 |" in table and "YAML seed files" in table
    assert "**Profile** of strikegraph serving `organization_3_levels`" in table
    amplification = next(row for row in report.hostile if row.name.startswith("amplification"))
    assert amplification.outcome == "QUERY_TOO_COMPLEX" and amplification.cypher_bytes is None
    bomb = next(row for row in report.hostile if row.name.startswith("planning bomb"))
    assert bomb.outcome == "QUERY_TOO_COMPLEX" and bomb.cypher_bytes is None and bomb.subqueries > 24
    refused = (amplification, bomb)
    assert all(row.outcome in {"answered", "QUERY_TIMEOUT"} for row in report.hostile if row not in refused)
    assert "**Hostile queries**" in table
