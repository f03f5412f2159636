"""The GraphQL-over-HTTP spec audit (graphql-http's `auditServer`, pinned in tests/http_audit/) against the
real server on a socket: any failed MUST or SHOULD fails the build."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

AUDIT = Path(__file__).resolve().parent / "http_audit" / "audit.mjs"
INSTALL = Path(__file__).resolve().parent / "tools" / "install.sh"


@pytest.fixture(scope="module")
def audit_script() -> Path:
    subprocess.run([str(INSTALL), "audit"], check=True)  # `npm ci` once; the lock file pins graphql-http
    return AUDIT


def test_the_graphql_over_http_audit_finds_no_must_or_should_failure(live_url: str, audit_script: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed for the GraphQL-over-HTTP audit"
    run = subprocess.run(
        [node, str(audit_script), f"{live_url}/graphql"], capture_output=True, text=True, check=True, timeout=300
    )
    audits = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(audits) >= 61, run.stdout + run.stderr
    failed = [f"{a['id']} {a['name']}: {a['reason']}" for a in audits if a["status"] in ("error", "warn")]
    assert failed == []
