"""`strikegraph import`: the command around api/commands/bulk_import.py, with progress (rates and estimates) and a
summary table. On the local Neo4j it does everything; for a server elsewhere (NEO4J_URI, Docker) the
offline step runs on that server's machine, between `--write-files` and `--finish`."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from api.commands.bulk_import import (
    ARGS_FILE,
    ImportRefused,
    ImportReport,
    finish_import,
    import_offline,
    load_plan,
    refuse_unless_empty,
    write_import_files,
)
from api.commands.seed_command import print_refusal, print_warnings
from api.database.graph import create_driver
from api.database.local_neo4j import LauncherError, LocalNeo4j
from api.settings import Settings
from api.web.metrics import LoadMetrics
from seed.import_files import ImportInput
from seed.problems import SeedValidationError
from seed.validate import seed_files

REMOTE = (
    "NEO4J_URI points at a Neo4j server elsewhere, and Neo4j's importer works offline, on the files of a "
    "stopped server: it has to run on that server's machine. Either load through transactions with "
    "`strikegraph seed PATHS`, or split the import: `strikegraph import --write-files DIR PATHS` (validates "
    "and writes the importer's input, here), then on the server, with Neo4j stopped, `neo4j-admin database "
    f"import full @DIR/{ARGS_FILE} --overwrite-destination neo4j` run from DIR, then with Neo4j started "
    "`strikegraph import --finish DIR` (constraints, indexes, checks). With Docker, the `import` profile of "
    "docker-compose.yml does these three steps (see the README)."
)


def run_import(settings: Settings, paths: list[Path] | None, console: Console, loads: LoadMetrics | None = None) -> int:
    """Validate, import offline into the local Neo4j, finish and check; the exit code. `loads` counts what
    happened (`--metrics-file`)."""
    loads = loads or LoadMetrics()
    if settings.neo4j_uri is not None:
        console.print(f"[bold red]Not imported:[/] {REMOTE}")
        return 2
    local = LocalNeo4j.from_settings(settings)
    was_running = local.connection() is not None
    began = time.perf_counter()
    try:
        running = local.start()
        connected = settings.with_neo4j(running.uri, running.user, running.password)
        asyncio.run(_refuse_unless_empty(connected))
        folder = local.home / "import" / "strikegraph"
        with _progress(console) as progress:
            written, report, sample = _write(progress, folder, paths)
            print_warnings(report.warnings, console)
            asyncio.run(_refuse_unless_empty(connected))  # nobody wrote meanwhile
            task = progress.add_task("neo4j-admin import", total=400)
            started = time.perf_counter()
            import_offline(local, written, settings.neo4j_database, _phase_to(progress, task))
            report.seconds["neo4j-admin import"] = time.perf_counter() - started
            started = time.perf_counter()
            running = local.start(timeout=300)
            report.seconds["start"] = time.perf_counter() - started
            connected = settings.with_neo4j(running.uri, running.user, running.password)
            _, fixups, _ = load_plan(folder)
            report = asyncio.run(finish_import(connected, report, fixups, sample, _phases(progress)))
        shutil.rmtree(folder, ignore_errors=True)
    except SeedValidationError as error:
        loads.refused("import", len(error.problems), time.perf_counter() - began)
        return print_refusal(error, console)
    except (ImportRefused, LauncherError) as error:
        loads.refused("import", 1, time.perf_counter() - began)
        console.print(f"[bold red]Not imported:[/] {error}")
        return 1
    finally:
        if not was_running:
            local.stop()
    report.seconds["total"] = time.perf_counter() - began
    rows = {"node": {"created": report.nodes}, "fact": {"created": report.facts}}
    loads.loaded("import", rows, report.seconds["total"])
    console.print(summary_table(report))
    return 0


def write_files_only(settings: Settings, paths: list[Path] | None, folder: Path, console: Console) -> int:
    """`--write-files`: validate and write the importer's input into `folder`, writing to no database; with
    NEO4J_URI set, first refuse a database that is not empty (the importer would replace it)."""
    try:
        if settings.neo4j_uri is not None:
            asyncio.run(_refuse_unless_empty(settings))
        with _progress(console) as progress:
            written, report, _ = _write(progress, folder, paths)
            print_warnings(report.warnings, console)
    except SeedValidationError as error:
        return print_refusal(error, console)
    except ImportRefused as error:
        console.print(f"[bold red]Not imported:[/] {error}")
        return 1
    console.print(summary_table(report))
    console.print(
        f"Wrote {written.bytes_written:,} bytes for neo4j-admin into {folder}. On the Neo4j server, stopped, run "
        f"from that folder: neo4j-admin database import full @{ARGS_FILE} --overwrite-destination neo4j; then "
        f"start Neo4j and run `strikegraph import --finish {folder}`."
    )
    return 0


def finish_only(settings: Settings, folder: Path, console: Console) -> int:
    """`--finish`: constraints, indexes, empty lists and checks on a server neo4j-admin has just filled."""
    report, fixups, sample = load_plan(folder)
    try:
        with _progress(console) as progress:
            report = asyncio.run(finish_import(settings, report, fixups, sample, _phases(progress)))
    except ImportRefused as error:
        console.print(f"[bold red]Import not confirmed:[/] {error}")
        return 1
    console.print(summary_table(report))
    return 0


async def _refuse_unless_empty(settings: Settings) -> None:
    driver = create_driver(settings)
    try:
        await refuse_unless_empty(driver, settings.neo4j_database)
    finally:
        await driver.close()


def _write(
    progress: Progress, folder: Path, paths: list[Path] | None
) -> tuple[ImportInput, ImportReport, list[dict[str, Any]]]:
    files = [path for path in seed_files(paths) if path.exists()]
    total = sum(path.stat().st_size for path in files)
    task = progress.add_task("validate and write files", total=total, unit="bytes")
    return write_import_files(folder, paths, progress=lambda size: progress.advance(task, size))


class _Rate(ProgressColumn):
    """Bytes per second where a task counts bytes (reading the files); nothing for stages in percent."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if task.fields.get("unit") != "bytes" or speed is None:
            return Text("")
        return Text(f"{speed / 1e6:,.1f} MB/s", style="progress.data.speed")


