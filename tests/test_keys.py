"""API keys that take effect at once: `strikegraph keys add`, `list` and `revoke` change what the running
service accepts without a restart, and the keys file stays owner-only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from api.auth import ApiKeyRecord, KeyRing, Role, add_key, hash_key, read_keys_file
from api.settings import Settings
from tests.http_apps import app_client

STRIKEGRAPH = str(Path(sys.executable).parent / "strikegraph")
CREATE_SOURCE = (
    'mutation { createNode(kind: SOURCE, input: {id: "%s", name: "%s", sourceKind: REPORT, date: "2026-11"}) { slug } }'
)


def _keys(keys_file: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIKEGRAPH_")}
    env["STRIKEGRAPH_API_KEYS_FILE"] = str(keys_file)
    return subprocess.run([STRIKEGRAPH, "keys", *arguments], env=env, capture_output=True, text=True, check=False)


async def test_keys_added_and_revoked_with_the_cli_take_effect_without_a_restart(
    settings: Settings, empty_graph: AsyncDriver, tmp_path: Path
) -> None:
    keys_file = tmp_path / "api-keys.json"
    async with app_client(settings, api_keys=[], api_keys_file=keys_file) as http:

        async def create(key: str, slug: str) -> dict[str, object]:
            headers = {"Authorization": f"Bearer {key}"}
            body: dict[str, object] = (
                await http.post("/graphql", json={"query": CREATE_SOURCE % (slug, slug)}, headers=headers)
            ).json()
            return body

        added = _keys(keys_file, "add", "alice", "--role", "editor")
        assert added.returncode == 0, added.stderr
        key = added.stdout.strip()
        assert key.startswith("sg_")
        assert (await create(key, "report-one"))["data"] == {"createNode": {"slug": "report-one"}}

        listed = _keys(keys_file, "list")
        assert "alice" in listed.stdout
        assert "editor" in listed.stdout
        assert key not in listed.stdout + listed.stderr

        revoked = _keys(keys_file, "revoke", "alice")
        assert revoked.returncode == 0, revoked.stderr
        refused = await create(key, "report-two")
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
        assert read_keys_file(keys_file) == []


def test_revoking_an_unknown_key_fails_with_a_message(tmp_path: Path) -> None:
    keys_file = tmp_path / "api-keys.json"
    add_key(keys_file, "alice", Role.EDITOR)
    result = _keys(keys_file, "revoke", "bob")
    assert result.returncode == 1
    assert "no key named 'bob'" in result.stderr
    assert [record.name for record in read_keys_file(keys_file)] == ["alice"]


def test_an_existing_keys_file_is_tightened_to_owner_only(tmp_path: Path) -> None:
    keys_file = tmp_path / "api-keys.json"
    record = ApiKeyRecord(name="old", role=Role.ADMIN, sha256=hash_key("sg_old"))
    keys_file.write_text(json.dumps({"keys": [record.model_dump(mode="json")]}))
    keys_file.chmod(0o644)
    assert KeyRing([], keys_file).caller("Bearer sg_old") is not None
    assert keys_file.stat().st_mode & 0o777 == 0o600


def test_keys_written_by_the_cli_are_owner_only(tmp_path: Path) -> None:
    keys_file = tmp_path / "nested" / "api-keys.json"
    add_key(keys_file, "alice", Role.READER)
    assert keys_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("content", ["{not json", '{"keys": [{"name": "x"}]}'])
def test_an_unreadable_keys_file_accepts_none_of_its_keys(tmp_path: Path, content: str) -> None:
    keys_file = tmp_path / "api-keys.json"
    key = add_key(keys_file, "alice", Role.EDITOR)
    ring = KeyRing([], keys_file)
    assert ring.caller(f"Bearer {key}") is not None
    keys_file.write_text(content)
    os.utime(keys_file, ns=(1, 1))  # a new mtime even on coarse clocks
    caller = ring.caller(f"Bearer {key}")
    assert caller is not None and caller.name == "", "the key must be refused while the file is broken"
