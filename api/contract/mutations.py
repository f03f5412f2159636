"""The root mutation type: curated writes behind API keys. Each mutation validates with the seed's
rules, writes through the write repository, and answers with the planned read of what it wrote."""

from __future__ import annotations

import logging
from typing import Any

import strawberry

from api.auth import Caller, Role, require_role
from api.contract.context import Info
from api.contract.inputs import FactInput, FactPatch, NodeInput, given_fields
from api.contract.permissions import IsAdmin, IsEditor
from api.contract.review import MAX_ID, MAX_REASON, CandidateEdits, DraftArticleInput, article, bounded, draft_of
from api.contract.types.drafts import CandidateFact, Draft
from api.contract.types.nodes import Node, Relationship
from api.database import repository as write
from api.database import review
from schema.model import Label
from schema.records import NodeRecord

log = logging.getLogger("strikegraph.write")


def _editor(info: Info) -> Caller:
    return require_role(info.context.caller, Role.EDITOR)


def _warn(info: Info, record: NodeRecord) -> None:
    """A name worth a second look is written, and said so in the response's `extensions.warnings`."""
    for warning in write.name_warnings(record):
        log.warning("request %s: %s %s: %s", info.context.request_id, record.label.value, record.id, warning)
        info.context.warnings.append(warning)


async def _node(info: Info, label: Label, slug: str) -> Any:
    """The node just written, as the mutation's selection asks, read in the request's transaction."""
    operation = info.context.operation
    assert operation is not None, "set by the CompiledExecution extension"
    node = await operation.payload(info.context.graph, str(info.path.key), slug=slug)
    assert node is not None, "the node was just written"
    return node


async def _fact(info: Info, fact_id: str) -> Any:
    operation = info.context.operation
    assert operation is not None, "set by the CompiledExecution extension"
    fact = await operation.payload(info.context.graph, str(info.path.key), fact=fact_id)
    assert fact is not None, "the fact was just written"
    return fact


@strawberry.type(description="Writes need `Authorization: Bearer <key>` with the editor role (deletes: admin).")
class Mutation:
    @strawberry.mutation(
        graphql_type=Node, permission_classes=[IsEditor], description="Create a node; its id and names must be new."
    )
    async def create_node(self, info: Info, kind: Label, input: NodeInput) -> Any:
        record = write.validate_node(kind, given_fields(input))
        await write.create_node(info.context.graph, _editor(info), record)
        _warn(info, record)
        return await _node(info, kind, record.id)

    @strawberry.mutation(
        graphql_type=Node,
        permission_classes=[IsEditor],
        description="Change a node's fields. `expectedVersion` is the version you read; a stale one is a CONFLICT.",
    )
    async def update_node(self, info: Info, id: str, expected_version: int, input: NodeInput) -> Any:
        record = await write.update_node(info.context.graph, _editor(info), id, expected_version, given_fields(input))
        _warn(info, record)
        return await _node(info, record.label, id)

    @strawberry.mutation(permission_classes=[IsAdmin], description="Delete a node and its facts (admin only).")
    async def delete_node(self, info: Info, id: str, expected_version: int) -> str:
        caller = require_role(info.context.caller, Role.ADMIN)
        await write.delete_node(info.context.graph, caller, id, expected_version)
        return id

    @strawberry.mutation(
        graphql_type=Relationship,
        permission_classes=[IsEditor],
        description="Assert a fact. It must cite at least one source: an existing one, or one in `newSources`.",
    )
    async def assert_fact(self, info: Info, input: FactInput, new_sources: list[NodeInput] | None = None) -> Any:
        caller = _editor(info)
        for source in new_sources or []:
            new = write.validate_node(Label.SOURCE, given_fields(source))
            await write.create_node(info.context.graph, caller, new)
            _warn(info, new)
        record = write.validate_fact(given_fields(input))
        fact_id = await write.assert_fact(info.context.graph, caller, record)
        return await _fact(info, fact_id)

    @strawberry.mutation(
        graphql_type=Relationship,
        permission_classes=[IsEditor],
        description="Correct a fact written through the API (seed-managed facts are corrected in seed/data).",
    )
    async def update_fact(self, info: Info, id: str, expected_version: int, input: FactPatch) -> Any:
        await write.update_fact(info.context.graph, _editor(info), id, expected_version, given_fields(input))
        return await _fact(info, id)

    @strawberry.mutation(
        graphql_type=Relationship,
        permission_classes=[IsEditor],
        description="Retract a fact: it is kept, marked with when and by whom, so earlier as-of answers stay.",
    )
    async def retract_fact(self, info: Info, id: str, expected_version: int, reason: str | None = None) -> Any:
        await write.retract_fact(info.context.graph, _editor(info), id, expected_version, reason)
        return await _fact(info, id)

    # -- the review queue (drafts are kept apart from the graph; accepting writes as assertFact does) ----------

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Draft an article, offline: mentions, reconciliation with the graph's names, candidate facts "
        "with their evidence (each passing the seed's rules). Stored for review, apart from the graph.",
    )
    async def draft_article(self, info: Info, input: DraftArticleInput) -> Draft:
        text, published, title, url, publisher = article(input)
        stored = await review.draft_article(info.context.graph, _editor(info), text, published, title=title, url=url,
                                            publisher=publisher)  # fmt: skip
        return Draft.of(stored)

    @strawberry.mutation(
        graphql_type=Relationship,
        permission_classes=[IsEditor],
        description="Accept a draft's candidate fact, with `edits`: it is written as assertFact writes (with any "
        "new node it needs and the article as a Source), once the seed's rules pass on it. A candidate is "
        "reviewed once: a second acceptance is a CONFLICT.",
    )
    async def accept_candidate(
        self, info: Info, draft: str, candidate: str, edits: CandidateEdits | None = None
    ) -> Any:
        fields = given_fields(edits) if edits is not None else {}
        fact_id = await review.accept_candidate(info.context.graph, _editor(info), bounded(draft, MAX_ID, "draft"),
                                                bounded(candidate, MAX_ID, "candidate"), fields)  # fmt: skip
        return await _fact(info, fact_id)

    @strawberry.mutation(permission_classes=[IsEditor], description="Reject a draft's candidate fact, saying why.")
    async def reject_candidate(self, info: Info, draft: str, candidate: str, reason: str) -> CandidateFact:
        draft_id, candidate_id = bounded(draft, MAX_ID, "draft"), bounded(candidate, MAX_ID, "candidate")
        await review.reject_candidate(info.context.graph, _editor(info), draft_id, candidate_id,
                                      bounded(reason, MAX_REASON, "reason"))  # fmt: skip
        current = await draft_of(info, draft_id)
        return next(c for c in current.candidates if c.id == candidate_id)

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Say that the node a mention proposed is an existing node (`into`, its slug): the draft's "
        "pending candidates name that node instead.",
    )
    async def merge_mention(self, info: Info, draft: str, mention: str, into: str) -> Draft:
        draft_id = bounded(draft, MAX_ID, "draft")
        await review.merge_mention(info.context.graph, _editor(info), draft_id, bounded(mention, MAX_ID, "mention"),
                                   bounded(into, MAX_ID, "into"))  # fmt: skip
        return await draft_of(info, draft_id)
