"""The plan of an operation: plain, hashable dataclasses that say what to read and how to shape it, with no
Cypher text and no Neo4j. The planner builds it from the GraphQL operation; the renderer turns it into one
Cypher statement; the responder shapes the statement's result into the response's `data`.

A plan is inspected and unit-tested on its own (tests/test_plan.py), and carries its cost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from api.compile.render import Renderer
    from api.compile.respond import Path, Shaper

# How one field is fetched. Values are positional: an object comes back from Cypher as a list, one entry per
# field of its plan, so the responder can put the keys back in selection order.
FetchKind = Literal[
    "value",  # a Cypher expression over the object's variables (`expr`)
    "global_id",  # the Relay id: the type name and the slug
    "typename",  # the concrete type's name
    "json",  # a JSON document stored as text
    "citations",  # the sources of a node or fact, with their quotes
    "relation",  # a field of a node type that follows facts (`relation` names it)
    "relationships",  # every fact touching a node
    "end",  # one end of a fact (`end`: which variable)
    "error",  # an argument the planner refused: the field answers null with this error, wherever it occurs
]


@dataclass(frozen=True)
class Refusal:
    """A user error found while planning, raised at every place the field occurs."""

    message: str
    code: str = "BAD_USER_INPUT"
    extensions: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class FieldPlan:
    key: str  # the response key (alias or name)
    name: str  # the schema field name
    fetch: FetchKind
    non_null: bool = False
    many: bool = False  # a list of `child`
    item_non_null: bool = True
    expr: str = ""  # for "value": a template over {v}, {self}, {other}, ...
    child: ObjectPlan | None = None
    end: str = ""  # for "end": the variable role it reads
    relation: str = ""  # for "relation": the node kind's relation field
    args: tuple[tuple[str, Any], ...] = ()  # bound argument values (dates, types, limits)
    refusal: Refusal | None = None

    def arg(self, name: str, default: Any = None) -> Any:
        for key, value in self.args:
            if key == name:
                return value
        return default

    # Plans share sub-plans (every kind at an abstract position reads the same nested field), so the hash
    # is computed once per plan, not once per path through it.
    @cached_property
    def _hash(self) -> int:
        return hash((self.key, self.name, self.fetch, self.non_null, self.many, self.expr, self.child, self.end,
                     self.relation, self.args, self.refusal))  # fmt: skip

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True)
class ObjectPlan:
    """What to read of the object at one position.

    `type_name` is its concrete type, or None at an abstract position (a `Node`), where `variants` holds
    the fields of each concrete type it may turn out to be.
    """

    type_name: str | None
    fields: tuple[FieldPlan, ...] = ()
    variants: tuple[tuple[str, tuple[FieldPlan, ...]], ...] = ()

    @cached_property
    def _hash(self) -> int:
        return hash((self.type_name, self.fields, self.variants))

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def layout(self) -> Layout:
        """Where each field sits in the list Cypher returns for this object: worked out once per plan (the
        renderer and the responder both ask), without hashing or comparing plans."""
        if self.type_name is not None:
            return Layout(self.fields, (), ((self.type_name, tuple((f, i) for i, f in enumerate(self.fields))),))
        variants = dict(self.variants)
        first = self.variants[0][1] if self.variants else ()
        shared = tuple(f for f in first if all(f in fields for fields in variants.values()))
        grouped: dict[tuple[FieldPlan, ...], list[str]] = {}
        for name, fields in self.variants:
            grouped.setdefault(tuple(f for f in fields if f not in shared), []).append(name)
        groups = tuple((tuple(names), own) for own, names in grouped.items())
        order = []
        for name, fields in self.variants:
            own = next(own for names, own in groups if name in names)
            positions = {f: 1 + i for i, f in enumerate(shared)} | {f: 1 + len(shared) + i for i, f in enumerate(own)}
            order.append((name, tuple((f, positions[f]) for f in fields)))
        return Layout(shared, groups, tuple(order))


@dataclass(frozen=True)
class Layout:
    """Where each field of an object sits in the list Cypher returns for it."""

    shared: tuple[FieldPlan, ...]  # abstract positions: read for every kind, after the type tag
    groups: tuple[tuple[tuple[str, ...], tuple[FieldPlan, ...]], ...]  # (kinds, their own fields)
    order: tuple[tuple[str, tuple[tuple[FieldPlan, int], ...]], ...]  # per kind: fields in selection order

    def fields_of(self, type_name: str) -> tuple[tuple[FieldPlan, int], ...]:
        for name, fields in self.order:
            if name == type_name:
                return fields
        return ()


@dataclass(frozen=True, eq=False)
class RootRead:
    """How one kind of root field is read: rendered into the statement, and its value shaped into `data`.
    Each lives beside the builder that plans it, one file per kind of root (api/compile/roots/)."""

    name: str
    render: Callable[[Renderer, RootPlan], str]
    shape: Callable[[Shaper, RootPlan, Any, Path], Any]
    subqueries: int = 2  # its CALL, and the page's CALL or the list's COLLECT


@dataclass(frozen=True)
class Condition:
    """One WHERE condition over the listed node `n`: a template with named parameters."""

    template: str
    values: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class RootPlan:
    key: str
    name: str
    read: RootRead | None  # None only when refused
    non_null: bool
    label: str | None = None  # the node label read (None: any node)
    child: ObjectPlan | None = None  # what to read of each node (or hit, hop, change)
    conditions: tuple[Condition, ...] = ()
    args: tuple[tuple[str, Any], ...] = ()
    connection: ConnectionPlan | None = None
    refusal: Refusal | None = None
    typename: str = ""  # the root field's own type name (connections, paths)

    def arg(self, name: str, default: Any = None) -> Any:
        for key, value in self.args:
            if key == name:
                return value
        return default


@dataclass(frozen=True)
class ConnectionPlan:
    """A connection's selection: each distinct node selection is projected once per row."""

    fields: tuple[ConnectionField, ...]
    projections: tuple[ObjectPlan, ...]
    wants_total: bool


@dataclass(frozen=True)
class ConnectionField:
    key: str
    name: str  # edges, nodes, pageInfo, totalCount, __typename
    projection: int = -1  # for edges/nodes: which projection of the row
    edge_fields: tuple[tuple[str, str, int], ...] = ()  # edges: (key, name: cursor|node|__typename, projection)
    page_fields: tuple[tuple[str, str], ...] = ()  # pageInfo: (key, name)
    typename: str = ""


@dataclass(frozen=True)
class OperationPlan:
    roots: tuple[RootPlan, ...]
    cost: int
    typename_keys: tuple[str, ...] = ()  # root `__typename` selections
    root_type: str = "Query"
    order: tuple[str, ...] = field(default=())  # response keys in selection order
