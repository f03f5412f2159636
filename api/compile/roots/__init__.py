"""The kinds of root field, one file each, each holding how its fields are planned (a builder), rendered
into the statement and shaped into `data` (a `RootRead`). The root table (api/compile/root_fields.py)
declares the fields; `BUILDERS` joins each kind of root field to its builder."""

from __future__ import annotations

from api.compile.root_fields import RootFieldKind
from api.compile.roots import changes, citing, counts, lists, lookup, path, search
from api.compile.roots.request import Builder, Planner, RootRequest

BUILDERS: dict[RootFieldKind, Builder] = {
    RootFieldKind.LOOKUP: lookup.lookup,
    RootFieldKind.NODE: lookup.node,
    RootFieldKind.NODES: lookup.nodes_by_id,
    RootFieldKind.EXTERNAL_ID: lookup.external_id,
    RootFieldKind.LIST: lists.node_list,
    RootFieldKind.CONNECTION: lists.connection,
    RootFieldKind.ACTIVE_STRIKES: lists.active_strikes,
    RootFieldKind.SEARCH: search.search,
    RootFieldKind.CHANGES: changes.changes,
    RootFieldKind.STRIKES_PER_YEAR: counts.strikes_per_year,
    RootFieldKind.DAYS_ON_STRIKE: counts.days_on_strike,
    RootFieldKind.STRIKE_STATS: counts.strike_stats,
    RootFieldKind.PATH: path.path,
    RootFieldKind.FACTS_CITING: citing.facts_citing,
}

__all__ = ["BUILDERS", "Builder", "Planner", "RootRequest"]
