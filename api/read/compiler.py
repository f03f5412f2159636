"""Compiles a GraphQL selection into one Cypher expression (map projections and COLLECT subqueries), so
a nested selection costs no query per parent, and builds the typed objects back from the result."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection
from strawberry.utils.str_converters import to_camel_case

from api.errors import BadUserInput
from api.read.specs import EDGE_SCALARS, NODE_SCALARS, RELATIONS, Relation
from schema.dates import PartialDate
from schema.graph_model import RelType
from schema.types import nodes
from schema.types.base import to_global_id
from schema.types.nodes import NODE_TYPES

MAX_LIST = 500  # items per nested list: a guard against accidental fan-out
INTERFACES = {"Node", "Fact"}

ALL_TYPES: dict[str, type] = (
    NODE_TYPES
    | {name: getattr(nodes, name) for name in EDGE_SCALARS}
    | {"Citation": nodes.Citation, "SearchHit": nodes.SearchHit, "Path": nodes.Path}
)


def _python_names(cls: type) -> dict[str, str]:
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    return {f.graphql_name or to_camel_case(f.python_name): f.python_name for f in definition.fields}


PYTHON_NAMES: dict[str, dict[str, str]] = {name: _python_names(cls) for name, cls in ALL_TYPES.items()}


@dataclass
class Shape:
    """How to turn one projected value back into typed objects."""

    type_name: str | None = None
    scalars: list[str] = field(default_factory=list)
    children: dict[str, Shape] = field(default_factory=dict)  # response key -> shape of its value
    variants: dict[str, Shape] | None = None  # abstract positions: concrete type name -> shape
    wants_id: bool = False


def build(shape: Shape, value: Any) -> Any:
    """Typed objects from a projected value; plain fields become plain attributes (no resolvers)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [build(shape, item) for item in value]
    if shape.variants is not None:
        return build(shape.variants[value["__type"]], value)
    assert shape.type_name is not None
    cls = ALL_TYPES[shape.type_name]
    obj: Any = object.__new__(cls)
    attributes = obj.__dict__
    for name in shape.scalars:
        attributes[name] = value[name]
    if shape.wants_id:
        attributes["id"] = to_global_id(shape.type_name, value["slug"])
    attributes["_prefetched"] = {key: build(child, value[key]) for key, child in shape.children.items()}
    return obj


