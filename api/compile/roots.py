"""The root fields of `Query`, as plans: each reads its arguments (already coerced by graphql-core), checks
them, and says what to fetch. Filters become WHERE conditions with named parameters; the renderer places
them. Every refusal names the argument at fault.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, GraphQLNamedType, GraphQLObjectType, GraphQLOutputType

from api.compile.cursors import PageRequest, page_request, page_size
from api.compile.plan import Condition, ConnectionField, ConnectionPlan, ObjectPlan, RootPlan
from api.errors import BadUserInput
from schema.camel import camel_case
from schema.dates import PartialDate
from schema.global_ids import from_global_id
from schema.model import NODE_KIND_BY_TYPE, NODE_KINDS, Label, Relation, RelType
from schema.names import normalized_name

if TYPE_CHECKING:
    from api.compile.planner import Planner

MAX_LIST = 500  # items per nested list: a guard against accidental fan-out
MAX_PATH_LENGTH = 6
MAX_SEARCH_TEXT = 200  # characters
MAX_SEARCH_TERMS = 16
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

RootBuilder = Callable[
    ["Planner", str, str, bool, dict[str, Any], set[str], list[FieldNode], GraphQLOutputType], RootPlan
]
ROOT_FIELDS: dict[str, RootBuilder] = {}


def _root(*names: str) -> Callable[[RootBuilder], RootBuilder]:
    def register(builder: RootBuilder) -> RootBuilder:
        for name in names:
            ROOT_FIELDS[name] = builder
        return builder

    return register


# -- arguments ------------------------------------------------------------------------------------------


def parse_date(value: Any, argument: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise BadUserInput(f"{argument}: {error}", argument=argument) from None


def bounded(value: int, low: int, high: int, argument: str) -> int:
    if not low <= value <= high:
        raise BadUserInput(f"{argument} must be between {low} and {high}, got {value}", argument=argument)
    return value


def slug_of(value: str, argument: str) -> str:
    """Accept a slug or a Relay global id wherever a node is named."""
    decoded = from_global_id(value)
    if decoded is not None and decoded[0] in NODE_KIND_BY_TYPE and SLUG.fullmatch(decoded[1]):
        return decoded[1]
    if len(value) > 300 or not SLUG.fullmatch(value):
        raise BadUserInput(f"{argument}: {_shown(value)} is neither a slug nor a global id", argument=argument)
    return value


def _shown(value: str) -> str:
    """A client's value quoted in an error, cut short: never echo a megabyte back."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def as_of_argument(arguments: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    as_of = arguments.get("asOf")
    return (("as_of", parse_date(as_of, "asOf")),) if as_of is not None else ()


