"""Reads a YAML seed file into plain data, and knows the line of every key and list item, so validation
errors can point at `file:line`. Dates stay text: "2023-06" must not become a day.

Seed files come from people, so the reader is safe with hostile ones: only plain YAML data (text,
numbers, booleans, null, lists, mappings), no tags beyond those, no merge keys (`<<`), nesting at most
`MAX_DEPTH` levels, aliases (`*name`) that expand to at most `MAX_ALIAS_EXPANSION` values in all (a
"billion laughs" file is refused before anything is expanded), files of at most `MAX_FILE_BYTES`.
Each refusal is a `file:line: message` problem, never a traceback.

Speed, for archives of a million entries: libyaml (PyYAML's C binding) scans and parses; PyYAML's own
composer builds the nodes from its events, so that the nesting is counted before it recurses (libyaml's
composer would recurse without a limit). The lines of a valid file are never needed, so they are
collected only when a message asks for one (the file is then read again); and the garbage collector
rests while the millions of containers are built, none of which can form a cycle (`paused_gc`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from yaml._yaml import CParser  # libyaml's parser, as yaml.CSafeLoader uses it
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from seed.problems import Problem

PathKey = tuple[str | int, ...]


MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 50  # nested lists and mappings; a seed entry needs four or five
MAX_ALIAS_EXPANSION = 10_000  # values that all the aliases of a file may stand for, together

_YAML = "tag:yaml.org,2002:"
PLAIN_TAGS = {_YAML + name for name in ("str", "int", "float", "bool", "null", "seq", "map")}
STR_TAG, MERGE_TAG, VALUE_TAG = _YAML + "str", _YAML + "merge", _YAML + "value"


class RefusedYAML(Exception):
    """A file the reader will not read further, and the line to blame."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk of acyclic data is built: each collection would walk
    every container built so far, which made reading and validation several times slower."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _CountingComposer(Composer):
    """PyYAML's composer, counting nesting (it recurses, so a deep file would be a RecursionError, or
    with libyaml's composer a crash) and noting every alias."""

    depth: int
    aliases: list[tuple[yaml.Node, int, int]]  # (the node an alias stands for, line, depth)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser's, mixed in
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            if node is not None:
                self.aliases.append((node, line, self.depth))
            return node
        if self.depth >= MAX_DEPTH:
            raise RefusedYAML(f"nested deeper than {MAX_DEPTH} levels", line)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_CountingComposer, CParser, SafeConstructor, Resolver):
    """libyaml's parser (C) under PyYAML's composer, safe constructor and resolver, with YAML 1.2's plain
    scalars: dates stay text (validated by PartialDate) and only true/false are booleans, so a key like
    `on:` is the word "on", not True."""

    def __init__(self, stream: bytes) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.aliases = []


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in {"tag:yaml.org,2002:timestamp", _BOOL}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class ParsedFile:
    """A document's data, its name for messages, and the line of each key and item (if read from YAML).

    The lines are given, or found when first asked for by `locate` (which reads the file again)."""

    def __init__(
        self,
        display: str,
        data: Any,
        lines: dict[PathKey, int] | None = None,
        locate: Callable[[], dict[PathKey, int]] | None = None,
    ) -> None:
        self.display = display
        self.data = data
        self._lines = lines
        self._locate = locate

    def line_of(self, key: PathKey) -> int:
        """The line of `key`, or of its nearest enclosing key or item that has one."""
        if self._lines is None:
            self._lines = self._locate() if self._locate is not None else {}
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return 1


