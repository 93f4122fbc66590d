"""Start-of-run reconciliation (cleaners/recover.py) on hand-made CLEAN folders."""
import json
from dataclasses import dataclass

import pytest

from cleaners import dedup, recover
from cleaners.config import DedupConfig
from cleaners.state import StateStore
from cleaners.writer import read_jsonl, write_jsonl_atomic


@dataclass
class F:
    path: str
    size: int = 10
    mtime: float = 1.0


TEXT = "The harbour board approved the new ferry timetable after a long public meeting. " * 5


def shard(clean, sub, name, sources):
    recs = [{"id": s.replace("/", "_"), "source": s, "text": TEXT + s, "reasons": ["x.y: z"]}
            for s in sources]
    write_jsonl_atomic(clean / sub / name, recs)


def sources_in(clean, sub):
    return sorted(r["source"] for p in (clean / sub).glob("*.jsonl") for r in read_jsonl(p))


def sig(source):
    return dedup.signature_from_text(source.replace("/", "_"), source, TEXT + source, DedupConfig())


def doc_sources(store):
    return sorted(r[0] for r in store.conn.execute("SELECT source FROM docs"))


def test_raw_path_matches_known_files_not_prefixes():
    paths = {"a/b.jsonl", "x#1.txt", "c.txt"}
    assert recover.raw_path("a/b.jsonl#3", paths) == "a/b.jsonl"
    assert recover.raw_path("x#1.txt", paths) == "x#1.txt"
    assert recover.raw_path("x#1.txt#2", paths) == "x#1.txt"
    assert recover.raw_path("c.txt.bak", paths) is None
    assert recover.raw_path("a/b.jsonl.gz#1", paths) is None
    assert recover.raw_path("c.tx", paths) is None


def test_killed_run_uncommitted_lines_dropped_committed_lines_kept(tmp_path):
    clean = tmp_path
    store = StateStore.open(clean)
    # run R1 committed done.txt, then was killed after placing the shards of part of feed.jsonl
    store.commit_batch([F("done.txt")], [(sig("done.txt"), "R1-00001.jsonl")])
    store.commit_batch([], [(sig("feed.jsonl#1"), "R1-00002.jsonl")])   # feed not finished
    (clean / ".work" / "R1").mkdir(parents=True)
    shard(clean, "corpus", "R1-00001.jsonl", ["done.txt"])
    shard(clean, "corpus", "R1-00002.jsonl", ["feed.jsonl#1"])
    shard(clean, "rejected", "R1-00002.jsonl", ["feed.jsonl#2"])
    shard(clean, "edits", "R1-00002.jsonl", ["feed.jsonl#1", "feed.jsonl#2"])
    status = {"done.txt": "unchanged", "feed.jsonl": "new"}

    rec = recover.reconcile(clean, store, status, current_run="R2")

    assert rec.killed_runs == ["R1"] and rec.records_dropped == 4
    assert sources_in(clean, "corpus") == ["done.txt"]
    assert sources_in(clean, "rejected") == [] and sources_in(clean, "edits") == []
    assert not (clean / "rejected" / "R1-00002.jsonl").exists()     # emptied shards go
    assert doc_sources(store) == ["done.txt"]
    assert not (clean / ".work" / "R1").exists()
    # idempotent: nothing left to do
    assert not recover.reconcile(clean, store, status, current_run="R3")
    store.close()


def _band_docs(store):
    """Docs with band keys, merged or still pending."""
    return store.conn.execute("SELECT COUNT(DISTINCT doc) FROM (SELECT doc FROM bands "
                              "UNION ALL SELECT doc FROM bands_pending)").fetchone()[0]


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "pending"])
def test_changed_file_old_records_dropped_from_any_shard(tmp_path, merged):
    clean = tmp_path
    store = StateStore.open(clean)
    store.commit_batch([F("a.txt"), F("b.txt")], [(sig("a.txt"), "R0-00001.jsonl"),
                                                  (sig("b.txt"), "R0-00001.jsonl")])
    if merged:
        store.merge_pending_bands()
    assert _band_docs(store) == 2
    shard(clean, "corpus", "R0-00001.jsonl", ["a.txt", "b.txt"])
    shard(clean, "edits", "R0-00001.jsonl", ["a.txt", "b.txt"])
    before = (clean / "corpus" / "R0-00001.jsonl").read_text()

    rec = recover.reconcile(clean, store, {"a.txt": "changed", "b.txt": "unchanged"}, "R1")

    assert rec.records_dropped == 2 and rec.killed_runs == []
    assert sources_in(clean, "corpus") == ["b.txt"] and sources_in(clean, "edits") == ["b.txt"]
    # the surviving line is byte-for-byte what was there
    kept_line = [ln for ln in before.splitlines(keepends=True) if '"source":"b.txt"' in ln]
    assert (clean / "corpus" / "R0-00001.jsonl").read_text() == "".join(kept_line)
    assert doc_sources(store) == ["b.txt"]
    assert _band_docs(store) == 1
    store.close()


def test_usual_run_with_only_new_files_reads_no_shard(tmp_path, monkeypatch):
    clean = tmp_path
    store = StateStore.open(clean)
    shard(clean, "corpus", "R0-00001.jsonl", ["old.txt"])

    def no_reading(*a, **k):
        raise AssertionError("shards read without need")

    monkeypatch.setattr(recover, "_filter_shard", no_reading)
    rec = recover.reconcile(clean, store, {"old.txt": "unchanged", "new.txt": "new"}, "R1")
    assert not rec
    store.close()


def test_missing_store_never_rebuilt_from_a_killed_runs_shards(tmp_path):
    clean = tmp_path
    shard(clean, "corpus", "R0-00001.jsonl", ["a.txt"])      # a finished run
    shard(clean, "corpus", "R1-00001.jsonl", ["b.txt"])      # a killed one
    (clean / ".work" / "R1").mkdir(parents=True)
    assert recover.drop_shards_of_killed_runs(clean) == ["R1"]
    assert sources_in(clean, "corpus") == ["a.txt"]


@pytest.mark.parametrize("name", ["odd \"quoted\" name.txt", "dir/ünïcode.txt"])
def test_file_names_that_need_json_escaping_are_found(tmp_path, name):
    clean = tmp_path
    store = StateStore.open(clean)
    shard(clean, "corpus", "R0-00001.jsonl", [name, "other.txt"])
    recover.reconcile(clean, store, {name: "changed", "other.txt": "unchanged"}, "R1")
    assert sources_in(clean, "corpus") == ["other.txt"]
    assert json.loads((clean / "corpus" / "R0-00001.jsonl").read_text())["source"] == "other.txt"
    store.close()
