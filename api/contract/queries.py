"""The root query type. Its fields declare the arguments clients see; what each reads is planned in
`api/compile/roots.py`. Queries take the compiled path (one Cypher statement for the whole operation) and
never call these resolvers; they serve graphql-core's own execution, which plans the field the same way.

Lists come twice: `strikes(...)` returns the nodes, `strikesConnection(...)` the same filters as a Relay
connection with keyset cursors (`first/after`, `last/before`) and `totalCount`.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.compile.cursors import DateOrder, NameOrder, StrikeOrder
from api.contract.context import Info
from api.contract.scalars import Date
from api.contract.types.aggregates import StrikeTally, StrikeYear
from api.contract.types.changes import Change
from api.contract.types.nodes import NODE_TYPES, Connection, Node, Path, SearchHit
from schema.graph_model import Label, NegotiationStatus, OrganizationKind, SourceKind

First = Annotated[int | None, strawberry.argument(description="Page size (default 20, at most the maximum).")]
Cursor = Annotated[str | None, strawberry.argument(description="A cursor from a previous page.")]
LOOKUP = "by slug (or global id) with `id`, or by exact name or alias, any case, with `name`."

# The node types are made at import from the model (api/contract/types/nodes.py).
Organization: Any = NODE_TYPES["Organization"]
Person: Any = NODE_TYPES["Person"]
Strike: Any = NODE_TYPES["Strike"]
Agreement: Any = NODE_TYPES["Agreement"]
Negotiation: Any = NODE_TYPES["Negotiation"]
Issue: Any = NODE_TYPES["Issue"]
Source: Any = NODE_TYPES["Source"]


async def _planned(info: Info) -> Any:
    """graphql-core's execution of one root field: planned, run and shaped by the compiler."""
    operation = info.context.operation
    assert operation is not None, "set by the CompiledExecution extension"
    return await operation.root_field(info.context.graph, str(info.path.key))


def _lookup(type_: Any, description: str) -> Any:
    async def lookup(info: Info, id: str | None = None, name: str | None = None) -> Any:
        return await _planned(info)

    return strawberry.field(resolver=lookup, graphql_type=type_ | None, description=description)


