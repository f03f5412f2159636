"""The GraphQL contract: the only room that imports Strawberry (besides the web room's view)."""

from api.contract import enums as _enums  # noqa: F401  (registers every GraphQL enum before any type uses one)
