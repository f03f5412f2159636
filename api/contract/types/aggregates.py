"""Counts a front-end can chart: strikes per year and days on strike per organization."""

from __future__ import annotations

from typing import Any

import strawberry

from api.contract.types.base import by_key
from api.contract.types.nodes import NODE_TYPES

Organization: Any = NODE_TYPES["Organization"]


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
