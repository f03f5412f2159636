"""From a plan to one parameterised Cypher statement.

Each root field is a `CALL` subquery that yields exactly one row; nested selections are `COLLECT`
subqueries and list expressions, so the statement's one record already holds the whole answer. Objects come
back as lists, one entry per planned field, and abstract positions (`Node`) as a type tag, the fields every
kind shares, then only the fields of kinds that differ: the text grows with the query, never with the
number of node kinds per level.

Labels, relationship types and property names come from the model; values only ever as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.compile.filters import MAX_LIST
from api.compile.plan import FieldPlan, ObjectPlan, OperationPlan, RootPlan
from schema.dates import PartialDate
from schema.graph_model import ENTITY
from schema.model import (
    CITATION_CHECKED,
    EXTERNAL_IDS,
    FACT_VIEW,
    LINEAGE_HOPS,
    NODE_KIND_BY_TYPE,
    SUCCESSIONS,
    Label,
    Relation,
)
from schema.time_rule import (
    ANY_FACT,
    LIFE,
    ORGANIZATION,
    Life,
    current,
    happened_since,
    held_on,
    last_known,
    life_of,
    life_of_either,
    organizations_life,
)

TYPE_TAG = f"[l IN labels({{v}}) WHERE l <> '{ENTITY}'][0]"
EXTERNAL_PROPERTIES = frozenset(attr.prop for attr in EXTERNAL_IDS)
MAX_WEIGHED = 10_000  # facts weighed per field for today's latest known (README, "Time")
# A figure's rank as a number, best first (schema/model.py, `Rank`; unranked figures are normal).
RANK_ORDER = "CASE coalesce({f}.rank, 'NORMAL') WHEN 'PREFERRED' THEN 0 WHEN 'NORMAL' THEN 1 ELSE 2 END"


# What Neo4j plans: each of these fetches is a subquery (`COLLECT { ... }`), and a computed field may hold one in
# its expression. Planning time grows with their number (about 25-80 ms each on this project's machines: an
# ORDER BY ... LIMIT in a subquery is the dear part), so the compiler bounds it before Neo4j sees anything.
SUBQUERY_FETCHES = frozenset({"citations", "relation", "relationships"})
SUBQUERY = "COLLECT"
EXISTS = "EXISTS {"


def _inner_subqueries(plan: FieldPlan) -> int:
    """The subqueries a fact-following field holds besides its own: the facts today's rule weighs, and the
    figures' test for a better-ranked one."""
    if plan.fetch == "relationships":
        return int(weighs_latest(plan))
    if plan.fetch != "relation":
        return 0
    relation = relation_of(plan)
    ranked = relation.reach == 1 and relation.ranked and not plan.arg("all_ranks")
    return int(weighs_latest(plan)) + int(ranked)


def weighs_latest(plan: FieldPlan) -> bool:
    """Whether a fact-following field answers what holds today, else the latest known (README, "Time"):
    without `asOf` or `history`, over facts that have a time, and not a lineage walked to any depth."""
    as_of, history = plan.arg("as_of"), plan.arg("history", False)
    if plan.fetch == "relationships":
        return as_of is None and not history
    relation = relation_of(plan)
    if relation.reach > 1 or relation.time is None:
        return False
    return as_of is None and not history and relation.current


def subqueries(plan: OperationPlan) -> int:
    """How many subqueries the statement of `plan` will hold, counted on the plan before rendering.

    Shared sub-plans are counted at every position that renders them, as the renderer writes them out."""
    memo: dict[int, int] = {}

    def of_object(obj: ObjectPlan) -> int:
        known = memo.get(id(obj))
        if known is None:
            shape = obj.layout
            fields = shape.shared + tuple(f for _, own in shape.groups for f in own)
            known = memo[id(obj)] = sum(of_field(f) for f in fields)
        return known

    def of_field(f: FieldPlan) -> int:
        count = f.expr.count(SUBQUERY) + f.expr.count(EXISTS) + (f.fetch in SUBQUERY_FETCHES) + _inner_subqueries(f)
        return count + (of_object(f.child) if f.child is not None else 0)

    total = 0
    for root in plan.roots:
        if root.refusal is not None:
            continue
        assert root.read is not None
        total += root.read.subqueries
        objects = root.connection.projections if root.connection is not None else (root.child,)
        total += sum(of_object(obj) for obj in objects if obj is not None)
    return total


