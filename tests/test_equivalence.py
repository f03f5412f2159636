"""The compiled path answers exactly as graphql-core's own execution does: the same `data` (keys in
selection order, aliases, `__typename`, nulls) and the same errors at the same paths, on a corpus of
queries covering every root field, fragments on every kind of type, directives and variables."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.settings import Settings
from api.web.app import create_app

pytestmark = pytest.mark.usefixtures("seeded")


def gid(type_name: str, slug: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{slug}".encode()).decode()


NODE_FIELDS = "__typename id slug name aliases description note version managedBy"
FACT_FIELDS = (
    "__typename factId type note retractedAt retractedBy version managedBy sources { quote source { slug title } }"
)

CORPUS: list[tuple[str, dict[str, Any]]] = [
    # every lookup, by slug and by name, found and not found
    (f'{{ organization(id: "amptp") {{ {NODE_FIELDS} kind }} }}', {}),
    ('{ a: organization(name: "WGA") { slug } b: organization(id: "nobody") { slug } }', {}),
    (
        f'{{ person(id: "carol-lombardini") {{ {NODE_FIELDS} roles {{ title since until organization {{ slug }} }} }} }}',
        {},
    ),
    (
        f'{{ strike(id: "wga-strike-2023") {{ startDate endDate strikers {{ slug }} against {{ slug }} parties {{ side since until organization {{ slug }} {FACT_FIELDS} }} negotiations {{ slug date }} agreements {{ slug }} }} }}',
        {},
    ),
    (
        '{ agreement(id: "dga-amptp-agreement-2023") { actions { action on by organization { name } } parties { slug } ratifiedBy { on by } strikes { slug } } }',
        {},
    ),
    (
        '{ negotiation(name: "WGA\u2013AMPTP talks of 2023-08-11") { date status outcome participants { role detail party { __typename slug } negotiation { slug } } strikes { slug } } }',
        {},
    ),
    (
        '{ issue(id: "writers-room-preservation") { stances { stance detail on party { __typename name } issue { slug } } } }',
        {},
    ),
    ('{ source(id: "wga-email-2023-08-10") { title kind publisher date url file sources { quote } } }', {}),
    # node(id:), nodes(ids:), fragments on the interface and on concrete types
    (
        "query($id: ID!) { node(id: $id) { __typename id ...N ... on Organization { kind leaders { person { name } } } } } fragment N on Node { slug name }",
        {"id": gid("Organization", "amptp")},
    ),
    (
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename slug ... on Strike { startDate } ... on Person { roles { title } } } }",
        {"ids": [gid("Strike", "wga-strike-2023"), gid("Person", "nobody-at-all"), gid("Person", "carol-lombardini")]},
    ),
    # lists with every filter, ordering and the connections with fragments on connection and edge types
    (
        '{ organizations(kind: UNION, orderBy: NAME_DESC, first: 3) { slug kind } people(nameContains: "a") { slug } }',
        {},
    ),
    (
        "query($d: Date) { strikes(activeOn: $d) { name strikers { name } against { name } } activeStrikes(on: $d) { slug } }",
        {"d": "2023-08-10"},
    ),
    (
        '{ agreements(party: "dga", ratifiedAsOf: "2023-08-10") { slug } negotiations(status: SCHEDULED) { slug } issues(proposedBy: "wga") { slug } sources(kind: EMAIL) { slug } }',
        {},
    ),
    (
        """query Page($first: Int, $after: String) { strikesConnection(first: $first, after: $after, orderBy: START_DATE_DESC) {
          __typename ...C edges { __typename cursor ...E } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
        fragment C on StrikeConnection { totalCount nodes { slug } }
        fragment E on StrikeEdge { node { ...S } }
        fragment S on Strike { name startDate }""",
        {"first": 2, "after": None},
    ),
    (
        "{ organizationsConnection(last: 2, kind: UNION) { totalCount edges { node { slug } } pageInfo { hasPreviousPage hasNextPage } } }",
        {},
    ),
    (
        "{ issuesConnection { totalCount } sourcesConnection(first: 1) { nodes { slug } } negotiationsConnection(first: 1) { edges { cursor } } agreementsConnection(first: 5) { nodes { slug } } peopleConnection(first: 1) { totalCount } }",
        {},
    ),
    # relationships with enum and list variables, directions, asOf; aliases of one field with different arguments
    (
        'query($t: [RelationshipType!], $dir: Direction!) { organization(id: "amptp") { out: relationships(direction: $dir) { type direction other { slug } } some: relationships(types: $t, first: 2) { type title role detail since until on by other { __typename ... on Person { name } } } } }',
        {"t": ["PRESIDES", "AGAINST"], "dir": "OUTGOING"},
    ),
    (
        'query($d: Date) { organization(id: "sag-aftra") { now: leaders { person { name } } then: leaders(asOf: $d) { person { name } since until } } }',
        {"d": "1960-05-01"},
    ),
    # directives
    (
        'query($withKind: Boolean!, $skipName: Boolean!) { organization(id: "wga") { slug kind @include(if: $withKind) name @skip(if: $skipName) ... on Organization @include(if: $withKind) { description } } }',
        {"withKind": False, "skipName": True},
    ),
    # search, path, changes, root __typename
    ('{ __typename search(text: "writers guild", first: 3) { __typename node { __typename slug } } }', {}),
    (
        '{ path(from: "carol-lombardini", to: "wga-strike-2023") { __typename length hops { __typename type forward from { slug } to { __typename slug } sources { quote } } } }',
        {},
    ),
    ('{ path(from: "carol-lombardini", to: "nobody-here") { length } }', {}),
    (
        'query($d: Date) { path(from: "carol-lombardini", to: "wga-strike-2023", asOf: $d) { length hops { type from { slug } } } }',
        {"d": "2023-08-10"},
    ),
    ('{ path(from: "carol-lombardini", to: "wga-strike-2023", asOf: "2024") { length } }', {}),
    (
        '{ factsCiting(source: "wga-email-2023-08-10", first: 4) { __typename factId type forward from { __typename slug } to { slug } sources { quote via { slug } } } }',
        {},
    ),
    ("{ changes(first: 5) { id at actor action entityType entity before after } }", {}),
    # user errors: same message, same path, same code
    ('{ a: organization(id: "amptp") { slug } b: organization(id: "x", name: "y") { slug } }', {}),
    ('{ organization(id: "amptp") { relationships(first: 9999) { type } slug } }', {}),
    ("{ strikes(first: 1000) { slug } }", {}),
    ('{ strikesConnection(after: "bm90LWEtY3Vyc29y") { totalCount } }', {}),
    ('{ search(text: "   ") { score } }', {}),
    ('{ path(from: "wga", to: "wga") { length } }', {}),
    ('{ factsCiting(source: "no-such-source") { factId } }', {}),
    ('{ factsCiting(source: "wga-email-2023-08-10", first: 101) { factId } }', {}),
    ('{ changes(since: "2026-11-01 10:00 tomorrow") { id } }', {}),
    ("query($d: Date) { strikes(activeOn: $d) { slug } }", {"d": "2023-02-30"}),
]


@pytest.fixture(scope="module")
async def executed(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The same service with the compiled path off: graphql-core executes every field."""
    application = create_app(settings.model_copy(update={"compiled_execution": False}))
    async with LifespanManager(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://strikegraph.test") as http:
            yield http


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(("query", "variables"), CORPUS, ids=[f"q{i:02d}" for i in range(len(CORPUS))])
async def test_compiled_path_answers_as_graphql_core_does(
    client: httpx.AsyncClient, executed: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> None:
    compiled = await _post(client, query, variables)
    baseline = await _post(executed, query, variables)
    assert baseline["extensions"].get("execution") == "fallback"
    if "errors" not in compiled or compiled.get("data") is not None:
        assert compiled["extensions"]["execution"] == "compiled", compiled
    # Same data, keys in the same order (JSON text compares order), same errors at the same paths.
    assert json.dumps(compiled.get("data")) == json.dumps(baseline.get("data"))
    assert _errors(compiled) == _errors(baseline)


def _errors(body: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return sorted(
        (error["message"], error.get("path"), error.get("extensions", {}).get("code"))
        for error in body.get("errors", [])
    )
