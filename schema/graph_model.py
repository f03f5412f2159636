"""The graph model: node labels, the closed set of relationship types and which nodes each may join,
and the constraints and indexes that keep ids unique and lookups fast.

Labels and types reach Cypher only from these enums (an allow-list), never from client text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from schema.keys import key_schema_statements


class Label(Enum):
    ORGANIZATION = "Organization"
    PERSON = "Person"
    STRIKE = "Strike"
    AGREEMENT = "Agreement"
    NEGOTIATION = "Negotiation"
    ISSUE = "Issue"
    SOURCE = "Source"


# Every node also carries this label, so one constraint keeps ids unique across kinds and one index
# answers `node(id:)` whatever the kind.
ENTITY = "Entity"


class OrganizationKind(Enum):
    UNION = "UNION"  # a union or guild
    COMMITTEE = "COMMITTEE"  # a body inside an organization, e.g. a negotiating committee
    TRADE_ASSOCIATION = "TRADE_ASSOCIATION"
    STUDIO = "STUDIO"
    STREAMER = "STREAMER"
    INDUSTRY_GROUP = "INDUSTRY_GROUP"  # a loosely named group, e.g. "major studios and streamers"
    MEDIA_OUTLET = "MEDIA_OUTLET"
    OTHER = "OTHER"


class NegotiationStatus(Enum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"


class SourceKind(Enum):
    ARTICLE = "ARTICLE"
    REPORT = "REPORT"
    EMAIL = "EMAIL"
    STATEMENT = "STATEMENT"
    DOCUMENT = "DOCUMENT"


class RelType(Enum):
    PRESIDES = "PRESIDES"
    LEADS = "LEADS"
    MEMBER_OF = "MEMBER_OF"
    PART_OF = "PART_OF"
    REPRESENTS = "REPRESENTS"
    WAGES = "WAGES"
    CALLED = "CALLED"
    AGAINST = "AGAINST"
    REACHED = "REACHED"
    PARTY_TO = "PARTY_TO"
    RATIFIED = "RATIFIED"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    REQUESTED = "REQUESTED"
    ANNOUNCED = "ANNOUNCED"
    ABOUT = "ABOUT"
    PROPOSES = "PROPOSES"
    WILLING_TO_DISCUSS = "WILLING_TO_DISCUSS"
    REFUSES = "REFUSES"
    SILENT_ON = "SILENT_ON"
    SUPPORTS = "SUPPORTS"
    PUBLISHED = "PUBLISHED"
    CITES = "CITES"


@dataclass(frozen=True)
class RelRule:
    sources: frozenset[Label]
    targets: frozenset[Label]
    meaning: str


def _rule(sources: set[Label], targets: set[Label], meaning: str) -> RelRule:
    return RelRule(frozenset(sources), frozenset(targets), meaning)


ORG, PERSON = Label.ORGANIZATION, Label.PERSON
PARTIES = {ORG, PERSON}

# Which labels each relationship type may connect, and what it means (the README's model table).
REL_RULES: dict[RelType, RelRule] = {
    RelType.PRESIDES: _rule({PERSON}, {ORG}, "a person is president or chair of an organization"),
    RelType.LEADS: _rule({PERSON}, {ORG}, "a person holds another leading role (title says which)"),
    RelType.MEMBER_OF: _rule(PARTIES, {ORG}, "a person or company is a member of an organization"),
    RelType.PART_OF: _rule({ORG}, {ORG}, "a body (e.g. a committee) belongs to an organization"),
    RelType.REPRESENTS: _rule(PARTIES, {ORG}, "speaks or bargains for another organization"),
    RelType.WAGES: _rule({ORG}, {Label.STRIKE}, "an organization is on strike"),
    RelType.CALLED: _rule(PARTIES, {Label.STRIKE}, "called the strike (on = when)"),
    RelType.AGAINST: _rule({Label.STRIKE}, {ORG}, "whom the strike is against"),
    RelType.REACHED: _rule({ORG}, {Label.AGREEMENT}, "an organization reached (agreed) a deal"),
    RelType.PARTY_TO: _rule({ORG}, {Label.AGREEMENT}, "an organization is a party to a deal"),
    RelType.RATIFIED: _rule({ORG}, {Label.AGREEMENT}, "an organization's members ratified a deal"),
    RelType.PARTICIPATES_IN: _rule(PARTIES, {Label.NEGOTIATION}, "takes part in a meeting or round of talks"),
    RelType.REQUESTED: _rule(PARTIES, {Label.NEGOTIATION}, "asked for the meeting to take place"),
    RelType.ANNOUNCED: _rule(PARTIES, {Label.NEGOTIATION, Label.STRIKE, Label.AGREEMENT}, "made it public"),
    RelType.ABOUT: _rule(
        {Label.NEGOTIATION, Label.AGREEMENT},
        {Label.STRIKE, Label.ISSUE, Label.AGREEMENT},
        "what talks concern",
    ),
    RelType.PROPOSES: _rule(PARTIES, {Label.ISSUE}, "puts a bargaining topic on the table"),
    RelType.WILLING_TO_DISCUSS: _rule(PARTIES, {Label.ISSUE}, "is willing to talk about or move on a topic"),
    RelType.REFUSES: _rule(PARTIES, {Label.ISSUE}, "is not willing to engage on a topic"),
    RelType.SILENT_ON: _rule(PARTIES, {Label.ISSUE}, "did not indicate willingness to address a topic"),
    RelType.SUPPORTS: _rule(PARTIES, {ORG, Label.STRIKE}, "backs an organization or a strike"),
    RelType.PUBLISHED: _rule(PARTIES, {Label.SOURCE}, "is the author or publisher of a source"),
    RelType.CITES: _rule({Label.SOURCE}, {Label.SOURCE}, "a source relays what another source says"),
}


def graph_schema_statements() -> list[str]:
    """Idempotent DDL: unique ids per label and per relationship type, lookup and full-text indexes."""
    statements = [
        f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.id IS UNIQUE",
    ]
    for label in Label:
        statements.append(
            f"CREATE CONSTRAINT {label.value.lower()}_id IF NOT EXISTS FOR (n:{label.value}) REQUIRE n.id IS UNIQUE"
        )
        statements.append(f"CREATE INDEX {label.value.lower()}_name IF NOT EXISTS FOR (n:{label.value}) ON (n.name)")
    for rel in RelType:
        statements.append(
            f"CREATE CONSTRAINT rel_{rel.value.lower()}_id IF NOT EXISTS "
            f"FOR ()-[r:{rel.value}]-() REQUIRE r.id IS UNIQUE"
        )
    statements += [
        "CREATE INDEX strike_start IF NOT EXISTS FOR (n:Strike) ON (n.startDateEarliest)",
        "CREATE INDEX organization_kind IF NOT EXISTS FOR (n:Organization) ON (n.kind)",
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
        f"FOR (n:{'|'.join(label.value for label in Label)}) ON EACH [n.name, n.aliasText, n.description]",
        *key_schema_statements(),  # unique names per label and fact ids across types (schema/keys.py)
    ]
    return statements


FULLTEXT_INDEX = "entity_text"
