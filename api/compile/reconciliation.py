"""Reconciliation as the W3C Entity Reconciliation Service API v0.2 has it (what OpenRefine speaks): a checked
batch of queries (api/compile/reconciliation_batch.py) planned as the parameters of one Cypher statement
(api/database/reconciliation.py), and the rows it returns scored and shaped as candidates. No HTTP here
(api/web/reconcile.py), no driver.

Matching reuses what the graph already knows: name keys (schema/names.py, schema/keys.py) for exact names and
aliases, the full-text index and its escaping (api/compile/roots/search.py) for the rest, each word also as a
fuzzy term so a misspelling still finds its node. `match: true` is decided by `decide` below (the README's
threshold rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from api.compile.roots.search import lucene_escape
from api.database.graph import RequestGraph
from api.database.reconciliation import batch_candidates, suggest_entities
from schema.keys import name_key
from schema.model import EXTERNAL_IDS, NODE_KIND_BY_TYPE, NODE_KINDS, Label
from schema.names import name_likeness, normalized_name

MAX_QUERIES = 50  # per batch (the manifest's batchSize): more is refused with 413, as the spec allows
MAX_BATCH_CHARS = 262_144  # the batch's JSON text
MAX_KEY_CHARS = 64  # a query's key in the batch ("q0")
DEFAULT_LIMIT = 5
MAX_LIMIT = 25  # a larger `limit` is lowered to it (OpenRefine users set any number)
MAX_PROPERTIES = 10  # property constraints per query
MAX_VALUES = 10  # values per property constraint
MAX_VALUE_CHARS = 200
POOL = 20  # full-text hits scored per query, before `limit`
SUGGEST_PAGE = 10
MAX_CURSOR = 500

# The threshold rule: a candidate is a match when (1) an external id it carries was given, or (2) the text is its
# id, or (3) the text is exactly its name or an alias and no other candidate is so named, or (4) it scores at
# least MATCH_SCORE and MATCH_GAP more than the next candidate; and in every case it satisfies every property given.
MATCH_SCORE = 90.0
MATCH_GAP = 10.0
NEAR_NAME_CAP = 0.95  # a name that is not exactly the text scores at most 95
ACRONYM_SCORE = 80.0  # the initials of its name (never a match by themselves: they were not attested)
# Words left out of a name's initials (the batch statement compares them with an acronym-like text).
MINOR_WORDS = ["of", "and", "the", "for", "&", "de", "du", "des", "la", "le"]


@dataclass(frozen=True)
class ReconType:
    id: str
    name: str
    description: str


# Our types are the model's node kinds, each by its GraphQL type name (which is also its Neo4j label).
TYPES: tuple[ReconType, ...] = tuple(ReconType(kind.type_name, kind.type_name, kind.called) for kind in NODE_KINDS)
TYPE_IDS = frozenset(kind.type_name for kind in NODE_KINDS)
ENTITY_LABELS = tuple(label.value for label in Label)

PropertyKind = Literal["external_id", "place", "industry"]


@dataclass(frozen=True)
class ReconProperty:
    id: str
    name: str
    description: str
    kind: PropertyKind


PROPERTIES: tuple[ReconProperty, ...] = (
    *(ReconProperty(attr.name, attr.name.replace("_", " "), attr.description or "", "external_id")
      for attr in EXTERNAL_IDS),
    ReconProperty("place", "place", "Where it is, is based or happens: a place's name, ISO 3166 code or id; the "
                  "places it lies in count too (a city's state).", "place"),
    ReconProperty("industry", "industry", "Its industry: a NAICS code or title; a sector takes in its subsectors.",
                  "industry"),
)  # fmt: skip
PROPERTY = {prop.id: prop for prop in PROPERTIES}
EXTERNAL_PATTERN = {attr.name: re.compile(attr.pattern or ".*") for attr in EXTERNAL_IDS}


@dataclass(frozen=True)
class Constraint:
    """One `properties` entry: its property and the values any of which satisfies it (normalised)."""

    prop: ReconProperty
    values: tuple[str, ...]


@dataclass(frozen=True)
class ReconQuery:
    key: str
    text: str | None
    types: tuple[str, ...] = ()
    all_types: bool = False  # type_strict "all"; "any" and "should" take a candidate of any of the types
    limit: int = DEFAULT_LIMIT
    constraints: tuple[Constraint, ...] = ()

    def parameters(self) -> dict[str, Any]:
        """What the batch statement needs of this query (api/database/reconciliation.py)."""
        text = self.text
        normalized = normalized_name(text) if text else ""
        labels = self.types or ENTITY_LABELS
        external: dict[str, list[str]] = {attr.name: [] for attr in EXTERNAL_IDS}
        for constraint in self.constraints:
            if constraint.prop.kind == "external_id":
                external[constraint.prop.id] += constraint.values
        kinds = {constraint.prop.kind for constraint in self.constraints}
        return {
            "key": self.key,
            "text": text,
            "keys": [name_key(label, normalized) for label in labels] if normalized else [],
            "lucene": fuzzy_lucene(text) if text else None,
            "acronym": acronym_query(text) if text else None,
            "labels": list(self.types),
            "allTypes": self.all_types,
            "external": external,
            "places": "place" in kinds,
            "industries": "industry" in kinds,
        }


def fuzzy_lucene(text: str) -> str | None:
    """Each word as a literal term, its prefix, or (four letters and more) within one or two edits of it."""
    terms = []
    for word in text.split():
        term = lucene_escape(word)
        letters = sum(char.isalnum() for char in word)
        fuzzy = f" OR {term}~{1 if letters < 8 else 2}" if letters >= 4 else ""
        terms.append(f"({term} OR {term}*{fuzzy})")
    return " ".join(terms) or None


def acronym_query(text: str) -> str | None:
    """The text as initials to compare with names' ("AMPTP", "W.G.A."), or None when it does not look like one."""
    letters = text.replace(".", "").strip()
    return letters if re.fullmatch(r"[A-Z]{2,8}", letters) else None


