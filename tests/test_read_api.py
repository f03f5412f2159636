"""The read API over HTTP on the curated seed: every root query, time, provenance, paths, search."""

from __future__ import annotations

import pytest
from neo4j import AsyncDriver

from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("seeded")


async def test_strikes_active_on_2023_08_10_are_wga_and_sag_aftra(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ strikes(activeOn: "2023-08-10") { name startDate strikers { name } against { name } } }'
    )
    # The exact query of the issue returns a connection; its nodes are under edges/nodes.
    print(data)


async def test_exact_query(gql: GraphQLClient) -> None:
    body = await gql('{ strikes(activeOn: "2023-08-10") { nodes { name startDate strikers { name } against { name } } } }')
    print(body)
    assert "errors" not in body
