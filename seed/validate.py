"""Turns seed files into validated records, or into every problem they have at once (file:line: field).

One set of checks (seed/checks.py) serves `seed` and `import`: `read_seed` keeps the records for the
transactional loader, or hands them to a sink as they come (the importer's CSV writer)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from seed import bls, lat
from seed.checks import Checks, Progress
from seed.evidence import unverified_warning
from seed.problems import Problem, SeedValidationError
from seed.seed_set import KnownNode, Located, Places, RecordSink, SeedSet
from seed.spreadsheets import TABLE_SUFFIXES, Document, Layout, Reconciler, Table, read_table
from seed.yaml_reader import ParsedFile, paused_gc, read_yaml

__all__ = ["KnownNode", "Located", "Places", "RecordSink", "SeedSet", "read_seed", "seed_files", "validate_documents"]

DEFAULT_SEED_DIR = Path(__file__).resolve().parent / "data"
LAYOUTS: tuple[Layout, ...] = (lat, bls)  # the spreadsheet layouts, tried in turn


def seed_files(paths: list[Path] | None) -> list[Path]:
    """The YAML and spreadsheet files named, with folders expanded (sorted); the curated seed when none are
    named."""
    files: list[Path] = []
    for path in paths or [DEFAULT_SEED_DIR]:
        if path.is_dir():
            files += sorted([*path.glob("*.yaml"), *path.glob("*.yml"), *path.glob("*.csv"), *path.glob("*.xlsx")])
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

    Files are read one at a time as validation reaches them; `progress` hears the bytes of each file read.
    Spreadsheets (seed/spreadsheets.py) come after the YAML files, whose nodes their rows are reconciled with."""
    problems: list[Problem] = []
    files = seed_files(paths)
    tables = [path for path in files if path.suffix.lower() in TABLE_SUFFIXES]
    read: list[object] = []  # the YAML files' data, kept only for spreadsheets to be reconciled with
    built: dict[str, Document] = {}

    def documents() -> Iterable[ParsedFile]:
        for path in files:
            display = display_name(path)
            if not path.exists():
                problems.append(Problem(display, 0, "", "no such file"))
                continue
            if path in tables:
                continue
            parsed, file_problems = read_yaml(path, display)
            problems.extend(file_problems)
            if progress:
                progress(path.stat().st_size)
            if parsed is not None:
                if tables:
                    read.append(parsed.data)
                yield parsed
        known = Reconciler.of(read) if tables else Reconciler()
        for path in tables:
            if path.exists():
                document = _table(path, known, problems)
                if document is not None:
                    built[document.display] = document
                    yield document.parsed()

    try:
        seed = validate_documents(documents(), problems, sink=sink)
    except SeedValidationError as error:  # said with the column a spreadsheet's field came from
        raise SeedValidationError(
            [built[p.file].column_of(p) if p.file in built else p for p in error.problems]
        ) from None
    table_warnings = [warning for document in built.values() for warning in document.warnings]
    seed.warnings = sorted([*seed.warnings, *(built[w.file].column_of(w) if w.file in built else w
                                              for w in table_warnings)])  # fmt: skip
    return seed


def _known_header(display: str, cells: list[str]) -> bool:
    return any(layout.recognises(Table(display, cells, [])) for layout in LAYOUTS)


def _table(path: Path, known: Reconciler, problems: list[Problem]) -> Document | None:
    """A spreadsheet as a seed document, in the layout its headers are recognised as."""
    display = display_name(path)
    table, found = read_table(path, display, lambda cells: _known_header(display, cells))
    problems.extend(found)
    if table is None:
        return None
    layout = next((layout for layout in LAYOUTS if layout.recognises(table)), None)
    if layout is None:
        needs = "; ".join(f"{layout.NAME}: {', '.join(layout.REQUIRED)}" for layout in LAYOUTS)
        problems.append(Problem(display, 1, "", f"its columns match no layout (each needs its columns: {needs})"))
        return None
    document = layout.document(table, known)
    problems.extend(document.problems)
    return document


def validate_documents(
    documents: Iterable[ParsedFile],
    problems: list[Problem] | None = None,
    *,
    sink: RecordSink | None = None,
    progress: Progress | None = None,
    known: Sequence[KnownNode] = (),
) -> SeedSet:
    """The checks behind `read_seed`, for documents read lazily or already in memory (benchmark data);
    `progress` hears the number of entries checked; `known` are nodes that exist beside the documents (the
    graph's). Raises SeedValidationError with every problem."""
    checks = Checks(sink, progress)
    checks.know(known)
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
