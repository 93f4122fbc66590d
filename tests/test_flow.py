"""End to end through the Prefect flow, on the shipped sample raw/ plus bad inputs."""
import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _records(folder: Path):
    return [json.loads(l) for f in sorted(folder.glob("*.jsonl")) for l in f.read_text().splitlines() if l]


@pytest.mark.prefect
def test_flow_cleans_sample_raw_and_accounts_for_every_unit(prefect_harness, tmp_path):
    from flows.flow import clean_corpus

    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    (raw / "bad").mkdir()
    (raw / "bad" / "empty.txt").write_bytes(b"")
    (raw / "bad" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (raw / "bad" / "feed.jsonl").write_text('{"text": "unterminated\n{"url": "https://x.example/"}\n')
    clean = tmp_path / "clean"

    summary = clean_corpus(str(raw), str(clean), batch_size=4)

    kept, rejected = _records(clean / "corpus"), _records(clean / "rejected")
    sources = [r["source"] for r in kept + rejected]
    assert len(sources) == len(set(sources)) == summary["units"]["seen"]
    assert {"bad/empty.txt", "bad/picture.png", "bad/feed.jsonl#1", "bad/feed.jsonl#2"} <= {
        r["source"] for r in rejected}
    assert all(r["reasons"] for r in rejected)
    assert summary["units"]["kept"] == len(kept) and summary["units"]["new"] == summary["units"]["seen"]
    for r in kept:
        assert {"id", "source", "title", "date", "lang", "text"} <= set(r)
        assert "/" not in r["id"] and ".." not in r["id"]
    assert (Path(summary["report_json"])).is_file() and Path(summary["report_html"]).is_file()

    # a second run over the same folder has nothing new and changes nothing
    again = clean_corpus(str(raw), str(clean), batch_size=4)
    assert again["units"]["new"] == 0 and again["units"]["unchanged"] == summary["units"]["seen"]
    assert _records(clean / "corpus") == kept
