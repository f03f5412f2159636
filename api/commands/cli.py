"""The `strikegraph` command: run the service, load the seed, manage the local Neo4j."""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn
from rich.table import Table

from api.auth import Role, add_key, read_keys_file, revoke_key
from api.database.local_neo4j import DOWNLOAD_BYTES, LauncherError, LocalNeo4j, RunningNeo4j
from api.database.supervisor import Neo4jSupervisor
from api.settings import Settings
from api.web.connections import raise_open_files_limit, uvicorn_config

app = typer.Typer(help="strikegraph: a GraphQL knowledge graph of labour disputes over Neo4j.", no_args_is_help=True)
neo4j_app = typer.Typer(help="The local Neo4j that strikegraph downloads and runs for you.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
console = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)


def _connected_settings(settings: Settings, local: LocalNeo4j) -> tuple[Settings, bool]:
    """Settings pointing at NEO4J_URI, or at the local Neo4j (started if needed; True if we started it)."""
    if settings.neo4j_uri is not None:
        return settings, False
    already = local.connection()
    started_at = time.monotonic()
    try:
        running = already or _start_with_progress(local)
    except LauncherError as error:
        raise _fail(str(error)) from None
    if already is None:
        console.print(f"Started local Neo4j at {running.uri} in {time.monotonic() - started_at:.1f}s")
    return settings.with_neo4j(running.uri, running.user, running.password), already is None


