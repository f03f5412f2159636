"""Figures: what each number counts (MEASURES: a strike's workers and days, else the clause's subject), and
who puts one forward as an offer or a demand (CLAIMS)."""

from __future__ import annotations

import re

from schema.model import Label
from seed.drafting.mentions import Mention
from seed.drafting.reading import Reader

_STRIKE_MEASURES = ("WORKERS_INVOLVED", "DAYS")
_CLAIM = re.compile(r"\b(?:offer(?:ed|s)?|propos(?:ed|es|al)|demand(?:ed|s)?|seek(?:s|ing)?|asking for|wants)\b")


def read_figure(reader: Reader, number: Mention) -> None:
    sentence = reader.sentence_of(number.start)
    subject = reader.subject(sentence, number.start)
    strikes = reader.of_type("strike:")
    target = strikes[0] if strikes and number.measure in _STRIKE_MEASURES else subject
    if target is None:
        return
    fields = {"measure": number.measure, "value": number.value, "unit": number.unit,
              "approximation": number.approximation, "period": number.period}  # fmt: skip
    name = f"{reader.entities[target].name}: {number.text}"
    figure = reader.entity(f"figure:{number.id}", Label.FIGURE, name, reader.sentence_evidence(number.start),
                           **{k: v for k, v in fields.items() if v is not None})  # fmt: skip
    evidence = reader.evidence(number.start)
    reader.fact("MEASURES", figure, target, evidence)
    if subject and _CLAIM.search(reader.text[sentence.start : number.start]):
        reader.fact("CLAIMS", subject, figure, evidence)
