"""What the subscription bench and tests share: strikegraph API processes of their own (real uvicorn, as
`strikegraph serve` runs it) on one Neo4j, and a minimal graphql-transport-ws client on `websockets`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets

from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import Settings

PROTOCOL = "graphql-transport-ws"
STRIKEGRAPH = str(Path(sys.executable).with_name("strikegraph"))


@dataclass
class ApiProcess:
    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:<port>
    log: Path

    @property
    def graphql(self) -> str:
        return self.url + "/graphql"

    @property
    def websocket(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(self.url + "/healthz", timeout=5).json()
        return answer

    def stop(self, how: signal.Signals = signal.SIGINT, timeout: float = 30.0) -> int:
        """Ctrl-C, as a developer stops `make run`; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(how)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_api_process(
    name: str, neo4j: tuple[str, str, str], log_dir: Path, env: dict[str, str] | None = None, timeout: float = 90.0
) -> ApiProcess:
    """`strikegraph serve` on a free port against the given Neo4j (uri, user, password); returns once
    /readyz answers. Its output goes to `log_dir/<name>.log`."""
    uri, user, password = neo4j
    port = free_port()
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STRIKEGRAPH_"))}
    environment = keep | {
        "NEO4J_URI": uri,
        "NEO4J_USER": user,
        "NEO4J_PASSWORD": password,
        "STRIKEGRAPH_HOST": "127.0.0.1",
        "STRIKEGRAPH_PORT": str(port),
        "STRIKEGRAPH_SEED_ON_START": "false",
        "STRIKEGRAPH_ACCESS_LOG": "false",
        "STRIKEGRAPH_API_KEYS_FILE": str(log_dir / f"{name}-no-keys.json"),
        **(env or {}),
    }
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("wb") as output:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [STRIKEGRAPH, "serve"], cwd=log_dir, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    api = ApiProcess(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{api.log_tail()}")
        try:
            if httpx.get(api.url + "/readyz", timeout=2).status_code == 200:
                return api
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    api.stop(signal.SIGKILL)
    raise RuntimeError(f"{name} did not become ready in {timeout:.0f}s:\n{api.log_tail()}")


@contextmanager
def throwaway_neo4j(
    name: str, heap: str = "512m", pagecache: str = "64m"
) -> Iterator[tuple[Path, tuple[str, str, str]]]:
    """A local Neo4j in a temporary folder on a free port, stopped and removed afterwards: the folder (for
    logs) and its (uri, user, password)."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory(prefix=f"strikegraph-{name}-") as folder:
        home = Path(folder)
        local = LocalNeo4j(settings.neo4j_cache_dir, home / "neo4j", port=free_port(), heap=heap, pagecache=pagecache)
        running = local.start()
        try:
            yield home, (running.uri, running.user, running.password)
        finally:
            local.stop()


@contextmanager
def serving(name: str, env: dict[str, str] | None = None) -> Iterator[ApiProcess]:
    """A throwaway local Neo4j and `strikegraph serve` on it, for the bench's one-off measurements
    (`python -m bench.connections`, `.new_documents`, `.memory`); both stopped afterwards."""
    with throwaway_neo4j(name) as (home, neo4j):
        api = start_api_process(name, neo4j, home, env)
        try:
            yield api
        finally:
            api.stop()


@contextmanager
def api_processes(
    names: tuple[str, ...], neo4j: tuple[str, str, str], log_dir: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[ApiProcess, ...]]:
    """Several `strikegraph serve` processes on one Neo4j, started one after the other; each must exit cleanly."""
    started: list[ApiProcess] = []
    try:
        for name in names:
            started.append(start_api_process(name, neo4j, log_dir, env))
        yield tuple(started)
    except BaseException:
        for process in started:
            process.stop()
        raise
    for process in started:
        assert process.stop() == 0, process.log_tail()


class GraphQLWebSocket:
    """One graphql-transport-ws connection: `connection_init` and its ack, then subscribe and receive."""

    def __init__(self, connection: websockets.ClientConnection) -> None:
        self.connection = connection

    @classmethod
    @asynccontextmanager
    async def connect(
        cls,
        url: str,
        payload: dict[str, Any] | None = None,
        timeout: float = 10.0,
        headers: dict[str, str] | None = None,
    ) -> AsyncIterator[GraphQLWebSocket]:
        async with websockets.connect(
            url, subprotocols=[PROTOCOL], open_timeout=timeout, additional_headers=headers
        ) as connection:
            client = cls(connection)
            await connection.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
            ack = await client.receive(timeout)
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            yield client

    async def subscribe(self, operation_id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        payload = {"query": query, "variables": variables or {}}
        await self.connection.send(json.dumps({"id": operation_id, "type": "subscribe", "payload": payload}))

    async def complete(self, operation_id: str) -> None:
        await self.connection.send(json.dumps({"id": operation_id, "type": "complete"}))

    async def receive(self, timeout: float) -> dict[str, Any]:
        """The next message other than a ping (answered with a pong)."""
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
            if message.get("type") != "ping":
                return message
            await self.connection.send(json.dumps({"type": "pong"}))

    async def quiet_for(self, seconds: float) -> list[dict[str, Any]]:
        """Whatever arrives within `seconds` (to show that nothing more does)."""
        received = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                received.append(await self.receive(left))
            except TimeoutError:
                break
        return received
