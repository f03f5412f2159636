"""The review page at /review: a drafted article with its mentions highlighted and its candidate facts beside it,
accepted, edited or rejected with the keyboard. Plain ES modules and a stylesheet served by strikegraph itself
(no CDN, nothing vendored); the page is a client of the public GraphQL API, with the editor's key held in memory."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from api.web.static_assets import AssetFolder

ASSETS = AssetFolder(
    Path(__file__).resolve().parent / "static" / "review",
    "/review/assets",
    frozenset({"review.js", "article.js", "api.js", "review.css"}),
)


@cache
def review_page() -> str:
    return ASSETS.page("page.html")


async def _page(request: Request) -> Response:
    return HTMLResponse(review_page(), headers={"Cache-Control": "no-cache"})


def review_routes() -> list[BaseRoute]:
    return [Route("/review", _page, methods=["GET", "HEAD"]), ASSETS.route()]
