"""The graph explorer at /explore: a page and its assets, all served by strikegraph itself (Cytoscape.js
pinned and vendored in api/web/static/explore/, see vendor.sh there) under versioned names
(api/web/static_assets.py), so it works with no internet. The page
is a client like any other: it reads through the public GraphQL API and listens to its subscriptions."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from api.compile.root_fields import LOOKUPS
from api.web.static_assets import AssetFolder
from schema.model import FACT_ENUMS, FACT_KINDS, FIELD_ENUMS, NODE_KINDS, Label

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "explore"
# What the browser may fetch: the vendored build, our modules and styles, the licence (not the npm pins).
ASSETS = AssetFolder(
    ASSETS_DIR,
    "/explore/assets",
    frozenset(
        {
            "cytoscape.min.js",
            "LICENSE.cytoscape",
            "explore.js",
            "graphql.js",
            "model.js",
            "panel.js",
            "chart.js",
            "explore.css",
            "timeline.js",
            "export.js",
            "layouts.js",
        }
    ),
)
MODEL_PATH = "/explore/model.json"

# How each kind of node is drawn: the one thing about a kind the model does not say. The kinds, their names
# and how to look each up come from the model (`explorer_model`); a kind without a style here stops start-up.
STYLES: dict[Label, tuple[str, str]] = {
    Label.ORGANIZATION: ("#2563eb", "round-rectangle"),
    Label.PERSON: ("#d97706", "ellipse"),
    Label.STRIKE: ("#dc2626", "diamond"),
    Label.AGREEMENT: ("#16a34a", "hexagon"),
    Label.NEGOTIATION: ("#7c3aed", "round-triangle"),
    Label.ISSUE: ("#0891b2", "round-tag"),
    Label.SOURCE: ("#6b7280", "rectangle"),
    Label.PLACE: ("#65a30d", "vee"),
    Label.SITE: ("#ca8a04", "barrel"),
    Label.INDUSTRY: ("#9333ea", "octagon"),
    Label.FIGURE: ("#0f766e", "star"),
}


@cache
def explorer_model() -> bytes:
    """Every kind of node as the explorer draws and looks it up, in the model's order (its legend's), and every
    type of fact with a reader's label and its meaning (the legend's arrows and its filters)."""
    unstyled = [kind.type_name for kind in NODE_KINDS if kind.label not in STYLES]
    if unstyled:
        raise RuntimeError(f"api/web/explorer.py: STYLES has no colour and shape for {unstyled}")
    lookup = {kind.label: field for field, kind in LOOKUPS.items()}
    kinds = [
        {"type": kind.type_name, "enum": kind.label.name, "lookup": lookup[kind.label], "called": kind.called,
         "color": STYLES[kind.label][0], "shape": STYLES[kind.label][1]}
        for kind in NODE_KINDS
    ]  # fmt: skip
    facts = [{"type": fact.name, "label": readable(fact.name), "meaning": fact.meaning} for fact in FACT_KINDS]
    # Every closed value the API answers with (an organization's kind, a source's, a side...), in words.
    words = {member.name: readable(member.name) for enum in (*FIELD_ENUMS, *FACT_ENUMS.values()) for member in enum}
    return orjson.dumps({"kinds": kinds, "facts": facts, "words": words})


def readable(name: str) -> str:
    """A model name as a reader says it: `WILLING_TO_DISCUSS` is "willing to discuss"."""
    return name.lower().replace("_", " ")


@cache
def explorer_page() -> str:
    return ASSETS.page("page.html")


async def _page(request: Request) -> Response:
    return HTMLResponse(explorer_page(), headers={"Cache-Control": "no-cache"})


async def _model(request: Request) -> Response:
    return Response(explorer_model(), media_type="application/json", headers={"Cache-Control": "no-cache"})


def explorer_routes() -> list[BaseRoute]:
    explorer_model()  # a kind without a style fails here, at start-up
    return [
        Route("/explore", _page, methods=["GET", "HEAD"]),
        Route(MODEL_PATH, _model, methods=["GET", "HEAD"]),
        ASSETS.route(),
    ]
