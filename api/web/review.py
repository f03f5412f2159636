"""The review page at /review: a drafted article with its mentions highlighted and its candidate facts beside it,
accepted, edited or rejected with the keyboard. Plain ES modules and a stylesheet served by strikegraph itself
(no CDN, nothing vendored); the page is a client of the public GraphQL API, with the editor's key held in memory."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "review"
ASSETS_PATH = "/review/assets"
ASSET_FILES = frozenset({"review.js", "article.js", "api.js", "review.css"})


@cache
def review_page() -> str:
    return (ASSETS_DIR / "page.html").read_text(encoding="utf-8").replace("{assets}", ASSETS_PATH)


async def _page(request: Request) -> Response:
    return HTMLResponse(review_page(), headers={"Cache-Control": "no-cache"})


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSET_FILES:
        return JSONResponse({"errors": [{"message": "no such asset", "extensions": {"code": "NOT_FOUND"}}]}, 404)
    return FileResponse(ASSETS_DIR / name, headers={"Cache-Control": "no-cache"})


def review_routes() -> list[BaseRoute]:
    assets = Router([Route("/{name}", _asset, methods=["GET", "HEAD"])])
    return [Route("/review", _page, methods=["GET", "HEAD"]), Mount(ASSETS_PATH, app=assets)]
