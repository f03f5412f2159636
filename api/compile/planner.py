"""From a validated GraphQL operation to its plan: fields collected as the spec collects them (fragments on
any type, inline fragments, aliases, `@skip`/`@include`), arguments coerced by graphql-core with the
request's variables, and each field mapped to how the model says it is read.

Only the planner looks at the GraphQL document; only the renderer writes Cypher.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values

from api.compile import filters
from api.compile.plan import FieldPlan, ObjectPlan, OperationPlan, Refusal, RootPlan
from api.compile.root_fields import ROOTS, bind
from api.compile.roots import BUILDERS, RootRequest
from api.errors import UserFacingError
from schema.model import (
    CITATION_CHECKED,
    CITATION_FIELDS,
    FACT_FIELDS,
    FACT_QUALIFIERS,
    FACT_VIEW,
    NODE_KIND_BY_TYPE,
    Attr,
    FactView,
)

# The cost model: how many objects a query may read. A list counts as its `first` (for `relationships`, its
# limit whether given or not: hubs have hundreds of facts); relation fields, which take no `first`, as a
# typical fan-out; sources as a couple per fact.
RELATION_FANOUT = 10
CITATIONS_FANOUT = 2

# A citation's texts, read from the parallel lists they are stored in ("" for none); `via` is a Source.
CITATION_TEXTS = {
    attr.graphql_name: f"CASE {{v}}.{attr.prop}[{{i}}] WHEN '' THEN null ELSE {{v}}.{attr.prop}[{{i}}] END"
    for attr in CITATION_FIELDS
}
CHANGE_FIELDS = {
    "id": "{v}.id",
    "at": "toString({v}.at)",
    "actor": "{v}.actor",
    "action": "{v}.action",
    "entityType": "{v}.entityType",
    "entity": "{v}.entity",
    "seq": "{v}.seq",
    "nodes": "{v}.nodes",
}
# The counts of `strikesPerYear`, `daysOnStrike` and `strikeStats`, as the renderer names them; a row's
# other fields are nodes (an organization, a group's industry or state).
AGGREGATE_FIELDS = {
    "StrikeYear": {"year": "{year}", "strikes": "{count}"},
    "StrikeTally": {"strikes": "{count}", "days": "{days}"},
    "StrikeStats": {
        "year": "{year}",
        "month": "{month}",
        "stoppages": "{stoppages}",
        "days": "{days}",
        "workdays": "{workdays}",
        "stoppagesWithWorkers": "{withWorkers}",
        "workersLow": "CASE WHEN {withWorkers} = 0 THEN null ELSE toInteger(round({workersLow})) END",
        "workersHigh": "CASE WHEN {withWorkers} = 0 THEN null ELSE toInteger(round({workersHigh})) END",
        "idleDaysLow": "CASE WHEN {withIdle} = 0 THEN null ELSE toInteger(round({idleLow})) END",
        "idleDaysHigh": "CASE WHEN {withIdle} = 0 THEN null ELSE toInteger(round({idleHigh})) END",
    },
}
ATTRS_BY_GRAPHQL_NAME: dict[str, dict[str, Attr]] = {
    type_name: {attr.graphql_name: attr for attr in kind.all_fields} for type_name, kind in NODE_KIND_BY_TYPE.items()
}
FACT_ATTRS = {attr.graphql_name: attr for attr in FACT_FIELDS + FACT_QUALIFIERS}


class NotCompilable(Exception):
    """The operation asks for something only graphql-core's own execution answers (e.g. introspection)."""


