"""Where the per-batch tasks run (`newsclean run --runner ...`).

    auto              a process pool, one worker per core, when the run has more than one batch
                      and the machine more than one core; else Prefect's thread pool (default)
    thread            Prefect's ThreadPoolTaskRunner: one process, so one batch at a time runs
                      Python code (the GIL); no start-up cost
    process[:N]       Prefect's ProcessPoolTaskRunner with N workers (default: one per core)
    dask              prefect-dask's DaskTaskRunner on a LocalCluster of single-threaded worker
                      processes, one per core
    dask://HOST:PORT  DaskTaskRunner on an existing Dask scheduler (tcp://HOST:PORT)

Only the batch tasks (template scan, clean) go to the runner; the flow itself (planning, the
global dedup step on the signatures the batches return, the writes, the report) stays in the
calling process. Every runner gives the same corpus: a batch's output depends on its documents,
the config and the learned templates only (langdetect is seeded per call).

Workers, processes or Dask, keep their imports between batches, so the one-time loads (langdetect
profiles, wordfreq lists, compiled patterns) happen once per worker, not once per batch. Dask
workers on other machines need newsclean installed and RAW and CLEAN at the same absolute paths
(a shared file system): the batches read RAW and stage their output under CLEAN/.work.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from typing import Any, Iterator

RUNNER_HELP = ("auto | thread | process[:N] | dask | dask://HOST:PORT (an existing Dask scheduler)")
_SPEC = re.compile(r"auto|thread|process(?::[1-9]\d*)?|dask|(?:dask|tcp)://[^\s/:]+:\d+")


class RunnerError(ValueError):
    """A --runner value that cannot be used; one line for the user."""


def check_spec(spec: str) -> str:
    """The normalised spec, or RunnerError naming what is accepted."""
    spec = (spec or "auto").strip().lower()
    if not _SPEC.fullmatch(spec):
        raise RunnerError(f"--runner {spec!r}: expected {RUNNER_HELP}")
    if spec.startswith("dask"):
        try:
            import prefect_dask  # noqa: F401
        except ImportError:
            raise RunnerError("--runner dask needs prefect-dask: pip install 'newsclean[dask]'") from None
    return spec


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:       # not Linux
        return os.cpu_count() or 1


def batch_runner(spec: str, batches: int) -> Any | None:
    """A task runner for the batch tasks, not yet started; None: use the flow's own runner
    (Prefect's thread pool)."""
    spec = check_spec(spec)
    if spec == "thread" or (spec == "auto" and (batches < 2 or cores() < 2)):
        return None
    if spec == "auto" or spec.startswith("process"):
        from prefect.task_runners import ProcessPoolTaskRunner

        wanted = int(spec.partition(":")[2] or cores())
        return ProcessPoolTaskRunner(max_workers=max(1, min(wanted, batches)))
    from prefect_dask import DaskTaskRunner

    if spec == "dask":
        # one single-threaded worker process per core: the batches are pure-Python CPU work
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, min(cores(), batches)),
                                              "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    return DaskTaskRunner(address="tcp://" + spec.split("://", 1)[1])


def map_tasks(pool: Any | None, task_fn: Any, parameters: dict[str, Any]) -> Any:
    """`task_fn.map(**parameters)` on the batch runner `pool`, or on the flow's runner (None).

    Dask rebuilds tuple subclasses as plain tuples when it ships arguments, which would hand a
    task `(value,)` for a `quote(value)`; Dask gets the values unquoted (quote only spares
    Prefect a walk through big parameters)."""
    if pool is None:
        return task_fn.map(**parameters)
    if type(pool).__name__ == "DaskTaskRunner":
        parameters = {k: _unquoted(v) for k, v in parameters.items()}
    return pool.map(task_fn, parameters)


def _unquoted(value: Any) -> Any:
    from prefect.utilities.annotations import quote, unmapped

    if isinstance(value, unmapped):
        return unmapped(_unquoted(value.value))
    if isinstance(value, quote):
        return value.unwrap()
    if isinstance(value, list):
        return [_unquoted(v) for v in value]
    return value


@contextmanager
def started(runner: Any | None) -> Iterator[Any | None]:
    """Start the batch runner (None: nothing to start) with the flow's API in its settings.

    The workers get the flow's settings, not its client: with no PREFECT_API_URL (a temporary
    server) each worker process would start a temporary server of its own (~10 s each). So the
    runner starts with PREFECT_API_URL set to the server this flow run talks to."""
    if runner is None:
        yield None
        return
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value() or str(FlowRunContext.get().client.api_url)
    with temporary_settings(updates={PREFECT_API_URL: url}), runner:
        yield runner


def describe(runner: Any | None) -> str:
    """A short name for the report and the log: thread | process:N | dask | dask://..."""
    if runner is None:
        return "thread"
    name = type(runner).__name__
    if name == "ProcessPoolTaskRunner":
        return f"process:{runner._max_workers}"
    address = getattr(runner, "address", None)
    return f"dask:{address}" if address else "dask"
