"""The benchmark's tables, as Markdown: printed by `python -m bench` and pasted into the README."""

from __future__ import annotations

import datetime as dt

from bench.run import TARGETS, Report

TARGET_NAMES = {"strikegraph": "strikegraph", "raw": "raw driver", "neo4j_graphql": "@neo4j/graphql"}


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def format_report(report: Report) -> str:
    lines = [f"Run of {dt.date.today().isoformat()} on {report.environment['machine']}; "
             + ", ".join(f"{k} {v}" for k, v in report.environment.items() if k != "machine") + ".", ""]  # fmt: skip
    lines += ["**Bulk load** (validation with the seed's rules, then batched `UNWIND ... CREATE/SET`):", ""]
    lines += ["| nodes | facts | validate | load (all) | writing nodes / facts | nodes/s (target 50,000) "
              "| facts/s (target 50,000) |", "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for load in report.loads:
        lines.append(
            f"| {load.nodes:,} | {load.facts:,} | {load.validate_seconds:.1f} s | {load.load_seconds:.1f} s "
            f"| {load.node_seconds:.1f} s / {load.fact_seconds:.1f} s "
            f"| {load.nodes_per_second:,.0f} ({_mark(load.nodes_per_second >= TARGETS['load_nodes_per_s'])}) "
            f"| {load.facts_per_second:,.0f} ({_mark(load.facts_per_second >= TARGETS['load_facts_per_s'])}) |"
        )
    lines += ["", f"**Reads** on {report.graph_nodes:,} nodes / {report.graph_facts:,} facts, over HTTP "
              "(strikegraph on uvicorn, @neo4j/graphql on Apollo Server) or in-process (raw async driver). "
              "Latency at concurrency 1 in ms; throughput in requests/s.", ""]  # fmt: skip
    targets = [t for t in TARGET_NAMES if any(t in r.latency for r in report.results)]
    concurrencies = sorted({c for r in report.results for (_, c) in r.throughput})
    header = (
        "| read | target | p50 | p95 | p99 | " + " | ".join(f"c={c} req/s" for c in concurrencies) + " | same answer |"
    )
    lines += [header, "|---|---|---:|---:|---:|" + "---:|" * len(concurrencies) + "---|"]
    for result in report.results:
        for target in targets:
            lat = result.latency[target]
            rates = " | ".join(f"{result.throughput[(target, c)]:,.0f}" for c in concurrencies)
            agree = "yes" if result.agree.get(target) else "**no**"
            cells = [result.read.name, TARGET_NAMES[target], f"{lat.p50:.1f}", f"{lat.p95:.1f}", f"{lat.p99:.1f}"]
            lines.append("| " + " | ".join(cells) + f" | {rates} | {agree} |")
    lines += ["", "**Targets** per read:", ""]
    top = max(concurrencies) if concurrencies else 0
    lines += [
        f"| read | p50 strikegraph / raw (target <= 1.5) | c={top} strikegraph / @neo4j/graphql (target >= 1.5) "
        "| Cypher statements per request (target 1) |",
        "|---|---:|---:|---:|",
    ]
    for result in report.results:
        ratio = result.latency["strikegraph"].p50 / result.latency["raw"].p50
        cells = [f"{ratio:.2f} ({_mark(ratio <= TARGETS['p50_ratio_vs_raw'])})"]
        if "neo4j_graphql" in result.latency and top:
            speedup = result.throughput[("strikegraph", top)] / result.throughput[("neo4j_graphql", top)]
            cells.append(f"{speedup:.2f} ({_mark(speedup >= TARGETS['c32_ratio_vs_neo4j_graphql'])})")
        else:
            cells.append("n/a")
        cells.append(f"{result.statements} ({_mark(result.statements == TARGETS['statements_per_request'])})")
        lines.append(f"| {result.read.name} | " + " | ".join(cells) + " |")
    lines += ["", f"Peak RSS of the strikegraph process under load: {report.rss_mb:.0f} MB "
              f"(target <= {TARGETS['rss_mb']} MB: {_mark(report.rss_mb <= TARGETS['rss_mb'])})."]  # fmt: skip
    return "\n".join(lines) + "\n"
