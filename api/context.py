"""What every resolver gets: the request's view of Neo4j, the settings and who is calling."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from api.auth import Caller
from api.graph import RequestGraph
from api.settings import Settings


@dataclass
class Context:
    request: Request
    graph: RequestGraph
    settings: Settings
    request_id: str
    caller: Caller | None = field(default=None)  # who the API key says is calling (api/auth.py)


Info = StrawberryInfo[Context, None]
