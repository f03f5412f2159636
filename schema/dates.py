"""Dates with the precision the source gives: "1960", "2023-06" and "2023-08-10" stay what they are.

Each partial date covers a span of days; Neo4j stores its ISO text plus the first and last day of the
span, so "active on" and "as of" filters compare native dates and can use range indexes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, NewType

Date = NewType("Date", str)  # a partial date's ISO text, as arguments and fields carry it (GraphQL's `Date`)

# ASCII digits only, matched whole: `\d` would take fullwidth or Arabic-Indic digits, and `$` a trailing newline.
_PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?", re.ASCII)


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (or a date / year int); ValueError says what is wrong."""
        if type(value) is str:  # the common case first: bulk loads parse millions of dates
            return _parse_text(value)
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError(f"expected a date, not a date-time: {value.isoformat()}")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"expected a date like 2023-08-10, 2023-06 or 1960, got {type(value).__name__}")
        return _parse_text(str(value))

    @property
    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        if self.month is None:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, self.month, self.day or calendar.monthrange(self.year, self.month)[1])

    def isoformat(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.isoformat()


def date_properties(name: str, value: PartialDate | None) -> dict[str, Any]:
    """The stored form of one partial date: `name` (ISO text), `nameEarliest`, `nameLatest` (Neo4j dates)."""
    if value is None:
        return {name: None, f"{name}Earliest": None, f"{name}Latest": None}
    return {name: value.isoformat(), f"{name}Earliest": value.earliest, f"{name}Latest": value.latest}


@functools.lru_cache(maxsize=1 << 16)  # bulk loads repeat the same days many times
def _parse_text(text: str) -> PartialDate:
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f"{text[:40]!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY (ASCII digits)")
    year = int(match["year"])
    if year == 0:  # Python's and Neo4j's calendars start at year 1
        raise ValueError(f"'{text}' is not a date: years run from 0001 to 9999")
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"'{text}' is impossible: {calendar.month_name[month]} {year} has {last} days")
    return PartialDate(year, month, day)


_MONTHS = [(calendar.month_name[m], calendar.month_abbr[m]) for m in range(1, 13)]


def mentioned(date: PartialDate, texts: list[str]) -> bool:
    """Whether `texts` state `date`: its ISO form ("2023-05-02", "2023-06", "1960"), or for a month or day,
    the month's name ("early June", "May 1", "Aug. 11") with its year somewhere in them too ("Jan. 9" alone
    could be any year's: the note must give it). Weekdays and relative dates ("last Friday") are not dates:
    the note must resolve them ("'last Friday' ... is 2023-08-04")."""
    iso = date.isoformat()
    if any(iso in text for text in texts):
        return True
    if date.month is None or not any(re.search(rf"\b{date.year:04d}\b", text) for text in texts):
        return False
    full, short = _MONTHS[date.month - 1]
    if date.day is None:
        return any(full in text or f"{short}." in text for text in texts)
    forms = re.compile(rf"\b(?:{full}|{short}\.?) {date.day}\b")
    return any(forms.search(text) for text in texts)


def date_text(value: object) -> str:
    """How a `Date` leaves the API: stored ISO text as it is, anything else (a date, a year) as ISO text."""
    return value if isinstance(value, str) else PartialDate.parse(value).isoformat()


def parse_date_text(value: object) -> str:
    """How a `Date` comes in: validated, as ISO text at the precision given (ValueError says what is wrong)."""
    return PartialDate.parse(value).isoformat()
