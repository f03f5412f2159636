"""What a plan reads: the node labels and relationship types whose changes can change its answer. The response
cache (api/contract/response_cache.py) serves an answer only while no change since it was read touched them.

Worked out from the plan, on the safe side: reading more than this says would serve stale answers, so whatever
is not understood here (a root of its own kind, a condition or computed field that follows facts) reads
everything. Unknown is `None`: any label, any type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.compile.plan import FieldPlan, ObjectPlan, OperationPlan, RootPlan
from api.compile.render import relation_of
from schema.model import SUCCESSIONS, Label

NODE_LABELS = frozenset(label.value for label in Label)
# Roots that read one kind of node by its label, besides what their selection reads (conditions aside).
_BY_LABEL = frozenset({"lookup", "lookup_name", "lookup_external", "list", "connection"})
# Cypher that follows facts: a pattern's arrow or brackets, or a subquery.
_FOLLOWS_FACTS = re.compile(r"-\[|\]-|<-|->|\bMATCH\b|\bEXISTS\b|\bCOLLECT\b|\bCOUNT\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class Reads:
    labels: frozenset[str] | None  # None: nodes of any label
    types: frozenset[str] | None  # None: facts of any type

    def __or__(self, other: Reads) -> Reads:
        return Reads(_union(self.labels, other.labels), _union(self.types, other.types))


NOTHING = Reads(frozenset(), frozenset())
EVERYTHING = Reads(None, None)


def reads_of(plan: OperationPlan) -> Reads:
    reads = NOTHING
    for root in plan.roots:
        reads |= _root(root)
        if reads == EVERYTHING:
            break
    return reads


def _root(root: RootPlan) -> Reads:
    if root.refusal is not None or root.read is None:
        return NOTHING
    if root.read.name not in _BY_LABEL or any(_follows_facts(c.template) for c in root.conditions):
        return EVERYTHING
    reads = Reads(None if root.label is None else frozenset({root.label}), frozenset())
    if root.child is not None:
        reads |= _object(root.child)
    if root.connection is not None:
        for projection in root.connection.projections:
            reads |= _object(projection)
    return reads


def _object(plan: ObjectPlan) -> Reads:
    names = [plan.type_name] if plan.type_name is not None else [name for name, _ in plan.variants]
    labels = frozenset(name for name in names if name in NODE_LABELS)
    reads = Reads(labels, frozenset())
    for fields in [plan.fields, *(fields for _, fields in plan.variants)]:
        for field in fields:
            reads |= _field(field)
    return reads


def _field(plan: FieldPlan) -> Reads:
    fetch = plan.fetch
    if fetch in ("value", "json"):
        return EVERYTHING if _follows_facts(plan.expr) else NOTHING
    if fetch in ("global_id", "typename", "error"):
        return NOTHING
    assert plan.child is not None
    child = _object(plan.child)
    if fetch == "citations":
        return child | Reads(frozenset({Label.SOURCE.value}), frozenset())
    if fetch == "end":  # a fact's end, a search hit, a citation's source: the child says which label
        return child if plan.child.type_name is not None or plan.child.variants else EVERYTHING
    if fetch == "relationships":
        types = plan.arg("types")
        return child | Reads(None, frozenset(types) if types else None)
    if fetch == "relation":
        return child | _relation(plan)
    return EVERYTHING


def _relation(plan: FieldPlan) -> Reads:
    relation = relation_of(plan)
    labels = None if relation.other_label is None else frozenset({relation.other_label.value})
    types = set(relation.types)
    if plan.arg("include_predecessors"):  # the organization's earlier stages, through succession facts
        types |= set(SUCCESSIONS)
        labels = None if labels is None else labels | {Label.ORGANIZATION.value}
    return Reads(labels, frozenset(types))


def _follows_facts(cypher: str) -> bool:
    return bool(_FOLLOWS_FACTS.search(cypher))


def _union(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    return None if a is None or b is None else a | b
