"""The bulk-import path of the benchmark: the synthetic archive through `strikegraph import`'s own steps
(validation with the seed's rules while writing neo4j-admin's CSV, the offline import, the restart, the
constraints and indexes, the empty lists, the checks through the API), each timed.

It runs in a process of its own (`python -m bench.import_path SIZE HOME`, JSON on stdout) with a Neo4j of
its own, so its peak memory is its own; the archive is generated first, outside the timings, and the
memory it takes is reported beside the peak. With `--yaml`, the archive is also written as seed files
(16 MB each at most, as the reader allows) and read back from them, to time reading YAML. With
`--writers=N`, N processes write the importer's files (default: one per core; 1: the validating process
itself, as before they existed)."""

from __future__ import annotations

import asyncio
import json
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from api.commands.bulk_import import finish_import, import_offline, write_import_files
from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import PROJECT_ROOT, Settings
from bench.synthetic import SyntheticGraph, generate
from seed.validate import read_seed
from seed.yaml_reader import MAX_FILE_BYTES, ParsedFile, paused_gc

PHASES = ("validate", "write files", "neo4j-admin import", "start", "constraints and indexes", "empty lists", "check")


@dataclass
class ImportResult:
    nodes: int
    facts: int
    seconds: dict[str, float]  # phase -> wall-clock seconds (PHASES)
    csv_mb: float
    archive_mb: float  # RSS once the archive is generated, before the import starts
    peak_rss_mb: float
    checked_facts: int
    fixed: int  # empty lists set after the import
    yaml_files: int = 0
    yaml_mb: float = 0.0
    yaml_read_seconds: float | None = None  # reading and validating the same archive from YAML files
    notes: list[str] = field(default_factory=list)

    @property
    def validation_seconds(self) -> float:
        return self.seconds["validate"]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.get(phase, 0.0) for phase in PHASES)

    @property
    def nodes_per_second(self) -> float:
        return self.nodes / self.total_seconds

    @property
    def facts_per_second(self) -> float:
        return self.facts / self.total_seconds


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, home: Path, read_yaml_files: bool = False, writers: int | None = None) -> ImportResult:
    """Import a `size`-node synthetic archive into a fresh Neo4j at `home`, phase by phase."""
    graph = generate(size)
    archive_mb = _rss_mb()
    local = LocalNeo4j(cache_dir=PROJECT_ROOT / ".neo4j", home=home, port=free_port(), heap="2g", pagecache="2g")
    local.stop()
    shutil.rmtree(home, ignore_errors=True)
    running = local.start()  # a fresh instance: its folders and password (untimed); the import stops it
    local.stop()
    settings = Settings(_env_file=None, seed_on_start=False, api_keys_file=None)  # type: ignore[call-arg]
    folder = home / "import" / "strikegraph"
    documents = [ParsedFile(f"synthetic-{size}", graph.document)]
    written, report, sample = write_import_files(folder, documents=documents, writers=writers)
    started = time.perf_counter()
    import_offline(local, written, settings.neo4j_database)
    report.seconds["neo4j-admin import"] = time.perf_counter() - started
    started = time.perf_counter()
    running = local.start(timeout=600)
    report.seconds["start"] = time.perf_counter() - started
    connected = settings.with_neo4j(running.uri, running.user, running.password)
    try:
        report = asyncio.run(finish_import(connected, report, written.fixups, sample))
    finally:
        local.stop()
    result = ImportResult(
        graph.nodes, graph.facts, {phase: report.seconds[phase] for phase in PHASES}, written.bytes_written / 1e6,
        archive_mb, _rss_mb(), report.checked_facts, report.fixed,
    )  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    if read_yaml_files:
        _time_yaml(graph, home / "yaml", result)
    shutil.rmtree(home, ignore_errors=True)
    return result


def _time_yaml(graph: SyntheticGraph, folder: Path, result: ImportResult) -> None:
    """Write the archive as seed files, then time reading and validating them as `import` does."""
    folder.mkdir(parents=True, exist_ok=True)
    files = write_yaml_archive(graph, folder)
    result.yaml_files = len(files)
    result.yaml_mb = sum(path.stat().st_size for path in files) / 1e6
    started = time.perf_counter()
    with paused_gc():
        read_seed([folder])
    result.yaml_read_seconds = time.perf_counter() - started


def write_yaml_archive(graph: SyntheticGraph, folder: Path, entries_per_file: int = 25_000) -> list[Path]:
    """The archive as seed files, each well under the reader's size limit; one entry a line, in YAML's
    flow style (JSON is YAML), which is quick to write."""
    files = []
    for section, items in graph.document.items():
        for start in range(0, len(items), entries_per_file):
            path = folder / f"{section}-{start // entries_per_file:04d}.yaml"
            lines = [
                f"{section}:\n",
                *(f"  - {json.dumps(item)}\n" for item in items[start : start + entries_per_file]),
            ]
            path.write_text("".join(lines))
            assert path.stat().st_size < MAX_FILE_BYTES, path
            files.append(path)
    return files


def run_in_subprocess(size: int, home: Path, read_yaml_files: bool = False) -> ImportResult:
    """`measure` in a fresh Python process (its memory is the import's own), its result read back."""
    command = [
        sys.executable,
        "-m",
        "bench.import_path",
        str(size),
        str(home),
        *(["--yaml"] if read_yaml_files else []),
    ]
    output = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise RuntimeError(f"the import bench failed: {output.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return ImportResult(**data)


def main() -> None:
    size, home = int(sys.argv[1]), Path(sys.argv[2])
    writers = next((int(arg.split("=", 1)[1]) for arg in sys.argv if arg.startswith("--writers=")), None)
    result = measure(size, home, read_yaml_files="--yaml" in sys.argv, writers=writers)
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
