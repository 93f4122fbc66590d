"""report.json: counts that add up to the edit log, bounded examples, drift, alignment."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cleaners import report as R
from cleaners.document import Reason
from report_helpers import boilerplate_doc, make_doc, write_run


def _short(source: str):
    return make_doc(source, "river.example", ["Too short to keep."])


def _run(clean: Path, run_id: str = "run-a", n: int = 6, extra: int = 1, **kw) -> dict:
    kept = [boilerplate_doc(f"site{i % 2}/story{i}.txt", extra=extra if i % 2 else 0) for i in range(n)]
    short = _short("site0/brief.txt")
    short.edit("structure", "whitespace", "replace", para=0, before="Too  short", after="Too short")
    rejected = [(short, short.source, [Reason("quality", "too_short", "4 words < 50")]),
                (None, "bad/blob.bin", [Reason("read", "not_text", "control bytes 40%")])]
    dup = boilerplate_doc("site1/copy.txt")
    clusters = [{"keeper": {"id": kept[0].id, "source": kept[0].source},
                 "members": [{"id": dup.id, "source": dup.source, "jaccard": 0.9, "containment": 0.97}],
                 "why": "jaccard 0.90 >= 0.7"}]
    info = write_run(clean, run_id, kept, rejected, duplicates=[(dup, kept[0].id)], clusters=clusters,
                     templates={"river.example": {"lines": ["Share this story"], "docs": 6}}, **kw)
    return info


def _edit_log(clean: Path) -> list[dict]:
    return [json.loads(line) for p in sorted((clean / "edits").glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_counts_add_up_to_the_edit_log(tmp_path):
    info = _run(tmp_path)
    rep = R.build_report(tmp_path, info)
    log = _edit_log(tmp_path)
    edits = [e for rec in log for e in rec["edits"]]
    by_rule = Counter(f"{e['stage']}.{e['rule']}" for e in edits)
    assert rep["edits"]["total"] == len(edits) == sum(r["edits"] for r in rep["edits"]["by_rule"])
    assert {r["rule"]: r["edits"] for r in rep["edits"]["by_rule"]} == dict(by_rule)
    assert sum(s["edits"] for s in rep["edits"]["by_stage"].values()) == len(edits)
    assert sum(rep["edits"]["by_action"].values()) == len(edits)
    docs_per_rule = Counter(rid for rec in log for rid in {f"{e['stage']}.{e['rule']}" for e in rec["edits"]})
    assert {r["rule"]: r["docs"] for r in rep["edits"]["by_rule"]} == dict(docs_per_rule)
    assert rep["outputs"]["edit_records"] == len(log)
    assert rep["outputs"]["status"] == dict(Counter(rec["status"] for rec in log))


def test_rejects_grouped_by_stage_rule(tmp_path):
    rep = R.build_report(tmp_path, _run(tmp_path))
    by_reason = {r["reason"]: r for r in rep["rejects"]["by_reason"]}
    assert set(by_reason) == {"quality.too_short", "read.not_text", "dedup.near_duplicate"}
    assert rep["rejects"]["total"] == 3 == sum(r["count"] for r in by_reason.values())
    dup_example = by_reason["dedup.near_duplicate"]["examples"][0]
    assert dup_example["duplicate_of"] and dup_example["source"] == "site1/copy.txt"


def test_rule_of_reason():
    assert R.rule_of_reason("quality.too_short: 41 words < 50") == "quality.too_short"
    # a reason that is not "stage.rule: sentence" is grouped, not mistaken for a rule
    assert R.rule_of_reason("something went wrong: badly") == "other"


def test_languages_distributions_timings_and_metadata(tmp_path):
    info = _run(tmp_path)
    rep = R.build_report(tmp_path, info)
    assert rep["languages"] == [{"lang": "en", "docs": 6, "share": 1.0}]
    dist = rep["distributions"]
    assert {"quality.word_count", "quality.stopword_ratio", "scores.garble", "lang_prob"} <= set(dist)
    assert "quality.ok" not in dist          # booleans are not a distribution
    # the quality stage's cut-offs ride along with the signal they judge
    assert any(c["signal"] == "word_count" for c in dist["quality.word_count"]["thresholds"])
    assert "thresholds" not in dist["scores.garble"]
    for d in dist.values():
        assert sum(b["count"] for b in d["bins"]) == d["count"] == 6
    assert rep["timings"]["stages"]["boilerplate"]["docs"] == 7   # 6 kept + the duplicate
    assert rep["timings"]["steps"] == info["step_timings"]
    assert rep["units"] == info["units"] and rep["run_id"] == "run-a"
    assert rep["duration_seconds"] == 5.0
    assert rep["templates"]["river.example"]["docs"] == 6
    assert rep["duplicates"]["clusters"] == 1 and rep["duplicates"]["units"] == 1


def test_examples_are_bounded_and_come_from_distinct_documents(tmp_path):
    info = _run(tmp_path, n=12, extra=3)
    rep = R.build_report(tmp_path, info)
    related = next(r for r in rep["edits"]["by_rule"] if r["rule"] == "boilerplate.related_links")
    assert related["edits"] == 18 and related["docs"] == 6
    assert len(related["examples"]) == R.EXAMPLES_PER_RULE
    assert len({ex["source"] for ex in related["examples"]}) == R.EXAMPLES_PER_RULE
    assert related["examples"][0]["before"].startswith("Related: ferry story")


def test_document_view_is_bounded_to_most_edited_plus_rejects(tmp_path, monkeypatch):
    monkeypatch.setattr(R, "DOC_VIEW_TOP", 3)
    rep = R.build_report(tmp_path, _run(tmp_path, n=10, extra=2))
    items = rep["documents"]["items"]
    kept = [v for v in items if v["status"] == "kept"]
    assert len(kept) == 3
    assert all(v["edits_total"] == 6 for v in kept)           # the odd ones carry 2 extra removals
    assert kept[0]["clean"] and "Share this story" not in kept[0]["clean"]
    statuses = Counter(v["status"] for v in items)
    assert statuses["rejected"] == 2 and statuses["duplicate"] == 1   # incl. the reader reject
    reader = next(v for v in items if v["source"] == "bad/blob.bin")
    assert reader["reasons"] == ["read.not_text: control bytes 40%"] and reader["clean"] is None


def test_write_report_keeps_json_small_and_html_complete(tmp_path):
    info = _run(tmp_path)
    rep = R.build_report(tmp_path, info)
    json_path, html_path = R.write_report(tmp_path, "run-a", rep)
    assert json_path == tmp_path / "reports" / "run-a" / "report.json"
    saved = json.loads(json_path.read_text(encoding="utf-8"))
    assert "items" not in saved["documents"] and saved["documents"]["shown"] == len(rep["documents"]["items"])
    assert saved["edits"]["total"] == rep["edits"]["total"]
    assert "site1/story1.txt" in html_path.read_text(encoding="utf-8")
    assert not list(json_path.parent.glob(".*tmp*"))           # atomic writes leave no temporaries
    with pytest.raises(ValueError):
        R.write_report(tmp_path, "../escape", rep)


def test_drift_flags_a_rule_whose_rate_moved_and_not_a_steady_one(tmp_path):
    first = _run(tmp_path, "run-1", extra=0, started="2024-05-01T10:00:00")
    R.write_report(tmp_path, "run-1", R.build_report(tmp_path, first))
    second = _run(tmp_path, "run-2", extra=3, started="2024-05-02T10:00:00")
    rep = R.build_report(tmp_path, second)
    assert rep["drift"]["previous_run"] == "run-1"
    moved = {r["name"]: r for r in rep["drift"]["rules"]}
    assert moved["boilerplate.related_links"]["note"] == "new"
    assert moved["boilerplate.related_links"]["direction"] == "up"
    # negative: the share line is removed once per article in both runs: no drift
    assert "boilerplate.share_prompt" not in moved
    assert rep["drift"]["rejects"] == []


def test_no_drift_from_a_run_that_processed_nothing(tmp_path):
    first = _run(tmp_path, "run-1", started="2024-05-01T10:00:00")
    R.write_report(tmp_path, "run-1", R.build_report(tmp_path, first))
    empty = write_run(tmp_path, "run-2", [], [], started="2024-05-02T10:00:00")
    rep = R.build_report(tmp_path, empty)
    assert rep["drift"]["rules"] == [] and "nothing to compare" in rep["drift"]["note"]
    R.write_report(tmp_path, "run-2", rep)
    # the next run compares with run-1 (which processed documents), not with the empty run-2
    third = _run(tmp_path, "run-3", started="2024-05-03T10:00:00")
    rep3 = R.build_report(tmp_path, third)
    assert rep3["drift"]["previous_run"] == "run-1" and rep3["drift"]["small_sample"] is True
    assert rep3["drift"]["rules"] == []


def test_drift_ignores_small_moves():
    cur = {"edits": {"by_rule": [{"rule": "a.b", "rate": 0.52}, {"rule": "a.c", "rate": 0.02}]}}
    prev = {"run_id": "p", "edits": {"by_rule": [{"rule": "a.b", "rate": 0.50}, {"rule": "a.d", "rate": 0.01}]}}
    assert R.drift(cur, prev)["rules"] == []     # small absolute changes, even new/gone ones
    prev["edits"]["by_rule"][0]["rate"] = 0.2
    assert [r["name"] for r in R.drift(cur, prev)["rules"]] == ["a.b"]


def test_previous_and_latest_report_by_start_time(tmp_path):
    for run_id, started in (("zzz-old", "2024-01-01T00:00:00"), ("aaa-new", "2024-06-01T00:00:00")):
        info = _run(tmp_path, run_id, started=started)
        R.write_report(tmp_path, run_id, R.build_report(tmp_path, info))
    assert R.load_report(tmp_path, "latest")["run_id"] == "aaa-new"
    assert R.load_report(tmp_path, "zzz-old")["run_id"] == "zzz-old"
    assert R.previous_report(tmp_path, "aaa-new")["run_id"] == "zzz-old"
    with pytest.raises(FileNotFoundError):
        R.load_report(tmp_path, "../../etc")
    with pytest.raises(FileNotFoundError):
        R.load_report(tmp_path / "nothing-here")


def test_torn_lines_do_not_break_the_report(tmp_path):
    info = _run(tmp_path)
    shard = tmp_path / "edits" / info["shards"]["edits"][0]
    shard.write_text(shard.read_text(encoding="utf-8") + '{"id": "half', encoding="utf-8")
    assert R.build_report(tmp_path, info)["outputs"]["edit_records"] == 8


def test_shards_found_by_run_id_when_not_listed(tmp_path):
    info = _run(tmp_path)
    listed = R.build_report(tmp_path, info)
    info.pop("shards")
    assert R.build_report(tmp_path, info)["edits"] == listed["edits"]


def test_histogram_bins_and_quantiles():
    h = R.Histogram()
    for x in range(1, 101):
        h.add(float(x))
    s = h.summary(bins=10)
    assert [b["count"] for b in s["bins"]] == [10] * 9 + [10]
    assert s["p50"] == 50 and s["min"] == 1 and s["max"] == 100
    one = R.Histogram()
    one.add(0.3)
    one.add(0.3)
    assert one.summary()["bins"] == [{"lo": 0.3, "hi": 0.3, "count": 2}]
    few = R.Histogram()
    for x in (1, 2, 2, 3):
        few.add(x)
    assert [b["count"] for b in few.summary()["bins"]] == [1, 2, 1]   # one bin per small integer


def test_align_marks_removed_changed_and_equal_paragraphs():
    raw = "Title line\n\nFirst  paragraph stays.\nShare this story\nSecond paragraph has a typo teh.\n"
    clean = "First paragraph stays.\n\nSecond paragraph has a typo the."
    ops = R.align(raw, clean)
    assert [k for k, _, _ in ops] == ["removed", "equal", "removed", "changed"]
    pieces = R.word_diff(ops[3][1], ops[3][2])
    assert ("del", "teh") in pieces and ("ins", "the") in pieces


def test_align_keeps_unrelated_replacements_apart():
    ops = R.align("Subscribe now for more\nBody text one.", "Completely different words here.\n\nBody text one.")
    assert [k for k, _, _ in ops] == ["removed", "added", "equal"]


def test_rule_for_removed_paragraph():
    edits = [{"stage": "boilerplate", "rule": "share_prompt", "action": "remove", "before": "Share this story"},
             {"stage": "unicode", "rule": "ftfy", "action": "replace", "before": "x", "after": "y"},
             {"stage": "metadata", "rule": "title", "action": "to_metadata", "before": "A headline here"}]
    removals = R.removal_rules(edits)
    assert R.rule_for_removed("Share  this story", removals) == "boilerplate.share_prompt"
    assert R.rule_for_removed("A headline here.", removals) == "metadata.title"    # containment
    assert R.rule_for_removed("Something else entirely", removals) is None
    # a raw line still carrying mojibake that a later stage repaired before removing it
    moji = R.removal_rules([{"stage": "boilerplate", "rule": "credit", "action": "remove",
                             "before": "Photo credit: Northstar Images/Aurélie Brandt"}])
    assert R.rule_for_removed("Photo credit: Northstar Images/AurÃ©lie Brandt", moji) == "boilerplate.credit"


def test_duplicate_cluster_carries_texts_for_the_side_by_side_view(tmp_path):
    info = _run(tmp_path)
    info["dedup_clusters"][0]["members"].append(
        {"id": "old-one", "source": "site0/old.txt", "jaccard": 0.8, "containment": 0.9,
         "status": "kept: already in the corpus"})
    rep = R.build_report(tmp_path, info)
    cluster = rep["duplicates"]["list"][0]
    keeper_id, dup_id = cluster["keeper"]["id"], cluster["members"][0]["id"]
    assert "Share this story" not in cluster["texts"][keeper_id]["text"]      # the clean keeper
    assert "Share this story" in cluster["texts"][dup_id]["raw"]              # the dropped copy's input
    assert rep["duplicates"]["units"] == 1          # the member kept from an earlier run is no duplicate


def _rounded(obj):
    """The report with floats to 9 significant digits (sums added in another order)."""
    if isinstance(obj, float):
        return float(f"{obj:.9g}")
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


def test_report_read_in_parts_equals_the_report_read_whole(tmp_path, monkeypatch):
    import shutil
    from benchmarks.corpus import write_corpus
    from cleaners.config import Config
    from cleaners.run import run_local

    raw, clean = tmp_path / "raw", tmp_path / "clean"
    write_corpus(raw, 30, seed=5)
    first = sorted(raw.rglob("*.txt"))[0]
    (raw / "zz").mkdir()
    shutil.copy(first, raw / "zz" / "copy.txt")                   # a duplicate in a late batch
    (raw / "zz" / "short.txt").write_text("Too short to keep.\n")   # rejected, with an edit line
    (raw / "zz" / "blob.bin").write_bytes(b"\x00\x01" * 50)          # rejected by the reader
    cfg = Config()
    cfg.run.batch_size = 4
    summary = run_local(raw, clean, cfg)
    info = json.loads(Path(summary["report_json"]).read_text())
    info.update(shards={k: sorted(p.name for p in (clean / k).glob("*.jsonl"))
                        for k in ("corpus", "rejected", "edits")},
                dedup_clusters=info["duplicates"]["list"])
    for name, small in (("DOC_VIEW_TOP", 3), ("DOC_VIEW_REJECTS", 2), ("EXAMPLES_PER_RULE", 2)):
        monkeypatch.setattr(R, name, small)
    whole = R.build_report(clean, info)
    assert whole["documents"]["shown"] == 5 and whole["rejects"]["total"] >= 3
    texts = whole["duplicates"]["list"][0]["texts"]
    assert len(texts) == 2 and all(t.get("raw") for t in texts.values())
    for parts in (2, 3, 50):
        assert _rounded(R.build_report(clean, info, parts=parts)) == _rounded(whole), parts
