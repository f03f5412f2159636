"""The graph as Neo4j stores it: the constraints and indexes that keep ids unique and lookups fast, over
the labels and relationship types `schema/model.py` declares (their one home).

Labels and types reach Cypher only from these enums (an allow-list), never from client text.
"""

from __future__ import annotations

from schema.audit import audit_schema_statements
from schema.keys import key_schema_statements
from schema.model import ENTITY, EXTERNAL_IDS, FACT_KINDS, Label
from schema.review import review_schema_statements

__all__ = ["ENTITY", "FIND_FACT", "FULLTEXT_INDEX", "graph_schema_statements"]

FULLTEXT_INDEX = "entity_text"


def graph_schema_statements() -> list[str]:
    """Idempotent DDL: unique ids per label and per relationship type, lookup and full-text indexes."""
    statements = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
    ]
    for label in Label:
        statements.append(
            f"CREATE CONSTRAINT {label.value.lower()}_id IF NOT EXISTS FOR (n:{label.value}) REQUIRE n.id IS UNIQUE"
        )
        statements.append(f"CREATE INDEX {label.value.lower()}_name IF NOT EXISTS FOR (n:{label.value}) ON (n.name)")
    for attr in EXTERNAL_IDS:  # one node per outside identifier: races settled by the constraint
        statements.append(
            f"CREATE CONSTRAINT entity_{attr.name} IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.{attr.prop} IS UNIQUE"
        )
    for kind in FACT_KINDS:
        statements.append(
            f"CREATE CONSTRAINT rel_{kind.name.lower()}_id IF NOT EXISTS "
            f"FOR ()-[r:{kind.name}]-() REQUIRE r.id IS UNIQUE"
        )
    statements += [
        "CREATE INDEX strike_start IF NOT EXISTS FOR (n:Strike) ON (n.startDateEarliest)",
        "CREATE INDEX strike_attested IF NOT EXISTS FOR (n:Strike) ON (n.attestedOnEarliest)",
        "CREATE INDEX organization_kind IF NOT EXISTS FOR (n:Organization) ON (n.kind)",
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{'|'.join(label.value for label in Label)}) ON EACH [n.name, n.aliasText, n.description]",
        *key_schema_statements(),  # unique names per label and fact ids across types (schema/keys.py)
        *audit_schema_statements(),  # the audit trail's commit-order numbers (schema/audit.py)
        *review_schema_statements(),  # drafts awaiting review, apart from the graph (schema/review.py)
    ]
    return statements


# Fact ids are unique across relationship types: each fact has a `FactKey` (schema/keys.py) that names
# its ends, so any fact is found by id (`$id`) with three index seeks and the expand between its ends.
FIND_FACT = (
    "MATCH (factKey:FactKey {id: $id}) MATCH (:Entity {id: factKey.from})-[r {id: $id}]->(:Entity {id: factKey.to}) "
)
