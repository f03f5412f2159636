"""`strikegraph export`: stoppages out of the graph as a spreadsheet in a layout, the way a spreadsheet of
that layout went in (seed/lat.py, seed/bls.py); as a flat CSV or JSON lines of what the graph holds of each;
or as Wikidata QuickStatements (seed/quickstatements.py)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import sys
from datetime import date
from pathlib import Path
from typing import Any, LiteralString, TextIO

import orjson
from rich.console import Console

from api.database.exports import STOPPAGES, WIKIDATA, stoppage_rows
from api.database.graph import create_driver
from api.settings import Settings
from seed import quickstatements
from seed.spreadsheets import Layout, largest
from seed.validate import LAYOUTS

TABLES: dict[str, Layout] = {layout.NAME: layout for layout in LAYOUTS}
FORMATS = (*TABLES, "csv", "jsonl", "quickstatements")
# `csv`: one row per stoppage with what the graph holds of it, flat (lists joined with "; "), for any
# spreadsheet; no layout reads it back.
PLAIN_COLUMNS = ("id", "name", "kind", "start_date", "end_date", "employers", "unions", "locals", "industries",
                 "places", "workers_involved", "demands", "notes", "sources")  # fmt: skip


def run_export(
    settings: Settings,
    layout: str,
    output: Path | None,
    *,
    cites: str | None,
    kinds: list[str] | None,
    as_of: date | None,
    console: Console,
) -> int:
    """Writes the stoppages in `layout` (to `output`, or stdout); returns the exit code."""
    statement = WIKIDATA if layout == "quickstatements" else STOPPAGES
    rows = asyncio.run(_read(settings, statement, cites, kinds, as_of))
    with output.open("w", encoding="utf-8", newline="") if output else contextlib.nullcontext(sys.stdout) as handle:
        if layout == "quickstatements":
            written = write_statements(handle, rows)
            for skipped in written.skipped:
                console.print(f"skipped: {skipped}", markup=False, highlight=False, soft_wrap=True)
        elif layout == "jsonl":
            write_lines(handle, rows)
        elif layout == "csv":
            write_plain(handle, rows)
        else:
            write_rows(handle, rows, TABLES[layout])
    if output is not None:
        console.print(f"Wrote {len(rows)} stoppage(s) to {output}")
    return 0


def write_statements(handle: TextIO, rows: list[dict[str, Any]]) -> quickstatements.Statements:
    written = quickstatements.statements(rows)
    handle.write("".join(line + "\n" for line in written.lines))
    return written


def write_rows(handle: TextIO, rows: list[dict[str, Any]], layout: Layout) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(layout.COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(layout.cells_of(row) for row in rows)


def write_lines(handle: TextIO, rows: list[dict[str, Any]]) -> None:
    """JSON lines: one object per stoppage, as the export's statement reads it."""
    handle.write("".join(orjson.dumps(row).decode() + "\n" for row in rows))


def write_plain(handle: TextIO, rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(PLAIN_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        unions = [w["name"] for w in row["wagers"] if w["kind"] != "LOCAL"]
        locals_ = [w["name"] for w in row["wagers"] if w["kind"] == "LOCAL"]
        writer.writerow({
            "id": row["id"], "name": row["name"], "kind": row["kind"], "start_date": row["start"] or "",
            "end_date": row["end"] or "", "employers": "; ".join(row["employers"]), "unions": "; ".join(unions),
            "locals": "; ".join(locals_), "industries": "; ".join(i["code"] for i in row["industries"]),
            "places": "; ".join(place["name"] for place in row["locations"]),
            "workers_involved": largest(row["figures"], "WORKERS_INVOLVED"), "demands": "; ".join(row["demands"]),
            "notes": row["notes"] or "", "sources": "; ".join(row["pages"]),
        })  # fmt: skip


async def _read(
    settings: Settings, statement: LiteralString, cites: str | None, kinds: list[str] | None, as_of: date | None
) -> list[dict[str, Any]]:
    driver = create_driver(settings)
    try:
        return await stoppage_rows(statement, driver, settings.neo4j_database, cites=cites, kinds=kinds, as_of=as_of)
    finally:
        await driver.close()
