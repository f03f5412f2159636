"""Spreadsheets as seed files: a CSV or an XLSX workbook in a known layout (seed/lat.py, the Labor Action
Tracker's; seed/bls.py, the BLS's) becomes one seed document, validated by the same checks as YAML, with
every problem at `file:row: column: message`.

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
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import openpyxl

from schema.names import normalized_name
from seed.problems import Problem
from seed.us_states import US_STATES
from seed.yaml_reader import MAX_FILE_BYTES, ParsedFile, PathKey

TABLE_SUFFIXES = (".csv", ".xlsx")
MAX_CELL = 10_000  # characters; csv's own limit is 128 KiB
MAX_ROWS = 1_000_000  # of a workbook's sheet: its file is compressed, so its size alone does not bound it
MAX_COLUMNS = 200


def slugify(text: str, limit: int = 80) -> str:
    """An id from a name: ASCII letters and digits joined by hyphens (a name with none: a hash of it)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")
    return slug or "x-" + hashlib.sha1(text.encode()).hexdigest()[:10]


def header_key(header: str) -> str:
    """A header as layouts compare them: case, spaces and punctuation aside ("Zip code" is "ZIP Code")."""
    return re.sub(r"[^a-z0-9]+", " ", header.lower()).strip()


class Layout(Protocol):
    """A spreadsheet layout, one module each (seed/lat.py, seed/bls.py): its columns, how a table is
    recognised as one and read as a seed document, and how a stoppage is written back as a row."""

    NAME: str
    COLUMNS: tuple[str, ...]
    REQUIRED: tuple[str, ...]

    def recognises(self, table: Table) -> bool: ...

    def document(self, table: Table, known: Reconciler) -> Document: ...

    def cells_of(self, stoppage: dict[str, Any]) -> dict[str, str]: ...


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
            code = entry["code"]
            self.codes.setdefault(code, node_id)
            span = re.fullmatch(r"(\d\d)-(\d\d)", code)
            for sector in range(int(span[1]), int(span[2]) + 1) if span else ():  # "31-33" takes in 31, 32, 33
                self.codes.setdefault(str(sector), node_id)

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


def read_table(path: Path, display: str, is_header: Callable[[list[str]], bool]) -> tuple[Table | None, list[Problem]]:
    """A CSV, or the first sheet of an XLSX workbook, as a table."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path, display, is_header)
    return read_csv(path, display)


def read_xlsx(path: Path, display: str, is_header: Callable[[list[str]], bool]) -> tuple[Table | None, list[Problem]]:
    """The first sheet of a workbook (openpyxl, streaming): its header is the first row `is_header` knows,
    below any title rows; its rows run to the first blank row after them, where notes may follow.
    Dates are read as days, whole numbers as digits."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(display, 0, "", f"{size:,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes: split it")
        ]
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        return None, [Problem(display, 0, "", f"not an XLSX workbook: {error}")]
    problems: list[Problem] = []
    headers: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if number > MAX_ROWS or len(values) > MAX_COLUMNS:
                problems.append(Problem(display, number, "", f"over {MAX_ROWS:,} rows or {MAX_COLUMNS} columns"))
                break
            cells = [_cell_text(value) for value in values]
            if headers is None:
                if is_header(cells):
                    headers = cells[: max(i + 1 for i, cell in enumerate(cells) if cell)]
                continue
            if not any(cells):
                if rows:
                    break  # the table ends; notes may follow
                continue
            extra = [i for i, cell in enumerate(cells) if cell and i >= len(headers)]
            if extra:
                problems.append(Problem(display, number, "", f"a value beyond the table's {len(headers)} columns"))
                continue
            long = [headers[i] for i, cell in enumerate(cells) if len(cell) > MAX_CELL]
            problems += [Problem(display, number, header, f"over {MAX_CELL:,} characters") for header in long]
            padded = cells + [""] * (len(headers) - len(cells))
            rows.append((number, {header_key(h): c for h, c in zip(headers, padded, strict=False)}))
    finally:
        workbook.close()
    if headers is None:
        return None, [*problems, Problem(display, 1, "", "no row of its first sheet is the header of a known layout")]
    return Table(display, headers, rows), problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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


