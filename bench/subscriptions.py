"""`python -m bench.subscriptions`: how long a committed write takes to reach subscribers on another API
process. Two `strikegraph serve` processes share one Neo4j; subscribers listen on the first over
WebSocket, a writer sends mutations to the second, one at a time at a steady rate. Latency is measured
from the moment the writer has the mutation's answer (the commit is acknowledged) to the moment each
subscriber has the event, on this process's one clock; "from send" adds the mutation's own time.

Starts its own Neo4j (bench/.work/neo4j-live, git-ignored) unless NEO4J_URI is set; prints the table and
writes it into the README between its live-results markers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import shutil
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated

import httpx
import typer

from api.database.graph import apply_graph_schema, create_driver
from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import PROJECT_ROOT, Settings
from bench.live import ApiProcess, GraphQLWebSocket, start_api_process
from bench.report import write_between_markers
from seed.loader import load_seed
from seed.validate import read_seed

WORK = PROJECT_ROOT / "bench" / ".work"
EDITOR_KEY = "sg_bench_editor"
SUBSCRIPTION = "subscription { changes(actions: [CREATE_NODE]) { seq entity } }"
CREATE = (
    "mutation($id: String!) { createNode(kind: PERSON, input: {id: $id, name: $id, "
    'cites: [{source: "wga-email-2023-08-10"}]}) { slug } }'
)


@dataclass
class Listener:
    """One subscription: when each entity's event arrived, and the order of the numbers."""

    arrivals: dict[str, float] = field(default_factory=dict)
    seqs: list[int] = field(default_factory=list)
    duplicates: int = 0


@dataclass(frozen=True)
class Outcome:
    subscribers: int
    writes: int
    after_ack_ms: list[float]
    after_send_ms: list[float]
    complete: bool  # every subscriber got every write once, numbers rising


async def listen(client: GraphQLWebSocket, listeners: dict[str, Listener], expected: int) -> None:
    while sum(len(listener.arrivals) for listener in listeners.values()) < expected * len(listeners):
        message = await client.receive(timeout=60)
        if message.get("type") != "next":
            raise RuntimeError(f"unexpected message: {message}")
        arrived = time.monotonic()
        listener = listeners[message["id"]]
        change = message["payload"]["data"]["changes"]
        if change["entity"] in listener.arrivals:
            listener.duplicates += 1
        listener.arrivals.setdefault(change["entity"], arrived)
        listener.seqs.append(change["seq"])


async def measure(reader: ApiProcess, writer: ApiProcess, subscribers: int, writes: int, rate: float) -> Outcome:
    per_connection = 10
    connections = [min(per_connection, subscribers - start) for start in range(0, subscribers, per_connection)]
    run = f"{time.time_ns():x}"
    async with contextlib.AsyncExitStack() as stack:
        listening = []
        all_listeners: list[Listener] = []
        for index, count in enumerate(connections):
            client = await stack.enter_async_context(GraphQLWebSocket.connect(reader.websocket))
            listeners = {f"s{index}-{n}": Listener() for n in range(count)}
            for operation_id in listeners:
                await client.subscribe(operation_id, SUBSCRIPTION)
            all_listeners += listeners.values()
            listening.append(asyncio.create_task(listen(client, listeners, writes)))
        await asyncio.sleep(1.0)  # every subscription in place
        sent: dict[str, tuple[float, float]] = {}
        async with httpx.AsyncClient(timeout=30) as http:
            for n in range(writes):
                slug = f"bench-{run}-{n}"
                started = time.monotonic()
                response = await http.post(
                    writer.graphql,
                    json={"query": CREATE, "variables": {"id": slug}},
                    headers={"Authorization": f"Bearer {EDITOR_KEY}"},
                )
                acknowledged = time.monotonic()
                if "errors" in response.json():
                    raise RuntimeError(response.text)
                sent[slug] = (started, acknowledged)
                await asyncio.sleep(max(0.0, 1 / rate - (acknowledged - started)))
        await asyncio.wait_for(asyncio.gather(*listening), timeout=60)
    after_ack, after_send = [], []
    for listener in all_listeners:
        for slug, (started, acknowledged) in sent.items():
            after_ack.append((listener.arrivals[slug] - acknowledged) * 1000)
            after_send.append((listener.arrivals[slug] - started) * 1000)
    complete = all(
        listener.duplicates == 0 and listener.seqs == sorted(listener.seqs) and len(listener.arrivals) == writes
        for listener in all_listeners
    )
    return Outcome(subscribers, writes, after_ack, after_send, complete)


