"""Each client's share of the graph (issue 21, item 4): a query's planned cost is charged to its client (its
API key's name, else its address) before Neo4j sees it; a client whose budget is spent gets RATE_LIMITED (HTTP
429, Retry-After), and every compiled query's response says what is left in the IETF RateLimit fields. The
budget unit tests need no Neo4j; the rest go through the real app."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver
from starlette.applications import Starlette

from api.auth import Role
from api.contract.budgets import Budgets
from api.settings import Settings
from api.web.app import create_app
from tests.conftest import bearer

QUERY = "{ strikes { slug } }"


def test_a_budget_may_go_into_debt_once_and_is_refilled_with_time() -> None:
    budgets = Budgets(burst=10, per_second=2)
    assert budgets.wait("a") is None
    budgets.spend("a", 25)  # one dear request is allowed while anything is left...
    assert budgets.wait("a") == 8  # ...and the debt of 15 is paid back at 2 a second
    assert budgets.wait("b") is None  # each client its own
    budget = budgets.of("a")
    budget.updated -= 8  # eight seconds later
    assert budgets.wait("a") is None and budgets.of("a").left == pytest.approx(1, abs=0.01)


def test_the_clients_remembered_are_bounded() -> None:
    budgets = Budgets(burst=1, per_second=1, max_clients=2)
    for client in ("a", "b", "c"):
        budgets.spend(client, 5)
    assert budgets.wait("a") is None  # forgotten, the longest idle: it starts afresh
    assert budgets.wait("c") is not None


@pytest.fixture
async def metered_app(settings: Settings, seeded: AsyncDriver) -> AsyncIterator[Starlette]:
    """The app with a query cost budget that one query spends, refilled at one a second."""
    metered = settings.model_copy(update={"query_cost_burst": 1, "query_cost_per_second": 1})
    application = create_app(metered)
    async with LifespanManager(application):
        yield application


def _client(app: Starlette, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 4000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def test_a_client_whose_budget_is_spent_gets_429_and_others_are_answered(metered_app: Starlette) -> None:
    async with _client(metered_app, "192.0.2.10") as first, _client(metered_app, "192.0.2.11") as second:
        allowed = await first.post("/graphql", json={"query": QUERY})
        assert allowed.status_code == 200 and "errors" not in allowed.json(), allowed.text
        cost = allowed.json()["extensions"]["cost"]
        assert cost > 1
        assert allowed.headers["ratelimit-policy"] == '"query-cost";q=1;w=1'
        assert re.fullmatch(r'"query-cost";r=0;t=\d+', allowed.headers["ratelimit"]), allowed.headers["ratelimit"]

        refused = await first.post("/graphql", json={"query": QUERY})
        assert refused.status_code == 429, refused.text
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED" and error["extensions"]["limit"] == "queryCost"
        # the debt (the cost less the burst of 1) is paid back at 1 a second
        assert int(refused.headers["retry-after"]) == error["extensions"]["retryAfterSeconds"] >= cost - 2
        assert "cypherStatements" in refused.json()["extensions"]
        assert refused.json()["extensions"]["cypherStatements"] == 0  # refused before Neo4j saw it
        assert refused.headers["ratelimit"].startswith('"query-cost";r=0;')

        other = await second.post("/graphql", json={"query": QUERY})
        assert other.status_code == 200, other.text


async def test_concurrent_requests_of_one_client_spend_one_budget(metered_app: Starlette) -> None:
    """Six at once from one client: the first planned is answered, the other five refused; no two of them
    spend the same budget, whatever the interleaving."""
    async with _client(metered_app, "192.0.2.20") as http:
        statuses = await asyncio.gather(*(http.post("/graphql", json={"query": QUERY}) for _ in range(6)))
    assert sorted(response.status_code for response in statuses) == [200] + [429] * 5


async def test_a_key_is_one_client_wherever_it_calls_from(metered_app: Starlette) -> None:
    """The budget follows the API key, not the address: the key's second query, from another address, is
    refused; that address without the key still has its own."""
    async with _client(metered_app, "192.0.2.30") as first, _client(metered_app, "192.0.2.31") as second:
        keyed = await first.post("/graphql", json={"query": QUERY}, headers=bearer(Role.READER))
        assert keyed.status_code == 200, keyed.text
        again = await second.post("/graphql", json={"query": QUERY}, headers=bearer(Role.READER))
        assert again.status_code == 429, again.text
        anonymous = await second.post("/graphql", json={"query": QUERY})
        assert anonymous.status_code == 200, anonymous.text


async def test_budgets_follow_the_key_then_its_role_then_the_default_under_concurrent_clients(
    settings: Settings, seeded: AsyncDriver
) -> None:
    budgets = {"role:reader": {"burst": 1, "per_second": 1}, "key:test-editor": {"burst": 1, "per_second": 0}}
    metered = settings.model_copy(update={"query_cost_budgets": Settings.model_validate(
        {"query_cost_budgets": budgets, "_env_file": None}).query_cost_budgets})  # fmt: skip
    application = create_app(metered)
    async with LifespanManager(application), _client(application, "192.0.2.20") as http:
        readers = await asyncio.gather(
            *(http.post("/graphql", json={"query": QUERY}, headers=bearer(Role.READER)) for _ in range(5))
        )
        assert sorted(response.status_code for response in readers) == [200, 429, 429, 429, 429]
        assert all(response.headers["ratelimit-policy"] == '"query-cost";q=1;w=1' for response in readers)
        editor = [await http.post("/graphql", json={"query": QUERY}, headers=bearer(Role.EDITOR)) for _ in range(3)]
        assert [response.status_code for response in editor] == [200, 200, 200]  # its own: no limit
        assert "ratelimit" not in editor[0].headers
        anonymous = await http.post("/graphql", json={"query": QUERY})
        assert anonymous.status_code == 200 and "ratelimit" not in anonymous.headers  # the default: no limit


def test_a_budget_must_name_a_key_or_a_role() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="name a key"):
        Settings.model_validate({"query_cost_budgets": {"readers": {"burst": 1, "per_second": 1}}})
