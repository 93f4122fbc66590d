import os
import sqlite3

import pytest

from cleaners import dedup
from cleaners.config import DedupConfig
from cleaners.document import rejection_record, Reason
from cleaners.state import StateCorrupt, StateStore
from cleaners.writer import write_jsonl_atomic
from dedup_helpers import article, file_info, make_doc, sigs_of, write_corpus

CFG = DedupConfig()


@pytest.fixture
def dirs(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "a.txt").write_text("first article\n")
    (raw / "b.txt").write_text("second article\n")
    return raw, clean


def _touch(path, seconds):
    st = path.stat()
    os.utime(path, (st.st_atime, st.st_mtime + seconds))


# ---- file status -----------------------------------------------------------------------
def test_file_status_new_unchanged_changed_and_touched(dirs):
    raw, clean = dirs
    with StateStore.open(clean, raw) as store:
        a = file_info(raw, "a.txt")
        assert store.file_status(a) == "new"
        store.commit_batch([a], [])
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"
        assert store.file_status(file_info(raw, "b.txt")) == "new"

        _touch(raw / "a.txt", 100)                       # touched, same bytes
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"

        (raw / "a.txt").write_text("first articlE\n")   # same size, other bytes
        _touch(raw / "a.txt", 200)
        assert store.file_status(file_info(raw, "a.txt")) == "changed"

        (raw / "a.txt").write_text("a longer first article\n")
        os.utime(raw / "a.txt", (a.mtime, a.mtime))    # other size, the committed mtime
        assert store.file_status(file_info(raw, "a.txt")) == "changed"


def test_touched_file_stays_unchanged_after_reopening(dirs):
    raw, clean = dirs
    with StateStore.open(clean, raw) as store:
        store.commit_batch([file_info(raw, "a.txt")], [])
    _touch(raw / "a.txt", 50)
    with StateStore.open(clean, raw) as store:
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"


def test_new_mtime_of_an_identical_file_is_remembered_at_close(dirs):
    raw, clean = dirs
    with StateStore.open(clean, raw) as store:
        store.commit_batch([file_info(raw, "a.txt")], [])
    _touch(raw / "a.txt", 50)
    with StateStore.open(clean, raw) as store:
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"
    with StateStore.open(clean) as store:            # no raw_dir: only the fast path can answer
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"


def test_without_raw_dir_a_touched_file_counts_as_changed(dirs):
    raw, clean = dirs
    with StateStore.open(clean) as store:
        store.commit_batch([file_info(raw, "a.txt")], [])
        _touch(raw / "a.txt", 50)
        assert store.file_status(file_info(raw, "a.txt")) == "changed"


# ---- commit_batch ----------------------------------------------------------------------
def test_commit_batch_persists_files_and_signatures(dirs):
    raw, clean = dirs
    docs = [make_doc("a.txt", article(1)), make_doc("b.txt", article(2))]
    write_corpus(clean, "r-00001.jsonl", docs)
    with StateStore.open(clean, raw) as store:
        store.commit_batch([file_info(raw, "a.txt"), file_info(raw, "b.txt")],
                           [(s, "r-00001.jsonl") for s in sigs_of(docs)])
    with StateStore.open(clean, raw) as store:
        assert store.processed_files() == 2 and store.doc_count() == 2
        sig = sigs_of(docs[:1])[0]
        rows = store.band_candidates(sig.band_keys())
        assert set(rows) == set(sig.band_keys())
        (stored,) = store.stored_docs({r for rs in rows.values() for r in rs}).values()
        assert stored.id == docs[0].id and stored.shard == "r-00001.jsonl"
        assert store.stored_texts([stored]) == {stored.row: docs[0].text}


def _band_rows(store, table):
    return store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_band_keys_wait_in_pending_until_the_store_closes_and_are_found_meanwhile(dirs):
    raw, clean = dirs
    docs = [make_doc("a.txt", article(1)), make_doc("b.txt", article(2))]
    sigs = sigs_of(docs)
    keys = {k for s in sigs for k in s.band_keys()}
    with StateStore.open(clean, raw) as store:       # a new, empty store
        write_corpus(clean, "r-00001.jsonl", docs)
        store.commit_batch([file_info(raw, "a.txt")], [(sigs[0], "r-00001.jsonl")])
        store.commit_batch([file_info(raw, "b.txt")], [(sigs[1], "r-00001.jsonl")])
        assert _band_rows(store, "bands") == 0 and _band_rows(store, "bands_pending") > 0
        pending = store.band_candidates(keys)       # found before the merge
        assert set(pending) == keys
    with StateStore.open(clean, raw) as store:
        assert _band_rows(store, "bands_pending") == 0 and _band_rows(store, "bands") > 0
        assert store.band_candidates(keys) == pending     # the same answer after it


