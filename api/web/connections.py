"""Deadlines and a cap for HTTP connections, below the ASGI app, where a request does not exist yet.

uvicorn's keep-alive timeout only runs between two requests: a connection that never sends one, trickles
its headers or stops half-way through its body stays open for ever, and each holds a file descriptor.
This is uvicorn's httptools protocol (given through its public `http` option) with three deadlines and a
cap on open connections; WebSockets leave it when they upgrade (they have pings and `connection_init`'s
timeout of their own)."""

from __future__ import annotations

import asyncio
import resource
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import Settings


@dataclass
class ConnectionLimits:
    """What every connection of one server shares: the deadlines, the cap, and the open connections,
    oldest first, each marked busy while a request of its own runs."""

    header_seconds: float
    body_seconds: float
    max_header_bytes: int
    max_connections: int
    open: dict[LimitedHttpProtocol, bool] = field(default_factory=dict)  # connection -> busy
    closed_by_deadline: int = 0
    evicted: int = 0

    def admit(self, connection: LimitedHttpProtocol) -> bool:
        """Room for a new connection: at the cap, the oldest one with no request running makes way (a
        silent or trickling socket cannot keep a real client out); False when every one is busy."""
        if len(self.open) >= self.max_connections:
            waiting = next((other for other, busy in self.open.items() if not busy), None)
            if waiting is None:
                return False
            self.evicted += 1
            waiting.close()
        self.open[connection] = False
        return True


class LimitedHttpProtocol(HttpToolsProtocol):
    """One HTTP connection: its request's headers must be complete within `header_seconds` of the
    connection opening (or of the request's first byte, on a kept-alive connection) and within
    `max_header_bytes`, its body within `body_seconds` of the headers; otherwise it is closed."""

    limits: ConnectionLimits  # set on the subclass `limited_protocol` makes for one server

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own_transport: asyncio.Transport | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes: int | None = 0  # None once the headers are complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._own_transport = transport
        super().connection_made(transport)
        if not self.limits.admit(self):
            self.close()
            return
        self._arm(self.limits.header_seconds)

    def data_received(self, data: bytes) -> None:
        if self._header_bytes is not None:
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.max_header_bytes:
                self.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._deadline is None:  # the next request on a kept-alive connection
            self._arm(self.limits.header_seconds)

    def on_headers_complete(self) -> None:
        self._header_bytes = None
        self._arm(self.limits.body_seconds)
        if self in self.limits.open:
            self.limits.open[self] = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        if self in self.limits.open:
            self.limits.open[self] = False
        super().on_response_complete()

    def handle_websocket_upgrade(self) -> None:
        self._leave()  # the WebSocket protocol takes the transport over
        super().handle_websocket_upgrade()

    def connection_lost(self, exc: Exception | None) -> None:
        self._leave()
        super().connection_lost(exc)

    def close(self) -> None:
        self._leave()  # at once: the cap counts it out before the transport reports it lost
        if self._own_transport is not None and not self._own_transport.is_closing():
            self._own_transport.close()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = asyncio.get_running_loop().call_later(seconds, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        self.limits.closed_by_deadline += 1
        self.close()

    def _leave(self) -> None:
        self._disarm()
        self.limits.open.pop(self, None)


def limited_protocol(settings: Settings) -> type[LimitedHttpProtocol]:
    """The protocol class for one server, with its own limits."""
    limits = ConnectionLimits(
        header_seconds=settings.http_header_timeout_seconds,
        body_seconds=settings.http_body_timeout_seconds,
        max_header_bytes=settings.http_max_header_bytes,
        max_connections=settings.http_max_connections,
    )
    return type("LimitedHttpProtocol", (LimitedHttpProtocol,), {"limits": limits})


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """How `serve` (and the tests' live servers) run the app: the connection deadlines and cap included."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=limited_protocol(settings),
        timeout_keep_alive=settings.http_keep_alive_timeout_seconds,
        # No `limit_concurrency`: uvicorn counts connections being closed in it, so a flood the cap is
        # closing would get real requests a 503; the cap bounds requests in flight (one per connection).
        access_log=settings.access_log and settings.log_format == "text",
        # JSON lines: uvicorn keeps the process's logging (api/web/request_log.py) instead of its own text setup.
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
        ws_max_size=settings.max_body_bytes,  # a WebSocket message is held to the HTTP body limit
        **options,
    )


def raise_open_files_limit(settings: Settings) -> None:
    """Let the process hold its connection cap (each a file descriptor) plus room for Neo4j and files: the
    soft limit is often 1024 while the hard one allows far more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = settings.http_max_connections + 1024
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
        )
