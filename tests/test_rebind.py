"""The fast tier: one plan per document and shape of its variables, rebound to each new value of a variable
that reaches Cypher only as a parameter (api/compile/rebind.py). A rebound plan must be exactly the plan
and statement that planning from scratch gives."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from api.compile.execute import Compiled
from api.compile.rebind import rebindable
from schema.global_ids import to_global_id
from tests.test_plan import compiler

OBJECT = "name slug relationships(first: 5) { type other { ... on Organization { name } } }"

# (document, a first value's variables, a second value's variables), one per root field that takes a parameter
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "by slug": (f"query($id: String) {{ organization(id: $id) {{ {OBJECT} }} }}", {"id": "amptp"}, {"id": "wga"}),
    "by name": (
        f"query($n: String) {{ organization(name: $n) {{ {OBJECT} }} }}",
        {"n": "AMPTP"},
        {"n": "Writers Guild of America"},
    ),
    "by global id": (
        "query($id: ID!) { node(id: $id) { id ... on Strike { name } } }",
        {"id": to_global_id("Strike", "wga-strike-2023")},
        {"id": to_global_id("Strike", "sag-aftra-strike-2023")},
    ),
    "by external id": (
        "query($q: String!) { byExternalId(scheme: WIKIDATA, id: $q) { id } }",
        {"q": "Q1"},
        {"q": "Q42"},
    ),
    "search": (
        "query($t: String!) { search(text: $t, first: 3) { score matched node { id } } }",
        {"t": "writers"},
        {"t": "screen actors guild"},
    ),
    "path": (
        "query($a: String!, $b: String!) { path(from: $a, to: $b) { length hops { type } } }",
        {"a": "wga", "b": "amptp"},
        {"a": "dga", "b": "sag-aftra"},
    ),
    "path as of a date": (
        'query($d: Date) { path(from: "carol-lombardini", to: "wga-strike-2023", asOf: $d) { length } }',
        {"d": "2023-08-10"},
        {"d": "2024"},
    ),
    "facts citing": (
        "query($s: String!) { factsCiting(source: $s, first: 5) { factId from { slug } sources { quote } } }",
        {"s": "story-2023-08-10-wga-returns"},
        {"s": "wga-email-2023-08-10"},
    ),
    "two roots, one variable": (
        "query($id: String) { a: organization(id: $id) { name } b: person(id: $id) { name } }",
        {"id": "amptp"},
        {"id": "carol-lombardini"},
    ),
}


def fresh(query: str, variables: dict[str, Any]) -> Compiled:
    return compiler().compile(query, parse(query), None, variables)


@pytest.mark.parametrize("case", list(CASES))
def test_a_rebound_plan_is_the_plan_planning_from_scratch_gives(case: str) -> None:
    query, first, second = CASES[case]
    document = parse(query)
    shared = compiler()
    template = shared.compile(query, document, None, first)
    assert template.template is not None, "the first value's plan serves the others"
    rebound = shared.compile(query, document, None, second)
    assert rebound.template is None, "rebound, not planned again"
    assert rebound.statement is not None and template.statement is not None
    assert rebound.statement.cypher is template.statement.cypher
    expected = fresh(query, second)
    assert rebound.plan == expected.plan
    assert rebound.statement == expected.statement
    assert rebound.statement.params != template.statement.params
    again = shared.compile(query, document, None, first)
    assert again.statement == template.statement  # the template itself is left as it was


def test_a_variable_used_anywhere_else_keys_the_plan() -> None:
    uses = {
        "a nested argument": "query($id: String) { organization(id: $id) { people(organization: $id) { name } } }",
        "a directive": "query($id: String) { organization(id: $id) @include(if: true) { name @skip(if: false) } }",
        "a list filter": "query($id: String) { organization(id: $id) { name } strikes(striker: $id) { name } }",
        "a fragment": "query($id: String) { ...F } fragment F on Query { organization(id: $id) { name } }",
    }
    for where, query in uses.items():
        document = parse(query)
        bound = rebindable(document, document.definitions[0])  # type: ignore[arg-type]
        assert bound == (frozenset({"id"}) if where == "a directive" else frozenset()), where


def test_a_refused_value_is_refused_as_planning_from_scratch_refuses_it() -> None:
    query, first, _ = CASES["by slug"]
    shared = compiler()
    shared.compile(query, parse(query), None, first)
    refused = shared.compile(query, parse(query), None, {"id": "Not a slug!"})
    assert refused.plan == fresh(query, {"id": "Not a slug!"}).plan
    assert refused.plan.roots[0].refusal is not None
    # a refused plan is no template: its error names its value; the good one still serves
    assert shared.compile(query, parse(query), None, {"id": "wga"}).template is None

    path, start, _ = CASES["path"]
    shared.compile(path, parse(path), None, start)
    same = shared.compile(path, parse(path), None, {"a": "wga", "b": "wga"})
    assert same.plan.roots[0].refusal is not None and "same node" in same.plan.roots[0].refusal.message


def test_what_a_value_changes_beyond_its_parameter_is_planned_afresh() -> None:
    """A global id of another type reads another label; `first` sizes the page and the cost; whether a
    variable is given or not picks the read (by id or by name)."""
    shared = compiler()
    node, first, _ = CASES["by global id"]
    shared.compile(node, parse(node), None, first)
    other = {"id": to_global_id("Organization", "amptp")}
    assert shared.compile(node, parse(node), None, other).plan == fresh(node, other).plan

    paged = "query($t: String!, $n: Int!) { search(text: $t, first: $n) { node { id } } }"
    three = shared.compile(paged, parse(paged), None, {"t": "guild", "n": 3})
    nine = shared.compile(paged, parse(paged), None, {"t": "guild", "n": 9})
    assert nine.template is not None and nine.plan.cost > three.plan.cost

    either = "query($id: String, $n: String) { organization(id: $id, name: $n) { name } }"
    by_id = shared.compile(either, parse(either), None, {"id": "amptp"})
    by_name = shared.compile(either, parse(either), None, {"n": "AMPTP"})
    assert by_name.template is not None and by_name.plan.roots[0].read != by_id.plan.roots[0].read
    assert shared.compile(either, parse(either), None, {"n": "DGA"}).template is None  # rebound by name


def test_a_thousand_ids_plan_once() -> None:
    query, _, _ = CASES["by slug"]
    shared = compiler()
    for number in range(1000):
        compiled = shared.compile(query, parse(query), None, {"id": f"org-{number}"})
        assert compiled.statement is not None and compiled.statement.params["p0"] == f"org-{number}"
    assert (shared.plans.hits, shared.plans.misses) == (999, 1)  # one miss: the one plan made
