"""The model (`schema/model.py`) is the one place fields are declared: every derived piece agrees with it.
These tests need no Neo4j; they fail when a derivation drifts from the declarations."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from api.compile.execute import planning_schema
from api.contract.graphql_schema import schema_sdl
from api.database.repository import fact_fields, node_fields
from schema.graph_model import graph_schema_statements
from schema.model import (
    FACT_KIND_BY_TYPE,
    FACT_KINDS,
    FACT_QUALIFIERS,
    FACT_VIEWS,
    NODE_KINDS,
    Attr,
    RelType,
    stored_as,
)
from schema.records import NODE_RECORDS, FactRecord

SCHEMA = planning_schema(schema_sdl())


def _object(name: str) -> GraphQLObjectType:
    found = SCHEMA.get_type(name)
    assert isinstance(found, GraphQLObjectType), name
    return found


def _input(name: str) -> GraphQLInputObjectType:
    found = SCHEMA.get_type(name)
    assert isinstance(found, GraphQLInputObjectType), name
    return found


def test_every_fact_type_is_an_enum_value_a_rule_and_a_constraint() -> None:
    enum = SCHEMA.get_type("RelationshipType")
    assert isinstance(enum, GraphQLEnumType)
    names = [kind.name for kind in FACT_KINDS]
    assert list(enum.values) == names == [member.name for member in RelType]
    assert [member.name for member in FACT_KIND_BY_TYPE] == names
    ddl = "\n".join(graph_schema_statements())
    assert all(f"FOR ()-[r:{name}]-() REQUIRE r.id IS UNIQUE" in ddl for name in names)


def test_every_fact_qualifier_is_validated_writable_and_shown() -> None:
    for attr in FACT_QUALIFIERS:
        assert attr.name in FactRecord.model_fields
        assert attr.graphql_name in _input("FactPatch").fields
        assert attr.graphql_name in _input("FactInput").fields
        for view in ("Relationship", "PathHop"):
            assert attr.graphql_name in _object(view).fields
    for view in FACT_VIEWS:
        for name in view.qualifiers:
            assert next(a for a in FACT_QUALIFIERS if a.name == name).graphql_name in _object(view.name).fields


def test_update_fact_starts_from_every_stored_qualifier() -> None:
    props = {"id": "f", "sources": ["s"], "quotes": [""], "note": "n"}
    props |= {attr.prop: f"{attr.name}-value" for attr in FACT_QUALIFIERS}
    fields = fact_fields("PRESIDES", "a", "b", props)
    assert all(fields[attr.name] == f"{attr.name}-value" for attr in FACT_QUALIFIERS)


def test_every_node_field_is_a_graphql_field_an_input_a_rule_and_a_stored_property() -> None:
    node_input = _input("NodeInput")
    for kind in NODE_KINDS:
        graphql_type = _object(kind.type_name)
        record = NODE_RECORDS[kind.label]
        for attr in kind.all_fields:
            assert attr.graphql_name in graphql_type.fields, (kind.type_name, attr.name)
            if attr.writable:
                assert attr.name in record.model_fields, (kind.type_name, attr.name)
                assert ((attr.input_name and _camel(attr.input_name)) or attr.graphql_name) in node_input.fields
                assert stored_as(kind.label)[attr.name] == attr.prop
        for relation in kind.relations:
            assert _camel(relation.name) in graphql_type.fields


def test_a_stored_node_reads_back_as_the_record_it_came_from() -> None:
    for kind in NODE_KINDS:
        record_type = NODE_RECORDS[kind.label]
        sample = {"id": "x", "name": "X", "cites": [{"source": "s", "quote": None}]}
        sample |= {a.name: _sample(a) for a in kind.fields if a.writable and a.required}
        record = record_type.model_validate(sample)
        back = record_type.model_validate(node_fields(kind.label, record.properties()))
        assert back == record


def _sample(attr: Attr) -> object:
    if attr.enum is not None:
        return next(iter(attr.enum)).value
    return {"number": 1.5, "int": 1}.get(attr.kind, "62" if attr.pattern else "x")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
