"""The one model: every node kind, fact type and field, declared once.

Everything else is derived from these declarations: the GraphQL types and inputs (`api/contract/types/`,
`api/contract/inputs.py`), the validation rules of seed files and mutations (`schema/records.py`), the stored
property names, the constraints (`schema/graph_model.py`) and the Cypher the compiler renders
(`api/compile/`). Adding a fact type or a property is an edit here plus `make schema` (see the README's
recipe); `tests/test_model.py` proves the derived pieces agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Literal

from schema.camel import camel_case


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
    INDUSTRY_GROUP = "INDUSTRY_GROUP"  # a loosely named group of companies, e.g. "major studios and streamers"
    COALITION = "COALITION"  # a group of organizations acting together, e.g. a union's allies
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


# -- fields ---------------------------------------------------------------------------------------------

Kind = Literal["text", "texts", "date", "int", "bool", "url", "enum"]
Time = Literal["span", "point"] | None
# Arguments a computed field may take: `asOf` (a date; without it, today) and `includePredecessors`.
Argument = Literal["as_of", "include_predecessors"]


@dataclass(frozen=True)
class Attr:
    """One field: its GraphQL name is `name` in camelCase, its Neo4j property `stored` (default: the same)."""

    name: str
    kind: Kind
    description: str | None = None
    enum: type[Enum] | None = None  # for kind "enum"
    required: bool = False  # non-null in GraphQL, required in records
    writable: bool = True  # False: bookkeeping the API maintains (version, managedBy, ...)
    stored: str | None = None
    input_name: str | None = None  # the mutation input's name, when it differs (`organizationKind`)
    read: str | None = None  # a Cypher expression over `{v}`, when the value is not the plain property
    arguments: tuple[Argument, ...] = ()  # for a computed field: `{as_of}` / `{stages}` in `read`

    @property
    def prop(self) -> str:
        return self.stored or camel_case(self.name)

    @property
    def graphql_name(self) -> str:
        return camel_case(self.name)

    @property
    def template(self) -> str:
        """How Cypher reads this field: a template over `{v}`, the node or fact (and `{self}`, the node a
        fact is seen from)."""
        return self.read or "{v}." + f"`{self.prop}`"


def _text(name: str, description: str | None = None, required: bool = False) -> Attr:
    return Attr(name, "text", description, required=required)


def _date(name: str, description: str | None = None) -> Attr:
    return Attr(name, "date", description)


NOTE = _text("note", "How a date was resolved, or what the sources leave open.")
VERSION = Attr("version", "int", "Bumped by every change; updates must name it.", writable=False)
MANAGED_BY = Attr("managed_by", "text", '"seed" (the curated files) or "api" (a curator).', writable=False)

# Fields of every node (the `Node` interface), before `id` (the global id, derived from the slug).
NODE_FIELDS: tuple[Attr, ...] = (
    Attr("slug", "text", "The readable, stable id.", required=True, writable=False, stored="id"),
    _text("name", required=True),
    Attr("aliases", "texts", "Other names it goes by.", required=True, read="coalesce({v}.aliases, [])"),
    _text("description"),
    NOTE,
    VERSION,
    MANAGED_BY,
)

# Qualifiers a fact may carry; `time` says how `asOf` reads them.
FACT_QUALIFIERS: tuple[Attr, ...] = (
    _text("title", 'e.g. "President".'),
    _text("role", 'e.g. "union negotiators".'),
    _text("detail", 'What exactly, e.g. "increase the offer on a few TV minimums".'),
    _date("since", "Held from (a span's start)."),
    _date("until", "Held until (a span's end)."),
    _date("attested_on", "Known to hold on this date (Wikidata's point in time), when no start or end is known."),
    _date("on", "Happened on."),
    _date("by", "No later than this date, when the day itself is unknown."),
    _text("vote", 'The result of a members\' vote, e.g. "97.85% in favour".'),
)
SPAN_DATES = ("since", "until")
ATTESTED = "attested_on"  # excludes SPAN_DATES: a fact is either bounded or attested at a point in time

# Fields of every fact (the `Fact` interface).
FACT_FIELDS: tuple[Attr, ...] = (
    Attr("fact_id", "text", "The fact's stable id.", required=True, writable=False, stored="id"),
    Attr("type", "enum", "Its relationship type.", required=True, writable=False, read="type({v})"),
    NOTE,
    Attr("inferred", "bool", "True when no source states it outright: it is inferred, and the note says how.",
         required=True, read="coalesce({v}.inferred, false)"),
    Attr("retracted_at", "text", "When the fact was retracted (ISO date-time), if it was.", writable=False,
         read="toString({v}.retractedAt)"),
    Attr("retracted_by", "text", "The API key that retracted it.", writable=False),
    VERSION,
    MANAGED_BY,
)  # fmt: skip
FACT_WRITABLE: tuple[Attr, ...] = tuple(attr for attr in FACT_FIELDS if attr.writable)

# A citation: one source behind a node or fact. Stored on it as parallel lists, one entry per source ("" for
# none), since Neo4j properties cannot hold maps.
CITATION_SOURCE = "sources"
CITATION_FIELDS: tuple[Attr, ...] = (
    Attr("quote", "text", "The source's own words, verbatim: only what the source itself says.", stored="quotes"),
    Attr("paraphrase", "text", "A restatement, not the source's words: how the relaying source (`via`) puts it.",
         stored="paraphrases"),
    Attr("via", "text", "The source that relays this one, when it is known only through another.", stored="vias"),
)  # fmt: skip


# -- node kinds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A field of a node type that follows facts: from the node (`self`) through facts of `types` to the
    node at the other end (`other`, of label `other_label` when given).

    `item` is what the field lists: the other nodes (a node type name) or the facts themselves seen as an
    edge type (then `ends` names which of its fields is `self` and which is `other`).
    """

    name: str
    description: str
    types: tuple[str, ...]
    direction: Literal["out", "in", "both"]
    item: str
    other_label: Label | None = None
    ends: tuple[tuple[str, Literal["self", "other"]], ...] = ()
    time: Time = None
    order: tuple[str, ...] = ("{m}.name", "{m}.id")  # over the other node `{m}` and the fact `{r}`
    many: bool = True
    # Without `asOf`: a standing relationship answers for today; an event's (a strike's parties) for its
    # whole life.
    current: bool = True
    # An organization's relations may take in its predecessors' facts (`includePredecessors`).
    staged: bool = False
    reach: int = 1  # > 1: the other nodes within that many hops, without the facts (e.g. a lineage)


