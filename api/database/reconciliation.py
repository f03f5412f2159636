"""The reads behind the reconciliation endpoint (api/web/reconcile.py): a whole batch of queries in one
statement (UNWIND), entity suggestions, and one entity for its preview. Each runs through the request's
`RequestGraph`, so in a read transaction with the query timeout."""

from __future__ import annotations

from typing import Any, LiteralString

from api.database.graph import RequestGraph
from schema.graph_model import ENTITY, FULLTEXT_INDEX
from schema.keys import NAME_KEY
from schema.model import EXTERNAL_IDS

_KIND = f"[l IN labels(n) WHERE l <> '{ENTITY}'][0]"
_EXTERNAL = ", ".join(f"{attr.name}: n.`{attr.prop}`" for attr in EXTERNAL_IDS)
# An external id given: its unique index, one branch per scheme (the schemes are the model's, never client text).
_BY_EXTERNAL_ID = "".join(
    f" UNION MATCH (n:{ENTITY}) WHERE n.`{attr.prop}` IN q.external.{attr.name} RETURN n, '{attr.name}' AS how"
    for attr in EXTERNAL_IDS
)
# Where a candidate is (its places, and the places they lie in), for the `place` property; only when asked.
_PLACES = (
    "CASE WHEN q.places THEN COLLECT { MATCH path = (n)-[:LOCATED_IN|AT*1..6]->(p:Place) "
    "WHERE all(r IN relationships(path) WHERE r.retractedAt IS NULL) "
    "RETURN DISTINCT [p.id, coalesce(p.isoCode, '')] + coalesce(p.nameKeys, []) LIMIT 50 } ELSE [] END"
)
_INDUSTRIES = (
    "CASE WHEN q.industries THEN COLLECT { MATCH (n)-[r:IN_INDUSTRY]->(i:Industry) WHERE r.retractedAt IS NULL "
    "RETURN DISTINCT [i.code] + coalesce(i.nameKeys, []) LIMIT 50 } ELSE [] END"
)

# Every query of the batch at once: the entity with that id, those named or aliased exactly the text (name keys),
# organizations whose initials the text is, those with a given external id, and the best full-text hits (each
# word, its prefix, or a word within an edit or two); then the type filter. The aggregation inside the CALL
# gives every query its row, with no candidates or many.
BATCH: LiteralString = f"""
UNWIND $queries AS q
CALL (q) {{
  CALL (q) {{
    MATCH (n:{ENTITY} {{id: q.text}}) RETURN n, 'id' AS how
    UNION
    MATCH (k:{NAME_KEY}) WHERE k.key IN q.keys MATCH (n:{ENTITY} {{id: k.owner}}) RETURN n, 'name' AS how
    UNION
    MATCH (n:Organization) WHERE q.acronym IS NOT NULL
      AND reduce(s = '', w IN [w IN split(n.name, ' ') WHERE w <> '' AND NOT toLower(w) IN $minor]
                 | s + toUpper(left(w, 1))) = q.acronym
    RETURN n, 'acronym' AS how
    {_BY_EXTERNAL_ID}
    UNION
    WITH q WHERE q.lucene IS NOT NULL
    CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', q.lucene) YIELD node AS n, score
    WHERE n:{ENTITY} AND (size(q.labels) = 0 OR any(l IN labels(n) WHERE l IN q.labels))
    WITH n, score ORDER BY score DESC LIMIT $pool
    RETURN n, 'text' AS how
  }}
  WITH q, n, collect(how) AS hows
  WHERE size(q.labels) = 0
     OR (q.allTypes AND all(l IN q.labels WHERE l IN labels(n)))
     OR (NOT q.allTypes AND any(l IN labels(n) WHERE l IN q.labels))
  RETURN collect({{
    id: n.id, name: n.name, aliases: coalesce(n.aliases, []), kind: {_KIND}, description: n.description,
    external: {{{_EXTERNAL}}}, hows: hows, places: {_PLACES}, industries: {_INDUSTRIES}
  }}) AS candidates
}}
RETURN q.key AS key, candidates
"""


async def batch_candidates(
    graph: RequestGraph, queries: list[dict[str, Any]], minor_words: list[str], pool: int
) -> dict[str, list[dict[str, Any]]]:
    """Each query's candidates by its key (queries as `ReconQuery.parameters` gives them), in one statement:
    `pool` full-text hits each; initials leave out `minor_words`."""
    records = await graph.read(BATCH, queries=queries, minor=minor_words, pool=pool)
    return {record["key"]: record["candidates"] for record in records}


# Suggestions as the user types: exact names and the id first, then full-text prefix hits by score.
SUGGEST: LiteralString = f"""
CALL () {{
  MATCH (n:{ENTITY} {{id: $prefix}}) RETURN n, 1.0e9 AS rank
  UNION
  MATCH (k:{NAME_KEY}) WHERE k.key IN $keys MATCH (n:{ENTITY} {{id: k.owner}}) RETURN n, 1.0e9 AS rank
  UNION
  WITH 1 AS one WHERE $lucene IS NOT NULL
  CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $lucene) YIELD node AS n, score
  WHERE n:{ENTITY} AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
  WITH n, score ORDER BY score DESC LIMIT $enough
  RETURN n, score AS rank
}}
WITH n, max(rank) AS rank
WHERE size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels)
RETURN n.id AS id, n.name AS name, {_KIND} AS kind, n.description AS description
ORDER BY rank DESC, n.name, n.id SKIP $cursor LIMIT $size
"""


async def suggest_entities(
    graph: RequestGraph, prefix: str, keys: list[str], lucene: str | None, labels: list[str], cursor: int, size: int
) -> list[dict[str, Any]]:
    return await graph.read(
        SUGGEST, prefix=prefix, keys=keys, lucene=lucene, labels=labels, cursor=cursor, size=size,
        enough=cursor + size,
    )  # fmt: skip


PREVIEW: LiteralString = f"""
MATCH (n:{ENTITY} {{id: $id}})
RETURN n.id AS id, n.name AS name, coalesce(n.aliases, []) AS aliases, {_KIND} AS kind, n.kind AS subkind,
  n.description AS description, {{{_EXTERNAL}}} AS external
"""


async def preview_entity(graph: RequestGraph, slug: str) -> dict[str, Any] | None:
    records = await graph.read(PREVIEW, id=slug)
    return records[0] if records else None
