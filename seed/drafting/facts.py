"""Candidate facts of the model's own types, read off an article's sentences by rules, each with its evidence:
the quotation it rests on when attributed, else its sentence. The rules live by subject (strikes, deals, talks,
stances, roles, figures, relayed documents); this runs them in order over one `Reader`."""

from __future__ import annotations

import datetime as dt

from seed.drafting.deals import read_deals
from seed.drafting.figures import read_figure
from seed.drafting.mentions import NUMBER, PERSON, Mention
from seed.drafting.reading import Reader
from seed.drafting.relayed import read_relayed
from seed.drafting.roles import read_leadership, read_parts, read_representing, read_union_role
from seed.drafting.stances import read_stances
from seed.drafting.strikes import read_strikes, strike_targets
from seed.drafting.talks import read_talks
from seed.drafting.terms import read_terms
from seed.drafting.votes import read_votes


def read_facts(text: str, published: dt.date, mentions: list[Mention], source_key: str) -> Reader:
    """An article read: its entities and the facts the rules propose between them."""
    reader = Reader(text, published, mentions, source_key)
    for mention in mentions:
        if mention.kind == PERSON and mention.title:
            read_leadership(reader, mention) if mention.of else read_union_role(reader, mention)
    for sentence in reader.sentences:  # each subject's rules see the facts the earlier ones proposed
        read_strikes(reader, sentence)
        read_deals(reader, sentence)
        read_talks(reader, sentence)
        read_stances(reader, sentence)
        read_relayed(reader, sentence)
        read_representing(reader, sentence)
    for sentence in reader.sentences:  # after the deals: a vote is on a deal the article may name later
        read_votes(reader, sentence)
    for mention in mentions:
        if mention.kind == NUMBER:
            read_figure(reader, mention)
    read_parts(reader)
    read_terms(reader)
    strike_targets(reader)
    reader.drop_idle_outlets()
    return reader
