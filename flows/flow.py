"""The Prefect flow `clean-corpus`: the run of cleaners/run.py with each batch as a task run.

Never one task per document (a task run costs Prefect 5-30 ms): the flow maps over batches of a
few hundred documents. Dedup needs every batch's signatures, so it runs in the flow after them,
followed by the shard writes (one batch at a time, in order) and the report.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from cleaners import run as R
from cleaners import templates
from cleaners.config import Config, resolve_config
from flows.artifacts import BatchProgress, publish_run_artifacts
from flows.runners import BatchPool, batch_runner, describe, map_tasks, run_batch, started

# Set by the CLI for a local progress bar: called as hook(done_batches, total_batches).
PROGRESS_HOOK: Callable[[int, int], None] | None = None

_TASK_OPTS = dict(cache_policy=NO_CACHE, persist_result=False)


@task(name="scan-templates", **_TASK_OPTS)
def scan_task(raw_dir: str, work_dir: str, index: int, items: list, cfg: Config,
              segments: list) -> str:
    """The template counts of a run of batches, as the path of the staging file holding them
    (the units it read stay staged for the batches' clean pass)."""
    return run_batch(R.scan_batch_to_file, raw_dir, work_dir, index, items, cfg, segments)


def _transient_io_error(task, task_run, state) -> bool:
    """Retry a batch only for transient OSError (disk, network share): document problems are
    rejects inside the batch, and anything else is a bug a retry would not fix."""
    from cleaners.limits import is_transient_io_error

    return is_transient_io_error(state.data) if isinstance(state.data, BaseException) else False


# a retry only rewrites the batch's own staging file, so it is safe
@task(name="clean-batch", retries=2, retry_delay_seconds=[1, 5],
      retry_condition_fn=_transient_io_error, **_TASK_OPTS)
def clean_task(raw_dir: str, work_dir: str, batch: R.Batch, cfg: Config, learned: dict) -> R.BatchResult:
    return run_batch(R.clean_batch, Path(raw_dir), Path(work_dir), batch, cfg, learned)


def _map(pool: Any, task_fn: Any, **parameters: Any) -> Any:
    """`task_fn.map(**parameters)` on the batch runner `pool`, or on the flow's runner (None)."""
    return map_tasks(pool, task_fn, parameters)


@flow(name="clean-corpus", log_prints=False)
def clean_corpus(raw_dir: str = "raw", clean_dir: str = "clean", config_path: str | None = None,
                 batch_size: int | None = None, config_overrides: dict | None = None,
                 runner: str = "auto") -> dict:
    """Clean the new and changed units of RAW into CLEAN; returns the run summary.

    `runner` says where the batch tasks run (flows/runners.py): auto (a process pool when there
    are several batches and cores), thread, process[:N], dask, dask://HOST:PORT."""
    logger = get_run_logger()
    cfg = resolve_config(config_path, config_overrides, batch_size)
    steps: dict[str, float] = {}
    t = time.perf_counter()
    plan, store = R.start_run(Path(raw_dir), Path(clean_dir), cfg)
    try:
        plan.work_dir.mkdir(parents=True, exist_ok=True)
        logger.info("run %s: %d units seen, %d new in %d batches, %d unchanged",
                    plan.run_id, plan.units_seen, plan.units_new, len(plan.batches), plan.units_unchanged)
        steps["plan"] = time.perf_counter() - t
        progress = BatchProgress(len(plan.batches), plan.clean_dir, plan.run_id)  # Prefect artifact

        pool = batch_runner(runner, len(plan.batches))   # None: the flow's own thread pool
        # absolute paths: a Dask worker on another machine has another working directory
        raw, work = unmapped(str(plan.raw_dir.resolve())), unmapped(str(plan.work_dir.resolve()))
        with started(pool):   # the workers live for both maps and the report
            t = time.perf_counter()
            groups = R.scan_groups(plan.batches)     # fewer, larger pieces than the batches
            counts = _map(pool, scan_task, raw_dir=raw, work_dir=work, cfg=unmapped(quote(cfg)),
                          index=[g.index for g in groups], items=[quote(g.items) for g in groups],
                          segments=[quote(g.segments) for g in groups])
            # on a worker when there is a pool: the merge's many small objects would stay in the
            # flow's heap (fragmented, not returned); the flow gets back the compact result
            learned = run_batch(R.learn_templates, plan.clean_dir, [f.result() for f in counts], cfg, plan)
            steps["templates"] = time.perf_counter() - t

            t = time.perf_counter()
            futures = _map(pool, clean_task, raw_dir=raw, work_dir=work, cfg=unmapped(quote(cfg)),
                           learned=unmapped(quote(templates.for_cleaning(learned))), batch=[quote(b) for b in plan.batches])
            results = []
            for f in futures:
                results.append(f.result())
                progress.update(len(results))
                if PROGRESS_HOOK:
                    PROGRESS_HOOK(len(results), len(plan.batches))
            del futures, counts       # (Prefect itself keeps each task's state until the flow ends)
            steps["clean"] = time.perf_counter() - t

            t = time.perf_counter()
            dd = R.decide_duplicates(results, store, cfg)
            steps["dedup"] = time.perf_counter() - t

            t = time.perf_counter()
            R.write_all(plan, results, dd.duplicates, store)
            steps["write"] = time.perf_counter() - t
            # the batch pool's workers read the shards for the report, then go
            on_workers = isinstance(pool, BatchPool)
            summary = R.finish_run(plan, results, dd, steps, learned, runner=f"prefect/{describe(pool)}",
                                   each=pool.map if on_workers else map,
                                   parts=pool.workers if on_workers else 1)
        publish_run_artifacts(summary, plan.clean_dir)   # summary, rules table, link to report.html
    finally:
        R.close_run(plan, store)   # closes the store, releases CLEAN/.lock
    logger.info("run %s done: %s; report %s", plan.run_id, summary["units"], summary["report_html"])
    return summary
