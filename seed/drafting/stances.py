"""Where each side stands on the issues (PROPOSES, WILLING_TO_DISCUSS, REFUSES, SILENT_ON, REJECTS), each topic
of a listed phrase its own issue; and what a speaker reporting the other side's answer puts on the table."""

from __future__ import annotations

import re
from collections.abc import Iterator

from schema.model import Label
from schema.names import normalized_name
from seed.drafting.reading import Reader
from seed.drafting.text import Sentence

_DISCUSS = r"(?:engage on|discuss|talk about|negotiate on|negotiate over|consider|address)"
_STANCES = (
    ("REFUSES", rf"(?:not willing|unwilling|refused|refuses|declined) to {_DISCUSS}"),
    ("SILENT_ON", r"did not indicate (?:any )?willingness to (?:address|discuss|engage on)"),
    ("WILLING_TO_DISCUSS", r"(?<!not )willing to (?:increase (?:their|its) offer on|talk about|discuss|negotiate on|"
                           r"move on|consider|revisit)"),
    ("REJECTS", r"\brejected"),
    ("PROPOSES", r"\b(?:is demanding|are demanding|demanded|demands|proposed|is seeking|are seeking|seeks|called for)"),
)  # fmt: skip
_PRONOUN = re.compile(r"^\s*(?:They|It|The (?:company|union|guild))\b")
_TOPIC_END = re.compile(r"\s+[\u2013\u2014-]\s+|\s+but\s+|\s+because\s+|\s+and willing\b|[;:]|\.(?:\s|$)|\"|\u201d")
_TOPIC_DROP = re.compile(r"^(?:the|a few|a|an|their|its|our|many of the|some of the|more|new|any)\s+", re.I)


def read_stances(reader: Reader, sentence: Sentence) -> None:
    text = sentence.text
    for rel, pattern in _STANCES:
        for match in re.finditer(pattern, text):
            at = sentence.start + match.start()
            party = reader.subject(sentence, at)
            if party is None and _PRONOUN.match(text):
                party = reader.last_party
            if party is None:
                continue
            reader.last_party = party
            evidence = reader.evidence(at)
            speaker = _speaker(reader, at)
            for topic in topics(text[match.end() :]):
                issue = reader.entity(f"issue:{normalized_name(topic)}", Label.ISSUE, topic[0].upper() + topic[1:],
                                      reader.sentence_evidence(at))  # fmt: skip
                reader.fact(rel, party, issue, evidence)
                if speaker and speaker != party and rel != "PROPOSES":
                    who = reader.entities[speaker].name
                    reader.fact("PROPOSES", speaker, issue, evidence, inferred=True,
                                note=f"Inferred: {who} reports the other side's answer to what is on the table, "
                                     "but does not say this topic is its own proposal.")  # fmt: skip


def _speaker(reader: Reader, position: int) -> str | None:
    """Whom the quotation at `position` is attributed to, else the last speaker."""
    quotation = reader.quotation_at(position)
    speaker = quotation.speaker if quotation else None
    if speaker is None:
        return reader.last_speaker
    reader.last_speaker = reader.refer(speaker, position) or reader.named(speaker)
    return reader.last_speaker


def topics(words: str) -> Iterator[str]:
    """The topics of a list ("screenwriter issues, Appendix A issues, and many of the other proposals")."""
    end = _TOPIC_END.search(words)
    listed = words[: end.start()] if end else words
    for part in re.split(r",\s*(?:and|or)\s+|,\s*|\s+and\s+|\s+or\s+", listed):
        topic = part.strip()
        while _TOPIC_DROP.match(topic):
            topic = _TOPIC_DROP.sub("", topic, count=1)
        topic = re.split(r"\s+(?:that|which|who)\s+", topic)[0].strip(" .,'\"")
        if 2 <= len(topic) <= 80:
            yield topic
