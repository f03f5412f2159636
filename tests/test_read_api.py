"""The read API over HTTP on the curated seed: every root query, time, provenance, paths, search,
pagination, errors and the one-statement-per-root-field budget."""

from __future__ import annotations

import base64

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver

from api.settings import Settings
from api.web.app import create_app
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("seeded")


def gid(type_name: str, slug: str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{slug}".encode()).decode()


async def test_strikes_active_on_2023_08_10_are_wga_and_sag_aftra(gql: GraphQLClient) -> None:
    data = await gql.data('{ strikes(activeOn: "2023-08-10") { name startDate strikers { name } against { name } } }')
    amptp = [{"name": "Alliance of Motion Picture and Television Producers"}]
    assert data["strikes"] == [
        {"name": "2023 WGA strike", "startDate": "2023-05-02",
         "strikers": [{"name": "Writers Guild of America"}], "against": amptp},
        {"name": "2023 SAG-AFTRA strike", "startDate": "2023-07-14",
         "strikers": [{"name": "SAG-AFTRA"}], "against": amptp},
    ]  # fmt: skip


async def test_strikes_active_on_other_dates(gql: GraphQLClient) -> None:
    query = "query($d: Date) { strikes(activeOn: $d) { slug } }"
    assert (await gql.data(query, {"d": "2023-06-01"}))["strikes"] == [{"slug": "wga-strike-2023"}]
    assert (await gql.data(query, {"d": "2023-10-01"}))["strikes"] == [{"slug": "sag-aftra-strike-2023"}]
    assert (await gql.data(query, {"d": "1960"}))["strikes"] == [
        {"slug": "sag-strike-1960"},
        {"slug": "wga-strike-1960"},
    ]
    assert (await gql.data(query, {"d": "2024-01-01"}))["strikes"] == []


async def test_active_strikes_defaults_to_today(gql: GraphQLClient) -> None:
    assert (await gql.data("{ activeStrikes { slug } }"))["activeStrikes"] == []
    data = await gql.data('{ activeStrikes(on: "2023-08") { slug } }')
    assert [s["slug"] for s in data["activeStrikes"]] == ["wga-strike-2023", "sag-aftra-strike-2023"]


async def test_strikes_by_striker_target_and_start_range(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ a: strikes(striker: "wga") { slug } b: strikes(against: "amptp", startedFrom: "2023-06") { slug }'
        ' c: strikes(startedTo: "1999", orderBy: NAME_ASC) { name } }'
    )
    assert data["a"] == [{"slug": "wga-strike-1960"}, {"slug": "wga-strike-2023"}]
    assert data["b"] == [{"slug": "sag-aftra-strike-2023"}]
    assert data["c"] == [{"name": "1960 SAG strike"}, {"name": "1960 WGA strike"}]


async def test_dates_keep_their_precision(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ agreement(id: "dga-amptp-agreement-2023") { actions { action on by organization { slug } } } '
        '  strike(id: "wga-strike-1960") { startDate endDate attestedOn } }'
    )
    actions = {(a["action"], a["organization"]["slug"]): (a["on"], a["by"]) for a in data["agreement"]["actions"]}
    assert actions[("REACHED", "dga")] == ("2023-06", None)
    assert actions[("RATIFIED", "dga")] == (None, "2023-08-10")
    # The story says only that the strike was on in 1960: no start or end is invented.
    assert data["strike"] == {"startDate": None, "endDate": None, "attestedOn": "1960"}


async def test_who_leads_each_side_with_sources(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ organization(name: "amptp") { name leaders(asOf: "2023-08-10") { title attestedOn person { name } '
        "sources { quote checked via { slug } source { title publisher date kind } } } } }"
    )
    leader = data["organization"]["leaders"][0]
    assert leader["person"] == {"name": "Carol Lombardini"}
    assert leader["title"] == "President"
    assert leader["attestedOn"] == "2023-08-10"
    # The bracketed title is the story's insertion into the WGA's email: cited as the story's words, not the email's.
    assert leader["sources"][0]["quote"] == "Carol Lombardini [AMPTP president]"
    assert leader["sources"][0]["via"] is None
    assert leader["sources"][0]["checked"] is True  # found word for word in the story's stored text
    assert leader["sources"][0]["source"]["kind"] == "ARTICLE"
    assert leader["sources"][0]["source"]["date"] == "2023-08-10"


async def test_leaders_as_of_a_date(gql: GraphQLClient) -> None:
    query = (
        'query($d: Date) { organization(id: "sag") { leaders(asOf: $d) { person { name } since until attestedOn } } }'
    )
    assert (await gql.data(query, {"d": "1960-05-01"}))["organization"]["leaders"] == [
        {"person": {"name": "Ronald Reagan"}, "since": None, "until": None, "attestedOn": "1960"}
    ]
    assert (await gql.data(query, {"d": "1961"}))["organization"]["leaders"] == []
    assert (await gql.data(query, {"d": "2023-08-10"}))["organization"]["leaders"] == []


async def test_agreements_ratified_as_of(gql: GraphQLClient) -> None:
    query = "query($d: Date) { agreements(ratifiedAsOf: $d) { slug } }"
    assert (await gql.data(query, {"d": "2023-08-10"}))["agreements"] == [{"slug": "dga-amptp-agreement-2023"}]
    assert (await gql.data(query, {"d": "2023-07-01"}))["agreements"] == []
    later = await gql.data(query, {"d": "2024-01-01"})
    assert {a["slug"] for a in later["agreements"]} == {
        "dga-amptp-agreement-2023",
        "wga-amptp-agreement-2023",
        "sag-aftra-amptp-agreement-2023",
    }


async def test_agreement_ratifications_as_of_on_the_node(gql: GraphQLClient) -> None:
    query = 'query($d: Date) { agreement(name: "2023 wga deal") { ratifiedBy(asOf: $d) { organization { slug } on } } }'
    assert (await gql.data(query, {"d": "2023-10-01"}))["agreement"]["ratifiedBy"] == []
    assert (await gql.data(query, {"d": "2023-10-09"}))["agreement"]["ratifiedBy"] == [
        {"organization": {"slug": "wga"}, "on": "2023-10-09"}
    ]


async def test_lookup_by_name_or_alias_any_case(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ a: organization(name: "writers guild of AMERICA") { slug } b: organization(name: "wga") { slug }'
        ' c: organization(name: "Screen Actors Guild") { slug } d: organization(name: "writers") { slug }'
        ' e: person(name: "CAROL LOMBARDINI") { slug } }'
    )
    assert data == {"a": {"slug": "wga"}, "b": {"slug": "wga"}, "c": {"slug": "sag"}, "d": None,
                    "e": {"slug": "carol-lombardini"}}  # fmt: skip


async def test_node_by_global_id(gql: GraphQLClient) -> None:
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { __typename id slug ... on Organization { kind } ... on Strike { startDate } } }",
        {"id": gid("Organization", "dga")},
    )
    assert data["node"] == {
        "__typename": "Organization",
        "id": gid("Organization", "dga"),
        "slug": "dga",
        "kind": "UNION",
    }
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Strike { startDate } } }",
        {"id": gid("Strike", "wga-strike-2023")},
    )
    assert data["node"] == {"startDate": "2023-05-02"}