@dataclass(frozen=True)
class NodeKind:
    label: Label
    section: str  # its section in seed files
    description: str
    fields: tuple[Attr, ...] = ()  # besides NODE_FIELDS
    relations: tuple[Relation, ...] = ()
    needs_citation: bool = True
    ordered_dates: tuple[tuple[str, str], ...] = ()  # (earlier, later) pairs a record must respect
    locators: tuple[str, ...] = ()  # fields that say where to check it; with none given it is `unverified`

    @property
    def type_name(self) -> str:
        return self.label.value

    @property
    def all_fields(self) -> tuple[Attr, ...]:
        return NODE_FIELDS + self.fields


@dataclass(frozen=True)
class FactKind:
    """A relationship type: which labels it may join and what it means."""

    name: str
    sources: frozenset[Label]
    targets: frozenset[Label]
    meaning: str


@dataclass(frozen=True)
class EdgeView:
    """A GraphQL type for facts seen from a node: which qualifiers it shows, fields computed from the type
    or the viewpoint (`{v}` is the fact, `{self}` the node it is seen from), and its two ends."""

    name: str
    description: str
    qualifiers: tuple[str, ...]
    computed: tuple[tuple[Attr, str], ...] = ()  # (field, its GraphQL type name)
    ends: tuple[tuple[str, str | None, str], ...] = ()  # (field, node type or None for any, description)


