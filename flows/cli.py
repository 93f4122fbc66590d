"""The `newsclean` command line."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Optional

# Before prefect is imported anywhere: no telemetry (no network here), and the cleaners'
# own logger goes through Prefect's handlers inside runs.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "cleaners")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="newsclean: turn scraped news articles into a clean, explained corpus.")
console = Console(stderr=False)
err = Console(stderr=True)


EXIT_BUSY = 3   # another run holds CLEAN/.lock


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]newsclean: {message}[/red]", highlight=False, soft_wrap=True)  # one line
    raise typer.Exit(code)


@app.command()
def run(raw: Path = typer.Argument(Path("raw"), help="folder of raw articles (walked recursively)"),
        clean: Path = typer.Argument(Path("clean"), help="output folder"),
        config: Optional[Path] = typer.Option(None, "--config", help="TOML config file"),
        batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="documents per task run"),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="show a progress bar"),
        wait: bool = typer.Option(False, "--wait", help="if another run is using CLEAN, wait for it to end"),
        runner: str = typer.Option("auto", "--runner", help="where the batches run: auto | thread | "
                                   "process[:N] | dask (a local Dask cluster) | dask://HOST:PORT "
                                   "(an existing Dask scheduler)")) -> None:
    """Clean the new and changed units of RAW into CLEAN (a Prefect flow run)."""
    from flows import tempserver

    # SIGTERM (a scheduler's timeout, `kill`) ends the run through the finally blocks below: the
    # temporary server is stopped, CLEAN/.lock released (by default Python would just die)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    # no Prefect server configured: start the temporary one now, so that it boots while this
    # process imports Prefect and the cleaners (flows/tempserver.py)
    server = tempserver.TemporaryServer().start() if tempserver.needed() else None
    try:
        summary = _checked_run(raw, clean, config, batch_size, progress, wait, runner, server)
    finally:
        if server:
            server.stop()
    _print_summary(summary)


def _exit_on_sigterm(signum: int, frame) -> None:
    raise SystemExit(128 + signum)


def _checked_run(raw: Path, clean: Path, config: Optional[Path], batch_size: Optional[int],
                 progress: bool, wait: bool, runner: str, server) -> dict:
    from cleaners import lock
    from cleaners.config import ConfigError
    from cleaners.run import UsageError, check_dirs
    from cleaners.config import resolve_config
    from flows.runners import RunnerError, check_spec, prestart, stop_early_pool

    try:
        check_dirs(raw, clean)
        cfg = resolve_config(str(config) if config else None, None, batch_size)  # fail fast, before Prefect
        runner = check_spec(runner)
    except (UsageError, ConfigError, RunnerError) as exc:
        _fail(str(exc))
    # CLEAN/.lock before Prefect starts: a busy CLEAN fails at once (the run re-enters the lock)
    try:
        held = lock.acquire(clean, wait=wait, on_wait=lambda msg: err.print(msg, highlight=False))
    except lock.LockBusy as exc:
        _fail(str(exc), code=EXIT_BUSY)
    try:
        prestart(runner, raw, cfg.run.batch_size)   # workers load while Prefect starts
        return _run_flow(raw, clean, config, batch_size, progress, runner, server)
    finally:
        stop_early_pool()
        lock.release(held)


@app.command()
def serve(raw: Path = typer.Argument(Path("raw"), help="folder of raw articles (walked recursively)"),
          clean: Path = typer.Argument(Path("clean"), help="output folder"),
          cron: Optional[str] = typer.Option(None, "--cron", help="cron schedule, e.g. '0 * * * *'"),
          interval: Optional[float] = typer.Option(None, "--interval", help="seconds between runs"),
          config: Optional[Path] = typer.Option(None, "--config", help="TOML config file"),
          batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="documents per task run")
          ) -> None:
    """Run the clean-corpus deployment on a schedule against the Prefect server in PREFECT_API_URL
    (one run at a time; Ctrl-C or SIGTERM stops serving)."""
    from cleaners.config import ConfigError
    from cleaners.run import UsageError, check_dirs
    from flows.deploy import ServeError, api_url, build_deployment, check_server, serve_deployment
    from cleaners.config import resolve_config

    try:
        check_dirs(raw, clean)
        resolve_config(str(config) if config else None, None, batch_size)
        check_server(api_url())
        deployment = build_deployment(raw, clean, cron=cron, interval=interval,
                                      config_path=config, batch_size=batch_size)
    except (UsageError, ConfigError, ServeError) as exc:
        _fail(str(exc))
    serve_deployment(deployment)


def _run_flow(raw: Path, clean: Path, config: Optional[Path], batch_size: Optional[int],
              progress: bool, runner: str = "auto", server=None) -> dict:
    from contextlib import nullcontext

    from cleaners.state import StateCorrupt
    from flows import flow as F
    from flows.quiet import quiet_server_shutdown
    from flows.tempserver import ServerStartError

    quiet_server_shutdown()
    bar = _progress_bar() if progress and console.is_terminal else None
    if bar:
        task_id = bar.add_task("cleaning batches", total=None)
        F.PROGRESS_HOOK = lambda done, total: bar.update(task_id, completed=done, total=total)
        bar.start()
    try:
        with server.settings() if server else nullcontext():
            return F.clean_corpus(str(raw), str(clean), str(config) if config else None, batch_size,
                                  runner=runner)
    except (StateCorrupt, ServerStartError) as exc:
        _fail(str(exc))
    finally:
        if bar:
            bar.stop()
            F.PROGRESS_HOOK = None
    return {}


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def _print_summary(summary: dict) -> None:
    units = summary["units"]
    table = Table(title=f"newsclean run {summary['run_id']}", show_header=False)
    for key in ("seen", "new", "unchanged", "kept", "rejected", "duplicates"):
        table.add_row(key, str(units.get(key, 0)))
    table.add_row("seconds", f"{summary['seconds']:.1f}")
    console.print(table)
    if summary["reasons"]:
        reasons = Table(title="rejected by reason")
        reasons.add_column("reason")
        reasons.add_column("units", justify="right")
        for reason, n in sorted(summary["reasons"].items(), key=lambda kv: -kv[1]):
            reasons.add_row(reason, str(n))
        console.print(reasons)
    console.print(f"report: {summary['report_html']}", highlight=False)


@app.command()
def report(run: str = typer.Argument("latest", help="run id, or latest"),
           clean: Path = typer.Argument(Path("clean"), help="output folder")) -> None:
    """Print a run's cleaning report: units, edits by rule, stages, rejects, drift."""
    from flows.views import ViewError, report_command

    try:
        report_command(run, clean, console)
    except ViewError as exc:
        _fail(str(exc))


@app.command()
def show(source: str = typer.Argument(..., help="a unit's source path (or its tail), or its id"),
         clean: Path = typer.Argument(Path("clean"), help="output folder")) -> None:
    """Print every edit made to one document and a coloured diff of raw vs clean."""
    from flows.views import ViewError, show_command

    try:
        show_command(source, clean, console)
    except ViewError as exc:
        _fail(str(exc))


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
