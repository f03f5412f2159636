"""`python -m bench.spreadsheets`: spreadsheets at scale and the statistics a chart reads.

1. A Labor Action Tracker CSV of fictional rows (`--rows`, default 100,000; deterministic) validated by
   `strikegraph seed`'s reader, timed (CPU only: loading goes through the seed loader, whose speed the main
   bench reports).
2. `strikeStats` on the benchmark graph the main bench left in `bench/.work/neo4j` (run `make bench` first),
   through strikegraph over HTTP: p50 and p95 of each grouping, warm (the issue's target: p95 under 100 ms).
"""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer

from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import Settings
from bench.harness import start_strikegraph
from seed import lat
from seed.validate import read_seed

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STATES = ("NY", "IL", "CA", "TX", "WA", "MA", "PA", "OH")
STATS = {
    "by year, every count": "{ strikeStats { year stoppages days workdays stoppagesWithWorkers workersLow "
    "workersHigh idleDaysLow idleDaysHigh } }",
    "by year and month, workdays and idle days": "{ strikeStats(groupBy: [YEAR, MONTH]) { year month stoppages "
    "workdays idleDaysHigh } }",
    "by industry, workers": "{ strikeStats(groupBy: [INDUSTRY]) { industry { code } stoppages workersHigh } }",
    "by state, workers": "{ strikeStats(groupBy: [STATE]) { state { name } stoppages workersHigh } }",
    "by union, days": "{ strikeStats(groupBy: [UNION]) { union { name } stoppages days } }",
}


def write_rows(path: Path, count: int) -> None:
    """`count` fictional rows, every one a different stoppage."""
    picked = random.Random(7)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(lat.COLUMNS))
        writer.writeheader()
        for number in range(count):
            day = f"20{picked.randint(21, 24)}-{picked.randint(1, 12):02}-{picked.randint(1, 28):02}"
            writer.writerow({
                "Employer": f"Employer {number}", "Labor Organization": f"Union {number % 500}",
                "Local": f"Local {number % 50}" if number % 3 == 0 else "", "Industry": picked.choice(["622", "722"]),
                "Bargaining Unit Size": str(picked.randint(5, 5000)), "Number of Locations": "1",
                "City": f"City {number % 3000}", "State": picked.choice(STATES),
                "Strike or Protest": picked.choice(["Strike", "Protest"]),
                "Approximate Number of Participants": str(picked.randint(2, 3000)), "Start Date": day,
                "Authorized": "Yes", "Worker Demands": picked.choice(["Pay", "Pay; Staffing", "Health and Safety"]),
                "Source": f"https://example.org/actions/{number}",
            })  # fmt: skip


def validation(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "actions.csv"
        write_rows(path, rows)
        started, cpu = time.perf_counter(), time.process_time()
        seed = read_seed([Path(folder), PROJECT_ROOT / "seed" / "data" / "industries.yaml"])
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        size = path.stat().st_size / 1e6
    print(
        f"{rows:,} rows ({size:.1f} MB): {len(seed.nodes):,} nodes and {len(seed.facts):,} facts validated in "
        f"{seconds:.1f} s ({cpu_seconds:.1f} s of CPU)"
    )


def stats(rounds: int) -> None:
    settings = Settings()
    home = PROJECT_ROOT / "bench" / ".work" / "neo4j"
    if not home.exists():
        raise typer.BadParameter("no benchmark graph in bench/.work/neo4j: run `make bench` first")
    local = LocalNeo4j(cache_dir=settings.neo4j_cache_dir, home=home, port=free_port(), heap="4g", pagecache="6g")
    running = local.start()
    server = start_strikegraph(str(PROJECT_ROOT / ".venv" / "bin" / "strikegraph"), running.uri, running.user,
                               running.password, settings.neo4j_database)  # fmt: skip
    try:
        with httpx.Client(timeout=60) as http:
            count = http.post(server.url, json={"query": "{ strikeStats(kinds: [STRIKE, LOCKOUT, WALKOUT, PROTEST]) "
                                                           "{ stoppages } }"}).json()  # fmt: skip
            print(f"stoppages in the graph: {sum(row['stoppages'] for row in count['data']['strikeStats']):,}")
            print("| strikeStats | rows | p50 ms | p95 ms |")
            print("|---|---:|---:|---:|")
            for name, query in STATS.items():
                for _ in range(5):  # warm: Neo4j's plan, the JIT
                    http.post(server.url, json={"query": query})
                times = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    body = http.post(server.url, json={"query": query}).json()
                    times.append((time.perf_counter() - started) * 1000)
                    assert "errors" not in body, body
                times.sort()
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                print(f"| {name} | {len(body['data']['strikeStats'])} | {statistics.median(times):.1f} | {p95:.1f} |")
    finally:
        server.stop()
        local.stop()


def main(
    rows: Annotated[int, typer.Option(help="Rows of the generated Labor Action Tracker CSV.")] = 100_000,
    rounds: Annotated[int, typer.Option(help="Requests per strikeStats query, after five to warm up.")] = 40,
    skip_stats: Annotated[bool, typer.Option(help="Only the spreadsheet's validation.")] = False,
) -> None:
    validation(rows)
    if not skip_stats:
        stats(rounds)


if __name__ == "__main__":
    typer.run(main)
