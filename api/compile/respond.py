"""From the statement's one record to the response's `data`, in selection order.

Cypher returns each object as a list in plan order (Neo4j keeps no map key order), so shaping is one walk
that zips keys and values, derives global ids and `__typename`, and honours nullability as the spec says:
a null in a non-null field is an error at its path and makes the nearest nullable parent null.

The same walk serves graphql-core's own execution (the fallback path): there it leaves null handling to
graphql-core and returns dicts that carry `__typename` (for interface resolution) and, where a field was
refused, the error for its resolver to raise.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError

from api.compile.plan import FieldPlan, ObjectPlan, OperationPlan, Refusal, RootPlan
from api.errors import UserFacingError
from schema.global_ids import to_global_id

Path = tuple[Any, Any] | None  # (parent path, key): built per field, turned into a list only for errors


class PropagateNull(Exception):
    """A null reached a non-null position: the nearest nullable parent becomes null."""


def path_list(path: Path) -> list[str | int]:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    return keys[::-1]


@functools.lru_cache(maxsize=65536)
def global_id(type_name: str, slug: str) -> str:
    return to_global_id(type_name, slug)


def refusal_error(refusal: Refusal) -> UserFacingError:
    error = UserFacingError(refusal.message, **dict(refusal.extensions))
    error.code = refusal.code  # type: ignore[misc]
    return error


@dataclass
class Shaper:
    fallback: bool = False
    errors: list[GraphQLError] = field(default_factory=list)

    # -- the operation (compiled path) -------------------------------------------------------------------

    def operation(self, plan: OperationPlan, record: dict[str, Any] | None) -> dict[str, Any] | None:
        roots = {root.key: (index, root) for index, root in enumerate(plan.roots)}
        data: dict[str, Any] = {}
        for key in plan.order:
            if key in plan.typename_keys:
                data[key] = plan.root_type
                continue
            index, root = roots[key]
            raw = record.get(f"f{index}") if record is not None else None
            try:
                data[key] = self.root(root, raw, (None, key))
            except PropagateNull:
                return None
        return data

    def root(self, root: RootPlan, raw: Any, path: Path) -> Any:
        """One root field's value; raises PropagateNull (compiled path) when a non-null root is null."""
        if root.refusal is not None:
            if self.fallback:
                raise refusal_error(root.refusal)
            return self._refused(root.refusal, root.non_null, "Query", root.name, path)
        try:
            assert root.read is not None
            value = root.read.shape(self, root, raw, path)
        except UserFacingError as error:
            if self.fallback:
                raise
            self.errors.append(_located(error, path))
            return self._null(root.non_null, "Query", root.name, path, reported=True)
        except PropagateNull:
            return self._null(root.non_null, "Query", root.name, path, reported=True)
        if value is None:
            return self._null(root.non_null, "Query", root.name, path, reported=False)
        return value

    # -- objects and fields ------------------------------------------------------------------------------

    def object(self, plan: ObjectPlan, raw: list[Any] | None, path: Path) -> dict[str, Any] | None:
        """One object, or None; raises PropagateNull when a non-null field of it is null."""
        if raw is None:
            return None
        type_name = plan.type_name or raw[0]
        out: dict[str, Any] = {"__typename": type_name} if self.fallback else {}
        for plan_field, position in plan.layout.fields_of(type_name):
            value = raw[position]
            if plan_field.fetch == "value" and (value is not None or not plan_field.non_null or self.fallback):
                out[plan_field.key] = value  # most fields: a plain value, no path needed
            else:
                out[plan_field.key] = self.value(plan_field, value, type_name, (path, plan_field.key))
        return out

    def value(self, plan: FieldPlan, raw: Any, parent: str, path: Path) -> Any:
        fetch = plan.fetch
        if fetch == "value":
            if raw is None and plan.non_null and not self.fallback:
                return self._null(True, parent, plan.name, path, reported=False)
            return raw
        if fetch == "typename":
            return parent
        if fetch == "global_id":
            return global_id(parent, raw) if raw is not None else None
        if fetch == "json":
            return json.loads(raw) if raw is not None else None
        if fetch == "error":
            assert plan.refusal is not None
            return self._refused(plan.refusal, plan.non_null, parent, plan.name, path)
        assert plan.child is not None
        if plan.many:
            return self.list_field(plan, raw, parent, path)
        return self.object_field(plan.child, raw, path, plan.non_null, parent, plan.name)

    def object_field(self, plan: ObjectPlan, raw: Any, path: Path, non_null: bool, parent: str, name: str) -> Any:
        try:
            value = self.object(plan, raw, path)
        except PropagateNull:
            return self._null(non_null, parent, name, path, reported=True)
        if value is None and non_null and not self.fallback:
            return self._null(True, parent, name, path, reported=False)
        return value

    def list_field(self, plan: FieldPlan, raw: Any, parent: str, path: Path) -> Any:
        assert plan.child is not None
        try:
            return self.items(plan.child, raw or [], path, plan.item_non_null, parent, plan.name)
        except PropagateNull:
            return self._null(plan.non_null, parent, plan.name, path, reported=True)

    def items(self, plan: ObjectPlan, raw: list[Any], path: Path, item_non_null: bool, parent: str, name: str) -> Any:
        """A list of objects; a null item in a list of non-null items makes the list null (PropagateNull)."""
        if self.fallback:
            return [self.object(plan, item, None) for item in raw]
        shaped = []
        for index, item in enumerate(raw):
            shaped.append(self.object_field(plan, item, (path, index), item_non_null, parent, name))
        return shaped

    # -- nulls and errors --------------------------------------------------------------------------------

    def _refused(self, refusal: Refusal, non_null: bool, parent: str, name: str, path: Path) -> Any:
        error = refusal_error(refusal)
        if self.fallback:
            return error  # the field's resolver raises it, at its path, wherever it occurs
        self.errors.append(_located(error, path))
        return self._null(non_null, parent, name, path, reported=True)

    def _null(self, non_null: bool, parent: str, name: str, path: Path, reported: bool) -> None:
        if not non_null:
            return None
        if not reported:
            message = f"Cannot return null for non-nullable field {parent}.{name}."
            self.errors.append(GraphQLError(message, path=path_list(path), original_error=TypeError(message)))
        raise PropagateNull


def _located(error: UserFacingError, path: Path) -> GraphQLError:
    return GraphQLError(str(error), path=path_list(path), original_error=error)
