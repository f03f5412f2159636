"""Persisted queries the way Apollo clients send them (hash first, document only when asked), the allow-list
mode, and HTTP caching of GET queries (Cache-Control, ETag, 304)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
from neo4j import AsyncDriver

from api.auth import Role
from api.settings import Settings
from api.web.persisted_queries import PersistedQueryStore
from tests.conftest import bearer
from tests.http_apps import app_client

STRIKES = '{ strikes(activeOn: "2023-08-10") { name } }'
ANSWER = {"strikes": [{"name": "2023 WGA strike"}, {"name": "2023 SAG-AFTRA strike"}]}


def _sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def _persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": _sha(document)}}


async def test_an_unknown_hash_asks_for_the_document(client: httpx.AsyncClient) -> None:
    query = "{ __typename unknownToTheStore: __typename }"
    response = await client.post("/graphql", json={"extensions": _persisted(query)})
    assert response.status_code == 200  # what Apollo clients expect before retrying with the document
    error = response.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_hash_and_document_register_it_then_the_hash_alone_runs_it(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    first = await client.post("/graphql", json={"query": STRIKES, "extensions": _persisted(STRIKES)})
    assert first.json()["data"] == ANSWER
    again = await client.post("/graphql", json={"extensions": _persisted(STRIKES)})
    assert again.json()["data"] == ANSWER


async def test_a_hash_that_does_not_match_the_document_is_refused(client: httpx.AsyncClient) -> None:
    body = {"query": "{ __typename }", "extensions": _persisted("{ somethingElse }")}
    response = await client.post("/graphql", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    miss = await client.post("/graphql", json={"extensions": _persisted("{ somethingElse }")})
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND", "nothing was registered"


async def test_a_malformed_persisted_query_extension_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}})
    assert response.status_code == 400
    assert "64 hex digits" in response.json()["errors"][0]["message"]


async def test_persisted_queries_work_over_get_as_apollo_sends_them(
    client: httpx.AsyncClient, seeded: AsyncDriver
) -> None:
    query = STRIKES.replace("{ name }", "{ name viaGet: name }")  # a document no other test registers
    params = {"extensions": json.dumps(_persisted(query))}
    miss = await client.get("/graphql", params=params)
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    await client.get("/graphql", params={**params, "query": query})
    hit = await client.get("/graphql", params=params)
    assert [strike["viaGet"] for strike in hit.json()["data"]["strikes"]] == [
        "2023 WGA strike",
        "2023 SAG-AFTRA strike",
    ]


def test_the_store_is_bounded_in_entries_and_bytes() -> None:
    store = PersistedQueryStore(max_entries=3, max_bytes=100)
    for index in range(5):
        store.put(f"h{index}", f"{{ q{index} }}")
    assert len(store) == 3
    assert store.get("h0") is None
    assert store.get("h4") == "{ q4 }"
    store.put("big", "x" * 90)
    assert store.size_bytes <= 100
    assert store.get("big") == "x" * 90
    store.put("huge", "x" * 101)
    assert store.get("huge") is None


async def test_allow_list_mode_runs_only_listed_operations(
    settings: Settings, seeded: AsyncDriver, tmp_path: Path
) -> None:
    allow_list = tmp_path / "operations.json"
    named = "query OnStrike { strikes { slug } }"
    allow_list.write_text(json.dumps({"strikes-on-2023-08-10": STRIKES, "on-strike": named}))
    async with app_client(settings, persisted_queries_allow_list=allow_list) as http:
        assert "errors" not in (await http.post("/graphql", json={"extensions": _persisted(named)})).json()
        metrics = (await http.get("/metrics")).text  # listed operations are counted by name too
        assert 'graphql_operation_name="OnStrike",graphql_operation_type="query",outcome="ok"} 1.0' in metrics
        by_id = await http.post(
            "/graphql", json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}}}
        )
        assert by_id.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        by_hash = await http.post("/graphql", json={"extensions": _persisted(STRIKES)})
        assert by_hash.json()["data"] == ANSWER
        full_text = await http.post("/graphql", json={"query": STRIKES})
        assert full_text.json()["data"] == ANSWER
        other = await http.post("/graphql", json={"query": "{ __typename }"})
        assert other.status_code == 400
        assert other.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
        registering = await http.post(
            "/graphql", json={"query": "{ __typename }", "extensions": _persisted("{ __typename }")}
        )
        assert registering.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_allow_list_reads_apollo_persisted_query_manifests(
    settings: Settings, seeded: AsyncDriver, tmp_path: Path
) -> None:
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": "op-1", "name": "Strikes", "type": "query", "body": STRIKES}],
    }
    allow_list = tmp_path / "persisted-query-manifest.json"
    allow_list.write_text(json.dumps(manifest))
    async with app_client(settings, persisted_queries_allow_list=allow_list) as http:
        response = await http.post("/graphql", json={"extensions": _persisted(STRIKES)})
        assert response.json()["data"] == ANSWER


async def test_get_queries_carry_cache_control_and_an_etag_and_revalidate_with_304(
    client: httpx.AsyncClient, seeded: AsyncDriver, settings: Settings
) -> None:
    response = await client.get("/graphql", params={"query": STRIKES})
    assert response.status_code == 200
    assert response.headers["cache-control"] == settings.get_cache_control
    etag = response.headers["etag"]
    assert etag.startswith('W/"')  # weak: the bytes of `extensions` differ (api/contract/response_cache.py)
    again = await client.get("/graphql", params={"query": STRIKES}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = await client.get("/graphql", params={"query": STRIKES}, headers={"If-None-Match": '"0123"'})
    assert stale.status_code == 200
    assert stale.json()["data"] == ANSWER


async def test_the_etag_follows_the_answer(client: httpx.AsyncClient, seeded: AsyncDriver) -> None:
    before = await client.get("/graphql", params={"query": STRIKES})
    renamed = await client.post("/graphql", headers=bearer(Role.EDITOR), json={"query": (
        'mutation { updateNode(id: "wga-strike-2023", expectedVersion: 1, input: {name: "2023 WGA strike (renamed)"}) '
        "{ id } }")})  # fmt: skip
    assert "errors" not in renamed.json(), renamed.json()
    after = await client.get("/graphql", params={"query": STRIKES}, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["data"]["strikes"][0]["name"] == "2023 WGA strike (renamed)"


async def test_a_write_straight_into_neo4j_is_seen_once_the_answer_reaches_its_max_age(
    settings: Settings, seeded: AsyncDriver
) -> None:
    async with app_client(settings, response_cache_max_age_seconds=2.0) as http:
        before = await http.get("/graphql", params={"query": STRIKES})
        await seeded.execute_query("MATCH (s:Strike {id: 'wga-strike-2023'}) SET s.name = '2023 WGA strike (renamed)'")
        tag = {"If-None-Match": before.headers["etag"]}
        assert (await http.get("/graphql", params={"query": STRIKES}, headers=tag)).status_code == 304  # no trace
        await asyncio.sleep(2.05)
        after = await http.get("/graphql", params={"query": STRIKES}, headers=tag)
        assert after.status_code == 200 and after.json()["data"]["strikes"][0]["name"] == "2023 WGA strike (renamed)"


async def test_post_queries_and_errors_are_not_cached(client: httpx.AsyncClient) -> None:
    post = await client.post("/graphql", json={"query": "{ __typename }"})
    assert "etag" not in post.headers
    assert "cache-control" not in post.headers
    error = await client.get("/graphql", params={"query": '{ strikes(activeOn: "2023-13-45") { name } }'})
    assert error.json()["errors"]
    assert error.headers["cache-control"] == "no-store"


async def test_keyed_get_answers_are_private(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }"}, headers=bearer(Role.READER))
    assert response.headers["cache-control"].startswith("private")
    assert "public" not in response.headers["cache-control"]
