"""What every resolver gets: the request's view of Neo4j, the settings, who is calling, and the operation
being executed (for the fallback path's planning)."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from api.auth import Caller, KeyRing
from api.contract.budgets import Budget
from api.database.graph import RequestGraph
from api.settings import Settings

if TYPE_CHECKING:  # types only: Starlette lives in the web room (api/web), which makes contexts
    from starlette.requests import HTTPConnection

    from api.compile.execute import OperationSource
    from api.live.feed import ChangeFeed


@dataclass
class Context:
    request: HTTPConnection  # a Starlette Request, or a WebSocket
    graph: RequestGraph
    settings: Settings
    request_id: str
    caller: Caller | None = field(default=None)  # who the API key says is calling (api/auth.py)
    operation: OperationSource | None = field(default=None)  # set by the CompiledExecution extension
    execution: str | None = field(default=None)  # "compiled" or "fallback", reported in `extensions`
    cost: int | None = field(default=None)
    described: tuple[str, str | None] | None = field(default=None)  # the operation's type and name, once known
    budget: Budget | None = field(default=None)  # the client's query cost budget after this request, if limited
    warnings: list[str] = field(default_factory=list)  # allowed, but worth a look: reported in `extensions`
    # The view admitted this request's new document within the client's budget (api/contract/new_documents.py): its
    # parsing, validation and planning are not refused halfway.
    admitted: bool = field(default=False)
    feed: ChangeFeed | None = field(default=None)  # the process's change feed, for subscriptions
    revalidating: str | None = field(default=None)  # a GET's If-None-Match: 304 when the answer is unchanged
    cache: str | None = field(default=None)  # the response cache: "hit", "miss" or "unchanged" (a 304)
    etag: str | None = field(default=None)  # the answer's entity tag, from the response cache
    # On a WebSocket: the key as sent (checked again at every event, so a revoked key stops a stream),
    # the keys to check it against, and what the client sent in `connection_init` (Strawberry sets it).
    authorization: str | None = field(default=None)
    keys: KeyRing | None = field(default=None, repr=False)
    connection_params: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def over_websocket(self) -> bool:
        return bool(self.request.scope["type"] == "websocket")

    def for_operation(self) -> Context:
        """A context of its own for one operation of a WebSocket connection, which runs many at once."""
        request_id = uuid.uuid4().hex[:16]
        graph = RequestGraph(
            self.graph.driver, self.graph.database, self.graph.timeout, request_id, liveness=self.graph.liveness,
            read_retry_seconds=self.graph.read_retry_seconds, slots=self.graph.slots,
        )  # fmt: skip
        return dataclasses.replace(
            self, graph=graph, request_id=request_id, operation=None, execution=None, cost=None, warnings=[]
        )


Info = StrawberryInfo[Context, None]
