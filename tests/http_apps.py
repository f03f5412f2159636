"""Apps with settings of their own (production mode, a small body limit, an allow-list), served over httpx
like the session's `client`, and the real server on a free port for clients that need a socket."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import uvicorn
from asgi_lifespan import LifespanManager

from api.database.local_neo4j import free_port
from api.settings import Settings
from api.web.app import create_app
from api.web.connections import uvicorn_config


@asynccontextmanager
async def app_client(settings: Settings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=overrides))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://strikegraph.test") as http:
            yield http


@contextmanager
def live_server(settings: Settings, **overrides: Any) -> Iterator[str]:
    """uvicorn in a thread (its own event loop and driver); yields the base URL."""
    port = free_port()
    own = settings.model_copy(update={"host": "127.0.0.1", "port": port, "access_log": False, **overrides})
    server = uvicorn.Server(uvicorn_config(create_app(own), own, log_level="warning"))
    thread = threading.Thread(target=server.run, name="strikegraph-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