def _start_with_progress(local: LocalNeo4j) -> RunningNeo4j:
    """Start the local Neo4j; the first time, show the download from Maven Central as it goes."""
    if not local.needs_download():
        return local.start()
    console.print(f"Downloading Neo4j {local.version} from Maven Central into {local.cache_dir} (once, ~145 MB)")
    columns = (TextColumn("Neo4j jars"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("download", total=DOWNLOAD_BYTES)
        baseline = _folder_size(local.cache_dir / "m2")

        def downloaded(size: int) -> None:
            done = max(0, size - baseline)
            progress.update(task, completed=done, total=max(DOWNLOAD_BYTES - baseline, done))

        local.classpath(on_download=downloaded)
        progress.update(task, completed=progress.tasks[0].total)
    console.print("Starting Neo4j...")
    return local.start()


def _folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) if folder.exists() else 0


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="HTTP port.")] = None,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser), starting the local Neo4j unless NEO4J_URI is set."""
    from api.web.app import create_app
    from api.web.request_log import use_json_lines

    settings = Settings()
    if settings.log_format == "json":
        use_json_lines()
    else:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    local = LocalNeo4j.from_settings(settings)
    settings, started_here = _connected_settings(settings, local)
    supervisor: Neo4jSupervisor | None = None
    gave_up: list[str] = []
    server: uvicorn.Server | None = None

    def give_up(reason: str) -> None:
        gave_up.append(reason)
        if server is not None:
            server.should_exit = True  # uvicorn's own graceful shutdown, as on Ctrl-C

    try:
        running = local.connection() if started_here else None
        if running is not None:
            supervisor = Neo4jSupervisor(
                local, running.pid, running.uri, give_up,
                max_restarts=settings.local_neo4j_max_restarts, window=settings.local_neo4j_restart_window_seconds,
            )  # fmt: skip
        app = create_app(settings, local_neo4j=supervisor)
        raise_open_files_limit(settings)
        server = uvicorn.Server(uvicorn_config(app, settings))
        if supervisor is not None:
            supervisor.start()
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises Ctrl-C again after its graceful shutdown
            server.run()
        if gave_up:
            raise _fail(f"the local Neo4j this command started is down: {gave_up[0]} (see {local.console_log})")
        if not server.started:
            raise typer.Exit(code=3)  # as uvicorn.run: the app did not start (its log says why)
    finally:
        if supervisor is not None:
            supervisor.stop()
        if started_here:
            console.print("Stopping the local Neo4j this command started")
            local.stop()


METRICS_FILE = typer.Option(
    help="Also write rows, problems and timings here in Prometheus's text format (node_exporter's textfile "
    "collector reads such files)."
)


@app.command()
def seed(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="YAML or CSV (a known layout) files or folders (default: seed/data).")
    ] = None,
    prune: Annotated[bool, typer.Option(help="Remove seed-managed facts and nodes no longer in the files.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Validate only; touch nothing.")] = False,
    metrics_file: Annotated[Path | None, METRICS_FILE] = None,
) -> None:
    """Validate the curated seed files and load them into Neo4j in one transaction."""
    from api.commands.seed_command import run_seed
    from api.web.metrics import LoadMetrics

    settings = Settings()
    loads = LoadMetrics()
    try:
        if dry_run:
            code = run_seed(settings, paths, prune=prune, dry_run=True, console=console, loads=loads)
        else:
            local = LocalNeo4j.from_settings(settings)
            settings, started_here = _connected_settings(settings, local)
            try:
                code = run_seed(settings, paths, prune=prune, dry_run=False, console=console, loads=loads)
            finally:
                if started_here:
                    local.stop()
    finally:
        if metrics_file is not None:
            loads.write(metrics_file)
    raise typer.Exit(code=code)


@app.command()
def draft(
    article: Annotated[Path, typer.Argument(help="The article's text (UTF-8).")],
    published: Annotated[
        str, typer.Option(help="Its publication day (YYYY-MM-DD): relative dates resolve against it.")
    ],
    url: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    publisher: Annotated[str | None, typer.Option(help="Who published it.")] = None,
    title: Annotated[str | None, typer.Option(help="Its title (default: from the file name).")] = None,
    base: Annotated[list[Path] | None, typer.Option(help="Seed files to reconcile with (default: seed/data).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the draft as JSON here.")] = None,
    to_yaml: Annotated[
        Path | None, typer.Option("--to-yaml", help="Write the candidates as seed YAML into this folder.")
    ] = None,
) -> None:
    """Draft an article offline: mentions, reconciled nodes and candidate facts with their evidence."""
    from datetime import date

    from api.commands.draft_command import run_draft

    try:
        day = date.fromisoformat(published)
    except ValueError:
        raise _fail(f"--published {published}: not a day (YYYY-MM-DD)") from None
    code = run_draft(article, day, title=title, url=url, publisher=publisher, base=base, json_out=json_out,
                     to_yaml=to_yaml, console=console)  # fmt: skip
    raise typer.Exit(code=code)


@app.command("import")
def import_(
    paths: Annotated[list[Path] | None, typer.Argument(help="YAML files or folders (default: seed/data).")] = None,
    write_files: Annotated[
        Path | None, typer.Option(help="Only validate and write neo4j-admin's input into this folder.")
    ] = None,
    finish: Annotated[
        Path | None, typer.Option(help="Finish an import neo4j-admin ran on files written with --write-files.")
    ] = None,
    metrics_file: Annotated[Path | None, METRICS_FILE] = None,
) -> None:
    """Load an archive into an EMPTY database with Neo4j's offline importer (validated like `seed`)."""
    from api.commands.import_command import finish_only, run_import, write_files_only

    settings = Settings()
    if write_files is not None:
        raise typer.Exit(code=write_files_only(settings, paths, write_files, console))
    if finish is not None:
        local = LocalNeo4j.from_settings(settings)
        settings, started_here = _connected_settings(settings, local)
        try:
            code = finish_only(settings, finish, console)
        finally:
            if started_here:
                local.stop()
        raise typer.Exit(code=code)
    from api.web.metrics import LoadMetrics

    loads = LoadMetrics()
    try:
        code = run_import(settings, paths, console, loads)
    finally:
        if metrics_file is not None:
            loads.write(metrics_file)
    raise typer.Exit(code=code)


