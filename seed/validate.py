"""Turns seed files into validated records, or into every problem they have at once (file:line: field)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from schema.graph_model import REL_RULES, Label, RelType
from schema.records import (
    FACT_SECTION,
    NODE_SECTIONS,
    CitationBase,
    FactBase,
    FactRecord,
    NodeRecord,
    explain,
    location,
)
from seed.evidence import citation_problems, file_problem, unverified_warning
from seed.problems import Problem, SeedValidationError
from seed.yaml_reader import ParsedFile, PathKey, dotted, read_yaml

DEFAULT_SEED_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Located:
    """Where a record is defined: its file and its path inside it (for the line of any of its fields)."""

    file: str
    at: PathKey
    parsed: ParsedFile

    @property
    def line(self) -> int:
        return self.parsed.line_of(self.at)

    def problem(self, *sub: str | int, message: str) -> Problem:
        here = (*self.at, *sub)
        return Problem(self.file, self.parsed.line_of(here), dotted(here), message)


@dataclass
class SeedSet:
    """The validated content of a set of seed files."""

    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    facts: dict[str, FactBase] = field(default_factory=dict)
    where: dict[str, Located] = field(default_factory=dict)  # node or fact id -> where it is defined
    invalid_ids: set[str] = field(default_factory=set)  # entries already reported; not "unknown" elsewhere
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


def seed_files(paths: list[Path] | None) -> list[Path]:
    """The YAML files named, with folders expanded (sorted); the curated seed when none are named."""
    files: list[Path] = []
    for path in paths or [DEFAULT_SEED_DIR]:
        if path.is_dir():
            files += sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            files.append(path)
    return files


def display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_seed(paths: list[Path] | None = None) -> SeedSet:
    """Validate every file before anything touches the graph; raise SeedValidationError with all problems."""
    problems: list[Problem] = []
    documents: list[ParsedFile] = []
    for path in seed_files(paths):
        display = display_name(path)
        if not path.exists():
            problems.append(Problem(display, 0, "", "no such file"))
            continue
        parsed, file_problems = read_yaml(path, display)
        problems += file_problems
        if parsed is not None:
            documents.append(parsed)
    return validate_documents(documents, problems)


def validate_documents(documents: list[ParsedFile], problems: list[Problem] | None = None) -> SeedSet:
    """The checks behind `read_seed`, for documents already in memory (e.g. generated benchmark data)."""
    problems = list(problems or [])
    seed = SeedSet()
    for parsed in documents:
        problems += _collect_records(parsed, parsed.display, seed)
    problems += _check_references(seed)
    problems += _check_names(seed)
    if problems:
        raise SeedValidationError(problems)
    seed.warnings = sorted(
        seed.where[node_id].problem(message=unverified_warning(node_id))
        for node_id, node in seed.nodes.items()
        if node.label is Label.SOURCE and node.unverified
    )
    return seed


def _collect_records(parsed: ParsedFile, display: str, seed: SeedSet) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(parsed.data, dict):
        return [Problem(display, 1, "", "expected a mapping of sections (organizations:, facts:, ...)")]
    known = [*NODE_SECTIONS, FACT_SECTION]
    for section, items in parsed.data.items():
        at: PathKey = (section,)
        if section not in known:
            hint = _did_you_mean(section, known)
            problems.append(Problem(display, parsed.line_of(at), section, f"unknown section{hint}"))
            continue
        if not isinstance(items, list):
            problems.append(Problem(display, parsed.line_of(at), section, "expected a list of entries"))
            continue
        for index, item in enumerate(items):
            problems += _collect_one(parsed, display, seed, section, index, item)
    return problems


def _collect_one(parsed: ParsedFile, display: str, seed: SeedSet, section: str, index: int, item: Any) -> list[Problem]:
    at: PathKey = (section, index)
    model = NODE_SECTIONS.get(section, FactRecord)
    try:
        record = model.model_validate(item)
    except ValidationError as error:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            seed.invalid_ids.add(item["id"])
        return [_problem_from_pydantic(parsed, display, at, detail) for detail in error.errors()]
    located = Located(display, at, parsed)
    is_fact = isinstance(record, FactRecord)
    key = record.fact_id if isinstance(record, FactRecord) else record.id
    if key in (seed.facts if is_fact else seed.nodes):
        first = seed.where[key]
        kind = "fact" if is_fact else "id"
        hint = " (give each fact of the same pair and type its own id)" if is_fact else ""
        return [
            located.problem("id", message=f"duplicate {kind} '{key}', first defined at {first.file}:{first.line}{hint}")
        ]
    if isinstance(record, FactRecord):
        seed.facts[key] = record
    else:
        seed.nodes[key] = record
    seed.where[key] = located
    return []


def _problem_from_pydantic(parsed: ParsedFile, display: str, at: PathKey, detail: ErrorDetails) -> Problem:
    loc = tuple(part for part in location(detail) if not str(part).startswith("function-"))
    here = (*at, *loc)
    return Problem(display, parsed.line_of(here), dotted(here), explain(detail))


def _check_references(seed: SeedSet) -> list[Problem]:
    """Ids that facts and citations name must exist, with the right kind for the relationship type."""
    problems: list[Problem] = []
    files = {node_id: getattr(node, "file", None) for node_id, node in seed.nodes.items() if node.label is Label.SOURCE}
    for node_id, file in files.items():
        if (message := file_problem(file)) is not None:
            problems.append(seed.where[node_id].problem("file", message=message))
    for node_id, node in seed.nodes.items():
        problems += _check_citations(node.cites, seed.where[node_id], files)
    for fact_id, fact in seed.facts.items():
        where = seed.where[fact_id]
        rule = REL_RULES[fact.type]
        for end, node_id, allowed in (("from", fact.from_, rule.sources), ("to", fact.to, rule.targets)):
            end_node = seed.nodes.get(node_id)
            if node_id in seed.invalid_ids:
                continue
            if end_node is None:
                hint = _did_you_mean(node_id, list(seed.nodes))
                problems.append(where.problem(end, message=f"unknown id '{node_id}'{hint}"))
            elif end_node.label not in allowed:
                expected = " or ".join(sorted(label.value for label in allowed))
                message = f"{fact.type.value} cannot {end} a {end_node.label.value} ('{node_id}'): expected {expected}"
                problems.append(where.problem(end, message=message))
        problems += _check_citations(fact.cites, where, files)
    return problems


def _check_names(seed: SeedSet) -> list[Problem]:
    """A name or alias names one node of a kind (compared as the lookup compares them: casefolded)."""
    problems: list[Problem] = []
    owners: dict[tuple[Label, str], str] = {}
    for node_id, node in seed.nodes.items():
        for name in dict.fromkeys([node.name, *node.aliases]):
            owner = owners.setdefault((node.label, name.casefold()), node_id)
            if owner != node_id:
                first = seed.where[owner]
                message = (
                    f"'{name}' already names the {node.label.value} '{owner}' ({first.file}:{first.line}): "
                    "names and aliases are unique per kind"
                )
                problems.append(seed.where[node_id].problem("name", message=message))
    return problems


def _check_citations(cites: Sequence[CitationBase], where: Located, files: dict[str, str | None]) -> list[Problem]:
    return [
        where.problem("cites", index, field, message=message)
        for index, field, message in citation_problems(cites, files)
    ]


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
