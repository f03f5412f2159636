"""Variables bound at render time: one plan per document, operation and *shape* of its variables serves
every value of a variable that reaches the statement only as a parameter (an id, a name, a search text), so a
front-end that asks one query for a thousand ids plans and renders it once.

A variable is rebindable when every use of it in the document is the whole value of a root field's argument
that the root table declares a parameter (`arg(parameter=True)`, api/compile/root_fields.py). A plan made
for one value is the template of its shape: the document, the operation, every other variable's value, and
which rebindable ones are given. Another value re-runs only that root's builder, with its child plan taken
from the template, and writes the new arguments into the template's parameters. Anything else that differs
(a refused argument, another kind of read, a value the renderer wrote into the text) sends the request to
planning from scratch, so a template makes an answer faster, never different.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLNamedType,
    Node,
    OperationDefinitionNode,
    VariableNode,
)
from graphql.execution.values import get_argument_values

from api.compile.plan import ObjectPlan, OperationPlan
from api.compile.planner import Planner
from api.compile.render import Statement, parameter_value
from api.compile.root_fields import ROOTS, bind, parameters
from api.compile.roots import BUILDERS, RootRequest
from api.errors import UserFacingError

BOUND = True  # what a rebindable variable's value is in a shape key: given (or null, or absent)


def rebindable(document: DocumentNode, operation: OperationDefinitionNode) -> frozenset[str]:
    """The operation's variables whose every use is the whole value of a root field's parameter argument."""
    candidates: Counter[str] = Counter()
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.name.value not in ROOTS:
            continue
        declared = parameters(ROOTS[selection.name.value].arguments)
        for argument in selection.arguments or ():
            if isinstance(argument.value, VariableNode) and argument.name.value in declared:
                candidates[argument.value.name.value] += 1
    if not candidates:
        return frozenset()
    # Every use counts, in any fragment too (a fragment another operation spreads only makes this stricter).
    uses: Counter[str] = Counter()
    roots: list[Node] = [operation.selection_set, *(operation.directives or ())]
    roots += [d.selection_set for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    _count_variables(roots, uses)
    return frozenset(name for name, count in candidates.items() if uses[name] == count)


def _count_variables(stack: list[Node], uses: Counter[str]) -> None:
    while stack:
        node = stack.pop()
        if isinstance(node, VariableNode):
            uses[node.name.value] += 1
            continue
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, list | tuple):
                stack.extend(item for item in value if isinstance(item, Node))


def shape_key(
    query: str, operation_name: str | None, raw: dict[str, Any] | None, bound: frozenset[str]
) -> tuple[str, str, str | None, bytes]:
    """What a template is cached under: the plan key with each rebindable variable's value left out (only
    whether it is given), so every id shares one."""
    shaped = {
        name: (BOUND if value is not None else None) if name in bound else value for name, value in (raw or {}).items()
    }
    return ("shape", query, operation_name, orjson.dumps(shaped, option=orjson.OPT_SORT_KEYS))


@dataclass(frozen=True)
class Template:
    """What a compiled operation keeps to serve other values of its rebindable variables: the requests of
    the roots that read them (with the selections their builders need)."""

    requests: tuple[RootRequest, ...]


def template_of(
    plan: OperationPlan, statement: Statement | None, requests: dict[str, RootRequest], bound: frozenset[str]
) -> Template | None:
    """The template of a fresh plan, or None when it cannot serve other values (a root that reads a
    rebindable variable was refused: its error names the value)."""
    if not bound:
        return None
    reading = tuple(request for request in requests.values() if _reads(request, bound))
    by_key = {root.key: root for root in plan.roots}
    if any(by_key[request.key].refusal is not None for request in reading) or (reading and statement is None):
        return None
    return Template(reading)


def _reads(request: RootRequest, bound: frozenset[str]) -> bool:
    return any(
        isinstance(argument.value, VariableNode) and argument.value.name.value in bound
        for node in request.nodes
        for argument in node.arguments or ()
    )


@dataclass
class _TemplatePlanner(Planner):
    """The planner a builder re-runs with when rebinding: the root's child plan is the template's."""

    child: ObjectPlan | None = field(default=None, kw_only=True)

    def object(self, named: GraphQLNamedType, nodes: list[FieldNode], multiplier: int) -> ObjectPlan:
        if self.child is None:
            raise _Different
        child, self.child = self.child, None  # a builder that plans two children is not rebound
        return child


class _Different(Exception):
    """The new values make a plan other than the template's, beyond its parameters."""


def rebind(
    planner: Planner, plan: OperationPlan, statement: Statement | None, template: Template
) -> tuple[OperationPlan, Statement | None] | None:
    """The template's plan and statement for `planner`'s variables, or None where they would differ from a
    fresh plan's by more than parameter values."""
    if not template.requests:
        return plan, statement  # the rebindable variables are read by no root (e.g. one skipped)
    assert statement is not None
    query_type = planner.schema.query_type
    assert query_type is not None
    roots = {root.key: root for root in plan.roots}
    params = dict(statement.params)
    bound_params = {(key, name): param for key, name, param in statement.bindings}
    for request in template.requests:
        old = roots[request.key]
        again = _TemplatePlanner(
            planner.schema, planner.fragments, planner.variables, planner.max_page_size, child=old.child
        )
        try:
            given = get_argument_values(query_type.fields[request.field.name], request.nodes[0], planner.variables)
            new = BUILDERS[request.field.kind](again, replace(request, arguments=bind(request.field, given)))
        except (UserFacingError, GraphQLError, _Different):
            return None  # planned from scratch: a refusal is answered there, with its path
        if replace(new, args=old.args) != old or [k for k, _ in new.args] != [k for k, _ in old.args]:
            return None
        for (name, value), (_, was) in zip(new.args, old.args, strict=True):
            param = bound_params.get((request.key, name))
            if param is not None:
                params[param] = parameter_value(value)
            elif value != was:
                return None  # a value in the text or the shape: not the template's statement
        roots[request.key] = new
    rebound = replace(plan, roots=tuple(roots[root.key] for root in plan.roots))
    return rebound, replace(statement, params=params)


__all__ = ["Template", "rebind", "rebindable", "shape_key", "template_of"]