@app.command("export")
def export(
    output: Annotated[Path | None, typer.Option(help="Where to write the CSV (default: standard output).")] = None,
    layout: Annotated[
        str, typer.Option("--format", help="lat or bls (spreadsheet layouts), csv, jsonl or quickstatements.")
    ] = "lat",
    cites: Annotated[
        str | None, typer.Option(help="Only stoppages citing this source (a spreadsheet's: sheet-<file>).")
    ] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Only these kinds (STRIKE, LOCKOUT, ...); repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only stoppages begun by this day (YYYY-MM-DD).")] = None,
) -> None:
    """Write stoppages as a spreadsheet in a layout `seed` reads (a file seeded from it comes back), or as
    Wikidata QuickStatements with references."""
    from datetime import date

    from api.commands.export_command import FORMATS, run_export

    if layout not in FORMATS:
        raise _fail(f"--format {layout}: one of {', '.join(FORMATS)}")
    try:
        day = date.fromisoformat(as_of) if as_of is not None else None
    except ValueError:
        raise _fail(f"--as-of {as_of}: not a day (YYYY-MM-DD)") from None
    settings = Settings()
    local = LocalNeo4j.from_settings(settings)
    settings, started_here = _connected_settings(settings, local)
    try:
        code = run_export(settings, layout, output, cites=cites, kinds=kind, as_of=day, console=console)
    finally:
        if started_here:
            local.stop()
    raise typer.Exit(code=code)


@app.command("export-schema")
def export_schema(
    output: Annotated[Path, typer.Option(help="Where to write the SDL.")] = Path("schema/schema.graphql"),
) -> None:
    """Write the GraphQL SDL generated from the code (committed as schema/schema.graphql)."""
    from api.contract.graphql_schema import schema_sdl

    output.write_text(schema_sdl())
    console.print(f"Wrote {output}")


keys_app = typer.Typer(help="API keys for writes (stored hashed, outside the repository).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="Who holds the key; recorded in the audit trail.")],
    role: Annotated[Role, typer.Option(help="reader, editor or admin.")] = Role.EDITOR,
) -> None:
    """Create a key (printed once) and store its hash in STRIKEGRAPH_API_KEYS_FILE."""
    settings = Settings()
    if settings.api_keys_file is None:
        raise _fail("STRIKEGRAPH_API_KEYS_FILE is not set")
    key = add_key(settings.api_keys_file, name, role)
    console.print(f"Key for '{name}' ({role.value}) stored hashed in {settings.api_keys_file}; a running service")
    console.print("accepts it from its next request on. It is shown once:")
    typer.echo(key)


@keys_app.command("list")
def keys_list() -> None:
    """The keys in STRIKEGRAPH_API_KEYS_FILE: name, role and the start of the hash (keys are never stored)."""
    settings = Settings()
    records = read_keys_file(settings.api_keys_file)
    if not records:
        console.print(f"No keys in {settings.api_keys_file}")
        return
    table = Table("name", "role", "sha256", title=str(settings.api_keys_file))
    for record in records:
        table.add_row(record.name, record.role.value, record.sha256[:12] + "...")
    Console().print(table)


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The name the key was added under.")]) -> None:
    """Remove a key; a running service refuses it from its next request on."""
    settings = Settings()
    if settings.api_keys_file is None:
        raise _fail("STRIKEGRAPH_API_KEYS_FILE is not set")
    if not revoke_key(settings.api_keys_file, name):
        raise _fail(f"no key named '{name}' in {settings.api_keys_file} (see `strikegraph keys list`)")
    console.print(f"Revoked the key '{name}'")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Download (once) and start the local Neo4j; prints the URI to use."""
    local = LocalNeo4j.from_settings(Settings())
    began = time.monotonic()
    try:
        running = _start_with_progress(local)
    except LauncherError as error:
        raise _fail(str(error)) from None
    console.print(f"Neo4j running at {running.uri} (pid {running.pid}, {time.monotonic() - began:.1f}s)")
    console.print(f"user {running.user}, password in {local.home / 'password'}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j."""
    local = LocalNeo4j.from_settings(Settings())
    console.print("Stopped the local Neo4j" if local.stop() else "The local Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, where, and the URI to use."""
    local = LocalNeo4j.from_settings(Settings())
    running = local.connection()
    if running is None:
        console.print(f"The local Neo4j is not running (home {local.home})")
        raise typer.Exit(code=3)
    typer.echo(f"running pid={running.pid} uri={running.uri} user={running.user} home={running.home}")
