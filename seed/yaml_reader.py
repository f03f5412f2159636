"""Reads a YAML seed file into plain data plus the line of every key and list item, so validation
errors can point at `file:line`. Dates stay text: "2023-06" must not become a day."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from seed.problems import Problem

PathKey = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2's plain scalars: dates stay text (validated by PartialDate) and only
    true/false are booleans, so a key like `on:` is the word "on", not True."""


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
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(display, line, "", f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded")]
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
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


def _to_python(
    node: yaml.Node,
    at: PathKey,
    lines: dict[PathKey, int],
    problems: list[Problem],
    display: str,
    loader: _Loader,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node))
            here = (*at, key)
            if key in mapping:
                problems.append(Problem(display, key_node.start_mark.line + 1, dotted(here), "duplicate key"))
            lines[here] = key_node.start_mark.line + 1
            mapping[key] = _to_python(value_node, here, lines, problems, display, loader)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*at, index)] = item.start_mark.line + 1
            items.append(_to_python(item, (*at, index), lines, problems, display, loader))
        return items
    return loader.construct_object(node, deep=True)


def dotted(key: PathKey) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
