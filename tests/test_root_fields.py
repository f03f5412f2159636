"""One table of root fields (api/compile/root_fields.py): the Query type is generated from it, the
compiler's builders are keyed by it, and a contract that says otherwise fails at start-up. No Neo4j needed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from graphql import parse, validate

from api.compile.execute import OperationCompiler, planning_schema
from api.compile.root_fields import (
    BESIDE_THE_GRAPH,
    ROOT_FIELDS,
    ROOTS,
    ContractDrift,
    RootFieldKind,
    Strikes,
    bind,
    graphql_name,
)
from api.compile.roots import BUILDERS
from api.contract.graphql_schema import schema_sdl
from schema.model import NODE_KINDS
from tests.test_plan import SCHEMA, compile_query

SDL = schema_sdl()


def _compiler(sdl: str) -> OperationCompiler:
    return OperationCompiler(planning_schema(sdl), 100, 100_000, 24, 65_536)


def test_the_query_type_is_the_table() -> None:
    query = SCHEMA.query_type
    assert query is not None
    assert list(query.fields) == [*(root.name for root in ROOT_FIELDS), *sorted(BESIDE_THE_GRAPH, reverse=True)]
    for root in ROOT_FIELDS:
        declared = [graphql_name(argument) for argument in dataclasses.fields(root.arguments)]
        assert list(query.fields[root.name].args) == declared, root.name
        assert query.fields[root.name].description == root.description


def test_every_kind_of_root_has_a_builder_and_every_list_a_section_of_the_model() -> None:
    assert set(BUILDERS) == set(RootFieldKind)
    lists = {root.name for root in ROOT_FIELDS if root.kind is RootFieldKind.LIST}
    assert lists == {kind.section for kind in NODE_KINDS}


def test_a_renamed_argument_in_the_contract_fails_at_start_up() -> None:
    """The issue's rename: a contract saying `beganFrom` where the table says `startedFrom` no longer
    compiles to Cypher without the filter; the compiler refuses to start."""
    renamed = SDL.replace("startedFrom: Date = null", "beganFrom: Date = null")
    assert renamed != SDL
    with pytest.raises(ContractDrift, match=r"strikes: the contract's arguments .*beganFrom"):
        _compiler(renamed)


def test_a_root_field_the_table_lacks_fails_at_start_up() -> None:
    extra = SDL.replace("type Query {", "type Query {\n  strikeCount: Int!", 1)
    with pytest.raises(ContractDrift, match="strikeCount: the table has no such root field"):
        _compiler(extra)


def test_arguments_arrive_typed_and_an_undeclared_one_is_refused() -> None:
    strikes = ROOTS["strikes"]
    bound = bind(strikes, {"startedFrom": "2023", "orderBy": "NAME_ASC", "first": 5})
    assert isinstance(bound, Strikes)
    assert (bound.started_from, bound.order_by.value, bound.first) == ("2023", "NAME_ASC", 5)
    with pytest.raises(TypeError, match="beganFrom"):
        bind(strikes, {"beganFrom": "2023"})


def test_a_filter_declared_in_the_table_reaches_the_cypher() -> None:
    statement = compile_query('{ strikes(startedFrom: "2023", striker: "wga") { slug } }').statement
    assert statement is not None
    assert "startDateLatest" in statement.cypher and "WAGES" in statement.cypher
    assert dt.date(2023, 1, 1) in statement.params.values()


def test_the_planning_schema_parses_every_root_with_its_defaults() -> None:
    document = parse(
        '{ search(text: "guild") { __typename } changes { seq } path(from: "wga", to: "amptp") { length } }'
    )
    plan = _compiler(SDL).prepare(document, None, None).plan
    assert [root.name for root in plan.roots] == ["search", "changes", "path"]


def test_every_kind_of_root_plan_renders_and_shapes() -> None:
    """Dispatch is by the plan's own `RootRead` (one file per kind of root), not by names built from
    strings: every root of a query that asks for each kind renders and shapes."""
    document = parse(EVERY_KIND)
    assert validate(SCHEMA, document) == []
    plan = _compiler(SDL).prepare(document, None, None)
    reads = {root.read.name for root in plan.plan.roots if root.read is not None}
    assert reads == {
        "lookup", "lookup_name", "lookup_external", "nodes", "list", "connection", "search", "path", "changes",
        "strikes_per_year", "days_on_strike",
    }  # fmt: skip
    assert plan.statement is not None and plan.statement.cypher.count("CALL ()") >= len(reads)


EVERY_KIND = """{
  organization(id: "wga") { name }
  byName: organization(name: "WGA") { name }
  byExternalId(scheme: WIKIDATA, id: "Q1") { id }
  nodes(ids: ["T3JnYW5pemF0aW9uOndnYQ=="]) { id }
  strikes(first: 2) { slug }
  strikesConnection(first: 2) { totalCount edges { cursor node { slug } } pageInfo { hasNextPage } }
  search(text: "guild") { score }
  path(from: "wga", to: "amptp") { length }
  changes { seq }
  strikesPerYear { year strikes }
  daysOnStrike { days }
}"""
