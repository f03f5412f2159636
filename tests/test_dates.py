"""Partial dates, without Neo4j: precision kept, spans right, impossible dates refused with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from api.contract.scalars import DATE_SCALAR
from schema.dates import PartialDate, date_properties, mentioned
from schema.model import Label
from schema.records import NODE_RECORDS


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


@pytest.mark.parametrize(
    "text",
    [
        "\uff11\uff12\uff13\uff14",  # fullwidth digits
        "\u0662\u0660\u0662\u0663-\u0660\u0668",  # Arabic-Indic digits
        "2023-\uff108-10",  # one fullwidth digit
        "\u0968\u0966\u0968\u0969",  # Devanagari digits
        "2023\n",  # `$` would take the newline
        "2023-08-10\n",
        " 2023",
        "2023 ",
        "\t2023-06",
    ],
)
def test_a_date_is_ascii_digits_and_nothing_around_them(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        PartialDate.parse(text)
    with pytest.raises(ValueError, match="is not a date"):
        DATE_SCALAR.parse_value(text)  # type: ignore[misc]


def test_a_seed_or_api_record_takes_the_same_strict_dates() -> None:
    fields = {"id": "s", "name": "S", "cites": [{"source": "x"}], "note": "since 2023"}
    assert str(NODE_RECORDS[Label.STRIKE].model_validate(fields | {"start_date": "2023"}).start_date) == "2023"
    with pytest.raises(ValidationError, match="is not a date"):
        NODE_RECORDS[Label.STRIKE].model_validate(fields | {"start_date": "٢٠٢٣"})


@pytest.mark.parametrize(
    ("date", "texts", "said"),
    [
        ("2023-05-02", ["day 1 was 2023-05-02"], True),
        ("2023-08-11", ["talks will resume Friday, Aug. 11, with", "of 2023"], True),
        ("2023-05-01", ["since the WGA called the strike on May 1.", "May 1 of 2023"], True),
        ("2023-05-01", ["since the WGA called the strike on May 11.", "2023"], False),
        ("2023-06", ["reached a deal with the AMPTP in early June", "in 2023"], True),
        ("1960", ["the first double strike since 1960"], True),
        ("2023-08-04", ["Negotiators previously met last Friday", "2023"], False),  # a weekday is not a date
        # A month or a day without its year could be any year's: the quote or the note must give it.
        ("2023-05-01", ["since the WGA called the strike on May 1."], False),
        ("2024-01-09", ["talks resume Jan. 9", "a story of 2023"], False),
        ("2023-06", ["in early June"], False),
    ],
)
def test_a_date_is_said_by_its_iso_form_or_its_month_and_day_with_its_year(
    date: str, texts: list[str], said: bool
) -> None:
    assert mentioned(PartialDate.parse(date), texts) is said
