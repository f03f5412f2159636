"""Deals: who reached one and is party to it, and who ratified it (REACHED, PARTY_TO, RATIFIED); a deal named
before its parties ("The agreement, reached on Sept. 6 between A and B") too. Members' votes are `votes.py`'s."""

from __future__ import annotations

import re

from schema.model import Label
from seed.drafting.mentions import ORGANIZATION, Mention
from seed.drafting.reading import EN_DASH, Reader
from seed.drafting.terms import read_term
from seed.drafting.text import Sentence

_DEAL = re.compile(
    r"\b(?:reached|struck|agreed to|secured|signed)\s+"
    r"(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?"  # "a tentative", "a new three-year"
    r"(?:deal|agreement|contract)\b"
)
# The deal named first, its parties after: "The agreement, reached on Sept. 6 between A and B, ...".
_REACHED_BETWEEN = re.compile(
    r"\b(?:deal|agreement|contract),?\s+(?:which\s+was\s+|was\s+)?reached\b"
    r"(?P<between>[^,;]{0,60}?\b(?:between|by|with)\s+)"
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
        dates = reader.dates_in(sentence.start + match.end(), sentence.end)
        agreement = _reached(reader, parties, sentence, at, dates[0] if dates else None)
        if agreement is not None and _RATIFIED_SINCE.search(rest):
            pub = reader.published.isoformat()
            reader.fact("RATIFIED", first, agreement, reader.evidence(at), by=pub,
                        note=f"Ratified no later than the article's date, {pub}.")  # fmt: skip
    for match in _REACHED_BETWEEN.finditer(text):
        at = sentence.start + match.start()
        begin = sentence.start + match.end("between")
        clause_end = text.find(",", match.end())
        end = sentence.start + clause_end if clause_end >= 0 else sentence.end
        parties = list(dict.fromkeys(k for m in reader.mentions if m.kind == ORGANIZATION and begin <= m.start < end
                                     and (k := reader.at(m)) is not None))  # fmt: skip
        dates = reader.dates_in(sentence.start + match.start("between"), begin)
        _reached(reader, parties, sentence, at, dates[0] if dates else None)


def _reached(reader: Reader, parties: list[str], sentence: Sentence, at: int, day: Mention | None) -> str | None:
    """A deal its parties reached (on `day` when the sentence gives it), with its term."""
    if not parties:
        return None
    short = [reader.short_name(p) for p in parties]
    agreement = reader.entity("agreement:" + ":".join(parties), Label.AGREEMENT,
                              f"{reader.published.year} {EN_DASH.join(short)} agreement",
                              reader.sentence_evidence(at))  # fmt: skip
    on, note = (day.date, day.note) if day else (None, None)
    evidence = reader.evidence(at)
    for party in parties:
        reader.fact("REACHED", party, agreement, evidence, on=on, note=note)
        reader.fact("PARTY_TO", party, agreement, evidence, on=on, note=note)
    read_term(reader, agreement, sentence)
    return agreement
