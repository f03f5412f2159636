"""`strikegraph import`: Neo4j's offline importer gives exactly the graph `seed` gives (every node with its
labels and properties, every fact with its type and properties, value types included), after which `seed`
changes nothing; a database that is not empty is refused, and a bad file is refused with file:line before
anything is written.

The import stops and starts its Neo4j, so it has one of its own (started once for this module, on a free
port, beside the session's); the seed side is the session's Neo4j."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from neo4j import AsyncDriver
from rich.console import Console

from api.commands.bulk_import import ARGS_FILE
from api.commands.import_command import run_import
from api.database.graph import apply_graph_schema, create_driver
from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import PROJECT_ROOT, Settings
from seed.loader import load_seed
from seed.validate import read_seed
from tests.conftest import SEED_DIR
from tests.test_seed import GOOD, write

TIMESTAMPS = {"createdAt", "updatedAt"}  # the time of each load: only their type is compared


@pytest.fixture(scope="module")
def import_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for a Neo4j of this module's own, empty and running."""
    home = tmp_path_factory.mktemp("import-neo4j")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, neo4j_cache_dir=PROJECT_ROOT / ".neo4j", local_neo4j_home=home, local_neo4j_port=free_port(),
        local_neo4j_heap="512m", local_neo4j_pagecache="128m", seed_on_start=False, api_keys_file=None,
    )  # fmt: skip
    local = LocalNeo4j.from_settings(settings)
    local.start()
    yield settings
    local.stop()


def importing(settings: Settings, paths: list[Path] | None) -> tuple[int, str]:
    """The command, as `strikegraph import PATHS` runs it (with its own event loop: call from a thread)."""
    output = io.StringIO()
    code = run_import(settings, paths, Console(file=output, width=200))
    return code, " ".join(output.getvalue().split())  # as one line: rich wraps long messages


@pytest.fixture
async def import_driver(import_neo4j: Settings) -> AsyncIterator[AsyncDriver]:
    running = LocalNeo4j.from_settings(import_neo4j).connection()
    assert running is not None, "the import leaves its Neo4j running, as it found it"
    driver = create_driver(import_neo4j.with_neo4j(running.uri, running.user, running.password))
    yield driver
    await driver.close()


async def canonical_export(driver: AsyncDriver) -> tuple[list[Any], list[Any]]:
    """Every node (labels, properties, each property's type) and every relationship (type, ends, properties,
    types), in a stable order; load times, and the trail's epoch (a random id per load), by type only."""
    properties = "[key IN keys({v}) | [key, valueType({v}[key]), CASE WHEN key IN $times THEN null ELSE {v}[key] END]]"
    nodes, _, _ = await driver.execute_query(
        f"MATCH (n) RETURN labels(n) AS labels, {properties.format(v='n')} AS props", times=[*TIMESTAMPS, "epoch"]
    )
    facts, _, _ = await driver.execute_query(
        f"MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start, b.id AS end, {properties.format(v='r')} AS props",
        times=list(TIMESTAMPS),
    )

    node_rows = [repr((sorted(record["labels"]), sorted(record["props"]))) for record in nodes]
    fact_rows = [repr((record["type"], record["start"], record["end"], sorted(record["props"]))) for record in facts]
    return sorted(node_rows), sorted(fact_rows)


def test_a_remote_server_is_refused_with_the_offline_requirement() -> None:
    settings = Settings(_env_file=None, neo4j_uri="bolt://graph.example.org:7687")  # type: ignore[call-arg]
    code, output = importing(settings, None)
    assert code == 2
    assert "offline" in output and "--write-files" in output and "--finish" in output


async def test_a_bad_file_is_refused_with_file_and_line_before_anything_is_written(
    import_neo4j: Settings, import_driver: AsyncDriver, tmp_path: Path
) -> None:
    write(tmp_path, "bad.yaml", GOOD.replace("to: producers", "to: producer"))
    before = await canonical_export(import_driver)
    code, output = await asyncio.to_thread(importing, import_neo4j, [tmp_path])
    assert code == 1
    assert "bad.yaml:22: facts[1].to: unknown id 'producer' (did you mean 'producers'?)" in output
    assert "nothing was written" in output
    assert await canonical_export(import_driver) == before == ([], [])
    assert not (import_neo4j.local_neo4j_home / "import" / "strikegraph").exists()


@pytest.fixture(scope="module")
def imported(import_neo4j: Settings) -> tuple[int, str]:
    """The curated seed, imported once into this module's (empty) Neo4j."""
    return importing(import_neo4j, [SEED_DIR])


