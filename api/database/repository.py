"""Write repository: every change runs in the request's write transaction, locks what it changes,
checks the version the client based it on, and leaves a `Change` in the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j.exceptions import ConstraintError
from pydantic import ValidationError

from api.auth import Caller
from api.database.audit import record_change
from api.database.graph import RequestGraph
from api.errors import BadUserInput, Conflict, NotFound
from schema.audit import ChangeAction
from schema.camel import camel_case
from schema.graph_model import ENTITY, FIND_FACT
from schema.keys import FACT_KEY, NAME_KEY, name_key
from schema.model import (
    CITATION_FIELDS,
    CITATION_SOURCE,
    FACT_KIND_BY_TYPE,
    FACT_QUALIFIERS,
    FACT_WRITABLE,
    NODE_KIND,
    Label,
    stored_as,
)
from schema.names import mixed_script_words, scripts_of
from schema.records import NODE_RECORDS, CitationBase, FactBase, FactRecord, NodeRecord, explain

API = "api"
NODE_BOOKKEEPING = {"version", "managedBy", "seedHash", "createdAt", "updatedAt", "createdBy", "updatedBy"}


# -- validation: the seed's rules ---------------------------------------------------------------------


def _invalid(error: ValidationError, argument: str, renames: dict[str, str] | None = None) -> BadUserInput:
    fields = [
        ".".join([argument, *(camel_case((renames or {}).get(str(part), str(part))) for part in detail["loc"])])
        for detail in error.errors()
    ]
    problems = [f"{field}: {explain(detail)}" for field, detail in zip(fields, error.errors(), strict=True)]
    return BadUserInput("; ".join(problems), field=fields[0])


def validate_node(label: Label, fields: dict[str, Any]) -> NodeRecord:
    """`fields` as the client named them (a kind's input names, e.g. `organizationKind`, become the record's)."""
    renames = {attr.input_name: attr.name for attr in NODE_KIND[label].fields if attr.input_name}
    fields = {renames.get(name, name): value for name, value in fields.items()}
    try:
        return NODE_RECORDS[label].model_validate(fields)
    except ValidationError as error:
        raise _invalid(error, "input", {field: given for given, field in renames.items()}) from None


def validate_fact(fields: dict[str, Any]) -> FactBase:
    try:
        return FactRecord.model_validate(fields)
    except ValidationError as error:
        raise _invalid(error, "input") from None


def name_warnings(record: NodeRecord) -> list[str]:
    """Names a curator may want to look at again: a word mixing scripts looks like another name."""
    named = [("input.name", record.name), *((f"input.aliases[{i}]", a) for i, a in enumerate(record.aliases))]
    return [
        f"{field}: '{word}' mixes scripts ({scripts_of(word)}): a look-alike of another name?"
        for field, name in named
        for word in mixed_script_words(name)
    ]


def node_fields(label: Label, props: dict[str, Any]) -> dict[str, Any]:
    """A stored node back as record fields (what an update starts from)."""
    stored = stored_as(label)
    fields: dict[str, Any] = {}
    for name in NODE_RECORDS[label].model_fields:
        if name == "cites":
            fields["cites"] = _citations(props)
        elif props.get(stored.get(name, name)) is not None:
            fields[name] = props[stored.get(name, name)]
    return fields


def fact_fields(rel_type: str, start: str, end: str, props: dict[str, Any]) -> dict[str, Any]:
    fields = {"id": props["id"], "type": rel_type, "from": start, "to": end, "cites": _citations(props)}
    for attr in (*FACT_QUALIFIERS, *FACT_WRITABLE):
        if props.get(attr.prop) is not None:
            fields[attr.name] = props[attr.prop]
    return fields


def _citations(props: dict[str, Any]) -> list[dict[str, Any]]:
    """Stored citation lists back into citations ("" is none)."""
    texts = {attr.name: props.get(attr.prop) or [] for attr in CITATION_FIELDS}
    return [
        {"source": source} | {name: (values[i] if i < len(values) else "") or None for name, values in texts.items()}
        for i, source in enumerate(props.get(CITATION_SOURCE) or [])
    ]


# -- nodes --------------------------------------------------------------------------------------------


async def create_node(graph: RequestGraph, caller: Caller, record: NodeRecord) -> None:
    label = record.label.value
    properties = record.properties()
    # Checked first for a precise message; the constraints below decide when two requests race.
    clash = await graph.write(
        f"OPTIONAL MATCH (same:{ENTITY} {{id: $id}}) "
        f"OPTIONAL MATCH (named:{label}) WHERE any(k IN named.nameKeys WHERE k IN $keys) "
        "RETURN same.id AS sameId, named.id AS namedId, named.name AS namedName LIMIT 1",
        id=record.id, keys=properties["nameKeys"],
    )  # fmt: skip
    if clash and clash[0]["sameId"] is not None:
        raise _id_taken(record.id)
    if clash and clash[0]["namedId"] is not None:
        raise Conflict(
            f"'{record.name}' names the existing {label} '{clash[0]['namedId']}' ({clash[0]['namedName']})",
            field="input.name",
        )
    await _check_sources(graph, record.cites)
    try:
        rows = await graph.write(
            f"CREATE (n:{ENTITY}:{label}) SET n = $props, n.managedBy = '{API}', n.version = 1, "
            "n.createdAt = datetime(), n.updatedAt = datetime(), n.createdBy = $actor RETURN properties(n) AS after",
            props=properties, actor=caller.name,
        )  # fmt: skip
    except ConstraintError:
        raise _id_taken(record.id) from None
    await _claim_names(graph, record.label, record.id, record.name, properties["nameKeys"])
    await record_change(
        graph, caller, ChangeAction.CREATE_NODE, label, record.id, None, rows[0]["after"], nodes=[record.id]
    )


def _id_taken(slug: str) -> Conflict:
    return Conflict(f"a node with id '{slug}' already exists: update it instead", field="input.id")


async def _claim_names(graph: RequestGraph, label: Label, owner: str, name: str, keys: list[str]) -> None:
    """CREATE (not MERGE) the name keys: a racing request that claimed one first makes this fail."""
    if not keys:
        return
    try:
        await graph.write(
            f"UNWIND $keys AS key CREATE (:{NAME_KEY} {{key: key, owner: $owner}})",
            keys=[name_key(label.value, key) for key in keys], owner=owner,
        )  # fmt: skip
    except ConstraintError:
        raise Conflict(
            f"'{name}' (or one of its aliases) names another {label.value}: a name is unique per kind",
            field="input.name",
        ) from None


async def _release_names(graph: RequestGraph, label: Label, owner: str, keys: list[str]) -> None:
    if keys:
        await graph.write(
            f"MATCH (k:{NAME_KEY}) WHERE k.key IN $keys AND k.owner = $owner DELETE k",
            keys=[name_key(label.value, key) for key in keys], owner=owner,
        )  # fmt: skip


async def _locked_node(graph: RequestGraph, slug: str, expected_version: int) -> tuple[Label, dict[str, Any]]:
    """Lock the node for this transaction, then read it; the version must be the one the client saw."""
    locked = await graph.write(
        f"MATCH (n:{ENTITY} {{id: $id}}) SET n._lock = true REMOVE n._lock "
        f"RETURN [l IN labels(n) WHERE l <> '{ENTITY}'][0] AS label",
        id=slug,
    )
    if not locked:
        raise NotFound(f"no node with id '{slug}'", field="id")
    rows = await graph.write(f"MATCH (n:{ENTITY} {{id: $id}}) RETURN properties(n) AS props", id=slug)
    props: dict[str, Any] = rows[0]["props"]
    _check_version(props, expected_version, f"node '{slug}'")
    return Label(locked[0]["label"]), props


def _check_version(props: dict[str, Any], expected: int, what: str) -> None:
    current = props.get("version")
    if current != expected:
        raise Conflict(
            f"{what} is at version {current}, not {expected}: someone changed it; reload and retry",
            currentVersion=current,
        )


async def update_node(
    graph: RequestGraph, caller: Caller, slug: str, expected_version: int, changes: dict[str, Any]
) -> NodeRecord:
    label, before = await _locked_node(graph, slug, expected_version)
    if changes.get("id", slug) != slug:
        raise BadUserInput("input.id: a node's id cannot change", field="input.id")
    record = validate_node(label, node_fields(label, before) | changes)
    properties = record.properties()
    if before.get("managedBy") == "seed" and (properties["sources"], properties["quotes"]) != (
        before.get("sources"), before.get("quotes")
    ):  # fmt: skip
        raise Conflict(
            f"'{slug}' is managed by the seed files: change its sources there, not through the API",
            field="input.cites",
        )
    await _check_sources(graph, record.cites)
    old_keys, new_keys = set(before.get("nameKeys") or []), set(properties["nameKeys"])
    await _release_names(graph, label, slug, sorted(old_keys - new_keys))
    await _claim_names(graph, label, slug, record.name, sorted(new_keys - old_keys))
    # A curator's edit takes the node out of the seed's hands: re-seeding will not undo it.
    rows = await graph.write(
        f"MATCH (n:{ENTITY} {{id: $id}}) SET n += $props, n.version = n.version + 1, n.managedBy = '{API}', "
        "n.updatedAt = datetime(), n.updatedBy = $actor RETURN properties(n) AS after",
        id=slug, props=properties, actor=caller.name,
    )  # fmt: skip
    await record_change(
        graph, caller, ChangeAction.UPDATE_NODE, label.value, slug, before, rows[0]["after"], nodes=[slug]
    )
    return record


async def delete_node(graph: RequestGraph, caller: Caller, slug: str, expected_version: int) -> None:
    label, before = await _locked_node(graph, slug, expected_version)
    # Its facts go with it, and so do the keys of its names and facts.
    await graph.write(
        f"MATCH (:{ENTITY} {{id: $id}})-[r]-() WITH collect(DISTINCT r.id) AS ids "
        f"MATCH (k:{FACT_KEY}) WHERE k.id IN ids DELETE k",
        id=slug,
    )
    await graph.write(f"MATCH (k:{NAME_KEY} {{owner: $id}}) DELETE k", id=slug)
    await graph.write(f"MATCH (n:{ENTITY} {{id: $id}}) DETACH DELETE n", id=slug)
    await record_change(graph, caller, ChangeAction.DELETE_NODE, label.value, slug, before, None, nodes=[slug])


async def _check_sources(graph: RequestGraph, cites: Sequence[CitationBase]) -> None:
    """Every source a citation names, or relays it through (`via`), must exist."""
    named = [(f"input.cites[{i}].{name}", source) for i, c in enumerate(cites)
             for name, source in (("source", c.source), ("via", getattr(c, "via", None))) if source]  # fmt: skip
    if not named:
        return
    ids = sorted({source for _, source in named})
    rows = await graph.write("MATCH (s:Source) WHERE s.id IN $ids RETURN collect(s.id) AS found", ids=ids)
    for field, source in named:
        if source not in rows[0]["found"]:
            raise BadUserInput(f"{field}: unknown source '{source}'", field=field)


# -- facts --------------------------------------------------------------------------------------------


async def assert_fact(graph: RequestGraph, caller: Caller, record: FactBase) -> str:
    ends = await graph.write(
        f"MATCH (n:{ENTITY}) WHERE n.id IN [$from, $to] "
        f"RETURN n.id AS id, [l IN labels(n) WHERE l <> '{ENTITY}'][0] AS label",
        **{"from": record.from_, "to": record.to},
    )
    labels = {row["id"]: Label(row["label"]) for row in ends}
    rule = FACT_KIND_BY_TYPE[record.type]
    for end, slug, allowed in (("from", record.from_, rule.from_labels), ("to", record.to, rule.to_labels)):
        if slug not in labels:
            raise BadUserInput(f"input.{end}: unknown id '{slug}'", field=f"input.{end}")
        if labels[slug] not in allowed:
            expected = " or ".join(sorted(label.value for label in allowed))
            raise BadUserInput(
                f"input.{end}: {record.type.value} cannot {end} a {labels[slug].value}: expected {expected}",
                field=f"input.{end}",
            )
    await _check_sources(graph, record.cites)
    taken = Conflict(f"a fact with id '{record.fact_id}' already exists: update or retract it", field="input.id")
    if await graph.write(f"MATCH (k:{FACT_KEY} {{id: $id}}) RETURN k.id AS id", id=record.fact_id):
        raise taken
    try:  # the key is CREATEd, not MERGEd: of two requests racing for one id, the second fails here
        await graph.write(
            f"CREATE (:{FACT_KEY} {{id: $id, type: $type, from: $from, to: $to}})",
            id=record.fact_id, type=record.type.value, **{"from": record.from_, "to": record.to},
        )  # fmt: skip
    except ConstraintError:
        raise taken from None
    rows = await graph.write(
        f"MATCH (a:{ENTITY} {{id: $from}}) MATCH (b:{ENTITY} {{id: $to}}) "
        f"CREATE (a)-[r:{record.type.value}]->(b) SET r = $props, r.managedBy = '{API}', r.version = 1, "
        "r.createdAt = datetime(), r.updatedAt = datetime(), r.createdBy = $actor RETURN properties(r) AS after",
        props=record.properties(), actor=caller.name, **{"from": record.from_, "to": record.to},
    )  # fmt: skip
    after = rows[0]["after"]
    await record_change(
        graph, caller, ChangeAction.ASSERT_FACT, record.type.value, record.fact_id, None, after,
        nodes=[record.from_, record.to],
    )  # fmt: skip
    return record.fact_id


async def _locked_fact(graph: RequestGraph, fact_id: str, expected_version: int) -> dict[str, Any]:
    locked = await graph.write(FIND_FACT + "SET r._lock = true REMOVE r._lock RETURN r.id AS id", id=fact_id)
    if not locked:
        raise NotFound(f"no fact with id '{fact_id}'", field="id")
    rows = await graph.write(
        FIND_FACT + "RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS props",
        id=fact_id,
    )
    _check_version(rows[0]["props"], expected_version, f"fact '{fact_id}'")
    return rows[0]


async def update_fact(
    graph: RequestGraph, caller: Caller, fact_id: str, expected_version: int, changes: dict[str, Any]
) -> None:
    found = await _locked_fact(graph, fact_id, expected_version)
    before = found["props"]
    if before.get("managedBy") == "seed":
        raise Conflict(f"'{fact_id}' is managed by the seed files: correct it there, or retract it here", field="id")
    if before.get("retractedAt") is not None:
        raise Conflict(f"'{fact_id}' was retracted: assert a new fact instead", field="id")
    record = validate_fact(fact_fields(found["type"], found["start"], found["end"], before) | changes)
    await _check_sources(graph, record.cites)
    rows = await graph.write(
        FIND_FACT + "SET r += $props, r.version = r.version + 1, r.updatedAt = datetime(), r.updatedBy = $actor "
        "RETURN properties(r) AS after",
        id=fact_id, props=record.properties(), actor=caller.name,
    )  # fmt: skip
    await record_change(
        graph, caller, ChangeAction.UPDATE_FACT, found["type"], fact_id, before, rows[0]["after"],
        nodes=[found["start"], found["end"]],
    )  # fmt: skip


async def retract_fact(
    graph: RequestGraph, caller: Caller, fact_id: str, expected_version: int, reason: str | None
) -> None:
    """Mark the fact retracted (when, by whom, why); it stays for as-of queries of earlier dates."""
    found = await _locked_fact(graph, fact_id, expected_version)
    if found["props"].get("retractedAt") is not None:
        raise Conflict(f"'{fact_id}' is already retracted", field="id")
    rows = await graph.write(
        FIND_FACT + "SET r.retractedAt = datetime(), r.retractedBy = $actor, r.retractionReason = $reason, "
        "r.version = r.version + 1, r.updatedAt = datetime() RETURN properties(r) AS after",
        id=fact_id, actor=caller.name, reason=reason,
    )  # fmt: skip
    await record_change(
        graph, caller, ChangeAction.RETRACT_FACT, found["type"], fact_id, found["props"], rows[0]["after"],
        nodes=[found["start"], found["end"]],
    )  # fmt: skip
