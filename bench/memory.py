"""`python -m bench.memory`: the server's resident memory with its caches full (issue 25, item 9). A
`strikegraph serve` process on the seed graph gets distinct documents of 50 to 2,000 tokens from four
clients until three times the caches' budgets have gone through them (the new-document budget raised so
that one machine can fill them), and its RSS is read from /proc as it goes. Also prints what one cached
document and plan really take (tracemalloc) beside the caches' estimates."""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import time
import tracemalloc
from pathlib import Path

import httpx
from graphql import parse

from api.compile.execute import OperationCompiler, planning_schema
from api.contract.answering import AST_BYTES_PER_CHARACTER, AST_FIXED_BYTES
from api.contract.graphql_schema import build_schema
from api.settings import Settings
from bench.live import ApiProcess, serving
from bench.new_documents import new_document

TOKENS = (50, 200, 800, 1990)
README_BOUND_MB = 300
# A list filter's value keys its plan (an id would not: one plan serves every id, api/compile/rebind.py).
PER_VALUE = "query($t: String!) { strikes(nameContains: $t, first: 1) { slug name sources { source { title url } } } }"
PLAN_BYTES_AT_LEAST = 4096  # the plan cache's estimate of any plan


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def estimates() -> None:
    """Each document size: the AST's real bytes against the document cache's estimate."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    compiler = OperationCompiler(
        planning_schema(build_schema(settings).as_str()), max_page_size=100, max_cost=10**9,
        max_subqueries=10**6, max_cypher_bytes=10**9,
    )  # fmt: skip
    print("| tokens | characters | AST bytes (measured) | estimate | plan bytes (measured) | estimate |")
    print("|---|---|---|---|---|---|")
    for tokens in TOKENS:
        query = new_document(tokens, tokens)
        parse(query)  # warm
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        document = parse(query)
        ast = tracemalloc.get_traced_memory()[0] - before
        compiled = compiler.prepare(document, None, None)
        gc.collect()
        plan = tracemalloc.get_traced_memory()[0] - before - ast
        tracemalloc.stop()
        cypher = len(compiled.statement.cypher) if compiled.statement else 0
        estimate = len(query) * AST_BYTES_PER_CHARACTER + AST_FIXED_BYTES
        plan_estimate = 2 * (len(query) + 2) + 12 * cypher + 4096
        print(f"| {tokens} | {len(query)} | {ast:,} | {estimate:,} | {plan:,} | {plan_estimate:,} |")


async def _fill(api: ApiProcess, budget_bytes: int, pid: int) -> list[tuple[int, float]]:
    """Sends distinct documents until three budgets' worth (by the AST estimate) went through, then one
    document with distinct variables until three plan-cache budgets' worth did; returns (requests sent,
    RSS MB) samples."""
    sent = 0
    volume = 0
    numbers = itertools.count(1)
    samples: list[tuple[int, float]] = [(0, rss_mb(pid))]

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal sent, volume
        while volume < 3 * budget_bytes:
            number = next(numbers)
            query = new_document(number, TOKENS[number % len(TOKENS)])
            response = await http.post("/graphql", json={"query": query})
            assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]
            sent += 1
            volume += len(query) * AST_BYTES_PER_CHARACTER + AST_FIXED_BYTES

    async def sampling() -> None:
        while True:
            await asyncio.sleep(2)
            samples.append((sent, rss_mb(pid)))

    async def plans(http: httpx.AsyncClient, offset: int, count: int) -> None:
        """One known document, distinct variables: a plan each (the plan cache fills)."""
        nonlocal sent
        for number in range(offset, offset + count):
            response = await http.post("/graphql", json={"query": PER_VALUE, "variables": {"t": f"strike-{number}"}})
            assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]
            sent += 1

    sampler = asyncio.create_task(sampling())
    async with httpx.AsyncClient(base_url=api.url, timeout=60) as http:
        await asyncio.gather(*(client(http) for _ in range(4)))
        per_client = 3 * budget_bytes // PLAN_BYTES_AT_LEAST // 4
        await asyncio.gather(*(plans(http, index * per_client, per_client) for index in range(4)))
    sampler.cancel()
    samples.append((sent, rss_mb(pid)))
    return samples


def measure(api: ApiProcess, budget_bytes: int) -> None:
    pid = api.process.pid
    with httpx.Client(base_url=api.url) as http:
        http.post("/graphql", json={"query": "{ strikes { slug } }"})
    idle = rss_mb(pid)
    started = time.monotonic()
    samples = asyncio.run(_fill(api, budget_bytes, pid))
    seconds = time.monotonic() - started
    peak = max(rss for _, rss in samples)
    print(f"RSS idle after one query: {idle:.0f} MB")
    for sent, rss in samples[:: max(1, len(samples) // 8)]:
        print(f"  after {sent} requests: {rss:.0f} MB")
    print(
        f"full caches: {samples[-1][1]:.0f} MB at the end, peak {peak:.0f} MB, after {samples[-1][0]} requests "
        f"in {seconds:.0f} s (caches {budget_bytes >> 20} + {budget_bytes >> 20} MB by estimate); "
        f"README bound {README_BOUND_MB} MB: {'met' if peak <= README_BOUND_MB else 'NOT met'}"
    )


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    estimates()
    with serving(
        "api-memory",
        {
            "STRIKEGRAPH_SEED_ON_START": "true",
            "STRIKEGRAPH_ENVIRONMENT": "production",
            "STRIKEGRAPH_NEW_DOCUMENT_BURST_SECONDS": "100000",
        },
    ) as api:
        measure(api, Settings(_env_file=None).document_cache_bytes)  # type: ignore[call-arg]


if __name__ == "__main__":
    main()
