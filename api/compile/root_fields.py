"""The root fields of `Query`, declared once: for each, its arguments (names, types, defaults and
descriptions, as a frozen dataclass), what it returns, its description, and which kind of root it is. The
GraphQL contract generates the Query type from this table (api/contract/queries.py); the compiler's
builders are keyed by the kind (api/compile/roots/) and read the arguments as typed attributes, and a
list's filters are methods of its arguments. So a new filter is one field and one condition here, and a
renamed argument is one edit that mypy, the contract and the fast tier all follow.

Argument names are Python's; GraphQL spells them with the one camelCase (schema/camel.py) unless an
argument gives its own (`from`)."""

from __future__ import annotations

import dataclasses
import functools
import types
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

from api.compile.cursors import DateOrder, NameOrder, StrikeOrder
from api.compile.filters import (
    MAX_LIST,
    MAX_PLACE_DEPTH,
    active_on,
    date_range,
    equals,
    equals_or_default,
    in_industry,
    linked,
    located_in,
    naics_code,
    name_contains,
    publisher_contains,
    ratified_as_of,
    status_is,
    within,
)
from api.compile.plan import Condition
from schema.camel import camel_case
from schema.dates import Date
from schema.global_ids import GlobalId
from schema.model import (
    NODE_KINDS,
    ExternalIdScheme,
    Label,
    Measure,
    NegotiationStatus,
    NodeKind,
    OrganizationKind,
    PlaceKind,
    SourceKind,
    StoppageKind,
)

PAGE = "Page size (default 20, at most the maximum)."
CURSOR = "A cursor from a previous page."
LOOKUP = "by slug (or global id) with `id`, or by exact name or alias, any case, with `name`."


def arg(default: Any = None, description: str | None = None, name: str | None = None, parameter: bool = False) -> Any:
    """An argument's default, description and GraphQL name (when not the camelCase of its own). A
    `parameter` reaches Cypher only as a parameter's value, never its text, the plan's shape or its cost: one
    plan serves every value a variable gives it (api/compile/rebind.py)."""
    return field(default=default, metadata={"description": description, "name": name, "parameter": parameter})


def graphql_name(argument: dataclasses.Field[Any]) -> str:
    return str(argument.metadata.get("name") or camel_case(argument.name))


class RootFieldKind(Enum):
    """How a root field is planned: one builder each (api/compile/roots/, `BUILDERS`)."""

    LOOKUP = "lookup"  # one node of a kind, by slug, global id or name
    NODE = "node"  # any node, by global id
    NODES = "nodes"  # nodes by global ids
    EXTERNAL_ID = "external_id"  # any node, by another dataset's identifier
    LIST = "list"  # a kind's nodes, filtered, one page
    CONNECTION = "connection"  # the same as a Relay connection
    ACTIVE_STRIKES = "active_strikes"
    SEARCH = "search"
    CHANGES = "changes"
    STRIKES_PER_YEAR = "strikes_per_year"
    DAYS_ON_STRIKE = "days_on_strike"
    STRIKE_STATS = "strike_stats"
    PATH = "path"
    FACTS_CITING = "facts_citing"  # the facts whose citations name a source


# -- arguments ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    id: str | None = arg(parameter=True)
    name: str | None = arg(parameter=True)


@dataclass(frozen=True)
class ById:
    id: GlobalId = arg(parameter=True)


@dataclass(frozen=True)
class ByIds:
    ids: list[GlobalId]


@dataclass(frozen=True)
class Filters:
    """A list's arguments: the filters of its subclass, an ordering and a page size. `conditions()` turns
    the filters into WHERE conditions over the listed node `n`."""

    def conditions(self) -> list[Condition]:
        return []

    @property
    def order(self) -> str:
        return str(getattr(self, "order_by").value)  # noqa: B009 (each list declares its own ordering)


@dataclass(frozen=True)
class Organizations(Filters):
    kind: OrganizationKind | None = None
    name_contains: str | None = None
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        return equals("kind", self.kind) + name_contains(self.name_contains)


@dataclass(frozen=True)
class People(Filters):
    name_contains: str | None = None
    organization: str | None = None
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        leads = "(n)-[x:PRESIDES|LEADS|MEMBER_OF]->(:Organization {{id: {node}}})"
        return name_contains(self.name_contains) + linked(leads, self.organization, "organization")


