"""The shortest chain of facts between two nodes (`path(from:, to:)`), hop by hop, retracted facts left out;
with `asOf`, only facts that held then, by the time rule `relationships(asOf:)` reads them with."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, get_named_type

from api.compile import root_fields as fields
from api.compile.filters import bounded, parse_date, slug_of
from api.compile.plan import RootPlan, RootRead
from api.compile.render import Renderer
from api.compile.respond import Path, Shaper
from api.compile.roots.request import Planner, RootRequest
from api.errors import BadUserInput, NotFound
from schema.graph_model import ENTITY
from schema.time_rule import ANY_FACT, held_on, life_of_either

MAX_PATH_LENGTH = 6


def path(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.PathBetween = request.arguments
    max_length = bounded(arguments.max_length, 1, MAX_PATH_LENGTH, "maxLength")
    start, end = slug_of(arguments.from_, "from"), slug_of(arguments.to, "to")
    if start == end:
        raise BadUserInput("from and to name the same node", argument="to")
    path_type = request.named
    assert isinstance(path_type, GraphQLObjectType)
    hop_type = get_named_type(path_type.fields["hops"].type)
    found = []
    child = None
    for field_key, group in planner.collect(path_type, [node.selection_set for node in request.nodes]).items():
        found.append((field_key, group[0].name.value))
        if group[0].name.value == "hops":
            child = planner.object(hop_type, group, max_length)
    args: tuple[tuple[str, Any], ...] = (
        ("from", start),
        ("to", end),
        ("max_length", max_length),
        ("fields", tuple(found)),
    )
    if arguments.as_of is not None:  # its first and last day, each a parameter: one plan serves every date
        day = parse_date(arguments.as_of, "asOf")
        args += (("as_of_earliest", day.earliest), ("as_of_latest", day.latest))
    return request.plan(PATH, None, child, args=args, typename=path_type.name)


def _render(renderer: Renderer, root: RootPlan) -> str:
    hops = "[]"
    if root.child is not None:
        hop = renderer.object(root.child, {"v": "r", "self": "x", "from_": "x", "to": "y"})
        hops = (
            "COLLECT { UNWIND range(0, coalesce(length(p), 0) - 1) AS i "
            "WITH i, nodes(p)[i] AS x, nodes(p)[i + 1] AS y, relationships(p)[i] AS r "
            f"RETURN {hop} ORDER BY i }}"
        )
    max_length = int(root.arg("max_length"))
    start, end = renderer.arg(root, "from"), renderer.arg(root, "to")
    return (
        f"OPTIONAL MATCH (a:{ENTITY} {{id: {start}}}) OPTIONAL MATCH (b:{ENTITY} {{id: {end}}}) "
        f"OPTIONAL MATCH p = shortestPath((a)-[*..{max_length}]-(b)) "
        f"WHERE all(rel IN relationships(p) WHERE {_held(renderer, root)}) "
        f"RETURN [a IS NOT NULL, b IS NOT NULL, length(p), {hops}]"
    )


def _held(renderer: Renderer, root: RootPlan) -> str:
    """Which facts a hop may be: every unretracted one, or with `asOf` those that held then. Neo4j checks this
    while it expands (the predicate reads only the fact and its ends), so no exhaustive search follows."""
    if root.arg("as_of_earliest") is None:
        return "rel.retractedAt IS NULL"
    bounds = renderer.arg(root, "as_of_earliest"), renderer.arg(root, "as_of_latest")
    return held_on("rel", ANY_FACT, bounds, life_of_either("startNode(rel)", "endNode(rel)"))


def _shape(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    from_found, to_found, length, hops = raw
    for found, argument in ((from_found, "from"), (to_found, "to")):
        if not found:
            raise NotFound(f"{argument}: no node with id '{root.arg(argument)}'", argument=argument)
    if length is None:
        return None
    out: dict[str, Any] = {"__typename": root.typename} if shaper.fallback else {}
    for key, name in root.arg("fields"):
        if name == "length":
            out[key] = length
        elif name == "hops":
            assert root.child is not None
            out[key] = shaper.items(root.child, hops, (path, key), True, root.typename, "hops")
        else:
            out[key] = root.typename
    return out


PATH = RootRead("path", _render, _shape)
