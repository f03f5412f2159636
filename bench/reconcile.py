"""`python -m bench.reconcile`: how long /reconcile takes to answer a batch of 10 and of 50 queries as OpenRefine
posts them (form-encoded `queries`), on a Neo4j of its own holding the curated seed, through the real app in
process (no socket). The queries are the seed's own names and aliases, each also lower-cased, cut to its first
words and given a typo, so exact keys, initials, fuzzy full-text and scoring all take their share."""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import httpx
from asgi_lifespan import LifespanManager

from api.settings import Settings
from api.web.app import create_app
from bench.harness import throwaway_neo4j
from schema.model import Label
from seed.validate import read_seed

RUNS = 20


def texts() -> list[str]:
    """Names as a spreadsheet's column might spell them: as written, lower-cased, shortened, misspelled."""
    by_label = read_seed().nodes_by_label()
    names = [name for label in (Label.ORGANIZATION, Label.STRIKE) for record in by_label[label]
             for name in (record.name, *record.aliases)]  # fmt: skip
    variants = []
    for name in names:
        words = name.split()
        typo = name[:3] + name[4:] if len(name) > 6 else name
        variants += [name, name.lower(), " ".join(words[:2]), typo]
    return variants


async def measure(settings: Settings) -> None:
    pool = texts()
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120):  # it applies the schema and loads the seed
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            print(f"| batch | runs | median ms | p95 ms | ms per query | ({len(pool)} distinct texts, seed graph) |")
            print("|---:|---:|---:|---:|---:|---|")
            for size in (1, 10, 50):
                timings = []
                for run in range(RUNS + 2):  # the first two warm the plan cache
                    batch = {f"q{i}": {"query": pool[(run * size + i) % len(pool)]} for i in range(size)}
                    started = time.perf_counter()
                    response = await http.post("/reconcile", data={"queries": json.dumps(batch)})
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.text
                    if run >= 2:
                        timings.append(elapsed)
                timings.sort()
                median, p95 = statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]
                print(f"| {size} | {RUNS} | {median:.1f} | {p95:.1f} | {median / size:.2f} | |")
            # What the machine gives any statement at the moment: a shared machine's load shows here first.
            round_trips = []
            for _ in range(RUNS):
                started = time.perf_counter()
                await app.state.driver.execute_query("RETURN 1", database_=settings.neo4j_database)
                round_trips.append((time.perf_counter() - started) * 1000)
            print(f"\n`RETURN 1` round trip meanwhile: median {statistics.median(round_trips):.1f} ms")


def main() -> None:
    settings = Settings(_env_file=None, environment="development", metrics=False)  # type: ignore[call-arg]
    with throwaway_neo4j(settings, "strikegraph-reconcile-") as reached:
        asyncio.run(measure(reached))


if __name__ == "__main__":
    main()
