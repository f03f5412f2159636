"""What every kind of root field is planned from: the `RootRequest` (the field as the operation asks for
it, with typed arguments) and what a builder may ask of the planner (api/compile/planner.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import FieldNode, GraphQLNamedType, GraphQLObjectType, GraphQLOutputType, SelectionSetNode, get_named_type

from api.compile.plan import ObjectPlan, RootPlan, RootRead
from api.compile.root_fields import RootField


class Planner(Protocol):
    """What a builder asks of the planner, which calls the builders: the plan of the objects a selection
    reads, the fields a selection collects, and the page size allowed."""

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

    def plan(self, read: RootRead, label: str | None, child: ObjectPlan | None, **rest: Any) -> RootPlan:
        return RootPlan(self.key, self.field.name, read, self.non_null, label, child, **rest)


Builder = Callable[[Planner, RootRequest], RootPlan]
