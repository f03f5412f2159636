"""The drafting pipeline and its result: an article's source record, its mentions, the nodes they reconcile
to (or propose), and candidate facts, each with its evidence span; only candidates the seed's own validator
accepts are kept, the others listed with its reasons. A `Draft` is plain data: orjson writes it, the review
queue stores it, and `seed_document` is the seed YAML of what it proposes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from schema.model import NODE_KIND, Label, SourceKind
from seed.drafting.facts import read_facts
from seed.drafting.gazetteer import Gazetteer
from seed.drafting.mentions import Mention, find_mentions
from seed.drafting.reading import Entity, Evidence, FactProposal
from seed.drafting.reconcile import Candidate, reconcile
from seed.drafting.sources import MAX_ARTICLE_CHARS, register_article, slug
from seed.evidence import provided_texts
from seed.problems import Problem, SeedValidationError
from seed.validate import KnownNode, display_name, seed_files, validate_documents
from seed.yaml_reader import ParsedFile, read_yaml

DRAFT_FILE = "draft"  # the in-memory document's name in the validator's messages
_RECONCILED = (Label.ORGANIZATION, Label.PERSON, Label.PLACE, Label.STRIKE, Label.AGREEMENT, Label.ISSUE)


@dataclass(frozen=True)
class SourceRecord:
    id: str
    title: str
    published: str
    file: str
    sha256: str
    url: str | None = None
    publisher: str | None = None
    new: bool = True  # False: the graph knows it already


@dataclass(frozen=True)
class NodeCandidate:
    id: str  # the existing node's id when matched, else the proposed one
    label: Label
    name: str
    aliases: tuple[str, ...]
    fields: dict[str, Any]
    mentions: tuple[str, ...]  # mention ids
    evidence: Evidence | None
    match: Candidate | None  # above the threshold: the node it is
    candidates: tuple[Candidate, ...] = ()  # scored, best first

    @property
    def new(self) -> bool:
        return self.match is None


@dataclass(frozen=True)
class FactCandidate:
    id: str  # the seed's fact id: <from>--<type>--<to>
    type: str
    from_: str
    to: str
    qualifiers: dict[str, str]
    note: str | None
    inferred: bool
    evidence: Evidence


@dataclass(frozen=True)
class Refused:
    id: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    source: SourceRecord
    mentions: tuple[Mention, ...]
    nodes: tuple[NodeCandidate, ...]
    facts: tuple[FactCandidate, ...]
    refused: tuple[Refused, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> bytes:
        return orjson.dumps(self, option=orjson.OPT_INDENT_2)

    def seed_document(self) -> dict[str, Any]:
        return _document(self.source, self.nodes, self.facts)

    @classmethod
    def from_json(cls, data: bytes | str) -> Draft:
        """A draft as `to_json` wrote it (the review queue keeps drafts so)."""
        raw = orjson.loads(data)

        def evidence(value: dict[str, Any] | None) -> Evidence | None:
            return Evidence(**value) if value is not None else None

        def candidate(value: dict[str, Any] | None) -> Candidate | None:
            return Candidate(**value) if value is not None else None

        nodes = tuple(
            NodeCandidate(
                n["id"],
                Label(n["label"]),
                n["name"],
                tuple(n["aliases"]),
                n["fields"],
                tuple(n["mentions"]),
                evidence(n["evidence"]),
                candidate(n["match"]),
                tuple(Candidate(**c) for c in n["candidates"]),
            )
            for n in raw["nodes"]
        )
        facts = tuple(
            FactCandidate(
                f["id"],
                f["type"],
                f["from_"],
                f["to"],
                f["qualifiers"],
                f["note"],
                f["inferred"],
                Evidence(**f["evidence"]),
            )
            for f in raw["facts"]
        )
        mentions = tuple(Mention(**{**m, "aliases": tuple(m["aliases"])}) for m in raw["mentions"])
        refused = tuple(Refused(r["id"], tuple(r["problems"])) for r in raw["refused"])
        return cls(SourceRecord(**raw["source"]), mentions, nodes, facts, refused, tuple(raw["warnings"]))


@dataclass
class Base:
    """What the draft is reconciled and validated with: seed files (by default seed/data), read once, or the
    nodes a graph holds (`known`, with the gazetteer built from the same read)."""

    documents: list[ParsedFile]
    gazetteer: Gazetteer
    known: tuple[KnownNode, ...] = ()

    @classmethod
    def of_graph(cls, rows: list[dict[str, Any]]) -> Base:
        """Rows of `id`, `label`, `name`, `aliases` and external ids, as `Gazetteer.from_rows` takes them."""
        gazetteer = Gazetteer.from_rows(rows)
        known = tuple(KnownNode(entry.id, entry.label, entry.names) for entry in gazetteer.entries.values())
        return cls([], gazetteer, known)

    @classmethod
    def read(cls, paths: list[Path] | None = None) -> Base:
        documents: list[ParsedFile] = []
        problems: list[Problem] = []
        for path in seed_files(paths):
            parsed, found = read_yaml(path, display_name(path))
            problems += found
            if parsed is not None:
                documents.append(parsed)
        seed = validate_documents(iter(documents), problems)
        return cls(documents, Gazetteer.from_seed(seed))


def draft_article(text: str, published: dt.date, base: Base, *, title: str, url: str | None = None,
                  publisher: str | None = None) -> Draft:  # fmt: skip
    """Register the article and draft it: mentions, reconciled nodes, candidate facts that pass the rules."""
    registered = register_article(text, published, title)
    known = base.gazetteer.source_with_file(registered.file)
    source = SourceRecord(known.id if known else f"article-{slug(registered.file.removesuffix('.txt'), 100)}", title,
                          published.isoformat(), registered.file, registered.sha256, url, publisher,
                          new=known is None)  # fmt: skip
    return draft_text(text, published, base, source)


def held_source(text: str, published: dt.date, base: Base, *, title: str, url: str | None = None,
                publisher: str | None = None) -> SourceRecord:  # fmt: skip
    """The source of an article whose text is kept beside its draft (in Neo4j), not under seed/sources/: its id
    from its day and title, known when the graph has a source of that id; its `file` a name its citations are
    checked under (`provided_texts`), never a file written."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"the article has {len(text):,} characters, over the limit of {MAX_ARTICLE_CHARS:,}")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source_id = f"article-{published.isoformat()}-{slug(title, 60)}"
    known = source_id in base.gazetteer.entries
    return SourceRecord(source_id, title, published.isoformat(), f"draft-{digest[:16]}.txt", digest, url, publisher,
                        new=not known)  # fmt: skip


