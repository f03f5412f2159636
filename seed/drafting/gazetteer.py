"""What the graph already knows, for finding and reconciling names offline: each node's names, aliases,
acronyms and external ids, by kind. Built from a validated seed set (`seed/validate.py`), or from plain rows
(id, label, name, aliases, external ids) as a Neo4j read would return them, so both paths share one index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from schema.model import EXTERNAL_IDS, Label
from schema.names import normalized_name
from seed.seed_set import SeedSet


@dataclass(frozen=True)
class Entry:
    """One node as the gazetteer knows it."""

    id: str
    label: Label
    name: str
    aliases: tuple[str, ...] = ()
    external_ids: tuple[tuple[str, str], ...] = ()  # (scheme, value)
    file: str | None = None  # a Source's text under seed/sources/

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    _by_key: dict[tuple[Label, str], str] = field(default_factory=dict)
    _by_external: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Gazetteer:
        """Rows of `id`, `label`, `name`, `aliases` and optional external ids and `file` (a Neo4j read's shape)."""
        gazetteer = cls()
        for row in rows:
            external = tuple(
                (attr.name, str(row[attr.name])) for attr in EXTERNAL_IDS if row.get(attr.name) is not None
            )
            gazetteer.add(
                Entry(str(row["id"]), Label(row["label"]), str(row["name"]), tuple(row.get("aliases") or ()),
                      external, row.get("file"))
            )  # fmt: skip
        return gazetteer

    @classmethod
    def from_seed(cls, seed: SeedSet) -> Gazetteer:
        return cls.from_rows(
            {"id": node.id, "label": node.label.value, "name": node.name, "aliases": node.aliases,
             "file": getattr(node, "file", None),
             **{attr.name: getattr(node, attr.name, None) for attr in EXTERNAL_IDS}}
            for node in seed.nodes.values()
        )  # fmt: skip

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        for name in entry.names:
            self._by_key.setdefault((entry.label, normalized_name(name)), entry.id)
        for _, value in entry.external_ids:
            self._by_external[value] = entry.id

    def exact(self, label: Label, name: str) -> Entry | None:
        """The node of `label` that `name` names exactly (as names are compared: by their keys)."""
        found = self._by_key.get((label, normalized_name(name)))
        return self.entries[found] if found else None

    def by_external_id(self, value: str) -> Entry | None:
        found = self._by_external.get(value)
        return self.entries[found] if found else None

    def of_label(self, label: Label) -> list[Entry]:
        return [entry for entry in self.entries.values() if entry.label is label]

    def names_by_label(self) -> dict[Label, list[tuple[str, str]]]:
        """(name or alias, node id) per kind."""
        named: dict[Label, list[tuple[str, str]]] = defaultdict(list)
        for entry in self.entries.values():
            named[entry.label] += [(name, entry.id) for name in entry.names]
        return named

    def source_with_file(self, file: str) -> Entry | None:
        return next((e for e in self.entries.values() if e.label is Label.SOURCE and e.file == file), None)

    def taken(self, node_id: str) -> bool:
        return node_id in self.entries
