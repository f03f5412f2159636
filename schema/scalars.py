"""The `Date` scalar: ISO dates that keep the precision the source gives ("1960", "2023-06", "2023-08-10")."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from schema.dates import PartialDate

Date = NewType("Date", str)


def _serialize(value: object) -> str:
    return value if isinstance(value, str) else PartialDate.parse(value).isoformat()


DATE_SCALAR = strawberry.scalar(
    name="Date",
    description=(
        'A calendar date at the precision known: "YYYY-MM-DD", "YYYY-MM" or "YYYY". '
        'A month stays a month: "2023-06" never becomes a day.'
    ),
    serialize=_serialize,
    parse_value=lambda value: PartialDate.parse(value).isoformat(),
)
SCALAR_MAP: dict[object, ScalarDefinition] = {Date: DATE_SCALAR}
