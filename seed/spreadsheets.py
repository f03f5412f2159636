"""Spreadsheets as seed files: a CSV in a known layout (seed/lat.py: the Labor Action Tracker's) becomes
one seed document, validated by the same checks as YAML, with every problem at `file:row: column: message`.

A row names employers, unions, places and demands by their names, not by ids: each is reconciled with the
nodes of the seed files read in the same run (by id, name or alias, compared as name keys compare them;
places by ISO code; industries by NAICS code or title), and created when none matches, with an id made from
its name, so that a second run makes the same ids and changes nothing. Each node and fact a row makes cites
the file (one `Source` per file) with a locator, "row 12, column Employer", and the web page the row cites.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schema.names import normalized_name
from seed.problems import Problem
from seed.yaml_reader import MAX_FILE_BYTES, ParsedFile, PathKey

TABLE_SUFFIXES = (".csv",)
MAX_CELL = 10_000  # characters; csv's own limit is 128 KiB


def slugify(text: str, limit: int = 80) -> str:
    """An id from a name: ASCII letters and digits joined by hyphens (a name with none: a hash of it)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")
    return slug or "x-" + hashlib.sha1(text.encode()).hexdigest()[:10]


def header_key(header: str) -> str:
    """A header as layouts compare them: case, spaces and punctuation aside ("Zip code" is "ZIP Code")."""
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


# -- what the other seed files hold ----------------------------------------------------------------------


@dataclass
class Reconciler:
    """The nodes a row may name, by section: from the seed files read in the same run, then those rows
    made, so that a name is one node however many rows give it."""

    ids: dict[str, str] = field(default_factory=dict)  # id -> section
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, name key) -> id
    iso: dict[str, str] = field(default_factory=dict)  # ISO 3166 code -> place id
    codes: dict[str, str] = field(default_factory=dict)  # NAICS code -> industry id
    within: dict[str, str] = field(default_factory=dict)  # place id -> the place it lies in
    kinds: dict[str, str] = field(default_factory=dict)  # place id -> its kind
    facts: set[tuple[str, str, str]] = field(default_factory=set)  # (type, from, to): each made once

    @classmethod
    def of(cls, documents: Iterable[Any]) -> Reconciler:
        known = cls()
        for data in documents:
            if not isinstance(data, dict):
                continue
            for section, entries in data.items():
                for entry in entries if isinstance(entries, list) else ():
                    if isinstance(entry, dict):
                        known.add_entry(section, entry)
        return known

    def add_entry(self, section: str, entry: dict[str, Any]) -> None:
        if section == "facts":
            start, end = entry.get("from"), entry.get("to")
            if isinstance(start, str) and isinstance(end, str):
                self.facts.add((str(entry.get("type")), start, end))
                if entry.get("type") == "LOCATED_IN":
                    self.within.setdefault(start, end)
            return
        node_id = entry.get("id")
        if not isinstance(node_id, str):
            return
        self.ids[node_id] = section
        for name in [entry.get("name"), *(entry.get("aliases") or [])]:
            if isinstance(name, str):
                self.names.setdefault((section, normalized_name(name)), node_id)
        if isinstance(entry.get("iso_code"), str):
            self.iso.setdefault(entry["iso_code"], node_id)
        if section == "places" and isinstance(entry.get("kind"), str):
            self.kinds[node_id] = entry["kind"]
        if section == "industries" and isinstance(entry.get("code"), str):
            self.codes.setdefault(entry["code"], node_id)

    def named(self, section: str, name: str) -> str | None:
        return self.names.get((section, normalized_name(name)))

    def fresh_id(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`...: the first id no node has."""
        candidate, number = base, 1
        while candidate in self.ids:
            number += 1
            candidate = f"{base}-{number}"
        return candidate


# -- a table ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A CSV's rows as cells by header key, with each row's line (rows start on line 2)."""

    display: str
    headers: list[str]  # as written
    rows: list[tuple[int, dict[str, str]]]  # (line, header key -> cell)


def read_csv(path: Path, display: str) -> tuple[Table | None, list[Problem]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(display, 0, "", f"{size:,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes: split it")
        ]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        headers = next(reader, None)
        if not headers:
            return None, [Problem(display, 1, "", "no header row")]
        keys = [header_key(header) for header in headers]
        problems = [
            Problem(display, 1, header, "the same column twice")
            for i, header in enumerate(headers)
            if keys[i] in keys[:i]
        ]
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank row
            if len(cells) != len(headers):
                problems.append(Problem(display, line, "", f"{len(cells)} cells, but {len(headers)} columns"))
                continue
            long = [headers[i] for i, cell in enumerate(cells) if len(cell) > MAX_CELL]
            problems += [Problem(display, line, header, f"over {MAX_CELL:,} characters") for header in long]
            rows.append((line, {key: cell.strip() for key, cell in zip(keys, cells, strict=True)}))
    except csv.Error as error:
        return None, [Problem(display, reader.line_num, "", f"not valid CSV: {error}")]
    return Table(display, headers, rows), problems


@dataclass
class Document:
    """A seed document built from a table: its entries, the row of each (for `file:row`), and the column
    each entry's fields came from (for `column: message`)."""

    display: str
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lines: dict[PathKey, int] = field(default_factory=dict)
    # (section, index) -> the column of each field, or the one column of every field (a str)
    columns: dict[tuple[str, int], dict[str, str] | str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, section: str, entry: dict[str, Any], line: int, columns: dict[str, str] | str) -> None:
        entries = self.data.setdefault(section, [])
        at = (section, len(entries))
        entries.append(entry)
        self.lines[at] = line
        self.columns[at] = columns

    def parsed(self) -> ParsedFile:
        """The document, its facts after its nodes (so that each fact finds the nodes it names)."""
        data = {name: entries for name, entries in self.data.items() if name != "facts"}
        return ParsedFile(self.display, data | {"facts": self.data.get("facts", [])}, self.lines)

    def column_of(self, problem: Problem) -> Problem:
        """A checker's problem about an entry's field, said with the column it came from."""
        found = re.match(r"^(\w+)\[(\d+)\](?:\.(\w+))?", problem.field)
        columns = self.columns.get((found[1], int(found[2]))) if found else None
        if found is None or columns is None:
            return problem
        column = columns if isinstance(columns, str) else columns.get(found[3] or "", "")
        return Problem(problem.file, problem.line, column or problem.field, problem.message)


def cited(sheet: str, line: int, column: str, page: str | None) -> list[dict[str, str]]:
    """A row's citation: the file's row and column, and the page the row cites."""
    cites = [{"source": sheet, "locator": f"row {line}, column {column}"}]
    return cites + ([{"source": page}] if page else [])
