"""`strikegraph export`: stoppages out of the graph as a spreadsheet in a layout (seed/lat.py), the way a
spreadsheet of that layout went in (seed/lat.py, seed/bls.py), or as Wikidata QuickStatements
(seed/quickstatements.py)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import sys
from datetime import date
from pathlib import Path
from typing import Any, LiteralString, TextIO

from rich.console import Console

from api.database.exports import STOPPAGES, WIKIDATA, stoppage_rows
from api.database.graph import create_driver
from api.settings import Settings
from seed import quickstatements
from seed.spreadsheets import Layout
from seed.validate import LAYOUTS

TABLES: dict[str, Layout] = {layout.NAME: layout for layout in LAYOUTS}
FORMATS = (*TABLES, "quickstatements")


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


async def _read(
    settings: Settings, statement: LiteralString, cites: str | None, kinds: list[str] | None, as_of: date | None
) -> list[dict[str, Any]]:
    driver = create_driver(settings)
    try:
        return await stoppage_rows(statement, driver, settings.neo4j_database, cites=cites, kinds=kinds, as_of=as_of)
    finally:
        await driver.close()
