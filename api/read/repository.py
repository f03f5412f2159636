"""Read repository: each function compiles one Cypher statement from the GraphQL selection, runs it in
a read transaction and returns typed objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from strawberry.types.nodes import SelectedField, Selection

from api.errors import BadUserInput, NotFound
from api.graph import RequestGraph
from api.read.compiler import Compiler, Shape, build, flatten
from api.read.pagination import SORT_KEYS, PageRequest, encode_cursor, keyset_condition, order_by
from schema.graph_model import FULLTEXT_INDEX, Label
from schema.types.base import PageInfo, from_global_id
from schema.types.nodes import NODE_TYPES, Connection, Edge, Path, Relationship, SearchHit

MAX_PATH_LENGTH = 6

# Fact ids are unique across relationship types: each fact has a `FactKey` (schema/keys.py) that names
# its ends, so any fact is found by id (`$id`) with three index seeks and the expand between its ends.
FIND_FACT = (
    "MATCH (factKey:FactKey {id: $id}) MATCH (:Entity {id: factKey.from})-[r {id: $id}]->(:Entity {id: factKey.to}) "
)


@dataclass
class Filters:
    """WHERE conditions over the listed node `n`, with their parameters in the compiler."""

    compiler: Compiler = field(default_factory=Compiler)
    conditions: list[str] = field(default_factory=list)

    def add(self, condition: str, **values: Any) -> None:
        names = {name: self.compiler.param(value) for name, value in values.items()}
        self.conditions.append(condition.format(**names))

    def where(self, *extra: str) -> str:
        conditions = [*self.conditions, *extra]
        return f"WHERE {' AND '.join(conditions)}" if conditions else ""


def slug_of(value: str, argument: str) -> str:
    """Accept a slug or a Relay global id wherever a node is named."""
    decoded = from_global_id(value)
    if decoded is not None and decoded[0] in NODE_TYPES:
        return decoded[1]
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise BadUserInput(f"{argument}: {value!r} is neither a slug nor a global id", argument=argument)
    return value


def _node_selections(connection: SelectedField) -> list[Selection]:
    """Everything selected on the nodes of a connection, through `edges { node }` and `nodes`."""
    selections: list[Selection] = []
    for selected in flatten(connection.selections, "Connection"):
        if selected.name == "nodes":
            selections += selected.selections
        elif selected.name == "edges":
            for inner in flatten(selected.selections, "Edge"):
                if inner.name == "node":
                    selections += inner.selections
    return selections


@dataclass
class _Page:
    rows: list[dict[str, Any]]
    shape: Shape
    more: bool
    total: int | None


async def _fetch_page(
    graph: RequestGraph, node_selections: list[Selection], label: Label, filters: Filters, order: Enum,
    page: PageRequest, wants_total: bool,
) -> _Page:  # fmt: skip
    """One statement: the page of `label` nodes matching `filters` (plus one row to tell if more follow)."""
    compiler = filters.compiler
    sort = SORT_KEYS[order]
    projection, shape = compiler.node(label.value, "n", node_selections)
    keyset = []
    if page.cursor is not None:
        key_param, slug_param = compiler.param(page.cursor[0]), compiler.param(page.cursor[1])
        keyset.append(keyset_condition(sort, page, key_param, slug_param))
    total = (
        f"CALL () {{ MATCH (n:{label.value}) {filters.where()} RETURN count(n) AS total }}"
        if wants_total
        else "WITH null AS total"
    )
    # A backward page is read in reverse and put back in order before it leaves Neo4j.
    restore = f"WITH n, sortKey ORDER BY {order_by(sort, reverse=False)}" if page.backward else ""
    cypher = f"""
        {total}
        CALL () {{
            MATCH (n:{label.value}) {filters.where(*keyset)}
            WITH n, {sort.expression.format(n="n")} AS sortKey
            ORDER BY {order_by(sort, reverse=page.backward)} LIMIT {compiler.param(page.limit + 1)}
            {restore}
            RETURN collect({{sortKey: sortKey, slug: n.id, node: {projection}}}) AS rows
        }}
        RETURN total, rows
    """
    record = (await graph.read(cypher, **compiler.params))[0]
    rows: list[dict[str, Any]] = record["rows"]
    more = len(rows) > page.limit
    if more:
        rows = rows[1:] if page.backward else rows[:-1]
    return _Page(rows, shape, more, record["total"])


async def node_list(
    graph: RequestGraph, selected: SelectedField, label: Label, filters: Filters, order: Enum, page: PageRequest
) -> list[Any]:
    fetched = await _fetch_page(graph, selected.selections, label, filters, order, page, wants_total=False)
    return [build(fetched.shape, row["node"]) for row in fetched.rows]


async def node_connection(
    graph: RequestGraph, selected: SelectedField, label: Label, filters: Filters, order: Enum, page: PageRequest
) -> Connection[Any]:
    wants_total = any(s.name == "totalCount" for s in flatten(selected.selections, "Connection"))
    fetched = await _fetch_page(graph, _node_selections(selected), label, filters, order, page, wants_total)
    edges = [
        Edge(cursor=encode_cursor(order, row["sortKey"], row["slug"]), node=build(fetched.shape, row["node"]))
        for row in fetched.rows
    ]
    page_info = PageInfo(
        has_next_page=fetched.more if not page.backward else page.has_cursor,
        has_previous_page=fetched.more if page.backward else page.has_cursor,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    nodes = [edge.node for edge in edges]
    return Connection(edges=edges, nodes=nodes, page_info=page_info, total_count=fetched.total)


async def node_by_slug(graph: RequestGraph, selected: SelectedField, type_name: str | None, slug: str) -> Any:
    compiler = Compiler()
    label = type_name or "Entity"
    projection, shape = compiler.node(type_name, "n", selected.selections)
    cypher = f"MATCH (n:{label} {{id: {compiler.param(slug)}}}) RETURN {projection} AS node"
    records = await graph.read(cypher, **compiler.params)
    return build(shape, records[0]["node"]) if records else None


async def node_by_name(graph: RequestGraph, selected: SelectedField, type_name: str, name: str) -> Any:
    """Case-insensitive exact match on name or alias: full-text candidates, then an exact key check."""
    compiler = Compiler()
    projection, shape = compiler.node(type_name, "n", selected.selections)
    phrase = compiler.param(f'"{_lucene_escape(name)}"')
    cypher = f"""
        CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', {phrase}) YIELD node AS n
        WHERE n:{type_name} AND {compiler.param(name.strip().casefold())} IN n.nameKeys
        RETURN {projection} AS node ORDER BY n.id LIMIT 1
    """
    records = await graph.read(cypher, **compiler.params)
    return build(shape, records[0]["node"]) if records else None


async def search(
    graph: RequestGraph, selected: SelectedField, text: str, labels: list[Label], first: int
) -> list[SearchHit]:
    terms = [_lucene_escape(term) for term in text.split()]
    if not terms:
        raise BadUserInput("text: give at least one word to search for", argument="text")
    compiler = Compiler()
    query = compiler.param(" ".join(f"({term} OR {term}*)" for term in terms))
    node_selections = [s for f in flatten(selected.selections, "SearchHit") if f.name == "node" for s in f.selections]
    projection, shape = compiler.node(None, "n", node_selections)
    kinds = f"AND any(l IN labels(n) WHERE l IN {compiler.param([label.value for label in labels])})" if labels else ""
    cypher = f"""
        CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', {query}) YIELD node AS n, score
        WHERE true {kinds}
        RETURN score, {projection} AS node ORDER BY score DESC, n.id LIMIT {compiler.param(first)}
    """
    records = await graph.read(cypher, **compiler.params)
    node_key = next((f.alias or f.name for f in flatten(selected.selections, "SearchHit") if f.name == "node"), "node")
    hit_shape = Shape(type_name="SearchHit", scalars=["score"], children={node_key: shape})
    return [build(hit_shape, {"score": record["score"], node_key: record["node"]}) for record in records]


async def shortest_path(
    graph: RequestGraph, selected: SelectedField, start: str, end: str, max_length: int
) -> Path | None:
    if not 1 <= max_length <= MAX_PATH_LENGTH:
        raise BadUserInput(f"maxLength must be between 1 and {MAX_PATH_LENGTH}, got {max_length}", argument="maxLength")
    if start == end:
        raise BadUserInput("from and to name the same node", argument="to")
    compiler = Compiler()
    hop_key, hop_shape, hop_projection = "hops", Shape(type_name="PathHop"), "{}"
    for field_ in flatten(selected.selections, "Path"):
        if field_.name == "hops":
            forward = {"forward": "startNode(r) = x"}
            hop_key = field_.alias or field_.name
            hop_projection, hop_shape = compiler.edge(
                "PathHop", "r", {"from_": "x", "to": "y"}, field_.selections, forward
            )
    cypher = f"""
        OPTIONAL MATCH (a:Entity {{id: {compiler.param(start)}}})
        OPTIONAL MATCH (b:Entity {{id: {compiler.param(end)}}})
        OPTIONAL MATCH p = shortestPath((a)-[*..{max_length}]-(b))
        WHERE all(rel IN relationships(p) WHERE rel.retractedAt IS NULL)
        RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound, length(p) AS length,
               COLLECT {{
                   UNWIND range(0, coalesce(length(p), 0) - 1) AS i
                   WITH i, nodes(p)[i] AS x, nodes(p)[i + 1] AS y, relationships(p)[i] AS r
                   RETURN {hop_projection} ORDER BY i
               }} AS hops
    """
    record = (await graph.read(cypher, **compiler.params))[0]
    for found, argument, slug in ((record["fromFound"], "from", start), (record["toFound"], "to", end)):
        if not found:
            raise NotFound(f"{argument}: no node with id {slug!r}", argument=argument)
    if record["length"] is None:
        return None
    path_shape = Shape(type_name="Path", scalars=["length"], children={hop_key: hop_shape})
    path: Path = build(path_shape, {"length": record["length"], hop_key: record["hops"]})
    return path


_OPERATORS = {"AND", "OR", "NOT", "TO"}


def _lucene_escape(text: str) -> str:
    """A word as a literal term: special characters escaped, bare operators (AND, OR, NOT) lowercased."""
    if text in _OPERATORS:
        return text.lower()
    return re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", text)


async def fact_by_id(graph: RequestGraph, selected: SelectedField, fact_id: str) -> Relationship | None:
    """A fact seen from its start node (direction OUTGOING, `other` = its end)."""
    compiler = Compiler()
    outgoing = {"direction": "'OUTGOING'"}
    projection, shape = compiler.edge("Relationship", "r", {"other": "m"}, selected.selections, outgoing)
    cypher = FIND_FACT + f"WITH r MATCH ()-[r]->(m) RETURN {projection} AS fact"
    records = await graph.read(cypher, id=fact_id, **compiler.params)
    fact: Relationship | None = build(shape, records[0]["fact"]) if records else None
    return fact
