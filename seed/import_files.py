"""Writes validated seed records as the input of Neo4j's offline importer (`neo4j-admin database import
full`): CSV files per label and relationship type, each with a typed header.

Every property comes from the rows the transactional loader writes (`node_rows`, `fact_rows`, their
content hashes, `created_bookkeeping`, the key nodes of `schema/keys.py`), and each column's type from
the Python values in it, so the imported graph is the graph `seed` builds, property types included, and
follows the model as it grows. What CSV cannot say is said otherwise:

- a list of one empty text (`quotes: [""]`, a citation without a quote) is written as `\\x01`, which the
  importer's `--trim-strings` turns back into `""`; so every other text must survive trimming, which
  is checked (validated texts are stripped already);
- an empty list (`aliases: []`) cannot be written at all (the importer drops empty arrays): it is
  listed in `ImportInput.fixups`, set after the import by one Cypher statement per label and property.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import io
import multiprocessing
import pickle
import queue
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from schema.graph_model import ENTITY
from schema.keys import FACT_KEY, NAME_KEY, fact_key_node, name_key_node
from schema.records import FactBase, NodeRecord
from seed.loader import created_bookkeeping, fact_rows, node_rows

FIELD_DELIMITER = "\x1e"  # record separator: never in validated text (and quoted if it were)
ARRAY_DELIMITER = "\x03"  # not whitespace to the importer's trimming, so an empty last item survives
ONE_EMPTY_TEXT = "\x01"  # [""]: trimmed by the importer to one empty item

# Python value -> the importer's column type (booleans before ints: a bool is an int).
_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "long"),
    (float, "double"),
    (str, "string"),
    (dt.datetime, "datetime"),
    (dt.date, "date"),
)
# A text the importer would trim, i.e. starting or ending (a field, or a list item) with a character it trims:
# looked for over a whole block of lines at once, by plain substring searches (a line break ends a value only
# inside quotes, a quoted value starts and ends with a quote); a block where one is found is looked at value
# by value.
_SPACE_EDGES = (
    *(edge for sep in ("\x1e", "\x03", "\n") for edge in (sep + " ", sep + '" ', " " + sep, ' "' + sep)),
    *('\x1e"\n', '\n"\x1e', '\n"\n', "\x03\n", "\n\x03"),
)
_OTHER_TRIMMED = re.compile("[\x00\x02\x04-\x09\x0b-\x1d\x1f]")  # control characters, bar our separators


class ImportFilesError(ValueError):
    """A validated value that the importer's CSV cannot carry unchanged (a control character at the edge of a
    text, or a list item holding the list delimiter)."""


@dataclass(frozen=True)
class Fixup:
    """A property that must be set after the import: `value` on every node of `label` (or relationship of
    `type`) that lacks it, or only on those in `ids` when some must stay without it."""

    label: str | None
    rel_type: str | None
    property: str
    value: list[Any]
    ids: list[str] | None = None


@dataclass
class ImportInput:
    """The files written, what neo4j-admin is told about them, and what is left to do after it."""

    folder: Path
    nodes: list[tuple[str, list[Path]]] = field(default_factory=list)  # (labels "A:B", [header, data])
    relationships: list[tuple[str, list[Path]]] = field(default_factory=list)  # (type, [header, data])
    multiline: list[Path] = field(default_factory=list)  # data files with a line break inside a value
    fixups: list[Fixup] = field(default_factory=list)
    node_count: int = 0  # the seed's nodes (not counting key nodes)
    fact_count: int = 0
    key_count: int = 0  # NameKey and FactKey nodes
    bytes_written: int = 0

    def admin_arguments(self, relative: bool = False) -> list[str]:
        """`neo4j-admin database import full` options for these files (database name and destination
        handling left to the caller); paths relative to `folder` when `relative` (for another machine)."""

        def path(file: Path) -> str:
            return str(file.relative_to(self.folder)) if relative else str(file)

        arguments = [
            f"--delimiter=U+{ord(FIELD_DELIMITER):04X}",
            f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
            "--trim-strings=true",
            "--ignore-empty-strings=false",
            "--id-type=string",
            "--bad-tolerance=0",
            "--skip-bad-relationships=false",
            "--skip-duplicate-nodes=false",
        ]
        if self.multiline:
            arguments += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(map(path, self.multiline))]
        arguments += [f"--nodes={labels}={','.join(map(path, files))}" for labels, files in self.nodes]
        arguments += [f"--relationships={rel}={','.join(map(path, files))}" for rel, files in self.relationships]
        return arguments


class _Table:
    """One CSV file of nodes with the same labels (or relationships of one type) and the same properties;
    its header is written last, once every value has said its type."""

    def __init__(
        self,
        folder: Path,
        file_name: str,
        key: tuple[str, str, tuple[str, ...]],
        id_columns: tuple[str, ...],
        id_property: str | None,
    ) -> None:
        self.data_path = folder / f"{file_name}.csv"
        self.key = key  # (kind, labels or type, columns)
        columns = key[2]
        self.columns = columns
        self.id_columns = id_columns  # relationship ends (":START_ID", ":END_ID"), ahead of the properties
        self.id_property = id_property  # the property that is also the node's import id
        self.types: list[str | None] = [None] * len(columns)
        self.unknown = list(range(len(columns)))  # columns whose type no value has said yet
        self.convert: list[int] = []  # columns whose values need formatting (lists, booleans, date-times)
        self.converting: set[int] = set()  # the same, to look up
        self.empty_lists: list[list[str]] = [[] for _ in columns]  # ids of rows with [] in each column
        self.nulls = [0] * len(columns)
        self.rows = 0
        self.markers = 0  # ONE_EMPTY_TEXT cells in the block being written
        self.multiline = False
        self.file: TextIO = self.data_path.open("w", encoding="utf-8", newline="")

    def learn(self, values: list[Any]) -> None:
        """Type the columns that this row is the first to give a value for. Called for every row while a
        column has had no value (a property most rows lack), so a missing value is the quick path."""
        still_unknown = []
        converting = self.converting
        for index in self.unknown:
            value = values[index]
            if value is None:
                if index not in converting:
                    self.nulls[index] += 1
                still_unknown.append(index)
                continue
            if isinstance(value, list):
                if index not in converting:  # from now on its values are formatted (and counted) by `_cell`
                    converting.add(index)
                    self.convert.append(index)
                if not value:
                    still_unknown.append(index)
                    continue
                column_type = _type_of(value[0]) + "[]"
            else:
                column_type = _type_of(value)
            self.types[index] = column_type
            if column_type in {"boolean", "datetime"} and index not in converting:
                converting.add(index)
                self.convert.append(index)
        self.unknown = still_unknown

    def part(self) -> TablePart:
        self.file.close()
        return TablePart(self.key, self.id_columns, self.id_property, self.types, self.empty_lists, self.nulls,
                         self.rows, self.multiline, self.data_path)  # fmt: skip


@dataclass
class TablePart:
    """One table as one writer left it (its data file closed): what the header, the importer's options and the
    fix-ups need. Writers working on parts of one archive each leave their own; `assemble` joins them."""

    key: tuple[str, str, tuple[str, ...]]  # (kind: "nodes" or "relationships", labels or type, columns)
    id_columns: tuple[str, ...]
    id_property: str | None
    types: list[str | None]
    empty_lists: list[list[str]]
    nulls: list[int]
    rows: int
    multiline: bool
    data_path: Path

    def header(self) -> str:
        named = [
            f"{column}:ID" if column == self.id_property else f"{column}:{column_type or 'string'}"
            for column, column_type in zip(self.key[2], self.types, strict=True)
        ]
        return FIELD_DELIMITER.join([*self.id_columns, *named]) + "\n"

    def join(self, other: TablePart) -> None:
        """Another writer's part of the same table (its rows are in its own data file)."""
        self.types = [mine or theirs for mine, theirs in zip(self.types, other.types, strict=True)]
        self.empty_lists = [mine + theirs for mine, theirs in zip(self.empty_lists, other.empty_lists, strict=True)]
        self.nulls = [mine + theirs for mine, theirs in zip(self.nulls, other.nulls, strict=True)]
        self.rows += other.rows


