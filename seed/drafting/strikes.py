"""Who strikes, since when, called by whom and against whom (WAGES, CALLED, AGAINST), read off a sentence; and
for a strike whose target the article leaves unsaid, the other side of the strikers' talks, inferred."""

from __future__ import annotations

import datetime as dt
import re

from schema.model import Label, OrganizationKind
from seed.drafting.reading import STRIKERS, Reader
from seed.drafting.text import Sentence

_ORDINALS = {
    w: n
    for n, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1
    )
}
_STOPPAGE = re.compile(r"\b(?:strike|walkout|walked (?:off the job|out)|on strike|struck)\b")
_NOT_THIS_STRIKE = re.compile(
    r"(?:double|first|general|hunger|last)\s+$"  # "the first strike at the plant since 1998": another one
    r"|(?:authori[sz]\w*|threat\w*|possible|potential|would|could|might|may|to|of\s+(?:a|the))\s+(?:a\s+|the\s+)?$"
)  # a strike voted on, threatened or only possible is not waged (`votes.py` reads the authorizations)
_AGAINST = re.compile(r"(?:strike|walked (?:off the job|out)) (?:against|at) ")
_DAY_MARK = re.compile(r"(?P<n>[0-9]+)-day mark")
_WEEK = re.compile(rf"(?P<n>{'|'.join(_ORDINALS)}) week of")
_BEGAN = re.compile(r"(?:went on strike|walked (?:off the job|out)|began (?:a|the|their|its) strike|on strike since)")


def strike_of(reader: Reader, org: str, at: int) -> str:
    """The strike an organization wages in this article (one per striker)."""
    name = f"{reader.published.year} {reader.short_name(org)} strike"
    return reader.entity(f"strike:{org}", Label.STRIKE, name, reader.sentence_evidence(at))


def read_strikes(reader: Reader, sentence: Sentence) -> None:
    text = sentence.text
    for match in _STOPPAGE.finditer(text):
        at = sentence.start + match.start()
        if _NOT_THIS_STRIKE.search(text[: match.start()]):
            continue
        striker = reader.subject(sentence, at)
        employer = reader.workforce_employer(sentence, at)  # "Pellworth workers walked off the job"
        if employer is not None:
            striker = reader.union_before(at)
        if striker is None or reader.kind_of(striker) not in STRIKERS:
            continue
        strike = strike_of(reader, striker, at)
        reader.fact("AGAINST", strike, employer, reader.evidence(at))
        since, note = _strike_start(reader, sentence)
        reader.fact("WAGES", striker, strike, reader.evidence(at), note=note, since=since)
        called = re.search(r"called (?:the|a|its) strike", text)
        if called:
            dates = reader.dates_in(sentence.start + called.end(), sentence.end)
            if dates:
                reader.fact("CALLED", striker, strike, reader.evidence(at), on=dates[0].date, note=f"{dates[0].note}")
        against = _AGAINST.search(text[match.start() :])
        if against:
            target = reader.entity_at(at + against.end(), sentence.end)
            reader.fact("AGAINST", strike, target, reader.evidence(at))


def _strike_start(reader: Reader, sentence: Sentence) -> tuple[str | None, str | None]:
    """A strike's first day from "crossed the 100-day mark on D" or "entered the fourth week ... on D"."""
    text = sentence.text
    day_mark, week, began = _DAY_MARK.search(text), _WEEK.search(text), _BEGAN.search(text)
    found = day_mark or week or began
    if found is None:
        return None, None
    dates = reader.dates_in(sentence.start, sentence.end)
    after = [d for d in dates if d.start >= sentence.start + found.end() and d.date and len(d.date) == 10]
    if not after:
        return None, None
    day = dt.date.fromisoformat(after[0].date or "")
    how = (after[0].note or "").rstrip(".")
    if day_mark:
        first = day - dt.timedelta(days=int(day_mark["n"]) - 1)
        why = f"day {day_mark['n']} was {day.isoformat()} ({how})"
    elif week:
        first = day - dt.timedelta(weeks=_ORDINALS[week["n"]] - 1)
        why = f"week {_ORDINALS[week['n']]} began {day.isoformat()} ({how})"
    else:
        first, why = day, after[0].note or ""
    return first.isoformat(), f"Since {first.isoformat()}: {why}, counting the first day as day 1."


def strike_targets(reader: Reader) -> None:
    """A strike with no target named: the other side of the strikers' talks, inferred."""
    sides = ("PARTICIPATES_IN", "ANNOUNCED", "REQUESTED")
    facts = reader.facts.values
    for strike_key in reader.of_type("strike:"):
        if any(f.type == "AGAINST" and f.start == strike_key for f in facts()):
            continue
        striker = strike_key.removeprefix("strike:")
        ours = {striker} | {f.start for f in facts() if f.type == "PART_OF" and f.end == striker}
        talks = {f.end for f in facts() if f.type in sides and f.start in ours}
        for fact in list(facts()):
            if fact.type != "PARTICIPATES_IN" or fact.end not in talks or fact.start in ours:
                continue
            if reader.kind_of(fact.start) in (OrganizationKind.UNION.value, OrganizationKind.COMMITTEE.value):
                continue
            name = reader.entities[striker].name
            reader.fact("AGAINST", strike_key, fact.start, fact.evidence, inferred=True,
                        note=f"Inferred: {name}'s talks during the strike are with "
                             f"{reader.entities[fact.start].name}.")  # fmt: skip
