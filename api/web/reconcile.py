"""The reconciliation service at /reconcile, as the W3C Entity Reconciliation Service API v0.2 has it, so that
OpenRefine can match a spreadsheet's union and employer names to strikegraph's nodes: the manifest (GET),
query batches (POST `queries=` form-encoded as OpenRefine sends them, a JSON body, or GET `?queries=`),
entity/type/property suggest, and an HTML preview card. Matching and scoring: api/compile/reconciliation.py.

OpenRefine reads the manifest and suggestions from the user's browser, so CORS applies as the app's middleware
has it (api/web/middleware.py); JSONP is not offered (it would let any page read around those rules; OpenRefine
since 3.3 tries CORS first). Reads need a key when STRIKEGRAPH_REQUIRE_KEY_FOR_READS says so, except the manifest,
which then announces it (the spec's `authentication`)."""

from __future__ import annotations

import html
import uuid
from typing import Any
from urllib.parse import parse_qsl, quote

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.auth import KeyRing, Role, require_role
from api.compile import reconciliation as recon
from api.compile.reconciliation_batch import BatchRefused, read_batch
from api.compile.roots.search import MAX_SEARCH_TERMS, MAX_SEARCH_TEXT
from api.database.graph import RequestGraph
from api.database.reconciliation import preview_entity
from api.errors import UserFacingError
from api.settings import Settings
from schema.model import NODE_KIND_BY_TYPE

PATH = "/reconcile"
SUGGESTS = ("entity", "type", "property")
PREVIEW_SIZE = (400, 200)  # the iframe OpenRefine shows a preview in, in pixels
MAX_ID_CHARS = 200
_STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "SERVICE_UNAVAILABLE": 503, "QUERY_TIMEOUT": 504}
# The card is ours alone: no script, no fetch, nothing but its own inline style.
_PREVIEW_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def errors_response(status: int, code: str, problems: list[tuple[str, str]]) -> JSONResponse:
    """The house's error shape, one error per problem, each saying where (`extensions.at`) and what."""
    errors = [{"message": f"{where}: {what}", "extensions": {"code": code, "at": where}} for where, what in problems]
    return JSONResponse({"errors": errors}, status_code=status)


