"""Spreadsheets in and out (seed/spreadsheets.py, seed/lat.py): a Labor Action Tracker CSV validated like
YAML (every problem at `file:row: column`), reconciled with the seed files beside it, loaded all or nothing
and again with no change, and written back out cell for cell. The rows are fictional."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from neo4j import AsyncDriver

from api.commands.export_command import write_lines, write_plain, write_rows, write_statements
from api.database.exports import STOPPAGES, WIKIDATA, stoppage_rows
from schema.model import RelType
from seed import bls, lat
from seed.loader import load_seed
from seed.problems import SeedValidationError
from seed.validate import read_seed
from tests.conftest import GraphQLClient, reset_graph

FIXTURES = Path(__file__).parent / "fixtures"
INDUSTRIES = Path(__file__).parents[1] / "seed" / "data" / "industries.yaml"
COUNTRY = FIXTURES / "disputes" / "places.yaml"
ACTIONS = [FIXTURES / "lat", COUNTRY, INDUSTRIES]
STRIKE = "lat-example-hospital-group-2024-03-04-c5f99d"


def test_rows_are_reconciled_with_the_seed_files_beside_them() -> None:
    seed = read_seed(ACTIONS)
    facts = {(fact.type, fact.from_, fact.to) for fact in seed.facts.values()}
    # by alias (GFN), by name in any case ("example hospital group"), by NAICS code and by title, by ISO code
    assert (RelType.WAGES, "guild-of-fictional-nurses", STRIKE) in facts
    assert (RelType.AGAINST, "lat-example-hospital-group-2024-05-01-ce8994", "example-hospital-group") in facts
    assert (RelType.IN_INDUSTRY, STRIKE, "naics-622") in facts
    assert (RelType.IN_INDUSTRY, "lat-example-coffee-company-2024-03-15-499407", "naics-722") in facts
    assert (RelType.AT, "lat-example-hospital-group-2024-05-01-ce8994", "new-york-state") in facts
    assert (RelType.DEMANDS, STRIKE, "safe-staffing") in facts  # an issue of that name
    # made once, however many rows name them: a local named after its union, a city in its state, a demand
    assert (RelType.AFFILIATED_WITH, "gfn-local-7", "guild-of-fictional-nurses") in facts
    assert (RelType.LOCATED_IN, "site-100-example-ave-buffalo-ny-14201", "buffalo") in facts
    assert (RelType.LOCATED_IN, "springfield-il", "us-il") in facts and (
        RelType.LOCATED_IN,
        "us-il",
        "united-states",
    ) in facts
    assert [fact.to for fact in seed.facts.values() if fact.type == RelType.DEMANDS].count("demand-pay") == 2
    strike = seed.nodes[STRIKE]
    assert (str(strike.start_date), str(strike.end_date)) == ("2024-03-04", "2024-03-09")  # its last day: 03-08
    assert [c.model_dump(exclude_none=True) for c in strike.cites] == [
        {"source": "sheet-actions-csv", "locator": "row 2, column Start Date"},
        {"source": "page-example-org-b497a004fd"},
    ]
    participants = seed.nodes[f"{STRIKE}-participants"]
    assert (participants.measure.value, participants.value, participants.approximation.value) == (
        "WORKERS_INVOLVED",
        750,
        "ABOUT",
    )
    assert [str(w) for w in seed.warnings if "derived" in w.message] == [
        "tests/fixtures/lat/actions.csv:1: Duration Amount: derived from the dates: not stored",
        "tests/fixtures/lat/actions.csv:1: Duration Unit: derived from the dates: not stored",
    ]
    again = read_seed(ACTIONS)
    assert sorted(again.nodes) == sorted(seed.nodes) and sorted(again.facts) == sorted(seed.facts)


def test_every_problem_of_a_spreadsheet_at_once_at_its_row_and_column() -> None:
    with pytest.raises(SeedValidationError) as refused:
        read_seed([FIXTURES / "lat-bad"])
    assert [str(problem) for problem in refused.value.problems] == [
        "tests/fixtures/lat-bad/bad.csv:2: Approximate Number of Participants: 'many' is not a whole number",
        "tests/fixtures/lat-bad/bad.csv:2: Authorized: Yes, but no Labor Organization or Local to have authorized it",
        "tests/fixtures/lat-bad/bad.csv:2: Industry: 'Basket Weaving' is no NAICS industry: give a code or a title "
        "as seed/data/industries.yaml has them",
        "tests/fixtures/lat-bad/bad.csv:2: Source: 'not a url' is not a web address (http:// or https://)",
        "tests/fixtures/lat-bad/bad.csv:2: Start Date: '2024-13-01' is not a date (YYYY-MM-DD, YYYY-MM, YYYY or "
        "M/D/YYYY)",
        "tests/fixtures/lat-bad/bad.csv:2: State: 'Atlantis' is no US state, district or territory (a code or a name)",
        "tests/fixtures/lat-bad/bad.csv:2: Strike or Protest: 'Sit-in': expected one of Strike, Protest, Lockout, "
        "Walkout",
        "tests/fixtures/lat-bad/bad.csv:3: Employer: empty: whom is it against?",
        "tests/fixtures/lat-bad/bad.csv:3: Start Date: empty: when did it begin?",
        "tests/fixtures/lat-bad/bad.csv:4: End Date: 2024-06-01 is before the Start Date, 2024-06-10",
        "tests/fixtures/lat-bad/bad.csv:5: 2 cells, but 11 columns",
    ]


def test_a_file_in_no_layout_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other.csv").write_text("Name,Amount\nA,1\n")
    with pytest.raises(SeedValidationError) as refused:
        read_seed([tmp_path])
    assert "its columns match no layout" in str(refused.value)


async def test_a_spreadsheet_loads_with_its_sources_and_again_changes_nothing(
    gql: GraphQLClient, driver: AsyncDriver
) -> None:
    await reset_graph(driver, read_seed(ACTIONS))
    data = await gql.data(
        f"""{{ strike(id: "{STRIKE}") {{
              name kind endDate sources {{ locator source {{ name url }} }}
              strikers {{ name }} locations {{ location {{ ... on Site {{ address postalCode places {{ name }} }} }} }}
              figures {{ measure value approximation }}
            }} }}"""
    )
    strike = data["strike"]
    assert strike["sources"] == [
        {
            "locator": "row 2, column Start Date",
            "source": {"name": "Spreadsheet tests/fixtures/lat/actions.csv", "url": None},
        },
        {"locator": None, "source": {"name": "https://example.org/news/1", "url": "https://example.org/news/1"}},
    ]
    assert {s["name"] for s in strike["strikers"]} == {"Guild of Fictional Nurses", "GFN Local 7"}
    assert strike["locations"] == [
        {"location": {"address": "100 Example Ave", "postalCode": "14201", "places": [{"name": "Buffalo"}]}}
    ]
    summary = await load_seed(driver, "neo4j", read_seed(ACTIONS))
    assert summary.changes == 0


async def test_a_file_seeded_from_the_layout_comes_back_out_cell_for_cell(driver: AsyncDriver) -> None:
    source = FIXTURES / "lat-roundtrip" / "actions.csv"
    await reset_graph(driver, read_seed([source.parent, COUNTRY, INDUSTRIES]))
    out = io.StringIO()
    write_rows(
        out, await stoppage_rows(STOPPAGES, driver, "neo4j", cites="sheet-actions-csv", kinds=None, as_of=None), lat
    )
    assert out.getvalue() == source.read_text()
    only = await stoppage_rows(STOPPAGES, driver, "neo4j", cites="sheet-actions-csv", kinds=["LOCKOUT"], as_of=None)
    assert [row["kind"] for row in only] == ["LOCKOUT"]
    plain, lines = io.StringIO(), io.StringIO()
    write_plain(plain, only)
    write_lines(lines, only)
    (row,) = csv.DictReader(io.StringIO(plain.getvalue()))
    assert {k: row[k] for k in ("kind", "start_date", "employers", "industries", "places", "workers_involved")} == {
        "kind": "LOCKOUT",
        "start_date": "2024-05-01",
        "employers": "Example Hospital Group",
        "industries": "622",
        "places": "New York",
        "workers_involved": "1150",
    }
    assert json.loads(lines.getvalue())["name"] == "Lockout at Example Hospital Group, NY, 2024-05-01"


async def test_quickstatements_come_out_with_a_reference_on_every_line(driver: AsyncDriver) -> None:
    await reset_graph(driver, read_seed([FIXTURES / "wikidata"]))
    out = io.StringIO()
    written = write_statements(out, await stoppage_rows(WIKIDATA, driver, "neo4j", cites=None, kinds=None, as_of=None))
    ref = '\tS854\t"https://example.org/wikidata-fixture"\tS577\t+2024-02-11T00:00:00Z/11'
    assert out.getvalue().splitlines() == [
        "CREATE",
        'LAST\tLen\t"Fictional strike of 2024"',
        f"LAST\tP31\tQ49776{ref}",
        f"LAST\tP580\t+2024-02-01T00:00:00Z/11{ref}",
        f"LAST\tP582\t+2024-02-10T00:00:00Z/11{ref}",
        f"LAST\tP710\tQ4115189{ref}",
        f"LAST\tP276\tQ13406268{ref}",
        f"LAST\tP1132\t300\tP585\t+2024-02-02T00:00:00Z/11{ref}",  # the preferred count, not the larger normal one
    ]
    assert written.skipped == [
        "Fictional strike of 2024: P710 Sandbox Employer: no Wikidata item",
        "Fictional lockout of 2024: a lockout has no Wikidata class here",
    ]


def test_a_bls_listing_is_read_with_its_industry_code_and_states() -> None:
    seed = read_seed([FIXTURES / "bls", COUNTRY, INDUSTRIES])
    facts = {(fact.type, fact.from_, fact.to): fact for fact in seed.facts.values()}
    strike = next(node for node in seed.nodes.values() if node.id.startswith("bls-example-health-system"))
    industry = facts[(RelType.IN_INDUSTRY, strike.id, "naics-622")]  # 622110 under the graph's 622
    assert industry.detail == "NAICS 622110"
    assert {key[2] for key in facts if key[:2] == (RelType.AT, strike.id)} == {"us-ca", "us-or"}
    workers = seed.nodes[f"{strike.id}-workers"]
    assert (workers.value, workers.approximation.value) == (2000, "ABOUT")
    assert str(strike.end_date) == "2023-10-07" and "does not tell strikes from lockouts" in (strike.note or "")


def test_a_bls_days_idle_that_is_not_workers_times_lost_workdays_is_said(tmp_path: Path) -> None:
    text = (FIXTURES / "bls" / "stoppages.csv").read_text().replace(",10000\n", ",9000\n")
    (tmp_path / "listing.csv").write_text(text)
    seed = read_seed([tmp_path, COUNTRY, INDUSTRIES])
    said = [str(w) for w in seed.warnings if "lost workdays" in w.message]
    assert [s.split(": ", 1)[1] for s in said] == [
        "Days idle, cumulative for this work stoppage: 9,000 in the file; 2,000 workers x lost workdays is 10,000"
    ]


async def test_a_bls_listing_comes_back_out_cell_for_cell(driver: AsyncDriver) -> None:
    source = FIXTURES / "bls" / "stoppages.csv"
    await reset_graph(driver, read_seed([source.parent, COUNTRY, INDUSTRIES]))
    out = io.StringIO()
    rows = await stoppage_rows(STOPPAGES, driver, "neo4j", cites="sheet-stoppages-csv", kinds=None, as_of=None)
    write_rows(out, rows, bls)
    assert out.getvalue().replace('"', "") == source.read_text().replace('"', "")


def test_a_workbook_reads_as_its_csv_does_below_its_title_and_above_its_notes(tmp_path: Path) -> None:
    """The BLS's listing as a workbook: a title row above the header, dates as date cells, numbers as
    numbers, a blank row and a footnote below the table."""
    rows = list(csv.reader((FIXTURES / "bls" / "stoppages.csv").open()))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Work stoppages involving 1,000 or more workers (fictional)"])
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = list(row)
        for column in (7, 8):  # the dates, as date cells
            cells[column] = datetime.fromisoformat(row[column]) if row[column] else None
        for column in (9, 10):
            cells[column] = int(row[column]) if row[column] else None
        sheet.append(cells)
    sheet.append([])
    sheet.append(["(1) Industry code is from NAICS."])
    (tmp_path / "stoppages.xlsx").parent.mkdir(exist_ok=True)
    book.save(tmp_path / "stoppages.xlsx")
    from_book = read_seed([tmp_path, COUNTRY, INDUSTRIES])
    from_csv = read_seed([FIXTURES / "bls", COUNTRY, INDUSTRIES])
    assert sorted(from_book.facts) == sorted(from_csv.facts)
    assert {k: v.model_dump(exclude={"note", "cites"}) for k, v in from_book.nodes.items() if k.startswith("bls-")} == {
        k: v.model_dump(exclude={"note", "cites"}) for k, v in from_csv.nodes.items() if k.startswith("bls-")
    }
    located = next(n for n in from_book.nodes.values() if n.id.startswith("bls-example-motors"))
    assert located.cites[0].model_dump(exclude_none=True)["locator"] == "row 4, column Beginning date"
