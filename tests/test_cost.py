"""The fast tier: the cost model counts every use of a selection, however the document is written.

A fragment is a shorthand: spreading it must cost exactly what writing its fields out in place costs. Random
documents with shared fragments are compared with their inlined forms, and the issue's bypass (one fragment
spread 30 times) is refused as its inline form is.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    print_ast,
    validate,
)
from graphql.type import get_named_type, is_leaf_type, is_required_argument

from api.compile.execute import OperationCompiler, QueryTooComplex
from api.compile.render import subqueries
from bench.hostile import planning_bomb
from tests.test_plan import SCHEMA, compile_query, compiler


def inlined(document: DocumentNode) -> str:
    """The same operation with every fragment spread written out as an inline fragment, printed and parsed
    again so that no two positions share a node object."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

    def expand(selection_set: SelectionSetNode | None) -> SelectionSetNode | None:
        if selection_set is None:
            return None
        selections = []
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                selections.append(
                    InlineFragmentNode(
                        type_condition=fragment.type_condition,
                        directives=selection.directives,
                        selection_set=expand(fragment.selection_set),
                    )
                )
            else:
                selections.append(replace(selection, selection_set=expand(selection.selection_set)))
        return SelectionSetNode(selections=tuple(selections))

    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    expanded = replace(operation, selection_set=expand(operation.selection_set))
    return print_ast(DocumentNode(definitions=(expanded,)))


UNBOUNDED = OperationCompiler(SCHEMA, max_page_size=100, max_cost=10**30, max_subqueries=10**9, max_cypher_bytes=10**12)


def cost(document: str) -> int:
    return UNBOUNDED.compile(document, parse(document), None, None).plan.cost


AMPTP = "T3JnYW5pemF0aW9uOmFtcHRw"  # the global id of Organization:amptp
ROOTS = ('organization(id: "amptp")', 'node(id: "T3JnYW5pemF0aW9uOmFtcHRw")', "strikes(first: 3)", "people")


