"""The root query type, generated from the table of root fields (api/compile/root_fields.py): each field's
arguments, defaults, descriptions and return type come from there, so the contract and the compiler
cannot drift apart. Queries take the compiled path (one Cypher statement for the whole operation) and never
call these resolvers; they serve graphql-core's own execution, which plans the field the same way.

Lists come twice: `strikes(...)` returns the nodes, `strikesConnection(...)` the same filters as a Relay
connection with keyset cursors (`first/after`, `last/before`) and `totalCount`.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from typing import Annotated, Any, Union, get_args, get_origin

import strawberry
from strawberry.tools import create_type

from api.compile.root_fields import ROOT_FIELDS, RootField, argument_types, graphql_name
from api.contract.context import Info
from api.contract.review import REVIEW_QUERIES
from api.contract.types.aggregates import StrikeStats, StrikeTally, StrikeYear
from api.contract.types.changes import Change
from api.contract.types.nodes import NODE_TYPES, Connection, Node, Path, PathHop, SearchHit
from schema.global_ids import GlobalId

# What a root field may return, by the name the table gives: the node types (made from the model) and the rest.
RETURNS: dict[str, Any] = {
    **NODE_TYPES, "Node": Node, "SearchHit": SearchHit, "Change": Change, "StrikeYear": StrikeYear,
    "StrikeTally": StrikeTally, "StrikeStats": StrikeStats, "Path": Path, "PathHop": PathHop,
}  # fmt: skip


async def _planned(info: Info) -> Any:
    """graphql-core's execution of one root field: planned, run and shaped by the compiler."""
    operation = info.context.operation
    assert operation is not None, "set by the CompiledExecution extension"
    return await operation.root_field(info.context.graph, str(info.path.key))


def _contract_type(python: Any) -> Any:
    """A declared argument type as Strawberry spells it: a global id is GraphQL's `ID`."""
    if python is GlobalId:
        return strawberry.ID
    origin = get_origin(python)
    if origin in (Union, types.UnionType):
        options = [_contract_type(option) for option in get_args(python)]
        return Union[tuple(options)]  # noqa: UP007 (built from a list)
    if origin is list:
        return list[_contract_type(get_args(python)[0])]  # type: ignore[misc]
    return python


def _returns(root: RootField) -> Any:
    named = RETURNS[root.returns]
    return {
        "one": named | None,
        "each": list[named | None],  # type: ignore[valid-type]
        "list": list[named],  # type: ignore[valid-type]
        "connection": Connection[named],  # type: ignore[valid-type]
    }[root.shape]


def _field(root: RootField) -> Any:
    """A Strawberry field whose resolver's signature is the root's arguments class, argument by argument."""

    async def resolve(info: Info, **_: Any) -> Any:
        return await _planned(info)

    hints = argument_types(root.arguments)
    parameters = [inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=Info)]
    for argument in dataclasses.fields(root.arguments):
        name = graphql_name(argument)
        options = strawberry.argument(description=argument.metadata.get("description"), name=name)
        # A required argument (`id: ID!`) has no default, whatever its dataclass field says: graphql-core takes
        # a None default for a `null` one, which a non-null argument cannot have (introspection fails on it).
        required = argument.default is None and type(None) not in get_args(hints[argument.name])
        absent = argument.default is dataclasses.MISSING or required
        default = inspect.Parameter.empty if absent else argument.default
        annotation: Any = Annotated[_contract_type(hints[argument.name]), options]
        parameters.append(inspect.Parameter(argument.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                            annotation=annotation))  # fmt: skip
    resolve.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    resolve.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters} | {"return": Any}
    resolve.__name__ = root.name
    return strawberry.field(resolver=resolve, name=root.name, graphql_type=_returns(root), description=root.description)


# The root table's fields, then the review queue's (api/contract/review.py), which read drafts, not the graph.
Query = create_type("Query", [*(_field(root) for root in ROOT_FIELDS), *REVIEW_QUERIES])
