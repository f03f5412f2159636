"""Prometheus metrics (issue 21, item 2): `/metrics` in the text format, scraped through the real app, with
bounded labels: HTTP durations by method, route template and status; GraphQL operations by type and outcome;
the planned cost of compiled queries; the document and plan caches; the connection pool as requests use it."""

from __future__ import annotations

import re
from collections.abc import Awaitable

import httpx
import pytest
from asgi_lifespan import LifespanManager
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.routing import Mount, Route, WebSocketRoute

from api.settings import Settings
from api.web.app import create_app
from api.web.metrics import route_of
from tests.http_apps import app_client

pytestmark = pytest.mark.usefixtures("seeded")


async def _scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def plan_lookups(client: httpx.AsyncClient, action: Awaitable[object]) -> tuple[float, float]:
    """The plan cache's hits and misses while `action` runs, as /metrics counts them."""
    before = await _scrape(client)
    await action
    after = await _scrape(client)

    def grew(result: str) -> float:
        labels = {"cache": "plans", "result": result}
        return _value(after, "strikegraph_cache_lookups_total", **labels) - _value(
            before, "strikegraph_cache_lookups_total", **labels
        )

    return grew("hit"), grew("miss")


async def test_requests_operations_and_costs_are_counted_with_bounded_labels(client: httpx.AsyncClient) -> None:
    before = await _scrape(client)
    answered = await client.post("/graphql", json={"query": "query Strikes { strikes { slug } }"})
    assert answered.status_code == 200
    invalid = await client.post("/graphql", json={"query": "{ strikes { noSuchField } }"})
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert (await client.get("/no/such/path/42")).status_code == 404
    after = await _scrape(client)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    graphql_ok = {"http_request_method": "POST", "http_route": "/graphql", "http_response_status_code": "200"}
    assert grew("http_server_request_duration_seconds_count", **graphql_ok) >= 1
    assert grew("http_server_request_duration_seconds_sum", **graphql_ok) > 0
    unknown = {"http_request_method": "GET", "http_route": "other", "http_response_status_code": "404"}
    assert grew("http_server_request_duration_seconds_count", **unknown) == 1  # not the raw path
    assert (
        grew("graphql_server_operations_total", graphql_operation_type="query", graphql_operation_name="", outcome="ok")
        == 1
    )
    failed = grew(
        "graphql_server_operations_total",
        graphql_operation_type="query",
        graphql_operation_name="",
        outcome="GRAPHQL_VALIDATION_FAILED",
    )
    assert failed == 1
    assert grew("strikegraph_query_cost_count") == 1
    cost = answered.json()["extensions"]["cost"]
    assert grew("strikegraph_query_cost_sum") == cost
    statements = {"db_system_name": "neo4j", "db_namespace": "neo4j"}
    assert (
        grew("db_client_operation_duration_seconds_count", **statements)
        == answered.json()["extensions"]["cypherStatements"]
    )
    assert grew("db_client_operation_duration_seconds_sum", **statements) > 0
    assert _value(after, "strikegraph_cache_entries", cache="documents") >= 1
    assert _value(after, "strikegraph_cache_bytes", cache="plans") > 0
    assert (
        grew("strikegraph_cache_lookups_total", cache="documents", result="hit")
        + grew("strikegraph_cache_lookups_total", cache="documents", result="miss")
        >= 2
    )
    assert not any("/no/such/path/42" in str(key) for key in after)


async def test_with_metrics_off_there_is_no_endpoint(settings: Settings) -> None:
    async with app_client(settings, metrics=False) as http:
        assert (await http.post("/graphql", json={"query": "{ strikes { slug } }"})).status_code == 200
        refused = await http.get("/metrics")
        assert refused.status_code == 404


async def test_the_change_feed_and_the_response_cache_are_seen(client: httpx.AsyncClient) -> None:
    query = {"query": '{ organization(id: "wga") { name } }'}
    await client.post("/graphql", json=query)
    before = await _scrape(client)
    await client.post("/graphql", json=query)
    after = await _scrape(client)
    hit = ("strikegraph_cache_lookups_total", {"cache": "responses", "result": "hit"})
    assert _value(after, hit[0], **hit[1]) == _value(before, hit[0], **hit[1]) + 1
    assert _value(after, "strikegraph_cache_entries", cache="responses") >= 1
    assert _value(after, "strikegraph_subscriptions") == 0
    assert _value(after, "strikegraph_change_feed_lag") == 0
    assert 0 <= _value(after, "strikegraph_change_feed_age_seconds") < 1.0  # followed every 0.2 s
    assert ("strikegraph_change_feed_poll_errors_total", ()) in after


async def test_the_connection_pool_shows_its_use_and_a_request_that_finds_it_full_gets_a_code(
    settings: Settings,
) -> None:
    own = settings.model_copy(
        update={"neo4j_max_connections": 5, "neo4j_acquisition_timeout_seconds": 0.2, "response_cache": False}
    )
    app = create_app(own)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://strikegraph.test") as client:
            query = {"query": "query Strikes { strikes { slug } }"}
            assert (await client.post("/graphql", json=query)).status_code == 200
            samples = await _scrape(client)
            pool = {"db_client_connection_pool_name": "neo4j"}
            assert _value(samples, "db_client_connection_max", **pool) == 1  # five, less the four kept back
            assert _value(samples, "db_client_connection_count", db_client_connection_state="used", **pool) == 0
            assert _value(samples, "db_client_connection_wait_time_seconds_count", **pool) >= 1

            slots = app.state.slots
            await slots.take()  # the one slot, held as a long request would
            try:
                busy = await client.post("/graphql", json=query)
                during = await _scrape(client)
            finally:
                slots.give_back()
            assert busy.status_code == 503, busy.text
            [error] = busy.json()["errors"]
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE" and "connections" in error["message"]
            assert _value(during, "db_client_connection_count", db_client_connection_state="used", **pool) == 1
            assert _value(during, "db_client_connection_timeouts_total", **pool) == 1
            assert (await client.post("/graphql", json=query)).status_code == 200


def test_every_route_the_app_serves_is_counted_under_its_own_template(app: Starlette) -> None:
    """A route added without a template in api/web/metrics.py would be counted as `other`: this names it."""
    examples = []
    for route in app.routes:
        if isinstance(route, Mount):
            examples.append(route.path + "/x")
        elif isinstance(route, Route | WebSocketRoute):
            examples.append(re.sub(r"\{[^}]+\}", "x", route.path))
    assert "/reconcile/suggest/x" in examples and "/review/assets/x" in examples
    assert [path for path in examples if route_of(path) == "other"] == []
