"""`python -m bench` (or `make bench`): the whole benchmark table in one command.

Starts its own Neo4j (bench/.work/neo4j, git-ignored) unless NEO4J_URI is set, imports 100k and 1M node
synthetic graphs with neo4j-admin (each into a Neo4j of its own, bench/.work/neo4j-import), loads them
through transactions, measures the four reads and what metrics and traces cost a request, prints the tables
and writes them to bench/RESULTS.md and to the README between its results markers.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from api.database.local_neo4j import LocalNeo4j, free_port
from api.settings import PROJECT_ROOT, Settings
from bench.observability import measure as measure_observability
from bench.report import format_report, write_between_markers
from bench.run import BenchConfig, main_async

app = typer.Typer(add_completion=False)


@app.command()
def main(
    sizes: Annotated[
        str,
        typer.Option(help="Comma-separated graph sizes in nodes, loaded through transactions; reads run on the last."),
    ] = "100000,1000000",
    import_sizes: Annotated[
        str, typer.Option(help="Comma-separated sizes for the bulk-import path (neo4j-admin); '' for none.")
    ] = "100000,1000000",
    yaml_sizes: Annotated[
        str, typer.Option(help="Of the import sizes, those also written as YAML seed files and read back, timed.")
    ] = "100000",
    duration: Annotated[float, typer.Option(help="Seconds per measurement cell (whole seconds over HTTP).")] = 5.0,
    rounds: Annotated[int, typer.Option(help="Rounds of every cell, targets interleaved; the median is shown.")] = 3,
    warmup: Annotated[
        float, typer.Option(help="Seconds of warm-up per read (all targets at once) before round 1.")
    ] = 5.0,
    neo4j_graphql: Annotated[bool, typer.Option(help="Include @neo4j/graphql (needs node and npm).")] = True,
    profile: Annotated[bool, typer.Option(help="Profile strikegraph under load with py-spy.")] = True,
    output: Annotated[Path, typer.Option(help="Where to write the Markdown tables.")] = PROJECT_ROOT
    / "bench"
    / "RESULTS.md",
    readme: Annotated[bool, typer.Option(help="Also write the tables into README.md between its markers.")] = True,
    observability: Annotated[
        bool, typer.Option(help="Also measure what metrics and traces cost a request (bench/observability.py).")
    ] = True,
) -> None:
    settings = Settings()
    local = None
    if settings.neo4j_uri is None:
        home = PROJECT_ROOT / "bench" / ".work" / "neo4j"
        local = LocalNeo4j(cache_dir=settings.neo4j_cache_dir, home=home, port=free_port(), heap="4g", pagecache="6g")
        local.stop()
        shutil.rmtree(home, ignore_errors=True)  # a fresh store: emptying a million-node graph is slower
        running = local.start()
        uri, user, password, neo4j_pid = running.uri, running.user, running.password, running.pid
    else:
        neo4j_pid = None
        uri, user = settings.neo4j_uri, settings.neo4j_user
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    try:
        config = BenchConfig(
            uri=uri, user=user, password=password, database=settings.neo4j_database,
            sizes=_sizes(sizes), import_sizes=_sizes(import_sizes), yaml_sizes=_sizes(yaml_sizes),
            duration=duration, rounds=rounds, warmup=warmup,
            with_neo4j_graphql=neo4j_graphql, profile=profile, neo4j_pid=neo4j_pid,
        )  # fmt: skip
        report = main_async(config)
    finally:
        if local is not None:
            local.stop()
    text = format_report(report)
    if observability:
        text += "\n" + measure_observability(duration, rounds)
    output.write_text(text)
    if readme:
        write_between_markers(PROJECT_ROOT / "README.md", text)
    typer.echo(text)


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(size) for size in text.split(",") if size.strip())


if __name__ == "__main__":
    app()
