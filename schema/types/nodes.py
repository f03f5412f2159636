"""Node types (one per label) and the typed edges between them. Each edge is a `Fact`: it names its
relationship type and carries its qualifiers and its sources."""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from schema.graph_model import NegotiationStatus, OrganizationKind, RelType, SourceKind
from schema.scalars import Date
from schema.types.base import PREFETCHED_RESOLVERS, Direction, PageInfo, prefetched, prefetched_as_of

D = Date  # shorter annotations below


def prefetched_relationships(
    root: Any,
    info: Info,
    types: list[RelType] | None = None,
    direction: Direction = Direction.BOTH,
    as_of: Date | None = None,
    first: int = 100,
) -> Any:
    """Every fact touching this node, optionally of some types, one way, or as of a date (max 500)."""
    return root._prefetched[info.path.key]


PREFETCHED_RESOLVERS.add(prefetched_relationships)


def _edges(description: str) -> Any:
    """A list of facts or nodes, with `asOf`; its type is the class annotation."""
    return strawberry.field(resolver=prefetched_as_of, description=description)


def _end(description: str) -> Any:
    """A node or list fetched by the compiled query; its type is the class annotation."""
    return strawberry.field(resolver=prefetched, description=description)


@strawberry.interface(description="An object with a global id (Relay). `slug` is its readable, stable id.")
class Node:
    id: strawberry.ID
    slug: str
    name: str
    aliases: list[str]
    description: str | None
    note: str | None = strawberry.field(description="How a date was resolved, or what the sources leave open.")
    version: int | None = strawberry.field(description="Bumped by every change; updates must name it.")
    managed_by: str | None = strawberry.field(description='"seed" (the curated files) or "api" (a curator).')
    sources: list[Citation] = strawberry.field(resolver=prefetched, description="Where this node is attested.")
    relationships: list[Relationship] = strawberry.field(
        resolver=prefetched_relationships,
        description="Every fact touching this node: its type, direction, the other end, qualifiers and sources.",
    )


@strawberry.type(description="A source behind a fact, with the sentence the fact rests on.")
class Citation:
    quote: str | None
    source: Source = strawberry.field(resolver=prefetched, description="The source document.")


@strawberry.type(description="A document facts come from: an article, report, email or statement.")
class Source(Node):
    title: str
    kind: SourceKind
    publisher: str | None
    date: D | None
    url: str | None
    file: str | None


@strawberry.enum(description="Which side of a strike an organization is on.")
class StrikeSide(Enum):
    STRIKER = "STRIKER"
    TARGET = "TARGET"


@strawberry.enum(description="What an organization did with an agreement.")
class AgreementActionKind(Enum):
    REACHED = "REACHED"
    PARTY_TO = "PARTY_TO"
    RATIFIED = "RATIFIED"


@strawberry.enum(description="Where a party stands on a bargaining issue.")
class StanceKind(Enum):
    PROPOSES = "PROPOSES"
    WILLING_TO_DISCUSS = "WILLING_TO_DISCUSS"
    REFUSES = "REFUSES"
    SILENT_ON = "SILENT_ON"


@strawberry.interface(description="A relationship between two nodes, with its sources.")
class Fact:
    fact_id: str = strawberry.field(description="The fact's stable id.")
    type: RelType
    note: str | None = strawberry.field(description="How a date was resolved, or what the source leaves open.")
    retracted_at: str | None = strawberry.field(description="When the fact was retracted (ISO date-time), if it was.")
    retracted_by: str | None = strawberry.field(description="The API key that retracted it.")
    version: int | None = strawberry.field(description="Bumped by every change; updates must name it.")
    managed_by: str | None = strawberry.field(description='"seed" (the curated files) or "api" (a curator).')
    sources: list[Citation] = strawberry.field(resolver=prefetched, description="The sources behind the fact.")


@strawberry.type(description="A person who presides over or leads an organization.")
class Leadership(Fact):
    title: str | None
    since: D | None
    until: D | None
    person: Person = _end("The leader.")
    organization: Organization = _end("The organization led.")


@strawberry.type(description="A person or organization that is a member of an organization.")
class Membership(Fact):
    role: str | None
    since: D | None
    until: D | None
    member: Node = _end("The member: an Organization or a Person.")
    organization: Organization = _end("The organization joined.")


@strawberry.type(description="An organization on one side of a strike.")
class StrikeParty(Fact):
    side: StrikeSide
    since: D | None
    until: D | None
    strike: Strike = _end("The strike.")
    organization: Organization = _end("The striking or struck organization.")