class Reconciliation:
    def __init__(self, settings: Settings, keys: KeyRing) -> None:
        self.settings = settings
        self.keys = keys

    def routes(self) -> list[BaseRoute]:
        return [
            Route(PATH, self.endpoint, methods=["GET", "POST"]),
            Route(f"{PATH}/suggest/{{kind}}", self.suggest, methods=["GET"]),
            Route(f"{PATH}/preview", self.preview, methods=["GET"]),
        ]

    # -- the endpoint: the manifest, or a batch ---------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        if "callback" in request.query_params:
            jsonp = "JSONP is not offered: this service answers with CORS"
            return errors_response(400, "BAD_REQUEST", [("callback", jsonp)])
        if request.method == "GET":
            text = request.query_params.get("queries")
            if text is None:
                return JSONResponse(self.manifest(_base(request)))
        else:
            text, refusal = await _posted_batch(request)
            if refusal is not None:
                return refusal
        assert text is not None
        refused = self._read_refusal(request)
        if refused is not None:
            return refused
        try:
            queries = read_batch(_decoded(text))
        except BatchRefused as error:
            code = "BAD_USER_INPUT" if error.status == 400 else "BAD_REQUEST"
            return errors_response(error.status, code, error.problems)
        return await self._answered(request, lambda graph: recon.reconcile(graph, queries))

    def manifest(self, base: str) -> dict[str, Any]:
        service, (width, height) = base + PATH, PREVIEW_SIZE
        manifest: dict[str, Any] = {
            "versions": ["0.2"],
            "name": "strikegraph",
            "identifierSpace": f"{service}/preview?id=",
            "schemaSpace": f"{base}/graphql",
            "defaultTypes": [{"id": t.id, "name": t.name, "description": t.description} for t in recon.TYPES],
            "batchSize": recon.MAX_QUERIES,
            "preview": {"url": f"{service}/preview?id={{{{id}}}}", "width": width, "height": height},
            "suggest": {kind: {"service_url": service, "service_path": f"/suggest/{kind}"} for kind in SUGGESTS},
        }
        if self.settings.explorer:
            manifest["view"] = {"url": f"{base}/explore?node={{{{id}}}}"}
        if self.settings.require_key_for_reads:  # OpenAPI's security scheme: the key goes as `Bearer <key>`
            manifest["authentication"] = {"type": "apiKey", "name": "Authorization", "in": "header"}
        return manifest

    # -- suggest and preview ----------------------------------------------------------------------------------

    async def suggest(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in SUGGESTS:
            return errors_response(404, "NOT_FOUND", [("path", "suggest is offered for entity, type and property")])
        refused = self._read_refusal(request)
        if refused is not None:
            return refused
        prefix, cursor, types, problems = _suggest_arguments(request)
        if problems:
            return errors_response(400, "BAD_USER_INPUT", problems)
        if kind == "type":
            return JSONResponse({"result": recon.suggest_types(prefix, cursor)})
        if kind == "property":
            return JSONResponse({"result": recon.suggest_properties(prefix, cursor)})
        if not prefix.strip():
            return JSONResponse({"result": []})

        async def entities(graph: RequestGraph) -> dict[str, Any]:
            return {"result": await recon.suggest_entities_for(graph, prefix, types, cursor)}

        return await self._answered(request, entities)

    async def preview(self, request: Request) -> Response:
        refused = self._read_refusal(request)
        if refused is not None:
            return refused
        slug = request.query_params.get("id", "")
        if not slug or len(slug) > MAX_ID_CHARS:
            problem = ("id", f"give an entity's id, 1 to {MAX_ID_CHARS} characters")
            return errors_response(400, "BAD_USER_INPUT", [problem])
        try:
            entity = await preview_entity(self._graph(request), slug)
        except UserFacingError as error:
            return _failed(error)
        if entity is None:
            return errors_response(404, "NOT_FOUND", [("id", f"no entity has the id {slug!r}")])
        return HTMLResponse(preview_card(entity, self.settings.explorer), headers=_PREVIEW_HEADERS)

    # -- shared steps -------------------------------------------------------------------------------------------

    def _read_refusal(self, request: Request) -> Response | None:
        """As for GraphQL reads: with STRIKEGRAPH_REQUIRE_KEY_FOR_READS, a valid key of any role."""
        if not self.settings.require_key_for_reads:
            return None
        try:
            require_role(self.keys.caller(request.headers.get("authorization")), Role.READER)
        except UserFacingError as error:
            return _failed(error)
        return None

    def _graph(self, request: Request) -> RequestGraph:
        settings = self.settings
        return RequestGraph(
            request.app.state.driver, settings.neo4j_database, settings.query_timeout_seconds,
            request.headers.get("x-request-id") or uuid.uuid4().hex[:16], liveness=request.app.state.liveness,
            read_retry_seconds=settings.unavailable_retry_seconds, slots=request.app.state.slots,
        )  # fmt: skip

    async def _answered(self, request: Request, work: Any) -> Response:
        try:
            return JSONResponse(await work(self._graph(request)))
        except UserFacingError as error:
            return _failed(error)


def _failed(error: UserFacingError) -> Response:
    code = error.code
    where = "authorization" if code in ("UNAUTHENTICATED", "FORBIDDEN") else "graph"
    headers = {"WWW-Authenticate": "Bearer"} if code == "UNAUTHENTICATED" else None
    response = errors_response(_STATUS.get(code, 400), code, [(where, str(error))])
    if headers:
        response.headers.update(headers)
    return response


async def _posted_batch(request: Request) -> tuple[str | None, Response | None]:
    """The batch's JSON text from a POST: the form field `queries` (what the spec and OpenRefine use), or the
    whole body when it is JSON."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > 3 * recon.MAX_BATCH_CHARS:  # a form's percent-encoding triples at most
        problem = ("body", f"at most {recon.MAX_BATCH_CHARS} characters of queries")
        return None, errors_response(413, "BAD_REQUEST", [problem])
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, errors_response(400, "BAD_REQUEST", [("body", "must be UTF-8")])
    if media_type == "application/json":
        return text, None
    if media_type != "application/x-www-form-urlencoded":
        message = "send the batch as the form field `queries` (application/x-www-form-urlencoded) or as JSON"
        return None, errors_response(415, "BAD_REQUEST", [("content-type", message)])
    fields = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=20))
    if "queries" not in fields:
        return None, errors_response(400, "BAD_USER_INPUT", [("queries", "the form has no `queries` field")])
    return fields["queries"], None


def _decoded(text: str) -> object:
    if len(text) > recon.MAX_BATCH_CHARS:
        raise BatchRefused([("queries", f"at most {recon.MAX_BATCH_CHARS} characters, got {len(text)}")], 413)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise BatchRefused([("queries", f"not JSON: {error}")]) from None


def _suggest_arguments(request: Request) -> tuple[str, int, tuple[str, ...], list[tuple[str, str]]]:
    params = request.query_params
    problems: list[tuple[str, str]] = []
    prefix = params.get("prefix", "")
    if len(prefix) > MAX_SEARCH_TEXT or len(prefix.split()) > MAX_SEARCH_TERMS:
        problems.append(("prefix", f"at most {MAX_SEARCH_TEXT} characters and {MAX_SEARCH_TERMS} words"))
    raw_cursor = params.get("cursor", "0")
    cursor = int(raw_cursor) if raw_cursor.isdigit() and len(raw_cursor) <= 4 else -1
    if not 0 <= cursor <= recon.MAX_CURSOR:
        problems.append(("cursor", f"must be a whole number from 0 to {recon.MAX_CURSOR}, got {raw_cursor!r}"))
    types = tuple(params.getlist("type"))
    unknown = [t for t in types if t not in recon.TYPE_IDS]
    if unknown:
        known = ", ".join(sorted(recon.TYPE_IDS))
        problems.append(("type", f"unknown type {', '.join(map(repr, unknown))}; the types are {known}"))
    return prefix, cursor, types, problems


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def preview_card(entity: dict[str, Any], explorer: bool) -> str:
    """A small HTML card of an entity, every value escaped."""
    e = html.escape
    kind = NODE_KIND_BY_TYPE[entity["kind"]]
    subkind = entity["subkind"]  # an organization's, a place's... kind, when it has one
    what = kind.type_name + (f" · {subkind.replace('_', ' ').lower()}" if isinstance(subkind, str) else "")
    lines = [f'<p class="kind">{e(what)}</p>']
    if entity["description"]:
        lines.append(f"<p>{e(entity['description'])}</p>")
    if entity["aliases"]:
        lines.append(f"<p>Also called {e(', '.join(entity['aliases']))}</p>")
    known = [f"{e(name.replace('_', ' '))} {e(value)}" for name, value in entity["external"].items() if value]
    if known:
        lines.append(f"<p>{'; '.join(known)}</p>")
    if explorer:
        lines.append(f'<p><a href="/explore?node={quote(entity["id"], safe="")}" target="_blank" rel="noopener">'
                     "Open in the explorer</a></p>")  # fmt: skip
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(entity['name'])}</title><style>"
        "body{font:14px/1.4 system-ui,sans-serif;margin:8px;color:#111}h1{font-size:16px;margin:0 0 4px}"
        "p{margin:2px 0}.kind{color:#555}.id{color:#777;font-family:monospace}</style></head><body>"
        f'<h1>{e(entity["name"])}</h1><p class="id">{e(entity["id"])}</p>{"".join(lines)}</body></html>'
    )


def reconciliation_routes(settings: Settings, keys: KeyRing) -> list[BaseRoute]:
    return Reconciliation(settings, keys).routes()
