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

import re
from datetime import date
from typing import Any

from seed import spreadsheets as sheets
from seed.spreadsheets import Document, Reconciler, Rows, Table, cited, column_keys, layout_document, recognised
from seed.us_states import state_code

NAME: str = "lat"
COLUMNS: tuple[str, ...] = (
    "Employer", "Labor Organization", "Local", "Industry", "Bargaining Unit Size", "Number of Locations", "Address",
    "City", "State", "Zip Code", "Strike or Protest", "Approximate Number of Participants", "Start Date",
    "End Date", "Duration Amount", "Duration Unit", "Authorized", "Worker Demands", "Source", "Notes",
)  # fmt: skip
REQUIRED: tuple[str, ...] = ("Employer", "Strike or Protest", "Start Date")
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


KEYS = column_keys(COLUMNS)


def recognises(table: Table) -> bool:
    return recognised(table, KEYS, REQUIRED)


def document(table: Table, known: Reconciler) -> Document:
    """The table as one seed document, rows reconciled with `known` (and with each other)."""
    derived = "derived from the dates: not stored"
    return layout_document(table, known, KEYS, COLUMNS, _Rows, dict.fromkeys(DERIVED, derived))


class _Rows(Rows):
    def row(self, line: int, cell: dict[str, str]) -> None:
        problems = len(self.built.problems)
        kind = KINDS.get(cell["Strike or Protest"].lower())
        if kind is None:
            self.problem(line, "Strike or Protest", f"'{cell['Strike or Protest']}': expected one of Strike, "
                         "Protest, Lockout, Walkout")  # fmt: skip
        start = self.day(line, cell["Start Date"], "Start Date")
        # The End Date is the last day of action (a one-day protest starts and ends on one day); the model's
        # end date is the day it ended, the day after.
        ended = self.ended(line, start, self.day(line, cell["End Date"], "End Date"), "End Date", "Start Date")
        if not cell["Employer"]:
            self.problem(line, "Employer", "empty: whom is it against?")
        if cell["Start Date"] == "":
            self.problem(line, "Start Date", "empty: when did it begin?")
        numbers = {column: self.number(line, cell[column], column) for column in FIGURES}
        code = state_code(cell["State"]) if cell["State"] else None
        if cell["State"] and code is None:
            self.problem(line, "State", f"'{cell['State']}' is no US state, district or territory (a code or a name)")
        industry = self.industry(line, cell["Industry"], "Industry") if cell["Industry"] else None
        authorized = cell["Authorized"].lower()
        if authorized not in ("", "yes", "no"):
            self.problem(line, "Authorized", f"'{cell['Authorized']}': expected Yes, No or nothing")
        if authorized == "yes" and not (cell["Labor Organization"] or cell["Local"]):
            self.problem(line, "Authorized", "Yes, but no Labor Organization or Local to have authorized it")
        page_url = self.web_page(line, cell["Source"], "Source")
        if len(self.built.problems) > problems or kind is None or start is None:
            return
        self.stoppage(line, cell, kind, start, ended, numbers, code, industry, page_url)

    def stoppage(
        self, line: int, cell: dict[str, str], kind: str, start: str, ended: str | None,
        numbers: dict[str, int | None], code: str | None, industry: tuple[str, str | None] | None,
        page_url: str | None,
    ) -> None:  # fmt: skip
        page = self.page(line, page_url) if page_url else None

        def cite(column: str) -> list[dict[str, str]]:
            return cited(self.sheet, line, column, page)

        employer = cell["Employer"]
        where = ", ".join(part for part in (cell["Address"], cell["City"], code or "") if part)
        identity = [employer, cell["Labor Organization"], cell["Local"], where, start, kind]
        strike = self.stoppage_id(line, "lat", employer, start, identity, "Employer")
        if strike is None:
            return
        name = f"{KIND_WORDS[kind]} at {employer}" + (f", {where}" if where else "") + f", {start}"
        fields = {"name": name, "kind": kind} | ({"description": cell["Notes"]} if cell["Notes"] else {})
        dates = (start, ended, cell["End Date"])
        self.add_stoppage(line, strike, fields, dates, STRIKE_COLUMNS, cite("Start Date"))
        against = self.organization(line, employer, "EMPLOYER", "Employer", page)
        assert against is not None, "checked: the row names an employer"
        self.fact(line, "AGAINST", strike, against, cite("Employer"), "Employer")
        union = self.organization(line, cell["Labor Organization"], "UNION", "Labor Organization", page)
        local = self.local(line, cell["Local"], cell["Labor Organization"], "Local", page)
        for party, column in ((union, "Labor Organization"), (local, "Local")):
            if party:
                self.fact(line, "WAGES", party, strike, cite(column), column)
        if union and local:
            self.fact(line, "AFFILIATED_WITH", local, union, cite("Local"), "Local")
        if cell["Authorized"].lower() == "yes":
            self.fact(line, "AUTHORIZED", union or local or "", strike, cite("Authorized"), "Authorized")
        if industry:
            self.fact(line, "IN_INDUSTRY", strike, industry[0], cite("Industry"), "Industry")
        location = self.location(line, cell, code, page)
        if location:
            self.fact(line, "AT", strike, location, cite("City" if not cell["Address"] else "Address"), "City")
        for column, (suffix, measure, extra) in FIGURES.items():
            value = numbers[column]
            if value is not None:
                self.figure(line, strike, name, suffix, {"measure": measure, "value": value, **extra}, column, page)
        for demand in (part.strip() for part in re.split(r"[;,]", cell["Worker Demands"])):
            if demand:
                issue = self.known.named("issues", demand) or self.node(
                    line, "issues", "demand-" + sheets.slugify(demand, 60), {"name": demand}, cite("Worker Demands"),
                    "Worker Demands",
                )  # fmt: skip
                self.fact(line, "DEMANDS", strike, issue, cite("Worker Demands"), "Worker Demands")

    def location(self, line: int, cell: dict[str, str], code: str | None, page: str | None) -> str | None:
        """The most exact place a row gives: its site, else its city, else its state."""
        region = self.region(line, code, "State", page) if code else None
        place = self.city(line, cell["City"], code, region, "City", page) if cell["City"] else region
        if not (cell["Address"] or cell["Zip Code"]):
            return place
        site_name = ", ".join(part for part in (cell["Address"] or cell["Employer"], cell["City"], code or "",
                                                 cell["Zip Code"]) if part)  # fmt: skip
        site: dict[str, Any] = {"name": site_name}
        if cell["Address"]:
            site["address"] = cell["Address"]
        if cell["Zip Code"]:
            site["postal_code"] = cell["Zip Code"]
        column = "Address" if cell["Address"] else "Zip Code"
        return self.known.named("sites", site_name) or self.node(
            line, "sites", "site-" + sheets.slugify(site_name), site, cited(self.sheet, line, column, page), column,
            within=place,
        )  # fmt: skip


