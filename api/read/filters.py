"""The filters of each root list, shared by the plain list field and its `...Connection` twin."""

from __future__ import annotations

import datetime as dt

from api.read.compiler import parse_date
from api.read.repository import Filters, slug_of
from schema.graph_model import NegotiationStatus, OrganizationKind, SourceKind


def _name_contains(filters: Filters, fragment: str | None) -> None:
    if fragment:
        filters.add("any(k IN n.nameKeys WHERE k CONTAINS {fragment})", fragment=fragment.casefold())


def _date_range(filters: Filters, prop: str, start: str | None, end: str | None, argument: str) -> None:
    """Nodes whose `prop` may fall in [start, end] (a partial date counts as its whole span)."""
    if start is not None:
        filters.add(f"n.{prop}Latest >= {{lo}}", lo=parse_date(start, argument).earliest)
    if end is not None:
        filters.add(f"n.{prop}Earliest <= {{hi}}", hi=parse_date(end, argument).latest)


def _linked(filters: Filters, pattern: str, slug: str | None, argument: str) -> None:
    """Nodes with a current fact matching `pattern` (which names the fact `x` and the node `{node}`)."""
    if slug is not None:
        filters.add(f"EXISTS {{{{ {pattern} WHERE x.retractedAt IS NULL }}}}", node=slug_of(slug, argument))


def organizations(kind: OrganizationKind | None, name_contains: str | None) -> Filters:
    filters = Filters()
    if kind is not None:
        filters.add("n.kind = {kind}", kind=kind.value)
    _name_contains(filters, name_contains)
    return filters


def people(name_contains: str | None, organization: str | None) -> Filters:
    filters = Filters()
    _name_contains(filters, name_contains)
    _linked(
        filters,
        "(n)-[x:PRESIDES|LEADS|MEMBER_OF]->(:Organization {{id: {node}}})",
        organization,
        "organization",
    )
    return filters


def strikes_active(filters: Filters, day: str, argument: str) -> None:
    """Strikes that may have been on during `day` (a partial date counts as its whole span)."""
    span = parse_date(day, argument)
    filters.add(
        "n.startDateEarliest <= {hi} AND coalesce(n.endDateLatest, {hi}) >= {lo}",
        lo=span.earliest,
        hi=span.latest,
    )


def strikes(
    active_on: str | None,
    striker: str | None,
    against: str | None,
    started_from: str | None,
    started_to: str | None,
    name_contains: str | None,
) -> Filters:
    filters = Filters()
    if active_on is not None:
        strikes_active(filters, active_on, "activeOn")
    _linked(filters, "(:Organization {{id: {node}}})-[x:WAGES]->(n)", striker, "striker")
    _linked(filters, "(n)-[x:AGAINST]->(:Organization {{id: {node}}})", against, "against")
    _date_range(filters, "startDate", started_from, started_to, "startedFrom/startedTo")
    _name_contains(filters, name_contains)
    return filters


def active_strikes(on: str | None) -> Filters:
    filters = Filters()
    strikes_active(filters, on or dt.date.today().isoformat(), "on")
    return filters


def agreements(party: str | None, ratified_as_of: str | None, name_contains: str | None) -> Filters:
    filters = Filters()
    _linked(filters, "(:Organization {{id: {node}}})-[x:REACHED|PARTY_TO|RATIFIED]->(n)", party, "party")
    if ratified_as_of is not None:
        day = parse_date(ratified_as_of, "ratifiedAsOf")
        filters.add(
            "EXISTS {{ ()-[x:RATIFIED]->(n) WHERE coalesce(x.onEarliest, x.byLatest) <= {hi} "
            "AND (x.retractedAt IS NULL OR date(x.retractedAt) > {hi}) }}",
            hi=day.latest,
        )
    _name_contains(filters, name_contains)
    return filters


def negotiations(
    party: str | None, status: NegotiationStatus | None, date_from: str | None, date_to: str | None
) -> Filters:
    filters = Filters()
    _linked(filters, "(:Entity {{id: {node}}})-[x:PARTICIPATES_IN]->(n)", party, "party")
    if status is not None:
        filters.add("n.status = {status}", status=status.value)
    _date_range(filters, "date", date_from, date_to, "dateFrom/dateTo")
    return filters


def issues(name_contains: str | None, proposed_by: str | None) -> Filters:
    filters = Filters()
    _name_contains(filters, name_contains)
    _linked(filters, "(:Entity {{id: {node}}})-[x:PROPOSES]->(n)", proposed_by, "proposedBy")
    return filters


def sources(kind: SourceKind | None, publisher_contains: str | None) -> Filters:
    filters = Filters()
    if kind is not None:
        filters.add("n.kind = {kind}", kind=kind.value)
    if publisher_contains:
        filters.add("toLower(n.publisher) CONTAINS {fragment}", fragment=publisher_contains.casefold())
    return filters
