"""The raw driver: a read's hand-written Cypher run with the async driver, its one row taken as `data`.
The bench times it in-process and behind bench/raw_server.py, so both yardsticks run the same code."""

from __future__ import annotations

from typing import Any

import orjson
from neo4j import AsyncDriver, Query, RoutingControl
from neo4j.time import Date, DateTime

from bench.reads import CYPHER, cypher_parameters

QUERIES = {name: Query(cypher, timeout=60.0) for name, cypher in CYPHER.items()}


async def raw_read(driver: AsyncDriver, database: str, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The response's `data` for read `name`: a managed read transaction, retried on transient errors."""
    result = await driver.execute_query(
        QUERIES[name], parameters_=cypher_parameters(variables), routing_=RoutingControl.READ, database_=database
    )
    data: dict[str, Any] = result.records[0].data()
    return data


def _temporal(value: Any) -> str:
    if isinstance(value, Date | DateTime):
        return value.iso_format()
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


def dumps(body: Any) -> bytes:
    """JSON as orjson writes it, Neo4j dates as ISO strings."""
    return orjson.dumps(body, default=_temporal)
