"""schema/schema.graphql is the committed contract: it must match the code."""

from __future__ import annotations

from graphql import get_introspection_query, graphql_sync

from api.contract.graphql_schema import build_schema, schema_sdl
from api.settings import PROJECT_ROOT, Settings


def test_committed_sdl_matches_the_code() -> None:
    committed = (PROJECT_ROOT / "schema" / "schema.graphql").read_text()
    assert committed == schema_sdl(), "schema/schema.graphql is stale: run `make schema` and commit it"


def test_graphiqls_introspection_query_answers_without_an_error() -> None:
    """What GraphiQL and every client generator ask first; a required argument must carry no `null` default
    (graphql-core fails the field, where printing the SDL just leaves the default out)."""
    schema = build_schema(Settings(_env_file=None))._schema  # type: ignore[call-arg]
    query = get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True, schema_description=True,
        input_value_deprecation=True,
    )  # fmt: skip
    result = graphql_sync(schema, query)
    assert result.errors is None, result.errors[:3]
    node = next(field for field in result.data["__schema"]["types"] if field["name"] == "Query")  # type: ignore[index]
    [argument] = next(field for field in node["fields"] if field["name"] == "node")["args"]
    assert (argument["name"], argument["defaultValue"]) == ("id", None)
