"""The review queue: drafts stored apart from the graph (schema/review.py), and their review. Accepting a
candidate writes through the curated write path (api/database/repository.py: keys, versions, the audit trail),
after the seed's rules pass on the fact as it will be written; every review locks its draft first, so two
reviews of one draft run one after the other and a candidate is reviewed once."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass, replace
from typing import Any

from api.auth import Caller
from api.database import repository as write
from api.database.graph import RequestGraph
from api.errors import BadUserInput, Conflict, NotFound
from schema.graph_model import ENTITY
from schema.model import EXTERNAL_IDS, Label
from schema.review import DRAFT, DRAFT_CANDIDATE, ReviewStatus, candidate_key
from seed.drafting.draft import (
    Base,
    Draft,
    FactCandidate,
    NodeCandidate,
    draft_text,
    fact_row,
    held_source,
    node_entry,
    review_problems,
    source_entry,
)
from seed.drafting.reconcile import Candidate
from seed.validate import KnownNode


@dataclass(frozen=True)
class Review:
    """A candidate's review state."""

    status: ReviewStatus
    by: str | None = None
    at: str | None = None
    reason: str | None = None
    fact_id: str | None = None  # the fact written on acceptance


@dataclass(frozen=True)
class StoredDraft:
    id: str
    text: str
    draft: Draft
    created_at: str
    created_by: str
    reviews: dict[str, Review]  # by candidate id (`candidate_ids`)

    def candidate(self, candidate_id: str) -> tuple[FactCandidate, Review]:
        index = candidate_index(candidate_id)
        if index is None or index >= len(self.draft.facts):
            raise NotFound(f"draft '{self.id}' has no candidate '{candidate_id}'", field="candidate")
        return self.draft.facts[index], self.reviews.get(candidate_id, Review(ReviewStatus.PENDING))


def candidate_id(index: int) -> str:
    """A candidate's id in its draft: its place, stable when a merge renames its ends."""
    return f"f{index}"


def candidate_index(value: str) -> int | None:
    return int(value[1:]) if value[:1] == "f" and value[1:].isdigit() and len(value) < 8 else None


# -- drafting -----------------------------------------------------------------------------------------------

_EXTERNAL = ", ".join(f"n.{attr.prop} AS {attr.name}" for attr in EXTERNAL_IDS)
GAZETTEER_READ = (
    f"MATCH (n:{ENTITY}) RETURN n.id AS id, [l IN labels(n) WHERE l <> '{ENTITY}'][0] AS label, n.name AS name, "
    f"coalesce(n.aliases, []) AS aliases, {_EXTERNAL}"
)


async def draft_article(
    graph: RequestGraph, caller: Caller, text: str, published: dt.date, *, title: str, url: str | None,
    publisher: str | None,
) -> StoredDraft:  # fmt: skip
    """Draft the article against the graph's names (its gazetteer read now, in this transaction) and store the
    draft with a candidate node per fact, pending."""
    rows = await graph.write(GAZETTEER_READ)
    base = Base.of_graph([dict(row) for row in rows])

    def drafted() -> Draft:
        source = held_source(text, published, base, title=title, url=url, publisher=publisher)
        return draft_text(text, published, base, source)

    draft = await asyncio.to_thread(drafted)  # ~0.1 s of rules: off the event loop
    draft_id = f"draft-{uuid.uuid4().hex[:12]}"
    created = await graph.write(
        f"CREATE (d:{DRAFT} {{id: $id, title: $title, published: $published, url: $url, publisher: $publisher, "
        "text: $text, sha256: $sha256, body: $body, createdAt: datetime(), createdBy: $actor}) "
        "RETURN toString(d.createdAt) AS at",
        id=draft_id, title=title, published=published.isoformat(), url=url, publisher=publisher, text=text,
        sha256=draft.source.sha256, body=draft.to_json().decode(), actor=caller.name,
    )  # fmt: skip
    await graph.write(
        f"UNWIND $candidates AS candidate CREATE (c:{DRAFT_CANDIDATE}) SET c = candidate",
        candidates=[
            {"key": candidate_key(draft_id, candidate_id(i)), "draft": draft_id, "id": candidate_id(i),
             "status": ReviewStatus.PENDING.value}
            for i in range(len(draft.facts))
        ],
    )  # fmt: skip
    return StoredDraft(draft_id, text, draft, created[0]["at"], caller.name, {})


