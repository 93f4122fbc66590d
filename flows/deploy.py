"""Scheduled runs: the clean-corpus deployment and `newsclean serve`.

`build_deployment` is the one place that says how the scheduled deployment looks (schedule,
parameters, at most one run at a time); `prefect.yaml` describes the same deployment for the
work-pool route (`prefect deploy` + `prefect worker start`).

A schedule needs a long-lived Prefect server: the temporary server that `newsclean run` starts
on its own lives only as long as one run, so `serve` refuses to start without PREFECT_API_URL.
"""
from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from typing import Any

DEPLOYMENT_NAME = "scheduled"
# One run at a time: a run still going when the next one fires is not doubled, the new one is
# cancelled (the lock in CLEAN would refuse it anyway; this keeps it out of the run history).
CONCURRENCY_LIMIT = 1
COLLISION_STRATEGY = "CANCEL_NEW"

NO_SERVER_HELP = (
    "PREFECT_API_URL is not set: schedules need a running Prefect server (the temporary server "
    "that `newsclean run` starts cannot run schedules). Start one in another terminal with "
    "`prefect server start`, then `export PREFECT_API_URL=http://127.0.0.1:4200/api` and run "
    "`newsclean serve` again."
)


class ServeError(RuntimeError):
    """Cannot serve (no server, server not answering, bad schedule); str() is one line."""


def concurrency_config() -> Any:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    return ConcurrencyLimitConfig(limit=CONCURRENCY_LIMIT,
                                  collision_strategy=ConcurrencyLimitStrategy(COLLISION_STRATEGY))


def flow_parameters(raw_dir: Path | str, clean_dir: Path | str, config_path: Path | str | None = None,
                    batch_size: int | None = None) -> dict[str, Any]:
    """Absolute folders: the runs execute in subprocesses that need not share our cwd."""
    params: dict[str, Any] = {"raw_dir": str(Path(raw_dir).resolve()),
                              "clean_dir": str(Path(clean_dir).resolve())}
    if config_path:
        params["config_path"] = str(Path(config_path).resolve())
    if batch_size:
        params["batch_size"] = batch_size
    return params


def build_deployment(raw_dir: Path | str, clean_dir: Path | str, *, cron: str | None = None,
                     interval: float | None = None, config_path: Path | str | None = None,
                     batch_size: int | None = None, name: str = DEPLOYMENT_NAME) -> Any:
    """The clean-corpus deployment on a cron or interval schedule (exactly one of them)."""
    from prefect.deployments.runner import EntrypointType

    from flows.flow import clean_corpus

    if (cron is None) == (interval is None):
        raise ServeError("give exactly one schedule: --cron EXPR or --interval SECONDS")
    if interval is not None and interval <= 0:
        raise ServeError(f"--interval must be a positive number of seconds, not {interval}")
    if cron is not None:
        _check_cron(cron)
    return clean_corpus.to_deployment(
        name=name,
        cron=cron,
        interval=dt.timedelta(seconds=interval) if interval is not None else None,
        parameters=flow_parameters(raw_dir, clean_dir, config_path, batch_size),
        concurrency_limit=concurrency_config(),
        description="Clean the new and changed raw articles into the corpus.",
        tags=["newsclean"],
        # import the flow by module name: works from any working directory once installed
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def _check_cron(expr: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=expr)
    except ValueError:
        raise ServeError(f"not a valid cron expression: {expr!r} (e.g. '*/15 * * * *')") from None


def api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def check_server(url: str | None, timeout: float = 5.0) -> str:
    """Fail with a one-line ServeError unless a Prefect server answers at `url`."""
    import httpx

    if not url:
        raise ServeError(NO_SERVER_HELP)
    try:
        response = httpx.get(url.rstrip("/") + "/health", timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise ServeError(f"no Prefect server answers at PREFECT_API_URL={url} ({exc.__class__.__name__}); "
                         "start it with `prefect server start` or fix PREFECT_API_URL") from None
    return url


def serve_deployment(deployment: Any, say=print) -> None:
    """Serve until Ctrl-C or SIGTERM; either way Prefect shuts down in order (the serving task is
    cancelled, the schedule paused) and the command exits 0. Runs execute in subprocesses.

    Prefect's `serve()` is not used as is for two reasons. Its runner's SIGTERM handler calls
    sys.exit() inside the event loop, which tears the loop down mid-I/O (asyncio tracebacks on
    screen, a flow run possibly left holding the deployment's slot); here SIGTERM is turned into
    the Ctrl-C path instead. And it takes a runner-side `limit`, which leaves due runs Scheduled
    and runs them late one after the other; the deployment's concurrency limit (CANCEL_NEW)
    cancels them instead, which is what we want."""
    import asyncio

    from prefect.runner import Runner

    class StopLikeCtrlC(Runner):
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            # asyncio's SIGINT handler cancels the main task, then raises KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)

    # a shell starts background jobs with SIGINT ignored; SIGTERM relies on the SIGINT path
    signal.signal(signal.SIGINT, signal.default_int_handler)
    runner = StopLikeCtrlC(pause_on_shutdown=True)
    runner.add_deployment(deployment)
    schedule = deployment.schedules[0].schedule
    every = (f"cron '{schedule.cron}'" if getattr(schedule, "cron", None)
             else f"every {schedule.interval.total_seconds():g} s")
    say(f"serving {deployment.flow_name}/{deployment.name} ({every}, one run at a time) "
        f"against {api_url()}; stop with Ctrl-C or SIGTERM")
    released = asyncio.run(release_orphaned_runs(f"{deployment.flow_name}/{deployment.name}"))
    if released:
        say(f"marked {released} run(s) left running by an earlier serve as crashed (freeing the slot)")
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    say("stopped serving; the schedule is paused until the next `newsclean serve`")


async def release_orphaned_runs(deployment_name: str) -> int:
    """Runs of this deployment still Pending/Running when a new `serve` starts were left by a
    serve that was stopped (or killed) mid-run: their processes are gone, but they still hold the
    deployment's only concurrency slot, so CANCEL_NEW would cancel every new run until the slot's
    lease expired. Mark them crashed, which releases the slot. (A second run cannot be live: the
    lock in CLEAN admits one run at a time.)"""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId, FlowRunFilter,
                                                FlowRunFilterState, FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Crashed

    async with get_client() as client:
        try:
            dep = await client.read_deployment_by_name(deployment_name)
        except ObjectNotFound:
            return 0
        runs = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.RUNNING, StateType.PENDING]))))
        for run in runs:
            await client.set_flow_run_state(
                run.id, Crashed(message="left running when an earlier newsclean serve stopped"))
        return len(runs)