@dataclass
class Planner:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    max_page_size: int
    cost: int = field(default=0)
    # Every kind at an abstract position plans the same nested fields: plan each position once.
    _objects: dict[tuple[str, tuple[int, ...], int], tuple[ObjectPlan, int]] = field(default_factory=dict)
    # A stored property reads the same wherever the same selection asks for it: `name` on every kind at a
    # `Node` position is planned once (it costs nothing of its own).
    _properties: dict[tuple[int, str, tuple[int, ...]], FieldPlan] = field(default_factory=dict)
    requests: dict[str, RootRequest] = field(default_factory=dict)  # each root planned, by response key

    # -- operations ------------------------------------------------------------------------------------

    def operation(self, operation: OperationDefinitionNode) -> OperationPlan:
        if operation.operation is not OperationType.QUERY:
            raise NotCompilable("only queries are compiled")
        query_type = self.schema.query_type
        assert query_type is not None
        grouped = self.collect(query_type, [operation.selection_set])
        plans: list[RootPlan] = []
        typenames: list[str] = []
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                typenames.append(key)
                continue
            if name.startswith("__") or name not in ROOTS:
                raise NotCompilable(f"root field {name} is not compiled")
            plans.append(self.root(query_type, key, nodes))
        return OperationPlan(tuple(plans), self.cost, tuple(typenames), order=tuple(grouped))

    def root(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> RootPlan:
        name = nodes[0].name.value
        definition = parent.fields[name]
        non_null = isinstance(definition.type, GraphQLNonNull)
        field = ROOTS[name]
        try:
            arguments = bind(field, get_argument_values(definition, nodes[0], self.variables))
            request = self.requests[key] = RootRequest(field, key, arguments, nodes, definition.type, non_null)
            return BUILDERS[field.kind](self, request)
        except UserFacingError as error:
            return RootPlan(key, name, None, non_null, refusal=_refusal(error))

    # -- collecting fields (the spec's CollectFields) ----------------------------------------------------

    def collect(
        self, runtime: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode | None]
    ) -> dict[str, list[FieldNode]]:
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            if selection_set is not None:
                self._collect(runtime, selection_set, grouped, visited)
        return grouped

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                if self._applies(condition, runtime):
                    self._collect(runtime, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, grouped, visited)

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip is not None and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include is not None and include.get("if") is False)

    def _applies(self, condition: str | None, runtime: GraphQLObjectType) -> bool:
        if condition is None or condition == runtime.name:
            return True
        conditional = self.schema.get_type(condition)
        if isinstance(conditional, GraphQLInterfaceType):
            return self.schema.is_sub_type(conditional, runtime)
        return False

    # -- objects -----------------------------------------------------------------------------------------

    def object(self, named: GraphQLNamedType, nodes: list[FieldNode], multiplier: int) -> ObjectPlan:
        """The plan of the object(s) at a position whose static type is `named` (an object or `Node`).

        Plans are shared between the positions that select the same field nodes (every kind at an abstract
        position, every spread of one fragment), but their cost is added at every use: a fragment spread
        30 times costs what its 30 inline copies cost."""
        key = (named.name, tuple(id(node) for node in nodes), multiplier)
        planned = self._objects.get(key)
        if planned is None:
            outer, self.cost = self.cost, 0
            try:
                planned = self._objects[key] = (self._object(named, nodes, multiplier), self.cost)
            finally:
                self.cost = outer
        self.cost += planned[1]
        return planned[0]

    def _object(self, named: GraphQLNamedType, nodes: list[FieldNode], multiplier: int) -> ObjectPlan:
        self.cost += multiplier
        selection_sets = [node.selection_set for node in nodes]
        if isinstance(named, GraphQLObjectType):
            return ObjectPlan(named.name, self.fields(named, selection_sets, multiplier))
        assert isinstance(named, GraphQLInterfaceType)
        possible_types = self.schema.get_possible_types(named)
        if all(_only_fields(selection_set) for selection_set in selection_sets):
            # Only the interface's own fields, which every kind reads alike (tests/test_plan.py): planned once.
            shared = self.fields(possible_types[0], selection_sets, multiplier)
            return ObjectPlan(None, variants=tuple((possible.name, shared) for possible in possible_types))
        # Each object is of one kind: an abstract position costs what its most expensive kind reads.
        variants, costliest, before = [], 0, self.cost
        for possible in possible_types:
            variants.append((possible.name, self.fields(possible, selection_sets, multiplier)))
            costliest, self.cost = max(costliest, self.cost - before), before
        self.cost += costliest
        return ObjectPlan(None, variants=tuple(variants))

    def fields(
        self, runtime: GraphQLObjectType, selection_sets: list[SelectionSetNode | None], multiplier: int
    ) -> tuple[FieldPlan, ...]:
        grouped = self.collect(runtime, selection_sets)
        return tuple(self.field(runtime, key, nodes, multiplier) for key, nodes in grouped.items())

    def field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode], multiplier: int) -> FieldPlan:
        name = nodes[0].name.value
        if name == "__typename":
            return FieldPlan(key, name, "typename", non_null=True)
        attr = ATTRS_BY_GRAPHQL_NAME.get(parent.name, {}).get(name)
        if attr is None:
            return self._planned(parent, key, nodes, multiplier)
        memo = (id(attr), key, tuple(id(node) for node in nodes))
        planned = self._properties.get(memo)
        if planned is None:
            planned = self._properties[memo] = self._planned(parent, key, nodes, multiplier)
        return planned

    def _planned(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode], multiplier: int) -> FieldPlan:
        name = nodes[0].name.value
        definition = parent.fields[name]
        non_null, many, item_non_null, named = unwrap(definition.type)
        base = FieldPlan(key, name, "value", non_null=non_null, many=many, item_non_null=item_non_null)
        try:
            arguments = get_argument_values(definition, nodes[0], self.variables)
            return self._field(parent.name, base, named, nodes, arguments, multiplier)
        except UserFacingError as error:
            return _replace(base, fetch="error", refusal=_refusal(error))
        except GraphQLError as error:
            return _replace(base, fetch="error", refusal=Refusal(error.message))

    def _field(
        self,
        parent: str,
        base: FieldPlan,
        named: GraphQLNamedType,
        nodes: list[FieldNode],
        arguments: dict[str, Any],
        multiplier: int,
    ) -> FieldPlan:
        name = base.name
        if name == "sources" and (parent in NODE_KIND_BY_TYPE or parent in FACT_VIEW):
            child = self.object(named, nodes, multiplier * CITATIONS_FANOUT)
            return _replace(base, fetch="citations", child=child)
        if parent in NODE_KIND_BY_TYPE:
            return self._node_field(parent, base, named, nodes, arguments, multiplier)
        if parent in FACT_VIEW:
            return self._fact_view_field(FACT_VIEW[parent], base, named, nodes, multiplier)
        if parent == "Citation":
            if name in ("source", "via"):
                return _replace(base, fetch="end", end=name, child=self.object(named, nodes, multiplier))
            return _replace(base, expr=CITATION_CHECKED.template if name == "checked" else CITATION_TEXTS[name])
        if parent == "SearchHit":
            if name == "node":
                return _replace(base, fetch="end", end="node", child=self.object(named, nodes, multiplier))
            return _replace(base, expr="{" + name + "}")  # score, matched
        if parent in AGGREGATE_FIELDS:
            if name not in AGGREGATE_FIELDS[parent]:
                return _replace(base, fetch="end", end=name, child=self.object(named, nodes, multiplier))
            return _replace(base, expr=AGGREGATE_FIELDS[parent][name])
        if parent == "Change":
            if name in ("before", "after"):
                return _replace(base, fetch="json", expr="{v}." + name)
            return _replace(base, expr=CHANGE_FIELDS[name])
        raise NotCompilable(f"{parent}.{name} is not compiled")

    def _node_field(
        self,
        parent: str,
        base: FieldPlan,
        named: GraphQLNamedType,
        nodes: list[FieldNode],
        arguments: dict[str, Any],
        multiplier: int,
    ) -> FieldPlan:
        name = base.name
        if name == "id":
            return _replace(base, fetch="global_id")
        attr = ATTRS_BY_GRAPHQL_NAME[parent].get(name)
        if attr is not None:
            return _replace(base, expr=attr.template, args=filters.time_arguments(arguments))
        if name == "relationships":
            args = filters.relationships_arguments(arguments)
            child = self.object(named, nodes, multiplier * max(dict(args)["first"], 1))
            return _replace(base, fetch="relationships", child=child, args=args)
        relation = filters.relation_named(parent, name)
        args = filters.time_arguments(arguments)
        child = self.object(named, nodes, multiplier * RELATION_FANOUT)
        return _replace(base, fetch="relation", relation=f"{parent}.{relation.name}", child=child, args=args)

    def _fact_view_field(
        self, view: FactView, base: FieldPlan, named: GraphQLNamedType, nodes: list[FieldNode], multiplier: int
    ) -> FieldPlan:
        name = base.name
        for end, _, _ in view.ends:
            if name == ("from" if end == "from_" else end):
                return _replace(base, fetch="end", end=end, child=self.object(named, nodes, multiplier))
        for attr, _ in view.computed:
            if attr.graphql_name == name:
                return _replace(base, expr=attr.template)
        fact_attr = FACT_ATTRS.get(name)
        if fact_attr is None:
            raise NotCompilable(f"{view.name}.{name} is not compiled")
        return _replace(base, expr=fact_attr.template)


