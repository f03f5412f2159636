"""Hostile input through the real HTTP app: refused early, with a code and the argument named, never
INTERNAL, and never echoed back whole."""

from __future__ import annotations

import base64
import json
import time

import pytest

from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("seeded")

AMPLIFICATION = (
    '{ organization(id:"amptp") { relationships { other { relationships { other { relationships { other { '
    "relationships { other { relationships { other { slug } } } } } } } } } } } }"
)


async def test_the_amplification_query_is_refused_before_neo4j_sees_it(gql: GraphQLClient) -> None:
    started = time.perf_counter()
    body = await gql(AMPLIFICATION)
    elapsed = time.perf_counter() - started
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 100_000
    assert body["extensions"]["cypherStatements"] == 0
    assert elapsed < 1.0  # milliseconds in practice; generous for a loaded CI machine


@pytest.mark.parametrize(
    ("text", "message"),
    [(" ".join(["strike"] * 1025), "at most"), ("x" * 5000, "at most"), ("   ", "at least one word")],
)
async def test_search_text_is_bounded(gql: GraphQLClient, text: str, message: str) -> None:
    body = await gql("query($t: String!) { search(text: $t) { score } }", {"t": text})
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "text"}
    assert message in error["message"] and len(error["message"]) < 200
    assert error["path"] == ["search"]


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(json.dumps(["START_DATE_ASC", "not-a-date", "x"]).encode()).decode(),
        "A" * 500_000,  # (a whole megabyte is over the body limit: 413 before GraphQL)
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
    ],
)
async def test_a_crafted_cursor_is_refused_without_an_echo(gql: GraphQLClient, cursor: str) -> None:
    body = await gql("query($c: String) { strikesConnection(after: $c) { totalCount } }", {"c": cursor})
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after"}
    assert len(json.dumps(body)) < 1000


async def test_changes_since_takes_a_date_time_with_a_space_and_refuses_nonsense(gql: GraphQLClient) -> None:
    assert (await gql.data('{ changes(since: "2026-11-01 10:00") { id } }'))["changes"] == []
    body = await gql('{ changes(since: "last tuesday") { id } }')
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "since"}


async def test_enum_and_list_variables_behave_like_literals(gql: GraphQLClient) -> None:
    query = 'query($t: [RelationshipType!]) { organization(id: "wga") { relationships(types: $t, history: true) { type } } }'
    by_variable = await gql.data(query, {"t": ["WAGES"]})
    literal = await gql.data('{ organization(id: "wga") { relationships(types: [WAGES], history: true) { type } } }')
    assert by_variable == literal and {r["type"] for r in literal["organization"]["relationships"]} == {"WAGES"}
    body = await gql(query, {"t": ["NOT_A_TYPE"]})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