@dataclass(frozen=True)
class Statement:
    cypher: str
    params: dict[str, Any]
    # (root key, argument, parameter): the root arguments a template rebinds (api/compile/rebind.py)
    bindings: tuple[tuple[str, str, str], ...] = ()


def parameter_value(value: Any) -> Any:
    """A value as a Cypher parameter: tuples (the plans' hashable lists) as lists."""
    return list(value) if isinstance(value, tuple) else value


@dataclass
class Renderer:
    params: dict[str, Any] = field(default_factory=dict)
    bindings: list[tuple[str, str, str]] = field(default_factory=list)
    _names: int = 0

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def arg(self, root: RootPlan, name: str) -> str:
        """A root argument as a parameter that a template may rebind to another request's value
        (api/compile/rebind.py). An argument read this way must reach the statement only as this
        parameter: never its text, its shape or another parameter."""
        param = self.param(parameter_value(root.arg(name)))
        self.bindings.append((root.key, name, param[1:]))
        return param

    def fresh(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}{self._names}"

    # -- the statement ---------------------------------------------------------------------------------

    def operation(self, plan: OperationPlan) -> Statement | None:
        blocks, columns = [], []
        for index, root in enumerate(plan.roots):
            if root.refusal is not None:
                continue
            column = f"f{index}"
            blocks.append(f"CALL () {{ {self.root(root)} AS {column} }}")
            columns.append(column)
        if not blocks:
            return None
        return Statement(" ".join(blocks) + " RETURN " + ", ".join(columns), self.params, tuple(self.bindings))

    def root(self, root: RootPlan) -> str:
        """One root field's Cypher, written by its kind of root (api/compile/roots/)."""
        assert root.read is not None, "a refused root renders nothing"
        return root.read.render(self, root)

    def condition(self, template: str, values: dict[str, Any]) -> str:
        bound = {name: self.param(list(value) if isinstance(value, tuple) else value) for name, value in values.items()}
        return template.format(**bound)

    # -- objects and fields ------------------------------------------------------------------------------

    def object(self, plan: ObjectPlan, scope: dict[str, str]) -> str:
        """The list expression of one object; `scope` maps roles (`v`, `self`, ends...) to variables."""
        if plan.type_name is not None:
            return "[" + ", ".join(self.field(f, scope) for f in plan.fields) + "]"
        shape = plan.layout
        var = scope["v"]
        head = "[" + ", ".join([TYPE_TAG.format(v=var), *(self.field(f, scope) for f in shape.shared)]) + "]"
        own = [(kinds, fields) for kinds, fields in shape.groups if fields]
        if not own:
            return head
        branches = " ".join(
            f"WHEN {' OR '.join(f'{var}:{kind}' for kind in kinds)} "
            f"THEN [{', '.join(self.field(f, scope) for f in fields)}]"
            for kinds, fields in own
        )
        return f"{head} + CASE {branches} ELSE [] END"

    def field(self, plan: FieldPlan, scope: dict[str, str]) -> str:
        fetch = plan.fetch
        if fetch == "value" or fetch == "json":
            if "{as_of}" in plan.expr or "{stages}" in plan.expr:  # a computed field with arguments
                scope = scope | {"as_of": self.day(plan.arg("as_of")), "stages": str(self.stages(plan))}
            return plan.expr.format_map(_Scope(scope))
        if fetch == "global_id":
            return f"{scope['v']}.id"
        if fetch in ("typename", "error"):
            return "null"
        assert plan.child is not None
        if fetch == "end":
            var = scope[plan.end]
            projection = self.object(plan.child, {"v": var})
            return f"CASE WHEN {var} IS NULL THEN null ELSE {projection} END" if not plan.non_null else projection
        if fetch == "citations":
            return self.citations(plan.child, scope["v"])
        if fetch == "relationships":
            return self.relationships(plan, scope["v"])
        if fetch == "relation":
            return self.relation(plan, scope["v"])
        raise AssertionError(f"unknown fetch {fetch}")

    def citations(self, child: ObjectPlan, var: str) -> str:
        source, index, via = self.fresh("s"), self.fresh("i"), self.fresh("via")
        projection = self.object(child, {"v": var, "i": index, "source": source, "via": via})
        relayed = any(
            (f.fetch == "end" and f.end == "via") or f.name == CITATION_CHECKED.graphql_name for f in child.fields
        )
        match_via = f"OPTIONAL MATCH ({via}:Source {{id: {var}.vias[{index}]}}) " if relayed else ""
        return (
            f"COLLECT {{ UNWIND range(0, size(coalesce({var}.sources, [])) - 1) AS {index} "
            f"MATCH ({source}:Source {{id: {var}.sources[{index}]}}) {match_via}"
            f"RETURN {projection} ORDER BY {index} }}"
        )

    def day(self, as_of: PartialDate | None) -> str:
        """The day a computed field counts to: the last day of `asOf`, or today (Neo4j's clock, UTC)."""
        return "date()" if as_of is None else self.param(as_of.latest)

    @staticmethod
    def stages(plan: FieldPlan) -> int:
        """How many steps back a lineage is followed: 0 unless predecessors are asked for."""
        return LINEAGE_HOPS if plan.arg("include_predecessors") else 0

    def relation(self, plan: FieldPlan, parent: str) -> str:
        assert plan.child is not None
        type_name = plan.child.type_name or "Node"
        relation = relation_of(plan)
        rel, other = self.fresh("r"), self.fresh("m")
        if relation.reach > 1:
            return self.reachable(plan, relation, parent, other)
        stages = self.stages(plan)
        if stages:  # the organization and the stages it continues
            stage = self.fresh("stage")
            lineage = f"MATCH ({parent})<-[:{'|'.join(SUCCESSIONS)}*0..{stages}]-({stage}:{Label.ORGANIZATION.value}) "
            parent = stage
        else:
            lineage = ""
        pattern = _pattern(relation, parent, rel, other)
        as_of = plan.arg("as_of")
        history = plan.arg("history") or (not relation.current and as_of is None)
        life = _event_life(plan.relation.partition(".")[0], relation, parent, other)
        latest = weighs_latest(plan)  # today, else the latest known
        times = () if relation.time is None else (relation.time,)  # none: only retraction counts
        where = f"{rel}.retractedAt IS NULL" if latest else self.time_filter(rel, times, as_of, history, life)
        if relation.ranked and not plan.arg("all_ranks"):
            where += " AND " + self.best_ranked(relation, parent, other)
        match = f"{lineage}MATCH {pattern} WHERE {where} "
        if type_name in FACT_VIEW:
            scope = {"v": rel, "self": parent, "other": other}
            scope |= {end: scope[role] for end, role in relation.ends}
        else:
            scope = {"v": other}
        projection = self.object(plan.child, scope)
        order = ", ".join(key.format(m=other, r=rel) for key in relation.order)
        if not latest:
            return f"COLLECT {{ {match}RETURN {projection} ORDER BY {order} LIMIT {MAX_LIST} }}"
        now = current(rel, life) if relation.time == "span" else happened_since(rel, "date()")
        group = "0" if relation.latest == "one" else f"[type({rel}), {other}.id]"
        carried = [rel, other, *([parent] if stages else [])]
        facts = self.latest_known(match, now, last_known(rel, life), group, carried)
        return f"COLLECT {{ {facts}RETURN {projection} ORDER BY {order} LIMIT {MAX_LIST} }}"

    def best_ranked(self, relation: Relation, parent: str, figure: str) -> str:
        """Of the figures for one measure and scope, the preferred ones, else the normal ones (Wikidata's
        rule); a deprecated figure only with `rank: ALL`."""
        better, fact = self.fresh("b"), self.fresh("x")
        label = f":{relation.other_label.value}" if relation.other_label else ""
        types = "|".join(relation.types)
        return (
            f"{RANK_ORDER.format(f=figure)} < 2 AND NOT EXISTS {{ MATCH ({parent})<-[{fact}:{types}]-({better}{label}) "
            f"WHERE {fact}.retractedAt IS NULL AND {better}.measure = {figure}.measure "
            f"AND coalesce({better}.scope, '') = coalesce({figure}.scope, '') "
            f"AND {RANK_ORDER.format(f=better)} < {RANK_ORDER.format(f=figure)} }}"
        )

    def reachable(self, plan: FieldPlan, relation: Relation, parent: str, other: str) -> str:
        """The other nodes within `reach` hops over unretracted facts of the relation's types (a lineage)."""
        assert plan.child is not None
        path = self.fresh("p")
        label = f":{relation.other_label.value}" if relation.other_label else ""
        projection = self.object(plan.child, {"v": other})
        order = ", ".join(key.format(m=other) for key in relation.order)
        steps = f"[:{'|'.join(relation.types)}*1..{relation.reach}]"
        arrow = {"out": f"-{steps}->", "in": f"<-{steps}-", "both": f"-{steps}-"}[relation.direction]
        return (
            f"COLLECT {{ MATCH {path} = ({parent}){arrow}({other}{label}) "
            f"WHERE {other} <> {parent} AND none(x IN relationships({path}) WHERE x.retractedAt IS NOT NULL) "
            f"WITH DISTINCT {other} RETURN {projection} ORDER BY {order} LIMIT {MAX_LIST} }}"
        )

    def relationships(self, plan: FieldPlan, parent: str) -> str:
        """The generic `relationships(types, direction, asOf, first)` of any node."""
        assert plan.child is not None
        rel, other = self.fresh("r"), self.fresh("m")
        arrow = {"OUTGOING": "-[{r}]->", "INCOMING": "<-[{r}]-", "BOTH": "-[{r}]-"}[plan.arg("direction")]
        pattern = f"({parent}){arrow.format(r=rel)}({other}:{ENTITY})"
        as_of, history = plan.arg("as_of"), plan.arg("history", False)
        life = life_of_either(parent, other)
        latest = weighs_latest(plan)
        if latest:
            conditions = [f"{rel}.retractedAt IS NULL"]
        else:
            conditions = [self.time_filter(rel, ANY_FACT, as_of, history, life)]
        if plan.arg("types"):
            conditions.append(f"type({rel}) IN {self.param(list(plan.arg('types')))}")
        match = f"MATCH {pattern} "
        if latest:  # the ends' event life, worked out once per row
            start, end = self.fresh("lifeStart"), self.fresh("lifeEnd")
            match += f"WITH {rel}, {other}, {life[0]} AS {start}, {life[1]} AS {end} "
            life = (start, end)
        match += f"WHERE {' AND '.join(conditions)} "
        projection = self.object(plan.child, {"v": rel, "self": parent, "other": other})
        order = f"type({rel}), {other}.name, {rel}.id"
        first = self.param(plan.arg("first"))
        if latest:  # each type's latest with each counterpart
            group = f"[type({rel}), {other}.id]"
            match = self.latest_known(match, current(rel, life), last_known(rel, life), group, [rel, other])
        return f"COLLECT {{ {match}RETURN {projection} ORDER BY {order} LIMIT {first} }}"

    def time_filter(
        self,
        rel: str,
        times: tuple[str, ...],
        as_of: PartialDate | None,
        history: bool = False,
        life: Life | None = None,
    ) -> str:
        """The time rule (README, "Time"; schema/time_rule.py, `held_on`): facts that held on `as_of`, or today
        without it, and were not retracted by then; with `history`, every unretracted fact."""
        if history:
            return f"{rel}.retractedAt IS NULL"
        bounds = None if as_of is None else (self.param(as_of.earliest), self.param(as_of.latest))
        return held_on(rel, times, bounds, life)

    def latest_known(self, match: str, held: str, last: str, group: str, carried: list[str]) -> str:
        """Without `asOf` (README, "Time"): the clauses that bind `carried` (the variables the projection
        reads) to the facts `match` finds that hold today (`held`) or, where none of their group does, to those
        of the group's latest day (`last`). The group is a relationship type with a counterpart, or one for a
        field with one latest (who led last).

        The MAX_WEIGHED most recent facts are weighed, sorted by group with each group's best first: every
        fact among them is judged against all its better rivals, which sort before it. No aggregation: Neo4j
        5.26 refuses one in a subquery nested in an expression that reads an outer variable; no test per fact:
        an EXISTS per fact cost Neo4j about 400 ms more planning per field (issue 18's closing note)."""
        facts, starts, run, index, fact, best = (
            self.fresh(name) for name in ("facts", "starts", "k", "i", "f", "best")
        )
        row = f"[coalesce({held}, false), {last}, {group}, {', '.join(carried)}]"
        rows = (
            f"COLLECT {{ {match}WITH {row} AS {fact} ORDER BY {fact}[0] DESC, {fact}[1] DESC LIMIT {MAX_WEIGHED} "
            f"RETURN {fact} ORDER BY {fact}[2], {fact}[0] DESC, {fact}[1] IS NULL, {fact}[1] DESC }}"
        )
        back = ", ".join(f"{fact}[{position + 3}] AS {name}" for position, name in enumerate(carried))
        return (
            f"WITH {rows} AS {facts} "
            f"WITH {facts}, [{index} IN range(0, size({facts}) - 1) "
            f"WHERE {index} = 0 OR {facts}[{index}][2] <> {facts}[{index} - 1][2]] AS {starts} "
            f"UNWIND range(0, size({starts}) - 1) AS {run} "
            f"UNWIND range({starts}[{run}], coalesce({starts}[{run} + 1], size({facts})) - 1) AS {index} "
            f"WITH {facts}[{index}] AS {fact}, {facts}[{starts}[{run}]] AS {best} "
            f"WHERE {fact}[0] OR (NOT {best}[0] AND ({fact}[1] IS NULL OR {fact}[1] = {best}[1])) "
            f"WITH {back} "
        )


