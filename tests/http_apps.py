"""Apps with settings of their own (production mode, a small body limit, an allow-list), served over httpx
like the session's `client`, and the real server on a free port for clients that need a socket."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

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
def live_server(
    settings: Settings, started: Callable[[asyncio.AbstractEventLoop, Starlette], None] | None = None, **overrides: Any
) -> Iterator[str]:
    """uvicorn in a thread (its own event loop and driver); yields the base URL. `started` gets the loop and
    the app once it serves."""
    port = free_port()
    own = settings.model_copy(update={"host": "127.0.0.1", "port": port, "access_log": False, **overrides})
    app = create_app(own)
    server = uvicorn.Server(uvicorn_config(app, own, log_level="warning"))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(server.serve(),), name="strikegraph-live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.05)
    if started is not None:
        started(loop, app)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        if not thread.is_alive():
            loop.close()
