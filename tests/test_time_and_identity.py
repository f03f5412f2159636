"""Time and identity: lineage stages (SAG, AFTRA, SAG-AFTRA), the one time rule (today without `asOf`, then
with it, every fact with `history`), facts attested at a point in time, durations and counts, and citations
that say whose words they are."""

from __future__ import annotations

import pytest

from api.auth import Role
from seed.validate import read_seed
from tests.conftest import GraphQLClient, bearer

pytestmark = pytest.mark.usefixtures("seeded")

EDITOR = bearer(Role.EDITOR)


async def test_reagan_presides_over_sag_in_1960_and_today_only_as_the_latest_known(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ person(id: "ronald-reagan") { then: roles(asOf: "1960-03") { title attestedOn organization { slug } }'
        " now: roles { current organization { slug } } all: roles(history: true) { organization { slug } } } }"
    )
    person = data["person"]
    assert person["then"] == [{"title": "President", "attestedOn": "1960", "organization": {"slug": "sag"}}]
    assert person["now"] == [{"current": False, "organization": {"slug": "sag"}}]  # as of 1960, marked
    assert person["all"] == [{"organization": {"slug": "sag"}}]


async def test_sag_aftra_has_no_leader_or_strike_before_2012_unless_predecessors_are_asked_for(
    gql: GraphQLClient,
) -> None:
    data = await gql.data(
        '{ organization(id: "sag-aftra") { founded'
        ' leaders(asOf: "1960") { person { name } }'
        ' strikes(asOf: "1960") { strike { slug } }'
        ' earlier: leaders(asOf: "1960", includePredecessors: true) { person { name } organization { slug } }'
        " allStrikes: strikes(history: true, includePredecessors: true) { strike { slug } organization { slug } }"
        " own: strikeCount lineageCount: strikeCount(includePredecessors: true) } }"
    )
    org = data["organization"]
    assert org["founded"] == "2012-03-30"
    assert org["leaders"] == [] and org["strikes"] == []
    assert org["earlier"] == [{"person": {"name": "Ronald Reagan"}, "organization": {"slug": "sag"}}]
    assert org["allStrikes"] == [
        {"strike": {"slug": "sag-strike-1960"}, "organization": {"slug": "sag"}},
        {"strike": {"slug": "sag-aftra-strike-2023"}, "organization": {"slug": "sag-aftra"}},
    ]
    assert (org["own"], org["lineageCount"]) == (1, 2)


async def test_lineage_links_the_stages_and_old_names_find_the_old_stage(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ sag: organization(name: "SAG") { slug dissolved successors { kind on successor { slug } sources { '
        "source { slug url unverified } } } lineage { slug } }"
        ' now: organization(name: "sag-aftra") { predecessors { kind on predecessor { slug } } lineage { slug } } }'
    )
    assert data["sag"]["slug"] == "sag" and data["sag"]["dissolved"] == "2012-03-30"
    assert data["sag"]["successors"] == [
        {
            "kind": "MERGED_INTO",
            "on": "2012-03-30",
            "successor": {"slug": "sag-aftra"},
            "sources": [
                {
                    "source": {
                        "slug": "wikipedia-sag-aftra",
                        "url": "https://en.wikipedia.org/wiki/SAG-AFTRA",
                        "unverified": False,
                    }
                }
            ],
        }
    ]
    assert data["sag"]["lineage"] == [{"slug": "sag-aftra"}, {"slug": "aftra"}]  # oldest first; unknown founding last
    assert [p["predecessor"]["slug"] for p in data["now"]["predecessors"]] == ["aftra", "sag"]
    assert {o["slug"] for o in data["now"]["lineage"]} == {"aftra", "sag"}


async def test_leaders_without_as_of_are_todays_and_attested_facts_hold_on_their_date(gql: GraphQLClient) -> None:
    query = 'query($d: Date) { organization(id: "amptp") { leaders(asOf: $d) { person { slug } } } }'

    async def leaders(day: str | None) -> list[str]:
        data = await gql.data(query, {"d": day})
        return [leader["person"]["slug"] for leader in data["organization"]["leaders"]]

    # Carol Lombardini is attested as president on 2023-08-10 only: then, but not today, and not a year on.
    assert await leaders("2023-08-10") == ["carol-lombardini"]
    assert await leaders("2023-08") == ["carol-lombardini"]  # a month holds its days
    assert await leaders("2024-08-10") == []
    assert await leaders(None) == ["carol-lombardini"]  # nothing holds today: the latest known (`current: false`)
    # An open span holds from its start until today; a span with no start holds up to its end.
    body = await gql(
        'mutation { p: createNode(kind: PERSON, input: {id: "a-chair", name: "A Chair", cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }'
        ' now: assertFact(input: {type: LEADS, from: "a-chair", to: "amptp", title: "Chair", since: "2020",'
        ' note: "Chair since 2020", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId } }',
        headers=EDITOR,
    )
    assert "errors" not in body, body
    assert await leaders(None) == ["a-chair"]
    assert await leaders("2019") == []
    assert await leaders("2023-08-10") == ["a-chair", "carol-lombardini"]  # by tenure: since 2020, then attested
    body = await gql(
        'mutation { p: createNode(kind: PERSON, input: {id: "an-old-chair", name: "An Old Chair", cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }'
        ' then: assertFact(input: {type: LEADS, from: "an-old-chair", to: "amptp", title: "Chair", until: "2019",'
        ' note: "Chair until 2019", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId } }',
        headers=EDITOR,
    )
    assert "errors" not in body, body
    assert await leaders("1990") == ["an-old-chair"]
    assert await leaders("2019-12-31") == ["an-old-chair"]
    assert await leaders("2020") == ["a-chair"]
    assert await leaders(None) == ["a-chair"]


async def test_history_and_as_of_exclude_each_other(gql: GraphQLClient) -> None:
    body = await gql('{ organization(id: "amptp") { leaders(asOf: "2023", history: true) { title } } }')
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["organization", "leaders"]


async def test_the_1960_double_strike_is_on_in_1960_without_invented_days(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ strikes(activeOn: "1960-05") { slug strikers { slug } } now: strikes(activeOn: "2023-08-10") { slug } }'
    )
    assert data["strikes"] == [
        {"slug": "sag-strike-1960", "strikers": [{"slug": "sag"}]},
        {"slug": "wga-strike-1960", "strikers": [{"slug": "wga"}]},
    ]
    assert {s["slug"] for s in data["now"]} == {"wga-strike-2023", "sag-aftra-strike-2023"}


async def test_a_deal_has_no_parties_before_it_was_reached(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ agreement(id: "wga-amptp-agreement-2023") { then: parties(asOf: "2023-08-10") { slug } now: parties { slug } } }'
    )
    assert data["agreement"] == {"then": [], "now": [{"slug": "amptp"}, {"slug": "wga"}]}


async def test_strike_parties_answer_for_the_whole_strike_without_as_of(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ strike(id: "wga-strike-2023") { strikers { slug } then: strikers(asOf: "2023-10") { slug } } }'
    )
    assert data["strike"] == {"strikers": [{"slug": "wga"}], "then": []}


async def test_the_100_day_headline_is_answerable(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ strike(id: "wga-strike-2023") { day100: durationDays(asOf: "2023-08-09") first: durationDays(asOf: "2023-05-02")'
        ' before: durationDays(asOf: "2023-05-01") lastDay: durationDays(asOf: "2023-09-26") total: durationDays }'
        ' sag: strike(id: "sag-aftra-strike-2023") { durationDays }'
        ' old: strike(id: "wga-strike-1960") { durationDays } }'
    )
    assert data["strike"] == {"day100": 100, "first": 1, "before": None, "lastDay": 148, "total": 148}
    assert data["sag"] == {"durationDays": 118}
    assert data["old"] == {"durationDays": None}  # the story gives no days


async def test_aggregates_a_front_end_can_chart(gql: GraphQLClient) -> None:
    data = await gql.data(
        "{ strikesPerYear { year strikes } recent: strikesPerYear(from: 2000) { year strikes }"
        ' daysOnStrike(asOf: "2023-08-09") { organization { slug } strikes days }'
        " total: daysOnStrike { organization { slug } days } }"
    )
    assert data["strikesPerYear"] == [{"year": 1960, "strikes": 2}, {"year": 2023, "strikes": 2}]
    assert data["recent"] == [{"year": 2023, "strikes": 2}]
    assert data["daysOnStrike"] == [
        {"organization": {"slug": "wga"}, "strikes": 2, "days": 100},
        {"organization": {"slug": "sag-aftra"}, "strikes": 1, "days": 27},
        {"organization": {"slug": "sag"}, "strikes": 1, "days": 0},
    ]
    assert data["total"][:2] == [{"organization": {"slug": "wga"}, "days": 148},
                                 {"organization": {"slug": "sag-aftra"}, "days": 118}]  # fmt: skip


async def test_citations_say_whose_words_they_are(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ negotiation(id: "wga-amptp-talks-2023-08-11") { sources { quote paraphrase source { slug } via { slug } } }'
        ' source(id: "thr-report-wga-email-2023-08") { relationships(types: [CITES], direction: OUTGOING) { inferred note } } }'
    )
    thr = next(c for c in data["negotiation"]["sources"] if c["source"]["slug"] == "thr-report-wga-email-2023-08")
    assert thr["quote"] is None
    assert thr["paraphrase"].startswith("talks will resume Friday, Aug. 11")
    assert thr["via"] == {"slug": "story-2023-08-10-wga-returns"}
    [cites] = data["source"]["relationships"]
    assert cites["inferred"] is True and "inferred" in cites["note"]


async def test_a_source_without_a_locator_is_unverified(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ a: source(id: "wga-2023-strike-end") { unverified url file }'
        ' b: source(id: "story-2023-08-10-wga-returns") { unverified file } }'
    )
    assert data["a"] == {"unverified": True, "url": None, "file": None}
    assert data["b"] == {"unverified": False, "file": "2023-08-10-wga-returns-to-negotiating-table.txt"}
    warnings = [str(w) for w in read_seed().warnings]
    assert any("'wga-2023-strike-end' has neither a url nor a file" in w for w in warnings)
    assert not any("story-2023-08-10-wga-returns" in w for w in warnings)


async def test_the_api_refuses_a_bound_without_evidence(gql: GraphQLClient) -> None:
    body = await gql(
        'mutation { assertFact(input: {type: SUPPORTS, from: "dga", to: "wga", since: "2023-07-01",'
        ' cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId } }',
        headers=EDITOR,
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "since 2023-07-01 is in no quote, paraphrase or note" in error["message"]
