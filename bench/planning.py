"""`python -m bench.planning`: how long Neo4j takes to plan the dearest document each subquery limit allows
(`bench.hostile.most_subqueries`), cold: its query caches cleared before each EXPLAIN, on a Neo4j of its own
holding the seed graph. The goal (issue 25, item 2) is under 1 s for the default limit."""

from __future__ import annotations

import asyncio
import statistics
import time

from graphql import parse

from api.compile.execute import OperationCompiler, planning_schema
from api.compile.render import Statement
from api.contract.graphql_schema import schema_sdl
from api.database.graph import create_driver
from api.settings import Settings
from bench.harness import throwaway_neo4j
from bench.hostile import most_subqueries
from seed.loader import load_seed
from seed.validate import read_seed

LIMITS = (8, 12, 16, 20, 24)


async def measure(settings: Settings) -> None:
    compiler = OperationCompiler(
        planning_schema(schema_sdl()), settings.max_page_size, 10**12, 10**6, 10**9
    )  # unbounded: the limits are what is measured
    driver = create_driver(settings)
    try:
        await load_seed(driver, settings.neo4j_database, read_seed())
        header = "| subqueries (limit) | Cypher | cold EXPLAIN ms (median of 3) | warm ms | |"
        print(header)
        print("|---:|---:|---:|---:|---|")
        trivial = Statement("MATCH (n:Organization {id: $hub}) RETURN n.name AS name", {"hub": "amptp"})
        for limit in (0, *LIMITS):  # 0: a trivial statement, what clearing the caches costs by itself
            if limit:
                document = most_subqueries(limit)
                compiled = compiler.compile(document, parse(document), None, {"hub": "amptp"})
                assert compiled.statement is not None
                statement = compiled.statement
            else:
                statement = trivial
            cold = []
            for _ in range(3):
                await driver.execute_query("CALL db.clearQueryCaches()", database_=settings.neo4j_database)
                started = time.perf_counter()
                await driver.execute_query(
                    "EXPLAIN " + statement.cypher, statement.params, database_=settings.neo4j_database
                )
                cold.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await driver.execute_query(
                "EXPLAIN " + statement.cypher, statement.params, database_=settings.neo4j_database
            )
            warm = (time.perf_counter() - started) * 1000
            mark = "<- default" if limit == settings.max_subqueries else ""
            print(f"| {limit} | {len(statement.cypher):,} B | {statistics.median(cold):.0f} | {warm:.0f} | {mark} |")
    finally:
        await driver.close()


def main() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    with throwaway_neo4j(settings, "strikegraph-planning-") as reached:
        asyncio.run(measure(reached))


if __name__ == "__main__":
    main()
