"""The one model: every node kind, fact type and field, declared once.

Everything else is derived from these declarations: the GraphQL types and inputs (`api/contract/types/`,
`api/contract/inputs.py`), the validation rules of seed files and mutations (`schema/records.py`), the stored
property names, the constraints (`schema/graph_model.py`) and the Cypher the compiler renders
(`api/compile/`). Adding a fact type or a property is an edit here plus `make schema` (see the README's
recipe); `tests/test_model.py` proves the derived pieces agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Literal

from schema.camel import camel_case
from schema.time_rule import CURRENT


class Label(Enum):
    ORGANIZATION = "Organization"
    PERSON = "Person"
    STRIKE = "Strike"
    AGREEMENT = "Agreement"
    NEGOTIATION = "Negotiation"
    ISSUE = "Issue"
    SOURCE = "Source"
    PLACE = "Place"
    SITE = "Site"
    INDUSTRY = "Industry"
    FIGURE = "Figure"


# Every node also carries this label, so one constraint keeps ids unique across kinds and one index
# answers `node(id:)` whatever the kind.
ENTITY = "Entity"


class OrganizationKind(Enum):
    """What kind of organization it is."""

    UNION = "UNION"  # a union or guild
    LOCAL = "LOCAL"  # a union's local or chapter
    BARGAINING_UNIT = "BARGAINING_UNIT"  # the workers one contract covers (e.g. an employer's nurses)
    FEDERATION = "FEDERATION"  # a federation of unions (e.g. the AFL-CIO)
    EMPLOYER = "EMPLOYER"  # an employer not better described below (a hospital system, a manufacturer...)
    GOVERNMENT = "GOVERNMENT"  # a government, public agency or official's office (e.g. a mediation service)
    COMMITTEE = "COMMITTEE"  # a body inside an organization, e.g. a negotiating committee
    TRADE_ASSOCIATION = "TRADE_ASSOCIATION"
    STUDIO = "STUDIO"
    STREAMER = "STREAMER"
    INDUSTRY_GROUP = "INDUSTRY_GROUP"  # a loosely named group of companies, e.g. "major studios and streamers"
    COALITION = "COALITION"  # a group of organizations acting together, e.g. a union's allies
    MEDIA_OUTLET = "MEDIA_OUTLET"
    OTHER = "OTHER"


class NegotiationStatus(Enum):
    """Whether the talks took place yet."""

    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    # Never stored: scheduled for a day now past, and no source says they took place (a stored SCHEDULED
    # does not go stale; the status is read as of a date).
    PAST_UNCONFIRMED = "PAST_UNCONFIRMED"


# A negotiation's status as of `{as_of}`: what the sources said, unless they said SCHEDULED for a day past.
NEGOTIATION_STATUS = (
    "CASE WHEN {v}.status = 'SCHEDULED' AND coalesce({v}.endDateLatest, {v}.dateLatest) < {as_of} "
    "THEN 'PAST_UNCONFIRMED' ELSE {v}.status END"
)


class StoppageKind(Enum):
    """What kind of stoppage it is."""

    STRIKE = "STRIKE"  # workers stop work
    LOCKOUT = "LOCKOUT"  # an employer stops them working
    WALKOUT = "WALKOUT"  # a short stoppage, often unannounced
    PROTEST = "PROTEST"  # a protest that is not a stoppage (a rally, an informational picket)


class StoppageStatus(Enum):
    """Where a stoppage stands on a date, derived from its dates and dated events (never stored)."""

    THREATENED = "THREATENED"  # a party threatened it
    NOTICE_GIVEN = "NOTICE_GIVEN"  # formal notice given, not begun
    AVERTED = "AVERTED"  # called off (notice rescinded) before it began
    ON = "ON"  # under way
    SUSPENDED = "SUSPENDED"  # begun, then suspended
    ENDED = "ENDED"


class AgreementKind(Enum):
    """Whether a deal is tentative or final."""

    TENTATIVE = "TENTATIVE"  # reached at the table, not yet ratified
    FINAL = "FINAL"  # in force (ratified or otherwise final)


class IssueTopic(Enum):
    """A small taxonomy of what is bargained over, so issues of different disputes compare."""

    PAY = "PAY"
    STAFFING = "STAFFING"
    AI = "AI"
    RESIDUALS = "RESIDUALS"
    HEALTH_AND_PENSION = "HEALTH_AND_PENSION"
    JOB_SECURITY = "JOB_SECURITY"
    SCHEDULING = "SCHEDULING"
    TEMPORARY_WORKERS = "TEMPORARY_WORKERS"
    SAFETY = "SAFETY"
    UNION_RIGHTS = "UNION_RIGHTS"
    PROCESS = "PROCESS"  # how the dispute is settled: arbitration, mediation, a return-to-work deal
    OTHER = "OTHER"


class Outcome(Enum):
    """What a settlement did with a demand."""

    WON = "WON"
    PARTLY_WON = "PARTLY_WON"
    LOST = "LOST"
    WITHDRAWN = "WITHDRAWN"


class PlaceKind(Enum):
    """What kind of place it is."""

    COUNTRY = "COUNTRY"
    REGION = "REGION"  # a state, province or region
    COUNTY = "COUNTY"  # a county, borough or district
    CITY = "CITY"


class SiteKind(Enum):
    """What kind of workplace it is."""

    HOSPITAL = "HOSPITAL"
    PLANT = "PLANT"
    WAREHOUSE = "WAREHOUSE"
    STORE = "STORE"
    OFFICE = "OFFICE"
    STUDIO = "STUDIO"  # a studio lot
    CAMPUS = "CAMPUS"
    OTHER = "OTHER"


class Measure(Enum):
    """What a figure counts."""

    WORKERS_INVOLVED = "WORKERS_INVOLVED"  # on strike, locked out or walking out
    WORKERS_COVERED = "WORKERS_COVERED"  # in the unit, under notice or covered by the contract
    MEMBERS = "MEMBERS"  # an organization's membership
    VOTES_FOR = "VOTES_FOR"
    VOTES_AGAINST = "VOTES_AGAINST"
    VOTE_SHARE_FOR = "VOTE_SHARE_FOR"  # percent of the votes cast
    TURNOUT = "TURNOUT"  # percent of those eligible
    WAGE_INCREASE = "WAGE_INCREASE"  # percent (over `period`)
    AMOUNT = "AMOUNT"  # money (`unit` names the currency)
    POSITIONS = "POSITIONS"  # jobs or hires promised
    DAYS = "DAYS"
    SITES = "SITES"  # how many workplaces
    OTHER = "OTHER"


class Approximation(Enum):
    """How exact a figure is, as the source words it."""

    EXACT = "EXACT"
    ABOUT = "ABOUT"  # "about", "around", "roughly"
    MORE_THAN = "MORE_THAN"  # "more than", "over"
    AT_LEAST = "AT_LEAST"
    NEARLY = "NEARLY"  # "nearly", "almost"
    UP_TO = "UP_TO"  # "up to", "as many as"
    LESS_THAN = "LESS_THAN"


class Rank(Enum):
    """Wikidata's ranks: of several figures for one measure, reads return the best-ranked."""

    PREFERRED = "PREFERRED"
    NORMAL = "NORMAL"
    DEPRECATED = "DEPRECATED"  # kept, with `rankReason`, but never the answer by default


