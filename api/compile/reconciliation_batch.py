"""Reading a reconciliation query batch (the W3C Reconciliation Service API v0.2's JSON, as OpenRefine sends it):
every query checked, every problem collected with where it is, before anything reaches Neo4j."""

from __future__ import annotations

from api.compile.reconciliation import (
    DEFAULT_LIMIT,
    MAX_KEY_CHARS,
    MAX_LIMIT,
    MAX_PROPERTIES,
    MAX_QUERIES,
    MAX_VALUE_CHARS,
    MAX_VALUES,
    PROPERTY,
    TYPE_IDS,
    Constraint,
    ReconProperty,
    ReconQuery,
)
from api.compile.roots.search import MAX_SEARCH_TERMS, MAX_SEARCH_TEXT


class BatchRefused(Exception):
    """Bad input, every problem at once, each as (where, what)."""

    def __init__(self, problems: list[tuple[str, str]], status: int = 400) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))
        self.problems = problems
        self.status = status


def read_batch(batch: object) -> list[ReconQuery]:
    """A decoded query batch, checked whole; raises BatchRefused with every problem."""
    if not isinstance(batch, dict):
        raise BatchRefused([("queries", 'must be a JSON object of queries keyed by name, e.g. {"q0": {...}}')])
    if len(batch) > MAX_QUERIES:
        raise BatchRefused([("queries", f"at most {MAX_QUERIES} queries in a batch, got {len(batch)}")], 413)
    problems: list[tuple[str, str]] = []
    queries = []
    for key, raw in batch.items():
        where = key if len(key) <= MAX_KEY_CHARS else key[:MAX_KEY_CHARS] + "…"
        if len(key) > MAX_KEY_CHARS or not key:
            problems.append((where or "queries", f"a query's key must be 1 to {MAX_KEY_CHARS} characters"))
            continue
        query = _read_query(key, raw, problems)
        if query is not None:
            queries.append(query)
    if problems:
        raise BatchRefused(problems)
    return queries


_QUERY_FIELDS = ("query", "type", "limit", "properties", "type_strict")


def _read_query(key: str, raw: object, problems: list[tuple[str, str]]) -> ReconQuery | None:
    if not isinstance(raw, dict):
        problems.append((key, "must be an object with `query` and/or `properties`"))
        return None
    before = len(problems)
    for name in raw:
        if name not in _QUERY_FIELDS:
            problems.append((f"{key}.{name}", f"unknown field; a query has {', '.join(_QUERY_FIELDS)}"))
    text = _read_text(key, raw.get("query"), problems)
    types = _read_types(key, raw.get("type"), problems)
    strict = raw.get("type_strict", "any")
    if strict not in ("any", "should", "all"):
        problems.append((f"{key}.type_strict", f'must be "any", "should" or "all", got {_shown(strict)}'))
    limit = _read_limit(key, raw.get("limit"), problems)
    constraints = _read_properties(key, raw.get("properties"), problems)
    if text is None and not constraints and len(problems) == before:
        problems.append((key, "give a non-empty `query`, or `properties` to match on"))
    if len(problems) > before:
        return None
    return ReconQuery(key, text, types, strict == "all", limit, constraints)


def _read_text(key: str, text: object, problems: list[tuple[str, str]]) -> str | None:
    if text is None:
        return None
    if not isinstance(text, str):
        problems.append((f"{key}.query", f"must be a string, got {_shown(text)}"))
        return None
    if len(text) > MAX_SEARCH_TEXT:
        problems.append((f"{key}.query", f"at most {MAX_SEARCH_TEXT} characters, got {len(text)}"))
        return None
    if len(text.split()) > MAX_SEARCH_TERMS:
        problems.append((f"{key}.query", f"at most {MAX_SEARCH_TERMS} words, got {len(text.split())}"))
        return None
    return text.strip() or None


def _read_types(key: str, raw: object, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    if raw is None:
        return ()
    given = [raw] if isinstance(raw, str) else raw
    if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
        problems.append((f"{key}.type", "must be a type id or a list of them"))
        return ()
    unknown = [item for item in given if item not in TYPE_IDS]
    if unknown:
        known = ", ".join(sorted(TYPE_IDS))
        problems.append((f"{key}.type", f"unknown type {', '.join(map(repr, unknown))}; the types are {known}"))
    return tuple(dict.fromkeys(given))


def _read_limit(key: str, raw: object, problems: list[tuple[str, str]]) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    # JSON numbers: 3 and 3.0 are the same positive integer; true is not a number here.
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw) or raw < 1:
        problems.append((f"{key}.limit", f"must be a positive integer, got {_shown(raw)}"))
        return DEFAULT_LIMIT
    return min(int(raw), MAX_LIMIT)


def _read_properties(key: str, raw: object, problems: list[tuple[str, str]]) -> tuple[Constraint, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append((f"{key}.properties", "must be a list of {pid, v}"))
        return ()
    if len(raw) > MAX_PROPERTIES:
        problems.append((f"{key}.properties", f"at most {MAX_PROPERTIES}, got {len(raw)}"))
        return ()
    constraints = []
    for index, item in enumerate(raw):
        where = f"{key}.properties[{index}]"
        if not isinstance(item, dict) or set(item) != {"pid", "v"}:
            problems.append((where, "must be an object with exactly `pid` and `v`"))
            continue
        prop = PROPERTY.get(item["pid"]) if isinstance(item["pid"], str) else None
        if prop is None:
            known = ", ".join(PROPERTY)
            problems.append((f"{where}.pid", f"unknown property {_shown(item['pid'])}; the properties are {known}"))
            continue
        values = _read_values(f"{where}.v", item["v"], problems)
        if values is not None:
            constraints.append(Constraint(prop, tuple(_normalized_value(prop, value) for value in values)))
    return tuple(constraints)


def _read_values(where: str, raw: object, problems: list[tuple[str, str]]) -> list[str] | None:
    given = raw if isinstance(raw, list) else [raw]
    if not given or len(given) > MAX_VALUES:
        problems.append((where, f"give 1 to {MAX_VALUES} values, got {len(given)}"))
        return None
    values = []
    for value in given:
        if isinstance(value, dict):  # a value reconciled before: {id, name}; its id is what we compare
            value = value.get("id")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            shown = _shown(value)
            problems.append((where, f"a value must be a string, a number or an object with an `id`, got {shown}"))
            return None
        text = str(int(value)) if isinstance(value, float) and value == int(value) else str(value)
        if not text.strip() or len(text) > MAX_VALUE_CHARS:
            problems.append((where, f"a value must be 1 to {MAX_VALUE_CHARS} characters"))
            return None
        values.append(text.strip())
    return values


def _normalized_value(prop: ReconProperty, value: str) -> str:
    if prop.kind == "external_id":  # Wikidata's entity URLs as well as bare items
        return value.rsplit("/", 1)[-1] if prop.id == "wikidata" else value
    return value


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"
