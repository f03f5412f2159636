"""How a root whose Cypher returns a plain list of rows is shaped: each row one object of the selection."""

from __future__ import annotations

from typing import Any

from api.compile.plan import RootPlan
from api.compile.respond import Path, Shaper


def shape_rows(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    assert root.child is not None
    return shaper.items(root.child, raw, path, True, "Query", root.name)
