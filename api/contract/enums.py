"""Every GraphQL enum, each one of the model's (or the compiler's, or auth's) own Python enums made a
GraphQL enum here, once. The package imports this module first (api/contract/__init__.py), so each is
registered before any type, input or argument names it."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.auth import Role
from api.compile.cursors import DateOrder, NameOrder, StrikeOrder
from api.compile.root_fields import StatsGroup
from schema.audit import ChangeAction
from schema.model import FACT_ENUMS, FIELD_ENUMS, Label, RelType
from schema.review import ReviewStatus

strawberry.enum(RelType, name="RelationshipType", description="The closed set of fact types.")
strawberry.enum(Label, name="NodeKind", description="The kinds of node.")
OWN_DESCRIPTIONS: tuple[type[Enum], ...] = (
    ChangeAction, ReviewStatus, Role, NameOrder, StrikeOrder, DateOrder, StatsGroup, *FIELD_ENUMS, *FACT_ENUMS.values(),
)  # fmt: skip
for _own in OWN_DESCRIPTIONS:  # described by their docstrings
    strawberry.enum(_own, description=_own.__doc__)
