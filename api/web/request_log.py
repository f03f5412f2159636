"""Structured logs (`STRIKEGRAPH_LOG_FORMAT=json`): every log record as one JSON line, and one line per GraphQL
request over HTTP that joins with the rest by its request id and the W3C trace id the client sent. The key a
client sent is never logged, only its name."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.requests import Request

from api.contract.answering import payer_of
from api.contract.context import Context

log = logging.getLogger("strikegraph.request")
# W3C Trace Context: version-traceid-parentid-flags; an all-zero trace id is invalid.
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-(?!0{32})([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


class JsonLines(logging.Formatter):
    """A record as one JSON object: time (UTC, ISO 8601), level, logger, message, the request's `fields`
    when it has them, and the exception, if any, as text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def use_json_lines() -> None:
    """Every record of the process as JSON lines on stderr (uvicorn's access log is off: this replaces it)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def trace_id(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent.strip().lower()) if traceparent else None
    return match.group(1) if match else None


def log_request(request: Request, status: int, seconds: float, traced: tuple[str, str] | None = None) -> None:
    """One line for one GraphQL request over HTTP, once it is answered; `traced`: its span's trace and span ids
    (api/tracing.py), else the trace id the client sent."""
    context: Context | None = getattr(request.state, "context", None)
    fields: dict[str, Any] = {
        "requestId": context.request_id if context else request.headers.get("x-request-id"),
        "traceId": traced[0] if traced else trace_id(request.headers.get("traceparent")),
        "method": request.method,
        "path": request.url.path,
        "status": status,
        "durationMs": round(seconds * 1000, 3),
        "client": None,
    }
    if traced:
        fields["spanId"] = traced[1]
    if context is not None:
        fields["client"] = payer_of(context)  # whose budget it spends: a key by name, else an address
        operation_type, operation_name = context.described or (None, None)
        fields |= {
            "operationType": operation_type,
            "operationName": operation_name,
            "execution": context.execution,
            "cost": context.cost,
            "statements": context.graph.statements,
            "cache": context.cache,
        }
    log.info("%s %s %s", request.method, request.url.path, status, extra={"fields": fields})