# -- reading ------------------------------------------------------------------------------------------------

_DRAFT_PROJECTION = (
    "d {.id, .text, .body, .createdBy, createdAt: toString(d.createdAt), "
    f"reviews: COLLECT {{ MATCH (c:{DRAFT_CANDIDATE} {{draft: d.id}}) RETURN properties(c) }}}} AS draft"
)
DRAFTS_READ = f"MATCH (d:{DRAFT}) WITH d ORDER BY d.createdAt DESC, d.id LIMIT $first RETURN " + _DRAFT_PROJECTION
DRAFT_READ = f"MATCH (d:{DRAFT} {{id: $id}}) RETURN " + _DRAFT_PROJECTION


def _stored(row: dict[str, Any]) -> StoredDraft:
    reviews = {
        c["id"]: Review(
            ReviewStatus(c["status"]), c.get("reviewedBy"), c.get("reviewedAt"), c.get("reason"), c.get("factId")
        )
        for c in row["reviews"]
    }
    return StoredDraft(row["id"], row["text"], Draft.from_json(row["body"]), row["createdAt"], row["createdBy"],
                       reviews)  # fmt: skip


async def drafts(graph: RequestGraph, first: int) -> list[StoredDraft]:
    """The latest drafts first."""
    return [_stored(row["draft"]) for row in await graph.read(DRAFTS_READ, first=first)]


async def find_draft(graph: RequestGraph, draft_id: str) -> StoredDraft | None:
    rows = await graph.read(DRAFT_READ, id=draft_id)
    return _stored(rows[0]["draft"]) if rows else None


async def _locked(graph: RequestGraph, draft_id: str) -> StoredDraft:
    """Lock the draft for this transaction, then read it: reviews of one draft run one after the other."""
    locked = await graph.write(
        f"MATCH (d:{DRAFT} {{id: $id}}) SET d._lock = true REMOVE d._lock RETURN d.id", id=draft_id
    )
    if not locked:
        raise NotFound(f"no draft with id '{draft_id}'", field="draft")
    rows = await graph.write(DRAFT_READ, id=draft_id)
    return _stored(rows[0]["draft"])


def _pending(stored: StoredDraft, candidate: str) -> FactCandidate:
    fact, review = stored.candidate(candidate)
    if review.status is not ReviewStatus.PENDING:
        raise Conflict(
            f"candidate '{candidate}' of draft '{stored.id}' was {review.status.value.lower()} already "
            f"(by {review.by}): reload the draft", field="candidate", status=review.status.value,
        )  # fmt: skip
    return fact


async def _reviewed(graph: RequestGraph, caller: Caller, draft_id: str, candidate: str, review: Review) -> None:
    await graph.write(
        f"MATCH (c:{DRAFT_CANDIDATE} {{key: $key}}) SET c.status = $status, c.reviewedBy = $actor, "
        "c.reviewedAt = toString(datetime()), c.reason = $reason, c.factId = $fact",
        key=candidate_key(draft_id, candidate), status=review.status.value, actor=caller.name, reason=review.reason,
        fact=review.fact_id,
    )  # fmt: skip


# -- reviewing ----------------------------------------------------------------------------------------------


