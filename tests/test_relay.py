"""Documents as relay-compiler writes them: fragments spread through connections and edges, `__typename`
and `id` added everywhere, `__isNode` aliases, refetch by `node(id:)`, and variables for every argument."""

from __future__ import annotations

import pytest

from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("seeded")

STRIKES_PAGE = """
query StrikesPageQuery($count: Int!, $cursor: String, $order: StrikeOrder!) {
  ...StrikesPage_query @arguments(count: $count, cursor: $cursor)
}
fragment StrikesPage_query on Query {
  strikesConnection(first: $count, after: $cursor, orderBy: $order) {
    ...StrikesPage_connection
    edges {
      cursor
      node { __typename id ...StrikeRow_strike }
    }
    pageInfo { endCursor hasNextPage }
  }
}
fragment StrikesPage_connection on StrikeConnection { __typename totalCount }
fragment StrikeRow_strike on Strike {
  id name startDate
  strikers { id ...OrgChip_organization }
  parties { __typename ...FactSources_fact side }
}
fragment OrgChip_organization on Organization { name kind __isNode: __typename }
fragment FactSources_fact on Fact { factId sources { quote source { id title } } }
"""


async def test_a_relay_compiler_style_page_and_the_next_one(gql: GraphQLClient) -> None:
    # relay-compiler strips `@arguments` for a query-level fragment; we send what it sends.
    query = STRIKES_PAGE.replace(" @arguments(count: $count, cursor: $cursor)", "")
    first = await gql(query, {"count": 2, "cursor": None, "order": "START_DATE_ASC"})
    assert "errors" not in first, first
    page = first["data"]["strikesConnection"]
    assert page["__typename"] == "StrikeConnection" and page["totalCount"] == 4
    assert [edge["node"]["name"] for edge in page["edges"]] == ["1960 SAG strike", "1960 WGA strike"]
    node = page["edges"][0]["node"]
    assert list(node) == ["__typename", "id", "name", "startDate", "strikers", "parties"]  # selection order
    assert node["strikers"][0]["__isNode"] == "Organization"
    assert page["pageInfo"]["hasNextPage"] is True
    assert first["extensions"]["cypherStatements"] == 1 and first["extensions"]["execution"] == "compiled"

    second = await gql(query, {"count": 2, "cursor": page["pageInfo"]["endCursor"], "order": "START_DATE_ASC"})
    names = [edge["node"]["name"] for edge in second["data"]["strikesConnection"]["edges"]]
    assert names == ["2023 WGA strike", "2023 SAG-AFTRA strike"]
    assert second["data"]["strikesConnection"]["pageInfo"]["hasNextPage"] is False
    parties = second["data"]["strikesConnection"]["edges"][0]["node"]["parties"]
    assert {party["side"] for party in parties} == {"STRIKER", "TARGET"}
    assert all(party["sources"] and party["factId"] for party in parties)


async def test_refetch_by_node_id_and_nodes(gql: GraphQLClient) -> None:
    listed = await gql.data("{ strikes(first: 1) { id } organizations(first: 1) { id } }")
    strike_id, org_id = listed["strikes"][0]["id"], listed["organizations"][0]["id"]
    refetch = await gql.data(
        "query RefetchQuery($id: ID!) { node(id: $id) { __typename ...StrikeRow_strike id } } "
        "fragment StrikeRow_strike on Strike { name startDate }",
        {"id": strike_id},
    )
    assert refetch["node"] == {"__typename": "Strike", "name": "1960 SAG strike", "startDate": None, "id": strike_id}
    both = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Organization { kind } } }",
        {"ids": [org_id, strike_id]},
    )
    assert [node["__typename"] for node in both["nodes"]] == ["Organization", "Strike"]
    assert both["nodes"][0]["id"] == org_id and "kind" in both["nodes"][0]
