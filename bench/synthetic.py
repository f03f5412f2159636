"""A deterministic synthetic labour-relations graph in the seed files' shape: unions, trade associations
with member studios and streamers, people holding roles over time, strikes over decades (some of them
lockouts, some given notice first) at workplaces in places within places, talks, deals reached and ratified,
competing figures of workers on strike (one preferred, some a union's claim), and sources behind every fact
(about three relationships per node)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

EPOCH = dt.date(1950, 1, 1)
SPAN_DAYS = (dt.date(2025, 12, 31) - EPOCH).days

SHARES = {  # of all nodes
    "sources": 0.12,
    "organizations": 0.08,
    "people": 0.30,
    "strikes": 0.12,
    "negotiations": 0.13,
    "agreements": 0.12,
    "issues": 0.08,
    "places": 0.01,
    "sites": 0.02,
    "figures": 0.02,
}
ORG_SHARES = {"UNION": 0.25, "TRADE_ASSOCIATION": 0.05, "STUDIO": 0.35, "STREAMER": 0.15, "MEDIA_OUTLET": 0.20}
ORG_PREFIX = {"UNION": "union", "TRADE_ASSOCIATION": "assoc", "STUDIO": "studio", "STREAMER": "streamer",
              "MEDIA_OUTLET": "outlet"}  # fmt: skip
ORG_NAMES = {"UNION": "Guild", "TRADE_ASSOCIATION": "Producers Alliance", "STUDIO": "Pictures",
             "STREAMER": "Stream", "MEDIA_OUTLET": "Gazette"}  # fmt: skip
TOPICS = ["AI", "residuals", "writers' rooms", "minimums", "health plan", "pension", "streaming bonuses", "safety"]


@dataclass(frozen=True)
class SyntheticGraph:
    document: dict[str, list[dict[str, Any]]]  # sections as in seed/data/*.yaml
    nodes: int
    facts: int

    def sample(self, section: str, count: int, seed: int = 7) -> list[str]:
        items = self.document[section]
        rng = random.Random(seed)
        return [items[rng.randrange(len(items))]["id"] for _ in range(count)]


def _day(offset: int) -> str:
    return (EPOCH + dt.timedelta(days=offset)).isoformat()


DATES = ("since", "until", "on", "by", "start_date", "end_date", "date")


def _dated(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with a note stating its dates, as curators must (every date needs its evidence)."""
    days = [str(entry[name]) for name in DATES if entry.get(name)]
    return entry | {"note": "Dates as reported: " + ", ".join(days)} if days else entry


def generate(nodes: int, seed: int = 42) -> SyntheticGraph:
    rng = random.Random(seed)
    counts = {section: max(1, int(nodes * share)) for section, share in SHARES.items()}
    doc: dict[str, list[dict[str, Any]]] = {section: [] for section in SHARES}
    facts: list[dict[str, Any]] = []
    doc["facts"] = facts

    sources = [f"src-{i}" for i in range(counts["sources"])]

    def cites() -> list[dict[str, Any]]:
        return [{"source": sources[rng.randrange(len(sources))]}]

    def fact(rel: str, start: str, end: str, **qualifiers: Any) -> None:
        facts.append(
            _dated({"id": f"f-{len(facts)}", "type": rel, "from": start, "to": end, "cites": cites(), **qualifiers})
        )

    orgs: dict[str, list[str]] = {}
    for kind, share in ORG_SHARES.items():
        how_many = max(1, int(counts["organizations"] * share))
        prefix, word = ORG_PREFIX[kind], ORG_NAMES[kind]
        orgs[kind] = [f"{prefix}-{i}" for i in range(how_many)]
        for i, slug in enumerate(orgs[kind]):
            doc["organizations"].append(
                {"id": slug, "name": f"{word} {i}", "aliases": [f"{prefix.upper()}{i}"], "kind": kind, "cites": cites()}
            )
    unions, associations = orgs["UNION"], orgs["TRADE_ASSOCIATION"]
    employers = orgs["STUDIO"] + orgs["STREAMER"]
    leadable = unions + associations

    for i, slug in enumerate(sources):
        doc["sources"].append(
            {"id": slug, "name": f"Report {i}", "kind": "REPORT", "date": _day(rng.randrange(SPAN_DAYS))}
        )
        fact("PUBLISHED", orgs["MEDIA_OUTLET"][rng.randrange(len(orgs["MEDIA_OUTLET"]))], slug)
        if i:
            fact("CITES", slug, sources[rng.randrange(i)])

    for slug in employers:
        fact("MEMBER_OF", slug, associations[rng.randrange(len(associations))], role="member company")

    for i in range(counts["people"]):
        slug = f"person-{i}"
        doc["people"].append({"id": slug, "name": f"Person {i}", "cites": cites()})
        start = rng.randrange(SPAN_DAYS - 400)
        until = _day(start + rng.randrange(200, 4000)) if start + 4000 < SPAN_DAYS else None
        title = "President" if rng.random() < 0.5 else "Chief negotiator"
        rel = "PRESIDES" if title == "President" else "LEADS"
        fact(rel, slug, leadable[rng.randrange(len(leadable))], title=title, since=_day(start), until=until)
        first, second = rng.sample(range(len(unions)), 2) if len(unions) > 1 else (0, 0)
        fact("MEMBER_OF", slug, unions[first], role="member", since=_day(start))
        if second != first:
            fact("MEMBER_OF", slug, unions[second], role="member", since=_day(start))

    strikes = [f"strike-{i}" for i in range(counts["strikes"])]
    for i, slug in enumerate(strikes):
        start = rng.randrange(SPAN_DAYS)
        end = start + rng.randrange(5, 200)
        ongoing = end > SPAN_DAYS
        union = unions[rng.randrange(len(unions))]
        doc["strikes"].append(_dated(
            {"id": slug, "name": f"Strike {i}", "start_date": _day(start), "end_date": None if ongoing else _day(end),
             "cites": cites()}
        ))  # fmt: skip
        fact("WAGES", union, slug, since=_day(start), until=None if ongoing else _day(end))
        fact("AGAINST", slug, associations[rng.randrange(len(associations))])
        fact("CALLED", union, slug, on=_day(max(start - 1, 0)))

    for i in range(counts["negotiations"]):
        slug = f"neg-{i}"
        doc["negotiations"].append(
            _dated(
                {
                    "id": slug,
                    "name": f"Talks {i}",
                    "date": _day(rng.randrange(SPAN_DAYS)),
                    "status": "HELD",
                    "cites": cites(),
                }
            )
        )
        fact("PARTICIPATES_IN", unions[rng.randrange(len(unions))], slug, role="union negotiators")
        fact("PARTICIPATES_IN", associations[rng.randrange(len(associations))], slug, role="employers' negotiators")
        fact("ABOUT", slug, strikes[rng.randrange(len(strikes))])

    for i in range(counts["agreements"]):
        slug = f"agr-{i}"
        doc["agreements"].append({"id": slug, "name": f"Agreement {i}", "cites": cites()})
        union, association = unions[rng.randrange(len(unions))], associations[rng.randrange(len(associations))]
        day = rng.randrange(SPAN_DAYS - 60)
        for party in (union, association):
            fact("REACHED", party, slug, on=_day(day))
            fact("PARTY_TO", party, slug)
        fact("RATIFIED", union, slug, on=_day(day + rng.randrange(5, 60)))

    for i in range(counts["issues"]):
        slug = f"issue-{i}"
        doc["issues"].append({"id": slug, "name": f"{TOPICS[i % len(TOPICS)]} {i}", "cites": cites()})
        fact("PROPOSES", unions[rng.randrange(len(unions))], slug)
        stance = "REFUSES" if rng.random() < 0.5 else "WILLING_TO_DISCUSS"
        fact(stance, associations[rng.randrange(len(associations))], slug, on=_day(rng.randrange(SPAN_DAYS)))

    _second_story(doc, counts, fact, cites, strikes, unions, orgs, random.Random(seed + 1))
    total_nodes = sum(len(items) for section, items in doc.items() if section != "facts")
    return SyntheticGraph(doc, total_nodes, len(facts))