async def test_every_root_list(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ organizations(kind: UNION) { slug } people { name } agreements(party: "dga") { slug }'
        ' negotiations(status: HELD) { slug date outcome } issues(proposedBy: "wga", first: 3) { name }'
        " sources(kind: EMAIL) { title publisher } }"
    )
    assert data["organizations"] == [{"slug": "aftra"}, {"slug": "dga"}, {"slug": "sag-aftra"}, {"slug": "sag"},
                                     {"slug": "wga"}]  # fmt: skip
    assert data["people"] == [{"name": "Carol Lombardini"}, {"name": "Ronald Reagan"}]
    assert data["agreements"] == [{"slug": "dga-amptp-agreement-2023"}]
    assert data["negotiations"][0]["slug"] == "wga-amptp-meeting-2023-08-04"
    assert data["negotiations"][0]["date"] == "2023-08-04"
    assert len(data["negotiations"]) == 1
    assert data["issues"] == [{"name": "AI"}, {"name": "Appendix A issues"}, {"name": "Other WGA proposals"}]
    assert data["sources"] == [{"title": "WGA email to members announcing that talks resume on 2023-08-11",
                                "publisher": "Writers Guild of America"}]  # fmt: skip


async def test_people_of_an_organization_and_name_fragments(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ people(organization: "amptp") { name } organizations(nameContains: "guild") { slug }'
        ' negotiations(party: "wga-negotiating-committee") { slug } }'
    )
    assert data["people"] == [{"name": "Carol Lombardini"}]
    assert {o["slug"] for o in data["organizations"]} == {"dga", "wga", "sag", "sag-aftra"}
    # The same negotiators at both meetings (the 2023-08-04 one inferred: the story says only "Negotiators").
    assert data["negotiations"] == [{"slug": "wga-amptp-meeting-2023-08-04"}, {"slug": "wga-amptp-talks-2023-08-11"}]


