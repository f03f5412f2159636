"""The fast tier: plans, rendering, cost and cursors, without Neo4j."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import pytest
from graphql import Undefined, is_non_null_type, parse

from api.compile.cursors import decode_cursor, encode_cursor
from api.compile.execute import OperationCompiler, QueryTooComplex, planning_schema
from api.compile.planner import ATTRS_BY_GRAPHQL_NAME
from api.compile.root_fields import BESIDE_THE_GRAPH
from api.contract.graphql_schema import schema_sdl
from api.errors import BadUserInput
from api.settings import Settings
from schema.model import NODE_KINDS

SCHEMA = planning_schema(schema_sdl())


DEFAULTS = Settings(_env_file=None)  # type: ignore[call-arg]


def compiler(max_cost: int = DEFAULTS.max_query_cost) -> OperationCompiler:
    return OperationCompiler(
        SCHEMA,
        max_page_size=DEFAULTS.max_page_size,
        max_cost=max_cost,
        max_subqueries=DEFAULTS.max_subqueries,
        max_cypher_bytes=DEFAULTS.max_cypher_bytes,
    )


def compile_query(query: str, variables: dict[str, object] | None = None, max_cost: int = 100_000):  # type: ignore[no-untyped-def]
    return compiler(max_cost).compile(query, parse(query), None, variables)


def amplification(depth: int) -> str:
    inner = "slug"
    for _ in range(depth):
        inner = f"relationships {{ other {{ {inner} }} }}"
    return f'{{ organization(id: "amptp") {{ {inner} }} }}'


def test_the_amplification_query_is_refused_in_milliseconds_with_its_cost() -> None:
    started = time.perf_counter()
    with pytest.raises(QueryTooComplex) as refused:
        compile_query(amplification(5))
    assert time.perf_counter() - started < 0.05
    assert refused.value.extensions["cost"] > 100_000
    assert refused.value.code == "QUERY_TOO_COMPLEX"


def test_polymorphic_fields_render_linearly_in_depth() -> None:
    sizes = {depth: len(compile_query(amplification(depth), max_cost=10**30).statement.cypher) for depth in (2, 4, 8)}
    assert sizes[8] - sizes[4] == pytest.approx(2 * (sizes[4] - sizes[2]), rel=0.05)
    # 1.86 MB at depth 12 when each `other` branched per kind; the today rule adds ~1.7 KB a level
    assert sizes[8] < 24_000


def test_fields_of_one_kind_render_one_branch_and_the_rest_once() -> None:
    query = '{ node(id: "T3JnYW5pemF0aW9uOmFtcHRw") { slug ... on Organization { kind } ... on Strike { startDate } } }'
    plan = compile_query(query).plan
    shape = plan.roots[0].child.layout  # type: ignore[union-attr]
    assert [f.key for f in shape.shared] == ["slug"]
    own = {kinds: [f.key for f in fields] for kinds, fields in shape.groups}
    assert own[("Organization",)] == ["kind"] and own[("Strike",)] == ["startDate"]
    others = sorted(kind.type_name for kind in NODE_KINDS if kind.type_name not in ("Organization", "Strike"))
    assert sorted(next(k for k, f in own.items() if not f)) == others


def test_enum_and_list_arguments_as_variables_plan_like_literals() -> None:
    literal = compile_query(
        '{ organization(id: "amptp") { relationships(types: [WAGES], direction: OUTGOING) { type } } }'
    )
    variables = compile_query(
        'query($t: [RelationshipType!], $d: Direction!) { organization(id: "amptp") { relationships(types: $t, direction: $d) { type } } }',
        {"t": "WAGES", "d": "OUTGOING"},  # a single value where a list is expected coerces to a list
    )
    assert literal.plan == variables.plan
    assert literal.statement.cypher == variables.statement.cypher  # type: ignore[union-attr]


def test_fragments_on_connection_and_edge_types_are_planned() -> None:
    query = """{ strikesConnection(first: 2) { ...C edges { ...E } } }
        fragment C on StrikeConnection { totalCount pageInfo { hasNextPage } }
        fragment E on StrikeEdge { cursor node { slug } }"""
    connection = compile_query(query).plan.roots[0].connection
    assert connection is not None and connection.wants_total
    assert [field.name for field in connection.fields] == ["totalCount", "pageInfo", "edges"]
    assert [f.key for f in connection.projections[0].fields] == ["slug"]


def test_skip_and_include_follow_their_variables() -> None:
    query = 'query($a: Boolean!) { organization(id: "wga") { slug name @include(if: $a) kind @skip(if: $a) } }'
    shown = compile_query(query, {"a": True}).plan.roots[0].child
    hidden = compile_query(query, {"a": False}).plan.roots[0].child
    assert [f.key for f in shown.fields] == ["slug", "name"]  # type: ignore[union-attr]
    assert [f.key for f in hidden.fields] == ["slug", "kind"]  # type: ignore[union-attr]


def test_plans_are_cached_per_document_operation_and_variables() -> None:
    shared = compiler()
    query = '{ organization(id: "wga") { slug } }'
    assert shared.compile(query, parse(query), None, {}) is shared.compile(query, parse(query), None, {})
    assert len(shared.plans) == 1


def test_every_value_reaches_cypher_as_a_parameter() -> None:
    compiled = compile_query('{ strikes(nameContains: "x\' OR 1=1 //", activeOn: "2023-08") { slug } }')
    assert "1=1" not in compiled.statement.cypher  # type: ignore[union-attr]
    assert "x' or 1=1 //" in compiled.statement.params.values()  # type: ignore[union-attr]


def test_bad_arguments_become_refusals_at_their_field() -> None:
    plan = compile_query('{ organization(id: "amptp") { slug relationships(first: 9999) { type } } }').plan
    refused = plan.roots[0].child.fields[1]  # type: ignore[union-attr]
    assert refused.fetch == "error" and refused.refusal is not None
    assert "first must be between 0 and 500" in refused.refusal.message


def test_cursors_round_trip_and_strangers_are_refused_without_an_echo() -> None:
    cursor = encode_cursor("START_DATE_ASC", "2023-05-02", "wga-strike-2023")
    assert decode_cursor(cursor, "START_DATE_ASC") == ("2023-05-02", "wga-strike-2023")
    crafted = base64.urlsafe_b64encode(json.dumps(["START_DATE_ASC", "not-a-date", "x"]).encode()).decode()
    huge = "A" * 1_000_000
    for bad in (crafted, huge, "%%%", base64.urlsafe_b64encode(b"[1,2]").decode()):
        with pytest.raises(BadUserInput) as refused:
            decode_cursor(bad, "START_DATE_ASC", "after")
        assert len(str(refused.value)) < 100 and bad not in str(refused.value)
    with pytest.raises(BadUserInput, match="another ordering"):
        decode_cursor(cursor, "NAME_ASC", "after")


def test_the_time_rule_renders_today_a_date_or_every_fact() -> None:
    def cypher(arguments: str) -> str:
        return compile_query(f'{{ organization(id: "sag") {{ leaders{arguments} {{ title }} }} }}').statement.cypher

    today, dated, history = cypher(""), cypher('(asOf: "1960")'), cypher("(history: true)")
    assert "date()" in today and "attestedOnEarliest" in today  # today: Neo4j's clock, so a cached plan stays right
    assert "date()" not in dated and "attestedOnEarliest" in dated
    assert "attestedOnLatest" not in history and "retractedAt IS NULL" in history
    staged = cypher("(includePredecessors: true)")
    assert "MERGED_INTO|RENAMED_TO*0..16" in staged


def test_active_strikes_without_a_day_ask_neo4j_s_clock_so_a_cached_plan_outlives_midnight() -> None:
    today = compile_query("{ activeStrikes { slug } }").statement
    assert "date()" in today.cypher
    assert not any(isinstance(value, dt.date) for value in today.params.values())  # no day fixed in the plan
    dated = compile_query('{ activeStrikes(on: "2023-08-10") { slug } }').statement
    assert "date()" not in dated.cypher and dt.date(2023, 8, 10) in dated.params.values()


def test_event_parties_answer_for_the_whole_event_without_as_of() -> None:
    query = '{ strike(id: "wga-strike-2023") { strikers { slug } then: strikers(asOf: "2023") { slug } } }'
    statement = compile_query(query).statement
    whole, then = statement.cypher.split("COLLECT")[1:3]
    assert "sinceEarliest" not in whole and "sinceEarliest" in then


def test_history_with_as_of_is_refused_at_its_field() -> None:
    plan = compile_query('{ organization(id: "sag") { leaders(asOf: "1960", history: true) { title } } }').plan
    leaders = plan.roots[0].child.fields[0]  # type: ignore[union-attr]
    assert leaders.refusal is not None and "asOf and history" in leaders.refusal.message


def _roots_taking_first() -> list[str]:
    """Every root field with a `first` argument, read from the schema: a new one is checked without an edit."""
    fields = SCHEMA.query_type.fields.items()  # type: ignore[union-attr]
    return sorted(name for name, field in fields if "first" in field.args and name not in BESIDE_THE_GRAPH)


def _query_with_first(root: str, first: int) -> str:
    field = SCHEMA.query_type.fields[root]  # type: ignore[union-attr]
    required = [f'{name}: "wga"' for name, arg in field.args.items()
                if is_non_null_type(arg.type) and arg.default is None and arg.default_value is Undefined]  # fmt: skip
    return f"{{ {root}({', '.join([*required, f'first: {first}'])}) {{ __typename }} }}"


def test_the_roots_taking_first_are_found() -> None:
    roots = _roots_taking_first()
    assert {"organizations", "organizationsConnection", "search", "changes", "daysOnStrike", "activeStrikes"} <= set(
        roots
    )


@pytest.mark.parametrize("root", _roots_taking_first())
def test_every_root_takes_first_from_0_to_the_page_size_limit(root: str) -> None:
    for first in (0, 1, 100):
        planned = compile_query(_query_with_first(root, first)).plan.roots[0]
        assert (planned.name, planned.refusal) == (root, None), first
    for first in (101, -1):
        refusal = compile_query(_query_with_first(root, first)).plan.roots[0].refusal
        assert refusal is not None
        assert (refusal.message, refusal.code) == (f"first must be between 0 and 100, got {first}", "BAD_USER_INPUT")
        assert refusal.extensions == (("argument", "first"),)


def test_every_kind_reads_the_node_interfaces_fields_alike_so_they_are_planned_once() -> None:
    """The planner plans a `Node` position that selects only the interface's own fields once for every kind
    (api/compile/planner.py): right only while each of those fields is the same property on every kind."""
    node = SCHEMA.type_map["Node"]
    kinds = SCHEMA.get_possible_types(node)  # type: ignore[arg-type]
    for name in node.fields:  # type: ignore[attr-defined]
        assert len({id(ATTRS_BY_GRAPHQL_NAME.get(kind.name, {}).get(name)) for kind in kinds}) == 1, name
    plan = compile_query('{ node(id: "T3JnYW5pemF0aW9uOndnYQ==") { slug name } }').plan
    [root] = plan.roots
    assert root.child is not None and len({id(fields) for _, fields in root.child.variants}) == 1
    spread = compile_query('{ node(id: "T3JnYW5pemF0aW9uOndnYQ==") { slug ... on Strike { startDate } } }').plan
    assert spread.roots[0].child is not None and len({id(f) for _, f in spread.roots[0].child.variants}) > 1