@strawberry.type(description="An organization reaching, being party to, or ratifying an agreement.")
class AgreementAction(Fact):
    action: AgreementActionKind
    on: D | None
    by: D | None = strawberry.field(description="No later than this date, when the day itself is unknown.")
    agreement: Agreement = _end("The agreement.")
    organization: Organization = _end("The organization.")


@strawberry.type(description="A party taking part in a meeting or round of talks.")
class Participation(Fact):
    role: str | None
    detail: str | None
    party: Node = _end("An Organization or a Person.")
    negotiation: Negotiation = _end("The talks.")


@strawberry.type(description="Where a party stands on a bargaining issue, as of a date.")
class Stance(Fact):
    stance: StanceKind
    detail: str | None
    on: D | None
    party: Node = _end("An Organization or a Person.")
    issue: Issue = _end("The bargaining issue.")


@strawberry.type(description="A fact seen from one of its ends: its type, direction and the other end.")
class Relationship(Fact):
    direction: Direction
    title: str | None
    role: str | None
    detail: str | None
    since: D | None
    until: D | None
    on: D | None
    by: D | None
    other: Node = _end("The node at the other end.")


@strawberry.type(description="An organization: a union or guild, a trade association, a studio, a media outlet...")
class Organization(Node):
    kind: OrganizationKind
    leaders: list[Leadership] = _edges("Who presides over or leads it.")
    members: list[Membership] = _edges("Its members.")
    member_of: list[Membership] = _edges("The organizations it is a member of.")
    strikes: list[StrikeParty] = _edges("Strikes it wages.")
    struck_by: list[StrikeParty] = _edges("Strikes against it.")
    agreements: list[AgreementAction] = _edges("Agreements it reached, is party to or ratified.")
    negotiations: list[Participation] = _edges("Talks it took part in.")
    stances: list[Stance] = _edges("Its positions on bargaining issues.")


@strawberry.type(description="A person.")
class Person(Node):
    roles: list[Leadership] = _edges("Organizations they preside over or lead.")
    memberships: list[Membership] = _edges("Organizations they are a member of.")
    negotiations: list[Participation] = _edges("Talks they took part in.")


@strawberry.type(description="A strike: who strikes, against whom, from when to when.")
class Strike(Node):
    start_date: D | None
    end_date: D | None = strawberry.field(description="Null while it goes on (or when unknown).")
    strikers: list[Organization] = _edges("The organizations on strike.")
    against: list[Organization] = _edges("Whom the strike is against.")
    parties: list[StrikeParty] = _edges("Both sides, with dates and sources.")
    negotiations: list[Negotiation] = _end("Talks about this strike.")
    agreements: list[Agreement] = _end("Agreements about (e.g. ending) this strike.")


@strawberry.type(description="A deal: who reached it, who is party to it, who ratified it.")
class Agreement(Node):
    actions: list[AgreementAction] = _edges("Reached, party-to and ratified, with dates.")
    parties: list[Organization] = _edges("The organizations party to it.")
    ratified_by: list[AgreementAction] = _edges("Ratifications (as of a date).")
    strikes: list[Strike] = _end("Strikes it is about (e.g. ended).")


@strawberry.type(description="A meeting or a round of talks.")
class Negotiation(Node):
    date: D | None
    status: NegotiationStatus
    outcome: str | None
    participants: list[Participation] = _end("Who takes part.")
    strikes: list[Strike] = _end("Strikes the talks are about.")


@strawberry.type(description="A bargaining topic: AI, residuals, writers' rooms...")
class Issue(Node):
    stances: list[Stance] = _edges("Who proposes it, is willing to discuss it, refuses it...")


@strawberry.type(description="A full-text match.")
class SearchHit:
    score: float
    node: Node = _end("The matching node.")


@strawberry.type(description="One hop of a path: a fact, walked forwards or backwards.")
class PathHop(Fact):
    forward: bool = strawberry.field(description="True when the fact points from `from` to `to`.")
    title: str | None
    role: str | None
    detail: str | None
    since: D | None
    until: D | None
    on: D | None
    by: D | None
    from_: Node = strawberry.field(name="from", resolver=prefetched, description="Where the hop starts.")
    to: Node = _end("Where the hop arrives.")


@strawberry.type(description="The shortest connection between two nodes, hop by hop.")
class Path:
    length: int
    hops: list[PathHop] = _end("The hops in order.")


NodeT = TypeVar("NodeT")


@strawberry.type(description="An edge of a page: a node and the cursor after it.")
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="A page of results (Relay connection, keyset cursors).")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    nodes: list[NodeT]
    page_info: PageInfo
    total_count: int | None = strawberry.field(description="How many match the filters (all pages).")


NODE_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (Organization, Person, Strike, Agreement, Negotiation, Issue, Source)
}