def draft_text(text: str, published: dt.date, base: Base, source: SourceRecord) -> Draft:
    """Draft an article whose source is `source`; its words are checked against `text` itself."""
    mentions = find_mentions(text, published, base.gazetteer)
    reader = read_facts(text, published, mentions, source_key="source:article")
    ids = _ids(reader.entities, base.gazetteer, source.id)
    nodes = tuple(ids[key][1] for key in reader.entities if key in ids)
    facts = tuple(_fact(proposal, ids, source.id) for proposal in reader.facts.values())
    return _gated(Draft(source, tuple(mentions), nodes, facts), base, text)


def _ids(entities: dict[str, Entity], gazetteer: Gazetteer, source_id: str) -> dict[str, tuple[str, NodeCandidate]]:
    used: set[str] = set()
    ids: dict[str, tuple[str, NodeCandidate]] = {}
    for key, entity in entities.items():
        names = (entity.name, *entity.aliases)
        found = reconcile(gazetteer, entity.label, names) if entity.label in _RECONCILED else None
        match = found.match if found else None
        if match is not None:
            node_id = match.node_id
        else:
            node_id = base = slug(entity.name)
            counter = 2
            while gazetteer.taken(node_id) or node_id in used:
                node_id, counter = f"{base}-{counter}", counter + 1
        used.add(node_id)
        scored = found.candidates if found else ()
        candidate = NodeCandidate(node_id, entity.label, entity.name, tuple(entity.aliases), dict(entity.fields),
                                  tuple(entity.mentions), entity.evidence, match, scored)  # fmt: skip
        ids[key] = (node_id, candidate)
    return ids


def _fact(proposal: FactProposal, ids: dict[str, tuple[str, NodeCandidate]], source_id: str) -> FactCandidate:
    def end(key: str) -> str:
        return source_id if key == "source:article" else ids[key][0]

    start, stop = end(proposal.start), end(proposal.end)
    fact_id = f"{start}--{proposal.type.lower().replace('_', '-')}--{stop}"
    return FactCandidate(fact_id, proposal.type, start, stop, dict(proposal.qualifiers), proposal.note,
                         proposal.inferred, proposal.evidence)  # fmt: skip


def citation(evidence: Evidence | None, source_id: str) -> dict[str, str]:
    """A quote only for attributed words inside quotation marks; otherwise the article's sentence, as a
    paraphrase the article relays (it is its own `via`)."""
    if evidence is None:
        return {"source": source_id}
    if evidence.quote:
        return {"source": source_id, "quote": evidence.quote}
    return {"source": source_id, "via": source_id, "paraphrase": evidence.paraphrase or ""}


