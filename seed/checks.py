"""The checks of seed files, record by record as they are read, keeping only what checks across records need
(an id's kind and place, the names taken, the sources and their files), so that a million-entry archive can
stream through to the importer. Each section is validated by pydantic-core a chunk at a time; a chunk with
nothing to report is registered as a whole by set arithmetic; a reference to something not seen yet is
checked again once every file is read."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from schema.model import FACT_KIND_BY_TYPE, Label, RelType
from schema.names import mixed_script_words, name_keys, normalized_name, scripts_of
from schema.records import (
    FACT_SECTION,
    NODE_SECTIONS,
    CitationBase,
    FactBase,
    FactRecord,
    NodeRecord,
    Record,
    explain,
    location,
)
from seed.evidence import citation_problems, file_problem, unchecked
from seed.problems import Problem
from seed.seed_set import KnownNode, Located, RecordSink, SeedSet
from seed.yaml_reader import ParsedFile, PathKey, dotted

CHUNK = 5_000  # entries of a section validated by one pydantic-core call
KNOWN_FILE = "the graph"  # where a known node is defined, in messages

Progress = Callable[[int], None]


_ADAPTERS: dict[type[Record], TypeAdapter[list[Any]]] = {}


def _adapter(model: type[Record]) -> TypeAdapter[list[Any]]:
    """One validator per record model, for a list of entries: pydantic-core loops, not Python."""
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[model]


@dataclass
class _PendingFact:
    where: Located
    fact: tuple[RelType, str, str]  # type, from, to
    cites: Sequence[CitationBase]


class Checks:
    """Validates records as they come, keeping what the checks across records need."""

    def __init__(self, sink: RecordSink | None, progress: Progress | None) -> None:
        self.seed = SeedSet()
        self.sink = sink
        self.progress = progress
        self.problems: list[Problem] = []
        self.owners: dict[tuple[Label, str], str] = {}  # (kind, name or alias key) -> node id
        self.fact_ids: set[str] = set()
        self.files: dict[str, str | None] = {}  # Source node id -> its file under seed/sources (or None)
        self.fileless: set[str] = set()  # Source nodes without a file: citing them needs no text checked
        self.pending_facts: list[_PendingFact] = []  # naming an id not (yet) known, or of the wrong kind
        # Citations checked once every source is known: naming a source not seen yet, or one with a file
        # (whose text must hold the quote).
        self.pending_citations: list[tuple[Located, Sequence[CitationBase]]] = []
        self.unverified: list[tuple[Located, str]] = []  # Source nodes nobody can check (a warning)
        self.warnings: list[Problem] = []  # allowed, but worth a look (a name mixing scripts)

    def know(self, nodes: Sequence[KnownNode]) -> None:
        """Nodes the graph holds: facts may name them, their names are taken; sources among them have no
        stored text here (citing them checks no words)."""
        where = ParsedFile(KNOWN_FILE, None)
        for index, node in enumerate(nodes):
            self.seed.labels[node.id] = node.label
            self.seed.where.add([node.id], where, "nodes", index)
            for name in node.names:
                self.owners.setdefault((node.label, normalized_name(name)), node.id)
            if node.label is Label.SOURCE:
                self.files[node.id] = None
                self.fileless.add(node.id)

    def document(self, parsed: ParsedFile) -> None:
        display = parsed.display
        if not isinstance(parsed.data, dict):
            self.problems.append(
                Problem(display, 1, "", "expected a mapping of sections (organizations:, facts:, ...)")
            )
            return
        known = [*NODE_SECTIONS, FACT_SECTION]
        for section, items in parsed.data.items():
            at: PathKey = (section,)
            if section not in known:
                hint = _did_you_mean(section, known)
                self.problems.append(Problem(display, parsed.line_of(at), section, f"unknown section{hint}"))
                continue
            if not isinstance(items, list):
                self.problems.append(Problem(display, parsed.line_of(at), section, "expected a list of entries"))
                continue
            model = NODE_SECTIONS.get(section, FactRecord)
            for start in range(0, len(items), CHUNK):
                self._chunk(parsed, section, model, start, items[start : start + CHUNK])

    def _chunk(self, parsed: ParsedFile, section: str, model: type[Record], start: int, items: list[Any]) -> None:
        try:
            records = _adapter(model).validate_python(items)
            whole = True
        except ValidationError:  # rare: each entry again on its own, for its own messages
            records = [self._validate_one(parsed, (section, start + offset), model, item)
                       for offset, item in enumerate(items)]  # fmt: skip
            whole = False
        if model is FactRecord:
            facts = self._facts(parsed, section, start, records, whole)
            if self.sink is not None and facts:
                self.sink.facts(facts)
        else:
            nodes = self._nodes(parsed, section, start, records, whole)
            if self.sink is not None and nodes:
                self.sink.nodes(nodes)
        if self.progress:
            self.progress(len(items))

    def _validate_one(self, parsed: ParsedFile, at: PathKey, model: type[Record], item: Any) -> Record | None:
        try:
            return model.model_validate(item)
        except ValidationError as error:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.seed.invalid_ids.add(item["id"])
                if at[0] in NODE_SECTIONS:
                    self.seed.invalid_labels[item["id"]] = NODE_SECTIONS[at[0]].label
            self.problems += [_problem_from_pydantic(parsed, at, detail) for detail in error.errors()]
            return None

    def _duplicate(self, located: Located, key: str, kind: str, hint: str = "") -> None:
        first = self.seed.where[key]
        message = f"duplicate {kind} '{key}', first defined at {first.file}:{first.line}{hint}"
        self.problems.append(located.problem("id", message=message))

    def _nodes(self, parsed: ParsedFile, section: str, start: int, nodes: list[Any], whole: bool) -> list[NodeRecord]:
        """Register a chunk of nodes: as a whole when nothing in it needs a message (set arithmetic in C,
        no Python per entry), else one by one."""
        seed = self.seed
        ids = [node.id for node in nodes] if whole else []
        label = nodes[0].label if ids else None
        names = _keyed_names(nodes, ids) if ids else []
        owners = self.owners
        if (
            not ids
            or len(set(ids)) < len(ids)
            or not seed.labels.keys().isdisjoint(ids)
            or len({name for name, _ in names}) < len(names)
            or any((label, name) in owners for name, _ in names)
        ):
            return [node for offset, node in enumerate(nodes, start)
                    if node is not None and self._node(Located(parsed, (section, offset)), node)]  # fmt: skip
        assert label is not None
        seed.labels.update(dict.fromkeys(ids, label))
        seed.where.add(ids, parsed, section, start)
        owners.update(((label, name), key) for name, key in names)
        if self.sink is None:
            seed.nodes.update(zip(ids, nodes, strict=True))
        if label is Label.SOURCE:
            for offset, node in enumerate(nodes, start):
                self._source(Located(parsed, (section, offset)), node)
        if not self.fileless.issuperset(_named_sources(nodes)):
            for offset, node in enumerate(nodes, start):
                self._pend_citations(Located(parsed, (section, offset)), node.cites)
        else:
            self._say_unchecked_of(parsed, section, start, nodes)
        for offset, node in enumerate(nodes, start):
            if not (node.name.isascii() and all(alias.isascii() for alias in node.aliases)):
                self._scripts(Located(parsed, (section, offset)), node)
        return nodes

    def _source(self, located: Located, node: NodeRecord) -> None:
        """A Source node: its file must be there; one with no locator at all is worth a warning."""
        file = getattr(node, "file", None)
        self.files[node.id] = file
        if file is None:
            self.fileless.add(node.id)
        elif (message := file_problem(file)) is not None:
            self.problems.append(located.problem("file", message=message))
        if node.unverified:
            self.unverified.append((located, node.id))

    def _pend_citations(self, located: Located, cites: Sequence[CitationBase]) -> None:
        if not self.fileless.issuperset(_named_sources([cites])):
            self.pending_citations.append((located, cites))
        else:
            self._say_unchecked(located, cites)

    def _say_unchecked(self, where: Located, cites: Sequence[CitationBase]) -> None:
        """Words nobody can check against a stored text: allowed, but said."""
        self.warnings += [
            where.problem("cites", index, field, message=message)
            for index, field, message in unchecked(cites, self.files)
        ]

    def _node(self, located: Located, node: NodeRecord) -> bool:
        key = node.id
        seed = self.seed
        if key in seed.labels:
            self._duplicate(located, key, "id")
            return False
        label = node.label
        seed.labels[key] = label
        parsed, (section, index) = located.parsed, located.at
        seed.where.add([key], parsed, str(section), int(index))
        if self.sink is None:
            seed.nodes[key] = node
        if label is Label.SOURCE:
            self._source(located, node)
        self._names(located, key, node)
        self._pend_citations(located, node.cites)
        return True

    def _names(self, located: Located, key: str, node: NodeRecord) -> None:
        """A name or alias names one node of a kind (compared as the lookup compares them: by their keys)."""
        label = node.label
        for name in dict.fromkeys([node.name, *node.aliases]):
            owner = self.owners.setdefault((label, normalized_name(name)), key)
            if owner != key:
                first = self.seed.where[owner]
                message = (
                    f"'{name}' already names the {label.value} '{owner}' ({first.file}:{first.line}): "
                    "names and aliases are unique per kind"
                )
                self.problems.append(located.problem("name", message=message))
        self._scripts(located, node)

    def _scripts(self, located: Located, node: NodeRecord) -> None:
        """A word mixing scripts (a Cyrillic "a" among Latin letters) looks like another name: a warning."""
        named: list[tuple[tuple[str | int, ...], str]] = [(("name",), node.name)]
        named += [(("aliases", i), alias) for i, alias in enumerate(node.aliases)]
        for place, name in named:
            for word in mixed_script_words(name):
                message = f"'{word}' mixes scripts ({scripts_of(word)}): a look-alike of another name?"
                self.warnings.append(located.problem(*place, message=message))

    def _facts(self, parsed: ParsedFile, section: str, start: int, facts: list[Any], whole: bool) -> list[FactBase]:
        """Register a chunk of facts: as a whole when nothing in it needs a message or a second look,
        else one by one."""
        seed = self.seed
        ids = [fact.fact_id for fact in facts] if whole else []
        if not ids or len(set(ids)) < len(ids) or not self.fact_ids.isdisjoint(ids):
            return self._facts_one_by_one(parsed, section, start, facts)
        self.fact_ids.update(ids)
        seed.where.add(ids, parsed, section, start)
        seed.fact_count += len(ids)
        if self.sink is None:
            seed.facts.update(zip(ids, facts, strict=True))
        if not (_ends_allowed(seed.labels, facts) and self.fileless.issuperset(_named_sources(facts))):
            for offset, fact in enumerate(facts, start):
                self._pend_fact(Located(parsed, (section, offset)), fact)
        else:
            self._say_unchecked_of(parsed, section, start, facts)
        return facts

    def _say_unchecked_of(self, parsed: ParsedFile, section: str, start: int, records: Sequence[Any]) -> None:
        """`_say_unchecked` for a chunk settled at once: only entries with words to check are looked at."""
        for offset, record in enumerate(records, start):
            if any(getattr(c, "quote", None) or getattr(c, "paraphrase", None) for c in record.cites):
                self._say_unchecked(Located(parsed, (section, offset)), record.cites)

    def _facts_one_by_one(self, parsed: ParsedFile, section: str, start: int, facts: list[Any]) -> list[FactBase]:
        accepted: list[FactBase] = []
        for offset, fact in enumerate(facts, start):
            if fact is None:
                continue
            key = fact.fact_id
            located = Located(parsed, (section, offset))
            if key in self.fact_ids:
                self._duplicate(located, key, "fact", " (give each fact of the same pair and type its own id)")
                continue
            self.fact_ids.add(key)
            self.seed.where.add([key], parsed, section, offset)
            self.seed.fact_count += 1
            if self.sink is None:
                self.seed.facts[key] = fact
            accepted.append(fact)
            self._pend_fact(located, fact)
        return accepted

    def _pend_fact(self, located: Located, fact: FactBase) -> None:
        """Most facts are settled at once; one that names an id not seen yet (or of a kind that is wrong,
        unless the id turns out invalid), or a source not seen yet or with a file, is checked again at the end."""
        ends = (fact.type, fact.from_, fact.to)
        if not (self._ends_settled(ends) and self.fileless.issuperset(_named_sources([fact]))):
            self.pending_facts.append(_PendingFact(located, ends, fact.cites))
        else:
            self._say_unchecked(located, fact.cites)

    def _ends_settled(self, fact: tuple[RelType, str, str]) -> bool:
        """Both ends are known nodes of an allowed kind (or invalid entries, reported already): no later
        record can change that."""
        rel, start, end = fact
        rule = FACT_KIND_BY_TYPE[rel]
        return self._end_fits(start, rule.from_labels) and self._end_fits(end, rule.to_labels)

    def _end_fits(self, node_id: str, allowed: frozenset[Label]) -> bool:
        """A known node of an allowed kind, or an invalid entry (reported already) whose kind fits or is unknown."""
        label = self.seed.labels.get(node_id) or self.seed.invalid_labels.get(node_id)
        return label in allowed if label is not None else node_id in self.seed.invalid_ids

    def _end_problems(self, where: Located, fact: tuple[RelType, str, str]) -> list[Problem]:
        """Ids that a fact names must exist, with the right kind for the relationship type."""
        rel, start, end = fact
        rule = FACT_KIND_BY_TYPE[rel]
        labels = self.seed.labels
        problems: list[Problem] = []
        for side, node_id, allowed in (("from", start, rule.from_labels), ("to", end, rule.to_labels)):
            if self._end_fits(node_id, allowed):
                continue
            label = labels.get(node_id) or self.seed.invalid_labels.get(node_id)
            if label is None:
                hint = _did_you_mean(node_id, list(labels))
                problems.append(where.problem(side, message=f"unknown id '{node_id}'{hint}"))
            else:
                expected = " or ".join(sorted(allowed_label.value for allowed_label in allowed))
                message = f"{rel.value} cannot {side} a {label.value} ('{node_id}'): expected {expected}"
                problems.append(where.problem(side, message=message))
        return problems

    def pending_problems(self) -> list[Problem]:
        """The references not settled while reading, now that every id is known."""
        problems: list[Problem] = []
        for where, cites in self.pending_citations:
            problems += self._citation_problems(where, cites)
        for pending in self.pending_facts:
            problems += self._end_problems(pending.where, pending.fact)
            problems += self._citation_problems(pending.where, pending.cites)
        return problems

    def _citation_problems(self, where: Located, cites: Sequence[CitationBase]) -> list[Problem]:
        self._say_unchecked(where, cites)
        return [
            where.problem("cites", index, field, message=message)
            for index, field, message in citation_problems(cites, self.files)
        ]


def _problem_from_pydantic(parsed: ParsedFile, at: PathKey, detail: ErrorDetails) -> Problem:
    loc = tuple(part for part in location(detail) if not str(part).startswith("function-"))
    here = (*at, *loc)
    return Problem(parsed.display, parsed.line_of(here), dotted(here), explain(detail))


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _keyed_names(nodes: list[NodeRecord], ids: list[str]) -> list[tuple[str, str]]:
    """(name or alias key, node id) for each name a node claims (its own repeats counted once)."""
    return [(name, key) for node, key in zip(nodes, ids, strict=True)
            for name in name_keys((node.name, *node.aliases))]  # fmt: skip


# Enum members are singletons, so their ids stand for them in set arithmetic over a chunk of facts (Python's
# Enum.__hash__ would run once per fact). (start's kind, type) and (end's kind, type) pairs that are allowed:
_ALLOWED_STARTS = {(id(label), id(rel)) for rel, rule in FACT_KIND_BY_TYPE.items() for label in rule.from_labels}
_ALLOWED_ENDS = {(id(label), id(rel)) for rel, rule in FACT_KIND_BY_TYPE.items() for label in rule.to_labels}


def _ends_allowed(labels: dict[str, Label], facts: list[FactBase]) -> bool:
    """Every fact of the chunk joins known nodes of kinds its type allows."""
    starts, ends = [fact.from_ for fact in facts], [fact.to for fact in facts]
    if not (labels.keys() >= set(starts) and labels.keys() >= set(ends)):
        return False
    types = [id(fact.type) for fact in facts]
    return (
        set(zip(map(id, map(labels.__getitem__, starts)), types, strict=True)) <= _ALLOWED_STARTS
        and set(zip(map(id, map(labels.__getitem__, ends)), types, strict=True)) <= _ALLOWED_ENDS
    )


def _named_sources(cited: Iterable[Any]) -> set[str]:
    """The sources (and relaying sources) that records' citations (or lists of citations) name."""
    named: set[str] = set()
    for record in cited:
        for citation in record if isinstance(record, list) else record.cites:
            named.add(citation.source)
            if (via := getattr(citation, "via", None)) is not None:
                named.add(via)
    return named
