"""Counts a chart can use: strikes begun per year (`strikesPerYear`) and the organizations with the most
days on strike (`daysOnStrike`)."""

from __future__ import annotations

from api.compile import root_fields as fields
from api.compile.cursors import page_size
from api.compile.filters import MAX_LIST, bounded, parse_date
from api.compile.plan import RootPlan, RootRead
from api.compile.render import Renderer
from api.compile.roots.request import Planner, RootRequest
from api.compile.roots.rows import shape_rows
from schema.model import DURATION_DAYS


def strikes_per_year(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.StrikesPerYear = request.arguments
    for year, argument in ((arguments.from_, "from"), (arguments.to, "to")):
        if year is not None:
            bounded(year, 1, 9999, argument)
    child = planner.object(request.named, request.nodes, MAX_LIST)
    return request.plan(STRIKES_PER_YEAR, None, child, args=(("from", arguments.from_), ("to", arguments.to)))


def days_on_strike(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.DaysOnStrike = request.arguments
    first = page_size(20 if arguments.first is None else arguments.first, planner.max_page_size)
    child = planner.object(request.named, request.nodes, first)
    as_of = (("as_of", parse_date(arguments.as_of, "asOf")),) if arguments.as_of is not None else ()
    return request.plan(DAYS_ON_STRIKE, None, child, args=(*as_of, ("first", first)))


def _render_per_year(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    low, high = renderer.param(root.arg("from")), renderer.param(root.arg("to"))
    projection = renderer.object(root.child, {"year": "year", "count": "count"})
    return (
        "RETURN COLLECT { MATCH (n:Strike) "
        "WITH n, coalesce(n.startDateEarliest, n.attestedOnEarliest).year AS year "
        f"WHERE year IS NOT NULL AND ({low} IS NULL OR year >= {low}) AND ({high} IS NULL OR year <= {high}) "
        f"WITH year, count(n) AS count RETURN {projection} ORDER BY year }}"
    )


def _render_days(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    days = DURATION_DAYS.format(v="s", as_of=renderer.day(root.arg("as_of")))
    projection = renderer.object(root.child, {"organization": "o", "count": "count", "days": "days"})
    return (
        "RETURN COLLECT { MATCH (o:Organization)-[x:WAGES]->(s:Strike) WHERE x.retractedAt IS NULL "
        f"WITH DISTINCT o, s WITH o, count(s) AS count, sum({days}) AS days "
        f"RETURN {projection} ORDER BY days DESC, o.name, o.id LIMIT {renderer.param(root.arg('first'))} }}"
    )


STRIKES_PER_YEAR = RootRead("strikes_per_year", _render_per_year, shape_rows)
DAYS_ON_STRIKE = RootRead("days_on_strike", _render_days, shape_rows)
