"""Who holds which role for whom: a person's title (PRESIDES, LEADS; a spokesperson REPRESENTS), a person's
role in a union ("a union steward": MEMBER_OF), an organization representing a group (REPRESENTS), and a
committee or local named after an organization (PART_OF)."""

from __future__ import annotations

import re

from schema.model import Label, OrganizationKind
from schema.names import normalized_name
from seed.drafting.mentions import Mention
from seed.drafting.reading import REF, Reader
from seed.drafting.text import Sentence

_REPRESENTING = re.compile(rf"(?P<ref>{REF})\s+representing\s+(?P<np>[a-z][\w' -]{{2,60}}?)(?=\s+for\b|,|\.|$)")


_SPOKESPERSON = re.compile(r"(?i)spokes(?:person|man|woman)")
# A role that makes its holder one of a union's members: "a union steward", "a shop steward", "a member".
_UNION_ROLE = re.compile(r"\b(?:union|steward|member)\b")


def read_leadership(reader: Reader, person: Mention) -> None:
    """A person with a title of an organization: its president or chair (PRESIDES), its spokesperson (who speaks
    for it: REPRESENTS), else another leader (LEADS)."""
    key = reader.at(person)
    of = person.of or ""
    org = reader.named(re.sub(r"^(?:the|its|their)\s+", "", of, flags=re.I)) or reader.refer(of, person.start)
    org = org or reader.refer(f"the {of}", person.start)  # "the union's president": `of` is "union"
    if org is None or key is None:
        return
    title = person.title or ""
    evidence = reader.evidence(person.start)
    if _SPOKESPERSON.fullmatch(title):
        reader.fact("REPRESENTS", key, org, evidence, role=title.lower())
        return
    rel = "PRESIDES" if re.match(r"(?i)(?:president|chair)", title) else "LEADS"
    sentence = reader.sentence_of(person.start)
    years = [d for d in reader.dates_in(sentence.start, sentence.end) if len(d.name) == 4]
    past = re.search(rf"{re.escape(person.text)},?\s+was\b", sentence.text)
    if past and years:
        on, note = years[0].name, f"The article places it in {years[0].name} and gives no term."
    else:
        on = reader.published.isoformat()
        note = f"Attested by the article of {on}; its term is not given."
    reader.fact(rel, key, org, evidence, note=note, title=title.title() if title.islower() else title,
                attested_on=on)  # fmt: skip


def read_union_role(reader: Reader, person: Mention) -> None:
    """ "Samir Osei, a union steward": a member of the union the article names (the last before, else the first),
    with the role as its title; a role that is only a trade ("a line mechanic") says nothing of a union."""
    key = reader.at(person)
    role = person.title or ""
    if key is None or person.of or not _UNION_ROLE.search(role):
        return
    union = reader.union_before(person.start)
    on = reader.published.isoformat()
    reader.fact("MEMBER_OF", key, union, reader.evidence(person.start), title=role[0].upper() + role[1:],
                attested_on=on, note=f"Attested by the article of {on}: {person.text}, {role}.")  # fmt: skip


def read_representing(reader: Reader, sentence: Sentence) -> None:
    """ "The trade association representing the studios": REPRESENTS an industry group."""
    for match in _REPRESENTING.finditer(sentence.text):
        at = sentence.start + match.start()
        party = reader.refer(match.group("ref"), at)
        if party is None:
            continue
        group = reader.entity(f"organization:{normalized_name(match['np'])}", Label.ORGANIZATION, match["np"],
                              reader.sentence_evidence(at), kind=OrganizationKind.INDUSTRY_GROUP.value)  # fmt: skip
        reader.fact("REPRESENTS", party, group, reader.sentence_evidence(at), role=match.group("noun"))


def read_parts(reader: Reader) -> None:
    """A committee or local named after an organization of the article is part of it."""
    for entity in list(reader.entities.values()):
        if entity.fields.get("kind") not in (OrganizationKind.COMMITTEE.value, OrganizationKind.LOCAL.value):
            continue
        parent = reader.named(entity.name.split()[0])
        if parent and parent != entity.key and entity.evidence:
            reader.fact("PART_OF", entity.key, parent, entity.evidence)
