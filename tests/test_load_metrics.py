"""Seed loads and bulk imports in Prometheus's terms (issue 21, item 2): the app's seed on start on its own
/metrics, and `strikegraph seed --metrics-file` writing rows, problems and timings in the text format of
node_exporter's textfile collector, refusals included."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from neo4j import AsyncDriver
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from api.commands.cli import app as cli
from api.settings import Settings
from api.web.app import create_app
from seed.validate import SeedSet
from tests.test_seed import GOOD, write


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _rows(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], load: str, kind: str, outcome: str) -> float:
    return samples.get(("strikegraph_load_rows_total", (("kind", kind), ("load", load), ("outcome", outcome))), 0)


async def test_the_seed_on_start_is_counted_on_the_apps_metrics(
    settings: Settings, empty_graph: AsyncDriver, curated_seed: SeedSet
) -> None:
    app = create_app(settings.model_copy(update={"seed_on_start": True}))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://strikegraph.test") as client:
            samples = _samples((await client.get("/metrics")).text)
    assert _rows(samples, "seed", "node", "created") == len(curated_seed.nodes)
    assert _rows(samples, "seed", "fact", "created") == len(curated_seed.facts)
    assert samples[("strikegraph_load_last_success_timestamp_seconds", (("load", "seed"),))] > 0


def test_a_refused_seed_run_writes_its_problems_to_the_metrics_file(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write(tmp_path / "data", "bad.yaml", GOOD.replace("to: producers", "to: producer"))
    metrics = tmp_path / "strikegraph_seed.prom"
    result = CliRunner().invoke(cli, ["seed", "--dry-run", "--metrics-file", str(metrics), str(tmp_path / "data")])
    assert result.exit_code == 1, result.output
    samples = _samples(metrics.read_text())
    assert samples[("strikegraph_load_problems_total", (("load", "seed"),))] == 1
    assert ("strikegraph_load_last_success_timestamp_seconds", (("load", "seed"),)) not in samples


def test_a_seed_run_writes_its_rows_by_outcome_to_the_metrics_file(
    tmp_path: Path, settings: Settings, empty_graph: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    write(tmp_path / "data", "good.yaml", GOOD)
    for name, value in {"NEO4J_URI": settings.neo4j_uri, "NEO4J_USER": settings.neo4j_user,
                        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value() if settings.neo4j_password else "",
                        "STRIKEGRAPH_API_KEYS_FILE": ""}.items():  # fmt: skip
        monkeypatch.setenv(name, value or "")
    metrics = tmp_path / "strikegraph_seed.prom"
    arguments = ["seed", "--metrics-file", str(metrics), str(tmp_path / "data")]
    first = CliRunner().invoke(cli, arguments)
    assert first.exit_code == 0, first.output
    created = _rows(_samples(metrics.read_text()), "seed", "node", "created")
    again = CliRunner().invoke(cli, arguments)
    assert again.exit_code == 0, again.output
    samples = _samples(metrics.read_text())
    assert created > 0 and _rows(samples, "seed", "node", "unchanged") == created
    assert _rows(samples, "seed", "node", "created") == 0
    assert samples[("strikegraph_load_last_success_timestamp_seconds", (("load", "seed"),))] > 0