def test_pending_band_keys_of_a_killed_run_are_merged_when_the_store_opens(dirs):
    raw, clean = dirs
    docs = [make_doc("a.txt", article(1))]
    store = StateStore.open(clean, raw)
    write_corpus(clean, "r-00001.jsonl", docs)
    store.commit_batch([file_info(raw, "a.txt")], [(sigs_of(docs)[0], "r-00001.jsonl")])
    store.conn.close()                               # killed: close() never ran
    with StateStore.open(clean, raw) as store:
        assert _band_rows(store, "bands_pending") == 0
        assert _band_rows(store, "bands") == len(sigs_of(docs)[0].band_keys())


def test_store_made_before_the_pending_table_gains_it_and_keeps_its_keys(dirs):
    raw, clean = dirs
    docs = [make_doc("a.txt", article(1))]
    write_corpus(clean, "r-00001.jsonl", docs)
    StateStore.open(clean, raw).close()             # rebuilt from the shard: keys in `bands`
    conn = sqlite3.connect(clean / "state" / "state.sqlite")
    rows = conn.execute("SELECT COUNT(*) FROM bands").fetchone()[0]
    conn.execute("DROP TABLE bands_pending")         # as an earlier version made the store
    conn.commit()
    conn.close()
    with StateStore.open(clean, raw) as store:
        assert _band_rows(store, "bands") == rows > 0 and _band_rows(store, "bands_pending") == 0
        store.commit_batch([file_info(raw, "b.txt")], [])


def test_commit_batch_is_one_transaction(dirs):
    raw, clean = dirs

    class Broken:
        id, source, exact, length = "x", "b.txt", b"12345678", 10

        def band_keys(self):
            raise OSError("disk went away")

    with StateStore.open(clean, raw) as store:
        with pytest.raises(OSError):
            store.commit_batch([file_info(raw, "a.txt")], [(Broken(), "r-00001.jsonl")])
        assert store.file_status(file_info(raw, "a.txt")) == "new"
        assert store.doc_count() == 0


def test_store_is_wal_and_lives_in_clean_state(dirs):
    raw, clean = dirs
    with StateStore.open(clean, raw) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (clean / "state" / "state.sqlite").is_file()


# ---- rebuild ---------------------------------------------------------------------------
def _first_run(raw, clean, docs, rejected_source=None):
    """Corpus + rejected shards with raw_size/raw_mtime, as the writer leaves them."""
    write_corpus(clean, "r-00001.jsonl", docs, raw=raw)
    files = [file_info(raw, d.source) for d in docs]
    if rejected_source:
        info = file_info(raw, rejected_source)
        rec = rejection_record(rejected_source, [Reason("quality", "too_short", "3 words")])
        rec.update(raw_size=info.size, raw_mtime=info.mtime)
        write_jsonl_atomic(clean / "rejected" / "r-00001.jsonl", [rec])
        files.append(info)
    with StateStore.open(clean, raw) as store:
        store.commit_batch(files, [(s, "r-00001.jsonl") for s in sigs_of(docs)])


def test_deleted_store_is_rebuilt_from_corpus_and_rejected(dirs):
    raw, clean = dirs
    body = article(3)
    (raw / "c.txt").write_text("x" * 10)
    _first_run(raw, clean, [make_doc("a.txt", body), make_doc("b.txt", article(4))], "c.txt")
    (clean / "state" / "state.sqlite").unlink()          # a user deletes only the main file

    with StateStore.open(clean, raw) as store:
        assert store.doc_count() == 2 and store.processed_files() == 3
        for name in ("a.txt", "b.txt", "c.txt"):
            assert store.file_status(file_info(raw, name)) == "unchanged"
        # the rebuilt band index still finds a new copy of a corpus article
        copy = make_doc("d.txt", body)
        r = dedup.decide(sigs_of([copy]), store, CFG)
        assert r.duplicates[copy.id].keeper_id == make_doc("a.txt", body).id


