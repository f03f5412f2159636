"""One node, or a few: by slug (`organization(id:)`), by name or alias, by global id (`node`, `nodes`) and
by another dataset's identifier (`byExternalId`)."""

from __future__ import annotations

import re
from typing import Any

from api.compile import root_fields as fields
from api.compile.filters import SLUG, bounded, shown, slug_of
from api.compile.plan import RootPlan, RootRead
from api.compile.render import EXTERNAL_PROPERTIES, Renderer
from api.compile.respond import Path, Shaper
from api.compile.roots.request import Planner, RootRequest
from api.errors import BadUserInput
from schema.global_ids import from_global_id
from schema.graph_model import ENTITY
from schema.keys import NAME_KEY, name_key
from schema.model import EXTERNAL_ID, NODE_KIND_BY_TYPE, Label
from schema.names import normalized_name

MAX_NAME = 500  # characters


# -- planned ---------------------------------------------------------------------------------------------


def lookup(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Lookup = request.arguments
    label = request.field.returns
    if (arguments.id is None) == (arguments.name is None):
        raise BadUserInput("pass exactly one of `id` or `name`", argument="id")
    child = planner.object(request.named, request.nodes, 1)
    if arguments.id is not None:
        return request.plan(BY_SLUG, label, child, args=(("slug", slug_of(arguments.id, "id")),))
    assert arguments.name is not None
    if len(arguments.name) > MAX_NAME:
        raise BadUserInput(f"name: at most {MAX_NAME} characters", argument="name")
    # Found through its key: the normalised name (schema/names.py) under a unique index.
    key = name_key(Label(label).value, normalized_name(arguments.name))
    return request.plan(BY_NAME, label, child, args=(("key", key),))


def node(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.ById = request.arguments
    type_name, slug = _global_id(arguments.id, "id")
    child = planner.object(request.named, request.nodes, 1)
    return request.plan(BY_SLUG, type_name, child, args=(("slug", slug),))


def external_id(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.ByExternalId = request.arguments
    attr = EXTERNAL_ID[arguments.scheme.value]
    assert attr.pattern is not None
    if len(arguments.id) > 200 or not re.fullmatch(attr.pattern, arguments.id):
        raise BadUserInput(
            f"id: {shown(arguments.id)} is not a {arguments.scheme.name} identifier ({attr.description})",
            argument="id",
        )
    child = planner.object(request.named, request.nodes, 1)
    return request.plan(BY_EXTERNAL_ID, None, child, args=(("property", attr.prop), ("value", arguments.id)))


def nodes_by_id(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.ByIds = request.arguments
    bounded(len(arguments.ids), 0, planner.max_page_size, "ids (count)")
    wanted = tuple(_global_id(value, "ids") for value in arguments.ids)
    child = planner.object(request.named, request.nodes, max(len(wanted), 1))
    return request.plan(BY_GLOBAL_IDS, None, child, args=(("ids", wanted),))


def _global_id(value: str, argument: str) -> tuple[str, str]:
    decoded = from_global_id(value) if len(value) <= 400 else None
    if decoded is None or decoded[0] not in NODE_KIND_BY_TYPE or not SLUG.fullmatch(decoded[1]):
        raise BadUserInput(f"{argument}: {shown(value)} is not a global id", argument=argument)
    return decoded


# -- rendered --------------------------------------------------------------------------------------------


def _one(renderer: Renderer, root: RootPlan, match: str) -> str:
    assert root.child is not None
    projection = renderer.object(root.child, {"v": "n"})
    return f"{match} RETURN CASE WHEN n IS NULL THEN null ELSE {projection} END"


def _by_slug(renderer: Renderer, root: RootPlan) -> str:
    label = root.label or ENTITY
    return _one(renderer, root, f"OPTIONAL MATCH (n:{label} {{id: {renderer.arg(root, 'slug')}}})")


def _by_name(renderer: Renderer, root: RootPlan) -> str:
    """By name or alias, through its key."""
    assert root.label is not None
    label = Label(root.label).value
    key = renderer.arg(root, "key")
    match = f"OPTIONAL MATCH (k:{NAME_KEY} {{key: {key}}}) OPTIONAL MATCH (n:{label} {{id: k.owner}})"
    return _one(renderer, root, match)


def _by_external_id(renderer: Renderer, root: RootPlan) -> str:
    """Through the identifier's unique constraint (schema/graph_model.py); the property is the model's."""
    prop = root.arg("property")
    assert prop in EXTERNAL_PROPERTIES
    return _one(renderer, root, f"OPTIONAL MATCH (n:{ENTITY} {{{prop}: {renderer.arg(root, 'value')}}})")


def _by_global_ids(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    ids = renderer.param([[type_name, slug] for type_name, slug in root.arg("ids")])
    projection = renderer.object(root.child, {"v": "n"})
    return (
        f"RETURN [x IN {ids} | head(COLLECT {{ MATCH (n:{ENTITY} {{id: x[1]}}) WHERE x[0] IN labels(n) "
        f"RETURN {projection} }})]"
    )


# -- shaped ----------------------------------------------------------------------------------------------


def _shape_one(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    assert root.child is not None
    return shaper.object(root.child, raw, path)


def _shape_many(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    assert root.child is not None
    return shaper.items(root.child, raw, path, item_non_null=False, parent="Query", name=root.name)


BY_SLUG = RootRead("lookup", _by_slug, _shape_one, subqueries=1)
BY_NAME = RootRead("lookup_name", _by_name, _shape_one, subqueries=1)
BY_EXTERNAL_ID = RootRead("lookup_external", _by_external_id, _shape_one, subqueries=1)
BY_GLOBAL_IDS = RootRead("nodes", _by_global_ids, _shape_many)
