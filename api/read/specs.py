"""How each GraphQL type reads from the graph: plain fields as Cypher expressions over one variable,
and relation fields as patterns from the parent (`n`) through a relationship (`r`) to the other end (`m`).

Patterns, labels and relationship types here are fixed text; values always arrive as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Time = Literal["span", "point"] | None

NODE_COMMON = {
    "slug": "{v}.id",
    "name": "{v}.name",
    "aliases": "coalesce({v}.aliases, [])",
    "description": "{v}.description",
    "note": "{v}.note",
    "version": "{v}.version",
    "managed_by": "{v}.managedBy",
}

NODE_SCALARS: dict[str, dict[str, str]] = {
    "Organization": NODE_COMMON | {"kind": "{v}.kind"},
    "Person": NODE_COMMON,
    "Strike": NODE_COMMON | {"start_date": "{v}.startDate", "end_date": "{v}.endDate"},
    "Agreement": NODE_COMMON,
    "Negotiation": NODE_COMMON | {"date": "{v}.date", "status": "{v}.status", "outcome": "{v}.outcome"},
    "Issue": NODE_COMMON,
    "Source": NODE_COMMON
    | {
        "title": "{v}.name",
        "kind": "{v}.kind",
        "publisher": "{v}.publisher",
        "date": "{v}.date",
        "url": "{v}.url",
        "file": "{v}.file",
    },
}

FACT_COMMON = {
    "fact_id": "{v}.id",
    "type": "type({v})",
    "note": "{v}.note",
    "retracted_at": "toString({v}.retractedAt)",
    "retracted_by": "{v}.retractedBy",
    "version": "{v}.version",
    "managed_by": "{v}.managedBy",
}
QUALIFIERS = {
    "title": "{v}.title",
    "role": "{v}.role",
    "detail": "{v}.detail",
    "since": "{v}.since",
    "until": "{v}.until",
    "on": "{v}.on",
    "by": "{v}.by",
}

EDGE_SCALARS: dict[str, dict[str, str]] = {
    "Leadership": FACT_COMMON | {k: QUALIFIERS[k] for k in ("title", "since", "until")},
    "Membership": FACT_COMMON | {k: QUALIFIERS[k] for k in ("role", "since", "until")},
    "StrikeParty": FACT_COMMON
    | {k: QUALIFIERS[k] for k in ("since", "until")}
    | {"side": "CASE type({v}) WHEN 'WAGES' THEN 'STRIKER' ELSE 'TARGET' END"},
    "AgreementAction": FACT_COMMON | {k: QUALIFIERS[k] for k in ("on", "by")} | {"action": "type({v})"},
    "Participation": FACT_COMMON | {k: QUALIFIERS[k] for k in ("role", "detail")},
    "Stance": FACT_COMMON | {k: QUALIFIERS[k] for k in ("detail", "on")} | {"stance": "type({v})"},
    "Relationship": FACT_COMMON | QUALIFIERS,
    "PathHop": FACT_COMMON | QUALIFIERS,
}


@dataclass(frozen=True)
class Relation:
    """A list (or one) of items reached from the parent node `n` by `pattern`.

    `item` is the GraphQL type of the items: a node type (projects `m`) or an edge type (projects `r`,
    with `ends` saying which variable each of its node fields is).
    """

    pattern: str
    item: str
    ends: dict[str, str] = field(default_factory=dict)
    time: Time = None
    order: str = "{m}.name, {m}.id"
    many: bool = True


def _edge(pattern: str, item: str, time: Time, order: str = "{m}.name, {m}.id", **ends: str) -> Relation:
    return Relation(pattern, item, ends, time, order)


def _nodes(pattern: str, item: str, time: Time = None, order: str = "{m}.name, {m}.id") -> Relation:
    return Relation(pattern, item, {}, time, order)


LEADS = "PRESIDES|LEADS"
AGREEMENT_ACTIONS = "REACHED|PARTY_TO|RATIFIED"
STANCES = "PROPOSES|WILLING_TO_DISCUSS|REFUSES|SILENT_ON"
DATE_ORDER = "coalesce({r}.onEarliest, {r}.byLatest, {r}.sinceEarliest), {m}.name, {r}.id"

RELATIONS: dict[str, dict[str, Relation]] = {
    "Organization": {
        "leaders": _edge(f"({{m}}:Person)-[{{r}}:{LEADS}]->({{n}})", "Leadership", "span",
                         "{r}.sinceEarliest, {m}.name", person="m", organization="n"),
        "members": _edge("({m})-[{r}:MEMBER_OF]->({n})", "Membership", "span", member="m", organization="n"),
        "member_of": _edge("({n})-[{r}:MEMBER_OF]->({m}:Organization)", "Membership", "span",
                           member="n", organization="m"),
        "strikes": _edge("({n})-[{r}:WAGES]->({m}:Strike)", "StrikeParty", "span",
                         "{m}.startDateEarliest, {m}.id", strike="m", organization="n"),
        "struck_by": _edge("({m}:Strike)-[{r}:AGAINST]->({n})", "StrikeParty", "span",
                           "{m}.startDateEarliest, {m}.id", strike="m", organization="n"),
        "agreements": _edge(f"({{n}})-[{{r}}:{AGREEMENT_ACTIONS}]->({{m}}:Agreement)", "AgreementAction", "point",
                            DATE_ORDER, agreement="m", organization="n"),
        "negotiations": _edge("({n})-[{r}:PARTICIPATES_IN]->({m}:Negotiation)", "Participation", None,
                              "{m}.dateEarliest, {m}.id", party="n", negotiation="m"),
        "stances": _edge(f"({{n}})-[{{r}}:{STANCES}]->({{m}}:Issue)", "Stance", "point",
                         "{m}.name, type({r})", party="n", issue="m"),
    },
    "Person": {
        "roles": _edge(f"({{n}})-[{{r}}:{LEADS}]->({{m}}:Organization)", "Leadership", "span",
                       "{r}.sinceEarliest, {m}.name", person="n", organization="m"),
        "memberships": _edge("({n})-[{r}:MEMBER_OF]->({m}:Organization)", "Membership", "span",
                             member="n", organization="m"),
        "negotiations": _edge("({n})-[{r}:PARTICIPATES_IN]->({m}:Negotiation)", "Participation", None,
                              "{m}.dateEarliest, {m}.id", party="n", negotiation="m"),
    },
    "Strike": {
        "strikers": _nodes("({m}:Organization)-[{r}:WAGES]->({n})", "Organization", "span"),
        "against": _nodes("({n})-[{r}:AGAINST]->({m}:Organization)", "Organization", "span"),
        "parties": _edge("({m}:Organization)-[{r}:WAGES|AGAINST]-({n})", "StrikeParty", "span",
                         "type({r}) DESC, {m}.name", strike="n", organization="m"),
        "negotiations": _nodes("({m}:Negotiation)-[{r}:ABOUT]->({n})", "Negotiation", None, "{m}.dateEarliest, {m}.id"),
        "agreements": _nodes("({m}:Agreement)-[{r}:ABOUT]->({n})", "Agreement"),
    },
    "Agreement": {
        "actions": _edge(f"({{m}}:Organization)-[{{r}}:{AGREEMENT_ACTIONS}]->({{n}})", "AgreementAction", "point",
                         DATE_ORDER, agreement="n", organization="m"),
        "parties": _nodes("({m}:Organization)-[{r}:PARTY_TO]->({n})", "Organization", "point"),
        "ratified_by": _edge("({m}:Organization)-[{r}:RATIFIED]->({n})", "AgreementAction", "point",
                             DATE_ORDER, agreement="n", organization="m"),
        "strikes": _nodes("({n})-[{r}:ABOUT]->({m}:Strike)", "Strike", None, "{m}.startDateEarliest, {m}.id"),
    },
    "Negotiation": {
        "participants": _edge("({m})-[{r}:PARTICIPATES_IN]->({n})", "Participation", None,
                              "{m}.name", party="m", negotiation="n"),
        "strikes": _nodes("({n})-[{r}:ABOUT]->({m}:Strike)", "Strike", None, "{m}.startDateEarliest, {m}.id"),
    },
    "Issue": {
        "stances": _edge(f"({{m}})-[{{r}}:{STANCES}]->({{n}})", "Stance", "point",
                         "type({r}), {m}.name", party="m", issue="n"),
    },
}  # fmt: skip
