"""Jaeger as a real trace store for the tests: built from its pinned Go module by tests/tools/install.sh
(minutes of compiling on a fresh machine, so started in the background as the session begins, at the lowest
CPU priority, while the other tests run), then started on free ports with observe/jaeger.yaml."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.database.local_neo4j import free_port
from api.settings import PROJECT_ROOT

INSTALL = PROJECT_ROOT / "tests" / "tools" / "install.sh"
GO_MOD = PROJECT_ROOT / "tests" / "tools" / "jaeger" / "go.mod"
CONFIG = PROJECT_ROOT / "observe" / "jaeger.yaml"
BUILD_LOG = PROJECT_ROOT / ".tools" / "jaeger-build.log"
BUILD_TIMEOUT_SECONDS = 1200.0


def binary() -> Path:
    version = next(
        line.split()[1]
        for line in GO_MOD.read_text().splitlines()
        if line.split()[:1] == ["github.com/jaegertracing/jaeger"]
    )
    return PROJECT_ROOT / ".tools" / f"jaeger-{version}"


_build: subprocess.Popen[bytes] | None = None


def start_build() -> None:
    """Build Jaeger in the background when it is missing (idempotent)."""
    global _build
    if _build is not None or binary().exists():
        return
    BUILD_LOG.parent.mkdir(exist_ok=True)
    _build = subprocess.Popen(
        ["nice", "-n", "19", str(INSTALL), "jaeger"], stdout=BUILD_LOG.open("wb"), stderr=subprocess.STDOUT
    )


def stop_build() -> None:
    if _build is not None and _build.poll() is None:
        _build.terminate()
        _build.wait(timeout=30)


def built() -> Path:
    """The binary, waiting for the background build when it runs."""
    start_build()
    if _build is not None:
        code = _build.wait(timeout=BUILD_TIMEOUT_SECONDS)
        assert code == 0, f"building Jaeger failed ({code}):\n{BUILD_LOG.read_text()[-3000:]}"
    path = binary()
    assert path.exists(), f"Jaeger is not at {path} (tests/tools/install.sh jaeger)"
    return path


@dataclass(frozen=True)
class Jaeger:
    otlp: str  # where OTLP/HTTP goes (OTEL_EXPORTER_OTLP_ENDPOINT)
    query: str  # its HTTP query API

    def trace(self, trace_id: str, wanted: int, timeout: float = 20.0) -> list[dict[str, object]]:
        """The trace's spans (Jaeger's JSON), once it holds at least `wanted` of them."""
        deadline = time.monotonic() + timeout
        while True:
            response = httpx.get(f"{self.query}/api/traces/{trace_id}", timeout=5)
            spans: list[dict[str, object]] = []
            if response.status_code == 200:
                spans = [span for trace in response.json()["data"] or [] for span in trace["spans"]]
            if len(spans) >= wanted or time.monotonic() > deadline:
                return spans
            time.sleep(0.2)


@contextmanager
def running_jaeger(folder: Path) -> Iterator[Jaeger]:
    otlp, query, grpc = free_port(), free_port(), free_port()
    environment = {
        **os.environ, "JAEGER_HOST": "127.0.0.1", "JAEGER_OTLP_PORT": str(otlp), "JAEGER_QUERY_PORT": str(query),
        "JAEGER_QUERY_GRPC_PORT": str(grpc), "OTEL_SDK_DISABLED": "true",  # Jaeger's own traces: nowhere to go
    }  # fmt: skip
    log = folder / "jaeger.log"
    process = subprocess.Popen(
        [str(built()), "--config", str(CONFIG)], env=environment, stdout=subprocess.DEVNULL, stderr=log.open("wb")
    )
    jaeger = Jaeger(f"http://127.0.0.1:{otlp}", f"http://127.0.0.1:{query}")
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(f"{jaeger.query}/api/services", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "Jaeger did not start:\n" + log.read_text()[-2000:]
            time.sleep(0.2)
        yield jaeger
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # it drains its pipelines first; the spans are not needed any more
            process.kill()
            process.wait(timeout=5)
