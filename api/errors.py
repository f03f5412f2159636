"""Errors clients may see, each with a machine-readable `extensions.code`; anything else is masked."""

from __future__ import annotations

from typing import ClassVar


class UserFacingError(Exception):
    code: ClassVar[str] = "BAD_USER_INPUT"

    def __init__(self, message: str, **extensions: object) -> None:
        super().__init__(message)
        self.extensions = extensions


class BadUserInput(UserFacingError):
    code = "BAD_USER_INPUT"


class NotFound(UserFacingError):
    code = "NOT_FOUND"


class Unauthenticated(UserFacingError):
    code = "UNAUTHENTICATED"


class Forbidden(UserFacingError):
    code = "FORBIDDEN"


class Conflict(UserFacingError):
    code = "CONFLICT"


class ServiceUnavailable(UserFacingError):
    """Neo4j did not answer (down, restarting, no leader): try again later (HTTP 503)."""

    code = "SERVICE_UNAVAILABLE"


class QueryTimeout(UserFacingError):
    """The query took longer than the server's query timeout."""

    code = "QUERY_TIMEOUT"
