"""The graph explorer at /explore: a page and its assets, all served by strikegraph itself (Cytoscape.js
pinned and vendored in api/web/static/explore/, see vendor.sh there), so it works with no internet. The page
is a client like any other: it reads through the public GraphQL API and listens to its subscriptions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "explore"
ASSETS_PATH = "/explore/assets"
# What the browser may fetch: the vendored build, our module and styles, the licence (not the npm pins).
ASSET_FILES = frozenset(
    {"cytoscape.min.js", "LICENSE.cytoscape", "explore.js", "graphql.js", "panel.js", "explore.css"}
)


@cache
def explorer_page() -> str:
    return (ASSETS_DIR / "page.html").read_text(encoding="utf-8").replace("{assets}", ASSETS_PATH)


async def _page(request: Request) -> Response:
    return HTMLResponse(explorer_page(), headers={"Cache-Control": "no-cache"})


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSET_FILES:
        return JSONResponse({"errors": [{"message": "no such asset", "extensions": {"code": "NOT_FOUND"}}]}, 404)
    # Revalidated on each load (an ETag makes that a 304): the page and its module change together.
    return FileResponse(ASSETS_DIR / name, headers={"Cache-Control": "no-cache"})


def explorer_routes() -> list[Route]:
    return [
        Route("/explore", _page, methods=["GET", "HEAD"]),
        Route(ASSETS_PATH + "/{name}", _asset, methods=["GET", "HEAD"]),
    ]
