"""Hostile queries against strikegraph on the benchmark graph: the amplification query that the cost model
refuses, and the heaviest queries we found that the default limits still allow. Each is sent once, cold
and then warm, and reported with its planned cost, the size of its Cypher and its time."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, replace
from typing import Any

import httpx
from graphql import GraphQLError, GraphQLInterfaceType, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, parse
from graphql.type import get_named_type, is_enum_type, is_leaf_type, is_required_argument

from api.compile.execute import ByteBudgetCache, OperationCompiler, QueryTooComplex, planning_schema
from api.compile.render import subqueries
from api.contract.graphql_schema import schema_sdl
from api.settings import Settings


def amplification(depth: int) -> str:
    inner = "slug"
    for _ in range(depth):
        inner = f"relationships {{ other {{ {inner} }} }}"
    return f"query($hub: String!) {{ organization(id: $hub) {{ {inner} }} }}"


def every_field(schema: GraphQLSchema, named: GraphQLNamedType, depth: int, kinds: int | None = None) -> str:
    """A selection of every field of every kind that `named` may be (the issue's planning bomb), objects
    `depth` levels deep (of the first `kinds` kinds only, at the top); `kind` is aliased per type, where enums
    of different types share the name."""
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
    possible = schema.get_possible_types(named) if isinstance(named, GraphQLInterfaceType) else [named]
    parts = []
    for kind in possible[:kinds]:
        own = []
        for name, field in kind.fields.items():
            if any(is_required_argument(argument) for argument in field.args.values()):
                continue
            inner = get_named_type(field.type)
            if is_leaf_type(inner):
                own.append(f"{kind.name}_{name}: {name}" if is_enum_type(inner) else name)
            else:
                own.append(f"{name} {{ {every_field(schema, inner, depth - 1) if depth > 0 else '__typename'} }}")
        parts.append(f"... on {kind.name} {{ {' '.join(own)} }}")
    return " ".join(parts)


def planning_bomb(schema: GraphQLSchema, depth: int = 1, max_tokens: int | None = None) -> str:
    """One node with every field of every kind, nested `depth` times: small to send, costly for Neo4j to plan.
    With `max_tokens`, of as many kinds as a document within that many tokens holds (the model has grown
    since round two, whose eleven-kind bomb no longer parses under the default token limit)."""
    node = schema.get_type("Node")
    assert node is not None
    kinds = len(schema.get_possible_types(node))  # type: ignore[arg-type]
    while True:
        document = f"query($id: ID!) {{ node(id: $id) {{ {every_field(schema, node, depth, kinds)} }} }}"
        try:
            parse(document, max_tokens=max_tokens)
            return document
        except GraphQLError:
            kinds -= 1
            if kinds == 0:
                raise


RELATIONS = ("leaders", "members", "memberOf", "strikes", "struckBy", "agreements", "negotiations", "stances")


def most_subqueries(limit: int) -> str:
    """The dearest document to plan that the subquery limit allows: time-filtered relations (each a subquery
    with an ORDER BY ... LIMIT), each with its sources (one more)."""
    fields = [
        f'a{i}: {RELATIONS[i % len(RELATIONS)]}(asOf: "2023-0{1 + i % 9}") {{ __typename sources {{ quote }} }}'
        for i in range((limit - 1) // 2)
    ]
    return f"query($hub: String!) {{ organization(id: $hub) {{ {' '.join(fields)} }} }}"


def queries(hub: str, start: str, end: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """(document, variables) by description; `hub` is the biggest organization, `start`/`end` far apart."""
    settings = Settings(_env_file=None)
    schema = planning_schema(schema_sdl())
    hub_id = base64.b64encode(f"Organization:{hub}".encode()).decode()
    return {
        "planning bomb: every field of every kind the token limit allows, nested once (round two's query)": (
            planning_bomb(schema, max_tokens=settings.max_tokens),
            {"id": hub_id},
        ),
        f"the most subqueries allowed ({settings.max_subqueries}): time-filtered relations with sources": (
            most_subqueries(settings.max_subqueries),
            {"hub": hub},
        ),
        "amplification: 5 x relationships { other }, depth 12 (the issue's query)": (amplification(5), {"hub": hub}),
        "relationships two levels deep from a hub": (
            "query($hub: String!) { organization(id: $hub) { relationships { type other { slug "
            "relationships { type other { slug name } } } } } }",
            {"hub": hub},
        ),
        "members of members of 100 organizations": (
            "{ organizations(first: 100) { slug members { member { slug ... on Organization { "
            "members { member { slug name } } } } } } }",
            {},
        ),
        "path of up to 6 hops between distant nodes": (
            "query($a: String!, $b: String!) { path(from: $a, to: $b, maxLength: 6) { length hops { type } } }",
            {"a": start, "b": end},
        ),
        "search with 16 one-letter prefix terms": (
            '{ search(text: "a b c d e f g h i j k l m n o p", first: 100) { score node { slug } } }',
            {},
        ),
        "strikes by name fragment, counted, 100 per page": (
            '{ strikesConnection(nameContains: "1", first: 100) { totalCount nodes { slug strikers { slug } '
            "against { slug } } } }",
            {},
        ),
    }


@dataclass(frozen=True)
class HostileResult:
    name: str
    cost: int | None
    subqueries: int | None
    cypher_bytes: int | None
    outcome: str  # "answered", or the error code
    cold_ms: float
    warm_ms: float


def measure(url: str, hub: str, start: str, end: str) -> list[HostileResult]:
    settings = Settings(_env_file=None)
    compiler = OperationCompiler(
        planning_schema(schema_sdl()),
        settings.max_page_size,
        settings.max_query_cost,
        settings.max_subqueries,
        settings.max_cypher_bytes,
    )
    results = []
    with httpx.Client(timeout=120) as http:
        for name, (document, variables) in queries(hub, start, end).items():
            unbounded = replace(  # its own plan cache: the bounded compiler must plan each document itself
                compiler, max_cost=10**30, max_subqueries=10**9, max_cypher_bytes=10**12, plans=ByteBudgetCache(1 << 20)
            )
            compiled = unbounded.compile(document, parse(document), None, variables)
            cost, count = compiled.plan.cost, subqueries(compiled.plan)
            try:
                compiler.compile(document, parse(document), None, variables)
                size: int | None = len(compiled.statement.cypher) if compiled.statement else 0
            except QueryTooComplex:
                size = None
            times, outcome = [], "answered"
            for _ in range(2):
                started = time.perf_counter()
                body = http.post(url, json={"query": document, "variables": variables}).json()
                times.append((time.perf_counter() - started) * 1000)
                if body.get("errors"):
                    outcome = body["errors"][0].get("extensions", {}).get("code", "error")
            results.append(HostileResult(name, cost, count, size, outcome, times[0], times[1]))
    return results


def format_hostile(results: list[HostileResult], settings: Settings) -> list[str]:
    lines = [
        f"**Hostile queries** (default limits: cost {settings.max_query_cost:,}, {settings.max_subqueries} "
        f"subqueries, {settings.max_cypher_bytes:,} B of Cypher, depth {settings.max_query_depth}, query timeout "
        f"{settings.query_timeout_seconds:g} s; each sent cold, then warm):",
        "",
        "| query | planned cost | subqueries | Cypher | outcome | cold ms | warm ms |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        cypher = "not rendered" if r.cypher_bytes is None else f"{r.cypher_bytes:,} B"
        cost = "n/a" if r.cost is None else f"{r.cost:,}"
        count = "n/a" if r.subqueries is None else f"{r.subqueries:,}"
        lines.append(f"| {r.name} | {cost} | {count} | {cypher} | {r.outcome} | {r.cold_ms:,.1f} | {r.warm_ms:,.1f} |")
    return lines
