"""The model tried on another real dispute, as a new curator would (issue 18): the NYSNA nurses' strike of
January 2023 (tests/fixtures/disputes/nysna-2023.yaml, every entry from a cited public report), loaded beside
the curated seed. Each claim of its reporting is asked back through the API, with its sources: places and
sites, a stoppage's life as dated events, averted strikes, competing figures with ranks and claimants, a
governor's call and the answers to it, tentative deals and what they settled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncDriver

from api.auth import Role
from schema.global_ids import to_global_id
from seed.validate import SeedSet, read_seed
from tests.conftest import SEED_DIR, GraphQLClient, bearer, reset_graph

TRIALS = Path(__file__).resolve().parent / "fixtures" / "disputes"
FIXTURE = TRIALS / "nysna-2023.yaml"
STRIKE = "nysna-strike-2023"


@pytest.fixture(scope="module")
def trial_seed() -> SeedSet:
    return read_seed([SEED_DIR, TRIALS])


@pytest.fixture(scope="module")  # loaded once: the tests read it (the one write adds a node of its own)
async def trial(driver: AsyncDriver, trial_seed: SeedSet) -> AsyncDriver:
    await reset_graph(driver, trial_seed)
    return driver


pytestmark = pytest.mark.usefixtures("trial")


async def test_every_fact_of_the_reporting_is_answered_with_its_sources(
    gql: GraphQLClient, trial_seed: SeedSet, curated_seed: SeedSet
) -> None:
    """Each fact of the trial files (both disputes), read back from its start node with the sources it cites."""
    expected: dict[str, dict[str, set[str]]] = {}
    for fact_id, fact in trial_seed.facts.items():
        if fact_id not in curated_seed.facts:
            expected.setdefault(fact.from_, {})[fact_id] = {cite.source for cite in fact.cites}
    assert len(expected) > 60
    kinds = {slug: label.value for slug, label in trial_seed.labels.items()}
    ids = [to_global_id(kinds[slug], slug) for slug in expected]
    query = (
        "query($ids: [ID!]!) { nodes(ids: $ids) { slug relationships(history: true, direction: OUTGOING, "
        "first: 100) { factId sources { source { slug url } } } } }"
    )
    for start in range(0, len(ids), 20):  # within the cost limit
        data = await gql.data(query, {"ids": ids[start : start + 20]})
        for node in data["nodes"]:
            found = {r["factId"]: {c["source"]["slug"] for c in r["sources"]} for r in node["relationships"]}
            mine = {fact_id: found[fact_id] for fact_id in found if fact_id not in curated_seed.facts}
            assert mine == expected[node["slug"]], node["slug"]
            assert all(c["source"]["url"] for r in node["relationships"] for c in r["sources"])


async def test_a_stoppage_status_follows_its_dated_events(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{
          strike: strike(id: "nysna-strike-2023") {
            kind before: status(asOf: "2022-11-30") notice: status(asOf: "2023-01-05")
            on: status(asOf: "2023-01-10") ended: status(asOf: "2023-01-12") durationDays(asOf: "2023-02-01")
            events { event by detail party { ... on Organization { slug } } }
          }
          averted: strike(id: "nysna-mount-sinai-west-morningside-notice-2023") {
            before: status(asOf: "2023-01-07") after: status(asOf: "2023-01-08") today: status
          }
          wyckoff: strike(id: "nysna-wyckoff-notice-2023") {
            unknown: status(asOf: "2023-01-10") averted: status(asOf: "2023-01-11")
          }
          wga: strike(id: "wga-strike-2023") { kind status(asOf: "2023-08-10") }
        }"""
    )
    strike = data["strike"]
    assert (strike["kind"], strike["before"], strike["notice"], strike["on"], strike["ended"]) == (
        "STRIKE", None, "NOTICE_GIVEN", "ON", "ENDED"
    )  # fmt: skip
    assert strike["durationDays"] == 3  # Monday to Wednesday: "three days on strike"
    assert strike["events"] == [
        {"event": "GAVE_NOTICE", "by": "2022-12", "detail": "10-day strike notices", "party": {"slug": "nysna"}}
    ]
    assert data["averted"] == {"before": "NOTICE_GIVEN", "after": "AVERTED", "today": "AVERTED"}
    # A notice known only as given "by" the day it was withdrawn is known from that day, not before.
    assert data["wyckoff"] == {"unknown": None, "averted": "AVERTED"}
    assert data["wga"] == {"kind": "STRIKE", "status": "ON"}  # the existing seed reads as strikes


