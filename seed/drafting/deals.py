"""Deals: who reached one and is party to it, and who ratified it (REACHED, PARTY_TO, RATIFIED)."""

from __future__ import annotations

import re

from schema.model import Label
from seed.drafting.reading import EN_DASH, Reader
from seed.drafting.text import Sentence

_DEAL = re.compile(
    r"\b(?:reached|struck|agreed to|secured|signed)\s+"
    r"(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?"  # "a tentative", "a new three-year"
    r"(?:deal|agreement|contract)\b"
)
_RATIFIED_SINCE = re.compile(r"\b(?:has|have) (?:since )?been ratified|\bwas ratified|\bratified\b")


def read_deals(reader: Reader, sentence: Sentence) -> None:
    text = sentence.text
    for match in _DEAL.finditer(text):
        at = sentence.start + match.start()
        first = reader.subject(sentence, at)
        if first is None:
            continue
        rest = text[match.end() :]
        other = None
        if re.match(r"\s+with\s+", rest):
            other = reader.entity_at(sentence.start + match.end(), sentence.end)
        parties = [p for p in (first, other) if p]
        short = [reader.short_name(p) for p in parties]
        dates = reader.dates_in(sentence.start + match.end(), sentence.end)
        agreement = reader.entity("agreement:" + ":".join(parties), Label.AGREEMENT,
                                  f"{reader.published.year} {EN_DASH.join(short)} agreement",
                                  reader.sentence_evidence(at))  # fmt: skip
        on, note = (dates[0].date, dates[0].note) if dates else (None, None)
        evidence = reader.evidence(at)
        for party in parties:
            reader.fact("REACHED", party, agreement, evidence, on=on, note=note)
            reader.fact("PARTY_TO", party, agreement, evidence, on=on, note=note)
        if _RATIFIED_SINCE.search(rest):
            pub = reader.published.isoformat()
            reader.fact("RATIFIED", first, agreement, evidence, by=pub,
                        note=f"Ratified no later than the article's date, {pub}.")  # fmt: skip
