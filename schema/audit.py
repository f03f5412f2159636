"""The audit trail as Neo4j stores it: one `Change` node per API write, numbered in commit order.

Subscriptions read the trail, not in-process memory, so every API process serving one Neo4j sees every
write (community Neo4j has no change data capture). For that each change gets `seq`: a gap-free number in
commit order. A writing transaction takes its numbers from the one `ChangeSequence` node just before it
commits; the write lock on that node is held until the commit, so writers number one after another, and
whoever has read change n can already read every change before it.
"""

from __future__ import annotations

from enum import Enum

CHANGE = "Change"
# A change written by a transaction that has not numbered it yet; other transactions never see the label.
UNSEQUENCED = "UnsequencedChange"
CHANGE_SEQUENCE = "ChangeSequence"
SEQUENCE_ID = "changes"


class ChangeAction(Enum):
    """What a change did."""

    CREATE_NODE = "CREATE_NODE"
    UPDATE_NODE = "UPDATE_NODE"
    DELETE_NODE = "DELETE_NODE"
    ASSERT_FACT = "ASSERT_FACT"
    UPDATE_FACT = "UPDATE_FACT"
    RETRACT_FACT = "RETRACT_FACT"


def audit_schema_statements() -> list[str]:
    return [
        f"CREATE CONSTRAINT change_sequence_id IF NOT EXISTS FOR (s:{CHANGE_SEQUENCE}) REQUIRE s.id IS UNIQUE",
        # Unique: two changes with one number would be a bug in the numbering, and Neo4j refuses it.
        f"CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:{CHANGE}) REQUIRE c.seq IS UNIQUE",
    ]


# Writes that bypass the trail (a seed run, a bulk import) give it a new epoch, so every API process forgets
# what it knew of the graph (api/live/freshness.py). A new sequence node starts an epoch too (`numbering`):
# a graph emptied and written again never looks like the one before.
NEW_EPOCH = f"MERGE (s:{CHANGE_SEQUENCE} {{id: $sequence}}) SET s.epoch = randomUUID()"


def numbering(changes: str, also_set: str = "") -> str:
    """Cypher that gives the changes `changes` matches (as `c`, in order) the next numbers of the sequence
    `$sequence`: the write lock on the sequence node (taken by the first SET, before `last` is read) is held
    until the commit, so numbers follow commit order with no gap. Used for each transaction's own changes
    (api/database/audit.py) and, once, for changes recorded before numbering (api/database/graph.py)."""
    return f"""
    {changes}
    WITH collect(c) AS pending WHERE size(pending) > 0
    MERGE (s:{CHANGE_SEQUENCE} {{id: $sequence}}) ON CREATE SET s.epoch = randomUUID()
    SET s._lock = true
    WITH s, pending, coalesce(s.last, 0) AS base
    SET s.last = base + size(pending) REMOVE s._lock
    WITH pending, base
    UNWIND range(0, size(pending) - 1) AS i
    WITH pending[i] AS c, base + i + 1 AS seq
    SET c.seq = seq{also_set}
"""
