"""Lists of one kind of node with filters and an ordering (`strikes`, `organizations`, ...), the same as
Relay connections (`strikesConnection`), and the strikes active on a day. A page is one keyset query that
reads one row more than it returns, to tell whether more follow."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLObjectType, get_named_type

from api.compile import root_fields as fields
from api.compile.cursors import SORT_KEYS, PageRequest, encode_cursor, keyset_condition, order_by, page_request
from api.compile.filters import active, active_today, parse_date
from api.compile.plan import Condition, ConnectionField, ConnectionPlan, ObjectPlan, RootPlan, RootRead
from api.compile.render import Renderer
from api.compile.respond import Path, Shaper
from api.compile.roots.request import Planner, RootRequest
from schema.model import Label

# -- planned ---------------------------------------------------------------------------------------------


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
    on = active_today() if arguments.on is None else active(parse_date(arguments.on, "on"))
    order = "START_DATE_ASC"
    page = page_request(order, arguments.first, None, None, None, planner.max_page_size)
    return _listed(planner, request, (on,), order, page)


def _listed(
    planner: Planner, request: RootRequest, conditions: tuple[Condition, ...], order: str, page: PageRequest
) -> RootPlan:
    label = request.field.returns
    args = (("order", order), ("page", page))
    if request.field.shape != "connection":
        child = planner.object(request.named, request.nodes, max(page.limit, 1))
        return request.plan(LIST, label, child, conditions=conditions, args=args)
    named = request.named
    assert isinstance(named, GraphQLObjectType)
    plan = _connection(planner, named, request.nodes, max(page.limit, 1))
    return request.plan(CONNECTION, label, None, conditions=conditions, args=args, connection=plan, typename=named.name)


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


# -- rendered --------------------------------------------------------------------------------------------


def _render_list(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    return _page(renderer, root, (root.child,), wants_total=False)


def _render_connection(renderer: Renderer, root: RootPlan) -> str:
    assert root.connection is not None
    return _page(renderer, root, root.connection.projections, root.connection.wants_total)


def _page(renderer: Renderer, root: RootPlan, projections: tuple[ObjectPlan, ...], wants_total: bool) -> str:
    """The page of `label` nodes matching the conditions, plus one row to tell whether more follow."""
    label = Label(root.label).value
    order: str = root.arg("order")
    page: PageRequest = root.arg("page")
    sort = SORT_KEYS[order]
    conditions = [renderer.condition(c.template, dict(c.values)) for c in root.conditions]
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    keyset = list(conditions)
    if page.cursor is not None:
        key_param, slug_param = renderer.param(page.cursor[0]), renderer.param(page.cursor[1])
        keyset.append(keyset_condition(sort, page, key_param, slug_param))
    page_where = f"WHERE {' AND '.join(keyset)}" if keyset else ""
    total = f"CALL () {{ MATCH (n:{label}) {where} RETURN count(n) AS total }}" if wants_total else "WITH null AS total"
    restore = f"WITH n, sortKey ORDER BY {order_by(sort, reverse=False)}" if page.backward else ""
    row = ", ".join(["sortKey", "n.id", *(renderer.object(p, {"v": "n"}) for p in projections)])
    return (
        f"{total} CALL () {{ MATCH (n:{label}) {page_where} "
        f"WITH n, {sort.expression.format(n='n')} AS sortKey "
        f"ORDER BY {order_by(sort, reverse=page.backward)} LIMIT {renderer.param(page.limit + 1)} {restore} "
        f"RETURN collect([{row}]) AS rows }} RETURN [total, rows]"
    )


# -- shaped ----------------------------------------------------------------------------------------------


def _shape_list(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    assert root.child is not None
    rows, _ = _trim(raw[1], root.arg("page"))
    return shaper.items(root.child, [row[2] for row in rows], path, True, "Query", root.name)


def _shape_connection(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    assert root.connection is not None
    total, rows = raw
    page: PageRequest = root.arg("page")
    order: str = root.arg("order")
    rows, more = _trim(rows, page)
    cursors = [encode_cursor(order, row[0], row[1]) for row in rows]
    projections = root.connection.projections
    fallback = shaper.fallback
    out: dict[str, Any] = {"__typename": root.typename} if fallback else {}
    for spec in root.connection.fields:
        key = spec.key
        if spec.name == "__typename":
            out[key] = spec.typename
        elif spec.name == "totalCount":
            out[key] = total
        elif spec.name == "nodes":
            plan = projections[spec.projection]
            out[key] = shaper.items(plan, [row[2 + spec.projection] for row in rows], (path, key), True,
                                    root.typename, "nodes")  # fmt: skip
        elif spec.name == "pageInfo":
            info = {
                "hasNextPage": more if not page.backward else page.has_cursor,
                "hasPreviousPage": more if page.backward else page.has_cursor,
                "startCursor": cursors[0] if cursors else None,
                "endCursor": cursors[-1] if cursors else None,
                "__typename": spec.typename,
            }
            shaped = {inner_key: info[name] for inner_key, name in spec.page_fields}
            out[key] = shaped | {"__typename": spec.typename} if fallback else shaped
        elif spec.name == "edges":
            edges = []
            for index, row in enumerate(rows):
                edge: dict[str, Any] = {"__typename": spec.typename} if fallback else {}
                for inner_key, name, projection in spec.edge_fields:
                    if name == "cursor":
                        edge[inner_key] = cursors[index]
                    elif name == "node":
                        item_path = (((path, key), index), inner_key)
                        edge[inner_key] = shaper.object_field(projections[projection], row[2 + projection],
                                                              item_path, True, spec.typename, "node")  # fmt: skip
                    else:
                        edge[inner_key] = spec.typename
                edges.append(edge)
            out[key] = edges
    return out


def _trim(rows: list[Any], page: PageRequest) -> tuple[list[Any], bool]:
    more = len(rows) > page.limit
    if more:
        rows = rows[1:] if page.backward else rows[:-1]
    return rows, more


LIST = RootRead("list", _render_list, _shape_list)
CONNECTION = RootRead("connection", _render_connection, _shape_connection)
