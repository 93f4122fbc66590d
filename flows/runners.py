"""Where the per-batch work runs (`newsclean run --runner ...`).

    auto              the batch pool below, one worker per core, when the run has more than one
                      batch and the machine more than one core; else `thread` (the default)
    thread            Prefect's ThreadPoolTaskRunner alone: one process, so one batch at a time
                      runs Python code (the GIL); no start-up cost
    process[:N]       the batch pool with N worker processes (default: one per core)
    prefect-process[:N]  Prefect's ProcessPoolTaskRunner: each task run executes in a worker
    dask              prefect-dask's DaskTaskRunner on a LocalCluster of single-threaded worker
                      processes, one per core
    dask://HOST:PORT  DaskTaskRunner on an existing Dask scheduler (tcp://HOST:PORT)

The batch pool: the task runs stay on the flow's thread pool (Prefect tracks, retries and logs
them there) and each hands its batch function to a plain process pool whose workers import
only the cleaners. Measured against Prefect's ProcessPoolTaskRunner on 2 cores it starts faster
(a worker that runs task runs imports Prefect and every installed Prefect collection, Dask
included: seconds per worker) and keeps Prefect's per-task-run work (context, API calls, state
changes) in the flow's process, where it overlaps the workers' CPU time instead of adding to it.

Only the batch work (template scan, clean) leaves the flow's process; planning, dedup's global
step on the signatures the batches return, the writes and the report stay in it. Every runner
gives the same corpus: a batch's output depends on its documents, the config and the learned
templates only (langdetect is seeded per call).

Workers, processes or Dask, keep their imports between batches, so the one-time loads (langdetect
profiles, wordfreq lists, compiled patterns) happen once per worker, not once per batch. Dask
workers on other machines need newsclean installed and RAW and CLEAN at the same absolute paths
(a shared file system): the batches read RAW and stage their output under CLEAN/.work. They also
report their task runs to the Prefect API, so the API must be a server they can reach
(PREFECT_API_URL), not the temporary one a lone `newsclean run` starts on 127.0.0.1.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")

RUNNER_HELP = ("auto | thread | process[:N] | prefect-process[:N] | dask | "
               "dask://HOST:PORT (an existing Dask scheduler)")
_SPEC = re.compile(r"auto|thread|(?:prefect-)?process(?::[1-9]\d*)?|dask|(?:dask|tcp)://[^\s/:]+:\d+")


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


class BatchPool:
    """Plain worker processes (spawn: nothing inherited) for the batch functions of the flow's
    task runs. `run_batch` sends work here while the pool is started."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "BatchPool":
        if self.executor is None:       # a pool started early (prestart) is entered as it is
            self.executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_worker_start)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.executor is not None:
            # no waiting: the workers free their tables (~1 s) while the flow finishes its run
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def map(self, fn: Callable[..., T], *iterables: Any) -> Iterator[T]:
        """fn over the iterables on the workers, results in order (for the report's parts)."""
        return self.executor.map(fn, *iterables)

    def warm_up(self) -> None:
        """Have every worker start and load the stages' data now (cleaners.pipeline.warm_up),
        without waiting: batches sent later queue behind it."""
        from cleaners.pipeline import warm_up

        for _ in range(self.workers):      # one call per worker: each submit starts a process
            self.executor.submit(warm_up)


WORKER_NICENESS = 10