_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY = ("united-states", "United States", "US")


@dataclass
class Rows:
    """What every layout's rows share: problems at a row and column, cells read as days and numbers, and
    the nodes and facts a row names, reconciled with `known` or made once with an id from their name."""

    built: Document
    known: Reconciler
    sheet: str
    stoppages: dict[str, int] = field(default_factory=dict)  # id -> the row that made it

    def row(self, line: int, cell: dict[str, str]) -> None:
        """One row's entries, or its problems (each layout's own)."""
        raise NotImplementedError

    def problem(self, line: int, column: str, message: str) -> None:
        self.built.problems.append(Problem(self.built.display, line, column, message))

    # -- cells -----------------------------------------------------------------------------------------------

    def day(self, line: int, text: str, column: str) -> str | None:
        """A date cell as YYYY-MM-DD (or YYYY-MM, YYYY); M/D/YYYY is read as US dates are written."""
        if not text:
            return None
        us = _US_DATE.match(text)
        iso = f"{us[3]}-{int(us[1]):02}-{int(us[2]):02}" if us else text if _ISO_DATE.match(text) else None
        try:
            if iso is not None and len(iso) == 10:
                date.fromisoformat(iso)
        except ValueError:
            iso = None
        if iso is None:
            self.problem(line, column, f"'{text}' is not a date (YYYY-MM-DD, YYYY-MM, YYYY or M/D/YYYY)")
        return iso

    def number(self, line: int, text: str, column: str) -> int | None:
        plain = text.replace(",", "")
        if not plain:
            return None
        if not plain.isdigit():
            self.problem(line, column, f"'{text}' is not a whole number")
            return None
        return int(plain)

    def industry(self, line: int, text: str, column: str) -> tuple[str, str | None] | None:
        """The industry a cell names by NAICS title or code, with the code itself when it is finer than any
        industry the graph has (a six-digit 622110 is classified under 622)."""
        if text.replace("-", "").isdigit():
            for length in range(len(text), 1, -1):
                found = self.known.codes.get(text[:length])
                if found:
                    return found, text if length < len(text) else None
        found = self.known.named("industries", text)
        if found is None:
            self.problem(line, column, f"'{text}' is no NAICS industry: give a code or a title as "
                         "seed/data/industries.yaml has them")  # fmt: skip
            return None
        return found, None

    def web_page(self, line: int, text: str, column: str) -> str | None:
        if text and not re.match(r"^https?://\S+$", text):
            self.problem(line, column, f"'{text}' is not a web address (http:// or https://)")
            return None
        return text or None

    def ended(self, line: int, start: str | None, end: str | None, column: str, start_column: str) -> str | None:
        """The day a stoppage ended from its last day (the day after), checked against its start."""
        if start and end and len(start) == len(end) == 10 and end < start:
            self.problem(line, column, f"{end} is before the {start_column}, {start}")
        return (date.fromisoformat(end) + timedelta(days=1)).isoformat() if end and len(end) == 10 else end

    # -- entries ---------------------------------------------------------------------------------------------

    def stoppage_id(
        self, line: int, prefix: str, employer: str, start: str, identity: list[str], column: str
    ) -> str | None:
        """A stoppage's id from what identifies it; None (and a problem) when an earlier row made it."""
        digest = hashlib.sha1("\x1f".join(identity).encode()).hexdigest()[:6]
        strike = f"{prefix}-{slugify(employer, 40)}-{start}-{digest}"
        if strike in self.stoppages:
            self.problem(line, column, f"the same stoppage as row {self.stoppages[strike]}")
            return None
        self.stoppages[strike] = line
        self.known.ids[strike] = "strikes"
        return strike

    def add_stoppage(
        self, line: int, strike: str, fields: dict[str, Any], dates: tuple[str, str | None, str],
        columns: dict[str, str], cites: list[dict[str, str]], more: str = "",
    ) -> None:  # fmt: skip
        """The stoppage's entry: `fields`, its start and end (`dates`: start, the day it ended, the last day
        as the file gives it) and a note saying which cells they come from; `columns` maps fields to columns."""
        start, ended, last = dates
        given = f"began {start} (its {columns['start_date']})" + (
            f", last day {last} (its {columns['end_date']}), so ended {ended}" if ended else ""
        )
        note = f"From {self.built.display}, row {line}: {given}{more}"
        entry = {"id": strike, **fields, "start_date": start, "note": note, "cites": cites}
        self.built.add("strikes", entry | ({"end_date": ended} if ended else {}), line, columns)

    def organization(self, line: int, name: str, kind: str, column: str, page: str | None) -> str | None:
        if not name:
            return None
        return self.known.named("organizations", name) or self.node(
            line, "organizations", slugify(name), {"name": name, "kind": kind}, cited(self.sheet, line, column, page),
            column,
        )  # fmt: skip

    def local(self, line: int, name: str, union: str, column: str, page: str | None) -> str | None:
        """A local by its own name, else named after its union ("Local 7" of GFN is "GFN Local 7")."""
        if name and not self.known.named("organizations", name) and union and union.lower() not in name.lower():
            name = f"{union} {name}"
        return self.organization(line, name, "LOCAL", column, page)

    def region(self, line: int, code: str, column: str, page: str | None) -> str:
        """A US state (its USPS code) as a place of kind REGION in the United States."""
        cites = cited(self.sheet, line, column, page)
        country_id, country_name, iso = COUNTRY
        country = self.known.iso.get(iso) or self.node(
            line, "places", country_id, {"name": country_name, "kind": "COUNTRY", "iso_code": iso}, cites, column
        )
        named = self.known.named("places", US_STATES[code])
        region = self.known.iso.get(f"US-{code}") or (named if self.known.kinds.get(named or "") == "REGION" else None)
        if region is None:
            fields = {"name": US_STATES[code], "kind": "REGION", "iso_code": f"US-{code}"}
            region = self.node(line, "places", f"us-{code.lower()}", fields, cites, column, within=country)
            self.known.iso[f"US-{code}"] = region
        return region

    def city(self, line: int, name: str, code: str | None, region: str | None, column: str, page: str | None) -> str:
        """A city in its state: one named so there, else a new one named "City, ST"."""
        full = f"{name}, {code}" if code else name
        names = (self.known.named("places", name), self.known.named("places", full))
        found = next((found for found in names if found and region in (None, self.known.within.get(found))), None)
        return found or self.node(
            line, "places", slugify(full), {"name": full, "kind": "CITY"}, cited(self.sheet, line, column, page),
            column, within=region,
        )  # fmt: skip

    def page(self, line: int, url: str) -> str:
        """The web page a row cites, one `Source` per address."""
        found = self.known.named("sources", url)
        if found:
            return found
        host = re.sub(r"^https?://(www\.)?", "", url).split("/", 1)[0]
        node_id = f"page-{slugify(host, 40)}-{hashlib.sha1(url.encode()).hexdigest()[:10]}"
        return self.node(line, "sources", node_id, {"name": url, "kind": "ARTICLE", "url": url}, None, "Source")

    def figure(
        self, line: int, strike: str, name: str, suffix: str, fields: dict[str, Any], column: str, page: str | None
    ) -> None:
        """A figure a cell gives, counting the stoppage."""
        cites = cited(self.sheet, line, column, page)
        figure = f"{strike}-{suffix}"
        self.built.add("figures", {"id": figure, "name": f"{column}: {name}", **fields, "cites": cites}, line, column)
        self.fact(line, "MEASURES", figure, strike, cites, column)

    def node(
        self, line: int, section: str, base: str, fields: dict[str, Any], cites: list[dict[str, str]] | None,
        column: str, within: str | None = None,
    ) -> str:  # fmt: skip
        """A node the row names and nothing matched: made once, with an id from its name."""
        node_id = self.known.fresh_id(base)
        entry = {"id": node_id, **fields} | ({"cites": cites} if cites else {})
        self.built.add(section, entry, line, column)
        self.known.add_entry(section, entry)
        if within is not None:
            self.fact(line, "LOCATED_IN", node_id, within, cites or [], column)
            self.known.within[node_id] = within
        return node_id

    def fact(
        self, line: int, kind: str, start: str, end: str, cites: list[dict[str, str]], column: str, **fields: str
    ) -> None:
        key = (kind, start, end)
        if key in self.known.facts:
            return
        self.known.facts.add(key)
        self.built.add("facts", {"type": kind, "from": start, "to": end, **fields, "cites": cites}, line, column)


