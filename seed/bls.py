"""The US Bureau of Labor Statistics' layout of major work stoppages (1,000 workers or more): one row per
stoppage, mapped onto the model column by column. The columns are those of the BLS's monthly and annual
listings; the header spellings below are ours (the files could not be fetched here), compared without case
or punctuation, with the variants noted.

| column | becomes |
|---|---|
| Organizations involved | an organization (reconciled, else a new `EMPLOYER`); the stoppage is `AGAINST` it |
| States | each a state (USPS code or name, separated by commas) where it happens (`AT`) |
| Union | an organization (else a new `UNION`) that `WAGES` it |
| Bargaining unit / Local | an organization (else a new `LOCAL`, named "union local") that `WAGES` it |
| Industry code | an industry by NAICS code, the longest the graph has (`IN_INDUSTRY`; the code kept as its detail) |
| Beginning date, Ending date | its dates; the ending date is its last day, so it ended the day after |
| Number of workers | a figure, `WORKERS_INVOLVED`, approximation `ABOUT` (the BLS rounds to the nearest 100) |
| Days idle, cumulative | derived (workers x lost workdays, schema/holidays.py): checked, not stored |
| Areas, Ownership | not stored (said as a warning) |

The BLS does not tell strikes from lockouts, so every row is a stoppage of the default kind (a strike), and
its note says so.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from schema.holidays import lost_workdays
from seed import spreadsheets as sheets
from seed.problems import Problem
from seed.spreadsheets import Document, Reconciler, Rows, Table, cited, column_keys, layout_document, recognised
from seed.us_states import state_code

NAME: str = "bls"
COLUMNS: tuple[str, ...] = (
    "Organizations involved", "States", "Areas", "Ownership", "Union", "Bargaining unit / Local", "Industry code",
    "Beginning date", "Ending date", "Number of workers", "Days idle, cumulative for this work stoppage",
)  # fmt: skip
# Other spellings of a column's header, as the BLS's files have written them.
VARIANTS = {
    "Organizations involved": ("Organization(s) involved", "Organization"),
    "Bargaining unit / Local": ("Bargaining unit", "Local", "Union local"),
    "Industry code": ("NAICS code",),
    "Number of workers": ("Number of idled workers", "Workers"),
    "Days idle, cumulative for this work stoppage": ("Days idle, cumulative", "Days idle"),
}
REQUIRED: tuple[str, ...] = ("Organizations involved", "Beginning date", "Number of workers")
NOT_STORED = ("Areas", "Ownership")
DAYS_IDLE = "Days idle, cumulative for this work stoppage"
STRIKE_COLUMNS = {"start_date": "Beginning date", "end_date": "Ending date", "name": "Organizations involved"}


KEYS = column_keys(COLUMNS, VARIANTS)


def recognises(table: Table) -> bool:
    return recognised(table, KEYS, REQUIRED)


def document(table: Table, known: Reconciler) -> Document:
    """The table as one seed document, rows reconciled with `known` (and with each other)."""
    return layout_document(table, known, KEYS, COLUMNS, _Rows, dict.fromkeys(NOT_STORED, "not stored"))


class _Rows(Rows):
    def row(self, line: int, cell: dict[str, str]) -> None:
        problems = len(self.built.problems)
        employer = cell["Organizations involved"]
        if not employer:
            self.problem(line, "Organizations involved", "empty: whom is it against?")
        start = self.day(line, cell["Beginning date"], "Beginning date")
        if not cell["Beginning date"]:
            self.problem(line, "Beginning date", "empty: when did it begin?")
        last = self.day(line, cell["Ending date"], "Ending date")
        ended = self.ended(line, start, last, "Ending date", "Beginning date")
        workers = self.number(line, cell["Number of workers"], "Number of workers")
        if cell["Number of workers"] == "":
            self.problem(line, "Number of workers", "empty: how many workers?")
        idle = self.number(line, cell[DAYS_IDLE], DAYS_IDLE)
        codes = []
        for given in (part.strip() for part in re.split(r"[,;/]", cell["States"])):
            code = state_code(given) if given else None
            if given and code is None:
                self.problem(line, "States", f"'{given}' is no US state, district or territory (a code or a name)")
            if code:
                codes.append(code)
        industry = self.industry(line, cell["Industry code"], "Industry code") if cell["Industry code"] else None
        if len(self.built.problems) > problems or start is None or workers is None:
            return
        if idle is not None and ended is not None and len(start) == len(ended) == 10:
            computed = workers * lost_workdays(date.fromisoformat(start), date.fromisoformat(ended))
            if computed != idle:
                self.built.warnings.append(Problem(self.built.display, line, DAYS_IDLE, f"{idle:,} in the file; "
                                                   f"{workers:,} workers x lost workdays is {computed:,}"))  # fmt: skip
        self.stoppage(line, cell, start, ended, workers, codes, industry)

    def stoppage(
        self, line: int, cell: dict[str, str], start: str, ended: str | None, workers: int, codes: list[str],
        industry: tuple[str, str | None] | None,
    ) -> None:  # fmt: skip
        def cite(column: str) -> list[dict[str, str]]:
            return cited(self.sheet, line, column, None)

        employer, union_name, local_name = (
            cell["Organizations involved"],
            cell["Union"],
            cell["Bargaining unit / Local"],
        )
        identity = [employer, union_name, local_name, ",".join(codes), start]
        strike = self.stoppage_id(line, "bls", employer, start, identity, "Organizations involved")
        if strike is None:
            return
        name = f"Work stoppage at {employer}" + (f", {', '.join(codes)}" if codes else "") + f", {start}"
        dates = (start, ended, cell["Ending date"])
        more = ". The BLS does not tell strikes from lockouts."
        self.add_stoppage(line, strike, {"name": name}, dates, STRIKE_COLUMNS, cite("Beginning date"), more)
        against = self.organization(line, employer, "EMPLOYER", "Organizations involved", None)
        assert against is not None, "checked: the row names an employer"
        self.fact(line, "AGAINST", strike, against, cite("Organizations involved"), "Organizations involved")
        union = self.organization(line, union_name, "UNION", "Union", None)
        local = self.local(line, local_name, union_name, "Bargaining unit / Local", None)
        for party, column in ((union, "Union"), (local, "Bargaining unit / Local")):
            if party:
                self.fact(line, "WAGES", party, strike, cite(column), column)
        if union and local:
            self.fact(line, "AFFILIATED_WITH", local, union, cite("Bargaining unit / Local"), "Bargaining unit / Local")
        if industry:
            detail = {"detail": f"NAICS {industry[1]}"} if industry[1] else {}
            self.fact(line, "IN_INDUSTRY", strike, industry[0], cite("Industry code"), "Industry code", **detail)
        for code in codes:
            self.fact(line, "AT", strike, self.region(line, code, "States", None), cite("States"), "States")
        fields = {"measure": "WORKERS_INVOLVED", "value": workers, "approximation": "ABOUT"}
        self.figure(line, strike, name, "workers", fields, "Number of workers", None)


# -- back out --------------------------------------------------------------------------------------------


def cells_of(stoppage: dict[str, Any]) -> dict[str, str]:
    """A stoppage read from the graph (api/database/exports.py) as a row of the layout: a file seeded from
    the layout comes back cell for cell, names as the nodes they were reconciled with spell them, states as
    their codes in the order of their names, days idle computed (Areas and Ownership, not stored, empty)."""
    union, local = sheets.parties(stoppage["wagers"])
    start, end = stoppage["start"] or "", stoppage["end"] or ""
    workers = sheets.largest(stoppage["figures"], "WORKERS_INVOLVED")
    idle = ""
    if workers and len(start) == len(end) == 10:
        idle = str(int(workers) * lost_workdays(date.fromisoformat(start), date.fromisoformat(end)))
    states = [sheets.state_of(place) for place in _regions(stoppage["locations"])]
    codes = [(i["detail"] or "").removeprefix("NAICS ") or i["code"] for i in stoppage["industries"]]
    return {
        "Organizations involved": "; ".join(stoppage["employers"]), "States": ", ".join(states), "Areas": "",
        "Ownership": "", "Union": union, "Bargaining unit / Local": local, "Industry code": "; ".join(codes),
        "Beginning date": start, "Ending date": sheets.last_day(end), "Number of workers": workers, DAYS_IDLE: idle,
    }  # fmt: skip


def _regions(locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The regions a stoppage is at, directly or through a city or site in them, each once."""
    found: dict[str, dict[str, Any]] = {}
    for at in locations:
        chain = [at, *at["places"]] if "Place" in at["labels"] else at["places"]
        region = next((place for place in chain if place["kind"] == "REGION"), None)
        if region is not None:
            found.setdefault(region["name"], region)
    return list(found.values())
