"""Bearer API keys, stored only as SHA-256 hashes, with roles: reader < editor < admin.

Keys come from the settings (`STRIKEGRAPH_API_KEYS`, JSON) and from a keys file kept outside the
repository (`STRIKEGRAPH_API_KEYS_FILE`, default ~/.config/strikegraph/api-keys.json), which
`strikegraph keys add` writes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import strawberry
from pydantic import BaseModel, ConfigDict, Field
from strawberry.permission import BasePermission

from api.errors import Forbidden, Unauthenticated


@strawberry.enum(description="What an API key may do: read (when reads need a key), edit facts, administer.")
class Role(Enum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return [Role.READER, Role.EDITOR, Role.ADMIN].index(self)


class ApiKeyRecord(BaseModel):
    """A key as stored: its name (recorded in the audit trail), role and hash; never the key itself."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    role: Role
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role


INVALID_KEY = Caller(name="", role=Role.READER)  # a key was sent but matches none


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def read_keys_file(path: Path | None) -> list[ApiKeyRecord]:
    if path is None or not path.exists():
        return []
    data = json.loads(path.read_text())
    return [ApiKeyRecord.model_validate(entry) for entry in data.get("keys", [])]


def add_key(path: Path, name: str, role: Role) -> str:
    """Create a key, store its hash in `path` (owner-only) and return the key, shown once."""
    records = [record for record in read_keys_file(path) if record.name != name]
    key = "sg_" + secrets.token_urlsafe(32)
    records.append(ApiKeyRecord(name=name, role=role, sha256=hash_key(key)))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"keys": [record.model_dump(mode="json") for record in records]}, handle, indent=2)
    return key


class KeyRing:
    def __init__(self, records: list[ApiKeyRecord]) -> None:
        self._by_hash = {record.sha256: record for record in records}

    def caller(self, authorization: str | None) -> Caller | None:
        """None without a key; INVALID_KEY when the key matches none."""
        if not authorization:
            return None
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return INVALID_KEY
        digest = hash_key(key.strip())
        for known, record in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return Caller(record.name, record.role)
        return INVALID_KEY


def require_role(caller: Caller | None, role: Role) -> Caller:
    if caller is None:
        raise Unauthenticated("this needs an API key: send `Authorization: Bearer <key>`")
    if caller is INVALID_KEY:
        raise Unauthenticated("the API key is not valid")
    if caller.role.rank < role.rank:
        raise Forbidden(f"this needs the {role.value} role; the key '{caller.name}' is {caller.role.value}")
    return caller


class _RolePermission(BasePermission):
    role: Role

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        require_role(info.context.caller, self.role)
        return True


class IsEditor(_RolePermission):
    role = Role.EDITOR


class IsAdmin(_RolePermission):
    role = Role.ADMIN
