"""The GraphQL output types, generated from `schema/model.py`: one type per node kind (all `Node`s), one
per fact view (all `Fact`s), and the shapes around them (citations, search hits, paths, connections).

The compiled path never touches these classes at run time: it renders the response from one Cypher
result. They define the schema, and serve the fallback path (graphql-core's own execution), where every
object is a dict keyed by response key, as the compiler produced it.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from api.contract.scalars import KIND_TYPES
from api.contract.types.base import Direction, PageInfo, by_key
from schema.dates import Date
from schema.model import (
    CITATION_CHECKED,
    CITATION_FIELDS,
    FACT_ENUMS,
    FACT_FIELDS,
    FACT_VIEWS,
    NODE_FIELDS,
    NODE_KINDS,
    QUALIFIER,
    Attr,
    FactView,
    NodeKind,
    RankFilter,
    Relation,
    RelType,
)

ENUMS: dict[str, type[Enum]] = {**FACT_ENUMS, "Direction": Direction}

# -- resolvers of the fallback path: read the compiled value under the field's response key ---------------


# The time rule, the same for every fact-following field (README, "Time"): `asOf` gives the facts that held
# then; without it, a standing relationship answers for today and an event for its whole life; `history`
# gives every fact with its bounds.
AS_OF = "Facts that held on this date (and were not retracted by then). Without it: today's."
HISTORY = "Every fact, past and present, with its bounds (instead of `asOf`)."
PREDECESSORS = "Take in the facts of the stages it continues (merged into it or renamed to it)."


def by_key_as_of(
    root: Any,
    info: Info,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    history: Annotated[bool, strawberry.argument(description=HISTORY)] = False,
) -> Any:
    return by_key(root, info)


def by_key_staged(
    root: Any,
    info: Info,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    history: Annotated[bool, strawberry.argument(description=HISTORY)] = False,
    include_predecessors: Annotated[bool, strawberry.argument(description=PREDECESSORS)] = False,
) -> Any:
    return by_key(root, info)


RANK = "Of several figures for one measure and scope: the best-ranked (BEST, the default) or ALL."


def by_key_ranked(
    root: Any,
    info: Info,
    as_of: Annotated[Date | None, strawberry.argument(description=AS_OF)] = None,
    history: Annotated[bool, strawberry.argument(description=HISTORY)] = False,
    rank: Annotated[RankFilter, strawberry.argument(description=RANK)] = RankFilter.BEST,
) -> Any:
    return by_key(root, info)


def by_key_on(
    root: Any,
    info: Info,
    as_of: Annotated[Date | None, strawberry.argument(description="The day to count to. Without it: today.")] = None,
) -> Any:
    return by_key(root, info)


def by_key_predecessors(
    root: Any, info: Info, include_predecessors: Annotated[bool, strawberry.argument(description=PREDECESSORS)] = False
) -> Any:
    return by_key(root, info)


ARGUMENT_RESOLVERS: dict[tuple[str, ...], Any] = {
    (): by_key,
    ("as_of",): by_key_on,
    ("include_predecessors",): by_key_predecessors,
}


def by_key_relationships(
    root: Any,
    info: Info,
    types: list[RelType] | None = None,
    direction: Direction = Direction.BOTH,
    as_of: Date | None = None,
    history: Annotated[bool, strawberry.argument(description=HISTORY)] = False,
    first: int = 100,
) -> Any:
    """Every fact touching this node, optionally of some types, one way, or as of a date (max 500)."""
    return by_key(root, info)


def _is_type_of(cls: type, obj: Any, info: Any) -> bool:
    return isinstance(obj, dict) and obj.get("__typename") == cls.__name__


# -- generation -------------------------------------------------------------------------------------------


def python_type(attr: Attr, graphql_type: str | None = None) -> Any:
    """The Python annotation Strawberry turns into the field's GraphQL type."""
    base: Any
    if attr.kind == "enum":
        base = attr.enum or (RelType if attr.name == "type" else ENUMS[graphql_type or ""])
    else:
        base = KIND_TYPES[attr.kind]
    return base if attr.non_null else base | None


def _field(attr: Attr, graphql_type: str | None = None) -> tuple[Any, Any]:
    resolver = ARGUMENT_RESOLVERS[attr.arguments]
    return python_type(attr, graphql_type), strawberry.field(resolver=resolver, description=attr.description)


def _new_class(name: str, bases: tuple[type, ...], fields: dict[str, tuple[Any, Any]]) -> type:
    namespace: dict[str, Any] = {
        "__annotations__": {field: annotation for field, (annotation, _) in fields.items()},
        "__module__": __name__,
        **{field: value for field, (_, value) in fields.items()},
    }
    cls = type(name, bases, namespace)
    cls.is_type_of = classmethod(_is_type_of)  # type: ignore[attr-defined]
    return cls


TYPES: dict[str, type] = {}  # every generated type, by GraphQL name


def _ref(name: str) -> Any:
    return TYPES[name]


def list_of(item: Any) -> Any:
    """`list[item]` for a class made at run time."""
    return list[item]


def _common_fields(attrs: tuple[Attr, ...]) -> dict[str, tuple[Any, Any]]:
    return {attr.name: _field(attr) for attr in attrs}


