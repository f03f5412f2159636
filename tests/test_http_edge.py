"""HTTP before GraphQL: CORS for browser apps on other origins, the request body limit, GraphiQL served
offline, and what production mode turns off."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from neo4j import AsyncDriver

from api.auth import Role
from api.settings import Settings
from api.web.explorer import ASSETS_DIR as EXPLORER_ASSETS
from api.web.graphiql import ASSET_FILES, ASSETS_DIR, EXAMPLE_QUERY
from tests.conftest import bearer
from tests.http_apps import app_client

VITE = "http://localhost:5173"
PREFLIGHT = {
    "Origin": VITE,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


async def test_a_preflight_from_a_localhost_app_is_answered_in_development(client: httpx.AsyncClient) -> None:
    response = await client.options("/graphql", headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == VITE
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers


async def test_a_browser_app_can_query_and_mutate_with_a_key(
    client: httpx.AsyncClient, empty_graph: AsyncDriver
) -> None:
    mutation = 'mutation { createNode(kind: SOURCE, input: {id: "cors-report", name: "CORS report", sourceKind: REPORT, date: "2026-11"}) { slug } }'
    response = await client.post("/graphql", json={"query": mutation}, headers={"Origin": VITE, **bearer(Role.EDITOR)})
    assert response.headers["access-control-allow-origin"] == VITE
    assert response.json()["data"] == {"createNode": {"slug": "cors-report"}}


async def test_other_origins_get_no_cors_headers_by_default(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/graphql", headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    simple = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers


async def test_production_allows_no_origin_unless_configured(settings: Settings) -> None:
    async with app_client(settings, environment="production") as http:
        response = await http.options("/graphql", headers=PREFLIGHT)
        assert "access-control-allow-origin" not in response.headers
    app_origin = "https://app.strikegraph.example"
    async with app_client(
        settings, environment="production", cors_allow_origins=[app_origin], cors_allow_credentials=True
    ) as http:
        response = await http.options("/graphql", headers={**PREFLIGHT, "Origin": app_origin})
        assert response.headers["access-control-allow-origin"] == app_origin
        assert response.headers["access-control-allow-credentials"] == "true"
        localhost = await http.options("/graphql", headers=PREFLIGHT)
        assert "access-control-allow-origin" not in localhost.headers


async def test_production_serves_no_graphiql_and_no_redirect(settings: Settings) -> None:
    async with app_client(settings, environment="production") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        asset = await http.get("/graphiql/assets/graphiql.min.js")
        assert asset.status_code == 404
        root = await http.get("/", follow_redirects=False)
        assert root.status_code == 404
        assert (await http.post("/graphql", json={"query": "{ __typename }"})).json()["data"] == {"__typename": "Query"}


async def test_production_can_enable_graphiql(settings: Settings) -> None:
    async with app_client(settings, environment="production", graphiql=True) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert re.search(r"graphiql\.min\.[0-9a-f]{12}\.js", page.text)


async def test_root_redirects_to_graphiql_in_development(client: httpx.AsyncClient) -> None:
    response = await client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/graphql"


async def test_graphiql_loads_nothing_from_another_host(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources, "the page should reference its assets"
    assert all(source.startswith("/graphiql/assets/") or source.startswith("data:") for source in sources), sources
    for source in sources:
        if source.startswith("/"):
            asset = await client.get(source)
            assert asset.status_code == 200, source
            assert len(asset.content) > 500, source
    assert "https://" not in (ASSETS_DIR / "strikegraph-graphiql.js").read_text()


async def test_graphiql_assets_have_versioned_names_kept_a_year_and_plain_names_revalidate(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    scripts = re.findall(r'src="(/graphiql/assets/graphiql\.min\.[0-9a-f]{12}\.js)"', page.text)
    assert len(scripts) == 1, page.text
    versioned = await client.get(scripts[0])
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert versioned.content == (ASSETS_DIR / "graphiql.min.js").read_bytes()
    plain = await client.get("/graphiql/assets/graphiql.min.js")
    assert plain.headers["cache-control"] == "no-cache" and plain.content == versioned.content
    stale = await client.get("/graphiql/assets/graphiql.min.000000000000.js")  # a name no build gave
    assert stale.status_code == 404


async def test_graphiql_opens_on_the_strikegraph_example_and_explains_the_key(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert 'strikes(activeOn: \\"2023-08-10\\")' in page.text
    assert "Authorization" in page.text
    assert "strikegraph keys add" in EXAMPLE_QUERY


async def test_graphiql_assets_are_licensed_and_only_listed_files_are_served(client: httpx.AsyncClient) -> None:
    assert {"LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"} <= ASSET_FILES
    licence = await client.get("/graphiql/assets/LICENSE.graphiql")
    assert "MIT License" in licence.text
    assert (await client.get("/graphiql/assets/vendor.sh")).status_code == 404
    assert (await client.get("/graphiql/assets/..%2Fpage.html")).status_code == 404


async def test_assets_are_gzipped_for_browsers_that_accept_it_and_whole_for_the_rest(client: httpx.AsyncClient) -> None:
    for path, local in (("/graphiql/assets/graphiql.min.js", ASSETS_DIR / "graphiql.min.js"),
                        ("/explore/assets/cytoscape.min.js", EXPLORER_ASSETS / "cytoscape.min.js")):  # fmt: skip
        async with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as gzipped:
            sent = b"".join([chunk async for chunk in gzipped.aiter_raw()])
        assert gzipped.headers["content-encoding"] == "gzip" and "accept-encoding" in gzipped.headers["vary"].lower()
        assert gzip.decompress(sent) == local.read_bytes() and len(sent) < local.stat().st_size // 2
        whole = await client.get(path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in whole.headers and whole.content == local.read_bytes()
    missing = await client.get("/graphiql/assets/nothing.js", headers={"Accept-Encoding": "gzip"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.usefixtures("seeded")
async def test_graphql_answers_are_gzipped_when_accepted_and_large_enough(client: httpx.AsyncClient) -> None:
    query = {"query": "{ organizations(first: 100) { slug name aliases description } }"}
    async with client.stream("POST", "/graphql", json=query, headers={"Accept-Encoding": "gzip"}) as gzipped:
        sent = b"".join([chunk async for chunk in gzipped.aiter_raw()])
    assert gzipped.headers["content-encoding"] == "gzip" and "accept-encoding" in gzipped.headers["vary"].lower()
    whole = await client.post("/graphql", json=query, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in whole.headers
    assert json.loads(gzip.decompress(sent))["data"] == whole.json()["data"]
    assert len(sent) < len(whole.content) // 2
    small = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under COMPRESS_FROM_BYTES


async def test_a_body_over_the_limit_is_413_from_its_content_length(settings: Settings) -> None:
    async with app_client(settings, max_body_bytes=1000) as http:
        small = await http.post("/graphql", json={"query": "{ __typename }"})
        assert small.status_code == 200
        big = await http.post("/graphql", json={"query": "{ __typename }", "variables": {"pad": "x" * 2000}})
        assert big.status_code == 413
        assert big.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "1000 bytes" in big.json()["errors"][0]["message"]


async def test_a_streamed_body_over_the_limit_is_413(settings: Settings) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}}'

    async with app_client(settings, max_body_bytes=1000) as http:
        response = await http.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
        assert "content-length" not in response.request.headers
        assert response.status_code == 413


async def test_the_default_body_limit_is_one_megabyte(client: httpx.AsyncClient, settings: Settings) -> None:
    assert settings.max_body_bytes == 1_048_576
    response = await client.post("/graphql", json={"query": "{ __typename }", "variables": {"pad": "x" * 1_100_000}})
    assert response.status_code == 413