class DocumentMaker:
    """Random valid documents over the real schema in which fragments are reused at several positions."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.fragments: dict[str, tuple[str, str]] = {}  # name -> (type condition, body)
        self.making: set[str] = set()
        self.aliases = 0

    def document(self) -> str:
        query_type = SCHEMA.query_type
        assert query_type is not None
        root = self.random.choice(ROOTS)
        named = get_named_type(query_type.fields[root.split("(")[0]].type)
        body = f"{{ {root} {self.selection(named, 3)} }}"
        definitions = [f"fragment {name} on {on} {text}" for name, (on, text) in self.fragments.items()]
        return " ".join([body, *definitions])

    def selection(self, named: object, depth: int) -> str:
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        reusable = [n for n, (on, _) in self.fragments.items() if on == named.name and n not in self.making]
        if reusable and self.random.random() < 0.6:
            return "{ ..." + self.random.choice(reusable) + " }"
        if self.random.random() < 0.5:
            name = f"F{len(self.fragments) + len(self.making)}"
            self.making.add(name)
            text = self.fields(named, depth)
            self.making.discard(name)
            self.fragments[name] = (named.name, text)
            return f"{{ ...{name} ...{name} }}" if self.random.random() < 0.2 else f"{{ ...{name} }}"
        return self.fields(named, depth)

    def fields(self, named: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
        parts = ["__typename"]
        usable = [
            (name, field)
            for name, field in named.fields.items()
            if not any(is_required_argument(arg) for arg in field.args.values())
        ]
        for name, field in self.random.sample(usable, min(len(usable), self.random.randint(1, 4))):
            inner = get_named_type(field.type)
            if is_leaf_type(inner):
                parts.append(name)
            elif depth > 0:
                self.aliases += 1
                alias = f"a{self.aliases}: " if self.random.random() < 0.3 else ""
                parts.append(f"{alias}{name} {self.selection(inner, depth - 1)}")
        if isinstance(named, GraphQLInterfaceType) and depth > 0:
            kind = self.random.choice(SCHEMA.get_possible_types(named))
            parts.append(f"... on {kind.name} {self.selection(kind, depth - 1)}")
        return "{ " + " ".join(parts) + " }"


def test_random_documents_cost_what_their_inlined_forms_cost() -> None:
    compared = 0
    for seed in range(300):
        text = DocumentMaker(seed).document()
        document = parse(text)
        if validate(SCHEMA, document):
            continue  # e.g. two aliases that cannot merge: not a document a server would plan
        assert cost(text) == cost(inlined(document)), text
        compared += 1
    assert compared >= 200


def spread_thirty_times(inline: bool) -> str:
    body = "relationships { other { slug name relationships { type other { slug } } } }"
    heads = " ".join(f'o{i}: organization(id: "amptp") {{ {body if inline else "...R"} }}' for i in range(30))
    return "{ " + heads + " }" + ("" if inline else f" fragment R on Organization {{ {body} }}")


def test_one_fragment_spread_thirty_times_costs_thirty_copies_and_is_refused() -> None:
    assert cost(spread_thirty_times(inline=False)) == cost(spread_thirty_times(inline=True))
    for inline in (True, False):
        with pytest.raises(QueryTooComplex):
            compile_query(spread_thirty_times(inline))


def test_an_abstract_position_costs_its_most_expensive_kind() -> None:
    one_kind = '{ node(id: "x") { ... on Organization { members { member { slug } } } } }'
    two_kinds = one_kind[:-4] + " ... on Person { slug } } }"
    assert cost(two_kinds) == cost(one_kind)


# -- what Neo4j is asked to plan ----------------------------------------------------------------------------


def test_the_planning_bomb_is_refused_for_its_subqueries_before_rendering() -> None:
    document = planning_bomb(SCHEMA, depth=1)
    assert len(document) < 64 << 10  # a document any client may send (about 38 KB with the model's 11 kinds) ...
    assert UNBOUNDED.compile(document, parse(document), None, {"id": AMPTP}).statement is not None
    with pytest.raises(QueryTooComplex) as refused:
        compile_query(document, {"id": AMPTP})
    assert refused.value.extensions["limit"] == "subqueries"
    assert refused.value.extensions["subqueries"] > 100  # ... that asks Neo4j to plan over a hundred subqueries


def test_the_subquery_count_is_what_the_statement_holds() -> None:
    for seed in range(100):
        text = DocumentMaker(seed).document()
        compiled = UNBOUNDED.compile(text, parse(text), None, None)
        assert compiled.statement is not None
        written = compiled.statement.cypher.count("COLLECT") + compiled.statement.cypher.count("EXISTS {")
        assert written <= subqueries(compiled.plan) <= written + 2 * len(compiled.plan.roots), text


def test_a_statement_over_the_text_limit_is_refused_naming_it() -> None:
    small = replace(compiler(), max_cypher_bytes=2_000)
    fields = " ".join(f'd{i}: durationDays(asOf: "2023-08-{i + 1:02d}")' for i in range(30))
    document = f'{{ strike(id: "wga-strike-2023") {{ {fields} }} }}'
    with pytest.raises(QueryTooComplex) as refused:
        small.compile(document, parse(document), None, None)
    assert refused.value.extensions["limit"] == "cypherBytes"
    assert refused.value.extensions["cypherBytes"] > 2_000


def test_facts_citing_costs_its_page_times_what_each_fact_reads_and_a_deep_one_is_refused() -> None:
    def citing(first: int, selection: str) -> str:
        return f'{{ factsCiting(source: "story", first: {first}) {{ {selection} }} }}'

    assert cost(citing(10, "factId")) == 10
    assert cost(citing(20, "factId")) == 20
    assert cost(citing(10, "factId sources { quote }")) == 10 + 10 * 2  # a couple of sources per fact
    deep = "from { ... on Organization { relationships(first: 100) { other { relationships(first: 100) { type } } } } }"
    assert cost(citing(100, deep)) > compiler().max_cost
    with pytest.raises(QueryTooComplex) as refused:
        compile_query(citing(100, deep))
    assert refused.value.extensions["limit"] == "cost"