@dataclass
class Parts:
    """What one writer wrote."""

    tables: list[TablePart]
    node_count: int
    fact_count: int
    bytes_written: int
    writer: str = ""  # its files' prefix


class ImportFiles:
    """A `RecordSink` (seed/validate.py) writing what it is given into `folder`; `close()` finishes the files."""

    def __init__(self, folder: Path, at: dt.datetime | None = None, prefix: str = "") -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.at = at or dt.datetime.now(dt.UTC)  # one time for the whole import, as a transaction's datetime()
        self.prefix = prefix  # of its file names, when several writers share the folder
        self.tables: dict[tuple[str, str, tuple[str, ...]], _Table] = {}
        self.input = ImportInput(folder)

    # -- RecordSink -------------------------------------------------------------------------------------

    def nodes(self, records: Sequence[NodeRecord]) -> None:
        lines: dict[_Table, list[tuple[str, list[Any]]]] = {}
        for record, row in zip(records, node_rows(records), strict=True):
            labels = f"{ENTITY}:{record.label.value}"
            properties = {**row["props"], **created_bookkeeping(row["hash"], self.at)}
            self._add(lines, "nodes", labels, (), row["id"], [], properties, id_property="id")
            for key in row["keys"]:
                self._add(lines, "nodes", NAME_KEY, (), row["id"], [], name_key_node(key, row["id"]))
        self.input.node_count += len(records)
        self._write(lines)

    def facts(self, records: Sequence[FactBase]) -> None:
        lines: dict[_Table, list[tuple[str, list[Any]]]] = {}
        for row in fact_rows(records):
            properties = {**row["props"], **created_bookkeeping(row["hash"], self.at)}
            ends = [row["from"], row["to"]]
            self._add(lines, "relationships", row["type"], (":START_ID", ":END_ID"), row["id"], ends, properties)
            self._add(lines, "nodes", FACT_KEY, (), row["id"], [],
                      fact_key_node(row["id"], row["type"], row["from"], row["to"]))  # fmt: skip
        self.input.fact_count += len(records)
        self._write(lines)

    # -- writing ----------------------------------------------------------------------------------------

    def _add(
        self,
        lines: dict[_Table, list[tuple[str, list[Any]]]],
        kind: str,
        name: str,
        id_columns: tuple[str, ...],
        row_id: str,
        ids: list[str],
        properties: dict[str, Any],
        id_property: str | None = None,
    ) -> None:
        key = (kind, name, tuple(properties))
        table = self.tables.get(key)
        if table is None:
            file_name = f"{self.prefix}{kind}-{name.replace(':', '-')}-{len(self.tables)}"
            table = _Table(self.folder, file_name, key, id_columns, id_property)
            self.tables[key] = table
        values = list(properties.values())
        if table.unknown:
            table.learn(values)
        for index in table.convert:
            values[index] = self._cell(table, index, row_id, values[index])
        if "" in values:  # CSV writes "" as nothing, which the importer reads as no property
            raise ImportFilesError(f"{row_id}: {table.columns[values.index('')]} is an empty text")
        lines.setdefault(table, []).append((row_id, [*ids, *values]))

    def _cell(self, table: _Table, index: int, row_id: str, value: Any) -> Any:
        if value is None:
            table.nulls[index] += 1
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dt.datetime):
            return _datetime_text(value)
        if not isinstance(value, list):
            return value
        if not value:
            table.empty_lists[index].append(row_id)
            return None
        if value == [""]:
            table.markers += 1
            return ONE_EMPTY_TEXT
        items = [item if isinstance(item, str) else self._cell(table, index, row_id, item) for item in value]
        text = ARRAY_DELIMITER.join(map(str, items))
        if text.count(ARRAY_DELIMITER) != len(items) - 1:
            raise ImportFilesError(f"{row_id}: {table.columns[index]}: a list item holds the character U+0003")
        return text

    def _write(self, lines: dict[_Table, list[tuple[str, list[Any]]]]) -> None:
        for table, rows in lines.items():
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=FIELD_DELIMITER, lineterminator="\n").writerows(row for _, row in rows)
            text = buffer.getvalue()
            if text.count("\n") != len(rows):
                table.multiline = True
            if _may_be_trimmed(text) or text.count(ONE_EMPTY_TEXT) != table.markers:
                _check_one_by_one(table, rows)
            table.markers = 0
            table.file.write(text)
            table.rows += len(rows)
            self.input.bytes_written += len(text)

    def parts(self) -> Parts:
        """Every data file closed, and what was written."""
        tables = [table.part() for table in self.tables.values()]
        written = self.input
        return Parts(tables, written.node_count, written.fact_count, written.bytes_written, self.prefix)

    def close(self) -> ImportInput:
        """Finish every file: headers, what neo4j-admin is told, and the fix-ups for empty lists."""
        return assemble(self.folder, [self.parts()])

    def abort(self) -> None:
        for table in self.tables.values():
            table.file.close()


