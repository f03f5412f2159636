"""Figures: what each number counts (MEASURES: a strike's workers and days, a vote's shares, a deal's terms and
the workers it covers, else the clause's subject), and who puts one forward as an offer or a demand (CLAIMS)."""

from __future__ import annotations

import re

from schema.model import Label
from seed.drafting.mentions import Mention
from seed.drafting.reading import Reader

_STRIKE_MEASURES = ("WORKERS_INVOLVED", "DAYS")
_VOTE_MEASURES = ("VOTES_FOR", "VOTES_AGAINST", "VOTE_SHARE_FOR", "TURNOUT")
_DEAL_MEASURES = ("WAGE_INCREASE", "AMOUNT", "WORKERS_COVERED")
_THE_DEAL = re.compile(r"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Aa]|[Nn]ew)\s+(?:[\w-]+\s+)?(?:agreement|contract|deal)\b")
_COVERED = re.compile(r"\bcovered\s+by\s+(?:the|this|that|a|its)\s+(?:new\s+)?(?:agreement|contract|deal)\b")
_CLAIM = re.compile(r"\b(?:offer(?:ed|s)?|propos(?:ed|es|al)|demand(?:ed|s)?|seek(?:s|ing)?|asking for|wants)\b")


def read_figure(reader: Reader, number: Mention) -> None:
    sentence = reader.sentence_of(number.start)
    subject = reader.subject(sentence, number.start)
    before = reader.text[sentence.start : number.start]
    claimed = _CLAIM.search(before)
    strikes, deals = reader.of_type("strike:"), reader.of_type("agreement:")
    target = subject
    if number.measure in _STRIKE_MEASURES and strikes:
        target = strikes[0]
    elif number.measure in _VOTE_MEASURES and sentence.start in reader.votes:
        target = reader.votes[sentence.start]  # what the sentence's vote was on
    elif (
        number.measure in _DEAL_MEASURES
        and deals
        and not claimed
        and (_THE_DEAL.search(before) or _COVERED.search(sentence.text))
    ):  # "The agreement ... raises wages by 14%", "640 workers are covered by the contract": not an offer
        target = deals[-1]
    if target is None:
        return
    fields = {"measure": number.measure, "value": number.value, "unit": number.unit,
              "approximation": number.approximation, "period": number.period}  # fmt: skip
    name = f"{reader.entities[target].name}: {number.text}"
    figure = reader.entity(f"figure:{number.id}", Label.FIGURE, name, reader.sentence_evidence(number.start),
                           **{k: v for k, v in fields.items() if v is not None})  # fmt: skip
    evidence = reader.evidence(number.start)
    reader.fact("MEASURES", figure, target, evidence)
    if subject and claimed:
        reader.fact("CLAIMS", subject, figure, evidence)
