"""Mutation inputs, generated from `schema/model.py`. They carry no rules of their own: they become the
same pydantic records the seed files are validated with (schema/records.py)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import UNSET

from api.contract.scalars import KIND_TYPES
from schema.model import CITATION_FIELDS, FACT_QUALIFIERS, FACT_WRITABLE, NODE_FIELDS, NODE_KINDS, Attr, RelType


def _input_type(attr: Attr) -> Any:
    base: Any = KIND_TYPES.get(attr.kind, attr.enum)
    return base | None


CitationInput: Any = strawberry.input(
    type(
        "CitationInput",
        (),
        {
            "__annotations__": {"source": str} | {attr.name: str | None for attr in CITATION_FIELDS},
            "__module__": __name__,
            **{attr.name: strawberry.field(default=None, description=attr.description) for attr in CITATION_FIELDS},
        },
    ),
    description="A source behind a fact or node: its own words (`quote`), or how a relaying source (`via`) puts them.",
)


def _input(name: str, description: str, fields: dict[str, Any], bases: tuple[type, ...] = ()) -> Any:
    annotations = dict(fields)
    defaults: dict[str, Any] = {field: UNSET for field in fields}
    cls = type(name, bases, {"__annotations__": annotations, "__module__": __name__, **defaults})
    return strawberry.input(cls, description=description)


def _node_input_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {"id": str | None}
    for attr in NODE_FIELDS:
        if attr.writable:
            fields[attr.name] = _input_type(attr)
    fields["cites"] = list[CitationInput] | None
    for kind in NODE_KINDS:
        for attr in kind.fields:
            if attr.writable:
                fields.setdefault(attr.input_name or attr.name, _input_type(attr))
    return fields


def _kind_fields_help() -> str:
    parts = []
    for kind in NODE_KINDS:
        names = [_camel(attr.input_name or attr.name) for attr in kind.fields if attr.writable]
        if names:
            parts.append(f"{'/'.join(f'`{n}`' for n in names)} for {kind.section}")
    return "; ".join(parts)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


NodeInput: Any = _input(
    "NodeInput",
    f"A node's fields. Which apply depends on its kind: {_kind_fields_help()}. On update, omitted fields stay "
    "and null clears.",
    _node_input_fields(),
)

FactPatch: Any = _input(
    "FactPatch",
    "Corrections to a fact's qualifiers or sources; omitted fields stay, null clears.",
    {attr.name: _input_type(attr) for attr in FACT_QUALIFIERS + FACT_WRITABLE} | {"cites": list[CitationInput] | None},
)


@strawberry.input(description="A fact: a typed relationship with its qualifiers and at least one source.")
class FactInput(FactPatch):  # type: ignore[misc]
    type: RelType
    from_: str = strawberry.field(name="from")
    to: str
    cites: list[CitationInput]  # required here: every fact cites at least one source
    id: str | None = UNSET


_RENAMED = {"from_": "from"}


def given_fields(value: Any) -> dict[str, Any]:
    """The fields a client actually sent, as record field names (enums as values, citations as dicts)."""
    fields: dict[str, Any] = {}
    for name, item in vars(value).items():
        if item is UNSET:
            continue
        if isinstance(item, list):
            item = [vars(entry) if isinstance(entry, CitationInput) else entry for entry in item]
        elif hasattr(item, "value") and not isinstance(item, str):
            item = item.value
        fields[_RENAMED.get(name, name)] = item
    return fields
