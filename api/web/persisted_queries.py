"""Persisted queries: Apollo's automatic persisted queries (a client sends a document's SHA-256 first and the
document only when the server asks), and an allow-list mode that runs only the operations a front-end build
listed. Both keep request bodies small; the allow-list also shuts out ad-hoc documents in production."""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from api.web.middleware import RequestRefused

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class AllowList:
    """The operations a front-end may run, from a JSON file: either `{"<id>": "<document>", ...}` (what
    relay-compiler's persisted output and most APQ manifest tools write) or Apollo's persisted query
    manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, ...]}`).
    An operation is found by its id or by the SHA-256 of its text."""

    def __init__(self, documents: dict[str, str]) -> None:
        self._by_id = {key.lower(): text for key, text in documents.items()}
        self._by_hash = {sha256_of(text): text for text in documents.values()}

    @classmethod
    def from_file(cls, path: Path) -> AllowList:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"persisted query allow-list {path}: {error}") from None
        if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
            operations = data.get("operations")
            if not isinstance(operations, list):
                raise ValueError(f"persisted query allow-list {path}: `operations` must be a list")
            data = {op.get("id"): op.get("body") for op in operations if isinstance(op, dict)}
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise ValueError(f"persisted query allow-list {path}: expected a JSON object of id -> GraphQL document")
        return cls(data)

    def __len__(self) -> int:
        return len(self._by_id)

    def by_id(self, key: str) -> str | None:
        return self._by_id.get(key.lower()) or self._by_hash.get(key.lower())

    def contains(self, document: str) -> bool:
        return sha256_of(document) in self._by_hash


class PersistedQueryStore:
    """The documents clients registered with their hashes: least recently used ones go first once either
    bound (entries or bytes of text) is reached, so no client can make it grow without limit."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._documents: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._documents)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, digest: str) -> str | None:
        document = self._documents.get(digest)
        if document is not None:
            self._documents.move_to_end(digest)
        return document

    def put(self, digest: str, document: str) -> None:
        size = len(document.encode())
        if digest in self._documents or size > self.max_bytes or self.max_entries <= 0:
            return
        self._documents[digest] = document
        self._bytes += size
        while len(self._documents) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._documents.popitem(last=False)
            self._bytes -= len(evicted.encode())


class PersistedQueries:
    """Turns a request's `query` and `extensions.persistedQuery` into the document to run, or refuses."""

    def __init__(self, store: PersistedQueryStore, allow_list: AllowList | None = None) -> None:
        self.store = store
        self.allow_list = allow_list

    def document(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        persisted = (extensions or {}).get("persistedQuery")
        digest = _requested_hash(persisted) if persisted is not None else None
        if self.allow_list is not None:
            return self._allowed(query, digest)
        if digest is None:
            return query
        if query is None:
            document = self.store.get(digest)
            if document is None:
                # Apollo clients answer this (message and code, HTTP 200) by sending the document with its hash.
                raise RequestRefused(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            return document
        if sha256_of(query) != digest:
            raise RequestRefused(400, "BAD_REQUEST", "provided sha does not match query: sha256Hash must be the "
                                 "SHA-256 (hex) of the UTF-8 text of `query`")  # fmt: skip
        self.store.put(digest, query)
        return query

    def _allowed(self, query: str | None, digest: str | None) -> str | None:
        assert self.allow_list is not None
        if digest is not None:
            document = self.allow_list.by_id(digest)
            if document is None or (query is not None and sha256_of(query) != sha256_of(document)):
                raise _not_in_list()
            return document
        if query is not None and not self.allow_list.contains(query):
            raise _not_in_list()
        return query


def _requested_hash(persisted: object) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestRefused(400, "BAD_REQUEST", "extensions.persistedQuery must be {\"version\": 1, "
                             "\"sha256Hash\": \"<64 hex digits>\"}")  # fmt: skip
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.match(digest):
        raise RequestRefused(400, "BAD_REQUEST", "extensions.persistedQuery.sha256Hash must be 64 hex digits")
    return digest.lower()


def _not_in_list() -> RequestRefused:
    return RequestRefused(
        400,
        "PERSISTED_QUERY_NOT_IN_LIST",
        "this server runs only the operations on its allow-list, and this one is not",
    )
