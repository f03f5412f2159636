"""Uniqueness that Neo4j enforces under concurrency: one key node per normalized name and per fact id.

A name check is a read, and two transactions can both read "free" and both write; a uniqueness
constraint cannot be raced. Each node owns one `NameKey` per entry of its `nameKeys` (name and aliases,
normalised by schema/names.py, as the name lookup normalises them), per label; each fact owns one `FactKey` whatever its
relationship type. Both the API and the seed loader CREATE the keys in the transaction that writes
the node or fact, so the second of two racing writers fails on the constraint (a CONFLICT).
Key nodes are joined to nothing: they never show up in relationships, paths or search.
"""

from __future__ import annotations

NAME_KEY = "NameKey"  # {key: "<Label>:<normalised name or alias>", owner: <node id>}
FACT_KEY = "FactKey"  # {id: <fact id>, type, from: <start node id>, to: <end node id>}


def name_key(label: str, normalized: str) -> str:
    return f"{label}:{normalized}"


def key_schema_statements() -> list[str]:
    return [
        f"CREATE CONSTRAINT name_key IF NOT EXISTS FOR (k:{NAME_KEY}) REQUIRE k.key IS UNIQUE",
        f"CREATE INDEX name_key_owner IF NOT EXISTS FOR (k:{NAME_KEY}) ON (k.owner)",
        f"CREATE CONSTRAINT fact_key IF NOT EXISTS FOR (k:{FACT_KEY}) REQUIRE k.id IS UNIQUE",
    ]


def name_key_node(key: str, owner: str) -> dict[str, str]:
    """The properties of a `NameKey` node, as the seed loader and the API CREATE it."""
    return {"key": key, "owner": owner}


def fact_key_node(fact_id: str, rel_type: str, start: str, end: str) -> dict[str, str]:
    """The properties of a `FactKey` node, as the seed loader and the API CREATE it."""
    return {"id": fact_id, "type": rel_type, "from": start, "to": end}