def assemble(folder: Path, writers: Sequence[Parts]) -> ImportInput:
    """The writers' parts as one import: a header per table (every writer's types), its data files, what
    neo4j-admin is told about them, and the fix-ups for empty lists."""
    result = ImportInput(folder)
    tables: dict[tuple[str, str, tuple[str, ...]], tuple[TablePart, list[Path]]] = {}
    for parts in writers:
        result.node_count += parts.node_count
        result.fact_count += parts.fact_count
        result.bytes_written += parts.bytes_written
        for part in parts.tables:
            if part.multiline:
                result.multiline.append(part.data_path)
            joined = tables.get(part.key)
            if joined is None:
                tables[part.key] = (part, [part.data_path])
            else:
                joined[0].join(part)
                joined[1].append(part.data_path)
    for (kind, name, _), (table, data_paths) in tables.items():
        header_path = table.data_path.with_name(table.data_path.stem + ".header.csv")
        header_path.write_text(table.header(), encoding="utf-8")
        (result.nodes if kind == "nodes" else result.relationships).append((name, [header_path, *data_paths]))
        if name in {NAME_KEY, FACT_KEY}:
            result.key_count += table.rows
        result.fixups += _fixups(kind, name, table)
    return result


@functools.lru_cache(maxsize=64)  # the import's one time, on every row
def _datetime_text(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _type_of(value: Any) -> str:
    for python_type, column_type in _TYPES:
        if isinstance(value, python_type):
            return column_type
    raise ImportFilesError(f"no importer type for a {type(value).__name__} value")


def _may_be_trimmed(text: str) -> bool:
    return (
        text.startswith((" ", '" ', '"\n'))
        or any(edge in text for edge in _SPACE_EDGES)
        or _OTHER_TRIMMED.search(text) is not None
    )


def _check_one_by_one(table: _Table, rows: list[tuple[str, list[Any]]]) -> None:
    """A block that looked suspicious: find the value the importer would change, if there is one."""
    id_count = len(table.id_columns)
    for row_id, values in rows:
        for index, value in enumerate(values[id_count:]):
            if not isinstance(value, str) or value is ONE_EMPTY_TEXT:
                continue
            is_list = (table.types[index] or "").endswith("[]")
            for item in value.split(ARRAY_DELIMITER) if is_list else [value]:
                if ONE_EMPTY_TEXT in item or (item[:1] or "!") <= " " or (item[-1:] or "!") <= " ":
                    raise ImportFilesError(
                        f"{row_id}: {table.columns[index]}: {item[:40]!r} begins or ends with a character that "
                        "Neo4j's importer would trim: load these files with `strikegraph seed` instead"
                    )


def _fixups(kind: str, name: str, table: TablePart) -> list[Fixup]:
    fixups = []
    for index, ids in enumerate(table.empty_lists):
        if not ids:
            continue
        label, rel_type = (name.split(":")[-1], None) if kind == "nodes" else (None, name)
        everywhere = table.nulls[index] == 0  # every row lacking the property in the import had []
        fixups.append(Fixup(label, rel_type, table.key[2][index], [], None if everywhere else ids))
    return fixups


class ParallelImportFiles:
    """A `RecordSink` handing each chunk of validated records to one of `workers` processes in turn, each
    writing its own files with an `ImportFiles` of its own, so writing the rows (their properties, content
    hashes and CSV) runs on every core beside validation; `close()` joins their parts (`assemble`). A chunk
    waits while its writer has `backlog` chunks queued, so memory stays bounded."""

    def __init__(self, folder: Path, workers: int, at: dt.datetime | None = None, backlog: int = 4) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.at = at or dt.datetime.now(dt.UTC)
        context = multiprocessing.get_context("spawn")  # no copy of this process's threads or sockets
        self.results: multiprocessing.Queue[tuple[str, Any]] = context.Queue()
        self.inboxes: list[multiprocessing.Queue[bytes | None]] = [
            context.Queue(maxsize=backlog) for _ in range(workers)
        ]
        self.processes = [
            context.Process(target=_write_part, args=(folder, f"w{index}-", self.at, inbox, self.results),
                            name=f"strikegraph-import-writer-{index}", daemon=True)
            for index, inbox in enumerate(self.inboxes)
        ]  # fmt: skip
        for process in self.processes:
            process.start()
        self.turn = 0

    def nodes(self, records: Sequence[NodeRecord]) -> None:
        self._send(("nodes", list(records)))

    def facts(self, records: Sequence[FactBase]) -> None:
        self._send(("facts", list(records)))

    def _send(self, message: tuple[str, list[Any]]) -> None:
        inbox = self.inboxes[self.turn % len(self.inboxes)]
        self.turn += 1
        # Pickled here, not in the queue's feeder thread, which would only print an error and drop the chunk.
        pickled = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        while True:
            try:
                inbox.put(pickled, timeout=0.5)
                return
            except queue.Full:
                self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        try:
            kind, value = self.results.get_nowait()
        except queue.Empty:
            if all(process.is_alive() for process in self.processes):
                return
            raise ImportFilesError("a writer process stopped unexpectedly") from None
        self.abort()
        raise ImportFilesError(value if kind == "error" else "a writer finished early")

    def close(self) -> ImportInput:
        for inbox in self.inboxes:
            inbox.put(None)
        parts: list[Parts] = []
        while len(parts) < len(self.processes):
            try:
                kind, value = self.results.get(timeout=1.0)
            except queue.Empty:
                if not all(process.is_alive() or process.exitcode == 0 for process in self.processes):
                    self.abort()
                    raise ImportFilesError("a writer process stopped unexpectedly") from None
                continue
            if kind == "error":
                self.abort()
                raise ImportFilesError(value)
            parts.append(value)
        for process in self.processes:
            process.join()
        return assemble(self.folder, sorted(parts, key=lambda part: part.writer))

    def abort(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(timeout=10)


def _write_part(
    folder: Path,
    prefix: str,
    at: dt.datetime,
    inbox: multiprocessing.Queue[bytes | None],
    results: multiprocessing.Queue[tuple[str, Any]],
) -> None:
    """A writer process: chunks from `inbox` until None, then its parts (or the first error) to `results`."""
    gc.disable()  # as in the validating process (`paused_gc`): millions of short-lived rows, no cycles
    sink = ImportFiles(folder, at, prefix)
    try:
        while (message := inbox.get()) is not None:
            kind, records = pickle.loads(message)
            if kind == "nodes":
                sink.nodes(records)
            else:
                sink.facts(records)
        results.put(("parts", sink.parts()))
    except ImportFilesError as error:
        sink.abort()
        results.put(("error", str(error)))
    except Exception as error:  # reported, with its kind, to the process that validates
        sink.abort()
        results.put(("error", f"writing the importer's files failed: {type(error).__name__}: {error}"))
