"""`path(asOf:)` over HTTP on the curated seed (issue 22, item 1): the shortest path through the facts that held on
a date, by the rule `relationships(asOf:)` reads them with, one plan for every date."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.test_metrics import plan_lookups

pytestmark = pytest.mark.usefixtures("seeded")

AS_OF = (
    'query($d: Date) { path(from: "carol-lombardini", to: "wga-strike-2023", asOf: $d) '
    "{ length hops { factId type attestedOn from { id slug } to { slug } } } }"
)


def route(path: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(hop["type"], hop["from"]["slug"], hop["to"]["slug"]) for hop in path["hops"]]


PRESIDENCY = [("PRESIDES", "carol-lombardini", "amptp"), ("AGAINST", "amptp", "wga-strike-2023")]
TALKS = [
    ("REQUESTED", "carol-lombardini", "wga-amptp-talks-2023-08-11"),
    ("ABOUT", "wga-amptp-talks-2023-08-11", "wga-strike-2023"),
]


async def test_carol_lombardini_reaches_the_wga_strike_through_her_presidency_attested_on_2023_08_10(
    gql: GraphQLClient,
) -> None:
    path = (await gql.data(AS_OF, {"d": "2023-08-10"}))["path"]
    # The talks she asked for (2023-08-11) had not happened yet: her presidency, attested that day, is the way.
    assert route(path) == PRESIDENCY
    assert path["hops"][0]["attestedOn"] == "2023-08-10"


async def test_on_2023_08_11_the_talks_she_asked_for_are_the_way(gql: GraphQLClient) -> None:
    assert route((await gql.data(AS_OF, {"d": "2023-08-11"}))["path"]) == TALKS  # her presidency: attested 08-10


async def test_a_month_counts_as_its_whole_span(gql: GraphQLClient) -> None:
    path = (await gql.data(AS_OF, {"d": "2023-08"}))["path"]
    assert route(path) in (PRESIDENCY, TALKS)  # both held in August: either is a shortest path


async def test_no_path_in_2024_or_1990_though_one_without_a_date(gql: GraphQLClient) -> None:
    assert (await gql.data(AS_OF, {"d": None}))["path"]["length"] == 2  # every unretracted fact
    assert (await gql.data(AS_OF, {"d": "2024"}))["path"] is None  # her presidency is attested in 2023 only
    assert (await gql.data(AS_OF, {"d": "1990"}))["path"] is None


async def test_each_hop_is_a_fact_relationships_as_of_lists_on_that_date(gql: GraphQLClient) -> None:
    """The same rule: every hop's fact is among its start's `relationships(asOf:)` on the same date."""
    for day in ("2023-08-10", "2023-08"):
        for hop in (await gql.data(AS_OF, {"d": day}))["path"]["hops"]:
            data = await gql.data(
                "query($id: ID!, $d: Date) { node(id: $id) { relationships(asOf: $d) { factId } } }",
                {"id": hop["from"]["id"], "d": day},
            )
            assert hop["factId"] in [fact["factId"] for fact in data["node"]["relationships"]], (day, hop)


async def test_a_bad_date_is_bad_user_input_where_it_is_written(gql: GraphQLClient) -> None:
    """The `Date` scalar refuses it before planning, as for every date argument: at its place in the document
    (or naming the variable), with no data and no Cypher sent."""
    literal = 'query { path(from: "carol-lombardini", to: "wga", asOf: "2023-13-45") { length } }'
    body = await gql(literal)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "no month 13" in error["message"]
    assert error["locations"] == [{"line": 1, "column": literal.index('"2023-13-45"') + 1}]
    assert body["data"] is None and body["extensions"]["cypherStatements"] == 0
    body = await gql(AS_OF, {"d": "2023-13-45"})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"].startswith("Variable '$d'")


async def test_another_date_reuses_the_plan(client: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await gql.data(AS_OF, {"d": "2023-08-10"})  # planned (or already known)

    async def another() -> None:
        assert (await gql.data(AS_OF, {"d": "1991-02"}))["path"] is None

    assert await plan_lookups(client, another()) == (1, 0)