async def test_stoppages_are_found_by_place_however_deep_and_by_industry(gql: GraphQLClient) -> None:
    async def slugs(arguments: str) -> list[str]:
        data = await gql.data(f"{{ strikes({arguments}) {{ slug }} }}")
        return [strike["slug"] for strike in data["strikes"]]

    assert await slugs('in: "the-bronx"') == [STRIKE]
    assert await slugs('in: "united-states", activeOn: "2023-01-10"') == [STRIKE]  # site, borough, city, state
    assert await slugs('in: "united-states", activeOn: "2023-02"') == []
    assert await slugs('industry: "62"') == [STRIKE]  # 622 (hospitals) is in sector 62
    assert await slugs('industry: "31-33"') == ["uaw-stand-up-strike-2023"]  # 336: vehicle manufacturing
    assert await slugs('industry: "51"') == ["wga-strike-2023", "sag-aftra-strike-2023"]  # the story's, 512
    assert await slugs("kind: LOCKOUT") == []
    assert STRIKE in await slugs("kind: STRIKE")
    refused = await gql('{ strikes(industry: "6x") { slug } }')
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["errors"][0]["path"] == ["strikes"]


async def test_a_strike_spreads_site_by_site_and_in_a_place_means_there_then(gql: GraphQLClient) -> None:
    async def slugs(arguments: str) -> list[str]:
        data = await gql.data(f"{{ strikes({arguments}) {{ slug }} }}")
        return [strike["slug"] for strike in data["strikes"]]

    uaw = "uaw-stand-up-strike-2023"
    assert await slugs('in: "michigan", activeOn: "2023-09-16"') == [uaw]
    assert await slugs('in: "illinois", activeOn: "2023-09-16"') == []  # the parts centers joined on 09-22
    assert await slugs('in: "illinois", activeOn: "2023-09-25"') == [uaw]
    data = await gql.data(
        """{ strike(id: "uaw-stand-up-strike-2023") {
              against { slug }
              strikers(history: true) { slug kind }
              week1: locations(asOf: "2023-09-16") { scope location { slug } }
              week2: locations(asOf: "2023-09-25") { location { slug } }
              figures { slug value }
              all: figures(rank: ALL) { slug }
        } }"""
    )
    strike = data["strike"]
    assert [o["slug"] for o in strike["against"]] == ["ford-motor-company", "general-motors", "stellantis"]
    assert {(o["slug"], o["kind"]) for o in strike["strikers"]} == {
        ("uaw", "UNION"), ("uaw-local-12", "LOCAL"), ("uaw-local-2250", "LOCAL"), ("uaw-local-900", "LOCAL"),
    }  # fmt: skip
    week1 = {row["location"]["slug"]: row["scope"] for row in strike["week1"]}
    assert week1 == {
        "ford-michigan-assembly": "final assembly and paint workers only",  # a part of the unit
        "gm-wentzville-assembly": None, "stellantis-toledo-assembly": None,
    }  # fmt: skip
    assert len(strike["week2"]) == 5
    # The first week's count: 12,700 is preferred over AP's 13,000 and CollisionWeek's 13,300, kept under ALL.
    best = {figure["slug"] for figure in strike["figures"]}
    assert "uaw-strikers-12700-first-week" in best and "ap-strikers-13000-first-week" not in best
    assert {"ap-strikers-13000-first-week", "collisionweek-strikers-13300-first-week"} <= {
        figure["slug"] for figure in strike["all"]
    }
    votes = await gql.data(
        '{ agreement(id: "uaw-ford-2023-contract") { kind expires best: figures { slug } '
        "all: figures(rank: ALL) { slug rank rankReason } } "
        'issue(id: "uaw-wage-increase-2023") { figures { value claimedBy { ... on Organization { slug } } } } }'
    )
    deal = votes["agreement"]
    assert (deal["kind"], deal["expires"]) == ("FINAL", "2028-04-30")
    # The partial count is deprecated: never the answer by default, kept with its reason.
    assert {f["slug"] for f in deal["best"]} == {"ford-ratification-69-3", "uaw-contracts-raise-25-percent"}
    partial = next(f for f in deal["all"] if f["slug"] == "ford-ratification-67-1-partial")
    assert partial["rank"] == "DEPRECATED" and "partial count" in partial["rankReason"]
    # Three reports, three figures for the union's demand, none preferred: all of them, each the union's claim.
    demands = votes["issue"]["figures"]
    assert sorted(f["value"] for f in demands) == [36, 40, 46]
    assert all(f["claimedBy"] == [{"slug": "uaw"}] for f in demands)


