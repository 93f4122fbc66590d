import json

from cleaners.writer import read_jsonl, remove_stale_temporaries, write_jsonl_atomic


def test_atomic_write_round_trip_and_no_temporaries_left(tmp_path):
    path = tmp_path / "corpus" / "r-00001.jsonl"
    n = write_jsonl_atomic(path, [{"id": "a", "text": "é\n"}, {"id": "b"}])
    assert n == 2 and [r["id"] for r in read_jsonl(path)] == ["a", "b"]
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["text"] == "é\n"
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_stale_temporaries_are_removed_and_never_read_as_shards(tmp_path):
    (tmp_path / "corpus").mkdir()
    stale = tmp_path / "corpus" / ".r-00001.jsonl.tmp-123"
    stale.write_text('{"id": "half')
    assert list((tmp_path / "corpus").glob("*.jsonl")) == []
    assert remove_stale_temporaries(tmp_path) == 1 and not stale.exists()