def _sources() -> tuple[Any, Any]:
    return list_of(_ref("Citation")), strawberry.field(resolver=by_key, description="The sources behind it.")


def _build() -> None:
    # Placeholders first, so fields can refer to any type; Strawberry resolves the annotations lazily.
    citation = _new_class("Citation", (), {})
    TYPES["Citation"] = citation
    node_fields = {"id": (strawberry.ID, strawberry.field(resolver=by_key, description="The global id (Relay)."))}
    node_fields |= _common_fields(NODE_FIELDS)
    node = _new_class("Node", (), node_fields)
    TYPES["Node"] = node
    fact = _new_class("Fact", (), _common_fields(FACT_FIELDS))
    TYPES["Fact"] = fact
    for kind in NODE_KINDS:
        TYPES[kind.type_name] = _new_class(kind.type_name, (node,), {})
    for view in FACT_VIEWS:
        TYPES[view.name] = _new_class(view.name, (fact,), {})

    _annotate(citation, {
        "source": (_ref("Source"), strawberry.field(resolver=by_key, description="The source document.")),
        **{attr.name: ((_ref("Source") | None) if attr.name == "via" else str | None,
                       strawberry.field(resolver=by_key, description=attr.description)) for attr in CITATION_FIELDS},
        CITATION_CHECKED.name: _field(CITATION_CHECKED),
    })  # fmt: skip
    _annotate(node, {
        "sources": (list_of(citation), strawberry.field(resolver=by_key, description="Where this node is attested.")),
        "relationships": (list_of(_ref("Relationship")), strawberry.field(
            resolver=by_key_relationships,
            description="Every fact touching this node: its type, direction, the other end, qualifiers and sources.",
        )),
    })  # fmt: skip
    _annotate(fact, {"sources": _sources()})
    strawberry.interface(node, description="An object with a global id (Relay). `slug` is its readable, stable id.")
    strawberry.interface(fact, description="A relationship between two nodes, with its sources.")
    for view in FACT_VIEWS:
        _annotate(TYPES[view.name], _view_fields(view))
        strawberry.type(TYPES[view.name], description=view.description)
    for kind in NODE_KINDS:
        _annotate(TYPES[kind.type_name], _kind_fields(kind))
        strawberry.type(TYPES[kind.type_name], description=kind.description)
    strawberry.type(citation, description="A source behind a fact, with the sentence the fact rests on.")


def _annotate(cls: type, fields: dict[str, tuple[Any, Any]]) -> None:
    for name, (annotation, value) in fields.items():
        cls.__annotations__[name] = annotation
        setattr(cls, name, value)


def _view_fields(view: FactView) -> dict[str, tuple[Any, Any]]:
    fields = {name: _field(QUALIFIER[name]) for name in view.qualifiers}
    fields |= {attr.name: _field(attr, graphql_type) for attr, graphql_type in view.computed}
    for name, node_type, description in view.ends:
        graphql_name = "from" if name == "from_" else None
        fields[name] = (
            _ref(node_type or "Node"),
            strawberry.field(resolver=by_key, name=graphql_name, description=description),
        )
    return fields


def _kind_fields(kind: NodeKind) -> dict[str, tuple[Any, Any]]:
    fields = {attr.name: _field(attr) for attr in kind.fields}
    for relation in kind.relations:
        fields[relation.name] = _relation_field(relation)
    return fields


def _relation_field(relation: Relation) -> tuple[Any, Any]:
    item = _ref(relation.item)
    resolver = (
        by_key
        if relation.reach > 1
        else by_key_staged
        if relation.staged
        else by_key_ranked
        if relation.ranked
        else by_key_as_of
    )
    return list_of(item), strawberry.field(resolver=resolver, description=relation.description)


_build()

# Names for the rest of the code (typed loosely: these classes are made at import from the model).
Node: Any = TYPES["Node"]
Fact: Any = TYPES["Fact"]
Citation: Any = TYPES["Citation"]
Source: Any = TYPES["Source"]
Relationship: Any = TYPES["Relationship"]
PathHop: Any = TYPES["PathHop"]
NODE_TYPES: dict[str, type] = {kind.type_name: TYPES[kind.type_name] for kind in NODE_KINDS}


@strawberry.type(description="A full-text match.")
class SearchHit:
    score: float = strawberry.field(resolver=by_key)
    node: Node = strawberry.field(resolver=by_key, description="The matching node.")
    matched: str | None = strawberry.field(
        resolver=by_key,
        description="Which of its names matched (its name, else the first alias in which every word starts a "
        "word, any case); null when only its description did.",
    )


@strawberry.type(description="The shortest connection between two nodes, hop by hop.")
class Path:
    length: int = strawberry.field(resolver=by_key)
    hops: list[PathHop] = strawberry.field(resolver=by_key, description="The hops in order.")


NodeT = TypeVar("NodeT")


@strawberry.type(description="An edge of a page: a node and the cursor after it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(resolver=by_key)
    node: NodeT = strawberry.field(resolver=by_key)


@strawberry.type(description="A page of results (Relay connection, keyset cursors).")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(resolver=by_key)
    nodes: list[NodeT] = strawberry.field(resolver=by_key)
    page_info: PageInfo = strawberry.field(resolver=by_key)
    total_count: int | None = strawberry.field(resolver=by_key, description="How many match the filters (all pages).")
