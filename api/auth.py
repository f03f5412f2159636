"""Bearer API keys, stored only as SHA-256 hashes, with roles: reader < editor < admin.

Keys come from the settings (`STRIKEGRAPH_API_KEYS`, JSON) and from a keys file kept outside the
repository (`STRIKEGRAPH_API_KEYS_FILE`, default ~/.config/strikegraph/api-keys.json), which
`strikegraph keys add` and `keys revoke` write; the running service reads it again when it changes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from api.errors import Forbidden, Unauthenticated

log = logging.getLogger("strikegraph.auth")


class Role(Enum):
    """What an API key may do: read (when reads need a key), edit facts, administer."""

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
    """The keys stored in `path` (none if it does not exist); a file others can read is made owner-only."""
    if path is None or not path.exists():
        return []
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
        log.warning("%s was readable by others; it is now owner-only (0600)", path)
    data = json.loads(path.read_text())
    return [ApiKeyRecord.model_validate(entry) for entry in data.get("keys", [])]


def _write_keys_file(path: Path, records: list[ApiKeyRecord]) -> None:
    """Replace the file in one step (a new owner-only file renamed over the old), so a running service
    never reads half a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # created 0600
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump({"keys": [record.model_dump(mode="json") for record in records]}, handle, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def add_key(path: Path, name: str, role: Role) -> str:
    """Create a key, store its hash in `path` (owner-only) and return the key, shown once. A key of the
    same name is replaced."""
    records = [record for record in read_keys_file(path) if record.name != name]
    key = "sg_" + secrets.token_urlsafe(32)
    records.append(ApiKeyRecord(name=name, role=role, sha256=hash_key(key)))
    _write_keys_file(path, records)
    return key


def revoke_key(path: Path, name: str) -> bool:
    """Remove the key called `name`; False if there was none."""
    records = read_keys_file(path)
    kept = [record for record in records if record.name != name]
    if len(kept) == len(records):
        return False
    _write_keys_file(path, kept)
    return True


class KeyRing:
    """The keys a running service accepts: those from the settings plus the keys file, which is read
    again whenever it changes (checked with one stat per request), so `keys add` and `keys revoke` take
    effect at once. A keys file that cannot be read accepts none of its keys (and says why in the log)."""

    def __init__(self, records: list[ApiKeyRecord], path: Path | None = None) -> None:
        self._static = list(records)
        self._path = path
        self._seen: tuple[int, int, int] | None = None
        self._loaded = False
        self._by_hash: dict[str, ApiKeyRecord] = {}
        self._refresh()

    def _refresh(self) -> None:
        try:
            stat = self._path.stat() if self._path is not None else None
        except OSError:
            stat = None
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size) if stat is not None else None
        if self._loaded and seen == self._seen:
            return
        try:
            from_file = read_keys_file(self._path) if stat is not None else []
        except (OSError, ValueError) as error:
            log.error("API keys file %s could not be read, its keys are refused until fixed: %s", self._path, error)
            from_file = []
        self._by_hash = {record.sha256: record for record in [*self._static, *from_file]}
        self._seen = seen
        self._loaded = True

    def caller(self, authorization: str | None) -> Caller | None:
        """None without a key; INVALID_KEY when the key matches none."""
        if not authorization:
            return None
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return INVALID_KEY
        self._refresh()
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
