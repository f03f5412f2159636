"""GraphiQL served entirely by strikegraph: the page and its pinned, vendored assets (api/web/static/graphiql/,
see vendor.sh there), so it works on a machine with no internet and loads nothing from a CDN."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

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
        "graphql-ws.min.js",
        "strikegraph-graphiql.js",
        "LICENSE.graphiql",
        "LICENSE.graphql-ws",
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
def versioned_names() -> dict[str, str]:
    """Each asset's name with the start of its content's SHA-256 in it (`graphiql.min.3f2a9c1d04be.js`): the
    page asks for these, so a file kept for a year is never stale; a new file is a new name."""
    names = {}
    for name in ASSET_FILES:
        digest = hashlib.sha256((ASSETS_DIR / name).read_bytes()).hexdigest()[:12]
        stem, _, suffix = name.rpartition(".")
        names[name] = f"{stem}.{digest}.{suffix}"
    return names


@cache
def graphiql_page(endpoint: str = "/graphql") -> str:
    config = json.dumps({"endpoint": endpoint, "query": EXAMPLE_QUERY, "headers": DEFAULT_HEADERS})
    # Inside <script>, "</" could end the block early; JSON allows the escaped form.
    config = config.replace("<", "\\u003c")
    page = (ASSETS_DIR / "page.html").read_text(encoding="utf-8")
    for name, versioned in versioned_names().items():
        page = page.replace(f"{{assets}}/{name}", f"{ASSETS_PATH}/{versioned}")
    return page.replace("{config}", config)


def graphiql_response() -> HTMLResponse:
    return HTMLResponse(graphiql_page())


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    versioned = _by_versioned_name()
    if name in versioned:  # what the page asks for: the name changes with the content
        return FileResponse(ASSETS_DIR / versioned[name], headers={"Cache-Control": IMMUTABLE})
    if name in ASSET_FILES:  # the plain name (a link, an older page): checked again on each use
        return FileResponse(ASSETS_DIR / name, headers={"Cache-Control": "no-cache"})
    return JSONResponse({"errors": [{"message": "no such asset", "extensions": {"code": "NOT_FOUND"}}]}, 404)


IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def _by_versioned_name() -> dict[str, str]:
    """Hashed on first use, not at import: a production server without GraphiQL never reads the files."""
    return {versioned: name for name, versioned in versioned_names().items()}


def graphiql_asset_route() -> Mount:
    """The vendored files (gzipped for the browsers that accept it, as every response: api/web/app.py)."""
    return Mount(ASSETS_PATH, app=Router([Route("/{name}", _asset, methods=["GET", "HEAD"])]))