@dataclass(frozen=True)
class Strikes(Filters):
    active_on: Date | None = None
    striker: str | None = None
    against: str | None = None
    started_from: Date | None = None
    started_to: Date | None = None
    name_contains: str | None = None
    kind: StoppageKind | None = arg(description="Only strikes, lockouts, walkouts or protests.")
    in_: str | None = arg(
        description="A place (slug): only stoppages at a site or place in it, however deep.", name="in"
    )
    industry: str | None = arg(description='A NAICS code: only stoppages in it or an industry under it ("62").')
    order_by: StrikeOrder = StrikeOrder.START_DATE_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        conditions = active_on(self.active_on, "activeOn")
        conditions += equals_or_default("kind", self.kind, StoppageKind.STRIKE)
        conditions += located_in(self.in_, "in", self.active_on) + in_industry(self.industry, "industry")
        conditions += linked("(:Organization {{id: {node}}})-[x:WAGES]->(n)", self.striker, "striker")
        conditions += linked("(n)-[x:AGAINST]->(:Organization {{id: {node}}})", self.against, "against")
        conditions += date_range(
            "startDate", self.started_from, self.started_to, "startedFrom/startedTo", bound="attestedOn"
        )
        return conditions + name_contains(self.name_contains)


@dataclass(frozen=True)
class Agreements(Filters):
    party: str | None = None
    ratified_as_of: Date | None = None
    name_contains: str | None = None
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        parties = "(:Organization {{id: {node}}})-[x:REACHED|PARTY_TO|RATIFIED]->(n)"
        conditions = linked(parties, self.party, "party") + ratified_as_of(self.ratified_as_of, "ratifiedAsOf")
        return conditions + name_contains(self.name_contains)


@dataclass(frozen=True)
class Negotiations(Filters):
    party: str | None = None
    status: NegotiationStatus | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    order_by: DateOrder = DateOrder.DATE_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        return (
            linked("(:Entity {{id: {node}}})-[x:PARTICIPATES_IN]->(n)", self.party, "party")
            + status_is(self.status)
            + date_range("date", self.date_from, self.date_to, "dateFrom/dateTo")
        )


@dataclass(frozen=True)
class Issues(Filters):
    name_contains: str | None = None
    proposed_by: str | None = None
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        proposes = "(:Entity {{id: {node}}})-[x:PROPOSES]->(n)"
        return name_contains(self.name_contains) + linked(proposes, self.proposed_by, "proposedBy")


@dataclass(frozen=True)
class Sources(Filters):
    kind: SourceKind | None = None
    publisher_contains: str | None = None
    order_by: DateOrder = DateOrder.DATE_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        return equals("kind", self.kind) + publisher_contains(self.publisher_contains)


@dataclass(frozen=True)
class Places(Filters):
    kind: PlaceKind | None = None
    name_contains: str | None = None
    within: str | None = arg(description="A place (slug): only the places in it, however deep.")
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        inside = within(f"(n)-[:LOCATED_IN*1..{MAX_PLACE_DEPTH}]->", self.within, "within")
        return equals("kind", self.kind) + name_contains(self.name_contains) + inside


@dataclass(frozen=True)
class Sites(Filters):
    name_contains: str | None = None
    operator: str | None = arg(description="An organization (slug) that runs them.")
    in_: str | None = arg(description="A place (slug): only the sites in it, however deep.", name="in")
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        operator = "(:Organization {{id: {node}}})-[x:OPERATES]->(n)"
        inside = within(f"(n)-[:LOCATED_IN*1..{MAX_PLACE_DEPTH}]->", self.in_, "in")
        return name_contains(self.name_contains) + linked(operator, self.operator, "operator") + inside


@dataclass(frozen=True)
class Industries(Filters):
    code: str | None = arg(description='A NAICS code: the industry and those under it ("31-33" takes in 336).')
    name_contains: str | None = None
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        return naics_code(self.code, "code") + name_contains(self.name_contains)


@dataclass(frozen=True)
class Figures(Filters):
    measure: Measure | None = None
    of: str | None = arg(description="What they count (a slug): a strike, an organization, a site, a deal...")
    claimed_by: str | None = arg(description="A party (slug) that puts them forward.")
    order_by: NameOrder = NameOrder.NAME_ASC
    first: int | None = arg(description=PAGE)

    def conditions(self) -> list[Condition]:
        return (
            equals("measure", self.measure)
            + linked("(n)-[x:MEASURES]->(:Entity {{id: {node}}})", self.of, "of")
            + linked("(:Entity {{id: {node}}})-[x:CLAIMS]->(n)", self.claimed_by, "claimedBy")
        )


