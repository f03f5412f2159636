"""An article's sentences and quotations, with offsets: where a fact's evidence can come from. A quotation
counts as a quote only when its sentence says who said it ("the union said", "the email stated")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "St",
        "Inc",
        "Corp",
        "Co",
        "Jr",
        "Sr",
        "Gov",
        "Sen",
        "Rep",
        "Lt",
        "Gen",
        "Ave",
        "No",
        "vs",
    ]
)
_BREAK = re.compile(r"[.!?][\"\u201d\u2019)]?(?=\s+[\"\u201cA-Z0-9])|\n\s*\n")
_QUOTATION = re.compile(r"[\"\u201c](?P<words>[^\"\u201c\u201d]{2,2000}?)[\"\u201d]")
_SAYING = r"(?:said|stated|continued|added|wrote|told|detailed|explained|announced|says|according to|noted)"
_WHO = r"[\w'\u2019 .-]{1,60}?"  # a speaker as written: "Renata Villalobos", "the union", "it"
# The speaker's role between commas, the closing one often dropped: "William Paget, a union shop steward told KLCC".
_ROLE = r"(?:,\s+(?:an?|the|[A-Z][\w'\u2019]*)\s+[^,\"\u201c\u201d]{1,80}?)?,?"
_AFTER = re.compile(  # after the closing mark: ', the union said', ', Jo Roe, a steward, told X', ', said Jo Roe'
    rf"^\s*,?\s*(?P<speaker>{_WHO}){_ROLE}\s+{_SAYING}\b"
    rf"|^\s*,?\s*{_SAYING}\s+(?P<speaker2>{_WHO.replace('?', '')})"
)
_BEFORE = re.compile(  # before the opening mark, in its sentence: 'The union said in a statement: "..."'
    rf"(?P<speaker>[A-Z][\w'\u2019 .-]{{0,60}}?)\s+{_SAYING}\b[^\"\u201c]*$"
    rf"|(?P<speaker2>{_WHO})\s+(?:said|wrote):?\s*$"
)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quotation:
    start: int  # of the words inside the marks
    end: int
    words: str  # verbatim, without the closing comma or full stop
    speaker: str | None  # as the text names it ("the union", "it"); None: not attributed in its sentence


def sentences(text: str) -> list[Sentence]:
    found: list[Sentence] = []
    start = 0
    for match in _BREAK.finditer(text):
        end = match.end()
        word = re.search(r"([A-Za-z]+)\.$", text[start:end])
        if word and (word.group(1) in _ABBREVIATIONS or len(word.group(1)) == 1):
            continue
        found += _sentence(text, start, end)
        start = end
    found += _sentence(text, start, len(text))
    return found


def _sentence(text: str, start: int, end: int) -> list[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, text[start:end])] if end > start else []


def quotations(text: str, all_sentences: list[Sentence]) -> list[Quotation]:
    found: list[Quotation] = []
    for match in _QUOTATION.finditer(text):
        start = match.start("words")
        words = match.group("words")
        trimmed = words.rstrip(",. ")
        sentence = next((s for s in all_sentences if s.start <= match.start() < s.end), None)
        speaker = None
        if sentence is not None:
            after = _AFTER.search(text[match.end() : max(sentence.end, match.end()) + 80].split("\n")[0])
            before = _BEFORE.search(text[sentence.start : match.start()])
            chosen = after or before
            if chosen is not None:
                speaker = (chosen.group("speaker") or chosen.group("speaker2") or "").strip() or None
        found.append(Quotation(start, start + len(trimmed), trimmed, speaker))
    return found
