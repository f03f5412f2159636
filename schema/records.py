"""Pydantic models of what may be written to the graph, derived from `schema/model.py`: the one set of
rules that both the seed files and the API's mutations are checked against."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from schema.dates import PartialDate, date_properties, mentioned
from schema.model import (
    ATTESTED,
    CITATION_FIELDS,
    CITATION_SOURCE,
    FACT_QUALIFIERS,
    FACT_WRITABLE,
    NODE_KINDS,
    SPAN_DATES,
    Attr,
    Label,
    NodeKind,
    RelType,
)
from schema.names import name_keys, normalized_name

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120),
]
# Fact ids may join slugs with "--", as the derived ones do ("wga--wages--wga-strike-2023").
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:--?[a-z0-9]+)*$", max_length=300)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Date = Annotated[PartialDate, BeforeValidator(PartialDate.parse)]


def _visible(name: str) -> str:
    if not normalized_name(name):
        raise ValueError(f"{name!r} has nothing visible in it: a name needs letters, digits or signs")
    return name


# Stored as written; its key (schema/names.py) is what makes it unique per kind and what lookups compare.
Name = Annotated[Text, AfterValidator(_visible)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True, populate_by_name=True)


Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]


# A figure as sources give it: finite, and within what any count, share or amount could be.
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]


def _annotation(attr: Attr) -> Any:
    """The validation rule of one field, from its kind in the model."""
    base: Any = {
        "text": Text, "texts": list[Text], "date": Date, "int": int, "number": Number, "bool": bool, "url": Url,
    }.get(attr.kind, attr.enum)  # fmt: skip
    if attr.pattern is not None:
        base = Annotated[str, StringConstraints(strip_whitespace=True, pattern=attr.pattern, max_length=200)]
    if attr.derived:
        base = Annotated[base, AfterValidator(_not_derived(attr))]
    return base if attr.required and attr.kind != "bool" else base | None


def _not_derived(attr: Attr) -> Any:
    """A check refusing the values of a closed field that are worked out when read (never stored)."""
    derived = {value.value for value in attr.derived}
    allowed = ", ".join(value.value for value in attr.enum or () if value.value not in derived)

    def check(value: Enum) -> Enum:
        if value.value in derived:
            raise ValueError(
                f"{value.value} is worked out when the field is read, never written: give one of {allowed}"
            )
        return value

    return check


def _default(attr: Attr) -> Any:
    if attr.kind == "bool":
        return False
    if attr.default is not None:
        return attr.default
    return ... if attr.required else None


def _fields(attrs: tuple[Attr, ...], skip: set[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for attr in attrs:
        if not attr.writable or attr.name in skip:
            continue
        if attr.kind == "texts":  # a fresh list each time, without pydantic deep-copying a shared default
            fields[attr.name] = (_annotation(attr), Field(default_factory=list))
        else:
            fields[attr.name] = (_annotation(attr), _default(attr))
    return fields


class CitationBase(Record):
    source: Slug

    @model_validator(mode="after")
    def _says_whose_words(self) -> CitationBase:
        if getattr(self, "paraphrase", None) and not getattr(self, "via", None):
            raise ValueError("a paraphrase is another source's words: name it in `via`")
        return self


def _citation_fields() -> dict[str, Any]:
    return {attr.name: ((Slug if attr.name == "via" else Text) | None, None) for attr in CITATION_FIELDS}


Citation: type[CitationBase] = create_model(
    "Citation",
    __base__=CitationBase,
    __doc__="One source behind a node or fact: its own words (`quote`), or how a relaying source puts them.",
    **_citation_fields(),
)


def citation_properties(cites: Sequence[CitationBase]) -> dict[str, Any]:
    """Citations as stored: one list per citation field, "" where a citation has no value."""
    stored: dict[str, Any] = {CITATION_SOURCE: [citation.source for citation in cites]}
    for attr in CITATION_FIELDS:
        stored[attr.prop] = [getattr(citation, attr.name) or "" for citation in cites]
    return stored


Storing = tuple[tuple[str, str, str], ...]  # (field, Neo4j property, kind) of the fields a record stores


def _storing(attrs: tuple[Attr, ...], skip: set[str]) -> Storing:
    """What `_stored` writes, worked out once per record model (a bulk load stores millions of records)."""
    return tuple((attr.name, attr.prop, attr.kind) for attr in attrs if attr.writable and attr.name not in skip)


def _stored(storing: Storing, record: BaseModel) -> dict[str, Any]:
    """Field values as Neo4j properties: enums by value, dates as text plus their first and last day."""
    stored: dict[str, Any] = {}
    for name, prop, kind in storing:
        value = getattr(record, name, None)
        if kind == "date":
            stored |= date_properties(prop, value)
        elif isinstance(value, Enum):
            stored[prop] = value.value
        elif kind == "texts":
            stored[prop] = list(value or [])
        else:
            stored[prop] = value
    return stored


def _check_said(record: BaseModel, attrs: tuple[Attr, ...], cites: Sequence[CitationBase], note: str | None) -> None:
    """Every date must be stated by a citation's quote or paraphrase, or by the note, which says how it was
    resolved: no bound without evidence."""
    texts = [text for c in cites for text in (getattr(c, "quote", None), getattr(c, "paraphrase", None)) if text]
    texts += [note] if note else []
    for attr in attrs:
        value = getattr(record, attr.name, None)
        if attr.kind == "date" and attr.writable and value is not None and not mentioned(value, texts):
            raise PydanticCustomError(
                "date_without_evidence",
                "{field} {value} is in no quote, paraphrase or note: say where the date comes from (e.g. in the "
                "note; a month or a day needs its year there too)",
                {"field": attr.name, "value": str(value)},
            )


def _check_order(record: BaseModel, pairs: tuple[tuple[str, str], ...]) -> None:
    for earlier, later in pairs:
        first, last = getattr(record, earlier), getattr(record, later)
        if first is not None and last is not None and last.latest < first.earliest:
            raise ValueError(f"{later} {last} is before {earlier} {first}")


class NodeRecord(Record):
    """Fields every node has; each kind's record adds its own, from the model."""

    id: Slug
    name: Name
    aliases: list[Name] = Field(default_factory=list)
    cites: list[Citation] = Field(min_length=1)

    label: ClassVar[Label]
    kind_model: ClassVar[NodeKind]
    storing: ClassVar[Storing]

    @model_validator(mode="after")
    def _dates_in_order(self) -> NodeRecord:
        _check_order(self, self.kind_model.ordered_dates)
        if self.kind_model.needs_citation:
            _check_said(self, self.kind_model.fields, self.cites, getattr(self, "note", None))
        return self

    def properties(self) -> dict[str, Any]:
        """The node's stored properties (besides bookkeeping), in Neo4j types."""
        return {
            **_stored(self.storing, self),
            "id": self.id,
            "aliasText": " | ".join(self.aliases) or None,
            "nameKeys": name_keys([self.name, *self.aliases]),
            **citation_properties(self.cites),
            **({"unverified": self.unverified} if self.kind_model.locators else {}),
        }

    @property
    def unverified(self) -> bool:
        """A kind that says where to check it (locators), with none of them given."""
        locators = self.kind_model.locators
        return bool(locators) and all(getattr(self, name, None) is None for name in locators)


