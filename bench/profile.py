"""Where a server spends its CPU under load: py-spy samples the running process (no restart, no
instrumentation), and the stacks become a short table of functions by cumulative share of samples."""

from __future__ import annotations

import asyncio
import math
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from api.settings import PROJECT_ROOT


@dataclass(frozen=True)
class ProfileRow:
    function: str  # name (file:first line)
    cumulative: float  # share of busy samples with the function on the stack
    own: float  # share of busy samples in the function itself


@dataclass(frozen=True)
class Profile:
    read: str
    samples: int
    rows: list[ProfileRow]
    packages: list[tuple[str, float]]  # share of busy samples spent in each package's own code


def py_spy() -> str:
    """py-spy from the dev extras (a PyPI wheel that ships the binary)."""
    beside = Path(sys.executable).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise RuntimeError("py-spy is missing: `pip install -e '.[dev]'` installs it (the bench profiles with it)")
    return found


async def record(pid: int, seconds: float, rate: int = 250) -> str:
    """Sample process `pid` for `seconds` (whole, at least 1); the stacks in py-spy's collapsed format."""
    with tempfile.NamedTemporaryFile(prefix="bench-profile-", suffix=".txt") as output:
        process = await asyncio.create_subprocess_exec(
            py_spy(), "record", "--pid", str(pid), "--duration", str(max(1, math.ceil(seconds))),
            "--rate", str(rate), "--format", "raw", "--function", "--nonblocking", "--output", output.name,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"py-spy failed ({process.returncode}): {out.decode(errors='replace').strip()}")
        return Path(output.name).read_text()


def _short(frame: str) -> str:
    """`name (/…/site-packages/pkg/mod.py:12)` as `name (pkg/mod.py:12)`; project files from the root."""
    name, _, where = frame.partition(" (")
    where = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", where.replace(f"{PROJECT_ROOT}/", ""))
    return f"{name} ({where}" if where else name


def summarize(read: str, collapsed: str, top: int = 12) -> Profile:
    """The `top` functions by cumulative share, after dropping the trunk that every sample shares."""
    stacks: list[tuple[list[str], int]] = []
    for line in collapsed.splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            stacks.append((stack.split(";"), int(number)))
    total = sum(count for _, count in stacks)
    if not total:
        return Profile(read, 0, [], [])
    # The trunk: the frames from the process's entry point down to the event loop (the CLI, uvicorn's
    # server) that every stack rooted there shares; stacks of callbacks that the loop (uvloop, in C) ran
    # have no such root and are kept whole.
    roots = Counter(frames[0] for frames, _ in stacks)
    root = roots.most_common(1)[0][0]
    rooted = [frames for frames, _ in stacks if frames[0] == root]
    trunk = 0
    while all(len(frames) > trunk + 1 and frames[trunk] == rooted[0][trunk] for frames in rooted):
        trunk += 1
    stacks = [(frames[trunk:] if frames[0] == root else frames, count) for frames, count in stacks]
    cumulative: Counter[str] = Counter()
    own: Counter[str] = Counter()
    depth: Counter[str] = Counter()  # summed, to tell a wrapper from what it wraps
    for frames, count in stacks:
        for level, frame in enumerate(frames):
            depth[frame] += level * count
        for frame in set(frames):
            cumulative[frame] += count
        own[frames[-1]] += count
    # A chain of wrappers (middleware, views) has one share; show only its innermost function.
    shown: list[str] = []
    group: list[str] = []
    for frame, n in cumulative.most_common():
        if group and n < cumulative[group[0]] - 0.01 * total:
            shown.append(max(group, key=lambda f: depth[f] / cumulative[f]))
            group = []
        group.append(frame)
    shown.append(max(group, key=lambda f: depth[f] / cumulative[f]))
    rows = [ProfileRow(_short(f), cumulative[f] / total, own[f] / total) for f in shown[:top]]
    packages: Counter[str] = Counter()
    for frame, n in own.items():
        packages[_package(frame)] += n
    return Profile(read, total, rows, [(name, n / total) for name, n in packages.most_common(8)])


def _package(frame: str) -> str:
    """The top-level package (or standard-library module) a frame's function belongs to."""
    where = _short(frame).partition(" (")[2]
    return where.split("/", 1)[0] if "/" in where else where.partition(".py")[0] or "?"
