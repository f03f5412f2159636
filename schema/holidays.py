"""US federal holidays as observed (5 U.S.C. 6103), for counting lost workdays as the BLS counts them:
"a 5-day workweek (Monday through Friday), excluding Federal holidays" (BLS work stoppages technical note).

Rules by year: Martin Luther King Jr. Day from 1986, Juneteenth from 2021, Armistice (Veterans) Day from
1938; the Uniform Monday Holiday Act's Mondays from 1971 (Washington's Birthday, Memorial Day, Columbus Day;
Veterans Day on the fourth Monday of October from 1971 to 1977), fixed dates before; Thanksgiving on the
fourth Thursday of November (the last before 1942). A holiday on a Saturday is observed on the Friday
before, one on a Sunday on the Monday after (applied to every year, which before 1971 is an approximation).
Inauguration Day, a holiday only around Washington, is left out.
"""

from __future__ import annotations

import datetime
import functools

FIRST_YEAR, LAST_YEAR = 1900, 2100  # the years lost workdays are counted in; outside them only weekends count

MONDAY, THURSDAY = 0, 3


def _nth(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The n-th `weekday` of a month (n = -1: the last)."""
    if n > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: datetime.date) -> datetime.date:
    if day.weekday() == 5:
        return day - datetime.timedelta(days=1)
    if day.weekday() == 6:
        return day + datetime.timedelta(days=1)
    return day


def holidays_of(year: int) -> list[datetime.date]:
    """The federal holidays of `year` as observed, in order (a New Year's Day on a Saturday is observed on
    December 31 of the year before, and so belongs to that year's list)."""
    days = [datetime.date(year, 1, 1), datetime.date(year, 7, 4), datetime.date(year, 12, 25)]
    days.append(_nth(year, 9, MONDAY, 1))  # Labor Day
    days.append(_nth(year, 11, THURSDAY, 4 if year >= 1942 else -1))  # Thanksgiving
    if year >= 1986:
        days.append(_nth(year, 1, MONDAY, 3))  # Martin Luther King Jr. Day
    if year >= 2021:
        days.append(datetime.date(year, 6, 19))  # Juneteenth
    if year >= 1971:
        days += [_nth(year, 2, MONDAY, 3), _nth(year, 5, MONDAY, -1), _nth(year, 10, MONDAY, 2)]
    else:
        days += [datetime.date(year, 2, 22), datetime.date(year, 5, 30), datetime.date(year, 10, 12)]
    if year >= 1938:  # Veterans (Armistice) Day
        days.append(_nth(year, 10, MONDAY, 4) if 1971 <= year <= 1977 else datetime.date(year, 11, 11))
    observed = [_observed(day) for day in days]
    # Next year's New Year's Day on a Saturday is observed on this year's December 31.
    observed += [day for day in [_observed(datetime.date(year + 1, 1, 1))] if day.year == year]
    return sorted(day for day in observed if day.year == year)


@functools.cache
def holiday_table() -> tuple[dict[str, list[datetime.date]], dict[str, int]]:
    """For Cypher: each year's holidays (by the year as text), and how many fell in the years before it
    (counted from FIRST_YEAR), so the holidays in a span are two lookups and a short list each."""
    by_year: dict[str, list[datetime.date]] = {}
    before: dict[str, int] = {}
    count = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        by_year[str(year)] = holidays_of(year)
        before[str(year)] = count
        count += len(by_year[str(year)])
    return by_year, before


def lost_workdays(start: datetime.date, end: datetime.date) -> int:
    """Workdays in [start, end): Monday to Friday, federal holidays left out (the check on the Cypher)."""
    days = (start + datetime.timedelta(days=i) for i in range((end - start).days))
    holidays = {h for year in range(start.year, end.year + 1) for h in holidays_of(year)}
    return sum(1 for day in days if day.weekday() < 5 and day not in holidays)
