"""The review queue as Neo4j stores it, apart from the graph: a `Draft` node per drafted article and a
`DraftCandidate` node per candidate fact, tied by the draft's id (no relationship, no `Entity` label), so no
graph query (lookups, lists, search, relationships, paths, counts, exports, the change feed) can reach them."""

from __future__ import annotations

from enum import Enum

DRAFT = "Draft"  # {id, title, published, url, publisher, text, sha256, body (the draft as JSON), createdAt, createdBy}
DRAFT_CANDIDATE = "DraftCandidate"  # {key: "<draft>/<candidate>", draft, id, status, reviewedBy, reviewedAt, ...}


class ReviewStatus(Enum):
    """Where a draft's candidate fact stands: awaiting review, accepted (written to the graph) or rejected."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


def candidate_key(draft: str, candidate: str) -> str:
    return f"{draft}/{candidate}"


def review_schema_statements() -> list[str]:
    return [
        f"CREATE CONSTRAINT draft_id IF NOT EXISTS FOR (d:{DRAFT}) REQUIRE d.id IS UNIQUE",
        f"CREATE INDEX draft_created IF NOT EXISTS FOR (d:{DRAFT}) ON (d.createdAt)",
        f"CREATE CONSTRAINT draft_candidate_key IF NOT EXISTS FOR (c:{DRAFT_CANDIDATE}) REQUIRE c.key IS UNIQUE",
        f"CREATE INDEX draft_candidate_draft IF NOT EXISTS FOR (c:{DRAFT_CANDIDATE}) ON (c.draft)",
    ]
