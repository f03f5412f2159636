"""The today rule (README, "Time"; schema/time_rule.py): without `asOf`, what holds today or else the latest
known, marked `current: false`; a fact that belongs to an event holds within the event's life."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from api.auth import Role
from seed.validate import read_seed
from tests.conftest import GraphQLClient, bearer, reset_graph

pytestmark = pytest.mark.usefixtures("seeded")


async def test_with_nothing_known_today_a_field_answers_its_latest_known_facts_marked(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{
          amptp: organization(name: "AMPTP") {
            leaders { title attestedOn current person { slug } }
            later: leaders(asOf: "2024") { person { slug } }
            then: leaders(asOf: "2023-08-10") { current person { slug } }
          }
          sag: organization(id: "sag") { leaders { attestedOn current person { slug } } }
        }"""
    )
    amptp = data["amptp"]
    assert amptp["leaders"] == [
        {"title": "President", "attestedOn": "2023-08-10", "current": False, "person": {"slug": "carol-lombardini"}}
    ]
    assert amptp["later"] == []  # `asOf` keeps its meaning: nothing is known to hold in 2024
    assert amptp["then"] == [{"current": False, "person": {"slug": "carol-lombardini"}}]
    assert data["sag"]["leaders"] == [{"attestedOn": "1960", "current": False, "person": {"slug": "ronald-reagan"}}]


async def test_past_events_are_the_latest_known_never_todays_positions(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{ organization(name: "AMPTP") {
             stances { current on issue { slug } }
             history: stances(history: true) { on }
             relationships(types: [PROPOSES, WILLING_TO_DISCUSS, REFUSES, SILENT_ON]) { type current on }
        } }"""
    )
    organization = data["organization"]
    stances = organization["stances"]
    assert stances and all(stance["current"] is False for stance in stances)
    latest = max(stance["on"] for stance in organization["history"] if stance["on"])
    assert {stance["on"] for stance in stances} == {latest}
    for relationship in organization["relationships"]:  # per type: each type's latest day
        assert relationship["current"] is False and relationship["on"] is not None


async def test_an_undated_fact_of_a_strike_holds_only_while_the_strike_is_on(gql: GraphQLClient) -> None:
    """The issue's case: a strike begun in 2026, `AGAINST` the AMPTP with no dates of its own, is not drawn
    against the AMPTP on 2023-08-10."""
    await _written(
        gql,
        """mutation {
          source: createNode(kind: SOURCE, input: {id: "walkout-report-2026", name: "Walkout report",
                                                   sourceKind: REPORT, url: "https://example.org/walkout"}) { slug }
          strike: createNode(kind: STRIKE, input: {id: "fictional-strike-2026", name: "Fictional strike of 2026",
                 startDate: "2026-11-02", note: "Began 2026-11-02, as the report says.",
                 cites: [{source: "walkout-report-2026"}]}) { slug }
          against: assertFact(input: {type: AGAINST, from: "fictional-strike-2026", to: "amptp",
                                      cites: [{source: "walkout-report-2026"}]}) { factId }
        }""",
    )
    data = await gql.data(
        """{ organization(id: "amptp") {
             then: relationships(asOf: "2023-08-10", types: [AGAINST]) { other { slug } }
             struckThen: struckBy(asOf: "2023-08-10") { strike { slug } }
             struckLater: struckBy(asOf: "2026-11-20") { strike { slug } }
        } }"""
    )
    organization = data["organization"]
    assert "fictional-strike-2026" not in {row["other"]["slug"] for row in organization["then"]}
    assert {row["strike"]["slug"] for row in organization["struckThen"]} == {"wga-strike-2023", "sag-aftra-strike-2023"}
    assert {row["strike"]["slug"] for row in organization["struckLater"]} == {"fictional-strike-2026"}


async def test_talks_scheduled_for_a_day_now_past_do_not_read_scheduled_today(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{ negotiation(id: "wga-amptp-talks-2023-08-11") {
             then: status(asOf: "2023-08-10") today: status }
           scheduled: negotiations(status: SCHEDULED) { slug }
           unconfirmed: negotiations(status: PAST_UNCONFIRMED) { slug } }"""
    )
    assert data["negotiation"] == {"then": "SCHEDULED", "today": "PAST_UNCONFIRMED"}
    assert data["scheduled"] == []  # as of today, no talks are scheduled
    assert {"slug": "wga-amptp-talks-2023-08-11"} in data["unconfirmed"]


async def test_an_organizations_facts_hold_within_the_life_of_its_stage(gql: GraphQLClient) -> None:
    """The AMPTP's present stage began in 1982: its undated facts (representing the studios) hold from then."""
    data = await gql.data(
        """{ organization(id: "amptp") {
             founded
             in1960: relationships(asOf: "1960") { type other { slug } }
             in2023: relationships(asOf: "2023-08-10", types: [REPRESENTS]) { other { slug } }
        } }"""
    )
    organization = data["organization"]
    assert organization["founded"] == "1982"
    assert organization["in1960"] == []
    assert {"other": {"slug": "amptp-member-studios"}} in organization["in2023"]


