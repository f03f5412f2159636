"""`python -m bench.cache_mix`: the response cache under a read/write mix, through two API processes.

A throwaway Neo4j with the curated seed; two `strikegraph serve` processes on it in production mode, the
response cache on (its default). Writers rename organizations through the first process, one write after
another, at about `--writes` percent of all operations; readers ask the second process for those organizations
all along, so every fresh answer must come through the audit trail. Each read is checked: a read that started
more than the bound (STRIKEGRAPH_RESPONSE_CACHE_MAX_STALENESS_SECONDS) after a rename was answered must show
that rename or a later one. Throughput is counted by this Python client, which checks every answer (a C load
generator cannot), so it is the client's ceiling as much as the server's: compare it with itself, cache off.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import httpx
import typer

from api.auth import ApiKeyRecord, Role, hash_key
from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import Settings
from bench.live import ApiProcess, start_api_process

EDITOR_KEY = "sg_bench_editor_key"
ORGANIZATIONS = ("amptp", "wga", "dga", "sag-aftra")
READ = "query Org($id: String) { organization(id: $id) { name description version } }"


@dataclass
class Mix:
    renamed: list[tuple[float, str, int]] = field(default_factory=list)  # (answered at, organization, number)
    reads: list[tuple[float, str, int, str]] = field(default_factory=list)  # (started at, organization, seen, cache)
    writes: int = 0


def _environment(cache: bool) -> dict[str, str]:
    key = ApiKeyRecord(name="bench-editor", role=Role.EDITOR, sha256=hash_key(EDITOR_KEY))
    return {
        "STRIKEGRAPH_ENVIRONMENT": "production",
        "STRIKEGRAPH_RESPONSE_CACHE": "true" if cache else "false",
        "STRIKEGRAPH_API_KEYS": json.dumps([key.model_dump(mode="json")]),
    }


async def _run(writer: ApiProcess, reader: ApiProcess, seconds: float, share: float, readers: int) -> Mix:
    mix = Mix()
    done = asyncio.Event()
    counter = iter(range(1, 1_000_000))
    headers = {"Authorization": f"Bearer {EDITOR_KEY}"}

    async def write(http: httpx.AsyncClient) -> None:
        while not done.is_set():
            if mix.writes > share * (len(mix.reads) + mix.writes):
                await asyncio.sleep(0.002)
                continue
            slug = ORGANIZATIONS[mix.writes % len(ORGANIZATIONS)]
            number = next(counter)
            body = (await http.post("/graphql", json={"query": READ, "variables": {"id": slug}})).json()
            version = body["data"]["organization"]["version"]
            mutation = (
                f'mutation {{ updateNode(id: "{slug}", expectedVersion: {version}, '
                f'input: {{description: "rename {number}"}}) {{ id }} }}'
            )
            answer = (await http.post("/graphql", json={"query": mutation}, headers=headers)).json()
            assert "errors" not in answer, answer
            mix.renamed.append((time.monotonic(), slug, number))
            mix.writes += 1

    async def read(http: httpx.AsyncClient, index: int) -> None:
        turn = index
        while not done.is_set():
            slug = ORGANIZATIONS[turn % len(ORGANIZATIONS)]
            turn += 1
            started = time.monotonic()
            body = (await http.post("/graphql", json={"query": READ, "variables": {"id": slug}})).json()
            description = body["data"]["organization"]["description"] or ""
            seen = int(description.split()[1]) if description.startswith("rename ") else 0
            mix.reads.append((started, slug, seen, body["extensions"].get("cache", "off")))

    limits = httpx.Limits(max_connections=readers + 2)
    async with (
        httpx.AsyncClient(base_url=writer.url, timeout=30, limits=limits) as writes,
        httpx.AsyncClient(base_url=reader.url, timeout=30, limits=limits) as reads,
    ):
        tasks = [asyncio.create_task(write(writes)), *(asyncio.create_task(read(reads, i)) for i in range(readers))]
        await asyncio.sleep(seconds)
        done.set()
        await asyncio.gather(*tasks)
    return mix


def _report(name: str, mix: Mix, seconds: float, bound: float) -> str:
    by_organization: dict[str, list[tuple[float, int]]] = {}
    for answered, slug, number in mix.renamed:
        by_organization.setdefault(slug, []).append((answered, number))
    beyond = within = 0
    for started, slug, seen, _ in mix.reads:
        due = [number for answered, number in by_organization.get(slug, []) if answered < started]
        if due and seen < due[-1]:  # an older name than the last rename answered before this read began
            settled = [number for answered, number in by_organization[slug] if answered + bound < started]
            if settled and seen < settled[-1]:
                beyond += 1
            else:
                within += 1
    hits = sum(cache == "hit" for *_, cache in mix.reads)
    total = len(mix.reads) + mix.writes
    return (
        f"| {name} | {total / seconds:,.0f} | {mix.writes / total:.1%} | {hits / max(1, len(mix.reads)):.1%} "
        f"| {within} | {beyond} |"
    )


def main(
    seconds: Annotated[float, typer.Option(help="Seconds of load per setting.")] = 20.0,
    writes: Annotated[float, typer.Option(help="Writes as a share of all operations, in percent.")] = 5.0,
    readers: Annotated[int, typer.Option(help="Concurrent readers.")] = 32,
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bound = settings.response_cache_max_staleness_seconds
    print(f"{readers} readers on one process, writes through another at {writes:g}% of operations, {seconds:g}s each;")
    print(f"a stale read is one older than a rename answered before it began; the bound is {bound:g}s.")
    print("")
    print("| response cache | operations/s | writes | hits | stale within the bound | stale beyond it |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="strikegraph-cache-mix-") as folder:
        home = Path(folder)
        local = LocalNeo4j(settings.neo4j_cache_dir, home / "neo4j", port=free_port(), heap="1g", pagecache="256m")
        running = local.start()
        neo4j = (running.uri, running.user, running.password)
        try:
            for cache in (False, True):
                environment = _environment(cache)
                first = start_api_process("writer", neo4j, home, environment | {"STRIKEGRAPH_SEED_ON_START": "true"})
                second = start_api_process("reader", neo4j, home, environment)
                try:
                    mix = asyncio.run(_run(first, second, seconds, writes / 100, readers))
                finally:
                    first.stop()
                    second.stop()
                print(_report("on" if cache else "off", mix, seconds, bound), flush=True)
        finally:
            local.stop()


if __name__ == "__main__":
    typer.run(main)
