"""The compiled path: a query operation planned (cached), rendered to one Cypher statement, run, and
shaped into the response's `data`; and the fallback entry points graphql-core's execution uses for what
the compiled path does not take (operations with introspection, and the payloads of mutations).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    build_schema,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_variable_values

from api.compile.plan import ObjectPlan, OperationPlan, RootPlan
from api.compile.planner import NotCompilable, Planner, fragments_of, unwrap
from api.compile.reads import Reads, reads_of
from api.compile.rebind import Template, rebind, rebindable, shape_key, template_of
from api.compile.render import Renderer, Statement, subqueries
from api.compile.respond import Shaper
from api.compile.root_fields import BESIDE_THE_GRAPH, ContractDrift, RootFieldKind, check_contract
from api.compile.roots import BUILDERS
from api.compile.roots.lookup import BY_SLUG
from api.database.graph import RequestGraph
from api.errors import UserFacingError
from schema.dates import date_text, parse_date_text
from schema.graph_model import FIND_FACT


class QueryTooComplex(UserFacingError):
    code = "QUERY_TOO_COMPLEX"


def planning_schema(sdl: str) -> GraphQLSchema:
    """The schema as graphql-core sees it, built from our own SDL (Strawberry's public output) with the Date
    scalar's own rules, so arguments and variables are coerced exactly as execution would."""
    schema = build_schema(sdl)
    date = schema.type_map["Date"]
    assert isinstance(date, GraphQLScalarType)
    date.parse_value = date.coerce_input_value = parse_date_text  # type: ignore[method-assign]
    date.serialize = date.coerce_output_value = date_text  # type: ignore[method-assign]
    return schema


@dataclass
class Compiled:
    """A planned and rendered operation, ready to run (what the plan cache holds): with the template that
    lets it serve other values of its rebindable variables, when it has them."""

    plan: OperationPlan
    statement: Statement | None
    bound: frozenset[str] = frozenset()
    template: Template | None = None

    @cached_property
    def reads(self) -> Reads:
        """The labels and types its answer depends on (the response cache's invalidation)."""
        return reads_of(self.plan)


class ByteBudgetCache:
    """An LRU cache bounded by an estimate of its entries' bytes, not their count."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.hits = self.misses = 0  # since start, for /metrics
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()

    def get(self, key: Any, count: bool = True) -> Any:
        """The entry, or None; `count=False` leaves the hit and miss counts to the caller."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += count
            return None
        self.hits += count
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        if size > self.budget // 4:
            return  # one entry may not crowd out the rest
        old = self._entries.pop(key, None)
        if old is not None:
            self.used -= old[1]
        self._entries[key] = (value, size)
        self.used += size
        while self.used > self.budget:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.used -= evicted

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class OperationCompiler:
    """Plans, bounds and renders operations. Three limits hold before Neo4j sees anything: the cost (objects
    read), the number of subqueries Neo4j must plan, and the size of the Cypher text."""

    schema: GraphQLSchema
    max_page_size: int
    max_cost: int
    max_subqueries: int
    max_cypher_bytes: int
    plans: ByteBudgetCache = field(default_factory=lambda: ByteBudgetCache(32 << 20))

    def __post_init__(self) -> None:
        """Fails at start-up when the contract's Query type and the root table differ, or a kind of root
        field has no builder."""
        query = self.schema.query_type
        assert query is not None
        check_contract({name: list(definition.args) for name, definition in query.fields.items()})
        unbuilt = set(RootFieldKind) - set(BUILDERS)
        if unbuilt:
            raise ContractDrift(f"root field kinds without a builder in api/compile/roots/: {sorted(unbuilt, key=str)}")

    def bound(self, plan: OperationPlan, what: str = "query") -> None:
        """Refuses a plan over the cost or the subquery limit (QUERY_TOO_COMPLEX, naming the limit)."""
        if plan.cost > self.max_cost:
            raise QueryTooComplex(
                f"{what} cost {plan.cost} is over the limit of {self.max_cost}: ask for fewer levels or smaller "
                "pages (`first`)",
                limit="cost",
                cost=plan.cost,
                maxCost=self.max_cost,
            )
        count = subqueries(plan)
        if count > self.max_subqueries:
            raise QueryTooComplex(
                f"{what} needs {count} subqueries, over the limit of {self.max_subqueries}: ask for fewer "
                "related fields (each list of related objects or sources is one)",
                limit="subqueries",
                subqueries=count,
                maxSubqueries=self.max_subqueries,
            )

    def bound_text(self, cypher: str, what: str = "query") -> None:
        if len(cypher) > self.max_cypher_bytes:
            raise QueryTooComplex(
                f"{what} renders to {len(cypher)} bytes of Cypher, over the limit of {self.max_cypher_bytes}: "
                "ask for fewer fields",
                limit="cypherBytes",
                cypherBytes=len(cypher),
                maxCypherBytes=self.max_cypher_bytes,
            )

    def variables(self, operation: OperationDefinitionNode, raw: dict[str, Any] | None) -> VariableValues:
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), raw or {})
        if isinstance(coerced, list):
            raise VariableErrors(coerced)
        return coerced

    def compile(
        self, query: str, document: DocumentNode, operation_name: str | None, raw: dict[str, Any] | None
    ) -> Compiled:
        """The plan and statement of a query operation (cached per document, operation and variables, or
        rebound from the template of their shape)."""
        return self.find(query, document, operation_name, raw) or self.remember(
            query, operation_name, raw, self.prepare(document, operation_name, raw)
        )

    def find(
        self, query: str, document: DocumentNode, operation_name: str | None, raw: dict[str, Any] | None
    ) -> Compiled | None:
        """A compiled operation without planning: cached for these very variables, or rebound from its
        template (api/compile/rebind.py). Counted once in the cache's hits or misses."""
        cached: Compiled | None = self.plans.get(plan_key(query, operation_name, raw), count=False)
        found = cached or self.rebound(query, document, operation_name, raw)
        if found is None:
            self.plans.misses += 1
        else:
            self.plans.hits += 1
        return found

    def rebound(
        self, query: str, document: DocumentNode, operation_name: str | None, raw: dict[str, Any] | None
    ) -> Compiled | None:
        """Another value of a rebindable variable, through the template of its shape (or None)."""
        operation = get_operation_ast(document, operation_name)
        assert operation is not None, "validated: the operation exists"
        if not operation.variable_definitions:
            return None
        bound = self.plans.get(("rebindable", query, operation_name), count=False)
        if bound is None:
            bound = rebindable(document, operation)
            self.plans.put(("rebindable", query, operation_name), bound, 2 * len(query) + 256)
        if not bound:
            return None
        template: Compiled | None = self.plans.get(shape_key(query, operation_name, raw, bound), count=False)
        if template is None or template.template is None:
            return None
        planner = Planner(self.schema, fragments_of(document), self.variables(operation, raw), self.max_page_size)
        rebound = rebind(planner, template.plan, template.statement, template.template)
        # Not cached: rebinding costs less than the bytes a plan per value would hold.
        return None if rebound is None else Compiled(*rebound)

    def prepare(self, document: DocumentNode, operation_name: str | None, raw: dict[str, Any] | None) -> Compiled:
        """Plans, bounds and renders; touches no shared state, so it may run on another thread (the
        new-documents lane)."""
        operation = get_operation_ast(document, operation_name)
        assert operation is not None, "validated: the operation exists"
        planner = Planner(self.schema, fragments_of(document), self.variables(operation, raw), self.max_page_size)
        plan = planner.operation(operation)
        self.bound(plan)
        statement = Renderer().operation(plan)
        if statement is not None:
            self.bound_text(statement.cypher)
        bound = rebindable(document, operation)
        return Compiled(plan, statement, bound, template_of(plan, statement, planner.requests, bound))

    def remember(
        self, query: str, operation_name: str | None, raw: dict[str, Any] | None, compiled: Compiled
    ) -> Compiled:
        key = plan_key(query, operation_name, raw)
        # Measured (tracemalloc): a plan and its statement take 8-12 bytes per byte of Cypher, plus the key.
        cypher = len(compiled.statement.cypher) if compiled.statement else 0
        size = 2 * (len(query) + len(key[2])) + 12 * cypher + 4096
        self.plans.put(key, compiled, size)
        if compiled.template is not None:  # the same object: the bytes are counted twice, on the safe side
            self.plans.put(shape_key(query, operation_name, raw, compiled.bound), compiled, size)
        return compiled

    async def run(self, graph: RequestGraph, compiled: Compiled) -> ExecutionResult:
        record = None
        if compiled.statement is not None:
            rows = await graph.read(compiled.statement.cypher, **compiled.statement.params)
            record = rows[0]
        shaper = Shaper()
        data = shaper.operation(compiled.plan, record)
        return ExecutionResult(data=data, errors=shaper.errors or None)


