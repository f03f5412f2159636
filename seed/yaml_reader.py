"""Reads a YAML seed file into plain data plus the line of every key and list item, so validation
errors can point at `file:line`. Dates stay text: "2023-06" must not become a day.

Seed files come from people, so the reader is safe with hostile ones: only plain YAML data (text,
numbers, booleans, null, lists, mappings), no tags beyond those, no merge keys (`<<`), nesting at most
`MAX_DEPTH` levels, aliases (`*name`) that expand to at most `MAX_ALIAS_EXPANSION` values in all (a
"billion laughs" file is refused before anything is expanded), files of at most `MAX_FILE_BYTES`.
Each refusal is a `file:line: message` problem, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from seed.problems import Problem

PathKey = tuple[str | int, ...]


MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 50  # nested lists and mappings; a seed entry needs four or five
MAX_ALIAS_EXPANSION = 10_000  # values that all the aliases of a file may stand for, together

_YAML = "tag:yaml.org,2002:"
PLAIN_TAGS = {_YAML + name for name in ("str", "int", "float", "bool", "null", "seq", "map")}
MERGE_TAG, VALUE_TAG = _YAML + "merge", _YAML + "value"


class RefusedYAML(Exception):
    """A file the reader will not read further, and the line to blame."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2's plain scalars: dates stay text (validated by PartialDate) and only
    true/false are booleans, so a key like `on:` is the word "on", not True. Composing counts nesting
    (PyYAML's composer recurses, so a deep file would be a RecursionError) and notes every alias."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases: list[tuple[yaml.Node, int, int]] = []  # (the node an alias stands for, line, depth)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
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


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in {"tag:yaml.org,2002:timestamp", _BOOL}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class ParsedFile:
    """A document's data, its name for messages, and the line of each key and item (if read from YAML)."""

    def __init__(self, display: str, data: Any, lines: dict[PathKey, int] | None = None) -> None:
        self.display = display
        self.data = data
        self._lines = lines or {}

    def line_of(self, key: PathKey) -> int:
        """The line of `key`, or of its nearest enclosing key or item that has one."""
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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded")]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        _check_aliases(loader.aliases)
    except RefusedYAML as error:
        return None, [Problem(display, error.line, "", str(error))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(display, line, "", f"malformed YAML: {reason}")]
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    problems: list[Problem] = []
    data = _to_python(root, (), lines, problems, display, loader) if root is not None else {}
    return ParsedFile(display, data, lines), problems


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


def _to_python(
    node: yaml.Node,
    at: PathKey,
    lines: dict[PathKey, int],
    problems: list[Problem],
    display: str,
    loader: _Loader,
) -> Any:
    line = node.start_mark.line + 1
    if node.tag not in PLAIN_TAGS and node.tag != VALUE_TAG:
        tag = node.tag.replace(_YAML, "!!", 1)
        problems.append(Problem(display, line, dotted(at), f"unknown tag '{tag}': seed files hold plain data"))
        return None
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == MERGE_TAG:
                message = "merge keys (<<) are not supported: write the fields out"
                problems.append(Problem(display, key_line, dotted(at), message))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in PLAIN_TAGS:
                problems.append(Problem(display, key_line, dotted(at), "a key must be plain text"))
                continue
            key = str(_scalar(key_node, at, problems, display, loader))
            here = (*at, key)
            if key in mapping:
                problems.append(Problem(display, key_line, dotted(here), "duplicate key"))
            lines[here] = key_line
            mapping[key] = _to_python(value_node, here, lines, problems, display, loader)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*at, index)] = item.start_mark.line + 1
            items.append(_to_python(item, (*at, index), lines, problems, display, loader))
        return items
    return _scalar(node, at, problems, display, loader)


def _scalar(node: yaml.Node, at: PathKey, problems: list[Problem], display: str, loader: _Loader) -> Any:
    if node.tag == VALUE_TAG:  # a lone "=": PyYAML has no constructor for it; it is just text
        return str(node.value)
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        problem = getattr(error, "problem", None) or str(error)
        problems.append(Problem(display, node.start_mark.line + 1, dotted(at), f"cannot read this value: {problem}"))
        return None


def dotted(key: PathKey) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