ORG, PERSON = Label.ORGANIZATION, Label.PERSON
PARTIES = frozenset({ORG, PERSON})


def _fact(name: str, sources: set[Label] | frozenset[Label], targets: set[Label], meaning: str) -> FactKind:
    return FactKind(name, frozenset(sources), frozenset(targets), meaning)


# The closed set of fact types (the README's model table).
FACT_KINDS: tuple[FactKind, ...] = (
    _fact("PRESIDES", {PERSON}, {ORG}, "a person is president or chair of an organization"),
    _fact("LEADS", {PERSON}, {ORG}, "a person holds another leading role (title says which)"),
    _fact("MEMBER_OF", PARTIES, {ORG}, "a person or company is a member of an organization"),
    _fact("PART_OF", {ORG}, {ORG}, "a body (e.g. a committee) belongs to an organization"),
    _fact("REPRESENTS", PARTIES, {ORG}, "speaks or bargains for another organization"),
    _fact("WAGES", {ORG}, {Label.STRIKE}, "an organization is on strike"),
    _fact("CALLED", PARTIES, {Label.STRIKE}, "called the strike (on = when)"),
    _fact("AUTHORIZED", {ORG}, {Label.STRIKE}, "its members voted to authorize the strike (vote = the result)"),
    _fact("AGAINST", {Label.STRIKE}, {ORG}, "whom the strike is against"),
    _fact("REACHED", {ORG}, {Label.AGREEMENT}, "an organization reached (agreed) a deal"),
    _fact("PARTY_TO", {ORG}, {Label.AGREEMENT}, "an organization is a party to a deal"),
    _fact("RATIFIED", {ORG}, {Label.AGREEMENT}, "an organization's members ratified a deal"),
    _fact("PARTICIPATES_IN", PARTIES, {Label.NEGOTIATION}, "takes part in a meeting or round of talks"),
    _fact("REQUESTED", PARTIES, {Label.NEGOTIATION}, "asked for the meeting to take place"),
    _fact("ANNOUNCED", PARTIES, {Label.NEGOTIATION, Label.STRIKE, Label.AGREEMENT}, "made it public"),
    _fact("ABOUT", {Label.NEGOTIATION, Label.AGREEMENT}, {Label.STRIKE, Label.ISSUE, Label.AGREEMENT},
          "what talks concern"),
    _fact("PROPOSES", PARTIES, {Label.ISSUE}, "puts a bargaining topic on the table"),
    _fact("WILLING_TO_DISCUSS", PARTIES, {Label.ISSUE}, "is willing to talk about or move on a topic"),
    _fact("REFUSES", PARTIES, {Label.ISSUE}, "is not willing to engage on a topic"),
    _fact("SILENT_ON", PARTIES, {Label.ISSUE}, "did not indicate willingness to address a topic"),
    _fact("SUPPORTS", PARTIES, {ORG, Label.STRIKE}, "backs an organization or a strike"),
    _fact("MERGED_INTO", {ORG}, {ORG}, "an organization merged into another, which continues it (on = when)"),
    _fact("RENAMED_TO", {ORG}, {ORG}, "an organization took a new name, a new stage of it (on = when)"),
    _fact("PUBLISHED", PARTIES, {Label.SOURCE}, "is the author or publisher of a source"),
    _fact("CITES", {Label.SOURCE}, {Label.SOURCE}, "a source relays what another source says"),
)  # fmt: skip

LEADING = ("PRESIDES", "LEADS")
AGREEMENT_ACTIONS = ("REACHED", "PARTY_TO", "RATIFIED")
STANCES = ("PROPOSES", "WILLING_TO_DISCUSS", "REFUSES", "SILENT_ON")
SUCCESSIONS = ("MERGED_INTO", "RENAMED_TO")
LINEAGE_HOPS = 16  # how far a lineage is followed (merges and renames of one organization)
STRIKE_SIDES = ("STRIKER", "TARGET")  # WAGES makes a striker, AGAINST a target


