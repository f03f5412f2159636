"""The Labor Action Tracker's layout (Cornell ILR and Illinois LER): one row per strike or labor protest, mapped
onto the model column by column. The columns are the tracker's published variables; the header spellings
below are ours (the tracker's own export could not be fetched here), compared without case or punctuation.

| column | becomes |
|---|---|
| Employer | an organization (reconciled, else a new `EMPLOYER`); the stoppage is `AGAINST` it |
| Labor Organization | an organization (else a new `UNION`) that `WAGES` it |
| Local | an organization (else a new `LOCAL`, named "union local") that `WAGES` it, `AFFILIATED_WITH` the union |
| Industry | an industry, by NAICS code or title (`IN_INDUSTRY`); none matching is a problem |
| Bargaining Unit Size | a figure, `WORKERS_COVERED` (scope: the bargaining unit) |
| Number of Locations | a figure, `SITES` |
| Address, City, State, Zip Code | a site (address, postal code) in a city in a state in the United States |
| | (`AT`, `LOCATED_IN`); places reconciled by ISO code and name |
| Strike or Protest | the stoppage's kind (Strike, Protest, Lockout, Walkout) |
| Approximate Number of Participants | a figure, `WORKERS_INVOLVED`, approximation `ABOUT` |
| Start Date, End Date | its dates (YYYY-MM-DD, or M/D/YYYY); the End Date is its last day, so it ended the day after |
| Authorized | Yes: the labor organization (or local) `AUTHORIZED` it; No or empty: nothing |
| Worker Demands | issues it `DEMANDS`, separated by semicolons or commas: an issue of that name, else a new one |
| Source | the web page the row cites, a `Source` cited beside the row itself |
| Notes | the stoppage's description |
| Duration Amount, Duration Unit | derived from the dates: not stored (said as a warning) |
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from seed.problems import Problem
from seed.spreadsheets import Document, Reconciler, Table, cited, header_key, slugify
from seed.us_states import US_STATES, state_code

NAME = "lat"
COLUMNS = (
    "Employer", "Labor Organization", "Local", "Industry", "Bargaining Unit Size", "Number of Locations", "Address",
    "City", "State", "Zip Code", "Strike or Protest", "Approximate Number of Participants", "Start Date",
    "End Date", "Duration Amount", "Duration Unit", "Authorized", "Worker Demands", "Source", "Notes",
)  # fmt: skip
REQUIRED = ("Employer", "Strike or Protest", "Start Date")
DERIVED = ("Duration Amount", "Duration Unit")
KINDS = {"strike": "STRIKE", "protest": "PROTEST", "labor protest": "PROTEST", "lockout": "LOCKOUT",
         "walkout": "WALKOUT"}  # fmt: skip
# The columns that are figures of the stoppage: (its id's suffix, measure, other fields).
FIGURES: dict[str, tuple[str, str, dict[str, str]]] = {
    "Approximate Number of Participants": ("participants", "WORKERS_INVOLVED", {"approximation": "ABOUT"}),
    "Bargaining Unit Size": ("unit", "WORKERS_COVERED", {"scope": "the bargaining unit"}),
    "Number of Locations": ("locations", "SITES", {}),
}
STRIKE_COLUMNS = {"start_date": "Start Date", "end_date": "End Date", "name": "Employer", "description": "Notes"}
KIND_WORDS = {"STRIKE": "Strike", "PROTEST": "Protest", "LOCKOUT": "Lockout", "WALKOUT": "Walkout"}
COUNTRY = ("united-states", "United States", "US")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def recognises(table: Table) -> bool:
    keys = {header_key(header) for header in table.headers}
    return all(header_key(column) in keys for column in REQUIRED)


def document(table: Table, known: Reconciler) -> Document:
    """The table as one seed document, rows reconciled with `known` (and with each other)."""
    built = Document(table.display)
    columns = {header_key(column): column for column in COLUMNS}
    for header in table.headers:
        if header_key(header) not in columns:
            built.warnings.append(Problem(table.display, 1, header, "not a column of the layout: ignored"))
        elif columns[header_key(header)] in DERIVED:
            built.warnings.append(Problem(table.display, 1, header, "derived from the dates: not stored"))
    sheet = known.fresh_id("sheet-" + slugify(table.display.rsplit("/", 1)[-1], 60))
    known.ids[sheet] = "sources"
    built.add("sources", {"id": sheet, "name": f"Spreadsheet {table.display}", "kind": "DOCUMENT"}, 1, "")
    rows = _Rows(built, known, sheet)
    keys = [(column, header_key(column)) for column in COLUMNS]
    for line, cells in table.rows:
        rows.row(line, {column: cells.get(key, "") for column, key in keys})
    return built


@dataclass
class _Rows:
    built: Document
    known: Reconciler
    sheet: str
    stoppages: dict[str, int] = field(default_factory=dict)  # id -> the row that made it

    def problem(self, line: int, column: str, message: str) -> None:
        self.built.problems.append(Problem(self.built.display, line, column, message))

    def row(self, line: int, cell: dict[str, str]) -> None:
        problems = len(self.built.problems)
        kind = KINDS.get(cell["Strike or Protest"].lower())
        if kind is None:
            self.problem(line, "Strike or Protest", f"'{cell['Strike or Protest']}': expected one of Strike, "
                         "Protest, Lockout, Walkout")  # fmt: skip
        start, end = self.day(line, cell, "Start Date"), self.day(line, cell, "End Date")
        if not cell["Employer"]:
            self.problem(line, "Employer", "empty: whom is it against?")
        if cell["Start Date"] == "":
            self.problem(line, "Start Date", "empty: when did it begin?")
        if start and end and len(start) == len(end) == 10 and end < start:
            self.problem(line, "End Date", f"{end} is before the Start Date, {start}")
        numbers = {column: self.number(line, cell, column) for column in FIGURES}
        code = state_code(cell["State"]) if cell["State"] else None
        if cell["State"] and code is None:
            self.problem(line, "State", f"'{cell['State']}' is no US state, district or territory (a code or a name)")
        industry = self.industry(line, cell["Industry"]) if cell["Industry"] else None
        authorized = cell["Authorized"].lower()
        if authorized not in ("", "yes", "no"):
            self.problem(line, "Authorized", f"'{cell['Authorized']}': expected Yes, No or nothing")
        if authorized == "yes" and not (cell["Labor Organization"] or cell["Local"]):
            self.problem(line, "Authorized", "Yes, but no Labor Organization or Local to have authorized it")
        page = cell["Source"]
        if page and not re.match(r"^https?://\S+$", page):
            self.problem(line, "Source", f"'{page}' is not a web address (http:// or https://)")
        if len(self.built.problems) > problems or kind is None or start is None:
            return
        self.stoppage(line, cell, kind, start, end, numbers, code, industry, page or None)

    # -- cells -----------------------------------------------------------------------------------------------

    def day(self, line: int, cell: dict[str, str], column: str) -> str | None:
        text = cell[column]
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

    def number(self, line: int, cell: dict[str, str], column: str) -> int | None:
        text = cell[column].replace(",", "")
        if not text:
            return None
        if not text.isdigit():
            self.problem(line, column, f"'{cell[column]}' is not a whole number")
            return None
        return int(text)

    def industry(self, line: int, text: str) -> str | None:
        found = self.known.codes.get(text) if text.replace("-", "").isdigit() else None
        found = found or self.known.named("industries", text)
        if found is None:
            self.problem(line, "Industry", f"'{text}' is no NAICS industry: give a code or a title as "
                         "seed/data/industries.yaml has them")  # fmt: skip
        return found

    # -- entries ---------------------------------------------------------------------------------------------

    def stoppage(
        self, line: int, cell: dict[str, str], kind: str, start: str, end: str | None,
        numbers: dict[str, int | None], code: str | None, industry: str | None, page_url: str | None,
    ) -> None:  # fmt: skip
        page = self.page(line, page_url) if page_url else None

        def cite(column: str) -> list[dict[str, str]]:
            return cited(self.sheet, line, column, page)

        employer = cell["Employer"]
        where = ", ".join(part for part in (cell["Address"], cell["City"], code or "") if part)
        name = f"{KIND_WORDS[kind]} at {employer}" + (f", {where}" if where else "") + f", {start}"
        identity = "\x1f".join([employer, cell["Labor Organization"], cell["Local"], where, start, kind])
        strike = f"lat-{slugify(employer, 40)}-{start}-{hashlib.sha1(identity.encode()).hexdigest()[:6]}"
        if strike in self.stoppages:
            self.problem(line, "Employer", f"the same stoppage as row {self.stoppages[strike]}: the same employer, "
                         "labor organization, local, place, start date and kind")  # fmt: skip
            return
        self.stoppages[strike] = line
        # The End Date is the last day of action (a one-day protest starts and ends on one day); the model's
        # end date is the day it ended, the day after.
        ended = (date.fromisoformat(end) + timedelta(days=1)).isoformat() if end and len(end) == 10 else end
        given = f"began {start} (its Start Date)" + (
            f", last day {end} (its End Date), so ended {ended}" if end else ""
        )
        entry: dict[str, Any] = {
            "id": strike, "name": name, "kind": kind, "start_date": start,
            "note": f"From {self.built.display}, row {line}: {given}", "cites": cite("Start Date"),
        }  # fmt: skip
        if ended:
            entry["end_date"] = ended
        if cell["Notes"]:
            entry["description"] = cell["Notes"]
        self.built.add("strikes", entry, line, STRIKE_COLUMNS)
        self.known.ids[strike] = "strikes"
        against = self.organization(line, employer, "EMPLOYER", "Employer", page)
        assert against is not None, "checked: the row names an employer"
        self.fact(line, "AGAINST", strike, against, cite("Employer"), "Employer")
        union = self.organization(line, cell["Labor Organization"], "UNION", "Labor Organization", page)
        local = self.local(line, cell, page)
        for party, column in ((union, "Labor Organization"), (local, "Local")):
            if party:
                self.fact(line, "WAGES", party, strike, cite(column), column)
        if union and local:
            self.fact(line, "AFFILIATED_WITH", local, union, cite("Local"), "Local")
        if cell["Authorized"].lower() == "yes":
            self.fact(line, "AUTHORIZED", union or local or "", strike, cite("Authorized"), "Authorized")
        if industry:
            self.fact(line, "IN_INDUSTRY", strike, industry, cite("Industry"), "Industry")
        location = self.location(line, cell, code, page)
        if location:
            self.fact(line, "AT", strike, location, cite("City" if not cell["Address"] else "Address"), "City")
        for column, (suffix, measure, extra) in FIGURES.items():
            value = numbers[column]
            if value is not None:
                figure = f"{strike}-{suffix}"
                self.built.add("figures", {"id": figure, "name": f"{column}: {name}", "measure": measure,
                                           "value": value, **extra, "cites": cite(column)}, line,
                               column)  # fmt: skip
                self.fact(line, "MEASURES", figure, strike, cite(column), column)
        for demand in (part.strip() for part in re.split(r"[;,]", cell["Worker Demands"])):
            if demand:
                issue = self.known.named("issues", demand) or self.node(
                    line, "issues", "demand-" + slugify(demand, 60), {"name": demand}, cite("Worker Demands"),
                    "Worker Demands",
                )  # fmt: skip
                self.fact(line, "DEMANDS", strike, issue, cite("Worker Demands"), "Worker Demands")

    def local(self, line: int, cell: dict[str, str], page: str | None) -> str | None:
        """A local by its own name, else named after its union ("Local 7" of GFN is "GFN Local 7")."""
        name, union = cell["Local"], cell["Labor Organization"]
        if not name or self.known.named("organizations", name):
            return self.organization(line, name, "LOCAL", "Local", page)
        if union and union.lower() not in name.lower():
            name = f"{union} {name}"
        return self.organization(line, name, "LOCAL", "Local", page)

    def organization(self, line: int, name: str, kind: str, column: str, page: str | None) -> str | None:
        if not name:
            return None
        return self.known.named("organizations", name) or self.node(
            line, "organizations", slugify(name), {"name": name, "kind": kind}, cited(self.sheet, line, column, page),
            column,
        )  # fmt: skip

    def location(self, line: int, cell: dict[str, str], code: str | None, page: str | None) -> str | None:
        """The most exact place a row gives: its site, else its city, else its state."""
        if code is None and not cell["City"]:
            return None

        def cite(column: str) -> list[dict[str, str]]:
            return cited(self.sheet, line, column, page)

        country_id, country_name, iso = COUNTRY
        country = self.known.iso.get(iso) or self.node(
            line, "places", country_id, {"name": country_name, "kind": "COUNTRY", "iso_code": iso}, cite("State"),
            "State",
        )  # fmt: skip
        region = None
        if code is not None:
            named = self.known.named("places", US_STATES[code])
            region = self.known.iso.get(f"US-{code}") or (
                named if self.known.kinds.get(named or "") == "REGION" else None
            )
            if region is None:
                name = US_STATES[code]
                region = self.node(
                    line, "places", f"us-{code.lower()}",
                    {"name": name, "kind": "REGION", "iso_code": f"US-{code}"}, cite("State"), "State",
                    within=country,
                )  # fmt: skip
                self.known.iso[f"US-{code}"] = region
        place = region
        if cell["City"]:
            city_name = f"{cell['City']}, {code}" if code else cell["City"]
            names = (self.known.named("places", cell["City"]), self.known.named("places", city_name))
            city = next((found for found in names if found and region in (None, self.known.within.get(found))), None)
            place = city or self.node(
                line, "places", slugify(city_name), {"name": city_name, "kind": "CITY"}, cite("City"), "City",
                within=region,
            )  # fmt: skip
        if not (cell["Address"] or cell["Zip Code"]):
            return place
        site_name = ", ".join(part for part in (cell["Address"] or cell["Employer"], cell["City"], code or "",
                                                 cell["Zip Code"]) if part)  # fmt: skip
        site: dict[str, Any] = {"name": site_name}
        if cell["Address"]:
            site["address"] = cell["Address"]
        if cell["Zip Code"]:
            site["postal_code"] = cell["Zip Code"]
        return self.known.named("sites", site_name) or self.node(
            line, "sites", "site-" + slugify(site_name), site, cite("Address" if cell["Address"] else "Zip Code"),
            "Address", within=place,
        )  # fmt: skip

    def page(self, line: int, url: str) -> str:
        """The web page a row cites, one `Source` per address."""
        found = self.known.named("sources", url)
        if found:
            return found
        host = re.sub(r"^https?://(www\.)?", "", url).split("/", 1)[0]
        node_id = f"page-{slugify(host, 40)}-{hashlib.sha1(url.encode()).hexdigest()[:10]}"
        return self.node(line, "sources", node_id, {"name": url, "kind": "ARTICLE", "url": url}, None, "Source")

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

    def fact(self, line: int, kind: str, start: str, end: str, cites: list[dict[str, str]], column: str) -> None:
        key = (kind, start, end)
        if key in self.known.facts:
            return
        self.known.facts.add(key)
        self.built.add("facts", {"type": kind, "from": start, "to": end, "cites": cites}, line, column)


# -- back out --------------------------------------------------------------------------------------------


def cells_of(stoppage: dict[str, Any]) -> dict[str, str]:
    """A stoppage read from the graph (api/database/exports.py) as a row of the layout. A file seeded from
    the layout comes back cell for cell, names as the nodes they were reconciled with spell them, a state
    as its code, an industry as its title, demands in alphabetical order and the duration in days."""
    wagers = stoppage["wagers"]
    unions = [w["name"] for w in wagers if w["kind"] != "LOCAL"]
    locals_ = [w for w in wagers if w["kind"] == "LOCAL"]
    union = "; ".join(unions) or next((w["union"] for w in locals_ if w["union"]), "")
    local = "; ".join(w["name"] for w in locals_)
    if union and local.lower().startswith(union.lower() + " "):
        local = local[len(union) + 1 :]
    start, end = stoppage["start"] or "", stoppage["end"] or ""
    last = (date.fromisoformat(end) - timedelta(days=1)).isoformat() if len(end) == 10 else end
    days = str((date.fromisoformat(end) - date.fromisoformat(start)).days) if len(start) == len(end) == 10 else ""
    figures = {column: _largest(stoppage["figures"], measure) for column, (_, measure, _) in FIGURES.items()}
    place = _place(stoppage["locations"])
    return {
        "Employer": "; ".join(stoppage["employers"]), "Labor Organization": union, "Local": local,
        "Industry": "; ".join(stoppage["industries"]),
        "Bargaining Unit Size": figures["Bargaining Unit Size"], "Number of Locations": figures["Number of Locations"],
        **place, "Strike or Protest": KIND_WORDS.get(stoppage["kind"], stoppage["kind"].title()),
        "Approximate Number of Participants": figures["Approximate Number of Participants"],
        "Start Date": start, "End Date": last, "Duration Amount": days, "Duration Unit": "Days" if days else "",
        "Authorized": "Yes" if stoppage["authorized"] else "No" if wagers else "",
        "Worker Demands": "; ".join(sorted(stoppage["demands"])), "Source": next(iter(stoppage["pages"]), ""),
        "Notes": stoppage["notes"] or "",
    }  # fmt: skip


def _largest(figures: list[dict[str, Any]], measure: str) -> str:
    values = [figure["value"] for figure in figures if figure["measure"] == measure and figure["value"] is not None]
    return f"{max(values):,.0f}".replace(",", "") if values else ""


def _place(locations: list[dict[str, Any]]) -> dict[str, str]:
    """Address, City, State and Zip Code from the first place a stoppage is at (a site, a city, a state)."""
    cells = {"Address": "", "City": "", "State": "", "Zip Code": ""}
    if not locations:
        return cells
    at = locations[0]
    chain = [at, *at["places"]] if "Place" in at["labels"] else at["places"]
    if "Site" in at["labels"]:
        cells["Address"], cells["Zip Code"] = at["address"] or "", at["postal"] or ""
    region = next((p for p in chain if p["kind"] == "REGION"), None)
    code = (region["iso"] or "").removeprefix("US-") if region else ""
    cells["State"] = code if code in US_STATES else (region["name"] if region else "")
    city = next((p["name"] for p in chain if p["kind"] == "CITY"), "")
    cells["City"] = city.removesuffix(f", {code}") if code else city
    return cells