def time_arguments(arguments: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """`asOf`, or `history: true`, or neither (today); `includePredecessors` where a field takes it."""
    bound = as_of_argument(arguments)
    if arguments.get("history"):
        if bound:
            raise BadUserInput("asOf and history: give one or the other: history lists every fact, whatever the date")
        bound += (("history", True),)
    if arguments.get("includePredecessors"):
        bound += (("include_predecessors", True),)
    return bound


def relationships_arguments(arguments: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    types = arguments.get("types")
    type_names = tuple(RelType[str(name)].value for name in types) if types else ()
    direction = str(arguments.get("direction") or "BOTH")
    first = bounded(int(arguments.get("first", 100)), 0, MAX_LIST, "first")
    return (*time_arguments(arguments), ("types", type_names), ("direction", direction), ("first", first))


def relation_named(type_name: str, graphql_name: str) -> Relation:
    for relation in NODE_KIND_BY_TYPE[type_name].relations:
        if camel_case(relation.name) == graphql_name:
            return relation
    raise KeyError(f"{type_name}.{graphql_name}")


# -- one node -------------------------------------------------------------------------------------------

LOOKUPS = {kind.type_name[0].lower() + kind.type_name[1:]: kind for kind in NODE_KINDS}


def _named(graphql_type: GraphQLOutputType) -> GraphQLNamedType:
    from api.compile.planner import unwrap

    return unwrap(graphql_type)[3]


@_root(*LOOKUPS)
def lookup(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
           nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    label = LOOKUPS[name].type_name
    slug, text = arguments.get("id"), arguments.get("name")
    if (slug is None) == (text is None):
        raise BadUserInput("pass exactly one of `id` or `name`", argument="id")
    child = planner.object(_named(graphql_type), nodes, 1)
    if slug is not None:
        return RootPlan(key, name, "lookup", non_null, label, child, args=(("slug", slug_of(slug, "id")),))
    assert isinstance(text, str)
    if len(text) > 500:
        raise BadUserInput("name: at most 500 characters", argument="name")
    return RootPlan(key, name, "lookup_name", non_null, label, child, args=(("name", text),))


def _global_id(value: str, argument: str) -> tuple[str, str]:
    decoded = from_global_id(value) if len(value) <= 400 else None
    if decoded is None or decoded[0] not in NODE_KIND_BY_TYPE or not SLUG.fullmatch(decoded[1]):
        raise BadUserInput(f"{argument}: {_shown(value)} is not a global id", argument=argument)
    return decoded


@_root("node")
def node(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
         nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    type_name, slug = _global_id(arguments["id"], "id")
    child = planner.object(_named(graphql_type), nodes, 1)
    return RootPlan(key, name, "lookup", non_null, type_name, child, args=(("slug", slug),))


@_root("nodes")
def nodes_by_id(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
                nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    ids = arguments["ids"]
    bounded(len(ids), 0, planner.max_page_size, "ids (count)")
    wanted = tuple(_global_id(value, "ids") for value in ids)
    child = planner.object(_named(graphql_type), nodes, max(len(ids), 1))
    return RootPlan(key, name, "nodes", non_null, None, child, args=(("ids", wanted),))


# -- lists and connections ------------------------------------------------------------------------------

LISTS = {kind.section: kind for kind in NODE_KINDS}


def _conditions(section: str, arguments: dict[str, Any]) -> tuple[Condition, ...]:
    return tuple(FILTERS[section](arguments))


def _page(planner: Planner, order: str, arguments: dict[str, Any], connection: bool) -> PageRequest:
    if connection:
        return page_request(order, arguments.get("first"), arguments.get("after"), arguments.get("last"),
                            arguments.get("before"), planner.max_page_size)  # fmt: skip
    return page_request(order, arguments.get("first"), None, None, None, planner.max_page_size)


@_root(*LISTS, *(f"{section}Connection" for section in LISTS), "activeStrikes")
def node_list(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
              nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    connection = name.endswith("Connection")
    section = "strikes" if name == "activeStrikes" else name.removesuffix("Connection")
    label = LISTS[section].type_name
    if name == "activeStrikes":
        day = arguments.get("on") or dt.date.today().isoformat()
        conditions: tuple[Condition, ...] = (_active(parse_date(day, "on")),)
        order = "START_DATE_ASC"
    else:
        conditions = _conditions(section, arguments)
        order = str(arguments.get("orderBy"))
    page = _page(planner, order, arguments, connection)
    args = (("order", order), ("page", page))
    named = _named(graphql_type)
    if not connection:
        child = planner.object(named, nodes, max(page.limit, 1))
        return RootPlan(key, name, "list", non_null, label, child, conditions, args)
    assert isinstance(named, GraphQLObjectType)
    plan = _connection(planner, named, nodes, max(page.limit, 1))
    return RootPlan(key, name, "connection", non_null, label, None, conditions, args, plan, typename=named.name)


def _connection(planner: Planner, connection: GraphQLObjectType, nodes: list[FieldNode], size: int) -> ConnectionPlan:
    """Connection fields, through fragments on the connection and edge types; node selections projected once."""
    projections: list[ObjectPlan] = []

    def projection(plan: ObjectPlan) -> int:
        if plan not in projections:
            projections.append(plan)
        return projections.index(plan)

    fields: list[ConnectionField] = []
    wants_total = False
    for key, group in planner.collect(connection, [node.selection_set for node in nodes]).items():
        field_name = group[0].name.value
        if field_name == "__typename":
            fields.append(ConnectionField(key, field_name, typename=connection.name))
        elif field_name == "totalCount":
            wants_total = True
            fields.append(ConnectionField(key, field_name))
        elif field_name == "nodes":
            item = _named(connection.fields["nodes"].type)
            fields.append(ConnectionField(key, field_name, projection(planner.object(item, group, size))))
        elif field_name == "pageInfo":
            page_type = _named(connection.fields["pageInfo"].type)
            assert isinstance(page_type, GraphQLObjectType)
            page_fields = tuple(
                (inner_key, inner[0].name.value)
                for inner_key, inner in planner.collect(page_type, [g.selection_set for g in group]).items()
            )
            fields.append(ConnectionField(key, field_name, page_fields=page_fields, typename=page_type.name))
        elif field_name == "edges":
            edge_type = _named(connection.fields["edges"].type)
            assert isinstance(edge_type, GraphQLObjectType)
            edge_fields = []
            for inner_key, inner in planner.collect(edge_type, [g.selection_set for g in group]).items():
                inner_name = inner[0].name.value
                index = -1
                if inner_name == "node":
                    index = projection(planner.object(_named(edge_type.fields["node"].type), inner, size))
                edge_fields.append((inner_key, inner_name, index))
            fields.append(ConnectionField(key, field_name, edge_fields=tuple(edge_fields), typename=edge_type.name))
    return ConnectionPlan(tuple(fields), tuple(projections), wants_total)


# -- filters: conditions over the listed node `n`, values as named parameters ------------------------------


def _name_contains(fragment: str | None) -> list[Condition]:
    if not fragment:
        return []
    if len(fragment) > 200:
        raise BadUserInput("nameContains: at most 200 characters", argument="nameContains")
    return [Condition("any(k IN n.nameKeys WHERE k CONTAINS {fragment})", (("fragment", normalized_name(fragment)),))]


def _date_range(prop: str, start: Any, end: Any, argument: str, bound: str | None = None) -> list[Condition]:
    """Nodes whose `prop` may fall in [start, end] (a partial date counts as its whole span). Where `prop` is
    unknown, a `bound` date (a strike attested as under way) says only that it came no later than that."""
    conditions = []
    if start is not None:
        latest = f"coalesce(n.{prop}Latest, n.{bound}Latest)" if bound else f"n.{prop}Latest"
        conditions.append(Condition(f"{latest} >= {{lo}}", (("lo", parse_date(start, argument).earliest),)))
    if end is not None:
        unbounded = f" OR (n.{prop} IS NULL AND n.{bound} IS NOT NULL)" if bound else ""
        earliest = f"(n.{prop}Earliest <= {{hi}}{unbounded})"
        conditions.append(Condition(earliest, (("hi", parse_date(end, argument).latest),)))
    return conditions


def _linked(pattern: str, slug: str | None, argument: str) -> list[Condition]:
    """Nodes with a current fact matching `pattern` (which names the fact `x` and the node `{node}`)."""
    if slug is None:
        return []
    return [Condition(f"EXISTS {{{{ {pattern} WHERE x.retractedAt IS NULL }}}}", (("node", slug_of(slug, argument)),))]


def _equals(prop: str, value: Enum | str | None) -> list[Condition]:
    if value is None:
        return []
    return [Condition(f"n.{prop} = {{value}}", (("value", str(value.value if isinstance(value, Enum) else value)),))]


def _active(span: PartialDate) -> Condition:
    """Strikes that may have been on during `span` (a partial date counts as its whole span)."""
    return Condition(
        "coalesce(n.attestedOnEarliest, n.startDateEarliest) <= {hi} "
        "AND coalesce(n.attestedOnLatest, n.endDateLatest, {hi}) >= {lo}",
        (("lo", span.earliest), ("hi", span.latest)),
    )


def _strikes(a: dict[str, Any]) -> list[Condition]:
    conditions = [_active(parse_date(a["activeOn"], "activeOn"))] if a.get("activeOn") is not None else []
    conditions += _linked("(:Organization {{id: {node}}})-[x:WAGES]->(n)", a.get("striker"), "striker")
    conditions += _linked("(n)-[x:AGAINST]->(:Organization {{id: {node}}})", a.get("against"), "against")
    conditions += _date_range(
        "startDate", a.get("startedFrom"), a.get("startedTo"), "startedFrom/startedTo", bound="attestedOn"
    )
    return conditions + _name_contains(a.get("nameContains"))


def _agreements(a: dict[str, Any]) -> list[Condition]:
    conditions = _linked("(:Organization {{id: {node}}})-[x:REACHED|PARTY_TO|RATIFIED]->(n)", a.get("party"), "party")
    if a.get("ratifiedAsOf") is not None:
        day = parse_date(a["ratifiedAsOf"], "ratifiedAsOf")
        conditions.append(
            Condition(
                "EXISTS {{ ()-[x:RATIFIED]->(n) WHERE coalesce(x.onEarliest, x.byLatest) <= {hi} "
                "AND (x.retractedAt IS NULL OR date(x.retractedAt) > {hi}) }}",
                (("hi", day.latest),),
            )
        )
    return conditions + _name_contains(a.get("nameContains"))


def _publisher(fragment: str | None) -> list[Condition]:
    if not fragment:
        return []
    return [Condition("toLower(n.publisher) CONTAINS {fragment}", (("fragment", fragment.casefold()[:200]),))]


FILTERS: dict[str, Callable[[dict[str, Any]], list[Condition]]] = {
    "organizations": lambda a: _equals("kind", a.get("kind")) + _name_contains(a.get("nameContains")),
    "people": lambda a: (
        _name_contains(a.get("nameContains"))
        + _linked(
            "(n)-[x:PRESIDES|LEADS|MEMBER_OF]->(:Organization {{id: {node}}})", a.get("organization"), "organization"
        )
    ),
    "strikes": _strikes,
    "agreements": _agreements,
    "negotiations": lambda a: (
        _linked("(:Entity {{id: {node}}})-[x:PARTICIPATES_IN]->(n)", a.get("party"), "party")
        + _equals("status", a.get("status"))
        + _date_range("date", a.get("dateFrom"), a.get("dateTo"), "dateFrom/dateTo")
    ),
    "issues": lambda a: (
        _name_contains(a.get("nameContains"))
        + _linked("(:Entity {{id: {node}}})-[x:PROPOSES]->(n)", a.get("proposedBy"), "proposedBy")
    ),
    "sources": lambda a: _equals("kind", a.get("kind")) + _publisher(a.get("publisherContains")),
}


# -- exploring ------------------------------------------------------------------------------------------

_OPERATORS = {"AND", "OR", "NOT", "TO"}


def lucene_escape(text: str) -> str:
    """A word as a literal term: special characters escaped, bare operators (AND, OR, NOT) lowercased."""
    if text in _OPERATORS:
        return text.lower()
    return re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", text)


@_root("search")
def search(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
           nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    text: str = arguments["text"]
    first = page_size(arguments.get("first", 10), planner.max_page_size)
    if len(text) > MAX_SEARCH_TEXT:
        raise BadUserInput(f"text: at most {MAX_SEARCH_TEXT} characters, got {len(text)}", argument="text")
    words = text.split()
    if not words:
        raise BadUserInput("text: give at least one word to search for", argument="text")
    if len(words) > MAX_SEARCH_TERMS:
        raise BadUserInput(f"text: at most {MAX_SEARCH_TERMS} words, got {len(words)}", argument="text")
    terms = [lucene_escape(word) for word in words]
    query = " ".join(f"({term} OR {term}*)" for term in terms)
    labels = tuple(Label[str(kind)].value for kind in arguments.get("kinds") or ())
    child = planner.object(_named(graphql_type), nodes, first)
    return RootPlan(key, name, "search", non_null, None, child, args=(("query", query), ("labels", labels),
                                                                       ("first", first)))  # fmt: skip


@_root("path")
def path(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
         nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    max_length = bounded(arguments.get("maxLength", 4), 1, MAX_PATH_LENGTH, "maxLength")
    start, end = slug_of(arguments["from"], "from"), slug_of(arguments["to"], "to")
    if start == end:
        raise BadUserInput("from and to name the same node", argument="to")
    path_type = _named(graphql_type)
    assert isinstance(path_type, GraphQLObjectType)
    hop_type = _named(path_type.fields["hops"].type)
    fields = []
    child = None
    for field_key, group in planner.collect(path_type, [node.selection_set for node in nodes]).items():
        fields.append((field_key, group[0].name.value))
        if group[0].name.value == "hops":
            child = planner.object(hop_type, group, max_length)
    args = (("from", start), ("to", end), ("max_length", max_length), ("fields", tuple(fields)))
    return RootPlan(key, name, "path", non_null, None, child, args=args, typename=path_type.name)


@_root("changes")
def changes(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any], given: set[str],
            nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    first = page_size(arguments.get("first", 50), planner.max_page_size)
    since = arguments.get("since")
    if since is not None:
        since = _instant(since)
    entity = arguments.get("entity")
    if entity is not None and len(entity) > 300:
        raise BadUserInput("entity: at most 300 characters", argument="entity")
    child = planner.object(_named(graphql_type), nodes, first)
    return RootPlan(key, name, "changes", non_null, None, child, args=(("since", since), ("entity", entity),
                                                                        ("first", first)))  # fmt: skip


@_root("strikesPerYear")
def strikes_per_year(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any],
                     given: set[str], nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    years = [arguments.get(bound) for bound in ("from", "to")]
    for year, argument in zip(years, ("from", "to"), strict=True):
        if year is not None:
            bounded(year, 1, 9999, argument)
    child = planner.object(_named(graphql_type), nodes, MAX_LIST)
    return RootPlan(key, name, "strikes_per_year", non_null, None, child, args=(("from", years[0]), ("to", years[1])))


@_root("daysOnStrike")
def days_on_strike(planner: Planner, key: str, name: str, non_null: bool, arguments: dict[str, Any],
                   given: set[str], nodes: list[FieldNode], graphql_type: GraphQLOutputType) -> RootPlan:  # fmt: skip
    asked = arguments.get("first")
    first = page_size(20 if asked is None else asked, planner.max_page_size)
    child = planner.object(_named(graphql_type), nodes, first)
    return RootPlan(key, name, "days_on_strike", non_null, None, child,
                    args=(*as_of_argument(arguments), ("first", first)))  # fmt: skip


def _instant(text: str) -> str:
    """An ISO date or date-time, as the ISO date-time Neo4j's `datetime()` reads (UTC when no zone)."""
    try:
        moment = dt.datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or not 1 <= moment.year <= 9999:
        raise BadUserInput(
            f"since: {_shown(text)} is not an ISO date or date-time (e.g. 2026-11-01 or 2026-11-01T10:00:00Z)",
            argument="since",
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()