def flatten(selections: Iterable[Selection], type_name: str) -> Iterator[SelectedField]:
    """The fields selected on `type_name`, through fragments whose condition it satisfies."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, InlineFragment | FragmentSpread):
            condition = selection.type_condition
            if condition is None or condition == type_name or condition in INTERFACES:
                yield from flatten(selection.selections, type_name)


def response_key(selection: SelectedField) -> str:
    return selection.alias or selection.name


class Compiler:
    """One compilation: fresh variable names and the parameters the statement needs."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self._names = 0

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def fresh(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}{self._names}"

    # -- nodes ---------------------------------------------------------------------------------------

    def node(self, type_name: str | None, var: str, selections: list[Selection]) -> tuple[str, Shape]:
        """Projection of node `var` as `type_name`, or as whichever node type it is when None."""
        if type_name is not None:
            return self._concrete_node(type_name, var, selections)
        branches, variants = [], {}
        for concrete in NODE_TYPES:
            expression, shape = self._concrete_node(concrete, var, selections)
            branches.append(f"WHEN {var}:{concrete} THEN {expression}")
            variants[concrete] = shape
        return f"CASE {' '.join(branches)} END", Shape(variants=variants)

    def _concrete_node(self, type_name: str, var: str, selections: list[Selection]) -> tuple[str, Shape]:
        shape = Shape(type_name=type_name)
        entries = {"slug": f"{var}.id", "__type": f"'{type_name}'"}
        scalars = NODE_SCALARS[type_name]
        names = PYTHON_NAMES[type_name]
        relations = RELATIONS.get(type_name, {})
        for selected in flatten(selections, type_name):
            python_name = names.get(selected.name)
            if selected.name == "id":
                shape.wants_id = True
            elif python_name in scalars:
                entries[python_name] = scalars[python_name].format(v=var)
                shape.scalars.append(python_name)
            elif selected.name == "sources":
                key = response_key(selected)
                entries[key], shape.children[key] = self.citations(var, selected.selections)
            elif selected.name == "relationships":
                key = response_key(selected)
                entries[key], shape.children[key] = self.relationships(var, selected)
            elif python_name in relations:
                key = response_key(selected)
                entries[key], shape.children[key] = self.relation(relations[python_name], var, selected)
        return _map(entries), shape

    # -- facts ---------------------------------------------------------------------------------------

    def edge(
        self,
        type_name: str,
        rel: str,
        ends: dict[str, str],
        selections: list[Selection],
        computed: dict[str, str] | None = None,
    ) -> tuple[str, Shape]:
        """Projection of relationship `rel` as edge type `type_name`; `ends` maps node fields to variables,
        `computed` adds fields that depend on where the edge is seen from (e.g. its direction)."""
        shape = Shape(type_name=type_name)
        entries: dict[str, str] = {}
        scalars = EDGE_SCALARS[type_name] | (computed or {})
        names = PYTHON_NAMES[type_name]
        for selected in flatten(selections, type_name):
            python_name = names.get(selected.name, "")
            key = response_key(selected)
            if python_name in scalars:
                entries[python_name] = scalars[python_name].format(v=rel)
                shape.scalars.append(python_name)
            elif selected.name == "sources":
                entries[key], shape.children[key] = self.citations(rel, selected.selections)
            elif python_name in ends:
                target = _end_type(type_name, python_name)
                entries[key], shape.children[key] = self.node(target, ends[python_name], selected.selections)
        return _map(entries), shape

    def citations(self, var: str, selections: list[Selection]) -> tuple[str, Shape]:
        shape = Shape(type_name="Citation")
        entries: dict[str, str] = {}
        source = self.fresh("s")
        index = self.fresh("i")
        for selected in flatten(selections, "Citation"):
            if selected.name == "quote":
                entries["quote"] = f"CASE {var}.quotes[{index}] WHEN '' THEN null ELSE {var}.quotes[{index}] END"
                shape.scalars.append("quote")
            elif selected.name == "source":
                key = response_key(selected)
                entries[key], shape.children[key] = self.node("Source", source, selected.selections)
        query = (
            f"COLLECT {{ UNWIND range(0, size(coalesce({var}.sources, [])) - 1) AS {index} "
            f"MATCH ({source}:Source {{id: {var}.sources[{index}]}}) "
            f"RETURN {_map(entries)} ORDER BY {index} }}"
        )
        return query, shape

    def relation(self, relation: Relation, parent: str, selected: SelectedField) -> tuple[str, Shape]:
        rel, other = self.fresh("r"), self.fresh("m")
        pattern = relation.pattern.format(n=parent, r=rel, m=other)
        where = self.time_filter(rel, relation.time, selected.arguments.get("asOf"))
        if relation.item in NODE_TYPES:
            projection, shape = self.node(relation.item, other, selected.selections)
        else:
            ends = {name: {"n": parent, "m": other}[end] for name, end in relation.ends.items()}
            projection, shape = self.edge(relation.item, rel, ends, selected.selections)
        order = relation.order.format(m=other, r=rel)
        query = f"COLLECT {{ MATCH {pattern} WHERE {where} RETURN {projection} ORDER BY {order} LIMIT {MAX_LIST} }}"
        return query, shape

    def relationships(self, parent: str, selected: SelectedField) -> tuple[str, Shape]:
        """The generic `relationships(types, direction, asOf, first)` of any node."""
        rel, other = self.fresh("r"), self.fresh("m")
        arguments = selected.arguments
        direction = arguments.get("direction") or "BOTH"
        arrow = {"OUTGOING": "-[{r}]->", "INCOMING": "<-[{r}]-", "BOTH": "-[{r}]-"}[str(direction)]
        pattern = f"({parent}){arrow.format(r=rel)}({other}:Entity)"
        as_of = arguments.get("asOf")
        conditions = [self.time_filter(rel, "span", as_of), self.time_filter(rel, "point", as_of)]
        if arguments.get("types"):
            types = [RelType[str(name)].value for name in arguments["types"]]
            conditions.append(f"type({rel}) IN {self.param(types)}")
        limit = _bounded(arguments.get("first", 100), MAX_LIST, "first")
        direction_of = {"direction": f"CASE WHEN startNode({rel}) = {parent} THEN 'OUTGOING' ELSE 'INCOMING' END"}
        projection, shape = self.edge("Relationship", rel, {"other": other}, selected.selections, direction_of)
        query = (
            f"COLLECT {{ MATCH {pattern} WHERE {' AND '.join(conditions)} "
            f"RETURN {projection} ORDER BY type({rel}), {other}.name, {rel}.id LIMIT {limit} }}"
        )
        return query, shape

    def time_filter(self, rel: str, time: str | None, as_of: Any) -> str:
        """Facts that held on `as_of` (and were not retracted by then); without it, current facts."""
        if as_of is None:
            return f"{rel}.retractedAt IS NULL"
        day = parse_date(as_of, "asOf")
        lo, hi = self.param(day.earliest), self.param(day.latest)
        conditions = [f"({rel}.retractedAt IS NULL OR date({rel}.retractedAt) > {hi})"]
        if time == "span":
            conditions.append(f"coalesce({rel}.sinceEarliest, {lo}) <= {hi}")
            conditions.append(f"coalesce({rel}.untilLatest, {hi}) >= {lo}")
        elif time == "point":
            conditions.append(f"coalesce({rel}.onEarliest, {rel}.byLatest, {lo}) <= {hi}")
        return " AND ".join(conditions)


def _end_type(edge_type: str, field_name: str) -> str | None:
    """The node type of an edge's end field (None for abstract ends typed `Node`)."""
    annotation = ALL_TYPES[edge_type].__annotations__.get(field_name, "Node")
    name = str(annotation).strip("'\"")
    return name if name in NODE_TYPES else None


def _map(entries: dict[str, str]) -> str:
    return "{" + ", ".join(f"`{key}`: {value}" for key, value in entries.items()) + "}"


def parse_date(value: Any, argument: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise BadUserInput(f"{argument}: {error}", argument=argument) from None


def _bounded(value: Any, maximum: int, argument: str) -> int:
    number = int(value)
    if not 0 <= number <= maximum:
        raise BadUserInput(f"{argument} must be between 0 and {maximum}, got {number}", argument=argument)
    return number