# -- scoring ----------------------------------------------------------------------------------------------------


@dataclass
class Scored:
    row: dict[str, Any]
    score: float
    exact: bool  # the text is its name, an alias or its id
    by_id: bool  # the text is its id
    external: bool  # an external id given is its own
    satisfied: int  # property constraints it satisfies
    matched_name: str
    match: bool = field(default=False)


def name_similarity(text: str, name: str) -> float:
    """1 for the same name (as name keys compare them), else their likeness (`schema/names.py`), at most
    NEAR_NAME_CAP."""
    likeness = name_likeness(text, name)
    return 1.0 if likeness == 1.0 else NEAR_NAME_CAP * likeness


def score_candidates(query: ReconQuery, rows: list[dict[str, Any]]) -> list[Scored]:
    """Each row the batch statement found for `query`, scored 0-100, best first, `match` decided."""
    scored = [_score(query, row) for row in rows]
    scored.sort(key=lambda s: (-s.score, s.row["name"], s.row["id"]))
    decide(query, scored)
    return scored[: query.limit]


def _score(query: ReconQuery, row: dict[str, Any]) -> Scored:
    names = [row["name"], *row["aliases"]]
    exact = "id" in row["hows"] or "name" in row["hows"]
    if query.text is None:
        name_score, matched = 100.0, row["name"]
    elif exact:
        name_score, matched = 100.0, _exact_name(query.text, names)
    else:
        name_score, matched = max((100 * name_similarity(query.text, name), name) for name in names)
        if "acronym" in row["hows"] and name_score < ACRONYM_SCORE:
            name_score, matched = ACRONYM_SCORE, row["name"]
    satisfied = sum(_satisfies(constraint, row) for constraint in query.constraints)
    external = any(
        constraint.prop.kind == "external_id" and _satisfies(constraint, row) for constraint in query.constraints
    )
    score = name_score
    if query.constraints:  # a candidate that satisfies none of them keeps half its name's score
        score = name_score * (0.5 + 0.5 * satisfied / len(query.constraints))
    return Scored(row, round(score, 1), exact, "id" in row["hows"], external, satisfied, matched)


def _exact_name(text: str, names: list[str]) -> str:
    key = normalized_name(text)
    return next((name for name in names if normalized_name(name) == key), names[0])


def _satisfies(constraint: Constraint, row: dict[str, Any]) -> bool:
    kind = constraint.prop.kind
    if kind == "external_id":
        return row["external"].get(constraint.prop.id) in constraint.values
    if kind == "place":  # each place as [id, ISO code, name keys...]
        wanted = {value for value in constraint.values} | {normalized_name(value) for value in constraint.values}
        return any(wanted & set(place) for place in row["places"])
    return any(_industry_matches(value, industry) for value in constraint.values for industry in row["industries"])