async def test_sites_join_a_strike_and_lie_in_places(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{
          strike(id: "nysna-strike-2023") { locations(history: true) { since until scope location { slug } } }
          site(id: "the-mount-sinai-hospital") { kind operators { slug } places { slug }
                                                 strikes(asOf: "2023-01-10") { strike { slug } } }
          place(id: "the-bronx") { kind within { slug } }
          sites(in: "new-york-city", operator: "montefiore") { slug }
        }"""
    )
    locations = data["strike"]["locations"]
    assert {row["location"]["slug"] for row in locations} == {
        "montefiore-moses", "montefiore-weiler", "montefiore-hutch", "the-mount-sinai-hospital",
    }  # fmt: skip
    assert all((row["since"], row["until"]) == ("2023-01-09", "2023-01-12") for row in locations)
    assert data["site"] == {
        "kind": "HOSPITAL", "operators": [{"slug": "mount-sinai-health-system"}], "places": [{"slug": "manhattan"}],
        "strikes": [{"strike": {"slug": STRIKE}}],
    }  # fmt: skip
    assert data["place"] == {
        "kind": "COUNTY",
        "within": [{"slug": "new-york-state"}, {"slug": "new-york-city"}, {"slug": "united-states"}],
    }
    assert [site["slug"] for site in data["sites"]] == ["montefiore-hutch", "montefiore-moses", "montefiore-weiler"]


FIGURE = "slug measure value approximation scope rank claimedBy { ... on Organization { slug } }"


async def test_competing_figures_answer_best_ranked_and_all_with_who_claims_them(gql: GraphQLClient) -> None:
    data = await gql.data(
        f"""{{ strike(id: "nysna-strike-2023") {{
            best: figures {{ {FIGURE} sources {{ source {{ url }} }} }}
            all: figures(rank: ALL) {{ slug }}
        }} }}"""
    )
    best = {figure["slug"]: figure for figure in data["strike"]["best"]}
    # Per measure and scope: the preferred figure where one is preferred, else every normal one.
    assert set(best) == {
        "nysna-strikers-more-than-7000", "ap-nurses-prepared-nearly-9000", "nbc-montefiore-strikers-3500",
        "nbc-mount-sinai-strikers-3625",
    }  # fmt: skip
    assert {figure["slug"] for figure in data["strike"]["all"]} == set(best) | {
        "ians-strikers-around-7000", "nbc-mount-sinai-strikers-around-3600",
    }  # fmt: skip
    union_count = best["nysna-strikers-more-than-7000"]
    assert (union_count["value"], union_count["approximation"], union_count["rank"]) == (7000, "MORE_THAN", "PREFERRED")
    assert union_count["claimedBy"] == [{"slug": "nysna"}]
    assert best["nbc-montefiore-strikers-3500"]["claimedBy"] == []  # a reporter's figure, nobody's claim
    assert best["nbc-montefiore-strikers-3500"]["sources"] == [
        {
            "source": {
                "url": "https://www.nbcnewyork.com/news/local/nyc-nursing-strike-mount-sinai-and-montefiore-nurses-walk-off-job/4036280/"
            }
        }
    ]
    offers = await gql.data(
        f'{{ figures(of: "nurses-wages", claimedBy: "montefiore") {{ {FIGURE} }} '
        f'members: figures(of: "nysna", measure: MEMBERS) {{ value scope }} }}'
    )
    assert [(f["value"], f["scope"]) for f in offers["figures"]] == [
        (19.1, "Montefiore's offer before the strike, compounded")
    ]
    assert sorted((f["value"], f["scope"]) for f in offers["members"]) == [
        (17000, "in New York City"), (42000, "in New York State"),
    ]  # fmt: skip


async def test_a_governors_call_and_the_answers_to_it(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{
          person(id: "kathy-hochul") { roles(history: true) { title organization { slug kind } }
                                       calls { on detail callee { ... on Organization { slug } } } }
          issue(id: "binding-arbitration-nysna-2023") {
            topic stances { stance on party { ... on Organization { slug } ... on Person { slug } } }
          }
          organization(id: "nysna") { calls { detail callee { ... on Person { slug } } } }
        }"""
    )
    person = data["person"]
    assert person["roles"] == [{"title": "Governor", "organization": {"slug": "new-york-state-government",
                                                                        "kind": "GOVERNMENT"}}]  # fmt: skip
    assert sorted(call["callee"]["slug"] for call in person["calls"]) == [
        "montefiore", "mount-sinai-health-system", "nysna",
    ]  # fmt: skip
    assert {call["on"] for call in person["calls"]} == {"2023-01-08"}
    assert sorted((s["stance"], s["party"]["slug"]) for s in data["issue"]["stances"]) == [
        ("ACCEPTS", "montefiore"), ("PROPOSES", "kathy-hochul"), ("SILENT_ON", "nysna"),
    ]  # fmt: skip
    assert data["issue"]["topic"] == "PROCESS"
    assert data["organization"]["calls"] == [{"detail": "to enforce existing staffing laws",
                                              "callee": {"slug": "kathy-hochul"}}]  # fmt: skip


