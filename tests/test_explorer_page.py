"""The explorer page over HTTP: served by the service with every asset from the service itself (no CDN),
only the listed assets, and off when the settings say so."""

from __future__ import annotations

import re

import httpx

from api.settings import Settings
from tests.http_apps import app_client


async def test_the_explorer_page_loads_every_asset_from_the_service(client: httpx.AsyncClient) -> None:
    page = await client.get("/explore", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/explore/assets/cytoscape.min.js" in references and "/explore/assets/explore.js" in references
    assert [ref for ref in references if ref.startswith(("http:", "https:", "//"))] == []  # no CDN
    for reference in references:
        if reference.startswith("/explore/assets/"):
            asset = await client.get(reference)
            assert asset.status_code == 200, reference
    module = await client.get("/explore/assets/explore.js")
    assert module.headers["content-type"].startswith("text/javascript")  # browsers run modules only so
    assert "import" in module.text and "/graphql" in (await client.get("/explore/assets/graphql.js")).text


async def test_only_the_listed_assets_are_served(client: httpx.AsyncClient) -> None:
    for name in ("vendor.sh", "package.json", "..%2Fexplore.py", "page.html"):
        refused = await client.get(f"/explore/assets/{name}")
        assert refused.status_code == 404, name
        assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_explorer_can_be_turned_off(settings: Settings) -> None:
    async with app_client(settings, explorer=False) as http:
        off = await http.get("/explore")
    assert off.status_code == 404 and off.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
