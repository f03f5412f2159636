"""What the compiler makes of arguments: checked values (dates, slugs, bounds, each refusal naming the
argument at fault), the time arguments of nested fields, and the filters of root lists as WHERE conditions
over the listed node `n`, values as named parameters the renderer places."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from api.compile.plan import Condition
from api.errors import BadUserInput
from schema.camel import camel_case
from schema.dates import PartialDate
from schema.global_ids import from_global_id
from schema.model import NEGOTIATION_STATUS, NODE_KIND_BY_TYPE, RankFilter, Relation, RelType
from schema.names import normalized_name

MAX_PLACE_DEPTH = 8  # places within places: a site, its borough, city, county, state, country...
MAX_LIST = 500  # items per nested list: a guard against accidental fan-out
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def parse_date(value: Any, argument: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise BadUserInput(f"{argument}: {error}", argument=argument) from None


def bounded(value: int, low: int, high: int, argument: str) -> int:
    if not low <= value <= high:
        raise BadUserInput(f"{argument} must be between {low} and {high}, got {value}", argument=argument)
    return value


def slug_of(value: str, argument: str) -> str:
    """Accept a slug or a Relay global id wherever a node is named."""
    decoded = from_global_id(value)
    if decoded is not None and decoded[0] in NODE_KIND_BY_TYPE and SLUG.fullmatch(decoded[1]):
        return decoded[1]
    if len(value) > 300 or not SLUG.fullmatch(value):
        raise BadUserInput(f"{argument}: {shown(value)} is neither a slug nor a global id", argument=argument)
    return value


def shown(value: str) -> str:
    """A client's value quoted in an error, cut short: never echo a megabyte back."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def as_of_argument(arguments: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    as_of = arguments.get("asOf")
    return (("as_of", parse_date(as_of, "asOf")),) if as_of is not None else ()


