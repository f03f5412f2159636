"""How each kind of root field is planned (api/compile/root_fields.py declares the fields and their
arguments): one builder per `RootFieldKind`, each given a `RootRequest` (the field, its typed arguments, its
selection) and returning a `RootPlan`. Every refusal names the argument at fault."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    FieldNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    SelectionSetNode,
    get_named_type,
)

from api.compile import root_fields as fields
from api.compile.cursors import PageRequest, page_request, page_size
from api.compile.filters import MAX_LIST, SLUG, active, bounded, parse_date, shown, slug_of
from api.compile.plan import Condition, ConnectionField, ConnectionPlan, ObjectPlan, RootKind, RootPlan
from api.compile.root_fields import RootField, RootFieldKind
from api.errors import BadUserInput
from schema.global_ids import from_global_id
from schema.model import EXTERNAL_ID, NODE_KIND_BY_TYPE
from schema.names import normalized_name

MAX_PATH_LENGTH = 6
MAX_SEARCH_TEXT = 200  # characters
MAX_SEARCH_TERMS = 16


class Planner(Protocol):
    """What a builder asks of the planner (api/compile/planner.py), which calls the builders: the plan of
    the objects a selection reads, the fields a selection collects, and the page size allowed."""

    max_page_size: int

    def object(self, named: GraphQLNamedType, nodes: list[FieldNode], multiplier: int) -> ObjectPlan: ...

    def collect(
        self, runtime: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode | None]
    ) -> dict[str, list[FieldNode]]: ...


@dataclass(frozen=True)
class RootRequest:
    """One root field as the operation asks for it: its declaration, response key, arguments (an object of
    the declaration's arguments class), selection and GraphQL type."""

    field: RootField
    key: str
    arguments: Any
    nodes: list[FieldNode]
    graphql_type: GraphQLOutputType
    non_null: bool

    @property
    def named(self) -> GraphQLNamedType:
        return get_named_type(self.graphql_type)

    def plan(self, kind: RootKind, label: str | None, child: ObjectPlan | None, **rest: Any) -> RootPlan:
        return RootPlan(self.key, self.field.name, kind, self.non_null, label, child, **rest)


Builder = Callable[[Planner, RootRequest], RootPlan]


# -- one node -------------------------------------------------------------------------------------------


def lookup(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Lookup = request.arguments
    label = request.field.returns
    if (arguments.id is None) == (arguments.name is None):
        raise BadUserInput("pass exactly one of `id` or `name`", argument="id")
    child = planner.object(request.named, request.nodes, 1)
    if arguments.id is not None:
        return request.plan("lookup", label, child, args=(("slug", slug_of(arguments.id, "id")),))
    assert arguments.name is not None
    if len(arguments.name) > 500:
        raise BadUserInput("name: at most 500 characters", argument="name")
    return request.plan("lookup_name", label, child, args=(("name", arguments.name),))


def _global_id(value: str, argument: str) -> tuple[str, str]:
    decoded = from_global_id(value) if len(value) <= 400 else None
    if decoded is None or decoded[0] not in NODE_KIND_BY_TYPE or not SLUG.fullmatch(decoded[1]):
        raise BadUserInput(f"{argument}: {shown(value)} is not a global id", argument=argument)
    return decoded


def node(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.ById = request.arguments
    type_name, slug = _global_id(arguments.id, "id")
    child = planner.object(request.named, request.nodes, 1)
    return request.plan("lookup", type_name, child, args=(("slug", slug),))


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
    return request.plan("lookup_external", None, child, args=(("property", attr.prop), ("value", arguments.id)))


def nodes_by_id(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.ByIds = request.arguments
    bounded(len(arguments.ids), 0, planner.max_page_size, "ids (count)")
    wanted = tuple(_global_id(value, "ids") for value in arguments.ids)
    child = planner.object(request.named, request.nodes, max(len(wanted), 1))
    return request.plan("nodes", None, child, args=(("ids", wanted),))


# -- lists and connections ------------------------------------------------------------------------------


def node_list(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Filters = request.arguments
    page = page_request(arguments.order, getattr(arguments, "first", None), None, None, None, planner.max_page_size)
    return _listed(planner, request, tuple(arguments.conditions()), arguments.order, page)


def connection(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Filters = request.arguments
    assert isinstance(arguments, fields.Backwards), "a connection's arguments add after, last and before"
    first = getattr(arguments, "first", None)
    page = page_request(
        arguments.order, first, arguments.after, arguments.last, arguments.before, planner.max_page_size
    )
    return _listed(planner, request, tuple(arguments.conditions()), arguments.order, page)


def active_strikes(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.ActiveStrikes = request.arguments
    day = arguments.on or dt.date.today().isoformat()
    order = "START_DATE_ASC"
    page = page_request(order, arguments.first, None, None, None, planner.max_page_size)
    return _listed(planner, request, (active(parse_date(day, "on")),), order, page)


def _listed(
    planner: Planner, request: RootRequest, conditions: tuple[Condition, ...], order: str, page: PageRequest
) -> RootPlan:
    label = request.field.returns
    args = (("order", order), ("page", page))
    if request.field.shape != "connection":
        child = planner.object(request.named, request.nodes, max(page.limit, 1))
        return request.plan("list", label, child, conditions=conditions, args=args)
    named = request.named
    assert isinstance(named, GraphQLObjectType)
    plan = _connection(planner, named, request.nodes, max(page.limit, 1))
    return request.plan(
        "connection", label, None, conditions=conditions, args=args, connection=plan, typename=named.name
    )


def _connection(planner: Planner, connection: GraphQLObjectType, nodes: list[FieldNode], size: int) -> ConnectionPlan:
    """Connection fields, through fragments on the connection and edge types; node selections projected once."""
    projections: list[ObjectPlan] = []

    def projection(plan: ObjectPlan) -> int:
        if plan not in projections:
            projections.append(plan)
        return projections.index(plan)

    found: list[ConnectionField] = []
    wants_total = False
    for key, group in planner.collect(connection, [node.selection_set for node in nodes]).items():
        field_name = group[0].name.value
        if field_name == "__typename":
            found.append(ConnectionField(key, field_name, typename=connection.name))
        elif field_name == "totalCount":
            wants_total = True
            found.append(ConnectionField(key, field_name))
        elif field_name == "nodes":
            item = get_named_type(connection.fields["nodes"].type)
            found.append(ConnectionField(key, field_name, projection(planner.object(item, group, size))))
        elif field_name == "pageInfo":
            page_type = get_named_type(connection.fields["pageInfo"].type)
            assert isinstance(page_type, GraphQLObjectType)
            page_fields = tuple(
                (inner_key, inner[0].name.value)
                for inner_key, inner in planner.collect(page_type, [g.selection_set for g in group]).items()
            )
            found.append(ConnectionField(key, field_name, page_fields=page_fields, typename=page_type.name))
        elif field_name == "edges":
            edge_type = get_named_type(connection.fields["edges"].type)
            assert isinstance(edge_type, GraphQLObjectType)
            edge_fields = []
            for inner_key, inner in planner.collect(edge_type, [g.selection_set for g in group]).items():
                inner_name = inner[0].name.value
                index = -1
                if inner_name == "node":
                    index = projection(planner.object(get_named_type(edge_type.fields["node"].type), inner, size))
                edge_fields.append((inner_key, inner_name, index))
            found.append(ConnectionField(key, field_name, edge_fields=tuple(edge_fields), typename=edge_type.name))
    return ConnectionPlan(tuple(found), tuple(projections), wants_total)


# -- exploring ------------------------------------------------------------------------------------------

_OPERATORS = {"AND", "OR", "NOT", "TO"}


def lucene_escape(text: str) -> str:
    """A word as a literal term: special characters escaped, bare operators (AND, OR, NOT) lowercased."""
    if text in _OPERATORS:
        return text.lower()
    return re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", text)


def search(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Search = request.arguments
    text = arguments.text
    first = page_size(arguments.first, planner.max_page_size)
    if len(text) > MAX_SEARCH_TEXT:
        raise BadUserInput(f"text: at most {MAX_SEARCH_TEXT} characters, got {len(text)}", argument="text")
    words = text.split()
    if not words:
        raise BadUserInput("text: give at least one word to search for", argument="text")
    if len(words) > MAX_SEARCH_TERMS:
        raise BadUserInput(f"text: at most {MAX_SEARCH_TERMS} words, got {len(words)}", argument="text")
    terms = [lucene_escape(word) for word in words]
    query = " ".join(f"({term} OR {term}*)" for term in terms)
    labels = tuple(kind.value for kind in arguments.kinds or ())
    child = planner.object(request.named, request.nodes, first)
    exact = normalized_name(text)  # a node named (or aliased) exactly this ranks first
    args = (("query", query), ("labels", labels), ("first", first), ("exact", exact))
    return request.plan("search", None, child, args=args)


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
    args = (("from", start), ("to", end), ("max_length", max_length), ("fields", tuple(found)))
    return request.plan("path", None, child, args=args, typename=path_type.name)


def changes(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Changes = request.arguments
    first = page_size(arguments.first, planner.max_page_size)
    since = _instant(arguments.since) if arguments.since is not None else None
    if arguments.entity is not None and len(arguments.entity) > 300:
        raise BadUserInput("entity: at most 300 characters", argument="entity")
    child = planner.object(request.named, request.nodes, first)
    return request.plan("changes", None, child, args=(("since", since), ("entity", arguments.entity), ("first", first)))


# -- counts ---------------------------------------------------------------------------------------------


def strikes_per_year(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.StrikesPerYear = request.arguments
    for year, argument in ((arguments.from_, "from"), (arguments.to, "to")):
        if year is not None:
            bounded(year, 1, 9999, argument)
    child = planner.object(request.named, request.nodes, MAX_LIST)
    return request.plan("strikes_per_year", None, child, args=(("from", arguments.from_), ("to", arguments.to)))


def days_on_strike(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.DaysOnStrike = request.arguments
    first = page_size(20 if arguments.first is None else arguments.first, planner.max_page_size)
    child = planner.object(request.named, request.nodes, first)
    as_of = (("as_of", parse_date(arguments.as_of, "asOf")),) if arguments.as_of is not None else ()
    return request.plan("days_on_strike", None, child, args=(*as_of, ("first", first)))


def _instant(text: str) -> str:
    """An ISO date or date-time, as the ISO date-time Neo4j's `datetime()` reads (UTC when no zone)."""
    try:
        moment = dt.datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or not 1 <= moment.year <= 9999:
        raise BadUserInput(
            f"since: {shown(text)} is not an ISO date or date-time (e.g. 2026-11-01 or 2026-11-01T10:00:00Z)",
            argument="since",
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


BUILDERS: dict[RootFieldKind, Builder] = {
    RootFieldKind.LOOKUP: lookup,
    RootFieldKind.NODE: node,
    RootFieldKind.NODES: nodes_by_id,
    RootFieldKind.EXTERNAL_ID: external_id,
    RootFieldKind.LIST: node_list,
    RootFieldKind.CONNECTION: connection,
    RootFieldKind.ACTIVE_STRIKES: active_strikes,
    RootFieldKind.SEARCH: search,
    RootFieldKind.CHANGES: changes,
    RootFieldKind.STRIKES_PER_YEAR: strikes_per_year,
    RootFieldKind.DAYS_ON_STRIKE: days_on_strike,
    RootFieldKind.PATH: path,
}