class RankFilter(Enum):
    """Which of several figures for one measure to return."""

    BEST = "BEST"  # per measure and scope: the preferred figures, else the normal ones; never deprecated
    ALL = "ALL"


class SourceKind(Enum):
    """What kind of document a source is."""

    ARTICLE = "ARTICLE"
    REPORT = "REPORT"
    EMAIL = "EMAIL"
    STATEMENT = "STATEMENT"
    DOCUMENT = "DOCUMENT"


# -- fields ---------------------------------------------------------------------------------------------

Kind = Literal["text", "texts", "date", "int", "number", "bool", "url", "enum"]
Time = Literal["span", "point"] | None
# Arguments a computed field may take: `asOf` (a date; without it, today) and `includePredecessors`.
Argument = Literal["as_of", "include_predecessors"]
# A record's fields of a closed kind may fall back on a default (records and GraphQL then never see null).


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
    default: Enum | None = None  # for kind "enum": what a record without it means (GraphQL: non-null)
    pattern: str | None = None  # for kind "text": the form a value must have
    derived: tuple[Enum, ...] = ()  # for kind "enum": values worked out when read, never written

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
        if self.read:
            return self.read
        if self.default is not None:
            return f"coalesce({{v}}.`{self.prop}`, '{self.default.value}')"
        return "{v}." + f"`{self.prop}`"

    @property
    def non_null(self) -> bool:
        """Never null in GraphQL: required, or a closed kind with a default."""
        return self.required or self.default is not None


def _text(name: str, description: str | None = None, required: bool = False) -> Attr:
    return Attr(name, "text", description, required=required)


def _date(name: str, description: str | None = None) -> Attr:
    return Attr(name, "date", description)


NOTE = _text("note", "How a date was resolved, or what the sources leave open.")
VERSION = Attr("version", "int", "Bumped by every change; updates must name it.", writable=False)
MANAGED_BY = Attr("managed_by", "text", '"seed" (the curated files) or "api" (a curator).', writable=False)

# Identifiers of other datasets, for reconciling with them: each one unique across the graph (a constraint)
# and a lookup (`byExternalId`). A new scheme is one line here.
EXTERNAL_IDS: tuple[Attr, ...] = (
    Attr("wikidata", "text", "Its Wikidata item, e.g. Q42.", pattern=r"^Q[1-9][0-9]{0,11}$"),
    Attr("olms_file_number", "text", "A union's file number at the US Department of Labor's OLMS, e.g. 000-123.",
         pattern=r"^[0-9]{3}-[0-9]{3}$"),
    Attr("nlrb_case", "text", "An NLRB case number, e.g. 02-RC-123456.", pattern=r"^[0-9]{2}-[A-Z]{2}-[0-9]{6}$"),
)  # fmt: skip

ExternalIdScheme = Enum(  # type: ignore[misc]
    "ExternalIdScheme", {attr.name.upper(): attr.name for attr in EXTERNAL_IDS}
)
ExternalIdScheme.__doc__ = "Another dataset's identifiers: Wikidata items, OLMS file numbers, NLRB cases."
EXTERNAL_ID: dict[str, Attr] = {attr.name: attr for attr in EXTERNAL_IDS}