def _node_record(kind: NodeKind) -> type[NodeRecord]:
    fields = _fields(kind.all_fields, {"name", "aliases"})
    if not kind.needs_citation:
        fields["cites"] = (list[Citation], [])
    model: type[NodeRecord] = create_model(
        f"{kind.type_name}Record", __base__=NodeRecord, __doc__=kind.description, **fields
    )
    model.label = kind.label
    model.kind_model = kind
    model.storing = _storing(kind.all_fields, {"slug"})
    return model


NODE_RECORDS: dict[Label, type[NodeRecord]] = {kind.label: _node_record(kind) for kind in NODE_KINDS}
# Each by its name in this module too, so records pickle (the importer's writer processes, seed/import_files.py).
globals().update({model.__name__: model for model in NODE_RECORDS.values()})
NODE_SECTIONS: dict[str, type[NodeRecord]] = {kind.section: NODE_RECORDS[kind.label] for kind in NODE_KINDS}
FACT_SECTION = "facts"


class FactBase(Record):
    """A relationship between two nodes, with its qualifiers and the sources that support it."""

    id: FactId | None = None  # defaults to "<from>--<type>--<to>"; give one when a pair has several
    type: RelType
    from_: Slug = Field(alias="from")
    to: Slug
    cites: list[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _dates_in_order(self) -> FactBase:
        _check_order(self, (SPAN_DATES,))
        _check_said(self, FACT_QUALIFIERS, self.cites, getattr(self, "note", None))
        if getattr(self, ATTESTED, None) is not None and any(getattr(self, name, None) for name in SPAN_DATES):
            raise PydanticCustomError(
                "attested_and_bounded",
                "{field} is for a fact known only at a point in time: give it or since/until, not both",
                {"field": ATTESTED},
            )
        return self

    @property
    def fact_id(self) -> str:
        return self.id or f"{self.from_}--{self.type.value.lower().replace('_', '-')}--{self.to}"

    def properties(self) -> dict[str, Any]:
        return {
            **_stored(_FACT_STORING, self),
            "id": self.fact_id,
            **citation_properties(self.cites),
        }


_FACT_STORING = _storing(FACT_QUALIFIERS + FACT_WRITABLE, set())
FactRecord: type[FactBase] = create_model(
    "FactRecord", __base__=FactBase, __doc__=FactBase.__doc__, **_fields(FACT_QUALIFIERS + FACT_WRITABLE, set())
)


def location(detail: ErrorDetails) -> tuple[int | str, ...]:
    """Where an error is: its path, down to the field a record-wide rule names (e.g. a date without evidence)."""
    field = (detail.get("ctx") or {}).get("field")
    return (*detail["loc"], field) if field else tuple(detail["loc"])


def explain(detail: ErrorDetails) -> str:
    """A validation error in words a curator understands (the same for seed files and mutations)."""
    loc = detail["loc"]
    kind = detail["type"]
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "enum":
        return f"unknown value {detail['input']!r}: expected one of {detail.get('ctx', {}).get('expected')}"
    if kind == "string_pattern_mismatch":
        field = loc[-1] if loc else ""
        if field not in ("id", "from", "to", "source", "via", "from_"):
            pattern = detail.get("ctx", {}).get("pattern", "")
            return f"{detail['input']!r} is not a valid {field}: expected the form {pattern}"
        return f"{detail['input']!r} is not a valid id: use lowercase words joined by hyphens"
    if kind in {"missing", "too_short"} and loc and loc[-1] == "cites":
        return "missing source: every entry must cite at least one source"
    if kind in {"string_type", "list_type", "int_type", "bool_type", "model_type", "dict_type"}:
        return f"wrong type: {message.lower()}, got {type(detail['input']).__name__}"
    return message
