"""`strikegraph seed`: validate the seed files, then load them, with a progress bar on large inputs and a
summary. It lives with the runtime (it needs a driver and the settings); `seed/` imports nothing of `api/`."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from api.database.graph import apply_graph_schema, create_driver
from api.settings import Settings
from api.web.metrics import LoadMetrics
from seed.loader import LoadSummary, count_rows, load_seed
from seed.problems import LoadRaced, Problem, SeedValidationError
from seed.validate import SeedSet, read_seed, seed_files

PROGRESS_THRESHOLD = 10_000  # rows; below this a bar only flickers


def run_seed(
    settings: Settings,
    paths: list[Path] | None,
    *,
    prune: bool,
    dry_run: bool,
    console: Console,
    loads: LoadMetrics | None = None,
) -> int:
    """Returns the process exit code: 0 loaded (or valid), 1 invalid files or a failed load. `loads`
    counts what happened (`--metrics-file`)."""
    loads = loads or LoadMetrics()
    started = time.perf_counter()
    try:
        seed = read_seed(paths)
    except SeedValidationError as error:
        loads.refused("seed", len(error.problems), time.perf_counter() - started)
        return print_refusal(error, console)
    files = len(seed_files(paths))
    print_warnings(seed.warnings, console)
    console.print(f"{files} file(s) valid: {len(seed.nodes)} nodes, {len(seed.facts)} facts")
    if dry_run:
        return 0
    try:
        summary = asyncio.run(_load(settings, seed, prune))
    except SeedValidationError as error:  # a name the graph already gives another node
        loads.refused("seed", len(error.problems), time.perf_counter() - started)
        return print_refusal(error, console)
    except LoadRaced:
        console.print(
            "[bold red]An API write took a name or fact id this load needs; nothing was written: run again.[/]"
        )
        return 1
    loads.loaded("seed", {"node": summary.nodes, "fact": summary.facts}, time.perf_counter() - started)
    console.print(summary_table(summary))
    return 0


MAX_WARNINGS_SHOWN = 20


def print_warnings(warnings: list[Problem], console: Console) -> None:
    """What is allowed but worth a look (e.g. sources nobody can check): the first few, and how many."""
    for warning in warnings[:MAX_WARNINGS_SHOWN]:
        console.print(f"warning: {warning}", style="yellow", markup=False, highlight=False, soft_wrap=True)
    if len(warnings) > MAX_WARNINGS_SHOWN:
        console.print(f"... and {len(warnings) - MAX_WARNINGS_SHOWN} more warnings", style="yellow")


def print_refusal(error: SeedValidationError, console: Console) -> int:
    """Every problem at its file:line, and that nothing was written; the exit status (1)."""
    for problem in error.problems:
        console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    console.print(f"[bold red]{len(error.problems)} problem(s); nothing was written.[/]")
    return 1


async def _load(settings: Settings, seed: SeedSet, prune: bool) -> LoadSummary:
    driver = create_driver(settings)
    try:
        await apply_graph_schema(driver, settings.neo4j_database)
        total = count_rows(seed)
        if total < PROGRESS_THRESHOLD:
            return await load_seed(driver, settings.neo4j_database, seed, prune=prune)
        with Progress(transient=True) as progress:
            task = progress.add_task("Loading", total=total)
            return await load_seed(
                driver, settings.neo4j_database, seed, prune=prune,
                progress=lambda rows: progress.advance(task, rows),
            )  # fmt: skip
    finally:
        await driver.close()


def summary_table(summary: LoadSummary) -> Table:
    outcomes = ["created", "updated", "unchanged", "removed", "skipped", "kept (used by API facts)"]
    table = Table("", *outcomes, title="Seed loaded" if summary.changes else "Seed loaded: no changes")
    for name, counts in (("nodes", summary.nodes), ("facts", summary.facts)):
        table.add_row(name, *(str(counts[outcome]) for outcome in outcomes))
    return table