# -- back out --------------------------------------------------------------------------------------------


def cells_of(stoppage: dict[str, Any]) -> dict[str, str]:
    """A stoppage read from the graph (api/database/exports.py) as a row of the layout. A file seeded from
    the layout comes back cell for cell, names as the nodes they were reconciled with spell them, a state
    as its code, an industry as its title, demands in alphabetical order and the duration in days."""
    wagers = stoppage["wagers"]
    union, local = sheets.parties(wagers)
    start, end = stoppage["start"] or "", stoppage["end"] or ""
    days = str((date.fromisoformat(end) - date.fromisoformat(start)).days) if len(start) == len(end) == 10 else ""
    figures = {column: sheets.largest(stoppage["figures"], measure) for column, (_, measure, _) in FIGURES.items()}
    place = _place(stoppage["locations"])
    return {
        "Employer": "; ".join(stoppage["employers"]), "Labor Organization": union, "Local": local,
        "Industry": "; ".join(industry["name"] for industry in stoppage["industries"]),
        "Bargaining Unit Size": figures["Bargaining Unit Size"], "Number of Locations": figures["Number of Locations"],
        **place, "Strike or Protest": KIND_WORDS.get(stoppage["kind"], stoppage["kind"].title()),
        "Approximate Number of Participants": figures["Approximate Number of Participants"],
        "Start Date": start, "End Date": sheets.last_day(end),
        "Duration Amount": days, "Duration Unit": "Days" if days else "",
        "Authorized": "Yes" if stoppage["authorized"] else "No" if wagers else "",
        "Worker Demands": "; ".join(sorted(stoppage["demands"])), "Source": next(iter(stoppage["pages"]), ""),
        "Notes": stoppage["notes"] or "",
    }  # fmt: skip


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
    code = sheets.state_of(region) if region else ""
    cells["State"] = code
    city = next((p["name"] for p in chain if p["kind"] == "CITY"), "")
    cells["City"] = city.removesuffix(f", {code}") if code else city
    return cells
