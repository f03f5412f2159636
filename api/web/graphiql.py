"""GraphiQL served entirely by strikegraph: the page and its pinned, vendored assets (api/web/static/graphiql/,
see vendor.sh there) under versioned names (api/web/static_assets.py), so it works on a machine with no internet
and loads nothing from a CDN."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount

from api.web.static_assets import AssetFolder

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
# What the browser may fetch: the vendored builds and our start-up script (not the npm pins or vendor.sh).
ASSET_FILES = frozenset(
    {
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphql-ws.min.js",
        "strikegraph-graphiql.js",
        "LICENSE.graphiql",
        "LICENSE.graphql-ws",
        "LICENSE.react",
        "LICENSE.react-dom",
    }
)
ASSETS = AssetFolder(ASSETS_DIR, "/graphiql/assets", ASSET_FILES)

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
    return ASSETS.page("page.html").replace("{config}", config)


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(graphiql_page())


def graphiql_asset_route() -> Mount:
    return ASSETS.route()