def percentile(values: Iterable[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(outcomes: list[Outcome], settings: Settings, rate: float) -> str:
    lines = [
        f"Commit -> event across two API processes on one Neo4j (poll interval "
        f"{settings.change_poll_interval_seconds * 1000:.0f} ms; writes one at a time at {rate:g}/s; ms):",
        "",
        "| subscribers on the other process | events | p50 | p95 | p99 | max | p50 from send | p95 from send | "
        "each once, in order |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for outcome in outcomes:
        ack, send = outcome.after_ack_ms, outcome.after_send_ms
        lines.append(
            f"| {outcome.subscribers} | {len(ack):,} | {statistics.median(ack):.0f} | {percentile(ack, 0.95):.0f} | "
            f"{percentile(ack, 0.99):.0f} | {max(ack):.0f} | {statistics.median(send):.0f} | "
            f"{percentile(send, 0.95):.0f} | {'yes' if outcome.complete else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


async def prepare(uri: str, user: str, password: str) -> None:
    settings = Settings(_env_file=None).with_neo4j(uri, user, password)  # type: ignore[call-arg]
    driver = create_driver(settings)
    try:
        await apply_graph_schema(driver, settings.neo4j_database)
        await driver.execute_query("MATCH (n) DETACH DELETE n")
        await load_seed(driver, settings.neo4j_database, read_seed())
    finally:
        await driver.close()


app = typer.Typer(add_completion=False)


@app.command()
def main(
    subscribers: Annotated[str, typer.Option(help="Comma-separated subscriber counts, one run each.")] = "1,100",
    writes: Annotated[int, typer.Option(help="Writes per run.")] = 200,
    rate: Annotated[float, typer.Option(help="Writes per second.")] = 10.0,
    readme: Annotated[bool, typer.Option(help="Also write the table into README.md between its markers.")] = True,
) -> None:
    settings = Settings()
    local = None
    if settings.neo4j_uri is None:
        home = WORK / "neo4j-live"
        local = LocalNeo4j(cache_dir=settings.neo4j_cache_dir, home=home, port=free_port(), heap="1g", pagecache="512m")
        local.stop()
        shutil.rmtree(home, ignore_errors=True)
        running = local.start()
        uri, user, password = running.uri, running.user, running.password
    else:
        uri, user = settings.neo4j_uri, settings.neo4j_user
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    keys = [{"name": "bench-editor", "role": "editor", "sha256": hashlib.sha256(EDITOR_KEY.encode()).hexdigest()}]
    env = {"STRIKEGRAPH_API_KEYS": json.dumps(keys), "STRIKEGRAPH_ENVIRONMENT": "production"}
    processes: list[ApiProcess] = []
    try:
        asyncio.run(prepare(uri, user, password))
        logs = WORK / "logs"
        processes = [start_api_process(name, (uri, user, password), logs, env) for name in ("live-a", "live-b")]
        outcomes = [
            asyncio.run(measure(processes[0], processes[1], int(count), writes, rate))
            for count in subscribers.split(",")
        ]
    finally:
        for process in processes:
            process.stop()
        if local is not None:
            local.stop()
    text = report(outcomes, settings, rate)
    if readme:
        write_between_markers(PROJECT_ROOT / "README.md", text, "live-results")
    typer.echo(text)


if __name__ == "__main__":
    app()
