"""GraphiQL served entirely by strikegraph: the page and its pinned, vendored assets (api/web/static/graphiql/,
see vendor.sh there), so it works on a machine with no internet and loads nothing from a CDN."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, Router

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
ASSETS_PATH = "/graphiql/assets"
# What the browser may fetch: the vendored builds and our start-up script (not the npm pins or vendor.sh).
ASSET_FILES = frozenset(
    {
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "strikegraph-graphiql.js",
        "LICENSE.graphiql",
        "LICENSE.react",
        "LICENSE.react-dom",
    }
)

EXAMPLE_QUERY = """\
# strikegraph: who was on strike against whom on 10 August 2023?
# Run it with Ctrl-Enter or the play button.
#
# Writes (mutations) need an API key: create one with
#   strikegraph keys add NAME --role editor
# and put "Bearer <key>" in the Authorization entry of the Headers tab below.
# Reads need no key unless the server sets STRIKEGRAPH_REQUIRE_KEY_FOR_READS.
{
  strikes(activeOn: "2023-08-10") {
    name
    startDate
    strikers { name }
    against { name }
  }
}
"""

# An empty Authorization header counts as no key, so the prefilled entry changes nothing until filled in.
DEFAULT_HEADERS = '{\n  "Authorization": ""\n}'


@cache
def graphiql_page(endpoint: str = "/graphql") -> str:
    config = json.dumps({"endpoint": endpoint, "query": EXAMPLE_QUERY, "headers": DEFAULT_HEADERS})
    # Inside <script>, "</" could end the block early; JSON allows the escaped form.
    config = config.replace("<", "\\u003c")
    template = (ASSETS_DIR / "page.html").read_text(encoding="utf-8")
    return template.replace("{assets}", ASSETS_PATH).replace("{config}", config)


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(graphiql_page())


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSET_FILES:
        return JSONResponse({"errors": [{"message": "no such asset", "extensions": {"code": "NOT_FOUND"}}]}, 404)
    # The files change only when vendor.sh is re-run: a day of caching, then the ETag revalidates.
    return FileResponse(ASSETS_DIR / name, headers={"Cache-Control": "public, max-age=86400"})


def graphiql_asset_route() -> Mount:
    """The vendored files, gzipped for the browsers that accept it (Starlette's middleware): 4 MB of
    JavaScript and CSS is most of what a first visit downloads."""
    return Mount(ASSETS_PATH, app=GZipMiddleware(Router([Route("/{name}", _asset, methods=["GET", "HEAD"])])))
