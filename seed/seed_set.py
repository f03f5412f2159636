"""What validation yields and keeps: where each record is defined (compactly), the validated records (or a
sink that takes them as they come), and what later checks need of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count, repeat
from typing import Protocol

from schema.model import Label, RelType
from schema.records import FactBase, NodeRecord
from seed.problems import Problem
from seed.yaml_reader import ParsedFile, PathKey, dotted


class Located:
    """Where a record is defined: its file and its path inside it (for the line of any of its fields)."""

    __slots__ = ("at", "parsed")

    def __init__(self, parsed: ParsedFile, at: PathKey) -> None:
        self.parsed = parsed
        self.at = at

    @property
    def file(self) -> str:
        return self.parsed.display

    @property
    def line(self) -> int:
        return self.parsed.line_of(self.at)

    def problem(self, *sub: str | int, message: str) -> Problem:
        here = (*self.at, *sub)
        return Problem(self.file, self.parsed.line_of(here), dotted(here), message)


class Places:
    """Where each node and fact is defined, kept compact (a million-entry archive has millions of them):
    a `Located` is made only when asked for, i.e. for a message."""

    def __init__(self) -> None:
        self._at: dict[str, tuple[ParsedFile, str, int]] = {}

    def __getitem__(self, key: str) -> Located:
        parsed, section, index = self._at[key]
        return Located(parsed, (section, index))

    def __contains__(self, key: str) -> bool:
        return key in self._at

    def __len__(self) -> int:
        return len(self._at)

    def add(self, keys: Sequence[str], parsed: ParsedFile, section: str, start: int) -> None:
        """`keys` are the entries `start`, `start + 1`, ... of `section`."""
        self._at.update(zip(keys, zip(repeat(parsed), repeat(section), count(start)), strict=False))


@dataclass(frozen=True)
class KnownNode:
    """A node that exists outside the files being validated (in the graph): facts may name it, and its names
    are taken."""

    id: str
    label: Label
    names: tuple[str, ...]


class RecordSink(Protocol):
    """Takes validated records as they come (the importer writes them out); none are kept in the SeedSet."""

    def nodes(self, records: Sequence[NodeRecord]) -> None: ...

    def facts(self, records: Sequence[FactBase]) -> None: ...


@dataclass
class SeedSet:
    """The validated content of a set of seed files (`nodes` and `facts` stay empty when a sink took them)."""

    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    facts: dict[str, FactBase] = field(default_factory=dict)
    where: Places = field(default_factory=Places)  # node or fact id -> where it is defined
    invalid_ids: set[str] = field(default_factory=set)  # entries already reported; not "unknown" elsewhere
    # The kind an invalid node's section gives it: facts naming it are still checked for the kinds they join,
    # so one run reports every problem (a second run finds nothing new).
    invalid_labels: dict[str, Label] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # node id -> its kind
    fact_count: int = 0
    warnings: list[Problem] = field(default_factory=list)  # allowed, but worth a curator's look

    def nodes_by_label(self) -> dict[Label, list[NodeRecord]]:
        grouped: dict[Label, list[NodeRecord]] = defaultdict(list)
        for node in self.nodes.values():
            grouped[node.label].append(node)
        return grouped

    def facts_by_type(self) -> dict[RelType, list[FactBase]]:
        grouped: dict[RelType, list[FactBase]] = defaultdict(list)
        for fact in self.facts.values():
            grouped[fact.type].append(fact)
        return grouped
