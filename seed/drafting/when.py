"""Dates as an article words them, resolved against its publication day: "on Wednesday", "last Friday",
"Aug. 11", "early June", "at the end of last year". Each keeps the precision its words give (a month stays
a month: `schema/dates.py`) and says how it was resolved, so the note can state the date."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from schema.dates import PartialDate


@dataclass(frozen=True)
class ResolvedDate:
    start: int  # character offsets of the words in the text
    end: int
    text: str
    value: str  # ISO text at the precision the words give
    note: str  # how the words were resolved, for the seed's `note`


_MONTH_NAMES = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES |= {abbr.lower(): number for number, abbr in enumerate(calendar.month_abbr) if abbr}
_MONTH_NAMES["sept"] = 9
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
    r"Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"  # fmt: skip
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A future-tense clause makes a bare weekday the coming one ("talks will resume Friday"); otherwise the last.
_FUTURE = re.compile(r"\b(?:will|to meet|to resume|is to|are to|scheduled|plans? to|set to|expected to)\b", re.I)

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("iso", r"\b(?P<y>[12][0-9]{3})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])\b"),
        ("month_day", rf"\b(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH})\s+(?P<d>[0-3]?[0-9])\b(?![0-9])"
                      rf"(?:,?\s+(?P<y>[12][0-9]{{3}}))?"),
        ("part_of_month", r"\b(?P<part>[Ee]arly|[Mm]id|[Ll]ate|[Tt]he end of|[Tt]he beginning of|[Tt]he start of)"
                          rf"[-\s]+(?P<mon>{_MONTH})(?:,?\s+(?P<y>[12][0-9]{{3}}))?"),
        ("in_month", rf"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]hrough)\s+(?P<mon>{_MONTH})"  # "in June", "by May"
                     r"(?:,?\s+(?P<y>[12][0-9]{3}))?"
                     r"(?!\s+[0-9])"),
        ("month_year", rf"\b(?P<mon>{_MONTH})\s+(?P<y>[12][0-9]{{3}})\b"),
        ("relative_year", r"\b(?:(?:[Aa]t\s+)?[Tt]he\s+(?P<part>end|beginning|start)\s+of\s+"  # "at the end of"
                          r"|[Ee]arlier\s+|[Ll]ater\s+)?"  # "earlier this year"
                          r"(?P<which>last|this|next)\s+year\b"),
        ("relative_span", r"\b(?P<which>[Ll]ast|[Tt]his|[Nn]ext)\s+(?P<unit>week|month)\b"),
        ("weekday", rf"\b(?:(?P<which>[Ll]ast|[Nn]ext|[Tt]his|[Oo]n)\s+)?(?P<wd>{_WEEKDAY})\b"),
        ("day_word", r"\b(?P<word>[Yy]esterday|[Tt]oday|[Tt]omorrow)\b"),
        ("year", r"(?<![0-9,.$-])\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Oo]f|[Ff]rom)\s+(?P<y>1[89][0-9]{2}|20[0-9]{2})\b"
                 r"(?![0-9%]|,[0-9])"),
    )
)  # fmt: skip


def find_dates(text: str, published: dt.date) -> list[ResolvedDate]:
    """Every date expression of `text` resolved against `published`, without overlaps (the first form and
    the longest words win), in text order."""
    taken: list[tuple[int, int]] = []
    found: list[ResolvedDate] = []
    for name, pattern in _FORMS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            resolved = _resolve(name, match, text, published)
            if resolved is None:
                continue
            value, how = resolved
            words = match.group(0)
            taken.append((start, end))
            found.append(ResolvedDate(start, end, words, value, how))
    return sorted(found, key=lambda date: date.start)


def _clause_before(text: str, start: int) -> str:
    """The words of a weekday's own clause, up to it: their tense says which way the weekday lies."""
    left = max(text.rfind(mark, 0, start) for mark in (". ", "\n", ",", ";", '"'))
    return text[left + 1 : start]


def _day_of(published: dt.date) -> str:
    return f"{calendar.day_name[published.weekday()]} {published.isoformat()}"


def _resolve(name: str, match: re.Match[str], text: str, published: dt.date) -> tuple[str, str] | None:
    words = match.group(0).strip()
    dated = f"in an article dated {_day_of(published)}"
    groups = match.groupdict()
    if name == "iso":
        try:
            return PartialDate.parse(words).isoformat(), f"{words}, as the article gives it."
        except ValueError:
            return None
    if name in ("month_day", "part_of_month", "in_month", "month_year"):
        month = _MONTH_NAMES[groups["mon"].rstrip(".").lower()]
        year = int(groups["y"]) if groups.get("y") else _nearest_year(published, month)
        if name == "month_day":
            day = int(groups["d"])
            try:
                value = dt.date(year, month, day).isoformat()
            except ValueError:
                return None
        else:
            value = f"{year:04d}-{month:02d}"
        if groups.get("y"):
            return value, f'"{words}" is {value}.'
        return value, f'"{words}" {dated} is {value}' + (": month precision." if len(value) == 7 else ".")
    if name == "relative_year":
        year = published.year + {"last": -1, "this": 0, "next": 1}[groups["which"].lower()]
        return f"{year:04d}", f'"{words}" {dated} is {year} (year precision).'
    if name == "relative_span":
        step = {"last": -1, "this": 0, "next": 1}[groups["which"].lower()]
        if groups["unit"] == "month":
            first = (published.replace(day=1) + dt.timedelta(days=32 * step)).replace(day=1)
            if step < 0:
                first = (published.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            value = f"{first.year:04d}-{first.month:02d}"
            return value, f'"{words}" {dated} is {value}.'
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
        sunday = monday + dt.timedelta(days=6)
        value = _covering(monday, sunday)
        return value, f'"{words}" {dated} is {monday.isoformat()} to {sunday.isoformat()}, within {value}.'
    if name == "weekday":
        weekday = _WEEKDAYS[groups["wd"].lower()]
        said = (groups.get("which") or "").lower()
        clause = _clause_before(text, match.start())
        future = said == "next" or (said != "last" and bool(_FUTURE.search(clause)))
        near = _weekday_near(published, weekday, future=future)
        return near.isoformat(), f'"{words}" {dated} is {near.isoformat()}.'
    if name == "day_word":
        shifted = published + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[groups["word"].lower()])
        return shifted.isoformat(), f'"{words}" {dated} is {shifted.isoformat()}.'
    if name == "year":
        return groups["y"], f'"{words}": the year {groups["y"]}.'
    return None


def _nearest_year(published: dt.date, month: int) -> int:
    """A month named without a year: the publication's year, unless that puts it more than six months away."""
    delta = month - published.month
    if delta > 6:
        return published.year - 1
    if delta < -6:
        return published.year + 1
    return published.year


def _weekday_near(published: dt.date, weekday: int, *, future: bool) -> dt.date:
    """The coming such weekday (after the publication day) or the last one (on or before it)."""
    if future:
        return published + dt.timedelta(days=(weekday - published.weekday() - 1) % 7 + 1)
    return published - dt.timedelta(days=(published.weekday() - weekday) % 7)


def _covering(first: dt.date, last: dt.date) -> str:
    """The most precise partial date that covers a span: its day, its month or its year."""
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.year:04d}-{first.month:02d}"
    return f"{first.year:04d}" if first.year == last.year else f"{last.year:04d}"
