"""`python -m bench.new_documents`: whether clients sending new documents slow everyone else. wrk (C) asks
one cached query at 4 connections, alone and then beside two clients that each send distinct documents of
about 2,000 tokens (the token limit) as fast as they are answered; the table compares the cached query's
latencies and counts how the new documents were answered (data, refused by a budget, other errors).
Goal (issue 25, item 5): the cached query's p95 under 50 ms beside the two clients."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import time
from collections import Counter

import httpx
import orjson

from bench.live import ApiProcess, serving
from bench.loadgen import ensure_wrk, run_wrk

CACHED = "{ strikes(first: 5) { slug name startDate } }"
CACHED_BODY = orjson.dumps({"query": CACHED})
FIELDS = ("slug", "name", "description", "note", "version", "managedBy", "aliases", "id")


def new_document(number: int, tokens: int = 1990) -> str:
    """A valid query of about `tokens` tokens that no cache has seen: a unique operation name, and plain
    fields asked again and again (merged by GraphQL, checked pairwise by validation, as a hostile client
    would write it)."""
    head = f"query New{number} {{ strikes(first: 1) {{ "
    fields = []
    count = 8  # `query New1 { strikes ( first : 1 ) {` and the two closing braces
    for name in itertools.cycle(FIELDS):
        if count >= tokens:
            break
        fields.append(name)
        count += 1
    return head + " ".join(fields) + " } }"


def _sender(url: str, offset: int, seconds: float, polite: bool, outcomes: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    counts: Counter[str] = Counter()
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=30) as http:
        for number in itertools.count(offset):
            if time.monotonic() > deadline:
                break
            response = http.post("/graphql", json={"query": new_document(number)})
            body = response.json()
            errors = body.get("errors") or []
            counts[errors[0].get("extensions", {}).get("code", "?") if errors else "data"] += 1
            if polite and response.status_code == 429:
                time.sleep(float(response.headers.get("retry-after", "1")))
    outcomes.put(dict(counts))


def measure(api: ApiProcess, seconds: float) -> None:
    wrk = ensure_wrk()
    with httpx.Client(base_url=api.url) as http:
        assert "errors" not in http.post("/graphql", json={"query": CACHED}).json()
        started = time.monotonic()
        first = http.post("/graphql", json={"query": new_document(0)}).json()
        print(f"one new 2,000-token document: {1000 * (time.monotonic() - started):.0f} ms, answered {list(first)}")
    url = api.url + "/graphql"
    asyncio.run(run_wrk(wrk, url, CACHED_BODY, concurrency=4, seconds=3))  # warm-up
    rows = [("alone", asyncio.run(run_wrk(wrk, url, CACHED_BODY, concurrency=4, seconds=seconds)), "")]
    for offset, polite in ((1_000_000, True), (3_000_000, False)):
        time.sleep(2.0 / 0.25)  # the budgets refill
        outcomes: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        senders = [
            multiprocessing.Process(
                target=_sender, args=(api.url, offset + 1_000_000 * index, seconds + 2, polite, outcomes)
            )
            for index in range(2)
        ]
        for sender in senders:
            sender.start()
        time.sleep(1)
        cell = asyncio.run(run_wrk(wrk, url, CACHED_BODY, concurrency=4, seconds=seconds))
        totals: Counter[str] = Counter()
        for sender in senders:
            sender.join()
            totals.update(outcomes.get())
        label = "waiting out Retry-After" if polite else "ignoring Retry-After"
        answered = ", ".join(f"{code} {count}" for code, count in sorted(totals.items()))
        rows.append((f"beside two clients sending new documents, {label}", cell, answered))
    print("| cached query (wrk, 4 connections) | req/s | p50 ms | p95 ms | p99 ms | the new documents' answers |")
    print("|---|---|---|---|---|---|")
    for label, cell, answered in rows:
        print(f"| {label} | {cell.per_second:.0f} | {cell.p50:.1f} | {cell.p95:.1f} | {cell.p99:.1f} | {answered} |")
    worst = max(cell.p95 for _, cell, _ in rows[1:])
    print(f"goal: cached p95 under 50 ms beside them: {'met' if worst < 50 else 'NOT met'} (worst {worst:.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    arguments = parser.parse_args()
    with serving(
        "api-new-documents", {"STRIKEGRAPH_SEED_ON_START": "true", "STRIKEGRAPH_ENVIRONMENT": "production"}
    ) as api:
        measure(api, arguments.seconds)


if __name__ == "__main__":
    main()
