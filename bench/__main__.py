"""`python -m bench` (or `make bench`): the whole benchmark table in one command.

Starts its own Neo4j (bench/.work/neo4j, git-ignored) unless NEO4J_URI is set, loads 100k and 1M node
synthetic graphs, measures the four reads, prints the tables and writes them to bench/RESULTS.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from api.neo4j_local import LocalNeo4j, free_port
from api.settings import PROJECT_ROOT, Settings
from bench.report import format_report
from bench.run import BenchConfig, main_async

app = typer.Typer(add_completion=False)


@app.command()
def main(
    sizes: Annotated[
        str, typer.Option(help="Comma-separated graph sizes in nodes; reads run on the last.")
    ] = "100000,1000000",
    duration: Annotated[float, typer.Option(help="Seconds per measurement cell.")] = 10.0,
    neo4j_graphql: Annotated[bool, typer.Option(help="Include @neo4j/graphql (needs node and npm).")] = True,
    output: Annotated[Path, typer.Option(help="Where to write the Markdown tables.")] = PROJECT_ROOT
    / "bench"
    / "RESULTS.md",
) -> None:
    settings = Settings()
    local = None
    if settings.neo4j_uri is None:
        home = PROJECT_ROOT / "bench" / ".work" / "neo4j"
        local = LocalNeo4j(cache_dir=settings.neo4j_cache_dir, home=home, port=free_port(), heap="4g", pagecache="6g")
        local.stop()
        shutil.rmtree(home, ignore_errors=True)  # a fresh store: emptying a million-node graph is slower
        running = local.start()
        uri, user, password = running.uri, running.user, running.password
    else:
        uri, user = settings.neo4j_uri, settings.neo4j_user
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    try:
        config = BenchConfig(
            uri=uri, user=user, password=password, database=settings.neo4j_database,
            sizes=tuple(int(size) for size in sizes.split(",")), duration=duration, with_neo4j_graphql=neo4j_graphql,
        )  # fmt: skip
        report = main_async(config)
    finally:
        if local is not None:
            local.stop()
    text = format_report(report)
    output.write_text(text)
    typer.echo(text)


if __name__ == "__main__":
    app()