def column_keys(columns: tuple[str, ...], variants: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Each header key a layout's column may have (its own, or a variant spelling) -> the column."""
    keys = {header_key(column): column for column in columns}
    return keys | {header_key(variant): column for column, others in (variants or {}).items() for variant in others}


def recognised(table: Table, keys: dict[str, str], required: tuple[str, ...]) -> bool:
    """Whether the table has every column a layout requires."""
    given = {keys.get(header_key(header)) for header in table.headers}
    return all(column in given for column in required)


def layout_document(
    table: Table, known: Reconciler, keys: dict[str, str], columns: tuple[str, ...], rows: type[Rows],
    unstored: dict[str, str],
) -> Document:  # fmt: skip
    """A table as one seed document, each row read by the layout's `rows` and reconciled with `known`; a
    column the layout does not store (`unstored`: why) or does not know is a warning."""
    built = Document(table.display)
    for header in table.headers:
        column = keys.get(header_key(header))
        if column is None:
            built.warnings.append(Problem(table.display, 1, header, "not a column of the layout: ignored"))
        elif column in unstored:
            built.warnings.append(Problem(table.display, 1, header, unstored[column]))
    sheet = known.fresh_id("sheet-" + slugify(table.display.rsplit("/", 1)[-1], 60))
    known.ids[sheet] = "sources"
    built.add("sources", {"id": sheet, "name": f"Spreadsheet {table.display}", "kind": "DOCUMENT"}, 1, "")
    given = {keys[header_key(header)]: header_key(header) for header in table.headers if header_key(header) in keys}
    reader = rows(built, known, sheet)
    for line, cells in table.rows:
        reader.row(line, {column: cells.get(given.get(column, ""), "") for column in columns})
    return built


# -- back out: what every layout's export reads the same way ---------------------------------------------


def parties(wagers: list[dict[str, Any]]) -> tuple[str, str]:
    """The union and the local cells from the organizations waging a stoppage (a local named after its
    union, "GFN Local 7", comes back as "Local 7")."""
    unions = [w["name"] for w in wagers if w["kind"] != "LOCAL"]
    locals_ = [w for w in wagers if w["kind"] == "LOCAL"]
    union = "; ".join(unions) or next((w["union"] for w in locals_ if w["union"]), "")
    local = "; ".join(w["name"] for w in locals_)
    if union and local.lower().startswith(union.lower() + " "):
        local = local[len(union) + 1 :]
    return union, local


def largest(figures: list[dict[str, Any]], measure: str) -> str:
    values = [figure["value"] for figure in figures if figure["measure"] == measure and figure["value"] is not None]
    return f"{max(values):.0f}" if values else ""


def last_day(end: str) -> str:
    """A stoppage's last day from the day it ended (the day before)."""
    return (date.fromisoformat(end) - timedelta(days=1)).isoformat() if len(end) == 10 else end


def state_of(place: dict[str, Any]) -> str:
    """A region's USPS code when it is a US state, else its name."""
    code = (place["iso"] or "").removeprefix("US-")
    return code if code in US_STATES else str(place["name"])
