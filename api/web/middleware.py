"""The HTTP middleware, before any GraphQL: CORS for browser apps on other origins, a bound on request bodies,
and the JSON error shape (with `extensions.code`) for requests refused before they reach the schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
# Development front-ends run on localhost at any port (Vite 5173, CRA 3000, ...).
LOCALHOST_ORIGINS = r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$"


class RequestRefused(Exception):
    """A request the service answers with an error of its own instead of running it."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def response(self, media_type: str = JSON) -> JSONResponse:
        return error_response(self.status, self.code, self.message, media_type=media_type, headers=self.headers)


def error_response(
    status: int, code: str, message: str, *, media_type: str = JSON, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, media_type=media_type, headers=headers)


COMPRESS_FROM_BYTES = 1024  # smaller answers gain little and cost a compressor's start


def compression_middleware() -> Middleware:
    """gzip for every response a client accepts it for (Starlette's middleware, which adds `Vary:
    Accept-Encoding` and leaves event streams alone): GraphQL answers as much as GraphiQL's 4 MB of
    JavaScript, which a 3G-like link otherwise takes twenty seconds for."""
    return Middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES)


def cors_middleware(settings: Settings) -> Middleware:
    """Starlette's CORS middleware from the settings: it answers preflights itself and adds the headers."""
    origins = settings.cors_allow_origins
    development = settings.environment == "development"
    return Middleware(
        CORSMiddleware,
        allow_origins=origins or [],
        allow_origin_regex=LOCALHOST_ORIGINS if origins is None and development else None,
        allow_methods=settings.cors_allow_methods,
        allow_headers=settings.cors_allow_headers,
        allow_credentials=settings.cors_allow_credentials,
        expose_headers=["ETag"],
        max_age=settings.cors_max_age_seconds,
    )


class _BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413: at once when Content-Length says so (nothing is
    read), and while streaming otherwise (chunked bodies are counted), so no oversized body is ever held."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                response = error_response(400, "BAD_REQUEST", f"Content-Length must be a number of bytes: {declared!r}")
                await response(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than this server's limit of {self.max_bytes} bytes"
        headers = {"Connection": "close"}  # the rest of the body is never read
        await error_response(413, "BAD_REQUEST", message, headers=headers)(scope, receive, send)


def body_limit_middleware(settings: Settings) -> Middleware:
    return Middleware(BodyLimit, max_bytes=settings.max_body_bytes)
