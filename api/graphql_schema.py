"""Builds the Strawberry schema with its extensions and limits from the settings."""

from __future__ import annotations

import strawberry

from api.settings import Settings


@strawberry.type
class Query:
    @strawberry.field(description="The API's version.")
    def api_version(self) -> str:
        return "0.1.0"


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(query=Query)
