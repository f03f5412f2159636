"""The service runs on a fresh machine: probes, GraphQL over HTTP, real uvicorn processes, the local
Neo4j launcher's errors, and a docker-compose.yml that agrees with the settings."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from neo4j import GraphDatabase

from api.database.graph import create_driver
from api.database.local_neo4j import LauncherError, LocalNeo4j, RunningNeo4j, free_port
from api.settings import NEO4J_VERSION, PROJECT_ROOT, Settings
from api.web.app import create_app
from tests.conftest import GraphQLClient

STRIKEGRAPH = str(Path(sys.executable).parent / "strikegraph")


async def test_healthz_answers_while_the_process_is_up(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    # No one subscribes; the response cache follows the trail.
    assert response.json() == {"status": "ok", "subscriptions": 0, "changeFeed": "following"}


async def test_readyz_is_200_while_neo4j_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readyz_is_503_with_a_reason_when_neo4j_is_unreachable(settings: Settings) -> None:
    dead = settings.with_neo4j(f"bolt://127.0.0.1:{free_port()}", "neo4j", "wrong")
    app = create_app(dead)
    app.state.driver = create_driver(dead)  # no lifespan: it would wait for the dead server
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.get("/readyz")
    finally:
        await app.state.driver.close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"]


async def test_graphql_answers_typename(gql: GraphQLClient) -> None:
    assert await gql.data("{ __typename }") == {"__typename": "Query"}


async def test_browsers_get_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def _wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {timeout}s")


def _serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [STRIKEGRAPH, "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=PROJECT_ROOT,
    )  # fmt: skip


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=60)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "STRIKEGRAPH_"))}


def test_serve_over_uvicorn_uses_neo4j_uri(neo4j_server: RunningNeo4j) -> None:
    port = free_port()
    env = _clean_env() | {
        "NEO4J_URI": neo4j_server.uri,
        "NEO4J_USER": neo4j_server.user,
        "NEO4J_PASSWORD": neo4j_server.password,
        "STRIKEGRAPH_SEED_ON_START": "false",
    }
    process = _serve(port, env)
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/readyz", process)
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"}).json()
        assert answer["data"] == {"__typename": "Query"}
    finally:
        assert _stop(process) == 0


def _neo4j_processes(home: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"CommunityEntryPoint" in cmdline and str(home).encode() in cmdline:
                pids.append(int(proc.name))
    return pids


def test_serve_starts_its_own_neo4j_seeds_it_and_stops_it_on_exit(tmp_path: Path) -> None:
    home = tmp_path / "neo4j"
    port = free_port()
    env = _clean_env() | {
        "STRIKEGRAPH_LOCAL_NEO4J_HOME": str(home),
        "STRIKEGRAPH_LOCAL_NEO4J_PORT": str(free_port()),
        "STRIKEGRAPH_LOCAL_NEO4J_HEAP": "512m",
        "STRIKEGRAPH_LOCAL_NEO4J_PAGECACHE": "64m",
    }
    process = _serve(port, env)
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/readyz", process, timeout=120)
        assert _neo4j_processes(home), "serve should have started a Neo4j in its own home"
        query = "{ __typename }"
        assert httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}).status_code == 200
        assert (home / "password").stat().st_mode & 0o077 == 0, "the password file must be owner-only"
        uri = f"bolt://127.0.0.1:{(home / 'port').read_text().strip()}"
        password = (home / "password").read_text().strip()
        with GraphDatabase.driver(uri, auth=("neo4j", password)) as neo4j:
            records, _, _ = neo4j.execute_query("MATCH (o:Organization {id: 'amptp'}) RETURN o.name AS name")
        assert records[0]["name"] == "Alliance of Motion Picture and Television Producers"
    finally:
        assert _stop(process) == 0
    assert _neo4j_processes(home) == [], "serve must stop the Neo4j it started"

    # A restart keeps the graph: the data lives in the instance folder.
    local = LocalNeo4j(PROJECT_ROOT / ".neo4j", home, heap="512m", pagecache="64m")
    running = local.start()
    try:
        with GraphDatabase.driver(running.uri, auth=(running.user, running.password)) as neo4j:
            records, _, _ = neo4j.execute_query("MATCH (n:Entity) RETURN count(n) AS nodes")
        assert records[0]["nodes"] > 30
    finally:
        local.stop()
    assert _neo4j_processes(home) == []


def test_neo4j_status_says_when_it_is_not_running(tmp_path: Path) -> None:
    env = _clean_env() | {"STRIKEGRAPH_LOCAL_NEO4J_HOME": str(tmp_path)}
    result = subprocess.run([STRIKEGRAPH, "neo4j", "status"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 3
    assert "not running" in result.stderr


def test_launcher_refuses_a_taken_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        local = LocalNeo4j(PROJECT_ROOT / ".neo4j", tmp_path, port=port)
        with pytest.raises(LauncherError, match=f"port {port} on 127.0.0.1 is taken"):
            local.start()


def test_launcher_says_when_java_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LauncherError, match="Java is not on PATH"):
        LocalNeo4j(tmp_path / "cache", tmp_path / "home").start()


def test_launcher_says_when_maven_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LauncherError, match=r"Maven \(mvn\) is not on PATH"):
        LocalNeo4j(tmp_path / "cache", tmp_path / "home").classpath()


def test_launcher_says_when_the_download_fails(tmp_path: Path) -> None:
    local = LocalNeo4j(tmp_path / "cache", tmp_path / "home", version="0.0.0-no-such-version")
    with pytest.raises(LauncherError, match=re.escape("downloading Neo4j 0.0.0-no-such-version with Maven failed")):
        local.classpath()


def test_docker_compose_agrees_with_the_settings_and_the_launcher() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    image, tag = neo4j["image"].split(":")
    assert image == "neo4j"
    assert tag.endswith("-community")
    assert NEO4J_VERSION.startswith(tag.removesuffix("-community") + ".")
    assert "healthcheck" in neo4j
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["build"] == "."
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert any(port.endswith(f":{Settings.model_fields['port'].default}") for port in api["ports"])
    known = set()
    for name, field in Settings.model_fields.items():
        aliases = getattr(field.validation_alias, "choices", None) or []
        known |= {str(alias) for alias in aliases} | {f"STRIKEGRAPH_{name.upper()}"}
    known |= {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"}  # the OpenTelemetry SDK's own (api/tracing.py)
    assert set(api["environment"]) <= known
    for service in ("prometheus", "jaeger"):  # the `observe` profile, its files in the repository
        assert compose["services"][service]["profiles"] == ["observe"]
    for volume in compose["services"]["prometheus"]["volumes"]:
        assert (PROJECT_ROOT / volume.split(":")[0]).is_file(), volume
    password = api["environment"]["NEO4J_PASSWORD"]
    assert neo4j["environment"]["NEO4J_AUTH"] == f"neo4j/{password}"
