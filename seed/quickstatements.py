"""Stoppages as Wikidata QuickStatements (version 1: one statement per line, tab-separated), every line
with a reference: the web page the fact is cited from (`S854`, reference URL) and, when the source is
dated, its publication date (`S577`). A statement whose facts cite no web page, or whose value has no
Wikidata item (a union without one), is not written but listed, so a curator sees what is missing.

The items and properties used, as Wikidata defines them: Q49776 (strike) and Q273120 (protest) for
`instance of` (P31); start time (P580), end time (P582), participant (P710), location (P276), number of
participants (P1132), with point in time (P585) as its qualifier. Lockouts and walkouts have no class here
yet: they are listed, not written. A retrieved date (S813) is not written: the graph does not keep when a
page was last read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CLASSES = {"STRIKE": "Q49776", "PROTEST": "Q273120"}
PRECISION = {4: 9, 7: 10, 10: 11}  # a date's length -> Wikidata's precision (year, month, day)


def time_value(text: str) -> str:
    """A date (YYYY, YYYY-MM or YYYY-MM-DD) as a QuickStatements time with its precision."""
    padded = (text + "-01-01")[:10] if len(text) < 10 else text
    return f"+{padded}T00:00:00Z/{PRECISION[len(text)]}"


def reference(pages: list[dict[str, Any]]) -> str | None:
    """The first web page among a fact's sources, as QuickStatements source columns."""
    if not pages:
        return None
    page = pages[0]
    columns = f'\tS854\t"{page["url"]}"'
    if page.get("date"):
        columns += f"\tS577\t{time_value(page['date'])}"
    return columns


@dataclass
class Statements:
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def statements(stoppages: list[dict[str, Any]]) -> Statements:
    out = Statements()
    for stoppage in stoppages:
        name = stoppage["name"]
        klass = CLASSES.get(stoppage["kind"])
        if klass is None:
            out.skipped.append(f"{name}: a {stoppage['kind'].lower()} has no Wikidata class here")
            continue
        own = reference(stoppage["pages"])
        if own is None:
            out.skipped.append(f"{name}: no source with a web page")
            continue
        subject = stoppage["item"] or "LAST"
        if stoppage["item"] is None:
            out.lines += ["CREATE", f'LAST\tLen\t"{_quoted(name)}"']
        out.lines.append(f"{subject}\tP31\t{klass}{own}")
        for prop, day in (("P580", stoppage["start"]), ("P582", stoppage["end"])):
            if day:
                out.lines.append(f"{subject}\t{prop}\t{time_value(day)}{own}")
        for prop, related in (("P710", stoppage["participants"]), ("P276", stoppage["places"])):
            for other in related:
                cited = reference(other["pages"])
                if other["item"] is None or cited is None:
                    why = "no Wikidata item" if other["item"] is None else "no source with a web page"
                    out.skipped.append(f"{name}: {prop} {other['name']}: {why}")
                    continue
                out.lines.append(f"{subject}\t{prop}\t{other['item']}{cited}")
        figures = stoppage["figures"]
        if figures:  # the largest best-ranked count, as the BLS counts the most idled
            best = min(0 if figure["rank"] == "PREFERRED" else 1 for figure in figures)
            figure = next(f for f in figures if (0 if f["rank"] == "PREFERRED" else 1) == best)
            cited = reference(figure["pages"])
            if cited is None:
                out.skipped.append(f"{name}: P1132 {figure['name']}: no source with a web page")
            else:
                when = f"\tP585\t{time_value(figure['on'])}" if figure["on"] else ""
                out.lines.append(f"{subject}\tP1132\t{figure['value']:.0f}{when}{cited}")
    return out


def _quoted(text: str) -> str:
    return text.replace('"', "'")
