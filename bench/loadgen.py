"""The HTTP load generator: `wrk`, a C client, so that the client never is the bottleneck (a Python client
spends 1.7-2.7 ms of CPU per request and squeezes every ratio toward 1). Installed from Debian when missing."""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_post.lua"


@dataclass(frozen=True)
class Measurement:
    """One cell: `requests` answered in `seconds` at a fixed concurrency; latencies in ms."""

    concurrency: int
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    server_cpu_ms: float | None = None  # CPU time the server process spent, per request
    neo4j_cpu_ms: float | None = None  # ... and Neo4j's

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    """The path of `wrk`, installing Debian's package first if it is missing (the bench runs as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise RuntimeError("wrk is not on PATH and there is no apt-get to install it: install wrk (or run on Debian)")
    if not _apt_get("install", "-y", "-q", "wrk"):  # the package lists may be missing or stale
        _apt_get("update", "-q")
        _apt_get("install", "-y", "-q", "wrk")
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("could not install wrk with apt-get (see its messages above)")
    return found


def _apt_get(*arguments: str) -> bool:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(["apt-get", *arguments], stdout=subprocess.DEVNULL, env=env, check=False).returncode == 0


class LoadFailed(RuntimeError):
    """The server answered with errors (or not at all) under load: the figures would be meaningless."""

    def __init__(self, message: str, failed: int, socket_errors: int) -> None:
        super().__init__(message)
        self.failed = failed
        self.socket_errors = socket_errors


async def run_wrk(wrk: str, url: str, body: bytes, concurrency: int, seconds: float) -> Measurement:
    """POST `body` to `url` from `concurrency` keep-alive connections for `seconds` (whole, at least 1)."""
    with tempfile.NamedTemporaryFile(prefix="bench-body-", suffix=".json") as file:
        file.write(body)
        file.flush()
        process = await asyncio.create_subprocess_exec(
            wrk, "--threads", "1", "--connections", str(concurrency), "--duration", f"{max(1, math.ceil(seconds))}s",
            "--timeout", "60s", "--script", str(WRK_SCRIPT), url, "--", file.name,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
    text = out.decode(errors="replace")
    result = next((line.split()[1:] for line in text.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if process.returncode != 0 or result is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.decode(errors='replace').strip() or text}")
    requests, duration_us, p50, p95, p99, failed, socket_errors = (int(value) for value in result)
    if failed or socket_errors or not requests:
        example = next((line[14:] for line in text.splitlines() if line.startswith("BENCH_FAILURE ")), "")
        raise LoadFailed(
            f"{url} at c={concurrency}: {failed} failed answers and {socket_errors} socket errors "
            f"in {requests} requests {example or '(no answer within the cell: overloaded or stuck?)'}",
            failed,
            socket_errors,
        )
    return Measurement(concurrency, requests, duration_us / 1e6, p50 / 1000, p95 / 1000, p99 / 1000)
