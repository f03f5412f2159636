"""`serve` watches the Neo4j it started: killed, it is reaped (no zombie) and started again, /healthz says
so meanwhile, and queries work again; killed once more than allowed, `serve` stops and exits non-zero
saying why. And a port taken while Neo4j starts is named as such. Each runs Neo4j of its own (throwaway
homes, free ports)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from neo4j import GraphDatabase

from api.database.local_neo4j import USER, LauncherError, LocalNeo4j, PortTaken, RunningNeo4j, free_port
from api.settings import PROJECT_ROOT
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


def test_a_port_taken_while_neo4j_starts_is_named_or_given_up_for_another(tmp_path: Path) -> None:
    """Two Neo4j starting at once on one port, as two `serve` on a fresh machine both choosing 7687: the
    one whose port the settings name says the port was taken (not "rejected the stored password"); the
    one that chose it itself moves to another free port."""
    port = free_port()
    named = LocalNeo4j(PROJECT_ROOT / ".neo4j", tmp_path / "named", port=port, heap="256m", pagecache="32m")
    chosen = LocalNeo4j(PROJECT_ROOT / ".neo4j", tmp_path / "chosen", heap="256m", pagecache="32m")
    (tmp_path / "chosen").mkdir()
    (tmp_path / "chosen" / "port").write_text(str(port))  # remembered from an earlier start

    def start(local: LocalNeo4j) -> RunningNeo4j | LauncherError:
        try:
            return local.start(timeout=120)
        except LauncherError as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(start, [named, chosen]))
    try:
        named_outcome, chosen_outcome = outcomes
        assert isinstance(chosen_outcome, RunningNeo4j), chosen_outcome
        if isinstance(named_outcome, LauncherError):  # the other one bound it first
            assert isinstance(named_outcome, PortTaken)
            assert f"port {port} on 127.0.0.1 was taken by another server while Neo4j started" in str(named_outcome)
            assert chosen_outcome.uri.endswith(f":{port}")
        else:  # the named one bound it first: the other moved
            assert named_outcome.uri.endswith(f":{port}")
            assert not chosen_outcome.uri.endswith(f":{port}")
            logs = [chosen.console_log, chosen.home / "logs" / "neo4j.log"]  # neo4j.log without a console
            assert any("Address already in use" in log.read_text(errors="replace") for log in logs)
        with GraphDatabase.driver(chosen_outcome.uri, auth=(USER, chosen_outcome.password)) as driver:
            driver.verify_connectivity()
    finally:
        named.stop()
        chosen.stop()
