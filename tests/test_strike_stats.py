"""`strikeStats`: work stoppages grouped for a chart, against a fictional fixture worked out by hand
(tests/fixtures/stats/stoppages.yaml, whose comments give each stoppage's days and workdays), and lost
workdays against a plain Python count over random spans."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncDriver

from schema.holidays import holidays_of, lost_workdays
from seed.validate import read_seed
from tests.conftest import GraphQLClient, reset_graph

FIXTURE = Path(__file__).parent / "fixtures" / "stats"
INDUSTRIES = Path(__file__).parents[1] / "seed" / "data" / "industries.yaml"
COUNTS = "stoppages days workdays stoppagesWithWorkers workersLow workersHigh idleDaysLow idleDaysHigh"


@pytest.fixture
async def stoppages(driver: AsyncDriver) -> AsyncDriver:
    await reset_graph(driver, read_seed([FIXTURE, INDUSTRIES]))
    return driver


def row(*values: Any) -> dict[str, Any]:
    return dict(zip(COUNTS.split(), values, strict=True))


@pytest.mark.usefixtures("stoppages")
async def test_stoppages_by_year_add_up_as_worked_out_by_hand(gql: GraphQLClient) -> None:
    data = await gql.data(f'{{ strikeStats(asOf: "2024-06-30") {{ year month industry {{ code }} {COUNTS} }} }}')
    # 2023: S1 (10 days, 6 workdays, 900-1,200 workers), S2 (7, 4, the preferred 500), S5 (5, 2, no figure);
    # 2024: S3 (no days known; more than 300 workers). S4, a protest, is no work stoppage.
    assert data["strikeStats"] == [
        {"year": 2023, "month": None, "industry": None}
        | row(3, 22, 12, 2, 1400, 1700, 900 * 6 + 2000, 1200 * 6 + 2000),
        {"year": 2024, "month": None, "industry": None} | row(1, 0, 0, 1, 300, 300, None, None),
    ]


@pytest.mark.usefixtures("stoppages")
async def test_every_grouping_counts_a_stoppage_in_each_group_it_falls_in(gql: GraphQLClient) -> None:
    data = await gql.data(
        """{
          months: strikeStats(groupBy: [YEAR, MONTH], asOf: "2024-06-30") { year month stoppages }
          industries: strikeStats(groupBy: [INDUSTRY], asOf: "2024-06-30") { industry { code } stoppages workdays }
          states: strikeStats(groupBy: [STATE], asOf: "2024-06-30") { state { slug } stoppages }
          sides: strikeStats(groupBy: [UNION, EMPLOYER], asOf: "2024-06-30") {
            union { slug } employer { slug } stoppages days
          }
          protests: strikeStats(kinds: [PROTEST], asOf: "2024-06-30") { year stoppages days }
          span: strikeStats(from: "2023-12", to: "2024", asOf: "2024-06-30") { year stoppages }
        }"""
    )
    assert [(r["year"], r["month"], r["stoppages"]) for r in data["months"]] == [
        (2023, 7, 1), (2023, 11, 1), (2023, 12, 1), (2024, 1, 1)
    ]  # fmt: skip
    assert data["industries"] == [  # S5 is in both; sorted by code
        {"industry": {"code": "336"}, "stoppages": 2, "workdays": 4 + 2},
        {"industry": {"code": "622"}, "stoppages": 3, "workdays": 6 + 0 + 2},
    ]
    assert data["states"] == [  # S1 through its city; S3 has no place
        {"state": {"slug": "north-province"}, "stoppages": 2},
        {"state": {"slug": "south-province"}, "stoppages": 1},
        {"state": None, "stoppages": 1},
    ]
    assert [(r["union"]["slug"], r["employer"]["slug"], r["stoppages"], r["days"]) for r in data["sides"]] == [
        ("union-b", "employer-x", 1, 5),
        ("union-b", "employer-y", 1, 7),
        ("guild-a", "employer-x", 2, 10),
    ]  # fmt: skip  (unions by name: Fictional Machinists before Guild of Fictional Nurses)
    assert data["protests"] == [{"year": 2023, "stoppages": 1, "days": 1}]
    assert data["span"] == [{"year": 2023, "stoppages": 1}, {"year": 2024, "stoppages": 1}]


@pytest.mark.usefixtures("stoppages")
async def test_as_of_a_day_counts_what_was_known_and_done_by_then(gql: GraphQLClient) -> None:
    """On Tuesday 2023-07-18 only S1 had begun: 5 days (the 14th to the 18th), 3 workdays (Friday, Monday,
    Tuesday), and the employer's count of 900 was not yet given (dated 2023-07-20)."""
    data = await gql.data(f'{{ strikeStats(asOf: "2023-07-18") {{ year {COUNTS} }} }}')
    assert data["strikeStats"] == [{"year": 2023} | row(1, 5, 3, 1, 1200, 1200, 3600, 3600)]


async def test_lost_workdays_are_weekdays_without_federal_holidays(
    gql: GraphQLClient, driver: AsyncDriver, tmp_path: Path
) -> None:
    """60 fictional strikes over random spans of 1998-2031 (across New Year's Days observed in the year
    before, Juneteenth's first years), each against its own employer: Cypher's count against Python's."""
    picked = random.Random(19)
    spans = []
    for number in range(60):
        start = date(1998, 1, 1) + timedelta(days=picked.randrange(12_000))
        spans.append((number, start, start + timedelta(days=picked.randrange(1, 900))))
    lines = ["sources:", "  - {id: spans, name: Fictional spans, kind: REPORT, url: https://example.org/spans}"]
    lines += ["organizations:"] + [
        f"  - {{id: employer-{n:02}, name: Employer {n:02}, kind: EMPLOYER, cites: [{{source: spans}}]}}"
        for n, _, _ in spans
    ]
    lines += ["strikes:"] + [
        f"  - {{id: strike-{n:02}, name: Strike {n:02}, start_date: {start}, end_date: {end}, "
        f"note: From {start} to {end}, cites: [{{source: spans}}]}}"
        for n, start, end in spans
    ]
    lines += ["facts:"] + [
        f"  - {{type: AGAINST, from: strike-{n:02}, to: employer-{n:02}, cites: [{{source: spans}}]}}"
        for n, _, _ in spans
    ]
    (tmp_path / "spans.yaml").write_text("\n".join(lines) + "\n")
    await reset_graph(driver, read_seed([tmp_path]))
    data = await gql.data('{ strikeStats(groupBy: [EMPLOYER], asOf: "2035-01-01") { employer { slug } workdays } }')
    counted = {r["employer"]["slug"]: r["workdays"] for r in data["strikeStats"]}
    assert counted == {f"employer-{n:02}": lost_workdays(start, end) for n, start, end in spans}


def test_the_federal_holidays_of_2023_and_2022_as_observed() -> None:
    """As the Office of Personnel Management lists them; 2022's New Year's Day, a Saturday, was observed on
    Friday 2021-12-31."""
    assert [str(day) for day in holidays_of(2023)] == [
        "2023-01-02", "2023-01-16", "2023-02-20", "2023-05-29", "2023-06-19", "2023-07-04", "2023-09-04",
        "2023-10-09", "2023-11-10", "2023-11-23", "2023-12-25",
    ]  # fmt: skip
    assert date(2021, 12, 31) in holidays_of(2021) and date(2022, 1, 1) not in holidays_of(2022)
    assert lost_workdays(date(2023, 11, 20), date(2023, 11, 27)) == 4
