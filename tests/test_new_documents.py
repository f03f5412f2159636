"""New documents are priced like queries (issue 25, item 5): their parsing, validation and planning run on
the new-documents lane, a worker thread beside the event loop, within a budget per client; a client over it
gets RATE_LIMITED (429, Retry-After) for new documents while the documents the server knows still answer.
The unit tests need no Neo4j; the last ones go through the real app."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver
from starlette.applications import Starlette

from api.compile.execute import ByteBudgetCache
from api.contract.new_documents import NewDocuments, RateLimited
from api.settings import Settings
from api.web.app import create_app
from bench.new_documents import new_document


def _lane(burst: float = 1.0, per_second: float = 0.5, waiting: int = 4) -> NewDocuments:
    return NewDocuments(
        ByteBudgetCache(1 << 20), burst_seconds=burst, seconds_per_second=per_second, max_waiting=waiting
    )


def _busy(seconds: float) -> str:
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        pass
    return threading.current_thread().name


async def test_work_runs_on_the_lane_thread_and_its_cpu_is_charged_to_the_client() -> None:
    lane = _lane(burst=0.05, per_second=0.01)
    thread = await lane.run("10.0.0.1", object(), lambda: _busy(0.06))
    assert thread.startswith("strikegraph-new-documents") and thread != threading.current_thread().name
    with pytest.raises(RateLimited) as refused:
        lane.admit("10.0.0.1")  # 0.06 s spent of 0.05: in debt
    assert refused.value.code == "RATE_LIMITED" and refused.value.retry_after >= 1
    lane.admit("10.0.0.2")  # another client has its own budget
    with pytest.raises(RateLimited):
        await lane.run("10.0.0.1", object(), lambda: _busy(0.001))  # run admits too, unless told the caller did


async def test_a_budget_refills_with_time() -> None:
    lane = _lane(burst=0.02, per_second=1.0)
    await lane.run("client", object(), lambda: _busy(0.03))
    with pytest.raises(RateLimited):
        lane.admit("client")
    await asyncio.sleep(0.05)  # 0.05 s at 1 s per second pays off the 0.01 s of debt
    lane.admit("client")


async def test_errors_of_the_work_are_raised_on_the_loop_and_still_charged() -> None:
    lane = _lane(burst=0.01, per_second=0.001)

    def failing() -> None:
        _busy(0.02)
        raise ValueError("bad document")

    with pytest.raises(ValueError, match="bad document"):
        await lane.run("client", object(), failing)
    with pytest.raises(RateLimited):
        lane.admit("client")


async def test_a_full_queue_refuses_new_work_at_once() -> None:
    lane = _lane(burst=10, waiting=2)
    running = [asyncio.create_task(lane.run(f"c{i}", i, lambda: _busy(0.05))) for i in range(2)]
    await asyncio.sleep(0)  # both started: one on the lane, one queued
    with pytest.raises(RateLimited, match="waiting"):
        lane.admit("another")
    await asyncio.gather(*running)
    lane.admit("another")


async def test_the_event_loop_keeps_running_while_the_lane_works() -> None:
    lane = _lane(burst=10)
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    ticker = asyncio.create_task(ticking())
    await lane.run("client", object(), lambda: _busy(0.3))
    ticker.cancel()
    assert ticks > 30, f"the loop ticked {ticks} times in 0.3 s of lane work"


async def test_the_same_document_at_once_is_prepared_once_and_charged_once() -> None:
    lane = _lane(burst=0.5, per_second=0.001)
    runs = 0

    def prepare() -> str:
        nonlocal runs
        runs += 1
        _busy(0.05)
        return "plan"

    answers = await asyncio.gather(*(lane.run(f"client-{i % 2}", ("document", "{ a }"), prepare) for i in range(20)))
    assert answers == ["plan"] * 20 and runs == 1
    assert "client-1" not in lane.budgets and lane.budgets.of("client-0").left < 0.46


def test_the_clients_remembered_are_bounded() -> None:
    lane = NewDocuments(ByteBudgetCache(1 << 20), burst_seconds=1, seconds_per_second=1, max_waiting=1, max_clients=100)
    for number in range(1000):
        lane.admit(f"client-{number}")
    assert len(lane.budgets) == 100


# -- through the app ------------------------------------------------------------------------------


@pytest.fixture
async def thrifty_app(settings: Settings, seeded: AsyncDriver) -> AsyncIterator[Starlette]:
    """The app with a budget that one hostile document spends, refilled too slowly to matter here."""
    thrifty = settings.model_copy(
        update={"new_document_burst_seconds": 0.001, "new_document_seconds_per_second": 0.0001}
    )
    application = create_app(thrifty)
    async with LifespanManager(application):
        yield application


async def test_a_client_over_its_budget_gets_429_for_new_documents_only(thrifty_app: Starlette) -> None:
    transport = httpx.ASGITransport(app=thrifty_app, client=("192.0.2.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        known = "{ strikes { slug } }"
        first = await http.post("/graphql", json={"query": known})
        assert first.status_code == 200 and "errors" not in first.json(), first.text

        refused = await http.post("/graphql", json={"query": new_document(1)})
        assert refused.status_code == 429, refused.text
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert int(refused.headers["retry-after"]) == error["extensions"]["retryAfterSeconds"] >= 1
        assert "budget" in error["message"]

        again = await http.post(
            "/graphql", json={"query": known}, headers={"Accept": "application/graphql-response+json"}
        )
        assert again.status_code == 200 and again.json()["data"]["strikes"], again.text

    other = httpx.ASGITransport(app=thrifty_app, client=("192.0.2.8", 4000))
    async with httpx.AsyncClient(transport=other, base_url="http://t") as http:
        answered = await http.post("/graphql", json={"query": new_document(2)})
        assert answered.status_code == 200 and "errors" not in answered.json(), answered.text
