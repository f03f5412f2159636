"""Members' votes: a deal ratified (RATIFIED) or a strike authorized (AUTHORIZED), with the tally as the
fact's `vote` ("212-97", "88%"), the counts as figures of what was voted on, and the deal's term
(`terms.py`). Workers named by their employer ("Acme workers
voted ...") vote through their union; the employer is the one a strike they authorize is against."""

from __future__ import annotations

import re

from schema.model import Label, Measure
from seed.drafting.reading import EN_DASH, STRIKERS, Reader
from seed.drafting.strikes import strike_of
from seed.drafting.terms import read_term
from seed.drafting.text import Sentence

_COUNT = r"[0-9]{1,3}(?:,[0-9]{3})*"
_TALLY = re.compile(
    rf"(?P<yes>{_COUNT})\s*(?:-|\u2013|\u2014|\s+to\s+)\s*(?P<no>{_COUNT})(?![0-9%])"  # 212-97, 1,118 to 152
    r"|(?P<share>[0-9]{1,3}(?:\.[0-9]+)?)\s*(?:%|\s+percent\b|\s+per\s+cent\b)"  # 88%, 97.85 percent
)
# The act voted on: a deal ratified, a strike authorized (in any tense, or as the vote's name).
_RATIFY = r"ratif\w*|approv\w*|accept\w*"
_AUTHORIZE = r"authori[sz]\w*|to\s+(?:go\s+on\s+)?strike\b|in\s+favou?r\s+of\s+(?:a\s+|the\s+)?strike"
_ACT = re.compile(rf"\b(?:(?P<ratify>{_RATIFY})|(?P<authorize>{_AUTHORIZE}))")
_VOTE = re.compile(r"\b(?:vot(?:e|ed|es|ing)|ballot\w*|ratif\w*|authori[sz]\w*)\b")
_AGAINST_IT = re.compile(r"\b(?:reject\w*|against|down|voted\s+no)\b")  # a vote that turned it down
_DEAL = re.compile(r"\b(?:contract|agreement|deal|offer)\b")


def read_votes(reader: Reader, sentence: Sentence) -> None:
    """A sentence reporting a members' vote: who voted, on what, the tally and the day."""
    text = sentence.text
    act, vote = _ACT.search(text), _VOTE.search(text)
    if act is None or vote is None or _AGAINST_IT.search(text[vote.start() : act.start()]):
        return
    at = sentence.start + min(act.start(), vote.start())
    employer = reader.workforce_employer(sentence, at)
    voter = reader.subject(sentence, at)
    if employer is not None or voter is None or reader.kind_of(voter) not in STRIKERS:
        voter = reader.union_before(at)
    if voter is None:
        return
    tally = _TALLY.search(text)
    said = None
    if tally is not None:
        said = f"{tally['yes']}-{tally['no']}" if tally["yes"] else f"{tally['share']}%"
    # the vote's day stands between its words ("voted 212-97 on Wednesday to ratify"); another is another event's
    span = (sentence.start + min(act.start(), vote.start()), sentence.start + max(act.end(), vote.end()))
    days = [d for d in reader.dates_in(*span) if d.date and len(d.date) == 10]
    on, note = (days[0].date, days[0].note) if days else (None, None)
    evidence = reader.evidence(at)
    if act["ratify"]:
        if not _DEAL.search(text):
            return
        voted_on = _agreement(reader, voter, employer, at)
        if on is None:
            pub = reader.published.isoformat()
            reader.fact("RATIFIED", voter, voted_on, evidence, by=pub, vote=said,
                        note=f"Ratified no later than the article's date, {pub}.")  # fmt: skip
        else:
            reader.fact("RATIFIED", voter, voted_on, evidence, on=on, vote=said, note=note)
        read_term(reader, voted_on, sentence)
    else:
        voted_on = strike_of(reader, voter, at)
        reader.fact("AUTHORIZED", voter, voted_on, evidence, on=on, vote=said, note=note)
        reader.fact("AGAINST", voted_on, employer, evidence)
    reader.votes[sentence.start] = voted_on
    if tally is not None and tally["yes"]:
        _counts(reader, voted_on, tally, sentence)


def _agreement(reader: Reader, voter: str, employer: str | None, at: int) -> str:
    """The deal voted on: the one the article reached already, else one between the voters and their employer."""
    existing = reader.of_type("agreement:")
    if len(existing) == 1:
        return existing[0]
    parties = [p for p in (voter, employer) if p]
    name = f"{reader.published.year} {EN_DASH.join(reader.short_name(p) for p in parties)} agreement"
    return reader.entity("agreement:" + ":".join(parties), Label.AGREEMENT, name, reader.sentence_evidence(at))


def _counts(reader: Reader, voted_on: str, tally: re.Match[str], sentence: Sentence) -> None:
    """A tally's votes for and against, as figures of what was voted on."""
    for measure, group in ((Measure.VOTES_FOR, "yes"), (Measure.VOTES_AGAINST, "no")):
        value = float(tally[group].replace(",", ""))
        at = sentence.start + tally.start(group)
        words = "for" if group == "yes" else "against"
        figure = reader.entity(f"figure:vote:{at}", Label.FIGURE,
                               f"{reader.entities[voted_on].name}: {tally[group]} votes {words}",
                               reader.sentence_evidence(at), measure=measure.value, value=value)  # fmt: skip
        reader.fact("MEASURES", figure, voted_on, reader.evidence(at))
