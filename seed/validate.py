"""Turns seed files into validated records, or into every problem they have at once (file:line: field).

One set of checks (seed/checks.py) serves `seed` and `import`: `read_seed` keeps the records for the
transactional loader, or hands them to a sink as they come (the importer's CSV writer)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from seed.checks import Checks, Progress
from seed.evidence import unverified_warning
from seed.problems import Problem, SeedValidationError
from seed.seed_set import Located, Places, RecordSink, SeedSet
from seed.yaml_reader import ParsedFile, paused_gc, read_yaml

__all__ = ["Located", "Places", "RecordSink", "SeedSet", "read_seed", "seed_files", "validate_documents"]

DEFAULT_SEED_DIR = Path(__file__).resolve().parent / "data"


def seed_files(paths: list[Path] | None) -> list[Path]:
    """The YAML files named, with folders expanded (sorted); the curated seed when none are named."""
    files: list[Path] = []
    for path in paths or [DEFAULT_SEED_DIR]:
        if path.is_dir():
            files += sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            files.append(path)
    return files


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_seed(
    paths: list[Path] | None = None, *, sink: RecordSink | None = None, progress: Progress | None = None
) -> SeedSet:
    """Validate every file before anything touches the graph; raise SeedValidationError with all problems.

    Files are read one at a time as validation reaches them; `progress` hears the bytes of each file read."""
    problems: list[Problem] = []

    def documents() -> Iterable[ParsedFile]:
        for path in seed_files(paths):
            display = display_name(path)
            if not path.exists():
                problems.append(Problem(display, 0, "", "no such file"))
                continue
            parsed, file_problems = read_yaml(path, display)
            problems.extend(file_problems)
            if progress:
                progress(path.stat().st_size)
            if parsed is not None:
                yield parsed

    return validate_documents(documents(), problems, sink=sink)


def validate_documents(
    documents: Iterable[ParsedFile],
    problems: list[Problem] | None = None,
    *,
    sink: RecordSink | None = None,
    progress: Progress | None = None,
) -> SeedSet:
    """The checks behind `read_seed`, for documents read lazily or already in memory (benchmark data);
    `progress` hears the number of entries checked. Raises SeedValidationError with every problem."""
    checks = Checks(sink, progress)
    with paused_gc():
        for parsed in documents:
            checks.document(parsed)
        found = [*(problems or []), *checks.problems, *checks.pending_problems()]
    if found:
        raise SeedValidationError(found)
    seed = checks.seed
    unverified = [where.problem(message=unverified_warning(node_id)) for where, node_id in checks.unverified]
    seed.warnings = sorted([*unverified, *checks.warnings])
    return seed
