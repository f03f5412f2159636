"""`strikegraph export`: stoppages out of the graph as a spreadsheet in a layout (seed/lat.py), the way a
spreadsheet of that layout went in."""

from __future__ import annotations

import asyncio
import csv
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console

from api.database.exports import stoppages
from api.database.graph import create_driver
from api.settings import Settings
from seed import lat


def run_export(
    settings: Settings,
    output: Path | None,
    *,
    cites: str | None,
    kinds: list[str] | None,
    as_of: date | None,
    console: Console,
) -> int:
    """Writes the rows (to `output`, or stdout); returns the exit code."""
    rows = asyncio.run(_read(settings, cites, kinds, as_of))
    if output is None:
        write_rows(sys.stdout, rows)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            write_rows(handle, rows)
        console.print(f"Wrote {len(rows)} stoppage(s) to {output}")
    return 0


def write_rows(handle: TextIO, rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(lat.COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(lat.cells_of(row) for row in rows)


async def _read(settings: Settings, cites: str | None, kinds: list[str] | None, as_of: date | None) -> list[Any]:
    driver = create_driver(settings)
    try:
        return await stoppages(driver, settings.neo4j_database, cites=cites, kinds=kinds, as_of=as_of)
    finally:
        await driver.close()