def plan_key(query: str, operation_name: str | None, raw: dict[str, Any] | None) -> tuple[str, str | None, bytes]:
    """What a plan is cached under: the document, the operation and the variables as given."""
    return (query, operation_name, orjson.dumps(raw or {}, option=orjson.OPT_SORT_KEYS))


class VariableErrors(Exception):
    def __init__(self, errors: list[GraphQLError]) -> None:
        super().__init__("invalid variables")
        self.errors = errors


@dataclass
class OperationSource:
    """What graphql-core's execution of this request needs to plan one field at a time (fallback path)."""

    compiler: OperationCompiler
    document: DocumentNode
    operation: OperationDefinitionNode
    raw_variables: dict[str, Any] | None

    @cached_property
    def variables(self) -> VariableValues:
        """Coerced on first use: the compiled path's cache hits never need them."""
        return self.compiler.variables(self.operation, self.raw_variables)

    def check_variables(self) -> None:
        """Raises VariableErrors now rather than in the middle of execution."""
        _ = self.variables

    def check_limits(self) -> None:
        """Holds an operation that graphql-core executes (a query with introspection, a mutation) to the
        compiled path's limits: every root field, or every mutation's payload, planned at once before any runs.
        Subscriptions are held to them at each event (`event_node`)."""
        kind, schema = self.operation.operation, self.compiler.schema
        root_type = schema.query_type if kind is OperationType.QUERY else schema.mutation_type
        if root_type is None or kind is OperationType.SUBSCRIPTION:
            return
        planner = self.planner()
        roots: list[RootPlan] = []
        for key, nodes in planner.collect(root_type, [self.operation.selection_set]).items():
            name = nodes[0].name.value
            if name.startswith("__") or (kind is OperationType.QUERY and name in BESIDE_THE_GRAPH):
                continue  # reads no graph: nothing to plan
            try:
                if kind is OperationType.QUERY:
                    roots.append(planner.root(root_type, key, nodes))
                    continue
                named = unwrap(root_type.fields[name].type)[3]
                if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                    roots.append(RootPlan(key, name, BY_SLUG, True, None, planner.object(named, nodes, 1)))
            except NotCompilable:
                continue  # answered by graphql-core alone, reading nothing
        self.compiler.bound(OperationPlan(tuple(roots), planner.cost), "operation")

    def planner(self) -> Planner:
        return Planner(self.compiler.schema, fragments_of(self.document), self.variables, self.compiler.max_page_size)

    def field_nodes(self, root_type: GraphQLObjectType, key: str) -> tuple[Planner, list[FieldNode]]:
        planner = self.planner()
        return planner, planner.collect(root_type, [self.operation.selection_set])[key]

    async def root_field(self, graph: RequestGraph, key: str) -> Any:
        """One root query field through the same plan, shaped for graphql-core to complete."""
        query_type = self.compiler.schema.query_type
        assert query_type is not None
        planner, nodes = self.field_nodes(query_type, key)
        root = planner.root(query_type, key, nodes)
        return await self._shaped(graph, root)

    async def payload(self, graph: RequestGraph, key: str, slug: str | None = None, fact: str | None = None) -> Any:
        """What a mutation answers: the node (`slug`) or fact (`fact`) it wrote, read in its transaction."""
        mutation_type = self.compiler.schema.mutation_type
        assert mutation_type is not None
        planner, nodes = self.field_nodes(mutation_type, key)
        named = unwrap(mutation_type.fields[nodes[0].name.value].type)[3]
        child = planner.object(named, nodes, 1)
        if slug is not None:
            root = RootPlan(key, nodes[0].name.value, BY_SLUG, True, None, child, args=(("slug", slug),))
            return await self._shaped(graph, root)
        renderer = Renderer()
        projection = renderer.object(child, {"v": "r", "self": "a", "other": "m"})
        cypher = FIND_FACT + f"WITH r MATCH (a)-[r]->(m) RETURN {projection} AS f0"
        self.compiler.bound_text(cypher, "payload")
        rows = await graph.read(cypher, id=fact, **renderer.params)
        return Shaper(fallback=True).object(child, rows[0]["f0"] if rows else None, None)

    def event_plan(self, key: str) -> ObjectPlan:
        """How a subscription's events are shaped: the selection of its root field `key`."""
        planner, nodes, named = self._subscription_field(key)
        return planner.object(named, nodes, 1)

    def event_node(self, key: str, slug: str) -> RootPlan:
        """A node subscription's payload: the node `slug` as the selection asks, read at each event."""
        planner, nodes, named = self._subscription_field(key)
        child = planner.object(named, nodes, 1)
        root = RootPlan(key, nodes[0].name.value, BY_SLUG, False, None, child, args=(("slug", slug),))
        self.compiler.bound(OperationPlan((root,), planner.cost), "subscription")  # read again at every change
        return root

    async def read(self, graph: RequestGraph, root: RootPlan) -> Any:
        """One planned root read, shaped for graphql-core to complete."""
        return await self._shaped(graph, root)

    def _subscription_field(self, key: str) -> tuple[Planner, list[FieldNode], GraphQLNamedType]:
        subscription_type = self.compiler.schema.subscription_type
        assert subscription_type is not None
        planner, nodes = self.field_nodes(subscription_type, key)
        named: GraphQLNamedType = unwrap(subscription_type.fields[nodes[0].name.value].type)[3]
        return planner, nodes, named

    async def _shaped(self, graph: RequestGraph, root: RootPlan) -> Any:
        shaper = Shaper(fallback=True)
        if root.refusal is not None:
            return shaper.root(root, None, None)
        renderer = Renderer()
        cypher = f"CALL () {{ {renderer.root(root)} AS f0 }} RETURN f0"
        self.compiler.bound_text(cypher)
        rows = await graph.read(cypher, **renderer.params)
        return shaper.root(root, rows[0]["f0"], None)


__all__ = ["Compiled", "NotCompilable", "OperationCompiler", "OperationSource", "QueryTooComplex", "planning_schema"]