@dataclass(frozen=True)
class Backwards:
    """What a connection adds to its list's arguments: cursors and the last page."""

    after: str | None = arg(description=CURSOR)
    last: int | None = arg(description=PAGE)
    before: str | None = arg(description=CURSOR)


# A connection's arguments: its list's, then Backwards' (the bases' order makes the fields' order).
@dataclass(frozen=True)
class OrganizationsConnection(Backwards, Organizations): ...


@dataclass(frozen=True)
class PeopleConnection(Backwards, People): ...


@dataclass(frozen=True)
class StrikesConnection(Backwards, Strikes): ...


@dataclass(frozen=True)
class AgreementsConnection(Backwards, Agreements): ...


@dataclass(frozen=True)
class NegotiationsConnection(Backwards, Negotiations): ...


@dataclass(frozen=True)
class IssuesConnection(Backwards, Issues): ...


@dataclass(frozen=True)
class SourcesConnection(Backwards, Sources): ...


@dataclass(frozen=True)
class PlacesConnection(Backwards, Places): ...


@dataclass(frozen=True)
class SitesConnection(Backwards, Sites): ...


@dataclass(frozen=True)
class IndustriesConnection(Backwards, Industries): ...


@dataclass(frozen=True)
class FiguresConnection(Backwards, Figures): ...


@dataclass(frozen=True)
class ByExternalId:
    scheme: ExternalIdScheme
    id: str = arg(parameter=True)


@dataclass(frozen=True)
class ActiveStrikes:
    on: Date | None = None
    first: int | None = arg(description=PAGE)


@dataclass(frozen=True)
class Search:
    text: str = arg(parameter=True)
    kinds: list[Label] | None = None
    first: int = 10


@dataclass(frozen=True)
class Changes:
    since: str | None = arg(description="ISO date or date-time (UTC).")
    entity: str | None = arg(description="A node slug or fact id.")
    first: int = 50


@dataclass(frozen=True)
class StrikesPerYear:
    from_: int | None = arg(description="The first year.", name="from")
    to: int | None = arg(description="The last year.")


class StatsGroup(Enum):
    """What `strikeStats` groups stoppages by. A stoppage counts once in each group it falls in: in two
    industries or states, under two unions or employers, it counts in each (so groups may add up to more
    than the whole), and with none known it counts in the group whose value is null."""

    YEAR = "YEAR"  # the year it began (or, with no known start, was under way)
    MONTH = "MONTH"  # the month it began; null when its start is known only to the year
    INDUSTRY = "INDUSTRY"  # each industry (NAICS) it is in
    STATE = "STATE"  # each place of kind REGION (a state, province or region) where it happens
    UNION = "UNION"  # each organization that wages it
    EMPLOYER = "EMPLOYER"  # each organization it is against


@dataclass(frozen=True)
class StrikeStats:
    group_by: list[StatsGroup] | None = arg(description="Groups, in the order rows are sorted. Default: [YEAR].")
    from_: Date | None = arg(description="Only stoppages that began on or after (a year, month or day).", name="from")
    to: Date | None = arg(description="Only stoppages that began on or before.")
    kinds: list[StoppageKind] | None = arg(
        description="Which stoppages. Default: strikes and lockouts, the BLS's work stoppages."
    )
    as_of: Date | None = arg(
        description="Count as known on this day: stoppages begun by then, their days up to then, the figures "
        "dated by then. Without it: today."
    )


@dataclass(frozen=True)
class DaysOnStrike:
    as_of: Date | None = arg(description="Count up to this day. Without it: today.")
    first: int | None = arg(description=PAGE)


@dataclass(frozen=True)
class PathBetween:
    from_: str = arg(name="from", parameter=True)
    to: str = arg(parameter=True)
    max_length: int = 4
    as_of: Date | None = arg(
        description="Only facts that held on this day (a year, month or day), by the rule `relationships(asOf:)` "
        "reads them with. Without it: every fact not retracted.",
        parameter=True,
    )


