"""Mutation inputs. They carry no rules of their own: they become the same pydantic records the seed
files are validated with (schema/records.py)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import UNSET

from schema.graph_model import NegotiationStatus, OrganizationKind, RelType, SourceKind
from schema.scalars import Date


@strawberry.input(description="A source behind a fact or node, and the sentence it rests on.")
class CitationInput:
    source: str
    quote: str | None = None


@strawberry.input(
    description=(
        "A node's fields. Which apply depends on its kind: `organizationKind` for organizations, `sourceKind`, "
        "`publisher`, `date`, `url` for sources, `startDate`/`endDate` for strikes, `date`/`status`/`outcome` "
        "for negotiations. On update, omitted fields stay and null clears."
    )
)
class NodeInput:
    id: str | None = UNSET
    name: str | None = UNSET
    aliases: list[str] | None = UNSET
    description: str | None = UNSET
    note: str | None = UNSET
    cites: list[CitationInput] | None = UNSET
    organization_kind: OrganizationKind | None = UNSET
    source_kind: SourceKind | None = UNSET
    start_date: Date | None = UNSET
    end_date: Date | None = UNSET
    date: Date | None = UNSET
    status: NegotiationStatus | None = UNSET
    outcome: str | None = UNSET
    publisher: str | None = UNSET
    url: str | None = UNSET
    file: str | None = UNSET


@strawberry.input(description="Corrections to a fact's qualifiers or sources; omitted fields stay, null clears.")
class FactPatch:
    title: str | None = UNSET
    role: str | None = UNSET
    detail: str | None = UNSET
    since: Date | None = UNSET
    until: Date | None = UNSET
    on: Date | None = UNSET
    by: Date | None = UNSET
    note: str | None = UNSET
    cites: list[CitationInput] | None = UNSET


@strawberry.input(description="A fact: a typed relationship with its qualifiers and at least one source.")
class FactInput(FactPatch):
    type: RelType
    from_: str = strawberry.field(name="from")
    to: str
    cites: list[CitationInput]  # required here: every fact cites at least one source
    id: str | None = UNSET


_RENAMED = {"from_": "from"}


def given_fields(value: Any) -> dict[str, Any]:
    """The fields a client actually sent, as record field names (enums as values, citations as dicts)."""
    fields: dict[str, Any] = {}
    for name, item in vars(value).items():
        if item is UNSET:
            continue
        if isinstance(item, list):
            item = [vars(entry) if isinstance(entry, CitationInput) else entry for entry in item]
        elif hasattr(item, "value") and not isinstance(item, str):
            item = item.value
        fields[_RENAMED.get(name, name)] = item
    return fields
