"""Curated writes: roles, validation by the seed's rules, retraction with history, the audit trail,
optimistic concurrency, all-or-nothing requests, and coexistence with the seeder."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver

from api.auth import Role
from api.settings import Settings
from api.web.app import create_app
from seed.loader import load_seed
from seed.validate import read_seed
from tests.conftest import GraphQLClient, bearer
from tests.test_seed import graph_fingerprint

pytestmark = pytest.mark.usefixtures("seeded")

EDITOR, ADMIN, READER = bearer(Role.EDITOR), bearer(Role.ADMIN), bearer(Role.READER)

NEW_STRIKE = """
mutation {
  source: createNode(kind: SOURCE, input: {id: "report-2026", name: "Picket report", sourceKind: REPORT,
                                           publisher: "Trade Weekly", date: "2026-11"}) { slug }
  union: createNode(kind: ORGANIZATION, input: {id: "animators", name: "Animation Guild", organizationKind: UNION,
                                                cites: [{source: "report-2026"}]}) { slug version managedBy }
  strike: createNode(kind: STRIKE, input: {id: "animation-strike-2026", name: "2026 animation strike",
                                           startDate: "2026-11", cites: [{source: "report-2026", quote: "walked out in November 2026"}]}) {
    ... on Strike { startDate }
  }
  wages: assertFact(input: {type: WAGES, from: "animators", to: "animation-strike-2026", since: "2026-11",
                            note: "Since 2026-11, as the report says", cites: [{source: "report-2026"}]}) { factId type direction other { slug } }
  against: assertFact(input: {type: AGAINST, from: "animation-strike-2026", to: "amptp",
                              cites: [{source: "report-2026"}]}) { factId sources { source { title } } }
}
"""


async def test_an_editor_adds_a_strike_that_strikes_active_on_then_shows(gql: GraphQLClient) -> None:
    body = await gql(NEW_STRIKE, headers=EDITOR)
    assert "errors" not in body, body
    assert body["data"]["union"] == {"slug": "animators", "version": 1, "managedBy": "api"}
    assert body["data"]["strike"] == {"startDate": "2026-11"}
    assert body["data"]["wages"] == {
        "factId": "animators--wages--animation-strike-2026", "type": "WAGES", "direction": "OUTGOING",
        "other": {"slug": "animation-strike-2026"},
    }  # fmt: skip
    assert body["data"]["against"]["sources"] == [{"source": {"title": "Picket report"}}]
    data = await gql.data('{ strikes(activeOn: "2026-11-25") { slug strikers { slug } against { slug } } }')
    assert data["strikes"] == [
        {"slug": "animation-strike-2026", "strikers": [{"slug": "animators"}], "against": [{"slug": "amptp"}]}
    ]


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "UNAUTHENTICATED"), ({"Authorization": "Bearer sg_wrong"}, "UNAUTHENTICATED"), (READER, "FORBIDDEN")],
    ids=["no-key", "wrong-key", "reader"],
)
async def test_without_an_editor_key_nothing_changes(
    gql: GraphQLClient, seeded: AsyncDriver, headers: dict[str, str], code: str
) -> None:
    before = await graph_fingerprint(seeded)
    body = await gql(NEW_STRIKE, headers=headers)
    assert body["data"] is None
    assert {error["extensions"]["code"] for error in body["errors"]} == {code}
    assert await graph_fingerprint(seeded) == before


async def test_deleting_needs_the_admin_role(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    mutation = 'mutation { deleteNode(id: "ronald-reagan", expectedVersion: 1) }'
    before = await graph_fingerprint(seeded)
    refused = await gql(mutation, headers=EDITOR)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await graph_fingerprint(seeded) == before
    assert (await gql(mutation, headers=ADMIN))["data"] == {"deleteNode": "ronald-reagan"}
    assert (await gql.data('{ person(id: "ronald-reagan") { slug } }'))["person"] is None


@pytest.mark.parametrize(
    ("mutation", "code", "needle"),
    [
        ('createNode(kind: PERSON, input: {id: "jane", name: "Jane"}) { slug }', "BAD_USER_INPUT", "input.cites"),
        (
            'createNode(kind: PERSON, input: {id: "Jane Doe", name: "Jane", cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }',
            "BAD_USER_INPUT",
            "not a valid id",
        ),
        (
            'createNode(kind: STRIKE, input: {id: "s", name: "S", startDate: "2023-02-30", cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }',
            "BAD_USER_INPUT",
            "2023-02-30",
        ),
        (
            'createNode(kind: PERSON, input: {id: "jane", name: "Jane", organizationKind: UNION, cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }',
            "BAD_USER_INPUT",
            "organizationKind",
        ),
        (
            'createNode(kind: PERSON, input: {id: "jane", name: "Jane", cites: [{source: "no-such-source"}]}) { slug }',
            "BAD_USER_INPUT",
            "unknown source 'no-such-source'",
        ),
        (
            'createNode(kind: PERSON, input: {id: "jane", name: "Jane", cites: [{source: "wga-email-2023-08-10", via: "nowhere", quote: "hi"}]}) { slug }',
            "BAD_USER_INPUT",
            "input.cites[0].via: unknown source 'nowhere'",
        ),
        (
            'createNode(kind: PERSON, input: {id: "carol-lombardini", name: "C", cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }',
            "CONFLICT",
            "already exists",
        ),
        (
            'createNode(kind: ORGANIZATION, input: {id: "wga-2", name: "WGA", organizationKind: UNION, cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }',
            "CONFLICT",
            "names the existing Organization 'wga'",
        ),
        (
            'assertFact(input: {type: WAGES, from: "wga", to: "nobody", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId }',
            "BAD_USER_INPUT",
            "unknown id 'nobody'",
        ),
        (
            'assertFact(input: {type: AGAINST, from: "wga", to: "amptp", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId }',
            "BAD_USER_INPUT",
            "AGAINST cannot from a Organization",
        ),
        (
            'assertFact(input: {type: SUPPORTS, from: "dga", to: "wga", cites: []}) { factId }',
            "BAD_USER_INPUT",
            "input.cites",
        ),
        (
            'assertFact(input: {type: PRESIDES, from: "carol-lombardini", to: "amptp", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId }',
            "CONFLICT",
            "already exists",
        ),
        (
            'assertFact(input: {type: SUPPORTS, from: "dga", to: "wga", since: "2023-13", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId }',
            "BAD_USER_INPUT",
            "2023-13",
        ),
    ],
)
async def test_invalid_writes_are_refused_with_a_code_and_change_nothing(
    gql: GraphQLClient, seeded: AsyncDriver, mutation: str, code: str, needle: str
) -> None:
    before = await graph_fingerprint(seeded)
    body = await gql(f"mutation {{ {mutation} }}", headers=EDITOR)
    error = body["errors"][0]
    assert error["extensions"]["code"] == code, error
    assert needle in error["message"], error
    assert await graph_fingerprint(seeded) == before


async def test_a_retracted_fact_leaves_current_answers_but_not_earlier_ones(gql: GraphQLClient) -> None:
    fact = "carol-lombardini--presides--amptp"
    body = await gql(
        f'mutation {{ retractFact(id: "{fact}", expectedVersion: 1, reason: "test") {{ retractedAt retractedBy version }} }}',
        headers=EDITOR,
    )
    retracted = body["data"]["retractFact"]
    assert retracted["retractedBy"] == "test-editor" and retracted["retractedAt"] and retracted["version"] == 2
    query = 'query($d: Date) { organization(id: "amptp") { leaders(asOf: $d) { person { slug } } } }'
    assert (await gql.data(query))["organization"]["leaders"] == []
    assert (await gql.data(query, {"d": "2023-08-10"}))["organization"]["leaders"] == [
        {"person": {"slug": "carol-lombardini"}}
    ]
    again = await gql(f'mutation {{ retractFact(id: "{fact}", expectedVersion: 2) {{ version }} }}', headers=EDITOR)
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_every_change_is_in_the_audit_trail(gql: GraphQLClient) -> None:
    body = await gql(
        'mutation { updateNode(id: "dga", expectedVersion: 1, input: {description: "The directors\' union"}) { version managedBy } }',
        headers=EDITOR,
    )
    assert body["data"]["updateNode"] == {"version": 2, "managedBy": "api"}
    data = await gql.data('{ changes(entity: "dga") { actor action entityType entity before after at } }')
    [change] = data["changes"]
    assert (change["actor"], change["action"], change["entityType"]) == ("test-editor", "UPDATE_NODE", "Organization")
    assert "description" not in change["before"]
    assert change["after"]["description"] == "The directors' union"
    assert change["before"]["version"] == 1 and change["after"]["version"] == 2
    assert (await gql.data('{ changes(since: "2000-01-01") { entity } }'))["changes"] == [{"entity": "dga"}]


async def test_a_stale_version_is_a_conflict_and_concurrent_updates_do_not_lose_one(gql: GraphQLClient) -> None:
    mutation = (
        'mutation($d: String) { updateNode(id: "wga", expectedVersion: 1, input: {description: $d}) { version } }'
    )
    first, second = await asyncio.gather(
        gql.http.post("/graphql", json={"query": mutation, "variables": {"d": "first"}}, headers=EDITOR),
        gql.http.post("/graphql", json={"query": mutation, "variables": {"d": "second"}}, headers=EDITOR),
    )
    bodies = [first.json(), second.json()]
    winners = [b for b in bodies if "errors" not in b]
    losers = [b for b in bodies if "errors" in b]
    assert len(winners) == 1 and len(losers) == 1, bodies
    assert losers[0]["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert losers[0]["errors"][0]["extensions"]["currentVersion"] == 2
    data = await gql.data('{ organization(id: "wga") { description version } changes(entity: "wga") { after } }')
    assert data["organization"]["version"] == 2
    assert [c["after"]["description"] for c in data["changes"]] == [data["organization"]["description"]]


async def test_a_request_that_fails_half_way_leaves_nothing(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    before = await graph_fingerprint(seeded)
    body = await gql(
        """mutation {
          a: createNode(kind: PERSON, input: {id: "jane-doe", name: "Jane Doe", cites: [{source: "story-2023-08-10-wga-returns"}]}) { slug }
          b: assertFact(input: {type: MEMBER_OF, from: "jane-doe", to: "wga", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId }
          c: assertFact(input: {type: MEMBER_OF, from: "jane-doe", to: "nowhere", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId }
        }""",
        headers=EDITOR,
    )
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["c"]
    assert await graph_fingerprint(seeded) == before
    assert (await gql.data("{ changes { id } }"))["changes"] == []


async def test_seed_managed_provenance_cannot_be_overwritten(gql: GraphQLClient) -> None:
    fact = await gql(
        'mutation { updateFact(id: "carol-lombardini--presides--amptp", expectedVersion: 1, input: {cites: [{source: "sag-aftra-2023-ratification"}]}) { factId } }',
        headers=EDITOR,
    )
    assert fact["errors"][0]["extensions"]["code"] == "CONFLICT"
    node = await gql(
        'mutation { updateNode(id: "wga", expectedVersion: 1, input: {cites: [{source: "sag-aftra-2023-ratification"}]}) { slug } }',
        headers=EDITOR,
    )
    assert node["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_reseeding_keeps_what_the_api_wrote(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    assert "errors" not in await gql(NEW_STRIKE, headers=EDITOR)
    edited = await gql(
        'mutation { updateNode(id: "dga", expectedVersion: 1, input: {note: "curated"}) { version } }', headers=EDITOR
    )
    assert "errors" not in edited
    summary = await load_seed(seeded, "neo4j", read_seed(), prune=True)
    assert summary.nodes["skipped"] == 1  # dga, now the API's
    assert summary.nodes["removed"] == 0 and summary.facts["removed"] == 0
    data = await gql.data(
        '{ organization(id: "dga") { note } strike(id: "animation-strike-2026") { strikers { slug } } }'
    )
    assert data == {"organization": {"note": "curated"}, "strike": {"strikers": [{"slug": "animators"}]}}


async def test_api_facts_can_be_corrected_with_their_version(gql: GraphQLClient) -> None:
    assert "errors" not in await gql(NEW_STRIKE, headers=EDITOR)
    body = await gql(
        'mutation { updateFact(id: "animators--wages--animation-strike-2026", expectedVersion: 1, input: {since: "2026-11-20", note: "day known: 2026-11-20"}) { since note version } }',
        headers=EDITOR,
    )
    assert body["data"]["updateFact"] == {"since": "2026-11-20", "note": "day known: 2026-11-20", "version": 2}


async def test_new_sources_can_come_with_the_fact(gql: GraphQLClient) -> None:
    body = await gql(
        'mutation { assertFact(input: {type: SUPPORTS, from: "dga", to: "wga", cites: [{source: "dga-letter"}]}, '
        'newSources: [{id: "dga-letter", name: "DGA letter of support", sourceKind: STATEMENT, date: "2023-07"}]) '
        "{ type other { slug } sources { source { slug title date } } } }",
        headers=EDITOR,
    )
    assert body["data"]["assertFact"] == {
        "type": "SUPPORTS", "other": {"slug": "wga"},
        "sources": [{"source": {"slug": "dga-letter", "title": "DGA letter of support", "date": "2023-07"}}],
    }  # fmt: skip


async def test_reads_can_require_a_key(settings: Settings) -> None:
    private = create_app(settings.model_copy(update={"require_key_for_reads": True}))
    async with LifespanManager(private):
        transport = httpx.ASGITransport(app=private)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            anonymous = (await http.post("/graphql", json={"query": "{ people { slug } }"})).json()
            reader = (await http.post("/graphql", json={"query": "{ people { slug } }"}, headers=READER)).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert reader["data"]["people"] == [{"slug": "carol-lombardini"}, {"slug": "ronald-reagan"}]


async def test_a_fact_type_added_to_the_model_is_writable_correctable_and_readable(gql: GraphQLClient) -> None:
    """AUTHORIZED and its `vote` were added by one edit to schema/model.py (the README's recipe)."""
    body = await gql(
        'mutation { assertFact(input: {type: AUTHORIZED, from: "wga", to: "wga-strike-2023", on: "2023-04-17", '
        'note: "Vote announced on 2023-04-17", vote: "97.85% in favour", cites: [{source: "story-2023-08-10-wga-returns"}]}) { factId type vote on } }',
        headers=EDITOR,
    )
    assert body["data"]["assertFact"] == {
        "factId": "wga--authorized--wga-strike-2023", "type": "AUTHORIZED", "vote": "97.85% in favour", "on": "2023-04-17",
    }  # fmt: skip
    body = await gql(
        'mutation { updateFact(id: "wga--authorized--wga-strike-2023", expectedVersion: 1, input: {note: "vote of 2023-04-17"}) { vote note } }',
        headers=EDITOR,
    )
    assert body["data"]["updateFact"] == {"vote": "97.85% in favour", "note": "vote of 2023-04-17"}
    data = await gql.data(
        '{ organization(id: "wga") { relationships(types: [AUTHORIZED]) { type vote other { slug } } } }'
    )
    assert data["organization"]["relationships"] == [
        {"type": "AUTHORIZED", "vote": "97.85% in favour", "other": {"slug": "wga-strike-2023"}}
    ]