@dataclass(frozen=True)
class FactsCiting:
    source: str = arg(description="A source, by slug or global id.", parameter=True)
    first: int = arg(default=100, description="How many facts (at most the maximum page size).")


# -- the table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RootField:
    """One field of `Query`. `returns` names a node type (or `Node`, or another object type); `shape` says
    how: "one" (nullable), "each" (a list of nullable), "list" or "connection"."""

    name: str
    kind: RootFieldKind
    arguments: type
    returns: str
    shape: str
    description: str


def _lists() -> list[RootField]:
    lists: list[tuple[str, str, type[Filters], type[Filters], str]] = [
        ("organizations", "Organization", Organizations, OrganizationsConnection,
         "Organizations, by kind and name fragment (matches aliases too)."),
        ("people", "Person", People, PeopleConnection,
         "People, optionally those who lead or belong to an organization (slug)."),
        ("strikes", "Strike", Strikes, StrikesConnection,
         "Strikes. `activeOn`: only those on at that date, i.e. who is on strike against whom (a month or year "
         "counts as its whole span). `striker`/`against`: organization slugs. `startedFrom`/`startedTo`: a date "
         "range."),
        ("agreements", "Agreement", Agreements, AgreementsConnection,
         "Agreements. `party`: an organization that reached, is party to or ratified it. `ratifiedAsOf`: only "
         "those ratified by that date."),
        ("negotiations", "Negotiation", Negotiations, NegotiationsConnection,
         "Meetings and rounds of talks, by party, status and date range."),
        ("issues", "Issue", Issues, IssuesConnection, "Bargaining issues, optionally those a party proposes (slug)."),
        ("sources", "Source", Sources, SourcesConnection, "Sources, by kind and publisher."),
        ("places", "Place", Places, PlacesConnection, "Places, by kind, name and the place they lie in."),
        ("sites", "Site", Sites, SitesConnection, "Workplaces, by name, operator and place."),
        ("industries", "Industry", Industries, IndustriesConnection, "NAICS industries, by code or name."),
        ("figures", "Figure", Figures, FiguresConnection,
         "Figures sources give (every rank), by measure, what they count and who claims them."),
    ]  # fmt: skip
    fields: list[RootField] = []
    for name, node_type, filters, connection, description in lists:
        fields.append(RootField(name, RootFieldKind.LIST, filters, node_type, "list", description))
        plural = "People" if node_type == "Person" else f"{node_type}s"
        fields.append(
            RootField(
                f"{name}Connection", RootFieldKind.CONNECTION, connection, node_type, "connection",
                f"{plural} as a Relay connection.",
            )
        )  # fmt: skip
        if name == "strikes":
            fields.append(
                RootField(
                    "activeStrikes", RootFieldKind.ACTIVE_STRIKES, ActiveStrikes, "Strike", "list",
                    "Strikes on at a date (default: today), with who strikes and against whom.",
                )
            )  # fmt: skip
    return fields


# One node of a kind: `organization(id:)`, `person(name:)`, ... (the bulk importer finds nodes the same way).
LOOKUPS: dict[str, NodeKind] = {kind.type_name[0].lower() + kind.type_name[1:]: kind for kind in NODE_KINDS}