def _closed(name: str, values: tuple[str, ...], description: str) -> type[Enum]:
    """A closed set of values as a Python enum (the GraphQL contract makes it a GraphQL enum)."""
    closed = Enum(name, [(value, value) for value in values])  # type: ignore[misc]
    closed.__doc__ = description
    return closed


# The enums of computed edge fields, by the name EDGE_VIEWS give them: derived from the tuples above.
EDGE_ENUMS: dict[str, type[Enum]] = {
    closed.__name__: closed
    for closed in (
        _closed("StrikeSide", STRIKE_SIDES, "Which side of a strike an organization is on."),
        _closed("AgreementActionKind", AGREEMENT_ACTIONS, "What an organization did with an agreement."),
        _closed("StanceKind", STANCES, "Where a party stands on a bargaining issue."),
        _closed("SuccessionKind", SUCCESSIONS, "How one stage of an organization became the next."),
    )
}


def _enum_attr(name: str, enum_name: str, description: str) -> tuple[Attr, str]:
    return Attr(name, "enum", description, required=True, writable=False, read="type({v})"), enum_name


# Typed edges: facts as a node's fields show them.
EDGE_VIEWS: tuple[EdgeView, ...] = (
    EdgeView("Leadership", "A person who presides over or leads an organization.",
             ("title", "since", "until", "attested_on"),
             ends=(("person", "Person", "The leader."), ("organization", "Organization", "The organization led."))),
    EdgeView("Membership", "A person or organization that is a member of an organization.",
             ("role", "since", "until", "attested_on"),
             ends=(("member", None, "The member: an Organization or a Person."),
                   ("organization", "Organization", "The organization joined."))),
    EdgeView("StrikeParty", "An organization on one side of a strike.", ("since", "until", "attested_on"),
             computed=((Attr("side", "enum", "Striker or target.", required=True, writable=False,
                             read="CASE type({v}) WHEN 'WAGES' THEN 'STRIKER' ELSE 'TARGET' END"), "StrikeSide"),),
             ends=(("strike", "Strike", "The strike."),
                   ("organization", "Organization", "The striking or struck organization."))),
    EdgeView("AgreementAction", "An organization reaching, being party to, or ratifying an agreement.", ("on", "by"),
             computed=(_enum_attr("action", "AgreementActionKind", "Reached, party to or ratified."),),
             ends=(("agreement", "Agreement", "The agreement."),
                   ("organization", "Organization", "The organization."))),
    EdgeView("Participation", "A party taking part in a meeting or round of talks.", ("role", "detail"),
             ends=(("party", None, "An Organization or a Person."), ("negotiation", "Negotiation", "The talks."))),
    EdgeView("Stance", "Where a party stands on a bargaining issue, as of a date.", ("detail", "on"),
             computed=(_enum_attr("stance", "StanceKind", "Where the party stands."),),
             ends=(("party", None, "An Organization or a Person."), ("issue", "Issue", "The bargaining issue."))),
    EdgeView("Succession", "One stage of an organization's lineage becoming the next: a merger or a rename.",
             ("on",), computed=(_enum_attr("kind", "SuccessionKind", "A merger or a rename."),),
             ends=(("predecessor", "Organization", "The earlier stage."),
                   ("successor", "Organization", "The later stage."))),
    EdgeView("Relationship", "A fact seen from one of its ends: its type, direction and the other end.",
             tuple(q.name for q in FACT_QUALIFIERS),
             computed=((Attr("direction", "enum", "Which way it points, seen from the node asked about.",
                             required=True, writable=False,
                             read="CASE WHEN startNode({v}) = {self} THEN 'OUTGOING' ELSE 'INCOMING' END"),
                        "Direction"),),
             ends=(("other", None, "The node at the other end."),)),
    EdgeView("PathHop", "One hop of a path: a fact, walked forwards or backwards.",
             tuple(q.name for q in FACT_QUALIFIERS),
             computed=((Attr("forward", "bool", "True when the fact points from `from` to `to`.", required=True,
                             writable=False, read="startNode({v}) = {self}"), "Boolean"),),
             ends=(("from_", None, "Where the hop starts."), ("to", None, "Where the hop arrives."))),
)  # fmt: skip

