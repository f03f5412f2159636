"""The house's import rules (pyproject.toml, import-linter): they hold today, and they fail on an arrow up,
on a framework outside its room, and on an import hidden inside a function. No Neo4j needed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("house")
    for package in ("api", "schema", "seed"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("static", "__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_house_keeps_its_rules_today() -> None:
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("schema/dates.py", "from api.web import app as _up\n", "Rooms in layers"),  # the model reaches up
        ("api/compile/plan.py", "import strawberry as _framework\n", "Strawberry lives"),  # a framework moves in
        (
            "api/database/graph.py",
            "def _hidden() -> None:\n    from api.contract import queries  # noqa: F401\n",
            "Rooms in layers",
        ),  # lazily
    ],
)
def test_an_arrow_up_or_a_framework_out_of_its_room_fails(scratch: Path, module: str, line: str, broken: str) -> None:
    target = scratch / module
    original = target.read_text()
    try:
        target.write_text(original + "\n" + line)
        run = _lint(scratch)
    finally:
        target.write_text(original)
    assert run.returncode != 0, run.stdout
    assert broken in run.stdout and "BROKEN" in run.stdout, run.stdout
