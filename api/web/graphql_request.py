"""What a GraphQL-over-HTTP request may look like, checked before anything runs: the media types a client
accepts, the body's encoding and JSON, and the shape of `query`, `variables`, `operationName` and
`extensions`. Anything else is refused with a 4xx naming what is wrong and where, never a 500."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from strawberry.http import GraphQLRequestData

from api.web.middleware import GRAPHQL_RESPONSE_JSON, JSON, RequestRefused

MAX_JSON_DEPTH = 64  # deeper JSON is no GraphQL variables a client needs, and costs recursion to check


def negotiate(accept: str | None) -> str:
    """The response media type for an `Accept` header: the client's most preferred of ours, with
    application/json when the header is missing or only says */*; 406 when it allows neither."""
    if not accept or not accept.strip():
        return JSON
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, media.lower()))
    for negative_quality, _, media in sorted(ranked):
        if negative_quality >= 0:
            break
        if media == GRAPHQL_RESPONSE_JSON:
            return GRAPHQL_RESPONSE_JSON
        if media in (JSON, "application/*", "*/*"):
            return JSON
    raise RequestRefused(
        406, "NOT_ACCEPTABLE", f"responses are {GRAPHQL_RESPONSE_JSON} or {JSON}; the Accept header allows neither"
    )


def is_json_content_type(content_type: str | None) -> bool:
    """`application/json`, in any case and with any parameters (`; charset=utf-8`)."""
    return (content_type or "").split(";", 1)[0].strip().lower() == JSON


def decode_json_body(body: bytes) -> object:
    if not body.strip():
        raise RequestRefused(
            400, "BAD_REQUEST", 'the request body is empty: send a JSON object such as {"query": "{ __typename }"}'
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestRefused(
            400, "BAD_REQUEST", f"the request body is not UTF-8: invalid byte at offset {error.start}"
        ) from None
    return decode_json_text(text, "the request body")


def decode_json_text(text: str, where: str) -> object:
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        message = f"{where} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise RequestRefused(400, "BAD_REQUEST", message) from None
    except (ValueError, RecursionError) as error:  # NaN, integers of thousands of digits, absurd nesting
        raise RequestRefused(400, "BAD_REQUEST", f"{where} is not acceptable JSON: {error}") from None


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def request_data(data: object, *, batch_limit: int | None) -> GraphQLRequestData | list[GraphQLRequestData]:
    """The operation(s) a decoded body (or GET parameters) asks for, each part checked."""
    if isinstance(data, list):
        if batch_limit is None:
            raise RequestRefused(400, "BAD_REQUEST", "batched requests are not enabled: send one JSON object")
        if not data:
            raise RequestRefused(400, "BAD_REQUEST", "an empty batch: send a JSON object or a list of them")
        if len(data) > batch_limit:
            raise RequestRefused(
                400, "BAD_REQUEST", f"too many operations in one batch: at most {batch_limit}, this one has {len(data)}"
            )
        return [_one(item, f"batch[{index}]") for index, item in enumerate(data)]
    return _one(data, "the request")


def _one(data: object, where: str) -> GraphQLRequestData:
    if not isinstance(data, dict):
        raise RequestRefused(
            400, "BAD_REQUEST", f'{where} must be a JSON object such as {{"query": "..."}}, not {_kind(data)}'
        )
    _check_text(data, where)
    query = _typed(data, "query", str, where)
    variables = _typed(data, "variables", dict, where)
    operation_name = _typed(data, "operationName", str, where)
    extensions = _typed(data, "extensions", dict, where)
    return GraphQLRequestData(query=query, variables=variables, operation_name=operation_name, extensions=extensions)


def _typed(data: Mapping[str, object], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        expected = "an object" if kind is dict else "a string"
        raise RequestRefused(400, "BAD_REQUEST", f"`{key}` in {where} must be {expected} or null, not {_kind(value)}")
    return value


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "a list", dict: "an object", type(None): "null"}.get(type(value), "a value")


def _check_text(data: dict[str, Any], where: str) -> None:
    """Every string, keys included, must be encodable Unicode (JSON's "\\ud800" escapes decode to lone
    surrogates, which nothing downstream can encode) and the nesting must stay shallow. Iterative, so
    depth alone cannot exhaust the stack."""
    pending: list[tuple[object, str, int]] = [(value, key, 1) for key, value in data.items()]
    for key in data:
        _encodable(key, where, key)
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise RequestRefused(
                400, "BAD_REQUEST", f"{path} in {where} is nested more than {MAX_JSON_DEPTH} levels deep"
            )
        if isinstance(value, str):
            _encodable(value, where, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                _encodable(key, where, f"{path}.{key!r}")
                pending.append((item, f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))


def _encodable(text: str, where: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        code = "BAD_USER_INPUT" if path.startswith("variables") else "BAD_REQUEST"
        character = ascii(text[error.start])
        message = (
            f"{path} in {where} holds an unpaired surrogate ({character}) at index {error.start}: send valid Unicode"
        )
        raise RequestRefused(400, code, message) from None
