"""The review queue through the HTTP app and a real Neo4j: an editor drafts a fictional article, accepts a
candidate (written as assertFact writes it, with its evidence, in the audit trail), rejects one with a reason,
merges a mention into an existing node; a candidate is reviewed once, even under a race; drafts never show in
graph queries; readers without a key are refused; inputs have limits."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncDriver

from api.auth import Role
from seed.drafting.sources import MAX_ARTICLE_CHARS
from tests.conftest import GraphQLClient, bearer

pytestmark = pytest.mark.usefixtures("seeded")

EDITOR, READER = bearer(Role.EDITOR), bearer(Role.READER)
ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "2024-03-14-bakers-strike.txt"  # fictional
UNION = "amalgamated-bakery-workers-union"
STRIKE = "2024-abwu-strike"

DRAFT = """
mutation($input: DraftArticleInput!) {
  draftArticle(input: $input) {
    id title published source text pending
    mentions { id kind start end text node }
    nodes { slug kind name new mentions candidates { slug score match } }
    candidates { id factId type from to status qualifiers { name value } evidence { kind text start end } }
  }
}
"""
ACCEPT = """
mutation($draft: String!, $candidate: String!, $edits: CandidateEdits) {
  acceptCandidate(draft: $draft, candidate: $candidate, edits: $edits) {
    factId type other { slug } sources { quote paraphrase via { slug } source { slug title } }
  }
}
"""


async def _draft(gql: GraphQLClient, headers: dict[str, str] = EDITOR) -> dict[str, Any]:
    variables = {"input": {"text": ARTICLE.read_text(), "published": "2024-03-14", "title": "Bakers walk out",
                           "publisher": "The Riverton Ledger (fictional)"}}  # fmt: skip
    body = await gql(DRAFT, variables, headers=headers)
    assert "errors" not in body, body["errors"]
    draft: dict[str, Any] = body["data"]["draftArticle"]
    return draft


def _candidate(draft: dict[str, Any], type_: str, start: str, end: str) -> dict[str, Any]:
    return next(c for c in draft["candidates"] if (c["type"], c["from"], c["to"]) == (type_, start, end))


async def test_a_draft_has_mentions_at_their_offsets_and_candidates_with_evidence_from_the_text(
    gql: GraphQLClient,
) -> None:
    draft = await _draft(gql)
    text = ARTICLE.read_text()
    assert draft["text"] == text and draft["source"] == "article-2024-03-14-bakers-walk-out"
    assert all(text[m["start"] : m["end"]] == m["text"] for m in draft["mentions"])
    union = next(n for n in draft["nodes"] if n["slug"] == UNION)
    assert union["new"] is True and union["kind"] == "Organization"
    assert union["candidates"] and not any(c["match"] for c in union["candidates"])  # scored, none high enough
    wages = _candidate(draft, "WAGES", UNION, STRIKE)
    assert wages["status"] == "PENDING" and wages["evidence"]["kind"] == "PARAPHRASE"
    assert text[wages["evidence"]["start"] : wages["evidence"]["end"]] == wages["evidence"]["text"]
    assert draft["pending"] == len(draft["candidates"]) > 0


async def test_an_accepted_candidate_is_a_fact_with_its_evidence_in_relationships_and_changes(
    gql: GraphQLClient,
) -> None:
    draft = await _draft(gql)
    wages = _candidate(draft, "WAGES", UNION, STRIKE)
    body = await gql(ACCEPT, {"draft": draft["id"], "candidate": wages["id"]}, headers=EDITOR)
    assert "errors" not in body, body["errors"]
    sentence = wages["evidence"]["text"]
    source = {"slug": draft["source"], "title": "Bakers walk out"}
    expected_source = [{"quote": None, "paraphrase": sentence, "via": {"slug": draft["source"]}, "source": source}]
    assert body["data"]["acceptCandidate"] == {
        "factId": wages["factId"], "type": "WAGES", "other": {"slug": STRIKE}, "sources": expected_source,
    }  # fmt: skip
    read = await gql.data(
        f'{{ organization(id: "{UNION}") {{ name relationships {{ factId type other {{ slug }} sources {{ paraphrase }} }} }} }}'
    )
    assert read["organization"]["name"] == "Amalgamated Bakery Workers Union"
    assert read["organization"]["relationships"] == [
        {"factId": wages["factId"], "type": "WAGES", "other": {"slug": STRIKE}, "sources": [{"paraphrase": sentence}]}
    ]
    changes = await gql.data(f'{{ changes(entity: "{wages["factId"]}") {{ actor action entity }} }}')
    assert changes["changes"] == [{"actor": "test-editor", "action": "ASSERT_FACT", "entity": wages["factId"]}]
    created = await gql.data(f'{{ changes(entity: "{draft["source"]}") {{ action entityType }} }}')
    assert created["changes"] == [{"action": "CREATE_NODE", "entityType": "Source"}]
    review = await gql(
        f'{{ draft(id: "{draft["id"]}") {{ pending candidates {{ id status writtenFact reviewedBy }} }} }}',
        headers=EDITOR,
    )
    accepted = next(c for c in review["data"]["draft"]["candidates"] if c["id"] == wages["id"])
    assert accepted == {
        "id": wages["id"],
        "status": "ACCEPTED",
        "writtenFact": wages["factId"],
        "reviewedBy": "test-editor",
    }
    assert review["data"]["draft"]["pending"] == draft["pending"] - 1


async def test_a_candidate_accepted_twice_at_once_is_written_once_and_the_other_is_a_conflict(
    gql: GraphQLClient,
) -> None:
    draft = await _draft(gql)
    wages = _candidate(draft, "WAGES", UNION, STRIKE)
    variables = {"draft": draft["id"], "candidate": wages["id"]}
    first, second = await asyncio.gather(gql(ACCEPT, variables, headers=EDITOR), gql(ACCEPT, variables, headers=EDITOR))
    outcomes = sorted(
        ["ok" if "errors" not in body else body["errors"][0]["extensions"]["code"] for body in (first, second)]
    )
    assert outcomes == ["CONFLICT", "ok"]
    changes = await gql.data(f'{{ changes(entity: "{wages["factId"]}") {{ action }} }}')
    assert changes["changes"] == [{"action": "ASSERT_FACT"}]


async def test_a_rejected_candidate_keeps_its_reason_and_cannot_then_be_accepted(gql: GraphQLClient) -> None:
    draft = await _draft(gql)
    wages = _candidate(draft, "WAGES", UNION, STRIKE)
    reject = 'mutation($d: String!, $c: String!) { rejectCandidate(draft: $d, candidate: $c, reason: "the article says on strike at four plants, not which union waged it") { id status reason reviewedBy } }'
    body = await gql(reject, {"d": draft["id"], "c": wages["id"]}, headers=EDITOR)
    assert body["data"]["rejectCandidate"] == {
        "id": wages["id"], "status": "REJECTED", "reviewedBy": "test-editor",
        "reason": "the article says on strike at four plants, not which union waged it",
    }  # fmt: skip
    again = await gql(ACCEPT, {"draft": draft["id"], "candidate": wages["id"]}, headers=EDITOR)
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert (await gql.data(f'{{ organization(id: "{UNION}") {{ slug }} }}'))["organization"] is None


async def test_a_mention_merged_into_an_existing_node_makes_its_candidates_name_that_node(gql: GraphQLClient) -> None:
    made = await gql(
        'mutation { createNode(kind: SOURCE, input: {id: "riverton-ledger-2024", name: "Riverton Ledger (fictional)", sourceKind: ARTICLE, date: "2024-03"}) { slug } '
        'createNode2: createNode(kind: ORGANIZATION, input: {id: "riverton-bakers", name: "Riverton Bakers Local (fictional)", organizationKind: UNION, cites: [{source: "riverton-ledger-2024"}]}) { slug } }',
        headers=EDITOR,
    )
    assert "errors" not in made, made["errors"]
    draft = await _draft(gql)
    union = next(n for n in draft["nodes"] if n["slug"] == UNION)
    merge = 'mutation($d: String!, $m: String!) { mergeMention(draft: $d, mention: $m, into: "riverton-bakers") { nodes { slug new } candidates { id from to } } }'
    body = await gql(merge, {"d": draft["id"], "m": union["mentions"][0]}, headers=EDITOR)
    assert "errors" not in body, body["errors"]
    merged = body["data"]["mergeMention"]
    assert {"slug": "riverton-bakers", "new": False} in merged["nodes"]
    assert not any(UNION in (c["from"], c["to"]) for c in merged["candidates"])
    wages = _candidate(draft, "WAGES", UNION, STRIKE)
    assert next(c for c in merged["candidates"] if c["id"] == wages["id"])["from"] == "riverton-bakers"
    wrong = await gql(
        merge.replace("riverton-bakers", "2023-wga-strike"),
        {"d": draft["id"], "m": union["mentions"][0]},
        headers=EDITOR,
    )
    assert wrong["errors"][0]["extensions"]["code"] in {"BAD_USER_INPUT", "NOT_FOUND"}


async def test_an_edit_that_breaks_the_evidence_rules_is_refused_and_writes_nothing(gql: GraphQLClient) -> None:
    draft = await _draft(gql)
    wages = _candidate(draft, "WAGES", UNION, STRIKE)
    invented = {"cites": [{"source": draft["source"], "quote": "We will never go back"}]}
    body = await gql(ACCEPT, {"draft": draft["id"], "candidate": wages["id"], "edits": invented}, headers=EDITOR)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "not found word for word" in error["message"]
    undated = {"since": "2024-03-01"}
    body = await gql(ACCEPT, {"draft": draft["id"], "candidate": wages["id"], "edits": undated}, headers=EDITOR)
    assert "2024-03-01 is in no quote, paraphrase or note" in body["errors"][0]["message"]
    assert (await gql.data(f'{{ organization(id: "{UNION}") {{ slug }} }}'))["organization"] is None


@pytest.mark.parametrize(
    ("headers", "code"), [({}, "UNAUTHENTICATED"), (READER, "FORBIDDEN")], ids=["no-key", "reader"]
)
async def test_drafting_and_reading_drafts_need_an_editor_key(
    gql: GraphQLClient, headers: dict[str, str], code: str
) -> None:
    variables = {"input": {"text": ARTICLE.read_text(), "published": "2024-03-14"}}
    refused = await gql(DRAFT, variables, headers=headers)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == code
    listed = await gql("{ drafts { id } }", headers=headers)
    assert listed["errors"][0]["extensions"]["code"] == code


async def test_drafts_never_show_in_graph_queries(gql: GraphQLClient, seeded: AsyncDriver) -> None:
    query = """{ search(text: "Golden Crust") { node { slug } } bakers: search(text: "Amalgamated Bakery") { node { slug } }
                 organizations(first: 100) { slug } sources(first: 100) { slug } strikesPerYear { year strikes }
                 changes(since: "2000-01-01") { entity } }"""
    before = await gql.data(query)
    draft = await _draft(gql)
    assert await gql.data(query) == before
    records, _, _ = await seeded.execute_query(
        "MATCH (n:Draft|DraftCandidate) WHERE n:Entity OR (n)--() RETURN count(n) AS n"
    )
    assert records[0]["n"] == 0  # no graph label, joined to nothing
    listed = await gql("{ drafts(first: 100) { id } }", headers=EDITOR)
    assert {"id": draft["id"]} in listed["data"]["drafts"]


async def test_inputs_over_their_limits_are_refused_with_their_path(gql: GraphQLClient) -> None:
    long = {"input": {"text": "x" * (MAX_ARTICLE_CHARS + 1), "published": "2024-03-14"}}
    body = await gql(DRAFT, long, headers=EDITOR)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.text"}
    month = {"input": {"text": "Bakers walked out.", "published": "2024-03"}}
    body = await gql(DRAFT, month, headers=EDITOR)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.published"}
    body = await gql("{ drafts(first: 101) { id } }", headers=EDITOR)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
