"""The GraphQL types clients see. Plain fields are plain attributes filled from one Cypher result; the
few fields that take arguments read what the compiled query already fetched (see api/contract/queries.py)."""
