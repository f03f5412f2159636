"""A real Prometheus (Debian's, installed by tests/tools/install.sh) scrapes the running service, and its own
HTTP API finds the request series and the change feed's; promtool checks the example alert file, which the
same Prometheus loads."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from api.database.local_neo4j import free_port
from api.settings import PROJECT_ROOT

ALERTS = PROJECT_ROOT / "observe" / "alerts.yml"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        subprocess.run([str(PROJECT_ROOT / "tests" / "tools" / "install.sh"), "prometheus"], check=True)
        path = shutil.which(name)
    assert path is not None, f"{name} is not installed (tests/tools/install.sh prometheus)"
    return path


@pytest.fixture
def prometheus(live_url: str, tmp_path: Path) -> Iterator[str]:
    """Prometheus scraping the live server every second, with the example alerts; yields its URL."""
    target = urlsplit(live_url).netloc
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: [{ALERTS}]\n"
        "scrape_configs:\n"
        f"  - {{job_name: strikegraph, metrics_path: /metrics, static_configs: [{{targets: ['{target}']}}]}}\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [_tool("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "prometheus.log").open("wb"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "prometheus.log").read_text()[-2000:]
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "Prometheus did not become ready"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _query(url: str, promql: str, timeout: float = 20.0) -> list[dict[str, Any]]:
    """The instant query's series, once it has any (scrapes come every second)."""
    deadline = time.monotonic() + timeout
    while True:
        body = httpx.get(f"{url}/api/v1/query", params={"query": promql}, timeout=5).json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_the_example_alerts_are_valid_rules() -> None:
    checked = subprocess.run([_tool("promtool"), "check", "rules", str(ALERTS)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 4 rules found" in checked.stdout


@pytest.mark.usefixtures("seeded")
def test_prometheus_scrapes_the_service_and_finds_its_requests_and_the_change_feed(
    prometheus: str, live_url: str
) -> None:
    answered = httpx.post(f"{live_url}/graphql", json={"query": "query Strikes { strikes { slug } }"}, timeout=10)
    assert answered.status_code == 200
    operations = _query(prometheus, 'graphql_server_operations_total{graphql_operation_type="query",outcome="ok"}')
    assert operations and float(operations[0]["value"][1]) >= 1
    durations = _query(prometheus, 'http_server_request_duration_seconds_count{http_route="/graphql"}')
    assert any(series["metric"]["http_response_status_code"] == "200" for series in durations)
    [age] = _query(prometheus, "strikegraph_change_feed_age_seconds")
    assert 0 <= float(age["value"][1]) < 1.0
    assert _query(prometheus, 'up{job="strikegraph"} == 1')
    rules = httpx.get(f"{prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
    assert {rule["name"] for group in rules for rule in group["rules"]} == {
        "StrikegraphNeo4jUnavailable", "StrikegraphSlowRequests", "StrikegraphChangeFeedBehind",
        "StrikegraphChangeFeedErrors",
    }  # fmt: skip
