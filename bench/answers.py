"""Whether two targets gave the same answer: the whole `data`, as canonical JSON (key order ignored, list
order kept), after @neo4j/graphql's answer is put into strikegraph's shape; and where they differ if not."""

from __future__ import annotations

from typing import Any

import orjson

from bench.raw import dumps


def canonical(data: Any) -> bytes:
    """`data` as JSON with every map's keys sorted: equal bytes, equal answers."""
    return orjson.dumps(orjson.loads(dumps(data)), option=orjson.OPT_SORT_KEYS)


def differences(expected: Any, actual: Any, path: str = "data") -> list[str]:
    """Every place where `actual` differs from `expected`, as `path: expected != actual`."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}.{key}: missing" for key in expected.keys() - actual.keys()]
        found += [f"{path}.{key}: unexpected" for key in actual.keys() - expected.keys()]
        for key in sorted(expected.keys() & actual.keys()):
            found += differences(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        found = [f"{path}: {len(expected)} items != {len(actual)}"] if len(expected) != len(actual) else []
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            found += differences(left, right, f"{path}[{index}]")
        return found
    return [] if expected == actual else [f"{path}: {_short(expected)} != {_short(actual)}"]


def diff_summary(expected: Any, actual: Any, limit: int = 3) -> str:
    found = differences(orjson.loads(canonical(expected)), orjson.loads(canonical(actual)))
    shown = "; ".join(found[:limit])
    return f"{len(found)} differences: {shown}" + (" ..." if len(found) > limit else "")


def _short(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


# -- @neo4j/graphql's answers in strikegraph's shape ----------------------------------------------------
# Its relationships come as connections ({edges: [{properties, node}]}), a lookup by slug is a list of at
# most one, and PRESIDES and LEADS are two fields (strikegraph's `leaders` orders both by sinceEarliest,
# then name: the merge re-sorts by `since`, which equals sinceEarliest for the bench's full dates).


def _nodes(connection: dict[str, Any]) -> list[Any]:
    return [edge["node"] for edge in connection["edges"]]


def _leaders(organization: dict[str, Any]) -> list[dict[str, Any]]:
    edges = organization["presidedBy"]["edges"] + organization["ledBy"]["edges"]
    leaders = [edge["properties"] | {"person": edge["person"]} for edge in edges]
    return sorted(leaders, key=lambda one: (one["since"] is None, one["since"] or "", one["person"]["name"]))


def _organization(found: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not found:
        return None
    org = found[0]
    return {
        "slug": org["slug"], "name": org["name"], "kind": org["kind"], "leaders": _leaders(org),
        "members": [edge["properties"] | {"member": edge["member"]} for edge in org["members"]["edges"]],
        "strikes": [
            edge["properties"] | {"strike": edge["strike"] | {"against": _nodes(edge["strike"]["against"])}}
            for edge in org["strikes"]["edges"]
        ],
    }  # fmt: skip


def from_neo4j_graphql(read: str, data: dict[str, Any]) -> dict[str, Any]:
    """@neo4j/graphql's `data` for `read` (bench/neo4j_graphql/queries.json) in strikegraph's shape."""
    if read == "strikes_active":
        strikes = [s | {"strikers": _nodes(s["strikers"]), "against": _nodes(s["against"])} for s in data["strikes"]]
        return {"strikes": strikes}
    if read == "organization_3_levels":
        return {"organization": _organization(data["organization"])}
    if read == "search":
        return {"search": data["search"]["edges"]}
    return data  # path: a @cypher field written in strikegraph's shape