ROOT_FIELDS: tuple[RootField, ...] = (
    RootField("node", RootFieldKind.NODE, ById, "Node", "one", "Any node by its global id."),
    RootField("nodes", RootFieldKind.NODES, ByIds, "Node", "each",
              "Nodes by global id, in the order asked (null where none)."),
    RootField("byExternalId", RootFieldKind.EXTERNAL_ID, ByExternalId, "Node", "one",
              "The node another dataset knows by this identifier (a Wikidata item, an OLMS file number...)."),
    *(
        RootField(name, RootFieldKind.LOOKUP, Lookup, kind.type_name, "one", f"{kind.called} {LOOKUP}")
        for name, kind in LOOKUPS.items()
    ),
    *_lists(),
    RootField("search", RootFieldKind.SEARCH, Search, "SearchHit", "list",
              "Full-text search over names, aliases and descriptions: a node named or aliased exactly the text "
              "first, then best first."),
    RootField("changes", RootFieldKind.CHANGES, Changes, "Change", "list",
              "The audit trail: writes through the API, newest first."),
    RootField("strikesPerYear", RootFieldKind.STRIKES_PER_YEAR, StrikesPerYear, "StrikeYear", "list",
              "Strikes per year they began, oldest first: a chart's bars."),
    RootField("daysOnStrike", RootFieldKind.DAYS_ON_STRIKE, DaysOnStrike, "StrikeTally", "list",
              "Organizations by days on strike, most first, with how many strikes they waged."),
    RootField("strikeStats", RootFieldKind.STRIKE_STATS, StrikeStats, "StrikeStats", "list",
              "Work stoppages grouped for a chart (by year, month, industry, state, union, employer), with their "
              "days, lost workdays, workers involved and idle days as the BLS counts them. One row per group, "
              f"at most {MAX_LIST}."),
    RootField("path", RootFieldKind.PATH, PathBetween, "Path", "one",
              "The shortest connection between two nodes (slugs or global ids), hop by hop."),
    RootField("factsCiting", RootFieldKind.FACTS_CITING, FactsCiting, "PathHop", "list",
              "The facts that rest on a source: every fact not retracted whose citations name it, as the source or "
              "as the one relaying it (`via`), each from its start to its end (`forward: true`), by fact type, "
              "then the name it starts from, then fact id."),
)  # fmt: skip
ROOTS: dict[str, RootField] = {root.name: root for root in ROOT_FIELDS}
# Query fields that read no graph: the review queue's drafts (api/contract/review.py), answered by their own
# resolvers through graphql-core, never compiled (nor cached: a draft changes with no Change in the trail).
BESIDE_THE_GRAPH = frozenset({"drafts", "draft"})


# -- binding and checking ----------------------------------------------------------------------------------------------


def bind(root: RootField, given: dict[str, Any]) -> Any:
    """The root's arguments object from the arguments graphql-core coerced (by GraphQL name); an argument
    the table does not declare is a contract that drifted from it: an error, never silently ignored."""
    declared = {graphql_name(argument): argument for argument in dataclasses.fields(root.arguments)}
    unknown = set(given) - set(declared)
    if unknown:  # the contract drifted from this table (checked at start-up: `check_contract`)
        raise TypeError(f"{root.name} takes no argument {', '.join(sorted(unknown))}")
    hints = argument_types(root.arguments)
    values = {}
    for name, argument in declared.items():
        if name in given:
            values[argument.name] = _as_declared(given[name], hints[argument.name])
    return root.arguments(**values)


def _as_declared(value: Any, hint: Any) -> Any:
    """graphql-core gives an enum value by its GraphQL name; the declared type wants the member."""
    if value is None:
        return None
    for option in get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,):
        if get_origin(option) is list and isinstance(value, list):
            (item,) = get_args(option)
            return [_as_declared(one, item) for one in value]
        if isinstance(option, type) and issubclass(option, Enum) and not isinstance(value, option):
            return option[str(value)]
    return value


class ContractDrift(RuntimeError):
    """The GraphQL contract's Query type says other than this table: caught at start-up, never at a request."""


def check_contract(query_fields: dict[str, list[str]]) -> None:
    """Raises ContractDrift unless the contract's Query fields (name: its argument names, in order) are
    exactly this table's."""
    declared = {root.name: [graphql_name(a) for a in dataclasses.fields(root.arguments)] for root in ROOT_FIELDS}
    problems = [f"{name}: the contract has no such field" for name in [*declared, *sorted(BESIDE_THE_GRAPH)]
                if name not in query_fields]  # fmt: skip
    problems += [f"{name}: the table has no such root field" for name in query_fields
                 if name not in declared and name not in BESIDE_THE_GRAPH]  # fmt: skip
    problems += [
        f"{name}: the contract's arguments {query_fields[name]} are not the table's {arguments}"
        for name, arguments in declared.items()
        if name in query_fields and query_fields[name] != arguments
    ]
    if problems:
        raise ContractDrift(
            "the Query type and the root table (api/compile/root_fields.py) differ: " + "; ".join(problems)
        )


@functools.cache
def parameters(arguments: type) -> frozenset[str]:
    """The GraphQL names of the arguments declared parameters (`arg(parameter=True)`)."""
    return frozenset(graphql_name(a) for a in dataclasses.fields(arguments) if a.metadata.get("parameter"))


@functools.cache  # resolved once per class: a plan-cache miss should not evaluate annotations again
def argument_types(arguments: type) -> dict[str, Any]:
    """Each argument's declared Python type (resolved), by its Python name."""
    return get_type_hints(arguments)
