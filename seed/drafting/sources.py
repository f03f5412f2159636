"""Registering an article as a source: its text stored under seed/sources/ (where the validator finds quotes),
named by its day and title, and known by its content hash, so the same text is stored once."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from seed.evidence import SOURCES_DIR

MAX_ARTICLE_CHARS = 200_000  # a long feature is ~60,000; more is not an article


@dataclass(frozen=True)
class Registered:
    file: str  # under seed/sources/
    sha256: str
    created: bool  # False: the same text was stored already


def slug(text: str, limit: int = 80) -> str:
    spaced = re.sub(r"[\u2010-\u2015]", " ", text)  # dashes separate words ("DGA-AMPTP")
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "untitled"


def register_article(text: str, published: dt.date, title: str) -> Registered:
    """Store `text` under seed/sources/ unless a file there holds the same text already."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"the article has {len(text):,} characters, over the limit of {MAX_ARTICLE_CHARS:,}")
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    for existing in sorted(SOURCES_DIR.glob("*.txt")):
        if existing.stat().st_size == len(data) and hashlib.sha256(existing.read_bytes()).hexdigest() == digest:
            return Registered(existing.name, digest, created=False)
    name = f"{published.isoformat()}-{slug(title, 60)}.txt"
    if (SOURCES_DIR / name).exists():
        name = f"{name.removesuffix('.txt')}-{digest[:8]}.txt"
    (SOURCES_DIR / name).write_bytes(data)
    return Registered(name, digest, created=True)
