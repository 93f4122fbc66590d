"""Where the batch work runs (flows/runners.py): the batch pool started early, before Prefect."""
from __future__ import annotations

from pathlib import Path

from flows import runners


def _files(root: Path, n: int, size: int = 100) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / f"{i:04d}.txt").write_bytes(b"x" * size)
    return root


def test_several_batches_is_guessed_from_file_count_or_bytes(tmp_path):
    assert not runners._several_batches(_files(tmp_path / "few", 5), batch_size=10)
    assert runners._several_batches(_files(tmp_path / "many", 11), batch_size=10)
    assert runners._several_batches(_files(tmp_path / "feed", 1, size=300_000), batch_size=10)
    assert not runners._several_batches(tmp_path / "missing", batch_size=10)


def test_no_early_pool_for_threads_dask_one_core_or_one_batch(tmp_path, monkeypatch):
    raw = _files(tmp_path / "raw", 30)
    monkeypatch.setattr(runners, "cores", lambda: 2)
    assert runners.prestart("thread", raw, 10) is None
    assert runners.prestart("dask", raw, 10) is None
    assert runners.prestart("auto", raw, 100) is None          # one batch: the thread runner
    monkeypatch.setattr(runners, "cores", lambda: 1)
    assert runners.prestart("auto", raw, 10) is None


def test_early_pool_is_the_one_the_flow_gets_and_is_stopped_if_unused(tmp_path, monkeypatch):
    raw = _files(tmp_path / "raw", 30)
    monkeypatch.setattr(runners, "cores", lambda: 2)
    pool = runners.prestart("auto", raw, 10)
    try:
        assert isinstance(pool, runners.BatchPool) and pool.executor is not None
        assert runners.batch_runner("auto", 3) is pool           # handed over once
        assert runners.batch_runner("auto", 3) is not pool
        with runners.started(pool):                               # entered as it is, ended after
            assert runners.run_batch(pow, 2, 10) == 1024
        assert pool.executor is None
    finally:
        runners.stop_early_pool()
    unused = runners.prestart("process:2", raw, 10)
    runners.stop_early_pool()
    assert unused.executor is None and runners._EARLY is None
