"""Candidate facts of the model's own types, read off an article's sentences by rules: who strikes (WAGES,
CALLED, AGAINST), who leads whom (PRESIDES, LEADS), deals reached, party to and ratified, talks and who takes
part, where each side stands on the issues, figures and who claims them, and the documents the article
relays. Each carries its evidence: the quotation it rests on when attributed, else its sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from schema.model import Label, NegotiationStatus, OrganizationKind, SourceKind
from schema.names import normalized_name
from seed.drafting.mentions import DATE, NUMBER, ORGANIZATION, PERSON, PLACE, Mention
from seed.drafting.text import Quotation, Sentence, quotations, sentences


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
_KIND_NOUNS: dict[str, tuple[OrganizationKind, ...]] = {
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
}
_REF = r"(?:[Tt]he|[Ii]ts|[Tt]heir|[Oo]ur)\s+(?P<noun>" + "|".join(sorted(_KIND_NOUNS, key=len, reverse=True)) + r")\b"
_PRONOUN = re.compile(r"^\s*(?:They|It|The (?:company|union|guild))\b")
_ORDINALS = {
    w: n
    for n, w in enumerate(
        ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 1
    )
}
_WORD_VALUE = {
    w: n for n, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])
}

_STANCES = (
    ("REFUSES", r"(?:not willing|unwilling|refused|refuses|declined) to (?:engage on|discuss|talk about|negotiate on|"
                r"negotiate over|consider|address)"),
    ("SILENT_ON", r"did not indicate (?:any )?willingness to (?:address|discuss|engage on)"),
    ("WILLING_TO_DISCUSS", r"(?<!not )willing to (?:increase (?:their|its) offer on|talk about|discuss|negotiate on|"
                           r"move on|consider|revisit)"),
    ("REJECTS", r"\brejected"),
    ("PROPOSES", r"\b(?:is demanding|are demanding|demanded|demands|proposed|is seeking|are seeking|seeks|called for)"),
)  # fmt: skip
_TOPIC_END = re.compile(r"\s+[\u2013\u2014-]\s+|\s+but\s+|\s+because\s+|\s+and willing\b|[;:]|\.(?:\s|$)|\"|\u201d")
_TOPIC_DROP = re.compile(r"^(?:the|a few|a|an|their|its|our|many of the|some of the|more|new|any)\s+", re.I)


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
                fields["kind"] = "CITY" if mention.name not in _states() else "REGION"
            self.entities[key] = Entity(key, label, mention.name, evidence=self.sentence_evidence(mention.start))
            self.entities[key].fields.update(fields)
        entity = self.entities[key]
        entity.mentions.append(mention.id)
        for name in names:
            if name != entity.name and name not in entity.aliases:
                entity.aliases.append(name)
            self._aliases.setdefault(normalized_name(name), key)
        if mention.organization_kind and entity.fields.get("kind") == OrganizationKind.OTHER.value:
            entity.fields["kind"] = mention.organization_kind
        self._at[mention.start] = key
        return key

    def _entity(self, key: str, label: Label, name: str, evidence: Evidence, **fields: Any) -> str:
        if key not in self.entities:
            self.entities[key] = Entity(key, label, name, fields=dict(fields), evidence=evidence)
        return key

    def entity_at(self, start: int, end: int, kinds: tuple[str, ...] = (ORGANIZATION,)) -> str | None:
        """The entity a mention inside [start, end) stands for: the last one there."""
        found = [m for m in self.mentions if m.kind in kinds and start <= m.start and m.end <= end]
        return self._at.get(found[-1].start) if found else None

    def refer(self, phrase: str, before: int) -> str | None:
        """What "the union", "the trade association" or a name before `before` stands for."""
        match = re.search(_REF, phrase)
        if match is None:
            return self.entity_at(0, before) if False else None
        kinds = _KIND_NOUNS[match.group("noun").lower()]
        for mention in reversed([m for m in self.mentions if m.kind == ORGANIZATION and m.end <= before]):
            key = self._at.get(mention.start)
            if key and self.entities[key].fields.get("kind") in {kind.value for kind in kinds}:
                return key
        return None

    def subject(self, sentence: Sentence, upto: int) -> str | None:
        """The party a clause is about: the last organization or reference before `upto` in its sentence."""
        clause = self.text[sentence.start : upto]
        found = [m for m in self.mentions if m.kind in (ORGANIZATION, PERSON) and sentence.start <= m.start < upto]
        refs = list(re.finditer(_REF, clause))
        if refs and (not found or sentence.start + refs[-1].start() > found[-1].start):
            return self.refer(refs[-1].group(0), sentence.start + refs[-1].start())
        if found:
            return self._at.get(found[-1].start)
        return None

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
        if start is None or end is None or start == end:
            return
        said = tuple((k, v) for k, v in qualifiers.items() if v)
        self.facts.setdefault((rel, start, end), FactProposal(rel, start, end, said, note, inferred, evidence))

    def read(self) -> None:
        for mention in self.mentions:
            if mention.kind == PERSON and mention.title and mention.of:
                self._leadership(mention)
        for sentence in self.sentences:
            self._strikes(sentence)
            self._deals(sentence)
            self._talks(sentence)
            self._stances(sentence)
            self._relayed(sentence)
            self._representing(sentence)
        for mention in self.mentions:
            if mention.kind == NUMBER:
                self._figure(mention)
        self._parts()
        self._strike_targets()

    def _leadership(self, person: Mention) -> None:
        key = self._at.get(person.start)
        of = person.of or ""
        org = self._aliases.get(normalized_name(re.sub(r"^(?:the|its|their)\s+", "", of, flags=re.I)))
        org = org or self.refer(of, person.start)
        if org is None or key is None:
            return
        title = person.title or ""
        rel = "PRESIDES" if re.match(r"(?i)(?:president|chair)", title) else "LEADS"
        sentence = self.sentence_of(person.start)
        years = [d for d in self.dates_in(sentence.start, sentence.end) if len(d.name) == 4]
        past = re.search(rf"{re.escape(person.text)},?\s+was\b", sentence.text)
        if past and years:
            on, note = years[0].name, f"The article places it in {years[0].name} and gives no term."
        else:
            on = self.published.isoformat()
            note = f"Attested by the article of {on}; its term is not given."
        self.fact(rel, key, org, self.evidence(person.start), note=note, title=title.title() if title.islower()
                  else title, attested_on=on)  # fmt: skip

    def _strike_of(self, org: str, sentence: Sentence, at: int) -> str:
        name = self.entities[org].aliases[0] if self.entities[org].aliases else self.entities[org].name
        key = f"strike:{org}"
        return self._entity(key, Label.STRIKE, f"{self.published.year} {name} strike", self.sentence_evidence(at))

    def _strikes(self, sentence: Sentence) -> None:
        text = sentence.text
        for match in re.finditer(r"\b(?:strike|walkout|walked (?:off the job|out)|on strike|struck)\b", text):
            at = sentence.start + match.start()
            if re.search(r"(?:double|first|general|hunger|last)\s+$", text[: match.start()]):
                continue
            striker = self.subject(sentence, at)
            if striker is None or self.entities[striker].fields.get("kind") not in (
                OrganizationKind.UNION.value,
                OrganizationKind.LOCAL.value,
                OrganizationKind.OTHER.value,
            ):
                continue  # fmt: skip
            strike = self._strike_of(striker, sentence, at)
            since, note = self._strike_start(sentence)
            self.fact("WAGES", striker, strike, self.evidence(at), note=note, since=since)
            called = re.search(r"called (?:the|a|its) strike", text)
            if called:
                dates = [d for d in self.dates_in(sentence.start + called.end(), sentence.end)]
                if dates:
                    self.fact("CALLED", striker, strike, self.evidence(at), on=dates[0].date,
                              note=f"{dates[0].note}")  # fmt: skip
            against = re.search(r"(?:strike|walked (?:off the job|out)) (?:against|at) ", text[match.start() :])
            if against:
                target = self.entity_at(at + against.end(), sentence.end)
                self.fact("AGAINST", strike, target, self.evidence(at))

    def _strike_start(self, sentence: Sentence) -> tuple[str | None, str | None]:
        """A strike's first day from "crossed the 100-day mark on D" or "entered the fourth week ... on D"."""
        text = sentence.text
        dates = self.dates_in(sentence.start, sentence.end)
        day_mark = re.search(r"(?P<n>[0-9]+)-day mark", text)
        week = re.search(r"(?P<n>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) week of", text)
        began = re.search(r"(?:went on strike|walked (?:off the job|out)|began (?:a|the|their|its) strike)", text)
        found = day_mark or week or began
        if found is None:
            return None, None
        after = [d for d in dates if d.start >= sentence.start + found.end() and d.date and len(d.date) == 10]
        if not after:
            return None, None
        day = dt.date.fromisoformat(after[0].date or "")
        if day_mark:
            first = day - dt.timedelta(days=int(day_mark["n"]) - 1)
            why = f"day {day_mark['n']} was {day.isoformat()} ({after[0].note.rstrip('.')})"  # type: ignore[union-attr]
        elif week:
            first = day - dt.timedelta(weeks=_ORDINALS[week["n"]] - 1)
            why = f"week {_ORDINALS[week['n']]} began {day.isoformat()} ({after[0].note.rstrip('.')})"  # type: ignore[union-attr]
        else:
            first, why = day, after[0].note or ""
        return first.isoformat(), f"Since {first.isoformat()}: {why}, counting the first day as day 1."

    def _deals(self, sentence: Sentence) -> None:
        text = sentence.text
        for match in re.finditer(r"\b(?:reached|struck|agreed to|secured|signed)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?"
                                 r"(?:deal|agreement|contract)\b", text):  # fmt: skip
            at = sentence.start + match.start()
            first = self.subject(sentence, at)
            if first is None:
                continue
            rest = text[match.end() :]
            other = None
            with_ = re.match(r"\s+with\s+", rest)
            if with_:
                other = self.entity_at(sentence.start + match.end(), sentence.end)
            parties = [p for p in (first, other) if p]
            short = [
                self.entities[p].aliases[0] if self.entities[p].aliases else self.entities[p].name for p in parties
            ]
            dates = [d for d in self.dates_in(sentence.start + match.end(), sentence.end)]
            key = "agreement:" + ":".join(parties)
            agreement = self._entity(key, Label.AGREEMENT, f"{self.published.year} {EN_DASH.join(short)} agreement",
                                     self.sentence_evidence(at))  # fmt: skip
            on, note = (dates[0].date, dates[0].note) if dates else (None, None)
            evidence = self.evidence(at)
            for party in parties:
                self.fact("REACHED", party, agreement, evidence, on=on, note=note)
                self.fact("PARTY_TO", party, agreement, evidence, on=on, note=note)
            if re.search(r"\b(?:has|have) (?:since )?been ratified|\bwas ratified|\bratified\b", rest):
                pub = self.published.isoformat()
                self.fact("RATIFIED", first, agreement, evidence, by=pub,
                          note=f"Ratified no later than the article's date, {pub}.")  # fmt: skip

    def _talks(self, sentence: Sentence) -> None:
        text = sentence.text
        trigger = re.search(r"\b(?:talks|negotiations|met|meet|meeting|bargaining session)\b", text)
        if trigger is None:
            return
        at = sentence.start + trigger.start()
        dates = [d for d in self.dates_in(at, sentence.end) if d.date and len(d.date) == 10]
        if not dates:
            return
        day = dates[0]
        parties: list[str] = []
        for with_ in re.finditer(r"\bwith\s+", text[trigger.start() :]):
            begin = at + with_.end()
            party = self.entity_at(begin, min(begin + 80, sentence.end)) if self._starts_with_mention(begin) else None
            party = party or self.refer(text[begin - sentence.start : begin - sentence.start + 40], begin)
            if party:
                parties.append(party)
        asked = re.search(r"(?:has |had )?asked (?:the )?", text)
        requester = None
        if asked:
            before = [m for m in self.mentions if m.kind in (PERSON, ORGANIZATION)
                      and sentence.start <= m.start < sentence.start + asked.start()]  # fmt: skip
            requester = self._at.get(before[0].start) if before else None
            invited = self.entity_at(sentence.start + asked.end(), at + 1)
            if invited:
                parties.insert(0, invited)
        if not parties:
            return
        status = (
            NegotiationStatus.SCHEDULED
            if day.date and day.date > self.published.isoformat()
            else NegotiationStatus.HELD
        )
        key = f"talks:{day.date}"
        names = [self.entities[p].aliases[0] if self.entities[p].aliases else self.entities[p].name for p in parties]
        talks = self._entity(key, Label.NEGOTIATION, f"{EN_DASH.join(dict.fromkeys(names))} talks of {day.date}",
                             self.sentence_evidence(at), date=day.date, status=status.value, note=day.note)  # fmt: skip
        evidence = self.evidence(at)
        for party in parties:
            self.fact("PARTICIPATES_IN", party, talks, evidence)
        if requester:
            self.fact("REQUESTED", requester, talks, evidence)
        announced = re.search(r"\bannounc\w*", text)
        if announced:
            announcer = self.subject(sentence, sentence.start + announced.start())
            said_on = [d for d in self.dates_in(sentence.start, sentence.start + announced.start()) if d.date]
            on, note = (said_on[-1].date, said_on[-1].note) if said_on else (None, None)
            self.fact("ANNOUNCED", announcer, talks, self.sentence_evidence(at), on=on, note=note)
        for strike in [k for k in self.entities if k.startswith("strike:")]:
            if re.search(r"\bstrike\b", text):
                self.fact("ABOUT", talks, strike, self.sentence_evidence(at))

    def _starts_with_mention(self, position: int) -> bool:
        return any(m.start in (position, position + 4) and m.kind == ORGANIZATION for m in self.mentions)

    def _stances(self, sentence: Sentence) -> None:
        text = sentence.text
        for rel, pattern in _STANCES:
            for match in re.finditer(pattern, text):
                at = sentence.start + match.start()
                party = self.subject(sentence, at)
                if party is None and _PRONOUN.match(text):
                    party = getattr(self, "_last_party", None)
                if party is None:
                    continue
                self._last_party = party
                evidence = self.evidence(at)
                speaker = self._speaker(at)
                for topic in _topics(text[match.end() :]):
                    issue = self._entity(f"issue:{normalized_name(topic)}", Label.ISSUE, topic[0].upper() + topic[1:],
                                         self.sentence_evidence(at))  # fmt: skip
                    self.fact(rel, party, issue, evidence)
                    if speaker and speaker != party and rel != "PROPOSES":
                        who = self.entities[speaker].name
                        self.fact("PROPOSES", speaker, issue, evidence, inferred=True,
                                  note=f"Inferred: {who} reports the other side's answer to what is on the table, "
                                       "but does not say this topic is its own proposal.")  # fmt: skip

    def _speaker(self, position: int) -> str | None:
        quotation = self.quotation_at(position)
        speaker = quotation.speaker if quotation else None
        if speaker is None:
            return getattr(self, "_last_speaker", None)
        self._last_speaker = self.refer(speaker, position) or self._aliases.get(normalized_name(speaker))
        return self._last_speaker

    def _relayed(self, sentence: Sentence) -> None:
        """Documents the article relays: a report ("according to X"), a statement, an email."""
        text = sentence.text
        for match in re.finditer(r"according to (?:the )?", text):
            outlet = self.entity_at(sentence.start + match.start(), sentence.end)
            if outlet is None:
                continue
            name = self.entities[outlet].name
            report = self._entity(f"source:report:{outlet}", Label.SOURCE, f"{name} report relayed on "
                                  f"{self.published.isoformat()}", self.sentence_evidence(sentence.start),
                                  kind=SourceKind.REPORT.value, publisher=name)  # fmt: skip
            self.fact("PUBLISHED", outlet, report, self.sentence_evidence(sentence.start + match.start()))
            self.fact("CITES", self.source_key, report, self.sentence_evidence(sentence.start + match.start()))
        for match in re.finditer(r"\b(?:said|says) in a statement|\bsent an email|\bin an email\b", text):
            author = self.subject(sentence, sentence.start + match.start())
            if author is None:
                continue
            kind = SourceKind.EMAIL if "email" in match.group(0) else SourceKind.STATEMENT
            name = self.entities[author].name
            document = self._entity(f"source:{kind.value.lower()}:{author}", Label.SOURCE,
                                    f"{name} {kind.value.lower()} relayed on {self.published.isoformat()}",
                                    self.sentence_evidence(sentence.start), kind=kind.value, publisher=name)  # fmt: skip  # noqa: E501
            evidence = self.sentence_evidence(sentence.start + match.start())
            self.fact("PUBLISHED", author, document, evidence)
            if kind is SourceKind.STATEMENT:
                self.fact("CITES", self.source_key, document, evidence)

    def _representing(self, sentence: Sentence) -> None:
        for match in re.finditer(rf"(?P<ref>{_REF})\s+representing\s+(?P<np>[a-z][\w' -]{{2,60}}?)(?=\s+for\b|,|\.|$)",
                                 sentence.text):  # fmt: skip
            at = sentence.start + match.start()
            party = self.refer(match.group("ref"), at)
            if party is None:
                continue
            group = self._entity(f"organization:{normalized_name(match['np'])}", Label.ORGANIZATION, match["np"],
                                 self.sentence_evidence(at), kind=OrganizationKind.INDUSTRY_GROUP.value)  # fmt: skip
            self.fact("REPRESENTS", party, group, self.sentence_evidence(at), role=match.group("noun"))

    def _figure(self, number: Mention) -> None:
        sentence = self.sentence_of(number.start)
        subject = self.subject(sentence, number.start)
        strikes = [k for k in self.entities if k.startswith("strike:")]
        target = strikes[0] if strikes and number.measure in ("WORKERS_INVOLVED", "DAYS") else subject
        if target is None:
            return
        fields = {"measure": number.measure, "value": number.value, "unit": number.unit,
                  "approximation": number.approximation, "period": number.period}  # fmt: skip
        name = f"{self.entities[target].name}: {number.text}"
        figure = self._entity(f"figure:{number.id}", Label.FIGURE, name, self.sentence_evidence(number.start),
                              **{k: v for k, v in fields.items() if v is not None})  # fmt: skip
        evidence = self.evidence(number.start)
        self.fact("MEASURES", figure, target, evidence)
        claim = re.search(r"\b(?:offer(?:ed|s)?|propos(?:ed|es|al)|demand(?:ed|s)?|seek(?:s|ing)?|asking for|wants)\b",
                          self.text[sentence.start : number.start])  # fmt: skip
        if claim and subject:
            self.fact("CLAIMS", subject, figure, evidence)

    def _parts(self) -> None:
        """A committee or local named after an organization of the article is part of it."""
        for entity in list(self.entities.values()):
            if entity.fields.get("kind") not in (OrganizationKind.COMMITTEE.value, OrganizationKind.LOCAL.value):
                continue
            first = entity.name.split()[0]
            parent = self._aliases.get(normalized_name(first))
            if parent and parent != entity.key and entity.evidence:
                self.fact("PART_OF", entity.key, parent, entity.evidence)

    def _strike_targets(self) -> None:
        """A strike with no target named: the other side of the strikers' talks, inferred."""
        sides = ("PARTICIPATES_IN", "ANNOUNCED", "REQUESTED")
        for strike_key in [k for k in self.entities if k.startswith("strike:")]:
            if any(f.type == "AGAINST" and f.start == strike_key for f in self.facts.values()):
                continue
            striker = strike_key.removeprefix("strike:")
            ours = {striker} | {f.start for f in self.facts.values() if f.type == "PART_OF" and f.end == striker}
            talks = {f.end for f in self.facts.values() if f.type in sides and f.start in ours}
            for fact in list(self.facts.values()):
                if fact.type != "PARTICIPATES_IN" or fact.end not in talks or fact.start in ours:
                    continue
                if self.entities[fact.start].fields.get("kind") in (
                    OrganizationKind.UNION.value,
                    OrganizationKind.COMMITTEE.value,
                ):
                    continue  # fmt: skip
                name = self.entities[striker].name
                self.fact("AGAINST", strike_key, fact.start, fact.evidence, inferred=True,
                          note=f"Inferred: {name}'s talks during the strike are with "
                               f"{self.entities[fact.start].name}.")  # fmt: skip


def _topics(words: str) -> Iterator[str]:
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


def _states() -> set[str]:
    from seed.us_states import US_STATES

    return set(US_STATES.values())