# Fields of every node (the `Node` interface), before `id` (the global id, derived from the slug).
NODE_FIELDS: tuple[Attr, ...] = (
    Attr("slug", "text", "The readable, stable id.", required=True, writable=False, stored="id"),
    _text("name", required=True),
    Attr("aliases", "texts", "Other names it goes by.", required=True, read="coalesce({v}.aliases, [])"),
    _text("description"),
    NOTE,
    *EXTERNAL_IDS,
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
    _text("scope", 'Which part it concerns, e.g. "registered nurses only" (a partial unit at a site).'),
    Attr("outcome", "enum", "What a settlement did with a demand.", Outcome),
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
    Attr("current", "bool", "True when it holds today. False when it is shown as the latest known: without `asOf`, "
         "a field with nothing known to hold today answers with its latest known facts, whose dates say when.",
         required=True, writable=False, read=CURRENT),
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
    Attr("locator", "text", 'Where in the source: a spreadsheet\'s row and column ("row 12, column Start Date"), a '
         "page or a section.", stored="locators"),
)  # fmt: skip


# Whether a citation's words were checked: the seed's validator found its quote word for word in a stored
# copy of the source's text (or the relaying source's), and its paraphrase in the relaying source's. Words
# written through the API, or citing a source known only by its URL, were checked by nobody.
CITATION_CHECKED = Attr(
    "checked", "bool", "True when its quote (or paraphrase) was found word for word in a stored copy of the "
    "source's text; false when no copy is stored (a URL alone) or it was written through the API: nobody checked it.",
    required=True, writable=False,
    read="({v}.managedBy = 'seed' AND ({v}.quotes[{i}] <> '' OR {v}.paraphrases[{i}] <> '') "
         "AND ({v}.quotes[{i}] = '' OR coalesce({source}.file, {via}.file) IS NOT NULL) "
         "AND ({v}.paraphrases[{i}] = '' OR {via}.file IS NOT NULL))",
)  # fmt: skip


# -- node kinds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A field of a node type that follows facts: from the node (`self`) through facts of `types` to the
    node at the other end (`other`, of label `other_label` when given).

    `item` is what the field lists: the other nodes (a node type name) or the facts themselves seen as a
    fact view (then `ends` names which of its fields is `self` and which is `other`).
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
    # Figures: of several for one measure and scope, the best-ranked unless `rank: ALL` (Rank, RankFilter).
    ranked: bool = False
    # Without `asOf`, where nothing holds today: the latest known fact of each type with each counterpart
    # ("each"), or the latest known of the whole field ("one": who led last, not everyone who ever led).
    latest: Literal["each", "one"] = "each"


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

    @property
    def called(self) -> str:
        """What one of them is, in a few words: its description up to the first colon or full stop."""
        return re.split(r"[:.]", self.description, maxsplit=1)[0]


@dataclass(frozen=True)
class FactKind:
    """A relationship type: which labels it may join (from and to) and what it means."""

    name: str
    from_labels: frozenset[Label]
    to_labels: frozenset[Label]
    meaning: str


@dataclass(frozen=True)
class FactView:
    """A GraphQL type for facts seen from a node: which qualifiers it shows, fields computed from the type
    or the viewpoint (`{v}` is the fact, `{self}` the node it is seen from), and its two ends."""

    name: str
    description: str
    qualifiers: tuple[str, ...]
    computed: tuple[tuple[Attr, str], ...] = ()  # (field, its GraphQL type name)
    ends: tuple[tuple[str, str | None, str], ...] = ()  # (field, node type or None for any, description)


ORG, PERSON = Label.ORGANIZATION, Label.PERSON
PARTIES = frozenset({ORG, PERSON})
STRIKE, SITE, PLACE, FIGURE = Label.STRIKE, Label.SITE, Label.PLACE, Label.FIGURE


Labels = set[Label] | frozenset[Label]


