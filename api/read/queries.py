"""The root query type: each field hands its selection to one repository function.

Lists come twice: `strikes(...)` returns the nodes, `strikesConnection(...)` the same filters as a Relay
connection with keyset cursors (`first/after`, `last/before`) and `totalCount`.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import SelectedField

from api.context import Info
from api.errors import BadUserInput
from api.read import filters as where
from api.read import repository as repo
from api.read.pagination import DateOrder, NameOrder, StrikeOrder, page_request
from api.read.repository import Filters, slug_of
from api.write.repository import changes_since as audit_trail
from schema.graph_model import Label, NegotiationStatus, OrganizationKind, SourceKind
from schema.scalars import Date
from schema.types.base import from_global_id
from schema.types.changes import Change, ChangeAction
from schema.types.nodes import (
    NODE_TYPES,
    Agreement,
    Connection,
    Issue,
    Negotiation,
    Node,
    Organization,
    Path,
    Person,
    SearchHit,
    Source,
    Strike,
)

strawberry.enum(Label, name="NodeKind", description="The kinds of node.")

First = Annotated[int | None, strawberry.argument(description="Page size (default 20, at most the maximum).")]
Cursor = Annotated[str | None, strawberry.argument(description="A cursor from a previous page.")]


def _selected(info: Info) -> SelectedField:
    selected = info.selected_fields[0]
    assert isinstance(selected, SelectedField)
    return selected


async def _list(info: Info, label: Label, filters: Filters, order: Enum, first: int | None) -> list[Any]:
    page = page_request(order, first, None, None, None, info.context.settings.max_page_size)
    return await repo.node_list(info.context.graph, _selected(info), label, filters, order, page)


async def _connection(
    info: Info,
    label: Label,
    filters: Filters,
    order: Enum,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    page = page_request(order, first, after, last, before, info.context.settings.max_page_size)
    return await repo.node_connection(info.context.graph, _selected(info), label, filters, order, page)


async def _lookup(info: Info, type_name: str, id: str | None, name: str | None) -> Any:
    if (id is None) == (name is None):
        raise BadUserInput("pass exactly one of `id` or `name`", argument="id")
    if id is not None:
        return await repo.node_by_slug(info.context.graph, _selected(info), type_name, slug_of(id, "id"))
    assert name is not None
    return await repo.node_by_name(info.context.graph, _selected(info), type_name, name)


LOOKUP = "by slug (or global id) with `id`, or by exact name or alias, any case, with `name`."


@strawberry.type
class Query:
    # -- one node --------------------------------------------------------------------------------------

    @strawberry.field(description="Any node by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None or decoded[0] not in NODE_TYPES:
            raise BadUserInput(f"id: {id!r} is not a global id", argument="id")
        found: Node | None = await repo.node_by_slug(info.context.graph, _selected(info), decoded[0], decoded[1])
        return found

    @strawberry.field(description=f"An organization {LOOKUP}")
    async def organization(self, info: Info, id: str | None = None, name: str | None = None) -> Organization | None:
        found: Organization | None = await _lookup(info, "Organization", id, name)
        return found

    @strawberry.field(description=f"A person {LOOKUP}")
    async def person(self, info: Info, id: str | None = None, name: str | None = None) -> Person | None:
        found: Person | None = await _lookup(info, "Person", id, name)
        return found

    @strawberry.field(description=f"A strike {LOOKUP}")
    async def strike(self, info: Info, id: str | None = None, name: str | None = None) -> Strike | None:
        found: Strike | None = await _lookup(info, "Strike", id, name)
        return found

    @strawberry.field(description=f"An agreement {LOOKUP}")
    async def agreement(self, info: Info, id: str | None = None, name: str | None = None) -> Agreement | None:
        found: Agreement | None = await _lookup(info, "Agreement", id, name)
        return found

    @strawberry.field(description=f"A meeting or round of talks {LOOKUP}")
    async def negotiation(self, info: Info, id: str | None = None, name: str | None = None) -> Negotiation | None:
        found: Negotiation | None = await _lookup(info, "Negotiation", id, name)
        return found

    @strawberry.field(description=f"A bargaining issue {LOOKUP}")
    async def issue(self, info: Info, id: str | None = None, name: str | None = None) -> Issue | None:
        found: Issue | None = await _lookup(info, "Issue", id, name)
        return found

    @strawberry.field(description=f"A source {LOOKUP}")
    async def source(self, info: Info, id: str | None = None, name: str | None = None) -> Source | None:
        found: Source | None = await _lookup(info, "Source", id, name)
        return found

    # -- lists -----------------------------------------------------------------------------------------

    @strawberry.field(description="Organizations, by kind and name fragment (matches aliases too).")
    async def organizations(
        self, info: Info, kind: OrganizationKind | None = None, name_contains: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> list[Organization]:  # fmt: skip
        return await _list(info, Label.ORGANIZATION, where.organizations(kind, name_contains), order_by, first)

    @strawberry.field(description="Organizations as a Relay connection.")
    async def organizations_connection(
        self, info: Info, kind: OrganizationKind | None = None, name_contains: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Organization]:  # fmt: skip
        filters = where.organizations(kind, name_contains)
        return await _connection(info, Label.ORGANIZATION, filters, order_by, first, after, last, before)

    @strawberry.field(description="People, optionally those who lead or belong to an organization (slug).")
    async def people(
        self, info: Info, name_contains: str | None = None, organization: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> list[Person]:  # fmt: skip
        return await _list(info, Label.PERSON, where.people(name_contains, organization), order_by, first)

    @strawberry.field(description="People as a Relay connection.")
    async def people_connection(
        self, info: Info, name_contains: str | None = None, organization: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Person]:  # fmt: skip
        filters = where.people(name_contains, organization)
        return await _connection(info, Label.PERSON, filters, order_by, first, after, last, before)

    @strawberry.field(
        description=(
            "Strikes. `activeOn`: only those on at that date, i.e. who is on strike against whom "
            "(a month or year counts as its whole span). `striker`/`against`: organization slugs. "
            "`startedFrom`/`startedTo`: a date range."
        )
    )
    async def strikes(
        self, info: Info, active_on: Date | None = None, striker: str | None = None, against: str | None = None,
        started_from: Date | None = None, started_to: Date | None = None, name_contains: str | None = None,
        order_by: StrikeOrder = StrikeOrder.START_DATE_ASC, first: First = None,
    ) -> list[Strike]:  # fmt: skip
        filters = where.strikes(active_on, striker, against, started_from, started_to, name_contains)
        return await _list(info, Label.STRIKE, filters, order_by, first)

    @strawberry.field(description="Strikes as a Relay connection.")
    async def strikes_connection(
        self, info: Info, active_on: Date | None = None, striker: str | None = None, against: str | None = None,
        started_from: Date | None = None, started_to: Date | None = None, name_contains: str | None = None,
        order_by: StrikeOrder = StrikeOrder.START_DATE_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Strike]:  # fmt: skip
        filters = where.strikes(active_on, striker, against, started_from, started_to, name_contains)
        return await _connection(info, Label.STRIKE, filters, order_by, first, after, last, before)

    @strawberry.field(description="Strikes on at a date (default: today), with who strikes and against whom.")
    async def active_strikes(self, info: Info, on: Date | None = None, first: First = None) -> list[Strike]:
        return await _list(info, Label.STRIKE, where.active_strikes(on), StrikeOrder.START_DATE_ASC, first)

    @strawberry.field(
        description=(
            "Agreements. `party`: an organization that reached, is party to or ratified it. "
            "`ratifiedAsOf`: only those ratified by that date."
        )
    )
    async def agreements(
        self, info: Info, party: str | None = None, ratified_as_of: Date | None = None,
        name_contains: str | None = None, order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> list[Agreement]:  # fmt: skip
        filters = where.agreements(party, ratified_as_of, name_contains)
        return await _list(info, Label.AGREEMENT, filters, order_by, first)

    @strawberry.field(description="Agreements as a Relay connection.")
    async def agreements_connection(
        self, info: Info, party: str | None = None, ratified_as_of: Date | None = None,
        name_contains: str | None = None, order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Agreement]:  # fmt: skip
        filters = where.agreements(party, ratified_as_of, name_contains)
        return await _connection(info, Label.AGREEMENT, filters, order_by, first, after, last, before)

    @strawberry.field(description="Meetings and rounds of talks, by party, status and date range.")
    async def negotiations(
        self, info: Info, party: str | None = None, status: NegotiationStatus | None = None,
        date_from: Date | None = None, date_to: Date | None = None,
        order_by: DateOrder = DateOrder.DATE_ASC, first: First = None,
    ) -> list[Negotiation]:  # fmt: skip
        filters = where.negotiations(party, status, date_from, date_to)
        return await _list(info, Label.NEGOTIATION, filters, order_by, first)

    @strawberry.field(description="Negotiations as a Relay connection.")
    async def negotiations_connection(
        self, info: Info, party: str | None = None, status: NegotiationStatus | None = None,
        date_from: Date | None = None, date_to: Date | None = None, order_by: DateOrder = DateOrder.DATE_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Negotiation]:  # fmt: skip
        filters = where.negotiations(party, status, date_from, date_to)
        return await _connection(info, Label.NEGOTIATION, filters, order_by, first, after, last, before)

    @strawberry.field(description="Bargaining issues, optionally those a party proposes (slug).")
    async def issues(
        self, info: Info, name_contains: str | None = None, proposed_by: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC, first: First = None,
    ) -> list[Issue]:  # fmt: skip
        return await _list(info, Label.ISSUE, where.issues(name_contains, proposed_by), order_by, first)

    @strawberry.field(description="Issues as a Relay connection.")
    async def issues_connection(
        self, info: Info, name_contains: str | None = None, proposed_by: str | None = None,
        order_by: NameOrder = NameOrder.NAME_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Issue]:  # fmt: skip
        filters = where.issues(name_contains, proposed_by)
        return await _connection(info, Label.ISSUE, filters, order_by, first, after, last, before)

    @strawberry.field(description="Sources, by kind and publisher.")
    async def sources(
        self, info: Info, kind: SourceKind | None = None, publisher_contains: str | None = None,
        order_by: DateOrder = DateOrder.DATE_ASC, first: First = None,
    ) -> list[Source]:  # fmt: skip
        return await _list(info, Label.SOURCE, where.sources(kind, publisher_contains), order_by, first)

    @strawberry.field(description="Sources as a Relay connection.")
    async def sources_connection(
        self, info: Info, kind: SourceKind | None = None, publisher_contains: str | None = None,
        order_by: DateOrder = DateOrder.DATE_ASC,
        first: First = None, after: Cursor = None, last: First = None, before: Cursor = None,
    ) -> Connection[Source]:  # fmt: skip
        filters = where.sources(kind, publisher_contains)
        return await _connection(info, Label.SOURCE, filters, order_by, first, after, last, before)

    # -- exploring -------------------------------------------------------------------------------------

    @strawberry.field(description="Full-text search over names, aliases and descriptions, best first.")
    async def search(self, info: Info, text: str, kinds: list[Label] | None = None, first: int = 10) -> list[SearchHit]:
        maximum = info.context.settings.max_page_size
        if not 1 <= first <= maximum:
            raise BadUserInput(f"first must be between 1 and {maximum}, got {first}", argument="first")
        return await repo.search(info.context.graph, _selected(info), text, list(kinds or []), first)

    @strawberry.field(description="The audit trail: writes through the API, newest first.")
    async def changes(
        self,
        info: Info,
        since: Annotated[str | None, strawberry.argument(description="ISO date or date-time (UTC).")] = None,
        entity: Annotated[str | None, strawberry.argument(description="A node slug or fact id.")] = None,
        first: int = 50,
    ) -> list[Change]:
        maximum = info.context.settings.max_page_size
        if not 1 <= first <= maximum:
            raise BadUserInput(f"first must be between 1 and {maximum}, got {first}", argument="first")
        if since is not None:
            try:
                dt.datetime.fromisoformat(since)
            except ValueError:
                raise BadUserInput(f"since: {since!r} is not an ISO date or date-time", argument="since") from None
        rows = await audit_trail(info.context.graph, since, entity, first)
        return [
            Change(
                id=row["id"],
                at=row["at"],
                actor=row["actor"],
                action=ChangeAction(row["action"]),
                entity_type=row["entityType"],
                entity=row["entity"],
                before=json.loads(row["before"]) if row["before"] else None,
                after=json.loads(row["after"]) if row["after"] else None,
            )
            for row in rows
        ]

    @strawberry.field(description="The shortest connection between two nodes (slugs or global ids), hop by hop.")
    async def path(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_length: int = 4,
    ) -> Path | None:
        start, end = slug_of(from_, "from"), slug_of(to, "to")
        return await repo.shortest_path(info.context.graph, _selected(info), start, end, max_length)
