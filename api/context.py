"""What every resolver gets: the request's view of Neo4j, the settings, who is calling, and the operation
being executed (for the fallback path's planning)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from api.auth import Caller
from api.graph import RequestGraph
from api.settings import Settings

if TYPE_CHECKING:
    from api.compile.execute import OperationSource


@dataclass
class Context:
    request: Request
    graph: RequestGraph
    settings: Settings
    request_id: str
    caller: Caller | None = field(default=None)  # who the API key says is calling (api/auth.py)
    operation: OperationSource | None = field(default=None)  # set by the CompiledExecution extension
    execution: str | None = field(default=None)  # "compiled" or "fallback", reported in `extensions`
    cost: int | None = field(default=None)


Info = StrawberryInfo[Context, None]
