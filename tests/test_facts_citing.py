"""`factsCiting(source:)` over HTTP on the curated seed (issue 22, item 4): the facts that rest on a source, as
the source or as the one relaying it, compared with what the seed files say."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.auth import Role
from seed.validate import SeedSet
from tests.conftest import GraphQLClient, bearer
from tests.test_metrics import plan_lookups
from tests.test_read_api import gid

pytestmark = pytest.mark.usefixtures("seeded")

STORY = "story-2023-08-10-wga-returns"
EMAIL = "wga-email-2023-08-10"
CITING = (
    "query($s: String!, $n: Int! = 100) { factsCiting(source: $s, first: $n) "
    "{ factId type forward from { slug } to { slug } sources { source { slug } via { slug } } } }"
)


def citing_in_seed(seed: SeedSet, source: str) -> list[str]:
    """The seed's facts whose citations name `source` (as source or via), in the root's order: fact type, the
    name of the node it starts from, fact id."""
    facts = [
        fact
        for fact in seed.facts.values()
        if any(source in (cite.source, getattr(cite, "via", None)) for cite in fact.cites)
    ]
    facts.sort(key=lambda fact: (fact.type.value, seed.nodes[fact.from_].name, fact.fact_id))
    return [fact.fact_id for fact in facts]


async def citing(gql: GraphQLClient, source: str, first: int = 100) -> list[dict[str, Any]]:
    hops: list[dict[str, Any]] = (await gql.data(CITING, {"s": source, "n": first}))["factsCiting"]
    return hops


async def test_the_story_lists_every_fact_the_seed_files_cite_it_for_in_order(
    gql: GraphQLClient, curated_seed: SeedSet
) -> None:
    expected = citing_in_seed(curated_seed, STORY)
    assert len(expected) > 20  # most facts rest on the story, many through the documents it relays
    assert [hop["factId"] for hop in await citing(gql, STORY)] == expected


async def test_a_relayed_source_lists_its_facts_and_each_names_it(gql: GraphQLClient, curated_seed: SeedSet) -> None:
    hops = await citing(gql, EMAIL)
    assert [hop["factId"] for hop in hops] == citing_in_seed(curated_seed, EMAIL)
    for hop in hops:
        fact = curated_seed.facts[hop["factId"]]
        assert (hop["forward"], hop["from"]["slug"], hop["to"]["slug"]) == (True, fact.from_, fact.to)
        assert {"source": {"slug": EMAIL}, "via": {"slug": STORY}} in hop["sources"]


async def test_a_source_by_global_id_is_the_source_by_slug(gql: GraphQLClient) -> None:
    assert await citing(gql, gid("Source", EMAIL)) == await citing(gql, EMAIL)
    body = await gql(CITING, {"s": gid("Organization", "wga")})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "source"}


async def test_an_unknown_source_is_not_found(gql: GraphQLClient) -> None:
    body = await gql(CITING, {"s": "no-such-source"})
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND", "argument": "source"}
    assert error["path"] == ["factsCiting"] and body["data"] is None


async def test_first_cuts_the_list_and_is_bounded(gql: GraphQLClient, curated_seed: SeedSet) -> None:
    assert [hop["factId"] for hop in await citing(gql, STORY, 3)] == citing_in_seed(curated_seed, STORY)[:3]
    assert await citing(gql, STORY, 0) == []
    body = await gql(CITING, {"s": STORY, "n": 101})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}


async def test_a_retracted_fact_is_no_longer_listed(gql: GraphQLClient, curated_seed: SeedSet) -> None:
    fact = "carol-lombardini--presides--amptp"
    assert fact in [hop["factId"] for hop in await citing(gql, STORY)]  # and now in the response cache
    body = await gql(
        f'mutation {{ retractFact(id: "{fact}", expectedVersion: 1, reason: "test") {{ version }} }}',
        headers=bearer(Role.EDITOR),
    )
    assert body["data"]["retractFact"] == {"version": 2}
    listed = [hop["factId"] for hop in await citing(gql, STORY)]
    assert listed == [one for one in citing_in_seed(curated_seed, STORY) if one != fact]


async def test_the_same_answer_comes_from_the_response_cache(gql: GraphQLClient) -> None:
    first = await gql(CITING, {"s": EMAIL, "n": 7})
    again = await gql(CITING, {"s": EMAIL, "n": 7})
    assert again["data"] == first["data"] and again["extensions"]["cache"] == "hit"


async def test_another_source_reuses_the_plan(client: httpx.AsyncClient, gql: GraphQLClient) -> None:
    await citing(gql, STORY, 5)  # planned (or already known)

    async def another() -> None:
        assert await citing(gql, "thr-report-wga-email-2023-08", 5) != []

    assert await plan_lookups(client, another()) == (1, 0)
