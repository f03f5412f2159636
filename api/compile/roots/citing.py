"""Which facts rest on a source (`factsCiting(source:)`): every unretracted fact whose citations name it, as
the source itself or as the one relaying it (`via`), each as a hop from its start to its end.

Citations live on the facts, as lists of source ids (schema/model.py, `CITATION_SOURCE` and the citation
fields), so there is no index to seek: the facts are scanned, once per request, and only the page is shaped."""

from __future__ import annotations

from typing import Any

from api.compile import root_fields as fields
from api.compile.cursors import page_size
from api.compile.filters import SLUG, shown, slug_of
from api.compile.plan import RootPlan, RootRead
from api.compile.render import Renderer
from api.compile.respond import Path, Shaper
from api.compile.roots.request import Planner, RootRequest
from api.errors import BadUserInput, NotFound
from schema.global_ids import from_global_id
from schema.graph_model import ENTITY
from schema.model import CITATION_FIELDS, CITATION_SOURCE, NODE_KIND_BY_TYPE, Label

VIAS = next(attr.prop for attr in CITATION_FIELDS if attr.name == "via")  # the relaying source of each citation


def facts_citing(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.FactsCiting = request.arguments
    first = page_size(arguments.first, planner.max_page_size)
    source = _source(arguments.source)
    child = planner.object(request.named, request.nodes, first)
    return request.plan(FACTS_CITING, Label.SOURCE.value, child, args=(("source", source), ("first", first)))


def _source(value: str) -> str:
    """A source's slug, from its slug or its global id; another kind's global id is refused, not looked up."""
    decoded = from_global_id(value)
    kind = decoded[0] if decoded is not None and SLUG.fullmatch(decoded[1]) else None
    if kind in NODE_KIND_BY_TYPE and kind != Label.SOURCE.value:
        raise BadUserInput(f"source: {shown(value)} is the id of a {kind}, not a Source", argument="source")
    return slug_of(value, "source")


def _render(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    source, first = renderer.arg(root, "source"), renderer.param(root.arg("first"))
    hop = renderer.object(root.child, {"v": "r", "self": "a", "from_": "a", "to": "b"})
    # CASE: an unknown source (NOT_FOUND) scans nothing (1 db hit on the seed, against 71 with the scan).
    return (
        f"OPTIONAL MATCH (s:{Label.SOURCE.value} {{id: {source}}}) "
        f"RETURN [s IS NOT NULL, CASE WHEN s IS NULL THEN [] ELSE COLLECT {{ MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) "
        f"WHERE r.retractedAt IS NULL AND ({source} IN r.{CITATION_SOURCE} OR {source} IN r.{VIAS}) "
        f"RETURN {hop} ORDER BY type(r), a.name, r.id LIMIT {first} }} END]"
    )


def _shape(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    found, hops = raw
    if not found:
        raise NotFound(f"source: no source with id '{root.arg('source')}'", argument="source")
    assert root.child is not None
    return shaper.items(root.child, hops, path, True, "Query", root.name)


FACTS_CITING = RootRead("facts_citing", _render, _shape)  # its CALL and the facts' COLLECT