def test_rebuild_without_raw_fields_adopts_the_raw_file_as_it_is(dirs):
    raw, clean = dirs
    doc = make_doc("a.txt", article(5))
    write_corpus(clean, "r-00001.jsonl", [doc])           # no raw_size / raw_mtime
    with StateStore.open(clean, raw) as store:
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"
        assert store.file_status(file_info(raw, "b.txt")) == "new"
        _touch(raw / "a.txt", 10)                          # its sha1 was remembered
        assert store.file_status(file_info(raw, "a.txt")) == "unchanged"


def test_empty_clean_gives_an_empty_store(dirs):
    raw, clean = dirs
    with StateStore.open(clean, raw) as store:
        assert store.doc_count() == 0 and not store.has_docs()
    assert not any(p.name.startswith(".") for p in (clean / "state").iterdir())


def test_leftover_of_a_killed_rebuild_is_not_taken_for_a_store(dirs):
    raw, clean = dirs
    (clean / "state").mkdir(parents=True)
    (clean / "state" / ".state.sqlite.building-999").write_bytes(b"half a database")
    with StateStore.open(clean, raw) as store:
        assert store.doc_count() == 0


# ---- corruption ------------------------------------------------------------------------
def test_garbage_store_raises_state_corrupt_and_writes_nothing(dirs):
    raw, clean = dirs
    path = clean / "state" / "state.sqlite"
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database at all" * 200
    path.write_bytes(garbage)
    with pytest.raises(StateCorrupt) as err:
        StateStore.open(clean, raw)
    msg = str(err.value)
    assert str(path) in msg and "Nothing was written" in msg and "rebuilds it" in msg
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in clean.rglob("*")) == ["state", "state.sqlite"]


def test_store_with_a_foreign_schema_is_refused(dirs):
    raw, clean = dirs
    path = clean / "state" / "state.sqlite"
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StateCorrupt, match="lacks table"):
        StateStore.open(clean, raw)


def test_store_with_another_schema_version_is_refused(dirs):
    raw, clean = dirs
    StateStore.open(clean, raw).close()
    conn = sqlite3.connect(clean / "state" / "state.sqlite")
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StateCorrupt, match="schema version 99"):
        StateStore.open(clean, raw)


def test_damaged_pages_are_detected(dirs):
    raw, clean = dirs
    docs = [make_doc(f"d{i}.txt", article(10 + i)) for i in range(40)]
    write_corpus(clean, "r-00001.jsonl", docs)
    with StateStore.open(clean, raw) as store:
        store.commit_batch([], [(s, "r-00001.jsonl") for s in sigs_of(docs)])
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = clean / "state" / "state.sqlite"
    data = bytearray(path.read_bytes())
    assert len(data) > 4 * 4096
    for page in range(1, len(data) // 4096):                    # scribble over b-tree page headers
        data[page * 4096: page * 4096 + 12] = b"\xee" * 12
    path.write_bytes(bytes(data))
    with pytest.raises(StateCorrupt):
        StateStore.open(clean, raw)


def test_raw_path_of_a_source_keeps_hashes_that_belong_to_the_name():
    from cleaners.state import raw_path_of
    assert raw_path_of("feeds/day.jsonl#12") == "feeds/day.jsonl"
    assert raw_path_of("feeds/day.json.gz#3") == "feeds/day.json.gz"
    assert raw_path_of("a#1.txt") == "a#1.txt"
    assert raw_path_of("notes#2") == "notes#2"
    assert raw_path_of("page.html") == "page.html"


def test_stale_wal_of_a_deleted_store_is_not_replayed(dirs):
    raw, clean = dirs
    docs = [make_doc(f"d{i}.txt", article(70 + i)) for i in range(5)]
    write_corpus(clean, "r-00001.jsonl", docs)
    store = StateStore.open(clean, raw)
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")      # keep the next commit in the WAL
    store.commit_batch([file_info(raw, "a.txt")], [])
    wal = (clean / "state" / "state.sqlite-wal").read_bytes()
    store.close()
    (clean / "state" / "state.sqlite").unlink()
    (clean / "state" / "state.sqlite-wal").write_bytes(wal)  # left behind by the deletion
    with StateStore.open(clean, raw) as store:
        assert store.doc_count() == 5
        assert store.file_status(file_info(raw, "a.txt")) == "new"