@contextmanager
def _progress(console: Console) -> Iterator[Progress]:
    columns = (
        TextColumn("{task.description:<26}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"), _Rate(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        yield progress


def _phase_to(progress: Progress, task: TaskID) -> Callable[[str, float, float | None], None]:
    def update(_: str, done: float, total: float | None) -> None:
        progress.update(task, completed=done, total=total)

    return update


def _phases(progress: Progress) -> Callable[[str, float, float | None], None]:
    tasks: dict[str, TaskID] = {}

    def update(phase: str, done: float, total: float | None) -> None:
        if phase not in tasks:
            tasks[phase] = progress.add_task(phase, total=total)
        progress.update(tasks[phase], completed=done, total=total)

    return update


def summary_table(report: ImportReport) -> Table:
    entries = report.nodes + report.facts
    table = Table("phase", "seconds", "what", "rate", title="Import")
    what = {
        "validate": f"{report.nodes:,} nodes, {report.facts:,} facts",
        "write files": f"{report.bytes_written / 1e6:,.0f} MB of CSV, {report.keys:,} key nodes",
        "neo4j-admin import": f"{entries + report.keys:,} nodes and facts",
        "empty lists": f"{report.fixed:,} properties set",
        "check": f"counts; {report.checked_facts} sampled facts read back through the API",
        "total": f"peak memory of this process {report.peak_rss_mb:,.0f} MB" if report.peak_rss_mb else "",
    }
    for phase, seconds in report.seconds.items():
        counted = entries if phase in {"validate", "write files", "neo4j-admin import", "total"} else 0
        rate = f"{counted / seconds:,.0f} entries/s" if counted and seconds else ""
        table.add_row(phase, f"{seconds:,.1f}", what.get(phase, ""), rate)
    return table