def _fact(name: str, from_labels: Labels, to_labels: Labels, meaning: str) -> FactKind:
    return FactKind(name, frozenset(from_labels), frozenset(to_labels), meaning)


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
    _fact("ACCEPTS", PARTIES, {Label.ISSUE}, "accepts a proposal or a call (e.g. to go to arbitration)"),
    _fact("REJECTS", PARTIES, {Label.ISSUE}, "rejects a proposal or a call"),
    _fact("CALLED_ON", PARTIES, PARTIES, "asked another party to do something (detail: what; on: when)"),
    _fact("MEDIATED", PARTIES, {Label.NEGOTIATION, STRIKE}, "mediated talks or a dispute"),
    _fact("GAVE_NOTICE", PARTIES, {STRIKE}, "gave formal notice of the stoppage (on: when)"),
    _fact("THREATENED", PARTIES, {STRIKE}, "threatened the stoppage (on: when)"),
    _fact("CALLED_OFF", PARTIES, {STRIKE}, "called it off, or rescinded its notice, before it began (averted)"),
    _fact("SUSPENDED", PARTIES, {STRIKE}, "suspended the stoppage under way (on: when)"),
    _fact("RESUMED", PARTIES, {STRIKE}, "resumed a suspended stoppage (on: when)"),
    _fact("DEMANDS", {STRIKE}, {Label.ISSUE}, "what the stoppage demands (detail: exactly what)"),
    _fact("SETTLES", {Label.AGREEMENT}, {Label.ISSUE}, "what a deal did with a demand (outcome, detail)"),
    _fact("SUCCEEDS", {Label.AGREEMENT}, {Label.AGREEMENT}, "a contract replaces an earlier one"),
    _fact("SCHEDULED_VOTE", {ORG}, {Label.AGREEMENT, STRIKE},
          "its members are to vote on a deal or a strike (on: the day set)"),
    _fact("AT", {STRIKE, FIGURE}, {SITE, PLACE},
          "where a stoppage happens (since/until: when a site joined and left; scope: which workers); "
          "for a figure, where it counts"),
    _fact("OPERATES", {ORG}, {SITE}, "an employer runs a workplace"),
    _fact("LOCATED_IN", {SITE, PLACE, ORG}, {PLACE}, "lies in a place (a site in a city, a city in a state)"),
    _fact("IN_INDUSTRY", {ORG, STRIKE, SITE}, {Label.INDUSTRY}, "its industry (a NAICS sector or subsector)"),
    _fact("AFFILIATED_WITH", {ORG}, {ORG}, "a union is affiliated with a federation or a parent union"),
    _fact("MEASURES", {FIGURE}, {STRIKE, ORG, SITE, PLACE, Label.AGREEMENT, Label.NEGOTIATION, Label.ISSUE},
          "what a figure counts"),
    _fact("CLAIMS", PARTIES, {FIGURE}, "a party puts a figure forward: its claim, not a finding"),
    _fact("SUPPORTS", PARTIES, {ORG, Label.STRIKE}, "backs an organization or a strike"),
    _fact("MERGED_INTO", {ORG}, {ORG}, "an organization merged into another, which continues it (on = when)"),
    _fact("RENAMED_TO", {ORG}, {ORG}, "an organization took a new name, a new stage of it (on = when)"),
    _fact("PUBLISHED", PARTIES, {Label.SOURCE}, "is the author or publisher of a source"),
    _fact("CITES", {Label.SOURCE}, {Label.SOURCE}, "a source relays what another source says"),
)  # fmt: skip

LEADING = ("PRESIDES", "LEADS")
AGREEMENT_ACTIONS = ("REACHED", "PARTY_TO", "RATIFIED")
STANCES = ("PROPOSES", "WILLING_TO_DISCUSS", "REFUSES", "SILENT_ON", "ACCEPTS", "REJECTS")
STOPPAGE_EVENTS = ("THREATENED", "GAVE_NOTICE", "CALLED_OFF", "SUSPENDED", "RESUMED")
SUCCESSIONS = ("MERGED_INTO", "RENAMED_TO")
LINEAGE_HOPS = 16  # how far a lineage is followed (merges and renames of one organization)
STRIKE_SIDES = ("STRIKER", "TARGET")  # WAGES makes a striker, AGAINST a target


def _closed(name: str, values: tuple[str, ...], description: str) -> type[Enum]:
    """A closed set of values as a Python enum (the GraphQL contract makes it a GraphQL enum)."""
    closed = Enum(name, [(value, value) for value in values])  # type: ignore[misc]
    closed.__doc__ = description
    return closed


# The enums of computed fact view fields, by the name FACT_VIEWS give them: derived from the tuples above.
FACT_ENUMS: dict[str, type[Enum]] = {
    closed.__name__: closed
    for closed in (
        _closed("StrikeSide", STRIKE_SIDES, "Which side of a strike an organization is on."),
        _closed("AgreementActionKind", AGREEMENT_ACTIONS, "What an organization did with an agreement."),
        _closed("StanceKind", STANCES, "Where a party stands on a bargaining issue."),
        _closed("SuccessionKind", SUCCESSIONS, "How one stage of an organization became the next."),
        _closed("StoppageEventKind", STOPPAGE_EVENTS, "A dated event in a stoppage's life."),
    )
}


def _enum_attr(name: str, enum_name: str, description: str) -> tuple[Attr, str]:
    return Attr(name, "enum", description, required=True, writable=False, read="type({v})"), enum_name


