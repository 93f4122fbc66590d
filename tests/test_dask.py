"""`--runner dask`: the batches run on Dask workers, dedup's global step after them in the flow,
and the corpus is exactly the one the default runner gives."""
import json
import shutil
from pathlib import Path

import pytest

from benchmarks.corpus import write_corpus

pytest.importorskip("prefect_dask")

DOCS, BATCH = 24, 6          # four batches: two per worker


def _corpus(clean: Path) -> dict[str, dict]:
    """id -> record over corpus/ and rejected/: everything a runner must not change."""
    out = {}
    for sub in ("corpus", "rejected"):
        for shard in sorted((clean / sub).glob("*.jsonl")):
            for line in shard.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                out[f"{sub}/{rec['id']}"] = rec
    return out


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """Invented articles from several sites, plus an exact copy and a cut-short copy of one of
    them in other batches, so the global dedup step has work to do after the workers."""
    root = tmp_path_factory.mktemp("dask_raw")
    write_corpus(root, DOCS, seed=3)
    first = sorted(root.rglob("*.txt"))[0]
    (root / "zz-mirror").mkdir()
    shutil.copy(first, root / "zz-mirror" / "copy.txt")
    text = first.read_text(encoding="utf-8")
    (root / "zz-mirror" / "cut.txt").write_text(text[: int(len(text) * 0.85)], encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def reference(raw, prefect_harness, tmp_path_factory) -> dict[str, dict]:
    from flows.flow import clean_corpus

    clean = tmp_path_factory.mktemp("thread_clean")
    summary = clean_corpus(str(raw), str(clean), batch_size=BATCH, runner="thread")
    assert summary["units"]["duplicates"] >= 1
    return _corpus(clean)


def _two_workers(monkeypatch):
    from flows import runners

    monkeypatch.setattr(runners, "cores", lambda: 2)   # a 2-worker LocalCluster on any machine


@pytest.mark.prefect
def test_local_dask_cluster_gives_the_default_runners_corpus(raw, reference, tmp_path, monkeypatch):
    from flows.flow import clean_corpus

    _two_workers(monkeypatch)
    summary = clean_corpus(str(raw), str(tmp_path / "clean"), batch_size=BATCH, runner="dask")

    assert _corpus(tmp_path / "clean") == reference
    report = json.loads(Path(summary["report_json"]).read_text())
    assert report["runner"] == "prefect/dask"
    assert summary["units"]["seen"] == DOCS + 2


@pytest.mark.prefect
def test_existing_dask_scheduler_by_address(raw, reference, tmp_path):
    from distributed import LocalCluster

    from flows.flow import clean_corpus

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        address = cluster.scheduler_address.replace("tcp://", "dask://")
        summary = clean_corpus(str(raw), str(tmp_path / "clean"), batch_size=BATCH, runner=address)

    assert _corpus(tmp_path / "clean") == reference
    report = json.loads(Path(summary["report_json"]).read_text())
    assert report["runner"] == "prefect/dask:" + address.replace("dask://", "tcp://")


def test_runner_specs_are_checked_before_anything_starts():
    from flows.runners import RunnerError, check_spec

    assert check_spec("DASK://10.0.0.5:8786") == "dask://10.0.0.5:8786"
    assert check_spec("process:3") == "process:3"
    for bad in ("dask://nohost", "process:0", "threads", "dask:8786"):
        with pytest.raises(RunnerError):
            check_spec(bad)


def test_auto_uses_a_process_pool_only_for_several_batches_on_several_cores(monkeypatch):
    from flows import runners

    monkeypatch.setattr(runners, "cores", lambda: 2)
    assert runners.batch_runner("auto", 1) is None
    pool = runners.batch_runner("auto", 5)
    assert runners.describe(pool) == "process:2"
    assert runners.describe(runners.batch_runner("process:4", 3)) == "process:3"
    assert runners.describe(runners.batch_runner("prefect-process", 3)) == "prefect-process:2"
    monkeypatch.setattr(runners, "cores", lambda: 1)
    assert runners.batch_runner("auto", 5) is None