_BY_DATE = ("coalesce({r}.onEarliest, {r}.byLatest, {r}.sinceEarliest)", "{m}.name", "{r}.id")
_BY_STRIKE_START = ("coalesce({m}.startDateEarliest, {m}.attestedOnEarliest)", "{m}.id")
_BY_TALKS_DATE = ("{m}.dateEarliest", "{m}.id")
_BY_TENURE = ("coalesce({r}.sinceEarliest, {r}.attestedOnEarliest)", "{m}.name")


def _edges(name: str, description: str, types: tuple[str, ...], direction: Literal["out", "in", "both"],
           item: str, other: Label | None, self_end: str, other_end: str, time: Time,
           order: tuple[str, ...] = ("{m}.name", "{m}.id")) -> Relation:  # fmt: skip
    return Relation(name, description, types, direction, item, other, ((self_end, "self"), (other_end, "other")),
                    time, order)  # fmt: skip


def _nodes(name: str, description: str, types: tuple[str, ...], direction: Literal["out", "in", "both"],
           other: Label, time: Time = None, order: tuple[str, ...] = ("{m}.name", "{m}.id")) -> Relation:  # fmt: skip
    return Relation(name, description, types, direction, other.value, other, (), time, order)


def _staged(*relations: Relation) -> tuple[Relation, ...]:
    return tuple(replace(relation, staged=True) for relation in relations)


def _whole_life(*relations: Relation) -> tuple[Relation, ...]:
    return tuple(replace(relation, current=False) for relation in relations)


# A strike's days on strike as of `{as_of}` (a Cypher date): day 1 is its start; once it has ended, the days
# up to (not including) its end day. The story's "crossed the 100-day mark on Wednesday" (2023-08-09) for
# a strike from 2023-05-02 is this count; so are the WGA's 148 days and SAG-AFTRA's 118.
DURATION_DAYS = (
    "CASE WHEN size({v}.startDate) < 10 OR {as_of} < {v}.startDateEarliest THEN null "
    "WHEN {v}.endDate IS NULL OR {as_of} < {v}.endDateEarliest "
    "THEN duration.inDays({v}.startDateEarliest, {as_of}).days + 1 "
    "WHEN size({v}.endDate) < 10 THEN null "
    "ELSE duration.inDays({v}.startDateEarliest, {v}.endDateEarliest).days END"
)

