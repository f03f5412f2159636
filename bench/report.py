"""The benchmark's tables, as Markdown: printed by `python -m bench` and pasted into the README."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from api.settings import Settings
from bench.hostile import format_hostile
from bench.import_path import PHASES
from bench.run import TARGETS, ReadResult, Report

TARGET_NAMES = {
    "strikegraph": "strikegraph (cache off)",
    "strikegraph_cached": "strikegraph, cached answers (warm)",
    "raw_http": "raw driver over HTTP",
    "raw": "raw driver in-process",
    "neo4j_graphql": "@neo4j/graphql",
}


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _loads(report: Report) -> list[str]:
    lines = ["**Bulk load** (validation with the seed's rules, then batched `UNWIND ... CREATE/SET`):", ""]
    lines += ["| nodes | facts | validate | load (all) | writing nodes / facts | nodes/s (target 50,000) "
              "| facts/s (target 50,000) |", "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for load in report.loads:
        lines.append(
            f"| {load.nodes:,} | {load.facts:,} | {load.validate_seconds:.1f} s | {load.load_seconds:.1f} s "
            f"| {load.node_seconds:.1f} s / {load.fact_seconds:.1f} s "
            f"| {load.nodes_per_second:,.0f} ({_mark(load.nodes_per_second >= TARGETS['load_nodes_per_s'])}) "
            f"| {load.facts_per_second:,.0f} ({_mark(load.facts_per_second >= TARGETS['load_facts_per_s'])}) |"
        )
    return lines


def _imports(report: Report) -> list[str]:
    lines = [
        "**Bulk import** (`strikegraph import`'s steps, each timed: validation with the seed's rules while "
        "writing neo4j-admin's CSV, the offline import, Neo4j's restart, constraints and indexes, the empty "
        "lists CSV cannot carry, and the checks through the API; in a process and a Neo4j of its own):",
        "",
    ]
    lines += ["| nodes | facts | validate | write CSV | neo4j-admin | start | constraints, indexes | empty lists "
              "| check | end to end | nodes/s, facts/s (target 50,000) | peak RSS (archive alone) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for result in report.imports:
        phases = " | ".join(f"{result.seconds[phase]:.1f} s" for phase in PHASES)
        rates = f"{result.nodes_per_second:,.0f}, {result.facts_per_second:,.0f}"
        met = _mark(min(result.nodes_per_second, result.facts_per_second) >= TARGETS["load_nodes_per_s"])
        lines.append(
            f"| {result.nodes:,} | {result.facts:,} | {phases} | {result.total_seconds:.1f} s | {rates} ({met}) "
            f"| {result.peak_rss_mb:,.0f} MB ({result.archive_mb:,.0f} MB) |"
        )
    million = [result for result in report.imports if result.nodes >= 1_000_000]
    if million:
        result = million[0]
        end_to_end, validation = TARGETS["import_seconds_1m"], TARGETS["validation_seconds_1m"]
        total, validated = result.total_seconds, result.validation_seconds
        lines += ["", f"Targets on {result.nodes:,} nodes: end to end at most {end_to_end} s: {total:.1f} s "
                  f"({_mark(total <= end_to_end)}); validation at most {validation} s: {validated:.1f} s "
                  f"({_mark(validated <= validation)})."]  # fmt: skip
    for result in report.imports:
        if result.yaml_read_seconds is not None:
            lines += ["", f"Reading the {result.nodes:,}-node archive from {result.yaml_files} YAML seed files "
                      f"({result.yaml_mb:,.0f} MB), validation included: {result.yaml_read_seconds:.1f} s "
                      f"({result.yaml_mb / result.yaml_read_seconds:.1f} MB/s)."]  # fmt: skip
    return lines


def _reads(report: Report) -> list[str]:
    top = max(report.concurrencies)
    lines = [f"**Reads** on {report.graph_nodes:,} nodes / {report.graph_facts:,} facts ({report.method}). "
             "HTTP targets are driven by wrk; the in-process raw driver by an asyncio loop in the bench. "
             f"Latency at concurrency 1 in ms; throughput in requests/s; CPU per request at c={top} in ms, "
             "of the server process and of Neo4j.", ""]  # fmt: skip
    rates = " | ".join(f"c={c} req/s" for c in report.concurrencies)
    lines += [f"| read | target | p50 | p95 | p99 | {rates} | server CPU | Neo4j CPU | same answer |",
              "|---|---|---:|---:|---:|" + "---:|" * len(report.concurrencies) + "---:|---:|---|"]  # fmt: skip
    for result in report.results:
        for target in report.targets:
            latency, busiest = result.cell(target, 1), result.cell(target, top)
            throughput = " | ".join(f"{result.cell(target, c).per_second:,.0f}" for c in report.concurrencies)
            cells = [result.read.name, TARGET_NAMES[target], f"{latency.p50:.2f}", f"{latency.p95:.2f}",
                     f"{latency.p99:.2f}", throughput, _ms(busiest.server_cpu_ms), _ms(busiest.neo4j_cpu_ms),
                     "yes" if result.agree[target] else "**no**"]  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
    differing = [(r.read.name, t, text) for r in report.results for t, text in r.differences.items()]
    if differing:
        lines += ["", "Answers that differ from the raw driver's:", ""]
        lines += [f"- {read}, {TARGET_NAMES[target]}: {text}" for read, target, text in differing]
    return lines


def _targets(result: ReadResult, top: int, with_neo4j_graphql: bool) -> list[str]:
    strikegraph = result.cell("strikegraph", 1).p50
    cells = []
    if with_neo4j_graphql:
        peer = result.cell("neo4j_graphql", top).per_second
        speedup = result.cell("strikegraph", top).per_second / peer
        cells.append(f"{speedup:.2f} ({_mark(speedup >= TARGETS['c32_ratio_vs_neo4j_graphql'])})")
        cached = result.cell("strikegraph_cached", top).per_second / peer
        cells.append(f"{cached:.1f} ({_mark(cached >= TARGETS['c32_ratio_cached_vs_neo4j_graphql'])})")
    else:
        cells += ["n/a", "n/a"]
    over_http = strikegraph / result.cell("raw_http", 1).p50
    cells.append(f"{over_http:.2f} ({_mark(over_http <= TARGETS['p50_ratio_vs_raw_http'])})")
    in_process = strikegraph / result.cell("raw", 1).p50
    cells.append(f"{in_process:.2f} ({_mark(in_process <= TARGETS['p50_ratio_vs_raw'])})")
    cells.append(f"{result.statements} ({_mark(result.statements == TARGETS['statements_per_request'])})")
    return cells


def format_report(report: Report) -> str:
    lines = [f"Run of {dt.date.today().isoformat()} on {report.environment['machine']}; "
             + ", ".join(f"{k} {v}" for k, v in report.environment.items() if k != "machine") + ".", ""]  # fmt: skip
    lines += [*([*_imports(report), ""] if report.imports else []), *_loads(report), "", *_reads(report)]
    top = max(report.concurrencies)
    with_neo4j_graphql = "neo4j_graphql" in report.targets
    lines += ["", "**Targets** per read:", ""]
    lines += [
        f"| read | c={top} req/s strikegraph / @neo4j/graphql (target >= {TARGETS['c32_ratio_vs_neo4j_graphql']}) "
        f"| c={top} req/s cached / @neo4j/graphql (target >= {TARGETS['c32_ratio_cached_vs_neo4j_graphql']:g}) "
        f"| p50 strikegraph / raw over HTTP (target <= {TARGETS['p50_ratio_vs_raw_http']}) "
        f"| p50 strikegraph / raw in-process (target <= {TARGETS['p50_ratio_vs_raw']}) "
        "| Cypher statements per request (target 1) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in report.results:
        lines.append(f"| {result.read.name} | " + " | ".join(_targets(result, top, with_neo4j_graphql)) + " |")
    peak = report.rss_mb["strikegraph"]
    others = ", ".join(f"{TARGET_NAMES[t]} {mb:.0f} MB" for t, mb in report.rss_mb.items() if t != "strikegraph")
    lines += ["", f"Peak RSS of the strikegraph process under load: {peak:.0f} MB (target <= {TARGETS['rss_mb']} "
              f"MB: {_mark(peak <= TARGETS['rss_mb'])}); for comparison {others}."]  # fmt: skip
    cache = report.response_cache
    if cache:
        lookups = cache.get("hits", 0) + cache.get("misses", 0)
        ratio = cache.get("hits", 0) / lookups if lookups else 0.0
        lines += ["", f"Response cache of the cached server after the run: {cache.get('hits', 0):,.0f} hits and "
                  f"{cache.get('misses', 0):,.0f} misses (hit ratio {ratio:.4f}), {cache.get('bytes', 0) / 1024:,.0f} "
                  f"KB in {cache.get('entries', 0):,.0f} entries. The cold rows (cache off) are the read path's own "
                  "figures; the cached rows repeat one request, the cache's best case."]  # fmt: skip
    if report.hostile:
        lines += ["", *format_hostile(report.hostile, Settings(_env_file=None))]
    if report.profile is not None:
        profile = report.profile
        lines += ["", f"**Profile** of strikegraph serving `{profile.read}` at c={top} (py-spy, {profile.samples:,} "
                  "busy samples; share of samples with the function on the stack, and in the function itself; "
                  "of a chain of wrappers with one share, the innermost):", "",
                  "| function | cumulative | own |", "|---|---:|---:|"]  # fmt: skip
        lines += [f"| `{row.function}` | {row.cumulative:.0%} | {row.own:.0%} |" for row in profile.rows]
        packages = ", ".join(f"{name} {share:.0%}" for name, share in profile.packages)
        lines += ["", f"Own samples by package: {packages}."]
    return "\n".join(lines) + "\n"


def write_between_markers(path: Path, text: str, marker: str = "results") -> None:
    """Replace what lies between the `<!-- {marker}:start -->` and `:end` markers of `path` with `text`."""
    start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
    content = path.read_text()
    if start not in content or end not in content:
        raise typer.BadParameter(f"{path} has no {start.strip()} ... {end} markers to write the results between")
    head, _, rest = content.partition(start)
    path.write_text(head + start + text + end + rest.partition(end)[2])
