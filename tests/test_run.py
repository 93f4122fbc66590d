"""The batch-to-shard path of a run (cleaners/run.py) without Prefect: what the records say
about their raw files, and where duplicates end up. Invented articles only."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from cleaners.config import Config
from cleaners.document import Document, Paragraph
from cleaners.run import run_local
from dedup_helpers import article


def _records(clean: Path, sub: str) -> list[dict]:
    return [json.loads(line) for shard in sorted((clean / sub).glob("*.jsonl"))
            for line in shard.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write_raw(raw: Path) -> None:
    (raw / "site").mkdir(parents=True)
    for i in range(3):
        (raw / "site" / f"story{i}.txt").write_text(f"Headline number {i} here\n\n" + "\n\n".join(article(10 + i)))
    # an exact copy (a duplicate) and a feed of several records (cut into line ranges)
    (raw / "site" / "copy.txt").write_text("Headline number 0 here\n\n" + "\n\n".join(article(10)))
    feed = [{"url": f"https://feed.example/{i}", "title": f"Feed story {i}", "text": "\n\n".join(article(20 + i))}
            for i in range(4)]
    (raw / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in feed) + "\n\nnot json\n")
    (raw / "empty.txt").write_bytes(b"")


def test_every_record_names_its_raw_file_version(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    _write_raw(raw)
    cfg = Config()
    cfg.run.batch_size = 2                   # several batches; the feed is cut over two of them
    run_local(raw, clean, cfg)
    records = _records(clean, "corpus") + _records(clean, "rejected")
    assert len(records) == 10                # 3 stories + copy + 4 feed records + bad line + empty
    for rec in records:
        path = raw / rec["source"].split("#", 1)[0]
        assert rec["raw_size"] == path.stat().st_size
        assert rec["raw_mtime"] == path.stat().st_mtime
        assert rec["raw_sha1"] == hashlib.sha1(path.read_bytes()).hexdigest()
    dup = next(r for r in records if r.get("duplicate_of"))
    assert dup["source"] in ("site/copy.txt", "site/story0.txt")
    assert dup["reasons"][0].startswith("dedup.exact")
    edits = {e["id"]: e for e in _records(clean, "edits")}
    assert edits[dup["id"]]["status"] == "duplicate" and edits[dup["id"]]["reasons"] == dup["reasons"]
    assert not list((clean / ".work").glob("*/*")) if (clean / ".work").exists() else True


def test_files_a_batch_hashed_are_not_hashed_again_by_the_flow(tmp_path, monkeypatch):
    """The batches hash the raw files they read whole and stage the sha1s beside their records;
    the writes hand them to the store, which then reads only the feed cut over two batches."""
    from cleaners import state

    raw, clean = tmp_path / "raw", tmp_path / "clean"
    _write_raw(raw)
    cfg = Config()
    cfg.run.batch_size = 2
    hashed_by_store = []
    real = state.sha1_of
    monkeypatch.setattr(state, "sha1_of", lambda path: hashed_by_store.append(path.name) or real(path))
    run_local(raw, clean, cfg)
    assert hashed_by_store == ["feed.jsonl"]
    for rec in _records(clean, "corpus") + _records(clean, "rejected"):
        path = raw / rec["source"].split("#", 1)[0]
        assert rec["raw_sha1"] == hashlib.sha1(path.read_bytes()).hexdigest()


def test_template_scan_runs_in_pieces_of_about_a_thousand_units():
    from cleaners.readers import WorkItem
    from cleaners.run import Batch, scan_groups
    batches = [Batch(i + 1, [WorkItem(f"f{i}-{j}.txt") for j in range(200)], 200) for i in range(12)]
    batches[3].uncounted = batches[3].items[:50]      # a killed run's files: counted already
    groups = scan_groups(batches)
    assert [g.index for g in groups] == [1, 2, 3]
    assert [len(g.items) for g in groups] == [850, 1000, 400]
    scanned = [it.path for g in groups for it in g.items]
    assert scanned == [it.path for b in batches for it in b.scan_items]   # each once, in order
    assert [len(g.items) for g in scan_groups(batches[:1])] == [200]
    # whole batches keep their units for the clean pass; batch 4's are read again there
    assert groups[0].segments == [(1, 200), (2, 200), (3, 200), (None, 50), (5, 200)]


def test_the_clean_pass_uses_the_units_the_scan_read(tmp_path):
    from cleaners import readers
    from cleaners.run import batch_units, cut_batches, scan_batch_to_file, units_file

    raw, work = tmp_path / "raw", tmp_path / "work"
    _write_raw(raw)
    work.mkdir()
    cfg = Config()
    files = readers.list_files(raw)
    batches = cut_batches(readers.plan_items(raw, files, cfg.read, 4), 4, {f.path: f for f in files})
    first, second = batches[2], batches[3]      # (txt and feed units, then txt only)
    items = first.items + second.items
    scan_batch_to_file(raw, work, 1, items, cfg, [(first.index, len(first.items)), (None, len(second.items))])
    assert units_file(work, first.index).is_file() and not units_file(work, second.index).exists()
    fresh = [u.source for u in batch_units(raw, work, first, cfg)]
    for it in first.items:                   # RAW changes after the scan: the batch keeps what it read
        (raw / it.path).write_text("changed")
    kept = list(batch_units(raw, work, first, cfg))
    assert [u.source for u in kept] == fresh
    assert all(getattr(u, "raw_text", "") != "changed" for u in kept)
    # kept as the scan's first stages left them: split into paragraphs, those stages done
    docs = [u for u in kept if isinstance(u, Document)]
    assert docs and all(u.done == ["structure", "unicode"] and u.paragraphs for u in docs)
    assert any(hasattr(u, "paragraphs") for u in kept)


def test_the_clean_pass_skips_the_stages_the_pre_pass_ran():
    from cleaners.document import Origin
    from cleaners.limits import DocTimer
    from cleaners.pipeline import Context, clean_document

    def doc(done):
        d = Document.new("a.txt", Origin(path="a.txt"), raw_text="x")
        d.paragraphs = [Paragraph("Harbour  ferry returns next month after the long winter "
                                  "repairs to its hull and engines, the operator said.")]
        d.done = list(done)
        return d
    for clean in (lambda d: clean_document(d, Context()),
                  lambda d: DocTimer(5).clean_all([d], Context())[0]):
        skipped, run = clean(doc(["structure"])).doc, clean(doc([])).doc
        assert "  " in skipped.paragraphs[0].text and not [e for e in skipped.edits if e.stage == "structure"]
        assert "  " not in run.paragraphs[0].text and [e for e in run.edits if e.stage == "structure"]


def test_the_pre_pass_seconds_count_to_the_document_limit():
    from cleaners.document import Origin
    from cleaners.limits import DocTimer
    from cleaners.pipeline import Context

    d = Document.new("a.txt", Origin(path="a.txt"), raw_text="Harbour ferry returns next month.")
    d.paragraphs = [Paragraph("Harbour ferry returns next month.")]
    d.done, d.timings = ["structure"], {"structure": 5.0}    # the pre-pass used up the limit
    with DocTimer(5) as timer:
        outcome = timer.clean_all([d], Context())[0]
    assert not outcome.kept and str(outcome.reasons[0]).startswith("pipeline.timeout")


def test_a_pre_stage_that_stops_is_not_marked_done(monkeypatch):
    from cleaners import run as R
    from cleaners.document import Origin
    from cleaners.limits import DocTimer

    def slow(doc, ctx):
        time.sleep(2)
    monkeypatch.setattr(R, "PRE_STAGES", [R.PRE_STAGES[0], ("unicode", slow)])
    d = Document.new("a.txt", Origin(path="a.txt"), raw_text="Harbour ferry returns.")
    with DocTimer(0.2) as timer:
        assert R.run_pre_stages(d, Config(), timer) is False
    assert d.done == ["structure"]      # the clean pass runs unicode again, and reports it