async def test_tentative_deals_what_they_settled_and_the_talks_span(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{
          agreement(id: "montefiore-nysna-tentative-2023") {
            kind settlements { outcome issue { slug topic } }
            figures { measure value unit approximation claimedBy { ... on Organization { slug } } }
          }
          strike(id: "nysna-strike-2023") { demands { slug } agreements { slug kind } }
          negotiation(id: "nysna-nyc-contract-talks-2022") { date endDate }
          organization(id: "nysna") { relationships(types: [SCHEDULED_VOTE]) { detail other { slug } } }
        }"""
    )
    deal = data["agreement"]
    assert deal["kind"] == "TENTATIVE"
    assert deal["settlements"] == [{"outcome": "WON", "issue": {"slug": "safe-staffing-ratios", "topic": "STAFFING"}}]
    assert sorted((f["measure"], f["value"], f["approximation"]) for f in deal["figures"]) == [
        ("POSITIONS", 170, "MORE_THAN"), ("WAGE_INCREASE", 19, "EXACT"),
    ]  # fmt: skip
    assert all(f["claimedBy"] == [{"slug": "montefiore"}] for f in deal["figures"])
    assert {issue["slug"] for issue in data["strike"]["demands"]} == {"safe-staffing-ratios", "nurses-wages"}
    assert {deal["kind"] for deal in data["strike"]["agreements"]} == {"TENTATIVE"}
    assert data["negotiation"] == {"date": "2022-09", "endDate": "2023-01-12"}
    assert data["organization"]["relationships"][0]["other"] == {"slug": "montefiore-nysna-tentative-2023"}


async def test_a_node_is_found_by_another_datasets_identifier(gql: GraphQLClient) -> None:
    """Fictional data (the Wikidata sandbox item, Q4115189); a second node may not claim the same id."""
    editor = bearer(Role.EDITOR)
    created = await gql(
        'mutation { source: createNode(kind: SOURCE, input: {id: "sandbox-note", name: "Sandbox note", '
        'sourceKind: DOCUMENT, url: "https://example.org/sandbox"}) { slug } '
        'org: createNode(kind: ORGANIZATION, input: {id: "sandbox-union", name: "Sandbox Union", '
        'organizationKind: UNION, wikidata: "Q4115189", cites: [{source: "sandbox-note"}]}) { slug } }',
        headers=editor,
    )
    assert "errors" not in created, created
    found = await gql.data(
        '{ byExternalId(scheme: WIKIDATA, id: "Q4115189") { slug ... on Organization { wikidata } } '
        'none: byExternalId(scheme: WIKIDATA, id: "Q1") { slug } }'
    )
    assert found == {"byExternalId": {"slug": "sandbox-union", "wikidata": "Q4115189"}, "none": None}
    bad = await gql('{ byExternalId(scheme: OLMS_FILE_NUMBER, id: "12345") { slug } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad["errors"][0]["path"] == ["byExternalId"]
    twice: dict[str, Any] = await gql(
        'mutation { createNode(kind: ORGANIZATION, input: {id: "sandbox-union-2", name: "Sandbox Union Two", '
        'organizationKind: UNION, wikidata: "Q4115189", cites: [{source: "sandbox-note"}]}) { slug } }',
        headers=editor,
    )
    assert twice["errors"][0]["extensions"]["code"] == "CONFLICT", twice
