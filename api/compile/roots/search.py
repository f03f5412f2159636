"""Full-text search over names and aliases (`search(text:)`): each word as a literal term or its prefix;
a node named or aliased exactly the text ranks first, and each hit says which of its names matched."""

from __future__ import annotations

import re
from typing import Any

from api.compile import root_fields as fields
from api.compile.cursors import page_size
from api.compile.plan import RootPlan, RootRead
from api.compile.render import Renderer
from api.compile.respond import Path, Shaper
from api.compile.roots.request import Planner, RootRequest
from api.errors import BadUserInput
from schema.graph_model import FULLTEXT_INDEX
from schema.keys import NAME_KEY, name_key
from schema.model import NODE_KINDS
from schema.names import normalized_name

MAX_SEARCH_TEXT = 200  # characters
MAX_SEARCH_TERMS = 16
_OPERATORS = {"AND", "OR", "NOT", "TO"}


def lucene_escape(text: str) -> str:
    """A word as a literal term: special characters escaped, bare operators (AND, OR, NOT) lowercased."""
    if text in _OPERATORS:
        return text.lower()
    return re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", text)


def search(planner: Planner, request: RootRequest) -> RootPlan:
    arguments: fields.Search = request.arguments
    text = arguments.text
    first = page_size(arguments.first, planner.max_page_size)
    if len(text) > MAX_SEARCH_TEXT:
        raise BadUserInput(f"text: at most {MAX_SEARCH_TEXT} characters, got {len(text)}", argument="text")
    words = text.split()
    if not words:
        raise BadUserInput("text: give at least one word to search for", argument="text")
    if len(words) > MAX_SEARCH_TERMS:
        raise BadUserInput(f"text: at most {MAX_SEARCH_TERMS} words, got {len(words)}", argument="text")
    terms = [lucene_escape(word) for word in words]
    query = " ".join(f"({term} OR {term}*)" for term in terms)
    labels = tuple(kind.value for kind in arguments.kinds or ())
    child = planner.object(request.named, request.nodes, first)
    # A node named (or aliased) exactly this ranks first: its name keys, one per kind searched.
    exact = normalized_name(text)
    keys = tuple(name_key(kind.label.value, exact) for kind in NODE_KINDS if not labels or kind.label.value in labels)
    # Which name matched: each word the start of one of its words, any case (Java's regular expressions).
    patterns = tuple(r"(?isU)(?:|.*[^\p{L}\p{N}])" + re.escape(word) + ".*" for word in words)
    args = (("query", query), ("labels", labels), ("first", first), ("keys", keys), ("patterns", patterns))
    return request.plan(SEARCH, None, child, args=args)


def _render(renderer: Renderer, root: RootPlan) -> str:
    assert root.child is not None
    labels = root.arg("labels")
    kinds = f"AND any(l IN labels(n) WHERE l IN {renderer.param(list(labels))})" if labels else ""
    patterns = renderer.arg(root, "patterns")
    matched = f"head([x IN [n.name] + coalesce(n.aliases, []) WHERE all(p IN {patterns} WHERE x =~ p)])"
    projection = renderer.object(root.child, {"node": "n", "score": "score", "matched": matched})
    query, keys = renderer.arg(root, "query"), renderer.arg(root, "keys")
    first = renderer.param(root.arg("first"))
    # The exact names through their keys' unique index, once, rather than each hit's list of names read and
    # searched (a prefix search may score thousands of hits).
    return (
        f"RETURN COLLECT {{ CALL () {{ OPTIONAL MATCH (k:{NAME_KEY}) WHERE k.key IN {keys} "
        "RETURN collect(k.owner) AS exact } "
        f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', {query}) YIELD node AS n, score WHERE true {kinds} "
        f"RETURN {projection} ORDER BY n.id IN exact DESC, score DESC, n.id LIMIT {first} }}"
    )


def _shape(shaper: Shaper, root: RootPlan, raw: Any, path: Path) -> Any:
    assert root.child is not None
    return shaper.items(root.child, raw, path, True, "Query", root.name)


SEARCH = RootRead("search", _render, _shape, subqueries=3)  # its CALL, the exact names, the COLLECT
