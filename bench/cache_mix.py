"""`python -m bench.cache_mix`: the response cache under a read/write mix, through two API processes.

A throwaway Neo4j with the curated seed; two `strikegraph serve` processes on it in production mode. wrk reads
four organizations in one query from the second process at 32 connections; writers rename those
organizations through the first process at `--writes` percent of all operations (paced from a short
read-only run); a checker asks the second process the same query one request after another and compares
each answer with the renames answered before it began: one older than a rename answered more than the bound
(STRIKEGRAPH_RESPONSE_CACHE_MAX_STALENESS_SECONDS) before is stale beyond the bound. Run with the response
cache off, then on.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Annotated

import httpx
import typer

from api.auth import ApiKeyRecord, Role, hash_key
from api.settings import Settings
from bench.live import ApiProcess, start_api_process, throwaway_neo4j
from bench.loadgen import Measurement, ensure_wrk, run_wrk

EDITOR_KEY = "sg_bench_editor_key"
ORGANIZATIONS = ("amptp", "wga", "dga", "sag-aftra")
READ = "{ " + " ".join(f'o{i}: organization(id: "{slug}") {{ name description version }}'
                       for i, slug in enumerate(ORGANIZATIONS)) + " }"  # fmt: skip
CONNECTIONS = 32


@dataclass
class Mix:
    renamed: dict[str, list[tuple[float, int]]] = field(default_factory=dict)  # slug -> (answered at, number)
    checked: list[tuple[float, dict[str, int], str]] = field(default_factory=list)  # (began, numbers seen, cache)
    reads: Measurement | None = None

    @property
    def writes(self) -> int:
        return sum(len(renames) for renames in self.renamed.values())


def _environment(cache: bool) -> dict[str, str]:
    key = ApiKeyRecord(name="bench-editor", role=Role.EDITOR, sha256=hash_key(EDITOR_KEY))
    return {
        "STRIKEGRAPH_ENVIRONMENT": "production",
        "STRIKEGRAPH_ACCESS_LOG": "false",
        "STRIKEGRAPH_RESPONSE_CACHE": "true" if cache else "false",
        "STRIKEGRAPH_API_KEYS": json.dumps([key.model_dump(mode="json")]),
    }


def _numbers(data: dict[str, dict[str, str | None]]) -> dict[str, int]:
    numbers = {}
    for index, slug in enumerate(ORGANIZATIONS):
        description = data[f"o{index}"]["description"] or ""
        numbers[slug] = int(description.split()[1]) if description.startswith("rename ") else 0
    return numbers


async def _run(writer: ApiProcess, reader: ApiProcess, seconds: float, writes_per_second: float) -> Mix:
    mix = Mix()
    done = asyncio.Event()
    headers = {"Authorization": f"Bearer {EDITOR_KEY}"}
    body = json.dumps({"query": READ}).encode()

    async def write(http: httpx.AsyncClient, slug: str) -> None:  # one writer per organization: no version clash
        interval = len(ORGANIZATIONS) / writes_per_second
        number = 0
        while not done.is_set():
            began = time.monotonic()
            number += 1
            answer = (await http.post("/graphql", json={"query": READ})).json()
            version = answer["data"][f"o{ORGANIZATIONS.index(slug)}"]["version"]
            mutation = (f'mutation {{ updateNode(id: "{slug}", expectedVersion: {version}, '
                        f'input: {{description: "rename {number}"}}) {{ id }} }}')  # fmt: skip
            written = (await http.post("/graphql", json={"query": mutation}, headers=headers)).json()
            assert "errors" not in written, written
            mix.renamed.setdefault(slug, []).append((time.monotonic(), number))
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - began)))

    async def check(http: httpx.AsyncClient) -> None:
        while not done.is_set():
            began = time.monotonic()
            answer = (await http.post("/graphql", json={"query": READ})).json()
            mix.checked.append((began, _numbers(answer["data"]), answer["extensions"].get("cache", "off")))

    async def load() -> None:
        mix.reads = await run_wrk(ensure_wrk(), reader.url + "/graphql", body, CONNECTIONS, seconds)
        done.set()

    async with (
        httpx.AsyncClient(base_url=writer.url, timeout=30) as writes,
        httpx.AsyncClient(base_url=reader.url, timeout=30) as reads,
    ):
        await asyncio.gather(load(), check(reads), *(write(writes, slug) for slug in ORGANIZATIONS))
    return mix


def _report(name: str, mix: Mix, seconds: float, bound: float) -> str:
    within = beyond = 0
    for began, seen, _ in mix.checked:
        for slug, renames in mix.renamed.items():
            answered = [number for at, number in renames if at < began]
            settled = [number for at, number in renames if at + bound < began]
            if settled and seen[slug] < settled[-1]:
                beyond += 1
            elif answered and seen[slug] < answered[-1]:
                within += 1
    assert mix.reads is not None
    reads, writes = mix.reads.requests, mix.writes
    hits = sum(cache == "hit" for *_, cache in mix.checked)
    return (
        f"| {name} | {reads / seconds:,.0f} | {mix.reads.p50:.2f} | {writes / seconds:,.0f} "
        f"| {writes / (reads + writes):.1%} | {hits / max(1, len(mix.checked)):.1%} of {len(mix.checked):,} "
        f"| {within} | {beyond} |"
    )


def main(
    seconds: Annotated[float, typer.Option(help="Seconds of load per setting (whole).")] = 20.0,
    writes: Annotated[float, typer.Option(help="Writes as a share of all operations, in percent.")] = 5.0,
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bound = settings.response_cache_max_staleness_seconds
    print(
        f"wrk reads at c={CONNECTIONS} from one process; writes through another at about {writes:g}% of all "
        f"operations; {seconds:g}s each. A checked read is stale when it shows an older name than a rename"
    )
    print(f"answered before it began; beyond the bound when that rename was answered more than {bound:g}s before.")
    print("")
    print(
        "| response cache | reads/s | read p50 ms (c=32) | writes/s | writes | checked reads from memory "
        "| organizations shown stale within the bound | beyond it |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with throwaway_neo4j("cache-mix", heap="1g", pagecache="256m") as (home, neo4j):
        for cache in (False, True):
            environment = _environment(cache)
            first = start_api_process("writer", neo4j, home, environment | {"STRIKEGRAPH_SEED_ON_START": "true"})
            second = start_api_process("reader", neo4j, home, environment)
            try:
                body = json.dumps({"query": READ}).encode()
                alone = asyncio.run(run_wrk(ensure_wrk(), second.url + "/graphql", body, CONNECTIONS, 3))
                rate = alone.per_second * writes / (100 - writes)
                mix = asyncio.run(_run(first, second, seconds, rate))
            finally:
                first.stop()
                second.stop()
            print(_report("on" if cache else "off", mix, seconds, bound), flush=True)


if __name__ == "__main__":
    typer.run(main)
