"""schema/schema.graphql is the committed contract: it must match the code."""

from __future__ import annotations

from api.contract.graphql_schema import schema_sdl
from api.settings import PROJECT_ROOT


def test_committed_sdl_matches_the_code() -> None:
    committed = (PROJECT_ROOT / "schema" / "schema.graphql").read_text()
    assert committed == schema_sdl(), "schema/schema.graphql is stale: run `make schema` and commit it"
