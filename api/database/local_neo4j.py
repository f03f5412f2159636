"""A Neo4j community server that the project obtains and runs itself, so a fresh machine needs no Docker.

The jars come from Maven Central (`org.neo4j:neo4j` holds the community server entry point) into a
git-ignored cache; each instance is a folder with its own config, data, logs, password and port.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from api.settings import NEO4J_VERSION, Settings

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
POM = Path(__file__).resolve().parent / "neo4j_runtime" / "pom.xml"
PREFERRED_PORT = 7687
USER = "neo4j"
# What the first download puts in the Maven cache (Neo4j's ~210 jars plus Maven's own plugins), for progress.
DOWNLOAD_BYTES = 144_000_000
# Seconds a password refusal is taken for another server on our port, until our own says it could not bind.
BIND_FAILURE_GRACE = 20.0

DownloadProgress = Callable[[int], None]

# Flags the official `bin/neo4j` script passes to the JVM on Java 17.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Dfile.encoding=UTF-8",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
]


class LauncherError(RuntimeError):
    """A one-line, user-facing reason why the local Neo4j could not be installed, started or stopped."""


class PortTaken(LauncherError):
    """Another server bound the Bolt port between the check that it was free and Neo4j binding it."""


@dataclass(frozen=True)
class RunningNeo4j:
    uri: str
    user: str
    password: str
    pid: int
    home: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class LocalNeo4j:
    """One local Neo4j instance: `cache_dir` holds the jars (shared), `home` its config, data and logs."""

    cache_dir: Path
    home: Path
    port: int = 0
    heap: str = "1g"
    pagecache: str = "512m"
    version: str = NEO4J_VERSION

    def __post_init__(self) -> None:
        # Maven and the JVM resolve relative paths against their own working directories.
        self.cache_dir = self.cache_dir.resolve()
        self.home = self.home.resolve()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalNeo4j:
        return cls(
            cache_dir=settings.neo4j_cache_dir,
            home=settings.local_neo4j_home,
            port=settings.local_neo4j_port,
            heap=settings.local_neo4j_heap,
            pagecache=settings.local_neo4j_pagecache,
        )

    # -- files -----------------------------------------------------------------------------------------

    @property
    def _classpath_file(self) -> Path:
        return self.cache_dir / "dist" / f"neo4j-{self.version}.classpath"

    @property
    def _pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def _port_file(self) -> Path:
        return self.home / "port"

    @property
    def _password_file(self) -> Path:
        return self.home / "password"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    # -- install ---------------------------------------------------------------------------------------

    def _cached_classpath(self) -> str | None:
        cached = self._classpath_file
        if cached.exists():
            entries = cached.read_text().strip()
            if entries and all(Path(jar).exists() for jar in entries.split(os.pathsep)):
                return entries
        return None

    def needs_download(self) -> bool:
        return self._cached_classpath() is None

    def classpath(self, on_download: DownloadProgress | None = None) -> str:
        """The jars of Neo4j `version`, downloading them with Maven only when the cache lacks any;
        `on_download` hears the bytes in the Maven cache a few times a second while that runs."""
        cached = self._classpath_file
        entries = self._cached_classpath()
        if entries is not None:
            return entries
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LauncherError("Maven (mvn) is not on PATH: it is needed once to download Neo4j from Maven Central")
        cached.parent.mkdir(parents=True, exist_ok=True)
        command = [
            mvn, "-B", "-q", "-f", str(POM),
            f"-Dneo4j.version={self.version}",
            f"-Dmaven.repo.local={self.cache_dir / 'm2'}",
            "dependency:build-classpath",
            "-Dmdep.includeScope=runtime",
            f"-Dmdep.outputFile={cached}",
        ]  # fmt: skip
        returncode, output = _run_watching(command, self.cache_dir / "m2", on_download)
        if returncode != 0 or not cached.exists():
            detail = _last_error_line(output)
            raise LauncherError(f"downloading Neo4j {self.version} with Maven failed: {detail}")
        return cached.read_text().strip()

    # -- lifecycle -------------------------------------------------------------------------------------

    def pid(self) -> int | None:
        """The pid of this instance's server if it is running."""
        try:
            pid = int(self._pid_file.read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if ENTRY_POINT.encode() in cmdline and str(self.home).encode() in cmdline else None

    def connection(self) -> RunningNeo4j | None:
        pid = self.pid()
        if pid is None:
            return None
        port = int(self._port_file.read_text())
        return RunningNeo4j(f"bolt://127.0.0.1:{port}", USER, self._password_file.read_text().strip(), pid, self.home)

    def start(self, timeout: float = 90.0, on_download: DownloadProgress | None = None) -> RunningNeo4j:
        """Start the server (or return the running one) and wait until Bolt accepts our credentials. A port
        chosen here and taken by another server before ours bound it is given up for another free one."""
        running = self.connection()
        if running is not None:
            return running
        java = shutil.which("java")
        if java is None:
            raise LauncherError("Java is not on PATH: Neo4j 5 needs Java 17 (e.g. apt-get install openjdk-17-jre)")
        classpath = self.classpath(on_download)
        for attempt in range(3):
            try:
                return self._start_on(self._choose_port(), java, classpath, timeout)
            except PortTaken:
                if self.port or attempt == 2:  # a port the settings name is not ours to change
                    raise
                self._port_file.unlink(missing_ok=True)
        raise AssertionError("unreachable")

    def _start_on(self, port: int, java: str, classpath: str, timeout: float) -> RunningNeo4j:
        self._write_config(port)
        password = self._ensure_password(java, classpath)
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        logs = {path: path.stat().st_size if path.exists() else 0 for path in self._start_logs}
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(
                [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *JVM_FLAGS, "-cp", classpath, ENTRY_POINT,
                 f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,  # outlives `strikegraph neo4j start`
            )  # fmt: skip
        self._pid_file.write_text(str(process.pid))
        uri = f"bolt://127.0.0.1:{port}"
        self._wait_for_bolt(process, uri, password, timeout, logs)
        return RunningNeo4j(uri, USER, password, process.pid, self.home)

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server; False if it was not running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not Path(f"/proc/{pid}").exists() or _is_zombie(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        self._pid_file.unlink(missing_ok=True)
        return True

    # -- offline tools ---------------------------------------------------------------------------------

    def admin(
        self, arguments: list[str], on_line: Callable[[str], None] | None = None, cwd: Path | None = None
    ) -> tuple[int, list[str]]:
        """Run `neo4j-admin ARGUMENTS` (Neo4j's AdminTool, from the same jars) on this instance's files, in
        `cwd`, with its output going line by line to `on_line`; the exit code and the last lines of output."""
        java = shutil.which("java")
        if java is None:
            raise LauncherError("Java is not on PATH: Neo4j 5 needs Java 17 (e.g. apt-get install openjdk-17-jre)")
        if not (self.home / "conf" / "neo4j.conf").exists():
            self._write_config(self._choose_port())
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        tail: list[str] = []
        with subprocess.Popen(
            [java, *JVM_FLAGS, "-cp", self.classpath(), ADMIN_TOOL, *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, env=env, cwd=cwd,
        ) as process:  # fmt: skip
            assert process.stdout is not None
            for line in process.stdout:
                tail = [*tail[-39:], line.rstrip()]
                if on_line:
                    on_line(line.rstrip())
        return process.returncode, tail

    def store_folders(self, database: str) -> list[Path]:
        """Where `database` keeps its store and its transaction logs."""
        data = self.home / "data"
        return [data / "databases" / database, data / "transactions" / database]

    # -- internals -------------------------------------------------------------------------------------

    def _choose_port(self) -> int:
        if self.port:
            if not port_is_free(self.port):
                raise LauncherError(f"port {self.port} on 127.0.0.1 is taken: set STRIKEGRAPH_LOCAL_NEO4J_PORT")
            return self.port
        if self._port_file.exists():
            remembered = int(self._port_file.read_text())
            if port_is_free(remembered):
                return remembered
        port = PREFERRED_PORT if port_is_free(PREFERRED_PORT) else free_port()
        self.home.mkdir(parents=True, exist_ok=True)
        self._port_file.write_text(str(port))
        return port

    def _write_config(self, port: int) -> None:
        for folder in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        self._port_file.write_text(str(port))
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{port}",
            "server.bolt.advertised_address": f"127.0.0.1:{port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "server.memory.heap.initial_size": self.heap,
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "db.tx_log.rotation.retention_policy": "1 files",
            # Bolt otherwise waits ~10s for idle connections and threads on shutdown.
            "internal.server.bolt.connection_shutdown_wait_time": "1s",
            "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
            "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
            "internal.dbms.bolt.netty_server_shutdown_timeout": "2s",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.run": str(self.home / "run"),
            "server.directories.import": str(self.home / "import"),
            "server.directories.plugins": str(self.home / "plugins"),
        }
        lines = ["# Written by strikegraph (api/database/local_neo4j.py) on every start; edit the settings instead."]
        lines += [f"{key}={value}" for key, value in settings.items()]
        (self.home / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n")

    def _ensure_password(self, java: str, classpath: str) -> str:
        """A generated password, set before the first start and kept owner-only in the instance folder."""
        if self._password_file.exists():
            return self._password_file.read_text().strip()
        password = secrets.token_hex(24)  # hex: a leading "-" would read as an option to the admin tool
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        result = subprocess.run(
            [java, "-cp", classpath, ADMIN_TOOL, "dbms", "set-initial-password", password],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise LauncherError(f"setting the Neo4j password failed: {_last_error_line(result.stderr)}")
        fd = os.open(self._password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        return password

    def _wait_for_bolt(
        self, process: subprocess.Popen[bytes], uri: str, password: str, timeout: float, logs: dict[Path, int]
    ) -> None:
        deadline = time.monotonic() + timeout
        rejected: tuple[float, AuthError] | None = None
        while time.monotonic() < deadline:
            if self._bind_failed(logs):  # before and after it exits (it logs, then stops)
                self.stop()
                port = uri.rsplit(":", 1)[1]
                raise PortTaken(
                    f"port {port} on 127.0.0.1 was taken by another server while Neo4j started "
                    f"(its log: Address already in use); see {self.home / 'logs'}"
                )
            if process.poll() is not None and not self._bind_failed(logs):
                self._pid_file.unlink(missing_ok=True)
                raise LauncherError(f"Neo4j exited during start-up: {self._log_tail()} (see {self.console_log})")
            if rejected is not None:
                # Asked once only: each wrong password counts towards the answering server's lockout
                # (3 in a row lock its user for 5 s), and that server may be another `serve`'s Neo4j.
                if time.monotonic() - rejected[0] > BIND_FAILURE_GRACE:
                    self.stop()
                    raise LauncherError(
                        f"Neo4j rejected the stored password in {self._password_file}: {rejected[1]}"
                    ) from None
                time.sleep(0.25)
                continue
            try:
                with GraphDatabase.driver(uri, auth=(USER, password), connection_timeout=2.0) as driver:
                    driver.verify_connectivity()
                return
            except (ServiceUnavailable, OSError):
                time.sleep(0.25)
            except AuthError as error:
                # Another server on the port answers while ours fails to bind it: its log will say so.
                rejected = (time.monotonic(), error)
        self.stop()
        raise LauncherError(f"Neo4j did not answer on {uri} within {timeout:.0f}s (see {self.console_log})")

    @property
    def _start_logs(self) -> list[Path]:
        # Neo4j writes to its output, or only to neo4j.log when it sees no console ("daemon mode").
        return [self.console_log, self.home / "logs" / "neo4j.log"]

    def _bind_failed(self, logs: dict[Path, int]) -> bool:
        """Whether this start's logs (past their sizes before it) say the Bolt port could not be bound."""
        for path, offset in logs.items():
            with contextlib.suppress(OSError), path.open("rb") as log:
                log.seek(offset)
                if b"Address already in use" in log.read():
                    return True
        return False

    def _log_tail(self) -> str:
        lines: list[str] = []
        for path in self._start_logs:
            with contextlib.suppress(OSError):
                lines += [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
        errors = [line for line in lines if "ERROR" in line or "Exception" in line]
        return (errors or lines or ["no output"])[-1].strip()


def _run_watching(command: list[str], folder: Path, on_progress: DownloadProgress | None) -> tuple[int, str]:
    """Run `command` to completion, telling `on_progress` how many bytes `folder` holds as it grows."""
    if on_progress is None:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        return result.returncode, result.stdout + result.stderr
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True)
        while process.poll() is None:
            on_progress(_folder_bytes(folder))
            time.sleep(0.25)
        on_progress(_folder_bytes(folder))
        output.seek(0)
        return process.returncode, output.read()


def _folder_bytes(folder: Path) -> int:
    total = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(directory, name)).st_size
    return total


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def _last_error_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("[ERROR]")]
    return (errors or lines or ["no output"])[0][:300]