# Fact views: facts as a node's fields show them.
FACT_VIEWS: tuple[FactView, ...] = (
    FactView("Leadership", "A person who presides over or leads an organization.",
             ("title", "since", "until", "attested_on"),
             ends=(("person", "Person", "The leader."), ("organization", "Organization", "The organization led."))),
    FactView("Membership", "A person or organization that is a member of an organization.",
             ("role", "since", "until", "attested_on"),
             ends=(("member", None, "The member: an Organization or a Person."),
                   ("organization", "Organization", "The organization joined."))),
    FactView("StrikeParty", "An organization on one side of a strike.", ("since", "until", "attested_on"),
             computed=((Attr("side", "enum", "Striker or target.", required=True, writable=False,
                             read="CASE type({v}) WHEN 'WAGES' THEN 'STRIKER' ELSE 'TARGET' END"), "StrikeSide"),),
             ends=(("strike", "Strike", "The strike."),
                   ("organization", "Organization", "The striking or struck organization."))),
    FactView("AgreementAction", "An organization reaching, being party to, or ratifying an agreement.", ("on", "by"),
             computed=(_enum_attr("action", "AgreementActionKind", "Reached, party to or ratified."),),
             ends=(("agreement", "Agreement", "The agreement."),
                   ("organization", "Organization", "The organization."))),
    FactView("Participation", "A party taking part in a meeting or round of talks.", ("role", "detail"),
             ends=(("party", None, "An Organization or a Person."), ("negotiation", "Negotiation", "The talks."))),
    FactView("Stance", "Where a party stands on a bargaining issue, as of a date.", ("detail", "on"),
             computed=(_enum_attr("stance", "StanceKind", "Where the party stands."),),
             ends=(("party", None, "An Organization or a Person."), ("issue", "Issue", "The bargaining issue."))),
    FactView("Succession", "One stage of an organization's lineage becoming the next: a merger or a rename.",
             ("on",), computed=(_enum_attr("kind", "SuccessionKind", "A merger or a rename."),),
             ends=(("predecessor", "Organization", "The earlier stage."),
                   ("successor", "Organization", "The later stage."))),
    FactView("StoppageEvent", "A dated event in a stoppage's life: a threat, a notice, calling it off, a suspension.",
             ("on", "by", "detail", "scope"),
             computed=(_enum_attr("event", "StoppageEventKind", "What happened."),),
             ends=(("party", None, "Who did it: an Organization or a Person."), ("strike", "Strike", "The stoppage."))),
    FactView("StoppageLocation", "Where a stoppage happens: a site or a place, from when to when, which workers.",
             ("since", "until", "attested_on", "scope"),
             ends=(("strike", "Strike", "The stoppage."), ("location", None, "A Site or a Place."))),
    FactView("Call", "A party asking another to do something (e.g. to accept binding arbitration).",
             ("detail", "on", "by"),
             ends=(("caller", None, "Who asked."), ("callee", None, "Who was asked."))),
    FactView("Settlement", "What a deal did with a demand.", ("outcome", "detail"),
             ends=(("agreement", "Agreement", "The deal."), ("issue", "Issue", "The demand's issue."))),
    FactView("Relationship", "A fact seen from one of its ends: its type, direction and the other end.",
             tuple(q.name for q in FACT_QUALIFIERS),
             computed=((Attr("direction", "enum", "Which way it points, seen from the node asked about.",
                             required=True, writable=False,
                             read="CASE WHEN startNode({v}) = {self} THEN 'OUTGOING' ELSE 'INCOMING' END"),
                        "Direction"),),
             ends=(("other", None, "The node at the other end."),)),
    FactView("PathHop", "One hop of a path: a fact, walked forwards or backwards.",
             tuple(q.name for q in FACT_QUALIFIERS),
             computed=((Attr("forward", "bool", "True when the fact points from `from` to `to`.", required=True,
                             writable=False, read="startNode({v}) = {self}"), "Boolean"),),
             ends=(("from_", None, "Where the hop starts."), ("to", None, "Where the hop arrives."))),
)  # fmt: skip

_BY_DATE = ("coalesce({r}.onEarliest, {r}.byLatest, {r}.sinceEarliest)", "{m}.name", "{r}.id")
_BY_STRIKE_START = ("coalesce({m}.startDateEarliest, {m}.attestedOnEarliest)", "{m}.id")
_BY_TALKS_DATE = ("{m}.dateEarliest", "{m}.id")
_BY_TENURE = ("coalesce({r}.sinceEarliest, {r}.attestedOnEarliest)", "{m}.name")