def source_entry(source: SourceRecord) -> dict[str, Any]:
    """The article's source as a seed file's entry."""
    entry = {"id": source.id, "name": source.title, "kind": SourceKind.ARTICLE.value, "date": source.published,
             "file": source.file, "url": source.url, "publisher": source.publisher,
             "note": f"Registered by `strikegraph draft`; sha256 {source.sha256}."}  # fmt: skip
    return {k: v for k, v in entry.items() if v is not None}


def node_entry(node: NodeCandidate, source_id: str) -> dict[str, Any]:
    """A proposed node as a seed file's entry (in its kind's section)."""
    entry: dict[str, Any] = {"id": node.id, "name": node.name}
    if node.aliases:
        entry["aliases"] = list(node.aliases)
    entry |= {k: v for k, v in node.fields.items() if v is not None}
    if NODE_KIND[node.label].needs_citation:
        entry["cites"] = [citation(node.evidence, source_id)]
    return entry


def fact_row(fact: FactCandidate, source_id: str) -> dict[str, Any]:
    """A candidate fact as a seed file's row."""
    row: dict[str, Any] = {"type": fact.type, "from": fact.from_, "to": fact.to, **fact.qualifiers}
    if fact.note:
        row["note"] = fact.note
    if fact.inferred:
        row["inferred"] = True
    row["cites"] = [citation(fact.evidence, source_id)]
    return row


def _document(
    source: SourceRecord, nodes: tuple[NodeCandidate, ...], facts: tuple[FactCandidate, ...]
) -> dict[str, Any]:
    document: dict[str, Any] = {}
    if source.new:
        document["sources"] = [source_entry(source)]
    for node in nodes:
        if node.new:
            document.setdefault(NODE_KIND[node.label].section, []).append(node_entry(node, source.id))
    if facts:
        document["facts"] = [fact_row(fact, source.id) for fact in facts]
    return document


_ENTRY = re.compile(r"^(?P<section>[a-z_]+)\[(?P<index>[0-9]+)\]")


def _gated(draft: Draft, base: Base, text: str) -> Draft:
    """Keep only the candidates the seed validator accepts beside the base: validate, drop the entries it
    names, again until nothing is refused."""
    nodes, facts = list(draft.nodes), list(draft.facts)
    refused: list[Refused] = []
    for _ in range(6):
        document = _document(draft.source, tuple(nodes), tuple(facts))
        try:
            with provided_texts({draft.source.file: text}):
                validate_documents(iter([*base.documents, ParsedFile(DRAFT_FILE, document)]), known=base.known)
            break
        except SeedValidationError as error:
            blamed: dict[tuple[str, int], list[str]] = {}
            for problem in error.problems:
                match = _ENTRY.match(problem.field)
                if problem.file != DRAFT_FILE or match is None:
                    raise
                blamed.setdefault((match["section"], int(match["index"])), []).append(
                    problem.field + ": " + problem.message
                )
            new_nodes = [n for n in nodes if n.new]
            by_section: dict[str, list[NodeCandidate]] = {}
            for node in new_nodes:
                by_section.setdefault(NODE_KIND[node.label].section, []).append(node)
            dropped: set[str] = set()
            for (section, index), said in blamed.items():
                if section == "facts":
                    fact = facts[index]
                    refused.append(Refused(fact.id, tuple(said)))
                    dropped.add(fact.id)
                elif section in by_section:
                    node = by_section[section][index]
                    refused.append(Refused(node.id, tuple(said)))
                    dropped.add(node.id)
            nodes = [n for n in nodes if n.id not in dropped]
            gone = {n.id for n in draft.nodes} - {n.id for n in nodes}
            facts = [f for f in facts if f.id not in dropped and f.from_ not in gone and f.to not in gone]
    return Draft(draft.source, draft.mentions, tuple(nodes), tuple(facts), tuple(refused))


def review_problems(
    source: SourceRecord,
    text: str,
    nodes: tuple[NodeCandidate, ...],
    fact: dict[str, Any],
    known: tuple[KnownNode, ...],
) -> list[str]:
    """What the seed's rules say of one fact (a seed file's row) about to be written, with the new nodes it
    needs, beside the graph's `known` nodes: its words are checked against the article's text (the source is
    validated as new, with that text, whatever the graph holds of it)."""
    document = _document(replace(source, new=True), nodes, ())
    document["facts"] = [fact]
    others = tuple(node for node in known if node.id != source.id)
    try:
        with provided_texts({source.file: text}):
            validate_documents(iter([ParsedFile(DRAFT_FILE, document)]), known=others)
    except SeedValidationError as error:
        return [f"{problem.field}: {problem.message}" for problem in error.problems]
    return []
