"""One article as the fact rules read it: its sentences and quotations, the entities its mentions stand for
(and the events, issues and figures the rules add), and the facts proposed so far, each with its evidence. The
rules live by subject beside it (`strikes.py`, `deals.py`, `talks.py`, `stances.py`, `roles.py`, `figures.py`,
`relayed.py`); `facts.py` runs them in order."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from schema.model import Label, OrganizationKind
from schema.names import normalized_name
from seed.drafting.mentions import DATE, ORGANIZATION, PEOPLE_UNITS, PERSON, PLACE, Mention
from seed.drafting.text import Quotation, Sentence, quotations, sentences
from seed.us_states import US_STATES


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    quote: str | None = None  # words inside quotation marks, attributed in their sentence
    paraphrase: str | None = None  # otherwise: the article's sentence
    speaker: str | None = None  # whom the quote is attributed to, as written


@dataclass
class Entity:
    key: str
    label: Label
    name: str
    aliases: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    mentions: list[str] = field(default_factory=list)
    evidence: Evidence | None = None


@dataclass(frozen=True)
class FactProposal:
    type: str
    start: str  # entity keys
    end: str
    qualifiers: tuple[tuple[str, str], ...]
    note: str | None
    inferred: bool
    evidence: Evidence


EN_DASH = "\u2013"  # between the parties of a deal or talks, as the seed names them
KIND_NOUNS: dict[str, tuple[OrganizationKind, ...]] = {
    "union": (OrganizationKind.UNION, OrganizationKind.LOCAL),
    "guild": (OrganizationKind.UNION,),
    "union group": (OrganizationKind.UNION,),
    "local": (OrganizationKind.LOCAL, OrganizationKind.UNION),
    "company": (OrganizationKind.EMPLOYER,),
    "employer": (OrganizationKind.EMPLOYER,),
    "hospital": (OrganizationKind.EMPLOYER,),
    "management": (OrganizationKind.EMPLOYER,),
    "trade association": (OrganizationKind.TRADE_ASSOCIATION,),
    "association": (OrganizationKind.TRADE_ASSOCIATION,),
    "alliance": (OrganizationKind.TRADE_ASSOCIATION,),
    "committee": (OrganizationKind.COMMITTEE,),
    "authority": (OrganizationKind.GOVERNMENT,),
    "board": (OrganizationKind.GOVERNMENT,),
}
# "the union", "its guild", "our company": a reference to the last organization of that kind.
REF = r"(?:[Tt]he|[Ii]ts|[Tt]heir|[Oo]ur)\s+(?P<noun>" + "|".join(sorted(KIND_NOUNS, key=len, reverse=True)) + r")\b"
_PEOPLE = rf"(?:{'|'.join(PEOPLE_UNITS)})"
# Workers named by their employer: "Pellworth workers", "Acme's drivers", "drivers and dock workers at Acme",
# "nurses at the hospital" (`employer`: a reference to resolve). An organization's name stands before or after.
WORKFORCE = (
    re.compile(rf"(?:[A-Z][\w&.'\u2019-]*\s+){{1,5}}(?:(?:[a-z-]+\s+){{0,2}}){_PEOPLE}\b"),  # Franz (bakery) workers
    re.compile(
        rf"(?i:{_PEOPLE})(?:\s+and\s+(?:[a-z-]+\s+)?{_PEOPLE})?\s+at\s+"  # drivers (and dock workers) at
        rf"(?:(?P<employer>{REF})|(?:the\s+)?(?:[A-Z][\w&.'\u2019-]*\s*){{1,5}})"
    ),
)
STRIKERS = frozenset(
    {OrganizationKind.UNION.value, OrganizationKind.LOCAL.value, OrganizationKind.OTHER.value}
)  # the kinds that strike, authorize and ratify


class Reader:
    """Reads one article: its entities (from the mentions) and the facts the rules find between them."""

    def __init__(self, text: str, published: dt.date, mentions: list[Mention], source_key: str) -> None:
        self.text = text
        self.published = published
        self.mentions = mentions
        self.source_key = source_key
        self.sentences = sentences(text)
        self.quotations = quotations(text, self.sentences)
        self.entities: dict[str, Entity] = {}
        self.facts: dict[tuple[str, str, str], FactProposal] = {}
        self.last_party: str | None = None  # the party of the last stance: "They ..." continues it
        self.last_speaker: str | None = None  # the last quotation's speaker
        self.votes: dict[int, str] = {}  # a vote's sentence start -> what was voted on (its figures count it)
        self._at: dict[int, str] = {}  # mention start -> entity key
        self._aliases: dict[str, str] = {}  # name or alias key -> entity key
        for mention in mentions:
            if mention.kind in (ORGANIZATION, PERSON, PLACE):
                self._entity_of(mention)

    # -- entities ---------------------------------------------------------------------------------------------

    def _entity_of(self, mention: Mention) -> str:
        label = {ORGANIZATION: Label.ORGANIZATION, PERSON: Label.PERSON, PLACE: Label.PLACE}[mention.kind]
        names = [mention.name, *mention.aliases]
        key = next((self._aliases[k] for k in map(normalized_name, names) if k in self._aliases), None)
        if key is None or self.entities[key].label is not label:
            key = f"{label.value.lower()}:{normalized_name(mention.name)}"
            fields: dict[str, Any] = {}
            if label is Label.ORGANIZATION:
                fields["kind"] = mention.organization_kind or OrganizationKind.OTHER.value
            if label is Label.PLACE:
                fields["kind"] = "CITY" if mention.name not in US_STATES.values() else "REGION"
            self.entities[key] = Entity(key, label, mention.name, evidence=self.sentence_evidence(mention.start))
            self.entities[key].fields.update(fields)
        entity = self.entities[key]
        entity.mentions.append(mention.id)
        for name in names:
            if name != entity.name and name not in entity.aliases:
                entity.aliases.append(name)
            self._aliases.setdefault(normalized_name(name), key)
        self._aliases.setdefault(normalized_name(mention.text), key)  # a short form ("Pellworth") finds it too
        if mention.organization_kind and entity.fields.get("kind") == OrganizationKind.OTHER.value:
            entity.fields["kind"] = mention.organization_kind
        self._at[mention.start] = key
        return key

    def entity(self, key: str, label: Label, name: str, evidence: Evidence, **fields: Any) -> str:
        """A node the rules add (an event, an issue, a figure, a document), once per key."""
        if key not in self.entities:
            self.entities[key] = Entity(key, label, name, fields=dict(fields), evidence=evidence)
        return key

    def short_name(self, key: str) -> str:
        """An entity's shortest handle: its first alias (an acronym), else its name."""
        entity = self.entities[key]
        return entity.aliases[0] if entity.aliases else entity.name

    def kind_of(self, key: str) -> str | None:
        return self.entities[key].fields.get("kind")

    def named(self, name: str) -> str | None:
        """The entity a name or an alias stands for."""
        return self._aliases.get(normalized_name(name))

    def at(self, mention: Mention) -> str | None:
        return self._at.get(mention.start)

    def entity_at(self, start: int, end: int, kinds: tuple[str, ...] = (ORGANIZATION,)) -> str | None:
        """The entity a mention inside [start, end) stands for: the last one there."""
        found = [m for m in self.mentions if m.kind in kinds and start <= m.start and m.end <= end]
        return self._at.get(found[-1].start) if found else None

    def first_entity_in(self, start: int, end: int, kinds: tuple[str, ...] = (ORGANIZATION,)) -> str | None:
        found = [m for m in self.mentions if m.kind in kinds and start <= m.start and m.end <= end]
        return self._at.get(found[0].start) if found else None

    def refer(self, phrase: str, before: int) -> str | None:
        """What "the union", "the trade association" or a name before `before` stands for: the last
        organization of the noun's kind, or with the noun in its name ("the association": a nurses' one)."""
        match = re.search(REF, phrase)
        if match is None:
            return None
        noun = match.group("noun").lower()
        kinds = {kind.value for kind in KIND_NOUNS[noun]}
        for mention in reversed([m for m in self.mentions if m.kind == ORGANIZATION and m.end <= before]):
            key = self._at.get(mention.start)
            if key and (self.kind_of(key) in kinds or noun in self.entities[key].name.lower().split()):
                return key
        return None

    def subject(self, sentence: Sentence, upto: int) -> str | None:
        """The party a clause is about: the last organization or reference before `upto` in its sentence."""
        clause = self.text[sentence.start : upto]
        outlet = OrganizationKind.MEDIA_OUTLET.value  # an outlet a speaker told is no party to the clause
        found = [m for m in self.mentions if m.kind in (ORGANIZATION, PERSON) and sentence.start <= m.start < upto
                 and m.organization_kind != outlet]  # fmt: skip
        refs = list(re.finditer(REF, clause))
        if refs and (not found or sentence.start + refs[-1].start() > found[-1].start):
            return self.refer(refs[-1].group(0), sentence.start + refs[-1].start())
        if found:
            return self._at.get(found[-1].start)
        return None

    def union_before(self, position: int) -> str | None:
        """The union (or local) the article last named before `position`, else the first it names at all: a
        workforce named by its employer ("Acme workers") or "a union steward" stands for it."""
        unions = [m for m in self.mentions if m.kind == ORGANIZATION and self.kind_of(self._at[m.start]) in
                  (OrganizationKind.UNION.value, OrganizationKind.LOCAL.value)]  # fmt: skip
        before = [m for m in unions if m.end <= position]
        chosen = before[-1] if before else unions[0] if unions else None
        return self._at[chosen.start] if chosen else None

    # -- evidence ------------------------------------------------------------------------------------------

    def sentence_of(self, position: int) -> Sentence:
        return next((s for s in self.sentences if s.start <= position < s.end), self.sentences[-1])

    def sentence_evidence(self, position: int) -> Evidence:
        sentence = self.sentence_of(position)
        return Evidence(sentence.start, sentence.end, paraphrase=sentence.text)

    def evidence(self, position: int) -> Evidence:
        """The attributed quotation holding `position`, else its sentence."""
        quotation = self.quotation_at(position)
        if quotation is not None and quotation.speaker is not None:
            return Evidence(quotation.start, quotation.end, quote=quotation.words, speaker=quotation.speaker)
        return self.sentence_evidence(position)

    def quotation_at(self, position: int) -> Quotation | None:
        return next((q for q in self.quotations if q.start <= position < q.end), None)

    def dates_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.kind == DATE and start <= m.start and m.end <= end]

    # -- facts ---------------------------------------------------------------------------------------------

    def fact(self, rel: str, start: str | None, end: str | None, evidence: Evidence, *, note: str | None = None,
             inferred: bool = False, **qualifiers: str | None) -> None:  # fmt: skip
        """Propose a fact: the first proposal of a type between two ends stands, unless it gave no qualifier
        and a later one does ("walked off the job on Aug. 26" after "ended an 11-day walkout")."""
        if start is None or end is None or start == end:
            return
        said = tuple((k, v) for k, v in qualifiers.items() if v)
        earlier = self.facts.get((rel, start, end))
        if earlier is None or (said and not earlier.qualifiers):
            self.facts[(rel, start, end)] = FactProposal(rel, start, end, said, note, inferred, evidence)

    def drop_idle_outlets(self) -> None:
        """An outlet no fact touches (the one a speaker told) is not proposed: it is no party to the dispute."""
        touched = {end for fact in self.facts.values() for end in (fact.start, fact.end)}
        for key in [k for k, e in self.entities.items() if e.fields.get("kind") == OrganizationKind.MEDIA_OUTLET.value]:
            if key not in touched:
                del self.entities[key]

    def workforce_employer(self, sentence: Sentence, upto: int) -> str | None:
        """The employer a clause names its workers by, before `upto`: "Franz workers", "Pellworth's bakers",
        "Drivers at Corrow Freight Lines", "nurses at the hospital". Those workers act through their union."""
        clause = self.text[sentence.start : upto]
        for match in (found for form in WORKFORCE for found in form.finditer(clause)):
            if match.groupdict().get("employer"):
                return self.refer(match["employer"], sentence.start + match.start("employer") + 1)
            found = self.entity_at(sentence.start + match.start(), sentence.start + match.end())
            if found and self.kind_of(found) == OrganizationKind.EMPLOYER.value:
                return found
        return None

    def of_type(self, prefix: str) -> list[str]:
        """The keys of the entities the rules added of one kind ("strike:", "agreement:")."""
        return [key for key in self.entities if key.startswith(prefix)]
