"""The WebSocket side of /graphql, on Strawberry's graphql-transport-ws support through its public hooks:
which pages may connect (the CORS rules), who is connecting (a key in `connection_init` or the handshake),
subscribe messages as strict as HTTP bodies, and a code on every error sent."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected

from api.auth import INVALID_KEY, Caller, KeyRing
from api.settings import Settings
from api.web.graphql_request import request_data
from api.web.middleware import LOCALHOST_ORIGINS, RequestRefused

MAX_CLOSE_REASON_BYTES = 123  # what a WebSocket close frame can carry
# Strawberry's own refusals carry no code; these are theirs, by message.
STRAWBERRY_CODES = {"Subscription limit reached": "TOO_MANY_SUBSCRIPTIONS"}


def origin_allowed(settings: Settings, origin: str) -> bool:
    """A page on another origin may connect when CORS would let it call /graphql (api/web/middleware.py)."""
    if settings.cors_allow_origins is not None:
        return origin in settings.cors_allow_origins or "*" in settings.cors_allow_origins
    return settings.environment == "development" and re.fullmatch(LOCALHOST_ORIGINS, origin) is not None


def connection_key(params: Mapping[str, Any] | None, handshake: str | None) -> str | None:
    """The `Authorization` value a client sent: in `connection_init`'s payload (what browsers can do,
    as graphql-ws's `connectionParams`), any case of the name, else in the handshake's header."""
    for name, value in (params or {}).items():
        if isinstance(name, str) and name.lower() == "authorization":
            if not isinstance(value, str) or len(value) > 1000:
                raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": "Authorization must be text"})
            return value
    return handshake


def connection_caller(settings: Settings, keys: KeyRing, authorization: str | None) -> Caller | None:
    """Who is connecting; a key that matches none, or no key when reads need one, is refused (4403)."""
    caller = keys.caller(authorization)
    if caller is INVALID_KEY:
        raise ConnectionRejectionError({"code": "UNAUTHENTICATED", "message": "the API key is not valid"})
    if caller is None and settings.require_key_for_reads:
        raise ConnectionRejectionError(
            {"code": "UNAUTHENTICATED", "message": "this server needs an API key for reads: send Authorization"}
        )
    return caller


class GraphQLWebSocket(ASGIWebSocketAdapter):
    """Strawberry's ASGI adapter, checking what it reads and coding what it sends."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object, None]:
        async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
            problem = _subscribe_problem(message)
            if problem is not None:
                await self.close(4400, _close_reason(problem))
                return
            yield message

    async def send_json(self, message: Mapping[str, object]) -> None:
        payload = message.get("payload")
        if message.get("type") == "error" and isinstance(payload, list):
            for error in payload:
                if isinstance(error, dict):
                    extensions = error.setdefault("extensions", {})
                    extensions.setdefault("code", STRAWBERRY_CODES.get(str(error.get("message")), "BAD_REQUEST"))
        # Text frames, as the protocol has it (the view's orjson encoder gives bytes, which would be binary).
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as closed:
            raise WebSocketDisconnected from closed


def _subscribe_problem(message: object) -> str | None:
    """What is wrong with a `subscribe` message's payload, judged as an HTTP body would be."""
    if not isinstance(message, dict) or message.get("type") != "subscribe":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "the subscribe message needs a payload object"
    try:
        parsed = request_data(payload, batch_limit=None)
    except RequestRefused as refused:
        return refused.message
    if isinstance(parsed, list) or not parsed.query:
        return "the subscribe payload needs a `query` string"
    return None


def _close_reason(text: str) -> str:
    encoded = text.encode()
    if len(encoded) <= MAX_CLOSE_REASON_BYTES:
        return text
    return encoded[: MAX_CLOSE_REASON_BYTES - 3].decode(errors="ignore") + "..."