def read_yaml(path: Path, display: str) -> tuple[ParsedFile | None, list[Problem]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        message = f"{size:,} bytes is over the limit of {MAX_FILE_BYTES:,} bytes: split the file"
        return None, [Problem(display, 0, "", message)]
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded")]
    with paused_gc():
        data, problems = _read(raw, display, lines=None)
    if data is _REFUSED:
        return None, problems

    def locate() -> dict[PathKey, int]:
        lines: dict[PathKey, int] = {}
        with paused_gc():
            _read(path.read_bytes(), display, lines)
        return lines

    return ParsedFile(display, data, locate=locate), problems


_REFUSED = object()
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _read(raw: bytes, display: str, lines: dict[PathKey, int] | None) -> tuple[Any, list[Problem]]:
    """The file's data and its problems (data is `_REFUSED` when it cannot be read at all); the line of
    every key and item goes into `lines` when one is given."""
    loader = _Loader(raw)
    try:
        root = loader.get_single_node()
        _check_aliases(loader.aliases)
    except RefusedYAML as error:
        return _REFUSED, [Problem(display, error.line, "", str(error))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error)
        if reason == LIBYAML_TOO_DEEP:  # libyaml looks ahead through flow brackets and stops at 1000 levels
            return _REFUSED, [Problem(display, line, "", f"nested deeper than {MAX_DEPTH} levels")]
        return _REFUSED, [Problem(display, line, "", f"malformed YAML: {reason}")]
    finally:
        loader.dispose()
    if root is None:
        return {}, []
    builder = _Builder(display, loader, lines)
    return builder.value(root, ()), builder.problems


def _check_aliases(aliases: list[tuple[yaml.Node, int, int]]) -> None:
    """Refuse aliases that stand for too much data in all, nest too deep once expanded, or contain
    themselves, measuring the composed nodes (shared, not copied) without expanding anything."""
    measured: dict[int, tuple[int, int]] = {}
    expansion = 0
    for node, line, depth in aliases:
        size, nested = _measure(node, measured, line)
        expansion += size
        if expansion > MAX_ALIAS_EXPANSION:
            raise RefusedYAML(f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values: write the data out", line)
        if depth + nested > MAX_DEPTH:
            raise RefusedYAML(f"this alias nests the data deeper than {MAX_DEPTH} levels", line)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: yaml.Node, measured: dict[int, tuple[int, int]], line: int) -> tuple[int, int]:
    """(values, depth) of `root` expanded, capped; an explicit stack, as the expanded depth is unknown."""
    cap = MAX_ALIAS_EXPANSION + 1
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        if children_done:
            open_nodes.discard(id(node))
            sizes = [measured[id(child)] for child in _children(node)]
            size = min(cap, 1 + sum(size for size, _ in sizes))
            measured[id(node)] = (size, min(cap, 1 + max((depth for _, depth in sizes), default=0)))
        elif id(node) not in measured:
            if id(node) in open_nodes:
                raise RefusedYAML("an alias refers to the list or mapping that contains it", line)
            open_nodes.add(id(node))
            stack.append((node, True))
            stack += [(child, False) for child in _children(node) if id(child) not in measured]
    return measured[id(root)]


class _Builder:
    """Turns composed nodes into plain data, refusing what is not plain data (each refusal a problem)."""

    def __init__(self, display: str, loader: _Loader, lines: dict[PathKey, int] | None) -> None:
        self.display = display
        self.loader = loader
        self.lines = lines
        self.problems: list[Problem] = []

    def value(self, node: yaml.Node, at: PathKey) -> Any:
        tag = node.tag
        if tag == STR_TAG and isinstance(node, yaml.ScalarNode):  # most values: no constructor needed
            return node.value
        if tag not in PLAIN_TAGS and tag != VALUE_TAG:
            shown = tag.replace(_YAML, "!!", 1)
            self._problem(node, at, f"unknown tag '{shown}': seed files hold plain data")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            items = []
            lines = self.lines
            for index, item in enumerate(node.value):
                if lines is not None:
                    lines[(*at, index)] = item.start_mark.line + 1
                items.append(self.value(item, (*at, index)))
            return items
        return self._scalar(node, at)

    def _mapping(self, node: yaml.MappingNode, at: PathKey) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        lines = self.lines
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self._problem(key_node, at, "merge keys (<<) are not supported: write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in PLAIN_TAGS:
                self._problem(key_node, at, "a key must be plain text")
                continue
            key = key_node.value if key_node.tag == STR_TAG else str(self._scalar(key_node, at))
            here = (*at, key)
            if key in mapping:
                self._problem(key_node, here, "duplicate key")
            if lines is not None:
                lines[here] = key_node.start_mark.line + 1
            mapping[key] = self.value(value_node, here)
        return mapping

    def _scalar(self, node: yaml.Node, at: PathKey) -> Any:
        if node.tag == VALUE_TAG:  # a lone "=": PyYAML has no constructor for it; it is just text
            return str(node.value)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            problem = getattr(error, "problem", None) or str(error)
            self._problem(node, at, f"cannot read this value: {problem}")
            return None

    def _problem(self, node: yaml.Node, at: PathKey, message: str) -> None:
        self.problems.append(Problem(self.display, node.start_mark.line + 1, dotted(at), message))


def dotted(key: PathKey) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