def _facts(name: str, description: str, types: tuple[str, ...], direction: Literal["out", "in", "both"],
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

# Where a stoppage stands on `{as_of}`, from its own dates and its dated events (StoppageStatus): begun
# and not ended is ON (or SUSPENDED after a suspension not yet resumed), past its end ENDED; before it
# began, the latest of its threat, notice or calling off; null when nothing is known by then. Its events up
# to that day are read once (one subquery), latest first; on one day, calling off outranks a notice, and a
# resumption a suspension.
STOPPAGE_STATUS = (
    "head([events IN [COLLECT {{ MATCH ({v})<-[e:" + "|".join(STOPPAGE_EVENTS) + "]-() "
    "WHERE e.retractedAt IS NULL AND coalesce(e.onEarliest, e.byLatest) <= {as_of} RETURN type(e) "
    "ORDER BY coalesce(e.onEarliest, e.byLatest) DESC, "
    "CASE type(e) WHEN 'CALLED_OFF' THEN 0 WHEN 'RESUMED' THEN 0 WHEN 'GAVE_NOTICE' THEN 1 ELSE 2 END }}] | "
    "CASE WHEN {v}.startDateEarliest <= {as_of} THEN "
    "CASE WHEN {v}.endDateEarliest <= {as_of} THEN 'ENDED' "
    "WHEN head([t IN events WHERE t IN ['SUSPENDED', 'RESUMED']]) = 'SUSPENDED' THEN 'SUSPENDED' ELSE 'ON' END "
    "WHEN {v}.attestedOnEarliest <= {as_of} AND {as_of} <= {v}.attestedOnLatest THEN 'ON' "
    "ELSE head([t IN events WHERE t IN ['THREATENED', 'GAVE_NOTICE', 'CALLED_OFF'] | "
    "CASE t WHEN 'GAVE_NOTICE' THEN 'NOTICE_GIVEN' WHEN 'CALLED_OFF' THEN 'AVERTED' ELSE 'THREATENED' END]) "
    "END])"
)


def _figures(subject: str) -> Relation:
    return replace(_nodes("figures", f"Figures about {subject} (workers, votes, terms...), each with its sources and "
                          "who claims it: the best-ranked per measure and scope unless `rank: ALL`.",
                          ("MEASURES",), "in", FIGURE, None, ("{m}.measure", "{m}.scope", "{m}.value", "{m}.id")),
                   ranked=True)  # fmt: skip


def _kind(
    enum: type[Enum], input_name: str, description: str = "What kind it is.", required: bool = False,
    default: Enum | None = None,
) -> Attr:  # fmt: skip
    return Attr("kind", "enum", description, enum, required=required, input_name=input_name, default=default)


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
             (*_staged(replace(_facts("leaders", "Who presides over or leads it.", LEADING, "in", "Leadership",
                                      PERSON, "organization", "person", "span", _BY_TENURE), latest="one"),
              _facts("members", "Its members.", ("MEMBER_OF",), "in", "Membership", None, "organization", "member",
                     "span"),
              _facts("member_of", "The organizations it is a member of.", ("MEMBER_OF",), "out", "Membership", ORG,
                     "member", "organization", "span"),
              _facts("strikes", "Strikes it wages.", ("WAGES",), "out", "StrikeParty", Label.STRIKE, "organization",
                     "strike", "span", _BY_STRIKE_START),
              _facts("struck_by", "Strikes against it.", ("AGAINST",), "in", "StrikeParty", Label.STRIKE,
                     "organization", "strike", "span", _BY_STRIKE_START),
              _facts("agreements", "Agreements it reached, is party to or ratified.", AGREEMENT_ACTIONS, "out",
                     "AgreementAction", Label.AGREEMENT, "organization", "agreement", "point", _BY_DATE),
              _facts("negotiations", "Talks it took part in.", ("PARTICIPATES_IN",), "out", "Participation",
                     Label.NEGOTIATION, "party", "negotiation", None, _BY_TALKS_DATE),
              _facts("stances", "Its positions on bargaining issues.", STANCES, "out", "Stance", Label.ISSUE,
                     "party", "issue", "point", ("{m}.name", "type({r})"))),
              _facts("predecessors", "The stages it continues: organizations merged into it or renamed to it.",
                     SUCCESSIONS, "in", "Succession", ORG, "successor", "predecessor", "point", _BY_DATE),
              _facts("successors", "The stages that continue it: what it merged into or was renamed to.",
                     SUCCESSIONS, "out", "Succession", ORG, "predecessor", "successor", "point", _BY_DATE),
              Relation("lineage", "Every other stage of its lineage: predecessors, successors and merger partners, "
                       "oldest first.", SUCCESSIONS, "both", "Organization", ORG,
                       order=("{m}.foundedEarliest", "{m}.name"), reach=LINEAGE_HOPS),
              _nodes("parents", "What it belongs to: a local's union, a committee's organization.", ("PART_OF",),
                     "out", ORG, "span"),
              _nodes("parts", "Its locals, bargaining units and committees.", ("PART_OF",), "in", ORG, "span"),
              _nodes("affiliations", "The federations or parent unions it is affiliated with.", ("AFFILIATED_WITH",),
                     "out", ORG, "span"),
              _nodes("sites", "The workplaces it runs.", ("OPERATES",), "out", SITE, "span"),
              _nodes("places", "Where it is based.", ("LOCATED_IN",), "out", PLACE, "span"),
              _nodes("industries", "Its industries (NAICS).", ("IN_INDUSTRY",), "out", Label.INDUSTRY),
              _facts("calls", "What it asked others to do.", ("CALLED_ON",), "out", "Call", None, "caller", "callee",
                     "point", _BY_DATE),
              _facts("called_on_by", "What others asked it to do.", ("CALLED_ON",), "in", "Call", None, "callee",
                     "caller", "point", _BY_DATE),
              _figures("it (members, unit size)")),
             ordered_dates=(("founded", "dissolved"),)),
    NodeKind(Label.PERSON, "people", "A person.", (),
             (_facts("roles", "Organizations they preside over or lead.", LEADING, "out", "Leadership", ORG,
                     "person", "organization", "span", _BY_TENURE),
              _facts("memberships", "Organizations they are a member of.", ("MEMBER_OF",), "out", "Membership",
                     ORG, "member", "organization", "span"),
              _facts("negotiations", "Talks they took part in.", ("PARTICIPATES_IN",), "out", "Participation",
                     Label.NEGOTIATION, "party", "negotiation", None, _BY_TALKS_DATE),
              _facts("calls", "What they asked others to do.", ("CALLED_ON",), "out", "Call", None, "caller",
                     "callee", "point", _BY_DATE),
              _facts("called_on_by", "What others asked them to do.", ("CALLED_ON",), "in", "Call", None, "callee",
                     "caller", "point", _BY_DATE))),
    NodeKind(Label.STRIKE, "strikes", "A strike: who strikes, against whom, from when to when.",
             (_kind(StoppageKind, "stoppage_kind", "A strike, a lockout, a walkout or a protest.",
                    default=StoppageKind.STRIKE),
              Attr("status", "enum", "Where it stands on a date (default today), derived from its dates and its "
                   "dated events; null when nothing is known by then.", StoppageStatus, writable=False,
                   arguments=("as_of",), read=STOPPAGE_STATUS),
              _date("start_date", "Its first day."),
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
              _facts("parties", "Both sides, with dates and sources.", ("WAGES", "AGAINST"), "both", "StrikeParty",
                     ORG, "strike", "organization", "span", ("type({r}) DESC", "{m}.name"))),
              _nodes("negotiations", "Talks about this strike.", ("ABOUT",), "in", Label.NEGOTIATION, None,
                     _BY_TALKS_DATE),
              _nodes("agreements", "Agreements about (e.g. ending) this strike.", ("ABOUT",), "in", Label.AGREEMENT),
              _facts("events", "Its life before and during: threats, notices, calling it off, suspensions.",
                     STOPPAGE_EVENTS, "in", "StoppageEvent", None, "strike", "party", None, _BY_DATE),
              _facts("locations", "Where it happens, site by site, with when each joined and left.", ("AT",), "out",
                     "StoppageLocation", None, "strike", "location", "span",
                     ("coalesce({r}.sinceEarliest, {r}.attestedOnEarliest)", "{m}.name")),
              _nodes("demands", "What it demands.", ("DEMANDS",), "out", Label.ISSUE),
              _nodes("industries", "Its industries (NAICS).", ("IN_INDUSTRY",), "out", Label.INDUSTRY),
              _nodes("mediators", "Who mediated it.", ("MEDIATED",), "in", ORG),
              _figures("it (workers involved, votes)")),
             ordered_dates=(("start_date", "end_date"),)),
    NodeKind(Label.AGREEMENT, "agreements", "A deal: who reached it, who is party to it, who ratified it.",
             (_kind(AgreementKind, "agreement_kind", "Tentative (not yet ratified) or final."),
              _date("effective", "When its term begins."), _date("expires", "When its term ends.")),
             (_facts("actions", "Reached, party-to and ratified, with dates.", AGREEMENT_ACTIONS, "in",
                     "AgreementAction", ORG, "agreement", "organization", "point", _BY_DATE),
              _nodes("parties", "The organizations party to it.", ("PARTY_TO",), "in", ORG, "point"),
              _facts("ratified_by", "Ratifications (as of a date).", ("RATIFIED",), "in", "AgreementAction", ORG,
                     "agreement", "organization", "point", _BY_DATE),
              _nodes("strikes", "Strikes it is about (e.g. ended).", ("ABOUT",), "out", Label.STRIKE, None,
                     _BY_STRIKE_START),
              _nodes("predecessors", "The contracts it replaces.", ("SUCCEEDS",), "out", Label.AGREEMENT),
              _nodes("successors", "The contracts that replace it.", ("SUCCEEDS",), "in", Label.AGREEMENT),
              _facts("settlements", "What it did with each demand.", ("SETTLES",), "out", "Settlement", Label.ISSUE,
                     "agreement", "issue", None),
              _figures("it (votes, wage terms)")),
             ordered_dates=(("effective", "expires"),)),
    NodeKind(Label.NEGOTIATION, "negotiations", "A meeting or a round of talks.",
             (_date("date", "When the talks were held or are due (their first day, for a round)."),
              _date("end_date", "A round's last day, when the talks span several."),
              Attr("status", "enum", "Whether the talks took place, as of a date (default today): as the sources "
                   "said, or PAST_UNCONFIRMED when they were scheduled for a day now past and no source says they "
                   "took place.", NegotiationStatus, required=True, arguments=("as_of",), read=NEGOTIATION_STATUS,
                   derived=(NegotiationStatus.PAST_UNCONFIRMED,)),
              _text("outcome")),
             (_facts("participants", "Who takes part.", ("PARTICIPATES_IN",), "in", "Participation", None,
                     "negotiation", "party", None, ("{m}.name",)),
              _nodes("strikes", "Strikes the talks are about.", ("ABOUT",), "out", Label.STRIKE, None,
                     _BY_STRIKE_START),
              _nodes("mediators", "Who mediated the talks.", ("MEDIATED",), "in", ORG)),
             ordered_dates=(("date", "end_date"),)),
    NodeKind(Label.ISSUE, "issues", "A bargaining topic or a proposal: AI, residuals, safe staffing, binding "
             "arbitration...",
             (Attr("topic", "enum", "What it is about, in a taxonomy shared across disputes.", IssueTopic),),
             (_facts("stances", "Who proposes it, is willing to discuss it, refuses it, accepts it...", STANCES, "in",
                     "Stance", None, "issue", "party", "point", ("type({r})", "{m}.name")),
              _nodes("demanded_by", "The stoppages that demand it.", ("DEMANDS",), "in", Label.STRIKE, None,
                     _BY_STRIKE_START),
              _facts("settlements", "What deals did with it.", ("SETTLES",), "in", "Settlement", Label.AGREEMENT,
                     "issue", "agreement", None),
              _figures("it (what is demanded or offered)"))),
    NodeKind(Label.SOURCE, "sources", "A document facts come from: an article, report, email or statement.",
             (Attr("title", "text", "Its title (the same as `name`).", required=True, writable=False, stored="name"),
              Attr("kind", "enum", "What kind of document it is.", SourceKind, required=True,
                   input_name="source_kind"),
              _text("publisher"), _date("date"), Attr("url", "url"),
              _text("file", "Its text in the repository, under seed/sources/, when there is a copy."),
              Attr("unverified", "bool", "True when it has neither a URL nor a file: nobody can check it.",
                   required=True, writable=False, read="coalesce({v}.unverified, false)")),
             needs_citation=False, locators=("url", "file")),
    NodeKind(PLACE, "places", "A place: a country, a state or region, a county or borough, a city. Places lie in "
             "places (`LOCATED_IN`), so a filter on a state finds what happens in its cities.",
             (_kind(PlaceKind, "place_kind", required=True),
              Attr("iso_code", "text", "Its ISO 3166 code, for a country or a region, e.g. US or US-NY.",
                   pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")),
             (Relation("within", "Every place it lies in: its county, state, country...", ("LOCATED_IN",), "out",
                       "Place", PLACE, order=("{m}.name",), reach=8),
              _nodes("contains", "The places directly in it.", ("LOCATED_IN",), "in", PLACE),
              _nodes("sites", "The workplaces directly in it.", ("LOCATED_IN",), "in", SITE),
              _facts("strikes", "Stoppages in it (named at the place itself).", ("AT",), "in", "StoppageLocation",
                     STRIKE, "location", "strike", "span", _BY_STRIKE_START))),
    NodeKind(SITE, "sites", "A workplace: a hospital, a plant, a warehouse, a store, a studio lot.",
             (_kind(SiteKind, "site_kind"), _text("address"), _text("postal_code", "Its postal (ZIP) code.")),
             (_nodes("operators", "Who runs it.", ("OPERATES",), "in", ORG, "span"),
              _nodes("places", "Where it is.", ("LOCATED_IN",), "out", PLACE),
              _facts("strikes", "Stoppages at it, with when it joined and left each.", ("AT",), "in",
                     "StoppageLocation", STRIKE, "location", "strike", "span", _BY_STRIKE_START),
              _nodes("industries", "Its industries (NAICS).", ("IN_INDUSTRY",), "out", Label.INDUSTRY),
              _figures("it (workers at the site)"))),
    NodeKind(Label.INDUSTRY, "industries", "An industry of the North American Industry Classification System "
             "(NAICS): a sector (two digits, or a range such as 31-33) or a subsector (three digits).",
             (Attr("code", "text", "Its NAICS code.", required=True, pattern=r"^[0-9]{2}(-[0-9]{2})?$|^[0-9]{3,6}$"),),
             (_nodes("organizations", "Organizations in it.", ("IN_INDUSTRY",), "in", ORG),
              _nodes("strikes", "Stoppages in it.", ("IN_INDUSTRY",), "in", STRIKE, None, _BY_STRIKE_START))),
    NodeKind(FIGURE, "figures", "A number a source gives: workers on strike, a unit's size, a vote, a raise. Several "
             "figures for one measure may disagree; each keeps its sources, who claims it, and a rank.",
             (Attr("measure", "enum", "What it counts.", Measure, required=True),
              Attr("value", "number", "The number.", required=True),
              _text("unit", 'What it is counted in, when not plain: "percent", "USD".'),
              Attr("approximation", "enum", "How exact the source says it is.", Approximation,
                   default=Approximation.EXACT),
              _text("scope", 'What exactly is counted, e.g. "nurses at Mount Sinai Hospital".'),
              _text("period", 'The period it covers, e.g. "over three years".'),
              _date("attested_on", "The day it describes, when the source dates it."),
              Attr("rank", "enum", "Preferred, normal or deprecated (Wikidata's ranks).", Rank, default=Rank.NORMAL),
              _text("rank_reason", "Why it is preferred or deprecated.")),
             (Relation("measures", "What it counts.", ("MEASURES",), "out", "Node"),
              Relation("claimed_by", "Who puts it forward, when it is a party's claim.", ("CLAIMS",), "in", "Node"),
              Relation("locations", "Where it counts, when only at some sites or places.", ("AT",), "out", "Node"))),
)  # fmt: skip

NODE_KIND: dict[Label, NodeKind] = {kind.label: kind for kind in NODE_KINDS}
# Every closed set a field takes (each a GraphQL enum, described by its docstring), in the order first met.
_FIELDS = (*FACT_QUALIFIERS, *(attr for kind in NODE_KINDS for attr in kind.all_fields))
FIELD_ENUMS: tuple[type[Enum], ...] = (
    *dict.fromkeys(attr.enum for attr in _FIELDS if attr.enum is not None),
    RankFilter,
    ExternalIdScheme,
)
NODE_KIND_BY_TYPE: dict[str, NodeKind] = {kind.type_name: kind for kind in NODE_KINDS}
FACT_VIEW: dict[str, FactView] = {view.name: view for view in FACT_VIEWS}
QUALIFIER: dict[str, Attr] = {attr.name: attr for attr in FACT_QUALIFIERS}

# Relationship types as a Python enum (the GraphQL `RelationshipType`), derived from FACT_KINDS.
RelType = Enum("RelType", {kind.name: kind.name for kind in FACT_KINDS})  # type: ignore[misc]
# Which labels each relationship type may connect, and what it means (the README's model table).
FACT_KIND_BY_TYPE: dict[RelType, FactKind] = {RelType[kind.name]: kind for kind in FACT_KINDS}


def stored_as(label: Label) -> dict[str, str]:
    """Record field -> Neo4j property of a node kind's writable fields."""
    return {attr.name: attr.prop for attr in NODE_KIND[label].all_fields if attr.writable}