async def test_issue_stances_where_each_side_stands(gql: GraphQLClient) -> None:
    data = await gql.data('{ issue(id: "writers-room-preservation") { stances { stance detail on party { slug } } } }')
    stances = {(s["stance"], s["party"]["slug"]) for s in data["issue"]["stances"]}
    assert stances == {("PROPOSES", "wga"), ("REFUSES", "amptp")}


async def test_relationships_of_a_node_with_direction_and_sources(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ organization(id: "dga") { relationships(types: [RATIFIED, REACHED]) { type direction on by '
        "other { __typename slug } sources { source { slug } } } } }"
    )
    rels = data["organization"]["relationships"]
    assert [(r["type"], r["direction"], r["other"]["slug"]) for r in rels] == [
        ("RATIFIED", "OUTGOING", "dga-amptp-agreement-2023"),
        ("REACHED", "OUTGOING", "dga-amptp-agreement-2023"),
    ]
    assert all(r["sources"] == [{"source": {"slug": "story-2023-08-10-wga-returns"}}] for r in rels)
    incoming = await gql.data('{ person(id: "carol-lombardini") { relationships(direction: INCOMING) { type } } }')
    assert incoming["person"]["relationships"] == []


async def test_every_relationship_in_the_graph_names_a_source(seeded: AsyncDriver) -> None:
    records, _, _ = await seeded.execute_query(
        "MATCH ()-[r]->() RETURN count(r) AS total, "
        "count(CASE WHEN size(r.sources) > 0 AND all(s IN r.sources WHERE EXISTS { (:Source {id: s}) }) THEN 1 END) AS cited"
    )
    assert records[0]["total"] > 60
    assert records[0]["cited"] == records[0]["total"]


async def test_path_between_two_organizations_hop_by_hop(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ path(from: "carol-lombardini", to: "wga-strike-2023") { length hops { type forward'
        " from { slug } to { slug } sources { source { slug } } } } }"
    )
    path = data["path"]
    assert path["length"] == 2
    hops = path["hops"]
    assert hops[0]["from"] == {"slug": "carol-lombardini"}
    assert hops[0]["to"] == hops[1]["from"]
    assert hops[1]["to"] == {"slug": "wga-strike-2023"}
    assert hops[0]["forward"] is True  # Carol Lombardini -> (PRESIDES the AMPTP | REQUESTED the talks)
    assert all(hop["sources"] for hop in hops)


async def test_path_through_a_unique_route(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ path(from: "ronald-reagan", to: "sag-strike-1960") { length hops { type forward attestedOn '
        "from { slug } to { slug } sources { quote } } } }"
    )
    assert data["path"]["hops"] == [
        {"type": "PRESIDES", "forward": True, "attestedOn": "1960", "from": {"slug": "ronald-reagan"},
         "to": {"slug": "sag"}, "sources": [{"quote": "since 1960, when Ronald Reagan was SAG President"}]},
        {"type": "WAGES", "forward": True, "attestedOn": "1960", "from": {"slug": "sag"},
         "to": {"slug": "sag-strike-1960"},
         "sources": [{"quote": "the first double strike for both Hollywood unions since 1960, when Ronald Reagan was SAG President"}]},
    ]  # fmt: skip


async def test_path_is_null_when_too_far_and_errors_for_unknown_ends(gql: GraphQLClient) -> None:
    data = await gql.data('{ path(from: "ronald-reagan", to: "tv-minimums", maxLength: 2) { length } }')
    assert data["path"] is None
    body = await gql('{ path(from: "nobody", to: "wga") { length } }')
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["path"]


async def test_search_ranks_matches_with_a_score(gql: GraphQLClient) -> None:
    data = await gql.data('{ search(text: "Lombardini") { score node { __typename slug } } }')
    assert data["search"][0]["node"] == {"__typename": "Person", "slug": "carol-lombardini"}
    assert data["search"][0]["score"] > 0
    prefix = await gql.data('{ search(text: "resid", kinds: [ISSUE]) { node { slug ... on Issue { name } } } }')
    assert prefix["search"][0]["node"] == {
        "slug": "success-based-residuals",
        "name": "Success-based residuals",
    }
    exact = await gql.data('{ search(text: "AMPTP") { matched node { slug } } }')
    assert exact["search"][0] == {"node": {"slug": "amptp"}, "matched": "AMPTP"}  # its alias, before the studios
    words = await gql.data('{ search(text: "motion pict", kinds: [ORGANIZATION]) { matched node { slug } } }')
    assert words["search"][0] == {
        "node": {"slug": "amptp"}, "matched": "Alliance of Motion Picture and Television Producers",
    }  # fmt: skip
    unmatched = await gql.data('{ search(text: "streamers", kinds: [ORGANIZATION]) { matched node { slug } } }')
    assert {"node": {"slug": "amptp"}, "matched": None} in unmatched["search"]  # its description only
    odd = await gql.data('{ search(text: "AI (\\"weird\\" [query] AND OR NOT") { node { slug } } }')
    assert {"slug": "artificial-intelligence"} in [hit["node"] for hit in odd["search"]]


async def test_pagination_forwards_and_backwards(gql: GraphQLClient) -> None:
    page = (
        "query($f: Int, $a: String, $l: Int, $b: String) { organizationsConnection(first: $f, after: $a, last: $l, before: $b) "
        "{ totalCount nodes { slug } edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"
    )
    everything = (await gql.data("{ organizations(first: 100) { slug } }"))["organizations"]
    slugs = [o["slug"] for o in everything]
    assert len(slugs) == 10
    seen, after = [], None
    while True:
        conn = (await gql.data(page, {"f": 3, "a": after}))["organizationsConnection"]
        assert conn["totalCount"] == len(slugs)
        seen += [n["slug"] for n in conn["nodes"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == slugs
    back, before = [], None
    while True:
        conn = (await gql.data(page, {"l": 3, "b": before}))["organizationsConnection"]
        back = [n["slug"] for n in conn["nodes"]] + back
        if not conn["pageInfo"]["hasPreviousPage"]:
            break
        before = conn["pageInfo"]["startCursor"]
    assert back == slugs


async def test_strike_pagination_by_date_descending(gql: GraphQLClient) -> None:
    query = "query($a: String) { strikesConnection(orderBy: START_DATE_DESC, first: 2, after: $a) { nodes { slug } pageInfo { endCursor hasNextPage } } }"
    first = (await gql.data(query))["strikesConnection"]
    assert [n["slug"] for n in first["nodes"]] == ["sag-aftra-strike-2023", "wga-strike-2023"]
    second = (await gql.data(query, {"a": first["pageInfo"]["endCursor"]}))["strikesConnection"]
    assert [n["slug"] for n in second["nodes"]] == ["wga-strike-1960", "sag-strike-1960"]
    assert second["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("query", "code", "path"),
    [
        ('{ strikes(activeOn: "2023-02-30") { slug } }', "BAD_USER_INPUT", None),
        ('{ strikes(activeOn: "yesterday") { slug } }', "BAD_USER_INPUT", None),
        ("{ organizations(first: 101) { slug } }", "BAD_USER_INPUT", ["organizations"]),
        (
            "{ organizationsConnection(last: -1) { totalCount } }",
            "BAD_USER_INPUT",
            ["organizationsConnection"],
        ),
        (
            '{ organizationsConnection(after: "bm9wZQ==") { totalCount } }',
            "BAD_USER_INPUT",
            ["organizationsConnection"],
        ),
        ("{ organizations(orderBy: SIDEWAYS) { slug } }", "BAD_USER_INPUT", None),
        ('{ organization(id: "Not A Slug!") { slug } }', "BAD_USER_INPUT", ["organization"]),
        ("{ organization { slug } }", "BAD_USER_INPUT", ["organization"]),
        ('{ node(id: "xyz") { id } }', "BAD_USER_INPUT", ["node"]),
        ("{ organizations { nme } }", "GRAPHQL_VALIDATION_FAILED", None),
    ],
)
async def test_invalid_arguments_get_a_coded_error(
    gql: GraphQLClient, query: str, code: str, path: list[str] | None
) -> None:
    body = await gql(query)
    error = body["errors"][0]
    assert error["extensions"]["code"] == code, error
    if path is not None:
        assert error["path"] == path
    assert "Traceback" not in str(body) and "MATCH" not in str(body)


async def test_cursor_of_another_ordering_is_refused(gql: GraphQLClient) -> None:
    conn = (await gql.data("{ strikesConnection(first: 1) { pageInfo { endCursor } } }"))["strikesConnection"]
    body = await gql(
        "query($a: String) { strikesConnection(orderBy: NAME_ASC, after: $a) { totalCount } }",
        {"a": conn["pageInfo"]["endCursor"]},
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "another ordering" in body["errors"][0]["message"]


async def test_depth_and_alias_limits(gql: GraphQLClient) -> None:
    deep = "{ organizations { " + "leaders { person { roles { organization { " * 4 + "slug" + " } } } }" * 4 + " } }"
    body = await gql(deep)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    aliases = "{ " + " ".join(f"a{i}: organizations {{ slug }}" for i in range(40)) + " }"
    body = await gql(aliases)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "aliases" in body["errors"][0]["message"].lower()


async def test_one_cypher_statement_for_a_three_level_query_over_many_parents(
    gql: GraphQLClient, seeded: AsyncDriver
) -> None:
    await seeded.execute_query(
        "UNWIND range(1, 60) AS i "
        "CREATE (o:Entity:Organization {id: 'union-' + i, name: 'Union ' + i, nameKeys: ['union ' + i], kind: 'UNION'}) "
        "CREATE (s:Entity:Strike {id: 'strike-' + i, name: 'Strike ' + i, startDate: '2023-05-02', "
        "        startDateEarliest: date('2023-05-02'), startDateLatest: date('2023-05-02')}) "
        "CREATE (p:Entity:Person {id: 'leader-' + i, name: 'Leader ' + i}) "
        "CREATE (o)-[:WAGES {id: 'w' + i, sources: ['story-2023-08-10-wga-returns'], quotes: ['']}]->(s) "
        "CREATE (p)-[:PRESIDES {id: 'p' + i, sources: ['story-2023-08-10-wga-returns'], quotes: ['']}]->(o)"
    )
    body = await gql(
        '{ strikes(activeOn: "2023-08-10", first: 100) { name strikers { name leaders { title person { name } '
        "sources { source { title } } } } against { name } } }"
    )
    assert "errors" not in body
    assert len(body["data"]["strikes"]) == 62
    assert body["extensions"]["cypherStatements"] == 1


async def test_a_whole_operation_is_one_statement(gql: GraphQLClient) -> None:
    body = await gql(
        '{ organizations { slug leaders { person { slug } } } strikes { slug } search(text: "wga") { score } }'
    )
    assert "errors" not in body
    assert body["extensions"]["cypherStatements"] == 1
    assert body["extensions"]["execution"] == "compiled"


async def test_the_other_root_lookups_and_connections(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ negotiation(id: "wga-amptp-talks-2023-08-11") { slug status(asOf: "2023-08-10") participants { role party { slug } } }'
        '  source(id: "wga-email-2023-08-10") { title kind publisher date }'
        "  peopleConnection(first: 1) { totalCount nodes { slug } pageInfo { hasNextPage } }"
        '  agreementsConnection(party: "amptp") { totalCount }'
        "  negotiationsConnection(orderBy: DATE_DESC, first: 1) { nodes { slug } }"
        '  issuesConnection(nameContains: "issues") { nodes { name } }'
        '  sourcesConnection(publisherContains: "sag-aftra") { totalCount } }'
    )
    assert data["negotiation"]["status"] == "SCHEDULED"
    assert {p["party"]["slug"] for p in data["negotiation"]["participants"]} == {"amptp", "wga-negotiating-committee"}
    assert data["source"] == {"title": "WGA email to members announcing that talks resume on 2023-08-11",
                              "kind": "EMAIL", "publisher": "Writers Guild of America", "date": "2023-08-10"}  # fmt: skip
    assert data["peopleConnection"] == {
        "totalCount": 2,
        "nodes": [{"slug": "carol-lombardini"}],
        "pageInfo": {"hasNextPage": True},
    }
    assert data["agreementsConnection"] == {"totalCount": 3}
    assert data["negotiationsConnection"]["nodes"] == [{"slug": "wga-amptp-talks-2023-08-11"}]
    assert data["issuesConnection"]["nodes"] == [{"name": "Appendix A issues"}, {"name": "Screenwriter issues"}]
    assert data["sourcesConnection"] == {"totalCount": 3}


async def test_token_and_batch_limits(gql: GraphQLClient) -> None:
    huge = "{ " + " ".join(f"f{i}: __typename" for i in range(1100)) + " }"
    body = await gql(huge)
    assert "errors" in body and "token" in body["errors"][0]["message"].lower()
    batch = [{"query": "{ __typename }"}] * 11
    response = await gql.http.post("/graphql", json=batch)
    assert response.status_code == 400
    assert "too many operations" in response.text.lower()
    ok = await gql.http.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
    assert [item["data"] for item in ok.json()] == [{"__typename": "Query"}] * 2


async def test_production_hides_suggestions_and_introspection(settings: Settings, gql: GraphQLClient) -> None:
    misspelled_input = (
        'mutation { assertFact(input: {type: WAGES, from: "a", to: "b", cites: [], sinse: "2023"}) { factId } }'
    )
    assert "Did you mean" in (await gql(misspelled_input))["errors"][0]["message"]  # development
    production = create_app(settings.model_copy(update={"environment": "production"}))
    async with LifespanManager(production):
        transport = httpx.ASGITransport(app=production)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            body = (await http.post("/graphql", json={"query": "{ organizations { nme } }"})).json()
            assert body["errors"][0]["message"] == "Cannot query field 'nme' on type 'Organization'."
            body = (await http.post("/graphql", json={"query": misspelled_input})).json()
            assert body["errors"] and all("Did you mean" not in error["message"] for error in body["errors"])
            body = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
            assert "introspection" in body["errors"][0]["message"].lower()
            assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