def unwrap(graphql_type: GraphQLOutputType) -> tuple[bool, bool, bool, GraphQLNamedType]:
    """(non-null, a list, items non-null, the named type) of a field's type."""
    non_null = isinstance(graphql_type, GraphQLNonNull)
    inner: Any = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    many = isinstance(inner, GraphQLList)
    item_non_null = True
    if isinstance(inner, GraphQLList):
        inner = inner.of_type
        item_non_null = isinstance(inner, GraphQLNonNull)
        if isinstance(inner, GraphQLNonNull):
            inner = inner.of_type
    return non_null, many, item_non_null, inner


def _replace(plan: FieldPlan, **changes: Any) -> FieldPlan:
    """The base plan of a field with what its kind of fetch adds (the base's own fields only)."""
    return FieldPlan(
        plan.key, plan.name, changes.pop("fetch", plan.fetch), non_null=plan.non_null, many=plan.many,
        item_non_null=plan.item_non_null, **changes,
    )  # fmt: skip


def _only_fields(selection_set: SelectionSetNode | None) -> bool:
    return selection_set is None or all(isinstance(selection, FieldNode) for selection in selection_set.selections)


def _refusal(error: UserFacingError) -> Refusal:
    return Refusal(str(error), error.code, tuple(sorted(error.extensions.items())))


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
