"""Checks that citations can be verified: the sources they name exist, their text files are there, a quote
is found word for word in the text that holds it, and a paraphrase in the relaying source's text. A source
nobody can check (no URL, no file) is allowed, but said: it is `unverified`."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from schema.records import CitationBase

SOURCES_DIR = Path(__file__).resolve().parent / "sources"  # the texts a source's `file` names

_SPACE = re.compile(r"\s+")
# Texts kept elsewhere than seed/sources/ (a draft's article is stored in Neo4j), by the `file` name citations use.
_PROVIDED: ContextVar[Mapping[str, str] | None] = ContextVar("provided_texts", default=None)


@contextmanager
def provided_texts(texts: Mapping[str, str]) -> Iterator[None]:
    """Check citations against these texts, as if stored under seed/sources/ by these names, while inside."""
    token = _PROVIDED.set({**(_PROVIDED.get() or {}), **texts})
    try:
        yield
    finally:
        _PROVIDED.reset(token)


def source_text(file: str) -> str | None:
    """A source's text with whitespace collapsed, or None when there is no such file."""
    provided = (_PROVIDED.get() or {}).get(file)
    if provided is not None:
        return _SPACE.sub(" ", provided)
    return _stored_text(file)


@functools.lru_cache(maxsize=64)
def _stored_text(file: str) -> str | None:
    path = (SOURCES_DIR / file).resolve()
    if SOURCES_DIR not in path.parents or not path.is_file():
        return None
    return _SPACE.sub(" ", path.read_text(encoding="utf-8"))


Found = list[tuple[int, str, str]]  # (citation index, field, message)


def citation_problems(cites: Sequence[CitationBase], files: dict[str, str | None]) -> Found:
    """(index, field, message) for each citation naming an unknown source, or whose words are not where it says.

    `files` maps every source id to its file (None without one)."""
    problems: Found = []
    for index, citation in enumerate(cites):
        via = getattr(citation, "via", None)
        for field, source in (("source", citation.source), ("via", via)):
            if source is not None and source not in files:
                close = difflib.get_close_matches(source, sorted(files), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                problems.append((index, field, f"unknown source '{source}'{hint}"))
        if problems and problems[-1][0] == index:
            continue
        quote, paraphrase = getattr(citation, "quote", None), getattr(citation, "paraphrase", None)
        # A quote is the cited source's words: in its own text, or else in the text of the source relaying it.
        holder = citation.source if files.get(citation.source) else via
        if quote and holder and files.get(holder):
            problems += _missing(index, "quote", quote, holder, files)
        if paraphrase and via and files.get(via):
            problems += _missing(index, "paraphrase", paraphrase, via, files)
    return problems


def unchecked(cites: Sequence[CitationBase], files: dict[str, str | None]) -> Found:
    """(index, field, message) for each quote or paraphrase no stored text can check: its source (or the
    relaying one) has only a URL. Allowed, but said, and marked `checked: false` in the API."""
    found: Found = []
    for index, citation in enumerate(cites):
        via = getattr(citation, "via", None)
        if getattr(citation, "quote", None) and not (files.get(citation.source) or (via and files.get(via))):
            found.append((index, "quote", f"not checked: no stored text of '{citation.source}' to find it in"))
        if getattr(citation, "paraphrase", None) and via and not files.get(via):
            found.append((index, "paraphrase", f"not checked: no stored text of '{via}' to find it in"))
    return found


def _missing(index: int, field: str, words: str, holder: str, files: dict[str, str | None]) -> Found:
    text = source_text(str(files[holder]))
    if text is None:
        return []  # reported once, on the source's `file`
    if _SPACE.sub(" ", words.strip()) in text:
        return []
    return [(index, field, f"not found word for word in the text of '{holder}' ({files[holder]}): copy it exactly")]


def file_problem(file: str | None) -> str | None:
    if file is not None and source_text(file) is None:
        return f"no file '{file}' under seed/sources/"
    return None


def unverified_warning(source_id: str) -> str:
    return f"'{source_id}' has neither a url nor a file: it is marked unverified"
