"""A mention against the gazetteer: scored candidates (rapidfuzz), a match only above a threshold, else a
proposed new node. Names are compared by their keys and likeness (`schema/names.py`); an acronym in parentheses or an
external id is as good as the name."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process

from schema.model import Label
from schema.names import name_likeness, normalized_name
from seed.drafting.gazetteer import Gazetteer

MATCH_THRESHOLD = 90.0  # out of 100: below it a curator decides, and the draft proposes a new node
SHOWN = 3  # candidates kept per mention


@dataclass(frozen=True)
class Candidate:
    node_id: str
    name: str  # the node's name
    matched: str  # the name or alias that scored
    score: float


@dataclass(frozen=True)
class Reconciliation:
    match: Candidate | None  # above the threshold
    candidates: tuple[Candidate, ...]  # best first


def reconcile(
    gazetteer: Gazetteer, label: Label, names: tuple[str, ...], external_id: str | None = None
) -> Reconciliation:
    """The existing node `names` (a name and its aliases) most likely stands for, scored."""
    if external_id is not None and (entry := gazetteer.by_external_id(external_id)) and entry.label is label:
        exact = Candidate(entry.id, entry.name, external_id, 100.0)
        return Reconciliation(exact, (exact,))
    for name in names:
        if (entry := gazetteer.exact(label, name)) is not None:
            exact = Candidate(entry.id, entry.name, name, 100.0)
            return Reconciliation(exact, (exact,))
    choices = gazetteer.names_by_label().get(label, [])
    if not choices:
        return Reconciliation(None, ())
    keys = [normalized_name(name) for name, _ in choices]
    best: dict[str, Candidate] = {}
    for name in names:
        for _, score, index in process.extract(normalized_name(name), keys, scorer=_likeness, limit=SHOWN):
            alias, node_id = choices[index]
            if node_id not in best or best[node_id].score < score:
                best[node_id] = Candidate(node_id, gazetteer.entries[node_id].name, alias, round(float(score), 1))
    ranked = tuple(sorted(best.values(), key=lambda c: (-c.score, c.node_id))[:SHOWN])
    match = ranked[0] if ranked and ranked[0].score >= MATCH_THRESHOLD else None
    return Reconciliation(match, ranked)


def _likeness(text: str, name: str, **_: object) -> float:
    """rapidfuzz's scorer: the names' likeness out of 100, the reconciliation service's measure."""
    return 100 * name_likeness(text, name)