async def accept_candidate(
    graph: RequestGraph, caller: Caller, draft_id: str, candidate: str, edits: dict[str, Any]
) -> str:
    """Write the candidate fact (with `edits`, record field names) and the new nodes it needs, through the
    curated write path, once the seed's rules pass on it; returns the fact's id."""
    stored = await _locked(graph, draft_id)
    fact = _pending(stored, candidate)
    draft = stored.draft
    source = draft.source
    row = fact_row(fact, source.id) | edits
    ends = [str(row["from"]), str(row["to"])]
    existing = await graph.write(
        f"MATCH (n:{ENTITY}) WHERE n.id IN $ids RETURN n.id AS id, [l IN labels(n) WHERE l <> '{ENTITY}'][0] AS label, "
        "n.name AS name, coalesce(n.aliases, []) AS aliases",
        ids=[*ends, source.id],
    )  # fmt: skip
    known = tuple(KnownNode(r["id"], Label(r["label"]), (r["name"], *r["aliases"])) for r in existing)
    present = {node.id for node in known}
    needed = tuple(node for node in draft.nodes if node.id in ends and node.new and node.id not in present)
    problems = await asyncio.to_thread(review_problems, source, stored.text, needed, row, known)
    if problems:
        raise BadUserInput(
            f"candidate '{candidate}' does not pass the seed's rules: " + "; ".join(problems), field="edits",
            problems=problems,
        )  # fmt: skip
    if source.id not in present:
        await _register_source(graph, caller, draft_id, stored)
    for node in needed:
        record = write.validate_node(node.label, node_entry(node, source.id))
        await write.create_node(graph, caller, record)
    fact_id = await write.assert_fact(graph, caller, write.validate_fact(row))
    await _reviewed(graph, caller, draft_id, candidate, Review(ReviewStatus.ACCEPTED, fact_id=fact_id))
    return fact_id


async def _register_source(graph: RequestGraph, caller: Caller, draft_id: str, stored: StoredDraft) -> None:
    """The article as a Source node; its text stays with the draft (no file under seed/sources/)."""
    entry = source_entry(stored.draft.source)
    del entry["file"]
    digest = stored.draft.source.sha256
    entry["note"] = f"Drafted through the API as {draft_id}; its text is kept with the draft, sha256 {digest}."
    await write.create_node(graph, caller, write.validate_node(Label.SOURCE, entry))


async def reject_candidate(graph: RequestGraph, caller: Caller, draft_id: str, candidate: str, reason: str) -> None:
    stored = await _locked(graph, draft_id)
    _pending(stored, candidate)
    await _reviewed(graph, caller, draft_id, candidate, Review(ReviewStatus.REJECTED, reason=reason))


async def merge_mention(graph: RequestGraph, caller: Caller, draft_id: str, mention: str, into: str) -> None:
    """The node a mention proposed is the graph's node `into`: the draft's pending candidates name it instead."""
    stored = await _locked(graph, draft_id)
    draft = stored.draft
    node = next((n for n in draft.nodes if mention in n.mentions), None)
    if node is None:
        raise BadUserInput(f"mention '{mention}' of draft '{draft_id}' names no node of the draft", field="mention")
    rows = await graph.write(
        f"MATCH (n:{ENTITY} {{id: $id}}) RETURN [l IN labels(n) WHERE l <> '{ENTITY}'][0] AS label, n.name AS name",
        id=into,
    )
    if not rows:
        raise NotFound(f"no node with id '{into}'", field="into")
    if Label(rows[0]["label"]) is not node.label:
        raise BadUserInput(f"into: '{into}' is a {rows[0]['label']}, the mention a {node.label.value}", field="into")
    merged = replace(node, id=into, match=Candidate(into, rows[0]["name"], node.name, 100.0))
    pending = {
        i for i in range(len(draft.facts)) if stored.candidate(candidate_id(i))[1].status is ReviewStatus.PENDING
    }
    facts = tuple(
        replace(f, from_=into if f.from_ == node.id else f.from_, to=into if f.to == node.id else f.to)
        if i in pending else f
        for i, f in enumerate(draft.facts)
    )  # fmt: skip
    nodes = tuple(merged if n is node else n for n in draft.nodes)
    body = replace(draft, nodes=_merged_nodes(nodes, merged), facts=facts)
    await graph.write(
        f"MATCH (d:{DRAFT} {{id: $id}}) SET d.body = $body, d.updatedAt = datetime(), d.updatedBy = $actor",
        id=draft_id, body=body.to_json().decode(), actor=caller.name,
    )  # fmt: skip


def _merged_nodes(nodes: tuple[NodeCandidate, ...], merged: NodeCandidate) -> tuple[NodeCandidate, ...]:
    """One node candidate per id: a mention merged into a node another mention matched joins it."""
    kept: dict[str, NodeCandidate] = {}
    for node in nodes:
        same = kept.get(node.id)
        if same is None:
            kept[node.id] = node
        else:
            kept[node.id] = replace(same, mentions=(*same.mentions, *node.mentions), match=same.match or merged.match)
    return tuple(kept.values())
