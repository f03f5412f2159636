"""`strikegraph import`: the first load of a large archive into an empty database, through Neo4j's offline
importer (`neo4j-admin database import full`) instead of transactions.

The files are validated by the seed's own checks while they are written as the importer's CSV
(seed/import_files.py); nothing touches Neo4j until every file is valid. Then the local Neo4j stops, the
importer writes the store, Neo4j starts again, and the import is finished online: the empty lists CSV
cannot carry, the constraints and indexes (`apply_graph_schema`, as on every start), and a check that
the counts are right and that sampled facts read back through the GraphQL API as they were written.
A graph imported so is the graph `seed` builds: `seed` on the same files afterwards changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

from api.compile.root_fields import LOOKUPS
from api.database.bulk_finish import index_population, new_epoch, nodes_in_use, set_missing, stored_counts
from api.database.graph import Driver, apply_graph_schema, create_driver, record_keys_present
from api.database.local_neo4j import LauncherError, LocalNeo4j
from api.settings import Settings
from schema.model import Label, RelType
from schema.records import FactBase, NodeRecord
from seed.import_files import Fixup, ImportFiles, ImportInput, ParallelImportFiles
from seed.problems import Problem
from seed.validate import read_seed, validate_documents
from seed.yaml_reader import ParsedFile, paused_gc

Phase = Callable[[str, float, float | None], None]  # (phase, done, total or None): progress for the CLI
ARGS_FILE = "neo4j-admin.args"  # the importer's options, one per line (`neo4j-admin ... @neo4j-admin.args`)
PLAN_FILE = "import.json"  # what `--finish` needs: counts, fix-ups, the sample of facts
MAX_WRITERS = 4  # processes writing the importer's files; more than the cores only adds copies of the rows


class ImportRefused(Exception):
    """Why the import will not run, and what to do instead."""


@dataclass
class ImportReport:
    nodes: int = 0
    facts: int = 0
    keys: int = 0  # NameKey and FactKey nodes
    bytes_written: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # phase -> wall-clock seconds
    fixed: int = 0  # empty lists set after the import
    checked_facts: int = 0
    peak_rss_mb: float = 0.0
    warnings: list[Problem] = field(default_factory=list)  # allowed, but worth a look (as `seed` says them)


class _Sampling:
    """The importer's files (written here, or by writer processes), plus one fact of each relationship type
    kept to read back after the import, and the time spent writing (the rest of the pass is validation)."""

    def __init__(self, files: ImportFiles | ParallelImportFiles) -> None:
        self.files = files
        self.sample: dict[str, dict[str, Any]] = {}
        self.writing = 0.0

    def nodes(self, records: Any) -> None:
        started = time.perf_counter()
        self.files.nodes(cast(list[NodeRecord], records))
        self.writing += time.perf_counter() - started

    def facts(self, records: Any) -> None:
        started = time.perf_counter()
        self.files.facts(cast(list[FactBase], records))
        for fact in records:
            if fact.type.value not in self.sample:
                self.sample[fact.type.value] = {
                    "id": fact.fact_id, "type": fact.type.value, "from": fact.from_, "to": fact.to,
                    "sources": [citation.source for citation in fact.cites],
                }  # fmt: skip
        self.writing += time.perf_counter() - started

    def close(self) -> ImportInput:
        started = time.perf_counter()
        written = self.files.close()
        self.writing += time.perf_counter() - started
        return written


def write_import_files(
    folder: Path,
    paths: list[Path] | None = None,
    documents: Iterable[ParsedFile] | None = None,
    progress: Callable[[int], None] | None = None,
    writers: int | None = None,
) -> tuple[ImportInput, ImportReport, list[dict[str, Any]]]:
    """Validate the seed files at `paths` (or `documents` already in memory) and write them into `folder` as
    the importer's input; raises SeedValidationError (nothing kept) when any file has a problem. Also
    writes the options file and the plan for `finish_import`. `progress` hears bytes read (or entries).
    `writers`: processes writing the files beside validation (default: one per core; 1: written here)."""
    shutil.rmtree(folder, ignore_errors=True)
    count = writers if writers is not None else min(MAX_WRITERS, os.cpu_count() or 1)
    sink = _Sampling(ParallelImportFiles(folder, count) if count > 1 else ImportFiles(folder))
    report = ImportReport()
    started = time.perf_counter()
    try:
        with paused_gc():
            if documents is not None:
                seed = validate_documents(documents, sink=sink, progress=progress)
            else:
                seed = read_seed(paths, sink=sink, progress=progress)
            written = sink.close()
    except BaseException:
        sink.files.abort()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    report.seconds["validate"] = time.perf_counter() - started - sink.writing
    report.seconds["write files"] = sink.writing
    sample = [
        {**fact, "fromLabel": seed.labels[fact["from"]].value, "toLabel": seed.labels[fact["to"]].value}
        for fact in sink.sample.values()
    ]
    _save_plan(written, sample)
    report.nodes, report.facts, report.keys = written.node_count, written.fact_count, written.key_count
    report.warnings = seed.warnings
    report.bytes_written = written.bytes_written
    return written, report, sample


def _save_plan(written: ImportInput, sample: list[dict[str, Any]]) -> None:
    (written.folder / ARGS_FILE).write_text("\n".join(written.admin_arguments(relative=True)) + "\n")
    plan = {
        "nodes": written.node_count, "facts": written.fact_count, "keys": written.key_count,
        "fixups": [asdict(fixup) for fixup in written.fixups], "sample": sample,
    }  # fmt: skip
    (written.folder / PLAN_FILE).write_text(json.dumps(plan))


def load_plan(folder: Path) -> tuple[ImportReport, list[Fixup], list[dict[str, Any]]]:
    """What `write_import_files` left in `folder` for finishing the import (e.g. on another machine)."""
    plan = json.loads((folder / PLAN_FILE).read_text())
    report = ImportReport(nodes=plan["nodes"], facts=plan["facts"], keys=plan["keys"])
    return report, [Fixup(**fixup) for fixup in plan["fixups"]], plan["sample"]


async def refuse_unless_empty(driver: Driver, database: str) -> None:
    """The offline importer replaces the whole database: only an empty one (bar bookkeeping) may go."""
    nodes = await nodes_in_use(driver, database)
    if nodes is not None:
        raise ImportRefused(
            f"the database '{database}' is not empty ({nodes:,} nodes): `strikegraph import` only "
            "loads an empty database, since Neo4j's offline importer replaces it whole. Add to this graph with "
            "`strikegraph seed PATHS` (transactional, keeps what is there), or start from an empty database "
            "(for the local one: `make clean-neo4j`, which forgets its data)."
        )


def import_offline(local: LocalNeo4j, written: ImportInput, database: str, phase: Phase | None = None) -> None:
    """Stop the local Neo4j and run the importer on `written`; on failure the database is left empty again.
    The caller starts Neo4j afterwards."""
    local.stop()
    stage = re.compile(r"^\((\d)/(\d)\) (.+?) \d{4}-")
    percent = re.compile(r"^[-.\s]*(\d+)% ")
    current = [0, 4]

    def on_line(line: str) -> None:
        if (matched := stage.match(line)) is not None:
            current[:] = [int(matched[1]) - 1, int(matched[2])]
        elif phase is not None and (matched := percent.match(line)) is not None:
            phase("neo4j-admin import", current[0] * 100 + int(matched[1]), current[1] * 100)

    # The options file `write_import_files` left, as on any other machine (e.g. the Docker import service).
    arguments = ["database", "import", "full", f"@{ARGS_FILE}", "--overwrite-destination=true",
                 f"--report-file={written.folder / 'import.report'}", database]  # fmt: skip
    code, tail = local.admin(arguments, on_line, cwd=written.folder)
    if code != 0:
        for folder in local.store_folders(database):  # a half-written store: Neo4j recreates it empty
            shutil.rmtree(folder, ignore_errors=True)
        detail = next(
            (line for line in reversed(tail) if "rror" in line or "xception" in line), tail[-1] if tail else ""
        )
        raise LauncherError(f"neo4j-admin database import failed (exit {code}): {detail.strip()[:500]}")


async def finish_import(
    settings: Settings,
    report: ImportReport,
    fixups: list[Fixup],
    sample: list[dict[str, Any]],
    phase: Phase | None = None,
) -> ImportReport:
    """Online, after the importer: empty lists, constraints and indexes, then the checks. Raises
    ImportRefused when the graph does not hold what was imported."""
    database = settings.neo4j_database
    driver = create_driver(settings)
    try:
        started = time.perf_counter()
        # Everywhere-fixes first (a label scan each, no index needed); those by id once the indexes exist.
        everywhere = [fixup for fixup in fixups if fixup.ids is None]
        await _fix(driver, database, everywhere, fixups, report, phase)
        report.seconds["empty lists"] = time.perf_counter() - started
        started = time.perf_counter()
        await record_keys_present(driver, database)  # the keys came with the data: nothing to backfill
        schema = asyncio.ensure_future(apply_graph_schema(driver, database))
        while not schema.done():
            await asyncio.sleep(0.5)
            if phase:
                phase("constraints and indexes", *await index_population(driver, database))
        await schema
        report.seconds["constraints and indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        await _fix(driver, database, [fixup for fixup in fixups if fixup.ids is not None], fixups, report, phase)
        report.seconds["empty lists"] += time.perf_counter() - started
        started = time.perf_counter()
        await _check_counts(driver, database, report)
        await new_epoch(driver, database)
        report.checked_facts = await _check_sample(settings, sample)
        report.seconds["check"] = time.perf_counter() - started
    finally:
        await driver.close()
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


async def _fix(
    driver: Driver,
    database: str,
    some: list[Fixup],
    fixups: list[Fixup],
    report: ImportReport,
    phase: Phase | None,
) -> None:
    for fixup in some:
        report.fixed += await set_missing(driver, database, fixup)
        if phase:
            phase("empty lists", fixups.index(fixup) + 1, len(fixups))


async def _check_counts(driver: Driver, database: str, report: ImportReport) -> None:
    """Nodes, facts and key nodes, as counted by Neo4j, against what was written."""
    counted = await stored_counts(driver, database)
    expected = {"nodes": report.nodes, "facts": report.facts, "keys": report.keys}
    if counted != expected:
        raise ImportRefused(f"the imported graph holds {counted}, not the {expected} written")


async def _check_sample(settings: Settings, sample: list[dict[str, Any]]) -> int:
    """Read sampled facts back through the GraphQL API (the app in-process), from each end."""
    from api.web.app import create_app

    # A cold graph plans its first statements slowly: the check allows a minute per request.
    timeout = max(settings.query_timeout_seconds, 60.0)
    checking = settings.model_copy(
        update={"seed_on_start": False, "require_key_for_reads": False, "query_timeout_seconds": timeout}
    )
    app = create_app(checking)
    checked = 0
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://strikegraph.import") as client,
    ):
        for fact in sample:  # one per request: the plans of the few label pairs are then reused
            body = (await client.post("/graphql", json={"query": _sample_query(fact)})).json()
            if body.get("errors"):
                raise ImportRefused(f"reading the fact '{fact['id']}' through the API failed: {body['errors'][0]}")
            checked += _check_fact(fact, body["data"]["start"], body["data"]["end"])
    return checked


_LOOKUP = {kind.label.value: field_name for field_name, kind in LOOKUPS.items()}
_FACT_FIELDS = "factId type version managedBy other { slug } sources { source { slug } }"


def _sample_query(fact: dict[str, Any]) -> str:
    """The fact's relationships of its type from its start (outgoing) and from its end (incoming)."""
    rel = RelType(fact["type"]).value  # an allowed type (and labels below), before it is spelled in
    fields = []
    for end, label, node_id, direction in (("start", fact["fromLabel"], fact["from"], "OUTGOING"),
                                           ("end", fact["toLabel"], fact["to"], "INCOMING")):  # fmt: skip
        page = f"relationships(types: [{rel}], direction: {direction}, history: true, first: 100) {{ {_FACT_FIELDS} }}"
        fields.append(f"{end}: {_LOOKUP[Label(label).value]}(id: {json.dumps(node_id)}) {{ {page} }}")
    return "{ " + " ".join(fields) + " }"


def _check_fact(fact: dict[str, Any], start: dict[str, Any], end: dict[str, Any]) -> int:
    """1 when the fact reads back as written, 0 when neither end lists it on the first page (both ends have
    over a page of such facts); raises when it is missing or differs."""
    seen = [(relationship, other) for node, other in ((start, fact["to"]), (end, fact["from"]))
            for relationship in node["relationships"] if relationship["factId"] == fact["id"]]  # fmt: skip
    if not seen:
        if all(len(node["relationships"]) == 100 for node in (start, end)):
            return 0
        raise ImportRefused(f"the fact '{fact['id']}' is not in the imported graph")
    relationship, other = seen[0]
    cited = [citation["source"]["slug"] for citation in relationship["sources"]]
    read = (relationship["type"], relationship["other"]["slug"], relationship["version"],
            relationship["managedBy"], cited)  # fmt: skip
    if read != (fact["type"], other, 1, "seed", fact["sources"]):
        raise ImportRefused(f"the fact '{fact['id']}' reads back as {read}")
    return 1
