"""Documents an article relays: a report ("according to X"), a statement, an email; who published each
(PUBLISHED) and the article citing it (CITES)."""

from __future__ import annotations

import re

from schema.model import Label, SourceKind
from seed.drafting.reading import Reader
from seed.drafting.text import Sentence

_DOCUMENT = re.compile(r"\b(?:said|says) in a statement|\bsent an email|\bin an email\b")


def read_relayed(reader: Reader, sentence: Sentence) -> None:
    text = sentence.text
    day = reader.published.isoformat()
    for match in re.finditer(r"according to (?:the )?", text):
        outlet = reader.entity_at(sentence.start + match.start(), sentence.end)
        if outlet is None:
            continue
        name = reader.entities[outlet].name
        report = reader.entity(f"source:report:{outlet}", Label.SOURCE, f"{name} report relayed on {day}",
                               reader.sentence_evidence(sentence.start), kind=SourceKind.REPORT.value,
                               publisher=name)  # fmt: skip
        evidence = reader.sentence_evidence(sentence.start + match.start())
        reader.fact("PUBLISHED", outlet, report, evidence)
        reader.fact("CITES", reader.source_key, report, evidence)
    for match in _DOCUMENT.finditer(text):
        author = reader.subject(sentence, sentence.start + match.start())
        if author is None:
            continue
        kind = SourceKind.EMAIL if "email" in match.group(0) else SourceKind.STATEMENT
        name = reader.entities[author].name
        document = reader.entity(f"source:{kind.value.lower()}:{author}", Label.SOURCE,
                                 f"{name} {kind.value.lower()} relayed on {day}",
                                 reader.sentence_evidence(sentence.start), kind=kind.value, publisher=name)  # fmt: skip
        evidence = reader.sentence_evidence(sentence.start + match.start())
        reader.fact("PUBLISHED", author, document, evidence)
        if kind is SourceKind.STATEMENT:
            reader.fact("CITES", reader.source_key, document, evidence)