@strawberry.type
class Query:
    # -- one node --------------------------------------------------------------------------------------

    @strawberry.field(graphql_type=Node | None, description="Any node by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Any:
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Node | None], description="Nodes by global id, in the order asked (null where none)."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> Any:
        return await _planned(info)

    organization = _lookup(Organization, f"An organization {LOOKUP}")
    person = _lookup(Person, f"A person {LOOKUP}")
    strike = _lookup(Strike, f"A strike {LOOKUP}")
    agreement = _lookup(Agreement, f"An agreement {LOOKUP}")
    negotiation = _lookup(Negotiation, f"A meeting or round of talks {LOOKUP}")
    issue = _lookup(Issue, f"A bargaining issue {LOOKUP}")
    source = _lookup(Source, f"A source {LOOKUP}")

    # -- lists -----------------------------------------------------------------------------------------

    @strawberry.field(
        graphql_type=list[Organization], description="Organizations, by kind and name fragment (matches aliases too)."
    )
    async def organizations(
        self, info: Info, kind: OrganizationKind | None = None, name_contains: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Organization], description="Organizations as a Relay connection.")
    async def organizations_connection(
        self, info: Info, kind: OrganizationKind | None = None, name_contains: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Person], description="People, optionally those who lead or belong to an organization (slug)."
    )
    async def people(
        self, info: Info, name_contains: str | None = None, organization: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Person], description="People as a Relay connection.")
    async def people_connection(
        self, info: Info, name_contains: str | None = None, organization: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Strike],
        description=(
            "Strikes. `activeOn`: only those on at that date, i.e. who is on strike against whom "
            "(a month or year counts as its whole span). `striker`/`against`: organization slugs. "
            "`startedFrom`/`startedTo`: a date range."
        ),
    )
    async def strikes(
        self, info: Info, active_on: Date | None = None, striker: str | None = None, against: str | None = None,
        started_from: Date | None = None, started_to: Date | None = None, name_contains: str | None = None,
        order_by: StrikeOrder = StrikeOrder.START_DATE_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Strike], description="Strikes as a Relay connection.")
    async def strikes_connection(
        self, info: Info, active_on: Date | None = None, striker: str | None = None, against: str | None = None,
        started_from: Date | None = None, started_to: Date | None = None, name_contains: str | None = None,
        order_by: StrikeOrder = StrikeOrder.START_DATE_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Strike],
        description="Strikes on at a date (default: today), with who strikes and against whom.",
    )
    async def active_strikes(self, info: Info, on: Date | None = None, first: First = None) -> Any:
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Agreement],
        description=(
            "Agreements. `party`: an organization that reached, is party to or ratified it. "
            "`ratifiedAsOf`: only those ratified by that date."
        ),
    )
    async def agreements(
        self, info: Info, party: str | None = None, ratified_as_of: Date | None = None,
        name_contains: str | None = None, order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Agreement], description="Agreements as a Relay connection.")
    async def agreements_connection(
        self, info: Info, party: str | None = None, ratified_as_of: Date | None = None,
        name_contains: str | None = None, order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Negotiation], description="Meetings and rounds of talks, by party, status and date range."
    )
    async def negotiations(
        self, info: Info, party: str | None = None, status: NegotiationStatus | None = None,
        date_from: Date | None = None, date_to: Date | None = None,
        order_by: DateOrder = DateOrder.DATE_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Negotiation], description="Negotiations as a Relay connection.")
    async def negotiations_connection(
        self, info: Info, party: str | None = None, status: NegotiationStatus | None = None,
        date_from: Date | None = None, date_to: Date | None = None, order_by: DateOrder = DateOrder.DATE_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(
        graphql_type=list[Issue], description="Bargaining issues, optionally those a party proposes (slug)."
    )
    async def issues(
        self, info: Info, name_contains: str | None = None, proposed_by: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Issue], description="Issues as a Relay connection.")
    async def issues_connection(
        self, info: Info, name_contains: str | None = None, proposed_by: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=list[Source], description="Sources, by kind and publisher.")
    async def sources(
        self, info: Info, kind: SourceKind | None = None, publisher_contains: str | None = None,
        order_by: DateOrder = DateOrder.DATE_ASC, first: First = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    @strawberry.field(graphql_type=Connection[Source], description="Sources as a Relay connection.")
    async def sources_connection(
        self, info: Info, kind: SourceKind | None = None, publisher_contains: str | None = None,
        order_by: DateOrder = DateOrder.DATE_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Any:  # fmt: skip
        return await _planned(info)

    # -- exploring -------------------------------------------------------------------------------------

    @strawberry.field(description="Full-text search over names, aliases and descriptions, best first.")
    async def search(self, info: Info, text: str, kinds: list[Label] | None = None, first: int = 10) -> list[SearchHit]:
        result: list[SearchHit] = await _planned(info)
        return result

    @strawberry.field(description="The audit trail: writes through the API, newest first.")
    async def changes(
        self,
        info: Info,
        since: Annotated[str | None, strawberry.argument(description="ISO date or date-time (UTC).")] = None,
        entity: Annotated[str | None, strawberry.argument(description="A node slug or fact id.")] = None,
        first: int = 50,
    ) -> list[Change]:
        result: list[Change] = await _planned(info)
        return result

    # -- counts ----------------------------------------------------------------------------------------

    @strawberry.field(description="Strikes per year they began, oldest first: a chart's bars.")
    async def strikes_per_year(
        self,
        info: Info,
        from_: Annotated[int | None, strawberry.argument(name="from", description="The first year.")] = None,
        to: Annotated[int | None, strawberry.argument(description="The last year.")] = None,
    ) -> list[StrikeYear]:
        result: list[StrikeYear] = await _planned(info)
        return result

    @strawberry.field(description="Organizations by days on strike, most first, with how many strikes they waged.")
    async def days_on_strike(
        self,
        info: Info,
        as_of: Annotated[
            Date | None, strawberry.argument(description="Count up to this day. Without it: today.")
        ] = None,
        first: First = None,
    ) -> list[StrikeTally]:
        result: list[StrikeTally] = await _planned(info)
        return result

    @strawberry.field(description="The shortest connection between two nodes (slugs or global ids), hop by hop.")
    async def path(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_length: int = 4,
    ) -> Path | None:
        result: Path | None = await _planned(info)
        return result