async def test_a_fact_between_two_organizations_holds_within_both_lives(gql: GraphQLClient) -> None:
    """A guild, dissolved in 2012, affiliated with a federation that lives on, the affiliation itself undated:
    affiliated in 2010, no longer in 2020, seen from either end (each end alone bounded it by one life, the
    federation's, and so drew it in 2020); today it is the guild's latest known affiliation."""
    await _written(
        gql,
        """mutation {
          source: createNode(kind: SOURCE, input: {id: "federation-history", name: "A federation's history",
                                                   sourceKind: REPORT, url: "https://example.org/federation"}) { slug }
          federation: createNode(kind: ORGANIZATION, input: {id: "fictional-federation", name: "Fictional Federation",
                 organizationKind: FEDERATION, founded: "1990", note: "Founded in 1990, as the history says.",
                 cites: [{source: "federation-history"}]}) { slug }
          guild: createNode(kind: ORGANIZATION, input: {id: "fictional-guild", name: "Fictional Guild",
                 organizationKind: UNION, founded: "2000", dissolved: "2012-06-30",
                 note: "Founded in 2000 and dissolved on 2012-06-30.", cites: [{source: "federation-history"}]}) { slug }
          affiliation: assertFact(input: {type: AFFILIATED_WITH, from: "fictional-guild", to: "fictional-federation",
                                          cites: [{source: "federation-history"}]}) { factId }
        }""",
    )
    data = await gql.data(
        """{ guild: organization(id: "fictional-guild") {
               in2010: affiliations(asOf: "2010") { slug }
               in2020: affiliations(asOf: "2020") { slug }
               today: relationships(types: [AFFILIATED_WITH]) { current other { slug } }
             }
             federation: organization(id: "fictional-federation") {
               in2010: relationships(asOf: "2010", types: [AFFILIATED_WITH]) { other { slug } }
               in2020: relationships(asOf: "2020", types: [AFFILIATED_WITH]) { other { slug } }
             } }"""
    )
    guild, federation = data["guild"], data["federation"]
    assert guild["in2010"] == [{"slug": "fictional-federation"}] and guild["in2020"] == []
    assert guild["today"] == [{"current": False, "other": {"slug": "fictional-federation"}}]
    assert federation["in2010"] == [{"other": {"slug": "fictional-guild"}}] and federation["in2020"] == []


async def test_the_latest_known_is_found_among_more_facts_than_a_list_shows(
    gql: GraphQLClient, driver: AsyncDriver, tmp_path: Path
) -> None:
    """A fictional union with 600 chairs in turn and 600 dated proposals on one issue, more than a list's 500:
    today's answer is still the latest of each (the rule once weighed only the first 500 rows a field read)."""
    days = [date(2020, 1, 1) + timedelta(days=n) for n in range(600)]
    people = "\n".join(
        f"  - {{id: chair-{n:03}, name: Chair {n:03}, cites: [{{source: minutes}}]}}" for n in range(600)
    )
    chairs = "\n".join(
        f"  - {{type: PRESIDES, from: chair-{n:03}, to: fictional-union, title: Chair, attested_on: {day}, "
        f"note: Chair on {day}, cites: [{{source: minutes}}]}}"
        for n, day in enumerate(days)
    )
    proposals = "\n".join(
        f"  - {{id: proposal-{day}, type: PROPOSES, from: fictional-union, to: fictional-raise, on: {day}, note: Proposed on {day}, "
        "cites: [{source: minutes}]}"
        for day in days
    )
    (tmp_path / "union.yaml").write_text(
        "sources:\n  - {id: minutes, name: A union's minutes, kind: DOCUMENT, url: https://example.org/minutes}\n"
        "organizations:\n  - {id: fictional-union, name: Fictional Union, kind: UNION, cites: [{source: minutes}]}\n"
        "issues:\n  - {id: fictional-raise, name: A raise, cites: [{source: minutes}]}\n"
        f"people:\n{people}\nfacts:\n{chairs}\n{proposals}\n"
    )
    await reset_graph(driver, read_seed([tmp_path]))
    data = await gql.data(
        """{ organization(id: "fictional-union") {
             leaders { attestedOn current person { slug } }
             stances { on current issue { slug } }
             relationships(types: [PROPOSES]) { on }
        } }"""
    )
    organization = data["organization"]
    last = str(days[-1])
    assert organization["leaders"] == [{"attestedOn": last, "current": False, "person": {"slug": "chair-599"}}]
    assert organization["stances"] == [{"on": last, "current": False, "issue": {"slug": "fictional-raise"}}]
    assert organization["relationships"] == [{"on": last}]


async def _written(gql: GraphQLClient, mutation: str) -> None:
    """A curator's write, which must succeed."""
    created = await gql(mutation, headers=bearer(Role.EDITOR))
    assert "errors" not in created, created
