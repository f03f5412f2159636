"""Watches the local Neo4j that `serve` started: a Neo4j that dies is reaped (no zombie) and started again,
a few times at most, else `serve` exits non-zero rather than answer 503 for ever; /healthz reports it."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from api.database.local_neo4j import LauncherError, LocalNeo4j

log = logging.getLogger("strikegraph.neo4j")


@dataclass(frozen=True)
class LocalNeo4jState:
    state: str  # "running", "restarting" or "down"
    pid: int | None
    restarts: int

    def as_json(self) -> dict[str, object]:
        return {"state": self.state, "pid": self.pid, "restarts": self.restarts}


class Neo4jSupervisor:
    """A thread that checks every `interval` seconds that the server at `uri` (pid `pid`) still runs.
    At most `max_restarts` restarts within `window` seconds; past that, or when a restart fails,
    `on_give_up` is called once (serve stops, and exits non-zero)."""

    def __init__(
        self,
        local: LocalNeo4j,
        pid: int,
        uri: str,
        on_give_up: Callable[[str], None],
        *,
        max_restarts: int = 3,
        window: float = 300.0,
        interval: float = 0.5,
    ) -> None:
        self.local = local
        self.uri = uri
        self.on_give_up = on_give_up
        self.max_restarts = max_restarts
        self.window = window
        self.interval = interval
        self._state = LocalNeo4jState("running", pid, 0)
        self._restarted_at: deque[float] = deque()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="strikegraph-neo4j-supervisor", daemon=True)

    @property
    def state(self) -> LocalNeo4jState:
        return self._state

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (before `serve` stops Neo4j itself); waits for a restart under way."""
        self._stop.set()
        self._thread.join(timeout=120)

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            pid = self._state.pid
            if pid is None or _alive(pid):
                continue
            code = _reap(pid)
            if self._stop.is_set():
                return
            log.error("the local Neo4j (pid %d) died (%s); see %s", pid, code, self.local.console_log)
            if not self._restart():
                return

    def _restart(self) -> bool:
        now = time.monotonic()
        while self._restarted_at and now - self._restarted_at[0] > self.window:
            self._restarted_at.popleft()
        restarts = self._state.restarts
        if len(self._restarted_at) >= self.max_restarts:
            return self._give_up(f"it died {self.max_restarts + 1} times within {self.window:.0f}s")
        self._restarted_at.append(now)
        self._state = LocalNeo4jState("restarting", None, restarts)
        try:
            running = self.local.start()
        except LauncherError as error:
            return self._give_up(f"restarting it failed: {error}")
        if running.uri != self.uri:  # the driver looks where it was: another port is no use
            self.local.stop()
            return self._give_up(f"it could only start again at {running.uri}, not at {self.uri}")
        self._state = LocalNeo4jState("running", running.pid, restarts + 1)
        log.warning("the local Neo4j runs again (pid %d, restart %d)", running.pid, restarts + 1)
        return True

    def _give_up(self, reason: str) -> bool:
        self._state = LocalNeo4jState("down", None, self._state.restarts)
        log.error("the local Neo4j is down and stays down: %s; stopping", reason)
        self.on_give_up(reason)
        return False


def _alive(pid: int) -> bool:
    """True while the process runs; a zombie (exited, not yet reaped) is not alive."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def _reap(pid: int) -> str:
    """Collect the exit status of our child `pid` (so it leaves no zombie); how it ended."""
    with contextlib.suppress(ChildProcessError):
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit code {os.waitstatus_to_exitcode(status)}"
    return "not our child"
