"""Talks: a meeting or round of negotiations on a day, who takes part, who asked for it, who announced it, and
the strike it is about (PARTICIPATES_IN, REQUESTED, ANNOUNCED, ABOUT)."""

from __future__ import annotations

import re

from schema.model import Label, NegotiationStatus
from seed.drafting.mentions import ORGANIZATION, PERSON
from seed.drafting.reading import EN_DASH, Reader
from seed.drafting.text import Sentence

_TRIGGER = re.compile(r"\b(?:[Tt]alks|[Nn]egotiations|met|meet|meeting|bargaining session)\b")


def read_talks(reader: Reader, sentence: Sentence) -> None:
    text = sentence.text
    trigger = _TRIGGER.search(text)
    if trigger is None:
        return
    at = sentence.start + trigger.start()
    dates = [d for d in reader.dates_in(at, sentence.end) if d.date and len(d.date) == 10]
    if not dates:
        return
    day = dates[0]
    parties: list[str] = []
    for with_ in re.finditer(r"\bwith\s+", text[trigger.start() :]):
        begin = at + with_.end()
        party = reader.entity_at(begin, min(begin + 80, sentence.end)) if _starts_with_mention(reader, begin) else None
        party = party or reader.refer(text[begin - sentence.start : begin - sentence.start + 40], begin)
        if party:
            parties.append(party)
    asked = re.search(r"(?:has |had )?asked (?:the )?", text)
    requester = None
    if asked:
        requester = reader.first_entity_in(sentence.start, sentence.start + asked.start(), (PERSON, ORGANIZATION))
        invited = reader.entity_at(sentence.start + asked.end(), at + 1)
        if invited:
            parties.insert(0, invited)
    if not parties:
        return
    scheduled = day.date and day.date > reader.published.isoformat()
    status = NegotiationStatus.SCHEDULED if scheduled else NegotiationStatus.HELD
    names = [reader.short_name(p) for p in parties]
    talks = reader.entity(f"talks:{day.date}", Label.NEGOTIATION,
                          f"{EN_DASH.join(dict.fromkeys(names))} talks of {day.date}", reader.sentence_evidence(at),
                          date=day.date, status=status.value, note=day.note)  # fmt: skip
    evidence = reader.evidence(at)
    for party in parties:
        reader.fact("PARTICIPATES_IN", party, talks, evidence)
    if requester:
        reader.fact("REQUESTED", requester, talks, evidence)
    announced = re.search(r"\bannounc\w*", text)
    if announced:
        announcer = reader.subject(sentence, sentence.start + announced.start())
        said_on = [d for d in reader.dates_in(sentence.start, sentence.start + announced.start()) if d.date]
        on, note = (said_on[-1].date, said_on[-1].note) if said_on else (None, None)
        reader.fact("ANNOUNCED", announcer, talks, reader.sentence_evidence(at), on=on, note=note)
    for strike in reader.of_type("strike:"):
        if re.search(r"\bstrike\b", text):
            reader.fact("ABOUT", talks, strike, reader.sentence_evidence(at))


def _starts_with_mention(reader: Reader, position: int) -> bool:
    """An organization right after "with" (or after "with the")."""
    return any(m.start in (position, position + 4) and m.kind == ORGANIZATION for m in reader.mentions)
