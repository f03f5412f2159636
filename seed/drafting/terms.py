"""A deal's term as an article gives it ("a three-year contract", "the contract, which lasts three years"). The
model has no field for a term (an agreement's `effective` and `expires` are days the article rarely gives), so
it goes in the agreement's note, where a curator who finds the days can turn it into them."""

from __future__ import annotations

import re

from seed.drafting.reading import Reader
from seed.drafting.text import Sentence

_WORD_YEARS = {w: n for n, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight"), 1)}
_TERM = re.compile(
    rf"\b(?P<n>[0-9]|{'|'.join(_WORD_YEARS)})-year\s+(?:[a-z]+\s+)?(?:contract|agreement|deal)\b"  # a three-year deal
    rf"|\b(?:contract|agreement|deal),?\s+which\s+(?:lasts|runs)\s+(?:for\s+)?(?P<n2>[0-9]|{'|'.join(_WORD_YEARS)})"
    r"\s+years\b"  # the contract, which lasts three years
)


_OFFERED = re.compile(r"\b(?:offer\w*|propos\w*|demand\w*|seek\w*|asking|wants?)\b")  # a term not agreed


def read_terms(reader: Reader) -> None:
    """ "The contract, which lasts three years, ...": a term said of the article's one deal in a sentence of its
    own (not an offer's or a demand's)."""
    deals = reader.of_type("agreement:")
    if len(deals) != 1:
        return
    for sentence in reader.sentences:
        if not _OFFERED.search(sentence.text):
            read_term(reader, deals[0], sentence)


def read_term(reader: Reader, agreement: str, sentence: Sentence) -> None:
    """A deal's term, as its sentence gives it, in the agreement's note (the model's dates need its days)."""
    found = _TERM.search(sentence.text)
    entity = reader.entities[agreement]
    if found is None or "note" in entity.fields:
        return
    raw = found["n"] or found["n2"]
    years = int(raw) if raw.isdigit() else _WORD_YEARS[raw]
    entity.fields["note"] = (
        f"The article gives a term of {years} year{'s' if years > 1 else ''} ({found.group(0)!r}); "
        "it does not say when the term begins or ends."
    )
