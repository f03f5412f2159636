"""Reads for `strikegraph export`: stoppages with what a spreadsheet row says of them (seed/lat.py writes
the row), in one statement."""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from neo4j import AsyncDriver, RoutingControl

# Which stoppages an export reads: those citing `$cites`, of `$kinds`, begun by `$asOf` (each when given).
WHICH = """
MATCH (s:Strike)
WHERE ($cites IS NULL OR $cites IN coalesce(s.sources, []))
  AND ($kinds IS NULL OR coalesce(s.kind, 'STRIKE') IN $kinds)
  AND ($asOf IS NULL OR coalesce(s.startDateEarliest, s.attestedOnEarliest) <= $asOf)
"""
STOPPAGES = (
    WHICH
    + """RETURN s.id AS id, s.name AS name, coalesce(s.kind, 'STRIKE') AS kind,
  s.startDate AS start, s.endDate AS end, s.description AS notes,
  COLLECT { MATCH (s)-[r:AGAINST]->(o:Organization) WHERE r.retractedAt IS NULL RETURN o.name ORDER BY o.name }
    AS employers,
  COLLECT { MATCH (o:Organization)-[r:WAGES]->(s) WHERE r.retractedAt IS NULL
            RETURN {name: o.name, kind: o.kind,
                    union: head(COLLECT { MATCH (o)-[a:AFFILIATED_WITH]->(u:Organization)
                                          WHERE a.retractedAt IS NULL RETURN u.name ORDER BY u.name })}
            ORDER BY o.name } AS wagers,
  EXISTS { MATCH (:Organization)-[r:AUTHORIZED]->(s) WHERE r.retractedAt IS NULL } AS authorized,
  COLLECT { MATCH (s)-[r:IN_INDUSTRY]->(i:Industry) WHERE r.retractedAt IS NULL
            RETURN {name: i.name, code: i.code, detail: r.detail} ORDER BY i.code } AS industries,
  COLLECT { MATCH (f:Figure)-[r:MEASURES]->(s)
            WHERE r.retractedAt IS NULL AND coalesce(f.rank, 'NORMAL') <> 'DEPRECATED'
            RETURN {measure: f.measure, value: f.value} } AS figures,
  COLLECT { MATCH (s)-[r:AT]->(x) WHERE r.retractedAt IS NULL
            RETURN {labels: labels(x), name: x.name, kind: x.kind, iso: x.isoCode, address: x.address,
                    postal: x.postalCode,
                    places: COLLECT { MATCH (x)-[:LOCATED_IN*1..4]->(p:Place)
                                      RETURN {name: p.name, kind: p.kind, iso: p.isoCode} }}
            ORDER BY x.name } AS locations,
  COLLECT { MATCH (s)-[r:DEMANDS]->(i:Issue) WHERE r.retractedAt IS NULL RETURN i.name } AS demands,
  COLLECT { UNWIND range(0, size(coalesce(s.sources, [])) - 1) AS k
            MATCH (page:Source {id: s.sources[k]}) WHERE page.url IS NOT NULL RETURN page.url ORDER BY k } AS pages
ORDER BY coalesce(s.startDateEarliest, s.attestedOnEarliest), s.id
"""
)


# What Wikidata's QuickStatements need of a stoppage (seed/quickstatements.py writes them): its own item
# and sources, and each participant, place and workers-involved figure with the web pages its fact cites.
_PAGES = (
    "COLLECT {{ UNWIND range(0, size(coalesce({v}.sources, [])) - 1) AS k "
    "MATCH (page:Source {{id: {v}.sources[k]}}) WHERE page.url IS NOT NULL "
    "RETURN {{url: page.url, date: page.date}} ORDER BY k }}"
)
WIKIDATA = (
    WHICH
    + f"""
RETURN s.id AS id, s.name AS name, coalesce(s.kind, 'STRIKE') AS kind, s.wikidata AS item,
  s.startDate AS start, s.endDate AS end, {_PAGES.format(v="s")} AS pages,
  COLLECT {{ MATCH (o:Organization)-[r:WAGES|AGAINST]-(s) WHERE r.retractedAt IS NULL
            RETURN {{name: o.name, item: o.wikidata, pages: {_PAGES.format(v="r")}}} ORDER BY type(r) DESC, o.name }}
    AS participants,
  COLLECT {{ MATCH (s)-[r:AT]->(x) WHERE r.retractedAt IS NULL
            RETURN {{name: x.name, item: x.wikidata, pages: {_PAGES.format(v="r")}}} ORDER BY x.name }} AS places,
  COLLECT {{ MATCH (f:Figure)-[r:MEASURES]->(s)
            WHERE r.retractedAt IS NULL AND f.measure = 'WORKERS_INVOLVED'
              AND coalesce(f.rank, 'NORMAL') <> 'DEPRECATED'
            RETURN {{name: f.name, value: f.value, scope: f.scope, rank: coalesce(f.rank, 'NORMAL'),
                    on: f.attestedOn, pages: {_PAGES.format(v="f")}}} ORDER BY f.value DESC }} AS figures
ORDER BY coalesce(s.startDateEarliest, s.attestedOnEarliest), s.id
"""
)


async def stoppage_rows(
    statement: LiteralString,
    driver: AsyncDriver,
    database: str,
    *,
    cites: str | None,
    kinds: list[str] | None,
    as_of: date | None,
) -> list[dict[str, Any]]:
    """What `statement` (STOPPAGES or WIKIDATA) says of every stoppage (or of those citing `cites`, of
    `kinds`, begun by `as_of`), oldest first."""
    records, _, _ = await driver.execute_query(
        statement, cites=cites, kinds=kinds, asOf=as_of, routing_=RoutingControl.READ, database_=database
    )
    return [record.data() for record in records]