async def test_import_gives_exactly_the_graph_seed_gives(
    imported: tuple[int, str], import_driver: AsyncDriver, seeded: AsyncDriver
) -> None:
    code, output = imported
    assert code == 0, output
    await apply_graph_schema(seeded, "neo4j")  # as on any start: the graph's bookkeeping marker too
    seed_nodes, seed_facts = await canonical_export(seeded)
    import_nodes, import_facts = await canonical_export(import_driver)
    curated = read_seed()
    assert len(seed_facts) == len(curated.facts) and len(import_facts) == len(curated.facts)
    assert import_facts == seed_facts
    assert import_nodes == seed_nodes


async def test_import_checks_counts_and_reads_sampled_facts_back_through_the_api(
    imported: tuple[int, str],
) -> None:
    code, output = imported
    assert code == 0, output
    curated = read_seed()
    types = {fact.type for fact in curated.facts.values()}
    assert f"{len(curated.nodes)} nodes, {len(curated.facts)} facts" in output
    assert f"{len(types)} sampled facts read back through the API" in output
    for phase in ("validate", "write files", "neo4j-admin import", "constraints and indexes", "empty lists", "check"):
        assert phase in output


async def test_seed_after_import_changes_nothing(imported: tuple[int, str], import_driver: AsyncDriver) -> None:
    assert imported[0] == 0, imported[1]
    before = await canonical_export(import_driver)
    summary = await load_seed(import_driver, "neo4j", read_seed())
    assert summary.changes == 0
    assert summary.nodes["unchanged"] == len(read_seed().nodes) and summary.facts["unchanged"] == len(read_seed().facts)
    assert await canonical_export(import_driver) == before


async def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(
    imported: tuple[int, str], import_neo4j: Settings, import_driver: AsyncDriver
) -> None:
    assert imported[0] == 0, imported[1]
    before = await canonical_export(import_driver)
    code, output = await asyncio.to_thread(importing, import_neo4j, [SEED_DIR])
    assert code == 1
    assert "is not empty" in output and "strikegraph seed" in output
    assert await canonical_export(import_driver) == before


def test_the_docker_import_profile_runs_the_three_steps_on_one_volume() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    files, store, finish = services["import-files"], services["import-store"], services["import-finish"]
    assert all(service["profiles"] == ["import"] for service in (files, store, finish))
    folder = files["command"][files["command"].index("--write-files") + 1]
    assert files["command"][:3] == ["strikegraph", "import", "--write-files"]
    assert finish["command"] == ["strikegraph", "import", "--finish", folder]
    assert store["image"] == services["neo4j"]["image"] and store["working_dir"] == folder
    assert store["command"][:5] == ["neo4j-admin", "database", "import", "full", f"@{ARGS_FILE}"]
    volume = f"import-files:{folder}"
    assert all(volume in service["volumes"] for service in (files, store, finish))
    assert "neo4j-data:/data" in store["volumes"] and "neo4j-data:/data" in services["neo4j"]["volumes"]


def _rows_by_header(folder: Path, arguments: list[str]) -> dict[str, list[str]]:
    """Each group of the importer's options as its header and every data line of its files, sorted (the load
    time, which each run takes anew, left out)."""
    groups = {}
    for argument in arguments:
        if argument.startswith(("--nodes=", "--relationships=")):
            name, _, files = argument.partition("=")[2].partition("=")
            header, *data = [folder / file for file in files.split(",")]
            text = "".join(path.read_text(encoding="utf-8") for path in data)
            lines = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "(load time)", text).splitlines()
            groups[name + " " + header.read_text(encoding="utf-8").strip()] = sorted(lines)
    return groups


def test_writer_processes_write_what_one_process_writes(tmp_path: Path) -> None:
    from api.commands.bulk_import import write_import_files

    alone, report_alone, _ = write_import_files(tmp_path / "one", [SEED_DIR], writers=1)
    shared, report_shared, _ = write_import_files(tmp_path / "two", [SEED_DIR], writers=2)
    assert (
        _rows_by_header(tmp_path / "one", alone.admin_arguments(relative=True))
        == _rows_by_header(tmp_path / "two", shared.admin_arguments(relative=True))
        != {}
    )
    assert (report_alone.nodes, report_alone.facts, report_alone.keys) == (
        report_shared.nodes, report_shared.facts, report_shared.keys
    )  # fmt: skip
    assert sorted(map(repr, alone.fixups)) == sorted(map(repr, shared.fixups))
    assert any(len(files) > 2 for _, files in shared.nodes)  # a table written by both, one header


def test_a_writer_that_fails_is_reported_by_the_process_that_validates(tmp_path: Path) -> None:
    from seed.import_files import ImportFilesError, ParallelImportFiles

    files = ParallelImportFiles(tmp_path / "out", workers=2)
    files.nodes(["not a record"])  # type: ignore[list-item]
    with pytest.raises(ImportFilesError, match="writing the importer's files failed: AttributeError"):
        files.close()
    assert not any(process.is_alive() for process in files.processes)