def _second_story(
    doc: dict[str, list[dict[str, Any]]],
    counts: dict[str, int],
    fact: Any,
    cites: Any,
    strikes: list[str],
    unions: list[str],
    orgs: dict[str, list[str]],
    rng: random.Random,
) -> None:
    """The real-dispute dimensions (issue 18), drawn from a stream of their own so the rest stays as it was:
    a country, its regions and cities; workplaces run by studios in the cities; strikes at one to three
    sites from their first day, some lockouts, some with a notice first; and one or two figures of workers
    per strike, where two disagree the union's claim beside a preferred reported count."""
    places = [f"place-{i}" for i in range(max(3, counts["places"]))]
    regions = places[1 : 1 + max(1, len(places) // 10)]
    cities = places[1 + len(regions) :] or regions
    for i, slug in enumerate(places):
        kind = "COUNTRY" if i == 0 else "REGION" if slug in regions else "CITY"
        doc["places"].append({"id": slug, "name": f"Place {i}", "kind": kind, "cites": cites()})
        if i:
            fact("LOCATED_IN", slug, places[0] if kind == "REGION" else regions[rng.randrange(len(regions))])
    employers = orgs["STUDIO"] + orgs["STREAMER"]
    sites = [f"site-{i}" for i in range(counts["sites"])]
    for i, slug in enumerate(sites):
        doc["sites"].append({"id": slug, "name": f"Site {i}", "kind": "STUDIO", "cites": cites()})
        fact("OPERATES", employers[rng.randrange(len(employers))], slug)
        fact("LOCATED_IN", slug, cities[rng.randrange(len(cities))])
    figures = iter(range(counts["figures"]))
    for entry in doc["strikes"]:
        slug, start = entry["id"], entry["start_date"]
        if rng.random() < 0.05:
            entry["kind"] = "LOCKOUT"
        for site in rng.sample(sites, min(len(sites), rng.randrange(1, 4))):
            fact("AT", slug, site, since=start)
        if rng.random() < 0.2:
            fact("GAVE_NOTICE", unions[rng.randrange(len(unions))], slug, by=start)
        for rank in ("PREFERRED", "NORMAL")[: rng.randrange(1, 3)]:
            number = next(figures, None)
            if number is None:
                return
            figure = f"figure-{number}"
            doc["figures"].append({
                "id": figure, "name": f"Figure {number}", "measure": "WORKERS_INVOLVED",
                "value": rng.randrange(50, 50_000), "approximation": "ABOUT" if rank == "NORMAL" else "EXACT",
                "rank": rank, "cites": cites(),
            })  # fmt: skip
            fact("MEASURES", figure, slug)
            if rank == "NORMAL":
                fact("CLAIMS", unions[rng.randrange(len(unions))], figure)