def time_arguments(arguments: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """`asOf`, or `history: true`, or neither (today); `includePredecessors` where a field takes it."""
    bound = as_of_argument(arguments)
    if arguments.get("history"):
        if bound:
            raise BadUserInput("asOf and history: give one or the other: history lists every fact, whatever the date")
        bound += (("history", True),)
    if arguments.get("includePredecessors"):
        bound += (("include_predecessors", True),)
    if arguments.get("rank") == RankFilter.ALL.value:  # graphql-core gives an enum value by its name
        bound += (("all_ranks", True),)
    return bound


def relationships_arguments(arguments: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    types = arguments.get("types")
    type_names = tuple(RelType[str(name)].value for name in types) if types else ()
    direction = str(arguments.get("direction") or "BOTH")
    first = bounded(int(arguments.get("first", 100)), 0, MAX_LIST, "first")
    return (*time_arguments(arguments), ("types", type_names), ("direction", direction), ("first", first))


def relation_named(type_name: str, graphql_name: str) -> Relation:
    for relation in NODE_KIND_BY_TYPE[type_name].relations:
        if camel_case(relation.name) == graphql_name:
            return relation
    raise KeyError(f"{type_name}.{graphql_name}")


# -- filters -----------------------------------------------------------------------------------------------


def name_contains(fragment: str | None) -> list[Condition]:
    if not fragment:
        return []
    if len(fragment) > 200:
        raise BadUserInput("nameContains: at most 200 characters", argument="nameContains")
    return [Condition("any(k IN n.nameKeys WHERE k CONTAINS {fragment})", (("fragment", normalized_name(fragment)),))]


def date_range(prop: str, start: Any, end: Any, argument: str, bound: str | None = None) -> list[Condition]:
    """Nodes whose `prop` may fall in [start, end] (a partial date counts as its whole span). Where `prop` is
    unknown, a `bound` date (a strike attested as under way) says only that it came no later than that."""
    conditions = []
    if start is not None:
        latest = f"coalesce(n.{prop}Latest, n.{bound}Latest)" if bound else f"n.{prop}Latest"
        conditions.append(Condition(f"{latest} >= {{lo}}", (("lo", parse_date(start, argument).earliest),)))
    if end is not None:
        unbounded = f" OR (n.{prop} IS NULL AND n.{bound} IS NOT NULL)" if bound else ""
        earliest = f"(n.{prop}Earliest <= {{hi}}{unbounded})"
        conditions.append(Condition(earliest, (("hi", parse_date(end, argument).latest),)))
    return conditions


def linked(pattern: str, slug: str | None, argument: str) -> list[Condition]:
    """Nodes with a current fact matching `pattern` (which names the fact `x` and the node `{node}`)."""
    if slug is None:
        return []
    return [Condition(f"EXISTS {{{{ {pattern} WHERE x.retractedAt IS NULL }}}}", (("node", slug_of(slug, argument)),))]


def located_in(slug: str | None, argument: str, on: str | None = None) -> list[Condition]:
    """Stoppages at a site or place in the place `slug`, however deep (a hospital in the Bronx is in New
    York); with `on` (the list's `activeOn`), only where the stoppage was at that date: sites join and leave."""
    steps = f"(n)-[at:AT]->()-[:LOCATED_IN*0..{MAX_PLACE_DEPTH}]->"
    if slug is None or on is None:
        return within(steps, slug, argument)
    span = parse_date(on, "activeOn")
    held = (
        "coalesce(at.attestedOnEarliest, at.sinceEarliest, {lo}) <= {hi} "
        "AND coalesce(at.attestedOnLatest, at.untilLatest, {hi}) >= {lo}"
    )
    return within(steps, slug, argument, held, (("lo", span.earliest), ("hi", span.latest)))


def within(
    steps: str, slug: str | None, argument: str, also: str = "", values: tuple[tuple[str, Any], ...] = ()
) -> list[Condition]:
    """Nodes that reach the place `slug` by `steps` (a pattern from `n`), over unretracted facts only (and
    `also`, a condition over the pattern's variables with its own `values`)."""
    if slug is None:
        return []
    extra = f" AND {also}" if also else ""
    return [
        Condition(
            f"EXISTS {{{{ MATCH p = {steps}(:Place {{{{id: {{place}}}}}}) "
            f"WHERE all(r IN relationships(p) WHERE r.retractedAt IS NULL){extra} }}}}",
            (("place", slug_of(slug, argument)), *values),
        )
    ]


NAICS_CODE = re.compile(r"^[0-9]{2}(-[0-9]{2})?$|^[0-9]{3,6}$")
# An industry `{i}` whose code is the one asked or lies under it.
NAICS_MATCH = "({i}.code = {{code}} OR any(prefix IN {{prefixes}} WHERE {i}.code STARTS WITH prefix))"


def naics_values(code: str, argument: str) -> tuple[tuple[str, Any], ...]:
    """The code and the prefixes of the codes under it: "62" takes in 622 (hospitals); a sector given as a
    range ("31-33") every code from its first two digits to its last."""
    if not NAICS_CODE.fullmatch(code):
        raise BadUserInput(f"{argument}: {shown(code)} is not a NAICS code (e.g. 62, 622 or 31-33)", argument=argument)
    first, _, last = code.partition("-")
    prefixes = tuple(str(two) for two in range(int(first), int(last) + 1)) if last else (code,)
    return (("code", code), ("prefixes", prefixes))


def in_industry(code: str | None, argument: str) -> list[Condition]:
    """Nodes in the NAICS industry `code` or one under it."""
    if code is None:
        return []
    match = NAICS_MATCH.format(i="i")
    return [
        Condition(
            f"EXISTS {{{{ MATCH (n)-[x:IN_INDUSTRY]->(i:Industry) WHERE x.retractedAt IS NULL AND {match} }}}}",
            naics_values(code, argument),
        )
    ]


def naics_code(code: str | None, argument: str) -> list[Condition]:
    """Industries with the NAICS code `code` or one under it."""
    return [] if code is None else [Condition(NAICS_MATCH.format(i="n"), naics_values(code, argument))]


def equals_or_default(prop: str, value: Enum | None, default: Enum) -> list[Condition]:
    """`equals` for a closed field a node may lack (older data), which then means `default`."""
    if value is None:
        return []
    return [Condition(f"coalesce(n.{prop}, '{default.value}') = {{value}}", (("value", str(value.value)),))]


def status_is(status: Enum | None) -> list[Condition]:
    """Talks whose status today is `status` (schema/model.py, NEGOTIATION_STATUS)."""
    if status is None:
        return []
    expression = NEGOTIATION_STATUS.format(v="n", as_of="date()")
    return [Condition(f"{expression} = {{value}}", (("value", str(status.value)),))]


def equals(prop: str, value: Enum | str | None) -> list[Condition]:
    if value is None:
        return []
    return [Condition(f"n.{prop} = {{value}}", (("value", str(value.value if isinstance(value, Enum) else value)),))]


# Strikes that may have been on between {lo} and {hi}. The start is the attested date, else the start date,
# written so each is a range seek on its index (schema/graph_model.py), not a `coalesce` that scans every strike.
ACTIVE = (
    "(n.attestedOnEarliest <= {hi} OR (n.attestedOnEarliest IS NULL AND n.startDateEarliest <= {hi})) "
    "AND coalesce(n.attestedOnLatest, n.endDateLatest, {hi}) >= {lo}"
)


def active(span: PartialDate) -> Condition:
    """Strikes that may have been on during `span` (a partial date counts as its whole span)."""
    return Condition(ACTIVE, (("lo", span.earliest), ("hi", span.latest)))


def active_today() -> Condition:
    """Strikes on today by Neo4j's clock (UTC), as "today" is read everywhere (README, "Time"): the day is
    Neo4j's `date()` at run time, never a date fixed in a plan that the cache keeps past midnight."""
    return Condition(ACTIVE.format(lo="date()", hi="date()"), ())


def publisher_contains(fragment: str | None) -> list[Condition]:
    if not fragment:
        return []
    return [Condition("toLower(n.publisher) CONTAINS {fragment}", (("fragment", fragment.casefold()[:200]),))]


def active_on(day: str | None, argument: str) -> list[Condition]:
    """Strikes that may have been on at `day` (a month or year counts as its whole span)."""
    return [] if day is None else [active(parse_date(day, argument))]


def ratified_as_of(day: str | None, argument: str) -> list[Condition]:
    if day is None:
        return []
    latest = parse_date(day, argument).latest
    return [
        Condition(
            "EXISTS {{ ()-[x:RATIFIED]->(n) WHERE coalesce(x.onEarliest, x.byLatest) <= {hi} "
            "AND (x.retractedAt IS NULL OR date(x.retractedAt) > {hi}) }}",
            (("hi", latest),),
        )
    ]
