"""Counts a front-end can chart: work stoppages grouped (`StrikeStats`), strikes per year and days on strike
per organization."""

from __future__ import annotations

from typing import Any

import strawberry

from api.contract.types.base import by_key
from api.contract.types.nodes import NODE_TYPES

Organization: Any = NODE_TYPES["Organization"]
Industry: Any = NODE_TYPES["Industry"]
Place: Any = NODE_TYPES["Place"]


@strawberry.type(description="How many strikes began in a year.")
class StrikeYear:
    year: int = strawberry.field(resolver=by_key)
    strikes: int = strawberry.field(
        resolver=by_key, description="Strikes that began that year (or, with no known start, were under way then)."
    )


@strawberry.type(description="An organization's strikes and its days on strike.")
class StrikeTally:
    organization: Organization = strawberry.field(resolver=by_key)
    strikes: int = strawberry.field(resolver=by_key, description="How many strikes it waged.")
    days: int = strawberry.field(
        resolver=by_key,
        description="Days on strike, summed over its strikes as `Strike.durationDays` counts them; strikes whose "
        "length is not known to the day add nothing.",
    )


@strawberry.type(
    description="One group of work stoppages (`strikeStats`): the group's values (null where not grouped by, or "
    "unknown), and what its stoppages add up to. A stoppage's workers are those its best-ranked figures count "
    "at most, as the BLS counts the most idled: of each scope the best-ranked figures, of the scopes the "
    "largest. Workers and idle days come as a low and a high: a scope's best figures may disagree (a union's "
    "count and an employer's), and each stoppage adds its lowest to the low and its highest to the high. A "
    'figure counts as the number its source gives ("more than 10,000" adds 10,000), so counts of parts alone '
    "(one hospital's, another's) give a lower bound, never their sum."
)
class StrikeStats:
    year: int | None = strawberry.field(resolver=by_key, description="The year they began.")
    month: int | None = strawberry.field(resolver=by_key, description="The month they began (1-12).")
    industry: Industry | None = strawberry.field(resolver=by_key)
    state: Place | None = strawberry.field(resolver=by_key, description="A place of kind REGION.")
    union: Organization | None = strawberry.field(resolver=by_key, description="An organization waging them.")
    employer: Organization | None = strawberry.field(resolver=by_key, description="Whom they are against.")
    stoppages: int = strawberry.field(resolver=by_key, description="How many stoppages.")
    days: int = strawberry.field(
        resolver=by_key,
        description="Days on strike, summed as `Strike.durationDays` counts them; stoppages whose length is not "
        "known to the day add nothing.",
    )
    workdays: int = strawberry.field(
        resolver=by_key,
        description="Lost workdays, summed: Monday to Friday, federal holidays left out (as the BLS counts them).",
    )
    stoppages_with_workers: int = strawberry.field(
        resolver=by_key, description="How many of them have a figure for the workers involved."
    )
    workers_low: int | None = strawberry.field(resolver=by_key, description="Workers involved, the low sum.")
    workers_high: int | None = strawberry.field(resolver=by_key, description="Workers involved, the high sum.")
    idle_days_low: int | None = strawberry.field(
        resolver=by_key,
        description="Days of idleness as the BLS computes them (workers x lost workdays), the low sum: stoppages "
        "with both known.",
    )
    idle_days_high: int | None = strawberry.field(resolver=by_key, description="Days of idleness, the high sum.")
