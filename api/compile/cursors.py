"""Keyset pagination done in Cypher: orderings from enums, opaque cursors, `first/after` and `last/before`.

Cursors are validated strictly (a cursor is ours or it is refused) and never echoed back."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from api.errors import BadUserInput

MIN_DATE = "date('0001-01-01')"


@dataclass(frozen=True)
class SortKey:
    expression: str  # over {n}; never null
    kind: Literal["string", "date"]
    descending: bool = False


def _name(descending: bool = False) -> SortKey:
    return SortKey("coalesce({n}.name, '')", "string", descending)


def _date(prop: str, descending: bool = False) -> SortKey:
    return SortKey(f"coalesce({{n}}.{prop}Earliest, {MIN_DATE})", "date", descending)


class NameOrder(Enum):
    """Orderings of organizations, people, agreements and issues."""

    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


class StrikeOrder(Enum):
    """Orderings of strikes."""

    START_DATE_ASC = "START_DATE_ASC"
    START_DATE_DESC = "START_DATE_DESC"
    NAME_ASC = "NAME_ASC"


class DateOrder(Enum):
    """Orderings of negotiations and sources."""

    DATE_ASC = "DATE_ASC"
    DATE_DESC = "DATE_DESC"
    NAME_ASC = "NAME_ASC"


# By the ordering's GraphQL name: NAME_ASC means the same in every enum that has it.
SORT_KEYS: dict[str, SortKey] = {
    "NAME_ASC": _name(),
    "NAME_DESC": _name(descending=True),
    "START_DATE_ASC": _date("startDate"),
    "START_DATE_DESC": _date("startDate", descending=True),
    "DATE_ASC": _date("date"),
    "DATE_DESC": _date("date", descending=True),
}
MAX_CURSOR = 2000  # characters; ours are far shorter


@dataclass(frozen=True)
class PageRequest:
    limit: int
    backward: bool  # `last/before`: read the ordering in reverse, then restore it
    cursor: tuple[Any, str] | None
    has_cursor: bool


def page_size(value: int, max_page_size: int, argument: str = "first") -> int:
    """How many items a root field may be asked for, the same rule for every root (lists, connections,
    search, changes, daysOnStrike): 0 to the page size limit. 0 is allowed, as Relay's connection spec
    allows it: a page of nothing, for `totalCount` or `pageInfo` alone."""
    if not 0 <= value <= max_page_size:
        raise BadUserInput(f"{argument} must be between 0 and {max_page_size}, got {value}", argument=argument)
    return value


def page_request(
    order: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    max_page_size: int,
    default_page_size: int = 20,
) -> PageRequest:
    if first is not None and last is not None:
        raise BadUserInput("pass `first` or `last`, not both", argument="first")
    if after is not None and before is not None:
        raise BadUserInput("pass `after` or `before`, not both", argument="after")
    backward = last is not None or before is not None
    size = last if backward else first
    argument = "last" if backward else "first"
    size = page_size(min(default_page_size, max_page_size) if size is None else size, max_page_size, argument)
    cursor_text = before if backward else after
    cursor = decode_cursor(cursor_text, order, "before" if backward else "after") if cursor_text is not None else None
    return PageRequest(size, backward, cursor, cursor is not None)


def encode_cursor(order: str, key: Any, slug: str) -> str:
    text = key.iso_format() if hasattr(key, "iso_format") else key
    payload = json.dumps([order, text, slug], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode_cursor(cursor: str, order: str, argument: str = "after/before") -> tuple[Any, str]:
    """The sort key and slug inside one of our cursors; anything else is refused without echoing it."""
    malformed = BadUserInput(f"{argument}: not a cursor this API gave out", argument=argument)
    if len(cursor) > MAX_CURSOR:
        raise malformed
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, ValueError, TypeError, UnicodeError):
        raise malformed from None
    if not (isinstance(decoded, list) and len(decoded) == 3 and all(isinstance(part, str) for part in decoded)):
        raise malformed
    order_name, key, slug = decoded
    if order_name != order:
        raise BadUserInput(f"{argument}: this cursor belongs to another ordering", argument=argument)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        raise malformed
    if SORT_KEYS[order].kind == "date":
        try:
            dt.date.fromisoformat(key)
        except ValueError:
            raise malformed from None
    return key, slug


def keyset_condition(sort: SortKey, page: PageRequest, key_param: str, slug_param: str) -> str:
    """Rows strictly after (or, for `before`, before) the cursor in the requested ordering."""
    forward_is_greater = not sort.descending
    greater = forward_is_greater != page.backward
    op = ">" if greater else "<"
    key = sort.expression.format(n="n")
    value = f"date({key_param})" if sort.kind == "date" else key_param
    return f"({key} {op} {value} OR ({key} = {value} AND n.id {op} {slug_param}))"


def order_by(sort: SortKey, reverse: bool) -> str:
    descending = sort.descending != reverse
    direction = "DESC" if descending else "ASC"
    return f"sortKey {direction}, n.id {direction}"