def _industry_matches(value: str, industry: list[str]) -> bool:
    """`value` (a NAICS code or title) names this industry, one under it or one it lies under."""
    code, keys = industry[0], industry[1:]
    if normalized_name(value) in keys:
        return True
    if not value.isdigit():
        return False
    if "-" in code:  # a sector given as a range, 31-33
        low, high = code.split("-")
        return low <= value[:2] <= high
    return value.startswith(code) or code.startswith(value)


def decide(query: ReconQuery, scored: list[Scored]) -> None:
    """Sets `match` by the threshold rule (the module's constants, the README)."""
    everything = len(query.constraints)
    exact = [s for s in scored if s.exact]
    for index, candidate in enumerate(scored):
        if candidate.satisfied < everything:
            continue
        runner_up = scored[index + 1].score if index + 1 < len(scored) else 0.0
        clear = index == 0 and candidate.score >= MATCH_SCORE and candidate.score - runner_up >= MATCH_GAP
        candidate.match = candidate.external or candidate.by_id or (candidate.exact and len(exact) == 1) or clear


def candidate_json(scored: Scored) -> dict[str, Any]:
    """A reconciliation candidate (the spec's fields), with the features its score came from."""
    row = scored.row
    kind = NODE_KIND_BY_TYPE[row["kind"]]
    answer: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "score": scored.score,
        "match": scored.match,
        "type": [{"id": kind.type_name, "name": kind.type_name}],
        "features": [
            {"id": "exact_name", "value": scored.exact},
            {"id": "external_id", "value": scored.external},
            {"id": "properties_satisfied", "value": scored.satisfied},
        ],
    }
    description = row.get("description")
    if description:
        answer["description"] = description
    elif scored.matched_name != row["name"]:
        answer["description"] = f"{kind.type_name}, also called {scored.matched_name}"
    return answer


# -- suggest ---------------------------------------------------------------------------------------------------


def prefix_lucene(prefix: str) -> str | None:
    """The search root's query: each word as a literal term or its prefix."""
    terms = [lucene_escape(word) for word in prefix.split()]
    return " ".join(f"({term} OR {term}*)" for term in terms) or None


def suggest_types(prefix: str, cursor: int) -> list[dict[str, str]]:
    key = prefix.casefold().strip()
    found = [t for t in TYPES if key in t.name.casefold() or key in t.description.casefold()]
    return [{"id": t.id, "name": t.name, "description": t.description} for t in found][cursor : cursor + SUGGEST_PAGE]


def suggest_properties(prefix: str, cursor: int) -> list[dict[str, str]]:
    key = prefix.casefold().strip()
    found = [p for p in PROPERTIES if key in p.id.casefold() or key in p.name.casefold()]
    return [{"id": p.id, "name": p.name, "description": p.description} for p in found][cursor : cursor + SUGGEST_PAGE]


# -- running -----------------------------------------------------------------------------------------------------


async def reconcile(graph: RequestGraph, queries: list[ReconQuery]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """A checked batch answered: one statement for all its queries, then each query's candidates scored."""
    rows = await batch_candidates(graph, [query.parameters() for query in queries], MINOR_WORDS, POOL)
    return {
        query.key: {"result": [candidate_json(scored) for scored in score_candidates(query, rows.get(query.key, []))]}
        for query in queries
    }


async def suggest_entities_for(
    graph: RequestGraph, prefix: str, types: tuple[str, ...], cursor: int
) -> list[dict[str, Any]]:
    """Entities whose name or alias starts with the words typed (exact names and ids first), of `types`."""
    labels = list(types)
    key = normalized_name(prefix)
    keys = [name_key(label, key) for label in (types or ENTITY_LABELS)] if key else []
    rows = await suggest_entities(graph, prefix.strip(), keys, prefix_lucene(prefix), labels, cursor, SUGGEST_PAGE)
    suggestions = []
    for row in rows:
        notable = [{"id": row["kind"], "name": row["kind"]}]
        item: dict[str, Any] = {"id": row["id"], "name": row["name"], "notable": notable}
        if row["description"]:
            item["description"] = row["description"]
        suggestions.append(item)
    return suggestions
