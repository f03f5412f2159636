"""`serve` watches the Neo4j it started: killed, it is reaped (no zombie) and started again, /healthz says
so meanwhile, and queries work again; killed once more than allowed, `serve` stops and exits non-zero
saying why. Runs `strikegraph serve` with a Neo4j of its own (throwaway home, free ports)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from api.neo4j_local import free_port
from tests.test_runtime import STRIKEGRAPH, _clean_env, _neo4j_processes, _wait_for_http


def _health(url: str) -> tuple[int, dict[str, Any]]:
    response = httpx.get(url + "/healthz", timeout=5)
    return response.status_code, response.json()


def _wait_for(what: str, check: Any, timeout: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"{what} not within {timeout:.0f}s"
        time.sleep(0.1)
    return time.monotonic() - started


def test_serve_restarts_the_neo4j_it_started_then_gives_up_past_the_limit(tmp_path: Path) -> None:
    home, port = tmp_path / "neo4j", free_port()
    url = f"http://127.0.0.1:{port}"
    env = _clean_env() | {
        "STRIKEGRAPH_PORT": str(port),
        "STRIKEGRAPH_SEED_ON_START": "false",
        "STRIKEGRAPH_LOCAL_NEO4J_HOME": str(home),
        "STRIKEGRAPH_LOCAL_NEO4J_PORT": str(free_port()),
        "STRIKEGRAPH_LOCAL_NEO4J_HEAP": "512m",
        "STRIKEGRAPH_LOCAL_NEO4J_PAGECACHE": "64m",
        "STRIKEGRAPH_LOCAL_NEO4J_MAX_RESTARTS": "1",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen([STRIKEGRAPH, "serve"], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_http(url + "/readyz", process, timeout=120)
        status, health = _health(url)
        assert (status, health["localNeo4j"]) == (
            200,
            {"state": "running", "pid": health["localNeo4j"]["pid"], "restarts": 0},
        )
        [first] = _neo4j_processes(home)

        os.kill(first, signal.SIGKILL)
        _wait_for("the dead Neo4j reaped", lambda: not Path(f"/proc/{first}").exists(), timeout=10)  # no zombie
        status, health = _health(url)
        if health["localNeo4j"]["state"] != "running":  # unless the restart was already done
            assert (status, health["status"], health["localNeo4j"]["state"]) == (503, "unavailable", "restarting")
        _wait_for("the restarted Neo4j", lambda: _health(url)[1]["localNeo4j"]["state"] == "running", timeout=120)
        assert _health(url)[1]["localNeo4j"]["restarts"] == 1
        [second] = _neo4j_processes(home)
        assert second != first
        _wait_for_http(url + "/readyz", process, timeout=60)  # the driver finds it again, same port
        answer = httpx.post(url + "/graphql", json={"query": "{ strikes { slug } }"}, timeout=30).json()
        assert "errors" not in answer, answer

        os.kill(second, signal.SIGKILL)  # one more than allowed
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    output_text = log.read_text(errors="replace")
    assert process.returncode == 1, output_text[-3000:]
    assert "the local Neo4j this command started is down: it died 2 times within 300s" in output_text
    assert _neo4j_processes(home) == []
