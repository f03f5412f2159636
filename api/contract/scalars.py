"""The `Date` scalar: ISO dates that keep the precision the source gives ("1960", "2023-06", "2023-08-10")."""

from __future__ import annotations

import strawberry
from strawberry.types.scalar import ScalarDefinition

from schema.dates import Date, date_text, parse_date_text

DATE_SCALAR = strawberry.scalar(
    name="Date",
    description=(
        'A calendar date at the precision known: "YYYY-MM-DD", "YYYY-MM" or "YYYY". '
        'A month stays a month: "2023-06" never becomes a day.'
    ),
    serialize=date_text,
    parse_value=parse_date_text,
)
SCALAR_MAP: dict[object, ScalarDefinition] = {Date: DATE_SCALAR}

# The Python type Strawberry makes each kind of model field into (schema/model.py, `Kind`; enums by their class).
KIND_TYPES: dict[str, type] = {
    "text": str, "url": str, "texts": list[str], "date": Date, "int": int, "number": float, "bool": bool,
}  # fmt: skip
