"""The explorer page over HTTP: served by the service with every asset from the service itself (no CDN),
only the listed assets, and off when the settings say so."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from api.compile.root_fields import LOOKUPS
from api.settings import Settings
from api.web import explorer
from schema.model import FACT_KINDS, NODE_KINDS, Label, SourceKind
from tests.http_apps import app_client


async def test_the_explorer_page_loads_every_asset_from_the_service(client: httpx.AsyncClient) -> None:
    page = await client.get("/explore", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    versioned = re.compile(r"/explore/assets/(cytoscape\.min|explore)\.[0-9a-f]{12}\.js")
    assert sum(bool(versioned.fullmatch(ref)) for ref in references) == 2, references  # versioned names
    assert [ref for ref in references if ref.startswith(("http:", "https:", "//"))] == []  # no CDN
    for reference in references:
        if reference.startswith("/explore/assets/"):
            asset = await client.get(reference)
            assert asset.status_code == 200, reference
    # The modules' imports of each other go to versioned names too, through the page's import map: every
    # script and style can be kept a year, immutable, and a new file is a new name.
    (importmap,) = re.findall(r'<script type="importmap">(.*?)</script>', page.text)
    imports = json.loads(importmap)["imports"]
    assert {plain.rsplit("/", 1)[1] for plain in imports} == {n for n in explorer.ASSETS.files if n.endswith(".js")}
    for plain, hashed in imports.items():
        kept, fresh = await client.get(hashed), await client.get(plain)
        assert kept.headers["cache-control"] == "public, max-age=31536000, immutable", hashed
        assert fresh.headers["cache-control"] == "no-cache" and kept.content == fresh.content
    module = await client.get("/explore/assets/explore.js")
    assert module.headers["content-type"].startswith("text/javascript")  # browsers run modules only so
    assert "import" in module.text and "/graphql" in (await client.get("/explore/assets/graphql.js")).text


async def test_the_explorer_lists_the_models_kinds_and_looks_each_up(client: httpx.AsyncClient) -> None:
    """The legend and the slug lookups come from the model: a new kind of node reaches the explorer with no
    edit to its scripts (only a colour and shape in api/web/explorer.py, which start-up insists on)."""
    served = await client.get("/explore/model.json")
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    kinds = served.json()["kinds"]
    assert [kind["type"] for kind in kinds] == [kind.type_name for kind in NODE_KINDS]
    assert {kind["lookup"] for kind in kinds} == set(LOOKUPS)
    assert len({(kind["color"], kind["shape"]) for kind in kinds}) == len(kinds)  # each drawn its own way
    # Fact types and closed values in words, from the model: the scripts keep no list of their own.
    assert {fact["type"] for fact in served.json()["facts"]} == {fact.name for fact in FACT_KINDS}
    words = served.json()["words"]
    assert words["WILLING_TO_DISCUSS"] == "willing to discuss" and words["TRADE_ASSOCIATION"] == "trade association"
    assert all(member.name in words for member in SourceKind)
    for name in ("graphql.js", "panel.js", "explore.js"):
        script = (await client.get(f"/explore/assets/{name}")).text
        for kind in kinds:  # no kind listed by hand: no colour, no lookup field by name
            assert kind["color"] not in script and f'"{kind["lookup"]}"' not in script, (name, kind["type"])


def test_a_kind_without_a_style_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    explorer.explorer_model.cache_clear()
    monkeypatch.delitem(explorer.STYLES, Label.FIGURE)
    try:
        with pytest.raises(RuntimeError, match=r"STYLES has no colour and shape for \['Figure'\]"):
            explorer.explorer_routes()
    finally:
        explorer.explorer_model.cache_clear()


async def test_only_the_listed_assets_are_served(client: httpx.AsyncClient) -> None:
    for name in ("vendor.sh", "package.json", "..%2Fexplore.py", "page.html"):
        refused = await client.get(f"/explore/assets/{name}")
        assert refused.status_code == 404, name
        assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_explorer_can_be_turned_off(settings: Settings) -> None:
    async with app_client(settings, explorer=False) as http:
        off = await http.get("/explore")
    assert off.status_code == 404 and off.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
