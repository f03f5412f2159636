"""Counts a chart can use: work stoppages grouped by year, month, industry, state, union or employer with
their days, lost workdays, workers and idle days (`strikeStats`); strikes begun per year (`strikesPerYear`)
and the organizations with the most days on strike (`daysOnStrike`)."""

from __future__ import annotations

from api.compile import root_fields as fields
from api.compile.cursors import page_size
from api.compile.filters import MAX_LIST, MAX_PLACE_DEPTH, bounded, parse_date
from api.compile.plan import RootPlan, RootRead
from api.compile.render import RANK_ORDER, Renderer
from api.compile.roots.request import Planner, RootRequest
from api.compile.roots.rows import shape_rows
from schema.holidays import FIRST_YEAR, holiday_table
from schema.model import DURATION_DAYS, StoppageKind

# The BLS's work stoppages: strikes and lockouts, which it does not tell apart.
WORK_STOPPAGES = (StoppageKind.STRIKE, StoppageKind.LOCKOUT)


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


def strike_stats(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.StrikeStats = request.arguments
    groups = tuple(dict.fromkeys(group.value for group in arguments.group_by or [fields.StatsGroup.YEAR]))
    kinds = tuple(kind.value for kind in arguments.kinds or WORK_STOPPAGES)
    start = parse_date(arguments.from_, "from").earliest if arguments.from_ is not None else None
    end = parse_date(arguments.to, "to").latest if arguments.to is not None else None
    as_of = (("as_of", parse_date(arguments.as_of, "asOf")),) if arguments.as_of is not None else ()
    child = planner.object(request.named, request.nodes, MAX_LIST)
    args = (("groups", groups), ("kinds", kinds), ("from", start), ("to", end), *as_of)
    return request.plan(STRIKE_STATS, None, child, args=args)


# What each group reads: the clause that finds its value for a stoppage `s` (none for the dates), its
# value, and how its rows sort.
GROUPS: dict[str, tuple[str, str, str]] = {
    "YEAR": ("", "began.year", "year"),
    "MONTH": ("", "CASE WHEN size(coalesce(s.startDate, s.attestedOn)) >= 7 THEN began.month END", "month"),
    "INDUSTRY": ("OPTIONAL MATCH (s)-[gi:IN_INDUSTRY]->(industry:Industry) WHERE gi.retractedAt IS NULL",
                 "industry", "industry.code"),
    "STATE": (f"OPTIONAL MATCH (s)-[ga:AT]->()-[:LOCATED_IN*0..{MAX_PLACE_DEPTH}]->(state:Place {{kind: 'REGION'}}) "
              "WHERE ga.retractedAt IS NULL", "state", "state.name"),
    "UNION": ("OPTIONAL MATCH (union:Organization)-[gu:WAGES]->(s) WHERE gu.retractedAt IS NULL", "union",
              "union.name"),
    "EMPLOYER": ("OPTIONAL MATCH (s)-[ge:AGAINST]->(employer:Organization) WHERE ge.retractedAt IS NULL",
                 "employer", "employer.name"),
}  # fmt: skip
STATS_COLUMNS = ("year", "month", "industry", "state", "union", "employer")

# A stoppage's workers involved, as the BLS counts them (the most idled): of its figures dated by the day
# counted to, the best-ranked of each scope (preferred, else normal; never deprecated), and of the scopes
# the one that counts most ("in all, more than 18,300" over "at the three plants struck first, 12,700").
# Where a scope's best figures disagree (a union's count and an employer's), the low takes the lowest and
# the high the highest. A figure counts as the number the source gives ("more than 10,000" counts 10,000),
# so scoped counts alone (one hospital's, another's) give a lower bound, never their sum. The figures are
# collected per stoppage and weighed as lists (a stoppage has a few): twice as fast here as a subquery that
# groups them.
WORKERS = (
    "WITH *, COLLECT {{ MATCH (f:Figure)-[m:MEASURES]->(s) WHERE m.retractedAt IS NULL "
    "AND f.measure = 'WORKERS_INVOLVED' AND f.value IS NOT NULL AND coalesce(f.attestedOnEarliest, {day}) <= {day} "
    "WITH f, {rank} AS rank WHERE rank < 2 RETURN [coalesce(f.scope, ''), rank, f.value] }} AS figures "
    # a scope's best: no better-ranked figure of the same scope
    "WITH *, [x IN figures WHERE NOT any(y IN figures WHERE y[0] = x[0] AND y[1] < x[1])] AS best "
    "WITH *, reduce(h = null, x IN best | CASE WHEN h IS NULL OR x[2] > h THEN x[2] ELSE h END) AS high, "
    # the low: of each scope's lowest best figure, the largest
    "reduce(l = null, x IN best | CASE WHEN NOT any(y IN best WHERE y[0] = x[0] AND y[2] < x[2]) "
    "AND (l IS NULL OR x[2] > l) THEN x[2] ELSE l END) AS low "
)

# Holidays before a day `{d}`: those of the years before its year, and those of its year before it
# (schema/holidays.py; outside its years, none are counted).
HOLIDAYS_BEFORE = (
    "coalesce({before}[toString({d}.year)] + size([h IN {holidays}[toString({d}.year)] WHERE h < {d}]), "
    "CASE WHEN {d}.year < {first} THEN 0 ELSE {total} END)"
)


# What each count needs computed per stoppage: only what the selection asks for is (a chart of stoppages
# per year reads no figures and counts no workdays).
NEEDS_WORKERS = {"stoppagesWithWorkers", "workersLow", "workersHigh", "idleDaysLow", "idleDaysHigh"}
NEEDS_WORKDAYS = {"workdays", "idleDaysLow", "idleDaysHigh"}

# Lost workdays in [d0, d1) (the days on strike up to the day counted to), `n` days from weekday `w`: five
# a week, then the weekdays of the last part-week (it reaches at most day 12 of a Monday-based week, so the
# weekend it may cover is days 6 and 7), less the federal holidays in it.
D0 = "CASE WHEN size(s.startDate) = 10 AND s.startDateEarliest <= {day} THEN s.startDateEarliest END"
D1 = (
    "CASE WHEN s.endDate IS NULL OR {day} < s.endDateEarliest THEN {day} + duration('P1D') "
    "WHEN size(s.endDate) = 10 THEN s.endDateEarliest END"
)
WORKDAYS = (
    "CASE WHEN n IS NULL THEN null ELSE (n / 7) * 5 + n % 7 "
    "- CASE WHEN n % 7 = 0 OR w + n % 7 - 1 < 6 THEN 0 "
    "ELSE CASE WHEN w + n % 7 - 1 < 7 THEN w + n % 7 - 1 ELSE 7 END - CASE WHEN w > 6 THEN w ELSE 6 END + 1 END "
    "- ({holidays_to} - {holidays_from}) END"
)


def _render_stats(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    asked = {field.name for field in root.child.fields}
    workers, workdays = bool(asked & NEEDS_WORKERS), bool(asked & NEEDS_WORKDAYS)
    groups: tuple[str, ...] = root.arg("groups")
    day = renderer.day(root.arg("as_of"))
    low, high = root.arg("from"), root.arg("to")
    where = f"coalesce(s.kind, 'STRIKE') IN {renderer.param(list(root.arg('kinds')))}"
    where += f" AND began <= {day}"
    where += f" AND began >= {renderer.param(low)}" if low is not None else ""
    where += f" AND began <= {renderer.param(high)}" if high is not None else ""
    matches = " ".join(GROUPS[group][0] for group in groups if GROUPS[group][0])
    carried = ", ".join(["s", "began", *(GROUPS[group][1] for group in groups if GROUPS[group][0])])
    keys = ", ".join(f"{GROUPS[group][1]} AS {group.lower()}" for group in groups)
    key_names = [group.lower() for group in groups]
    per_stoppage, totals = ["s"], ["count(s) AS stoppages"]
    cypher = (
        "RETURN COLLECT { MATCH (s:Strike) WITH s, coalesce(s.startDateEarliest, s.attestedOnEarliest) AS began "
        f"WHERE {where} {matches} WITH DISTINCT {carried} "
    )
    if workers:
        cypher += WORKERS.format(day=day, rank=RANK_ORDER.format(f="f"))
        per_stoppage += ["low", "high"]
        totals += ["count(low) AS withWorkers", "sum(low) AS workersLow", "sum(high) AS workersHigh"]
    if "days" in asked:
        per_stoppage.append(f"{DURATION_DAYS.format(v='s', as_of=day)} AS days")
        totals.append("sum(days) AS days")
    if workdays:
        holidays, before = holiday_table()
        total = sum(len(days) for days in holidays.values())
        hol = {"before": renderer.param(before), "holidays": renderer.param(holidays), "first": str(FIRST_YEAR),
               "total": str(total)}  # fmt: skip
        cypher += (
            f"WITH *, {D0.format(day=day)} AS d0, {D1.format(day=day)} AS d1 "
            "WITH *, CASE WHEN d0 IS NULL OR d1 IS NULL OR d1 <= d0 THEN null "
            "ELSE duration.inDays(d0, d1).days END AS n, d0.dayOfWeek AS w "
        )
        spans = {"holidays_to": HOLIDAYS_BEFORE.format(d="d1", **hol),
                 "holidays_from": HOLIDAYS_BEFORE.format(d="d0", **hol)}  # fmt: skip
        per_stoppage.append(f"{WORKDAYS.format(**spans)} AS workdays")
        totals.append("sum(workdays) AS workdays")
        if workers:
            totals += ["sum(low * workdays) AS idleLow", "sum(high * workdays) AS idleHigh",
                       "count(low * workdays) AS withIdle"]  # fmt: skip
    # A column not grouped by reads null; the counts are the aggregation's names.
    counts = ("stoppages", "days", "workdays", "withWorkers", "workersLow", "workersHigh", "idleLow", "idleHigh",
              "withIdle")  # fmt: skip
    scope = {name: name if name in key_names else "null" for name in STATS_COLUMNS} | {c: c for c in counts}
    projection = renderer.object(root.child, scope)
    order = ", ".join(GROUPS[group][2] for group in groups)
    return cypher + (
        f"WITH {keys}, {', '.join(per_stoppage)} "
        f"WITH {', '.join([*key_names, *totals])} "
        f"RETURN {projection} ORDER BY {order} LIMIT {MAX_LIST} }}"
    )


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
STRIKE_STATS = RootRead("strike_stats", _render_stats, shape_rows, subqueries=3)  # its CALL, the COLLECT, the figures