class _Scope(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"no variable for role {key!r} here")


def relation_of(plan: FieldPlan) -> Relation:
    """The relation a `relation` field follows."""
    type_name, _, name = plan.relation.partition(".")
    return next(relation for relation in NODE_KIND_BY_TYPE[type_name].relations if relation.name == name)


def _event_life(owner: str, relation: Relation, parent: str, other: str) -> Life | None:
    """The life that bounds a relation's facts (schema/time_rule.py): an event's at either end before an
    organization's (the node's own, of type `owner`, or the other end's); both when both are organizations."""
    other_label = relation.other_label.value if relation.other_label is not None else None
    if owner == other_label == ORGANIZATION:
        return organizations_life(parent, other)
    for label in LIFE:
        if other_label == label:
            return life_of(label, other)
        if owner == label:
            return life_of(label, parent)
    return None


def _pattern(relation: Relation, parent: str, rel: str, other: str) -> str:
    types = "|".join(relation.types)
    label = f":{relation.other_label.value}" if relation.other_label else ""
    if relation.direction == "out":
        return f"({parent})-[{rel}:{types}]->({other}{label})"
    if relation.direction == "in":
        return f"({other}{label})-[{rel}:{types}]->({parent})"
    return f"({parent})-[{rel}:{types}]-({other}{label})"
