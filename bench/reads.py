"""The four benchmark reads, three ways: strikegraph's GraphQL, hand-written Cypher for the raw async
driver, and @neo4j/graphql's GraphQL (bench/neo4j_graphql/queries.json)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.synthetic import SyntheticGraph

NEO4J_GRAPHQL_QUERIES = Path(__file__).resolve().parent / "neo4j_graphql" / "queries.json"


@dataclass(frozen=True)
class Read:
    name: str
    description: str
    strikegraph: str
    cypher: str
    variables: dict[str, Any]


def cypher_parameters(variables: dict[str, Any]) -> dict[str, Any]:
    """The raw Cypher's parameters from a read's GraphQL variables, converted as strikegraph converts them."""
    params = dict(variables)
    if "date" in params:
        params["date"] = dt.date.fromisoformat(params["date"])
    if "text" in params:
        params["text"] = " ".join(f"({term} OR {term}*)" for term in params["text"].split())
    return params


STRIKEGRAPH = {
    "strikes_active": """query($date: Date!) { strikes(activeOn: $date, first: 100) {
        slug name startDate strikers { slug name } against { slug name } } }""",
    "organization_3_levels": """query($id: String!) { organization(id: $id) { slug name kind
        leaders(history: true) { title since until person { slug name } }
        members(history: true) { role member { slug name } }
        strikes(history: true) { since strike { slug name startDate against { slug name } } } } }""",
    "path": """query($from: String!, $to: String!) { path(from: $from, to: $to, maxLength: 4) {
        length hops { type forward from { slug name } to { slug name } } } }""",
    "search": """query($text: String!) { search(text: $text, first: 10) { score node { slug name } } }""",
}

# Hand-written Cypher whose one row is the response's `data` (one column per root field), ordered as
# strikegraph orders each list, so that answers compare whole.
CYPHER = {
    "strikes_active": """
        MATCH (s:Strike) WHERE s.startDateEarliest <= $date AND coalesce(s.endDateLatest, $date) >= $date
        WITH s ORDER BY s.startDateEarliest, s.id LIMIT 100
        RETURN collect({slug: s.id, name: s.name, startDate: s.startDate,
          strikers: COLLECT { MATCH (o:Organization)-[w:WAGES]->(s) WHERE w.retractedAt IS NULL
                              RETURN {slug: o.id, name: o.name} ORDER BY o.name, o.id },
          against: COLLECT { MATCH (s)-[a:AGAINST]->(o:Organization) WHERE a.retractedAt IS NULL
                             RETURN {slug: o.id, name: o.name} ORDER BY o.name, o.id }}) AS strikes""",
    "organization_3_levels": """
        OPTIONAL MATCH (o:Organization {id: $id})
        RETURN CASE WHEN o IS NULL THEN null ELSE {slug: o.id, name: o.name, kind: o.kind,
          leaders: COLLECT { MATCH (p:Person)-[r:PRESIDES|LEADS]->(o) WHERE r.retractedAt IS NULL
                    RETURN {title: r.title, since: r.since, until: r.until, person: {slug: p.id, name: p.name}}
                    ORDER BY r.sinceEarliest, p.name },
          members: COLLECT { MATCH (m)-[r:MEMBER_OF]->(o) WHERE r.retractedAt IS NULL
                    RETURN {role: r.role, member: {slug: m.id, name: m.name}} ORDER BY m.name, m.id },
          strikes: COLLECT { MATCH (o)-[r:WAGES]->(s:Strike) WHERE r.retractedAt IS NULL
                    RETURN {since: r.since, strike: {slug: s.id, name: s.name, startDate: s.startDate,
                            against: COLLECT { MATCH (s)-[a:AGAINST]->(t:Organization) WHERE a.retractedAt IS NULL
                                               RETURN {slug: t.id, name: t.name} ORDER BY t.name, t.id }}}
                    ORDER BY s.startDateEarliest, s.id }} END AS organization""",
    "path": """
        OPTIONAL MATCH (a:Entity {id: $from}) OPTIONAL MATCH (b:Entity {id: $to})
        OPTIONAL MATCH p = shortestPath((a)-[*..4]-(b)) WHERE all(r IN relationships(p) WHERE r.retractedAt IS NULL)
        RETURN CASE WHEN p IS NULL THEN null ELSE {length: length(p),
               hops: [i IN range(0, length(p) - 1) | {type: type(relationships(p)[i]),
                 forward: startNode(relationships(p)[i]) = nodes(p)[i],
                 from: {slug: nodes(p)[i].id, name: nodes(p)[i].name},
                 to: {slug: nodes(p)[i + 1].id, name: nodes(p)[i + 1].name}}]} END AS path""",
    "search": """
        CALL db.index.fulltext.queryNodes('entity_text', $text) YIELD node, score
        WITH node, score ORDER BY score DESC, node.id LIMIT 10
        RETURN collect({score: score, node: {slug: node.id, name: node.name}}) AS search""",
}

DESCRIPTIONS = {
    "strikes_active": "strikes active on a date, with strikers and targets",
    "organization_3_levels": "an organization: leaders, members, strikes and their targets (3 levels)",
    "path": "shortest path between two organizations (<= 4 hops)",
    "search": "full-text search, top 10",
}


def choose_variables(graph: SyntheticGraph) -> dict[str, dict[str, Any]]:
    """Deterministic arguments that have answers in `graph`: a busy day, a union, a connected pair."""
    strikes = graph.document["strikes"]
    middle = sorted(strike["start_date"] for strike in strikes)[len(strikes) // 2]
    busy_day = (dt.date.fromisoformat(middle) + dt.timedelta(days=3)).isoformat()
    facts = graph.document["facts"]
    wages = next(f for f in facts if f["type"] == "WAGES")
    against = next(f for f in facts if f["type"] == "AGAINST" and f["from"] == wages["to"])
    return {
        "strikes_active": {"date": busy_day},
        "organization_3_levels": {"id": wages["from"]},
        "path": {"from": wages["from"], "to": against["to"]},
        "search": {"text": "Guild 4"},
    }


def reads(graph: SyntheticGraph) -> list[Read]:
    variables = choose_variables(graph)
    return [Read(name, DESCRIPTIONS[name], STRIKEGRAPH[name], CYPHER[name], variables[name]) for name in STRIKEGRAPH]


def neo4j_graphql_requests(chosen: list[Read]) -> dict[str, dict[str, Any]]:
    """The same reads for @neo4j/graphql, with the same variables."""
    documents: dict[str, dict[str, Any]] = json.loads(NEO4J_GRAPHQL_QUERIES.read_text())
    return {read.name: {"query": documents[read.name]["query"], "variables": read.variables} for read in chosen}


def compact(query: str) -> str:
    return re.sub(r"\s+", " ", query).strip()
