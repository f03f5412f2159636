"""Pydantic models of what may be written to the graph: the one set of rules that both the seed files
and the API's mutations are checked against."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import ErrorDetails

from schema.dates import PartialDate, date_properties
from schema.graph_model import Label, NegotiationStatus, OrganizationKind, RelType, SourceKind

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120),
]
# Fact ids may join slugs with "--", as the derived ones do ("wga--wages--wga-strike-2023").
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:--?[a-z0-9]+)*$", max_length=300)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Date = Annotated[PartialDate, BeforeValidator(PartialDate.parse)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True, populate_by_name=True)


class Citation(Record):
    """One source behind a fact, and the sentence of it the fact rests on."""

    source: Slug
    quote: Text | None = None


class NodeRecord(Record):
    id: Slug
    name: Text
    aliases: list[Text] = []
    description: Text | None = None
    note: Text | None = None  # how a date was resolved, what the source leaves open, ...
    cites: list[Citation] = Field(min_length=1)

    label: ClassVar[Label]

    def properties(self) -> dict[str, Any]:
        """The node's stored properties (besides bookkeeping), in Neo4j types."""
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "aliasText": " | ".join(self.aliases) or None,
            "nameKeys": sorted({name.casefold() for name in [self.name, *self.aliases]}),
            "description": self.description,
            "note": self.note,
            "sources": [citation.source for citation in self.cites],
            "quotes": [citation.quote or "" for citation in self.cites],
            **self.kind_properties(),
        }

    def kind_properties(self) -> dict[str, Any]:
        return {}


def _dates(**values: PartialDate | None) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for name, value in values.items():
        stored |= date_properties(name, value)
    return stored


class OrganizationRecord(NodeRecord):
    label: ClassVar[Label] = Label.ORGANIZATION
    kind: OrganizationKind

    def kind_properties(self) -> dict[str, Any]:
        return {"kind": self.kind.value}


class PersonRecord(NodeRecord):
    label: ClassVar[Label] = Label.PERSON


class StrikeRecord(NodeRecord):
    label: ClassVar[Label] = Label.STRIKE
    start_date: Date | None = None
    end_date: Date | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> StrikeRecord:
        if self.start_date and self.end_date and self.end_date.latest < self.start_date.earliest:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self

    def kind_properties(self) -> dict[str, Any]:
        return _dates(startDate=self.start_date, endDate=self.end_date)


class AgreementRecord(NodeRecord):
    label: ClassVar[Label] = Label.AGREEMENT


class NegotiationRecord(NodeRecord):
    label: ClassVar[Label] = Label.NEGOTIATION
    date: Date | None = None
    status: NegotiationStatus
    outcome: Text | None = None

    def kind_properties(self) -> dict[str, Any]:
        return {"status": self.status.value, "outcome": self.outcome, **_dates(date=self.date)}


class IssueRecord(NodeRecord):
    label: ClassVar[Label] = Label.ISSUE


class SourceRecord(NodeRecord):
    """A source document. Its `name` is its title; it needs no citation of its own."""

    label: ClassVar[Label] = Label.SOURCE
    cites: list[Citation] = []
    kind: SourceKind
    publisher: Text | None = None
    date: Date | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    file: Text | None = None  # the copy under ../shared/sources, when we have one

    def kind_properties(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "publisher": self.publisher,
            "url": self.url,
            "file": self.file,
            **_dates(date=self.date),
        }


class FactRecord(Record):
    """A relationship between two nodes, with its qualifiers and the sources that support it."""

    id: FactId | None = None  # defaults to "<from>--<type>--<to>"; give one when a pair has several
    type: RelType
    from_: Slug = Field(alias="from")
    to: Slug
    title: Text | None = None  # e.g. "President"
    role: Text | None = None  # e.g. "union negotiators"
    detail: Text | None = None  # what exactly, e.g. "increase the offer on a few TV minimums"
    since: Date | None = None
    until: Date | None = None
    on: Date | None = None
    by: Date | None = None  # happened no later than this (when the day itself is unknown)
    note: Text | None = None
    cites: list[Citation] = Field(min_length=1)

    @model_validator(mode="after")
    def _until_after_since(self) -> FactRecord:
        if self.since and self.until and self.until.latest < self.since.earliest:
            raise ValueError(f"until {self.until} is before since {self.since}")
        return self

    @property
    def fact_id(self) -> str:
        return self.id or f"{self.from_}--{self.type.value.lower().replace('_', '-')}--{self.to}"

    def properties(self) -> dict[str, Any]:
        return {
            "id": self.fact_id,
            "title": self.title,
            "role": self.role,
            "detail": self.detail,
            "note": self.note,
            "sources": [citation.source for citation in self.cites],
            "quotes": [citation.quote or "" for citation in self.cites],
            **_dates(since=self.since, until=self.until, on=self.on, by=self.by),
        }


NODE_SECTIONS: dict[str, type[NodeRecord]] = {
    "sources": SourceRecord,
    "organizations": OrganizationRecord,
    "people": PersonRecord,
    "strikes": StrikeRecord,
    "agreements": AgreementRecord,
    "negotiations": NegotiationRecord,
    "issues": IssueRecord,
}
FACT_SECTION = "facts"


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
        return f"{detail['input']!r} is not a valid id: use lowercase words joined by hyphens"
    if kind in {"missing", "too_short"} and loc and loc[-1] == "cites":
        return "missing source: every entry must cite at least one source"
    if kind in {"string_type", "list_type", "int_type", "bool_type", "model_type", "dict_type"}:
        return f"wrong type: {message.lower()}, got {type(detail['input']).__name__}"
    return message