NODE_KINDS: tuple[NodeKind, ...] = (
    NodeKind(Label.ORGANIZATION, "organizations",
             "An organization: a union or guild, a trade association, a studio, a media outlet... Each stage of a "
             "lineage (before and after a merger or a rename) is an organization of its own.",
             (Attr("kind", "enum", "What kind of organization it is.", OrganizationKind, required=True,
                   input_name="organization_kind"),
              _date("founded", "When this stage began (its founding, or the merger or rename that made it)."),
              _date("dissolved", "When this stage ended (e.g. merged into another)."),
              Attr("strike_count", "int", "How many strikes it has waged (with its predecessors', when asked).",
                   required=True, writable=False, arguments=("include_predecessors",),
                   read=f"size(COLLECT {{{{ MATCH ({{v}})<-[:{'|'.join(SUCCESSIONS)}*0..{{stages}}]-(:Organization)"
                        "-[x:WAGES]->(s:Strike) WHERE x.retractedAt IS NULL RETURN DISTINCT s }})")),
             (*_staged(_edges("leaders", "Who presides over or leads it.", LEADING, "in", "Leadership", PERSON,
                     "organization", "person", "span", _BY_TENURE),
              _edges("members", "Its members.", ("MEMBER_OF",), "in", "Membership", None, "organization", "member",
                     "span"),
              _edges("member_of", "The organizations it is a member of.", ("MEMBER_OF",), "out", "Membership", ORG,
                     "member", "organization", "span"),
              _edges("strikes", "Strikes it wages.", ("WAGES",), "out", "StrikeParty", Label.STRIKE, "organization",
                     "strike", "span", _BY_STRIKE_START),
              _edges("struck_by", "Strikes against it.", ("AGAINST",), "in", "StrikeParty", Label.STRIKE,
                     "organization", "strike", "span", _BY_STRIKE_START),
              _edges("agreements", "Agreements it reached, is party to or ratified.", AGREEMENT_ACTIONS, "out",
                     "AgreementAction", Label.AGREEMENT, "organization", "agreement", "point", _BY_DATE),
              _edges("negotiations", "Talks it took part in.", ("PARTICIPATES_IN",), "out", "Participation",
                     Label.NEGOTIATION, "party", "negotiation", None, _BY_TALKS_DATE),
              _edges("stances", "Its positions on bargaining issues.", STANCES, "out", "Stance", Label.ISSUE,
                     "party", "issue", "point", ("{m}.name", "type({r})"))),
              _edges("predecessors", "The stages it continues: organizations merged into it or renamed to it.",
                     SUCCESSIONS, "in", "Succession", ORG, "successor", "predecessor", "point", _BY_DATE),
              _edges("successors", "The stages that continue it: what it merged into or was renamed to.",
                     SUCCESSIONS, "out", "Succession", ORG, "predecessor", "successor", "point", _BY_DATE),
              Relation("lineage", "Every other stage of its lineage: predecessors, successors and merger partners, "
                       "oldest first.", SUCCESSIONS, "both", "Organization", ORG,
                       order=("{m}.foundedEarliest", "{m}.name"), reach=LINEAGE_HOPS)),
             ordered_dates=(("founded", "dissolved"),)),
    NodeKind(Label.PERSON, "people", "A person.", (),
             (_edges("roles", "Organizations they preside over or lead.", LEADING, "out", "Leadership", ORG,
                     "person", "organization", "span", _BY_TENURE),
              _edges("memberships", "Organizations they are a member of.", ("MEMBER_OF",), "out", "Membership",
                     ORG, "member", "organization", "span"),
              _edges("negotiations", "Talks they took part in.", ("PARTICIPATES_IN",), "out", "Participation",
                     Label.NEGOTIATION, "party", "negotiation", None, _BY_TALKS_DATE))),
    NodeKind(Label.STRIKE, "strikes", "A strike: who strikes, against whom, from when to when.",
             (_date("start_date", "Its first day."),
              _date("end_date", "The day it ended (a strike ending at 12:01 a.m. ends that day); null while it goes "
                    "on, or when unknown."),
              _date("attested_on", "When it is known to have been under way, if its start is not known."),
              Attr("duration_days", "int", "Days on strike as of a date (default today), counted as strikers count "
                   "them: the first day is day 1, and the end day is not a strike day. Null before it starts or "
                   "when its start or end is not known to the day.", writable=False, arguments=("as_of",),
                   read=DURATION_DAYS)),
             (*_whole_life(
              _nodes("strikers", "The organizations on strike.", ("WAGES",), "in", ORG, "span"),
              _nodes("against", "Whom the strike is against.", ("AGAINST",), "out", ORG, "span"),
              _edges("parties", "Both sides, with dates and sources.", ("WAGES", "AGAINST"), "both", "StrikeParty",
                     ORG, "strike", "organization", "span", ("type({r}) DESC", "{m}.name"))),
              _nodes("negotiations", "Talks about this strike.", ("ABOUT",), "in", Label.NEGOTIATION, None,
                     _BY_TALKS_DATE),
              _nodes("agreements", "Agreements about (e.g. ending) this strike.", ("ABOUT",), "in", Label.AGREEMENT)),
             ordered_dates=(("start_date", "end_date"),)),
    NodeKind(Label.AGREEMENT, "agreements", "A deal: who reached it, who is party to it, who ratified it.", (),
             (_edges("actions", "Reached, party-to and ratified, with dates.", AGREEMENT_ACTIONS, "in",
                     "AgreementAction", ORG, "agreement", "organization", "point", _BY_DATE),
              _nodes("parties", "The organizations party to it.", ("PARTY_TO",), "in", ORG, "point"),
              _edges("ratified_by", "Ratifications (as of a date).", ("RATIFIED",), "in", "AgreementAction", ORG,
                     "agreement", "organization", "point", _BY_DATE),
              _nodes("strikes", "Strikes it is about (e.g. ended).", ("ABOUT",), "out", Label.STRIKE, None,
                     _BY_STRIKE_START))),
    NodeKind(Label.NEGOTIATION, "negotiations", "A meeting or a round of talks.",
             (_date("date"),
              Attr("status", "enum", "Whether the talks took place yet.", NegotiationStatus, required=True),
              _text("outcome")),
             (_edges("participants", "Who takes part.", ("PARTICIPATES_IN",), "in", "Participation", None,
                     "negotiation", "party", None, ("{m}.name",)),
              _nodes("strikes", "Strikes the talks are about.", ("ABOUT",), "out", Label.STRIKE, None,
                     _BY_STRIKE_START))),
    NodeKind(Label.ISSUE, "issues", "A bargaining topic: AI, residuals, writers' rooms...", (),
             (_edges("stances", "Who proposes it, is willing to discuss it, refuses it...", STANCES, "in", "Stance",
                     None, "issue", "party", "point", ("type({r})", "{m}.name")),)),
    NodeKind(Label.SOURCE, "sources", "A document facts come from: an article, report, email or statement.",
             (Attr("title", "text", "Its title (the same as `name`).", required=True, writable=False, stored="name"),
              Attr("kind", "enum", "What kind of document it is.", SourceKind, required=True,
                   input_name="source_kind"),
              _text("publisher"), _date("date"), Attr("url", "url"),
              _text("file", "Its text in the repository, under seed/sources/, when there is a copy."),
              Attr("unverified", "bool", "True when it has neither a URL nor a file: nobody can check it.",
                   required=True, writable=False, read="coalesce({v}.unverified, false)")),
             needs_citation=False, locators=("url", "file")),
)  # fmt: skip

NODE_KIND: dict[Label, NodeKind] = {kind.label: kind for kind in NODE_KINDS}
NODE_KIND_BY_TYPE: dict[str, NodeKind] = {kind.type_name: kind for kind in NODE_KINDS}
EDGE_VIEW: dict[str, EdgeView] = {view.name: view for view in EDGE_VIEWS}
QUALIFIER: dict[str, Attr] = {attr.name: attr for attr in FACT_QUALIFIERS}

# Relationship types as a Python enum (the GraphQL `RelationshipType`), derived from FACT_KINDS.
RelType = Enum("RelType", {kind.name: kind.name for kind in FACT_KINDS})  # type: ignore[misc]
# Which labels each relationship type may connect, and what it means (the README's model table).
FACT_KIND_BY_TYPE: dict[RelType, FactKind] = {RelType[kind.name]: kind for kind in FACT_KINDS}


def stored_as(label: Label) -> dict[str, str]:
    """Record field -> Neo4j property of a node kind's writable fields."""
    return {attr.name: attr.prop for attr in NODE_KIND[label].all_fields if attr.writable}
