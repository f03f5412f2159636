"""Partial dates, without Neo4j: precision kept, spans right, impossible dates refused with the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from schema.dates import PartialDate, date_properties
from schema.scalars import DATE_SCALAR


@pytest.mark.parametrize("text", ["1960", "2023-06", "2023-08-10"])
def test_a_date_keeps_the_precision_it_was_given(text: str) -> None:
    assert PartialDate.parse(text).isoformat() == text
    assert DATE_SCALAR.serialize(text) == text  # type: ignore[misc]


def test_a_month_or_a_year_covers_its_whole_span() -> None:
    assert (PartialDate.parse("2024-02").earliest, PartialDate.parse("2024-02").latest) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert PartialDate.parse("1960").latest == dt.date(1960, 12, 31)
    assert date_properties("on", PartialDate.parse("2023-06")) == {
        "on": "2023-06",
        "onEarliest": dt.date(2023, 6, 1),
        "onLatest": dt.date(2023, 6, 30),
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "February 2023 has 28 days"),
        ("2023-13", "no month 13"),
        ("10 Aug 2023", "use YYYY-MM-DD"),
        ("2023-08-10T10:00", "use YYYY-MM-DD"),
    ],
)
def test_impossible_or_malformed_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        PartialDate.parse(text)