def _worker_start() -> None:
    """Batch workers yield the CPU to the flow's process and the Prefect server: those are on
    the run's critical path (the server's boot, each task run's bookkeeping), the workers are
    the throughput that takes whatever is left."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):
        pass


_ACTIVE: BatchPool | None = None      # the started pool of the flow run in this process
_EARLY: BatchPool | None = None       # a pool started before Prefect (prestart), not yet used




def run_batch(fn: Callable[..., T], *args: Any) -> T:
    """fn(*args) in the started batch pool, else here (thread runner, Dask or Prefect workers)."""
    pool = _ACTIVE
    if pool is None or pool.executor is None:
        return fn(*args)
    return pool.executor.submit(fn, *args).result()


def batch_runner(spec: str, batches: int) -> Any | None:
    """What runs the batch work, not yet started: a BatchPool, a Prefect task runner, or None
    (the flow's own thread pool)."""
    global _EARLY
    spec = check_spec(spec)
    if spec == "thread" or (spec == "auto" and (batches < 2 or cores() < 2)):
        return None
    if spec == "auto" or "process" in spec:
        workers = max(1, min(int(spec.partition(":")[2] or cores()), batches))
        if spec.startswith("prefect-process"):
            from prefect.task_runners import ProcessPoolTaskRunner

            return ProcessPoolTaskRunner(max_workers=workers)
        if _EARLY is not None and _EARLY.workers == workers:
            pool, _EARLY = _EARLY, None
            return pool
        return BatchPool(workers)
    from prefect_dask import DaskTaskRunner

    if spec == "dask":
        # one single-threaded worker process per core: the batches are pure-Python CPU work
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, min(cores(), batches)),
                                              "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    return DaskTaskRunner(address="tcp://" + spec.split("://", 1)[1])


def map_tasks(pool: Any | None, task_fn: Any, parameters: dict[str, Any]) -> Any:
    """`task_fn.map(**parameters)` on the Prefect task runner `pool`, or on the flow's runner
    (None, or a BatchPool: its task runs stay on the flow's threads).

    Dask rebuilds tuple subclasses as plain tuples when it ships arguments, which would hand a
    task `(value,)` for a `quote(value)`; Dask gets the values unquoted (quote only spares
    Prefect a walk through big parameters)."""
    if pool is None or isinstance(pool, BatchPool):
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
    """Start what batch_runner returned (None: nothing to start).

    A Prefect task runner's workers get the flow's settings, not its client: with no
    PREFECT_API_URL (a temporary server) each worker process would start a temporary server of
    its own (~10 s each). So such a runner starts with PREFECT_API_URL set to the server this
    flow run talks to."""
    global _ACTIVE
    if runner is None:
        yield None
        return
    if isinstance(runner, BatchPool):
        with runner:
            _ACTIVE = runner
            try:
                yield runner
            finally:
                _ACTIVE = None
        return
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value() or str(FlowRunContext.get().client.api_url)
    with temporary_settings(updates={PREFECT_API_URL: url}), runner:
        yield runner


def describe(runner: Any | None) -> str:
    """A short name for the report and the log: thread | process:N | prefect-process:N | dask..."""
    if runner is None:
        return "thread"
    if isinstance(runner, BatchPool):
        return f"process:{runner.workers}"
    name = type(runner).__name__
    if name == "ProcessPoolTaskRunner":
        return f"prefect-process:{runner._max_workers}"
    address = getattr(runner, "address", None)
    return f"dask:{address}" if address else "dask"


# ---- starting the batch pool early ------------------------------------------------------------
def prestart(spec: str, raw_dir: str | os.PathLike, batch_size: int) -> BatchPool | None:
    """Start the batch pool's workers before Prefect is even imported, when the run will use
    them: they start and load the stages' data (~2 s of CPU each) while the temporary server
    boots and this process imports Prefect, instead of after. `batch_runner` hands the flow
    this pool; `stop_early_pool` ends it if the flow did not take it."""
    global _EARLY
    spec = check_spec(spec)
    if not (spec == "auto" or (spec.startswith("process"))) or cores() < 2:
        return None
    if not _several_batches(Path(raw_dir), batch_size):
        return None
    workers = int(spec.partition(":")[2] or cores())
    pool = BatchPool(workers).__enter__()
    pool.warm_up()
    _EARLY = pool
    return pool


def stop_early_pool() -> None:
    """End a prestarted pool no flow took (a run of one batch, or a failed start)."""
    global _EARLY
    if _EARLY is not None:
        _EARLY.__exit__(None, None, None)
        _EARLY = None


def _several_batches(raw_dir: Path, batch_size: int, bytes_per_unit: int = 20_000) -> bool:
    """A cheap guess, before any planning, that RAW holds more than one batch: more files than
    a batch, or more bytes than a batch of large articles (feeds hold many units per file).
    A wrong guess only starts or skips the early pool."""
    files = size = 0
    for dirpath, _, names in os.walk(raw_dir):
        for name in names:
            files += 1
            try:
                size += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
            if files > batch_size or size > batch_size * bytes_per_unit:
                return True
    return False
