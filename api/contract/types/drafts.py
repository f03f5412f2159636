"""The review queue as clients see it: a drafted article with its mentions (offsets, reconciliation candidates
and scores), the nodes they stand for, and candidate facts with their evidence spans and review state."""

from __future__ import annotations

import strawberry

from api.database.review import Review, StoredDraft, candidate_id
from schema.review import ReviewStatus
from seed.drafting.draft import FactCandidate, NodeCandidate
from seed.drafting.mentions import Mention
from seed.drafting.reconcile import MATCH_THRESHOLD, Candidate


@strawberry.type(description="An existing node a name may stand for, scored out of 100 (rapidfuzz).")
class ReconciliationCandidate:
    slug: str
    name: str = strawberry.field(description="The node's name.")
    matched: str = strawberry.field(description="The name or alias that scored.")
    score: float
    match: bool = strawberry.field(
        description=f"Scored {MATCH_THRESHOLD:.0f} or more: the draft takes it as that node."
    )

    @classmethod
    def of(cls, candidate: Candidate) -> ReconciliationCandidate:
        return cls(slug=candidate.node_id, name=candidate.name, matched=candidate.matched, score=candidate.score,
                   match=candidate.score >= MATCH_THRESHOLD)  # fmt: skip


@strawberry.type(description="A node the draft's mentions stand for: an existing one (matched) or a proposed one.")
class DraftNode:
    slug: str = strawberry.field(description="The matched node's slug, or the one proposed for a new node.")
    kind: str = strawberry.field(description="Its kind (a NodeKind's value).")
    name: str
    aliases: list[str]
    new: bool = strawberry.field(description="No existing node scored high enough: accepting a fact creates it.")
    mentions: list[str] = strawberry.field(description="The ids of the mentions that name it.")
    candidates: list[ReconciliationCandidate] = strawberry.field(description="Existing nodes it may be, best first.")

    @classmethod
    def of(cls, node: NodeCandidate) -> DraftNode:
        return cls(slug=node.id, kind=node.label.value, name=node.name, aliases=list(node.aliases), new=node.new,
                   mentions=list(node.mentions), candidates=[ReconciliationCandidate.of(c) for c in node.candidates])  # fmt: skip  # noqa: E501


@strawberry.type(description="Words of the article the drafter read as something: a name, a date, a number.")
class DraftMention:
    id: str
    kind: str = strawberry.field(description="organization, person, place, date, number, ...")
    start: int = strawberry.field(description="Offset of its first character in the article's text.")
    end: int = strawberry.field(description="Offset just past its last character.")
    text: str
    name: str = strawberry.field(description="What it stands for (a full name, once an acronym is defined).")
    date: str | None = strawberry.field(description="A date mention, resolved at the precision the words give.")
    note: str | None = strawberry.field(description="How the date was resolved against the publication day.")
    value: float | None
    unit: str | None
    node: str | None = strawberry.field(description="The slug of the draft node it names, if any.")


@strawberry.type(description="A qualifier of a candidate fact (`since`, `attested_on`, `title`, ...).")
class DraftQualifier:
    name: str
    value: str


@strawberry.type(description="Where a candidate rests in the article: attributed words in quotation marks "
                             "(`quote`), else the sentence the article states it in (`paraphrase`).")  # fmt: skip
class DraftEvidence:
    kind: str = strawberry.field(description="QUOTE or PARAPHRASE.")
    text: str
    start: int
    end: int
    speaker: str | None = strawberry.field(description="Whom a quote is attributed to, as written.")


@strawberry.type(description="A fact the draft proposes, with its evidence and review state.")
class CandidateFact:
    id: str = strawberry.field(description="Its id in the draft (for acceptCandidate, rejectCandidate).")
    fact_id: str = strawberry.field(description="The fact id it would be written with.")
    type: str = strawberry.field(description="A RelationshipType's value.")
    from_: str = strawberry.field(name="from", description="The slug of its start (existing or proposed).")
    to: str
    qualifiers: list[DraftQualifier]
    note: str | None
    inferred: bool
    evidence: DraftEvidence
    status: ReviewStatus
    reviewed_by: str | None
    reviewed_at: str | None
    reason: str | None = strawberry.field(description="Why it was rejected.")
    written_fact: str | None = strawberry.field(description="The id of the fact written when it was accepted.")

    @classmethod
    def of(cls, index: int, fact: FactCandidate, review: Review) -> CandidateFact:
        evidence = fact.evidence
        return cls(
            id=candidate_id(index), fact_id=fact.id, type=fact.type, from_=fact.from_, to=fact.to,
            qualifiers=[DraftQualifier(name=k, value=str(v)) for k, v in fact.qualifiers.items()], note=fact.note,
            inferred=fact.inferred,
            evidence=DraftEvidence(kind="QUOTE" if evidence.quote else "PARAPHRASE",
                                   text=evidence.quote or evidence.paraphrase or "", start=evidence.start,
                                   end=evidence.end, speaker=evidence.speaker),
            status=review.status, reviewed_by=review.by, reviewed_at=review.at, reason=review.reason,
            written_fact=review.fact_id,
        )  # fmt: skip


@strawberry.type(description="A drafted article awaiting review: kept apart from the graph, never in its answers.")
class Draft:
    id: str
    title: str
    published: str
    url: str | None
    publisher: str | None
    source: str = strawberry.field(description="The slug of its Source node (written on the first acceptance).")
    sha256: str = strawberry.field(description="The article text's SHA-256.")
    text: str = strawberry.field(description="The article as drafted; mention and evidence offsets index it.")
    created_at: str
    created_by: str
    mentions: list[DraftMention]
    nodes: list[DraftNode]
    candidates: list[CandidateFact]
    pending: int = strawberry.field(description="How many candidates await review.")

    @classmethod
    def of(cls, stored: StoredDraft) -> Draft:
        draft, source = stored.draft, stored.draft.source
        named = {mention: node.id for node in draft.nodes for mention in node.mentions}
        candidates = [CandidateFact.of(i, fact, stored.candidate(candidate_id(i))[1])
                      for i, fact in enumerate(draft.facts)]  # fmt: skip
        return cls(
            id=stored.id, title=source.title, published=source.published, url=source.url, publisher=source.publisher,
            source=source.id, sha256=source.sha256, text=stored.text, created_at=stored.created_at,
            created_by=stored.created_by, mentions=[_mention(m, named.get(m.id)) for m in draft.mentions],
            nodes=[DraftNode.of(node) for node in draft.nodes], candidates=candidates,
            pending=sum(c.status is ReviewStatus.PENDING for c in candidates),
        )  # fmt: skip


def _mention(mention: Mention, node: str | None) -> DraftMention:
    return DraftMention(id=mention.id, kind=mention.kind, start=mention.start, end=mention.end, text=mention.text,
                        name=mention.name, date=mention.date, note=mention.note, value=mention.value,
                        unit=mention.unit, node=node)  # fmt: skip
