"""Per-document time limit (SIGALRM in the main thread, between-stage check elsewhere) and
retries of transient I/O errors."""
import re
import threading
import time

import pytest

from cleaners import limits, pipeline
from cleaners.document import Document, Origin, Reject
from cleaners.pipeline import Context


def _doc(name="a.txt"):
    return Document.new(name, Origin(path=name), raw_text="A short line of text.")


def _stages(monkeypatch, *fns):
    monkeypatch.setattr(pipeline, "STAGES", [(f"s{i}", fn) for i, fn in enumerate(fns)])


def spin_forever(doc, ctx):
    while True:
        pass


def catastrophic_regex(doc, ctx):
    re.match(r"(a+)+$", "a" * 60 + "b")     # exponential backtracking inside the C engine


def nap(seconds):
    def stage(doc, ctx):
        time.sleep(seconds)
    return stage


def ok(doc, ctx):
    doc.title = "done"


@pytest.mark.parametrize("stage", [spin_forever, catastrophic_regex])
def test_alarm_interrupts_a_stage_that_never_ends(monkeypatch, stage):
    _stages(monkeypatch, ok, stage, ok)
    started = time.perf_counter()
    with limits.DocTimer(0.2) as timer:
        assert timer.use_alarm
        outcome = timer.clean(_doc(), Context())
        # the next document gets its full time again, and the timer was disarmed
        _stages(monkeypatch, ok)
        assert timer.clean(_doc("b.txt"), Context()).kept
    assert time.perf_counter() - started < 2
    assert not outcome.kept
    assert [str(r) for r in outcome.reasons] == ["pipeline.timeout: took over 0.2 s"]


def test_fast_documents_and_ordinary_rejects_are_untouched(monkeypatch):
    def reject(doc, ctx):
        raise Reject("quality", "too_short", "3 words, minimum 50")

    _stages(monkeypatch, ok, ok)
    with limits.DocTimer(5) as timer:
        assert timer.clean(_doc(), Context()).kept
        _stages(monkeypatch, ok, reject)
        out = timer.clean(_doc(), Context())
    assert [str(r) for r in out.reasons] == ["quality.too_short: 3 words, minimum 50"]


def test_previous_alarm_handler_is_restored(monkeypatch):
    import signal

    before = signal.getsignal(signal.SIGALRM)
    with limits.DocTimer(1):
        assert signal.getsignal(signal.SIGALRM) != before
    assert signal.getsignal(signal.SIGALRM) == before


def test_outside_the_main_thread_the_deadline_is_checked_between_stages(monkeypatch):
    _stages(monkeypatch, nap(0.3), nap(5), ok)
    box = {}

    def work():
        with limits.DocTimer(0.1) as timer:
            box["alarm"] = timer.use_alarm
            started = time.perf_counter()
            box["outcome"] = timer.clean(_doc(), Context())
            box["seconds"] = time.perf_counter() - started

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert box["alarm"] is False
    assert box["seconds"] < 1.0          # stopped after the first stage, the 5 s one never ran
    assert [str(r) for r in box["outcome"].reasons] == ["pipeline.timeout: took over 0.1 s"]


def test_a_slow_last_stage_is_caught_after_it_ends_without_alarm(monkeypatch):
    _stages(monkeypatch, ok, nap(0.25))
    box = {}

    def work():
        with limits.DocTimer(0.1) as timer:
            box["outcome"] = timer.clean(_doc(), Context())

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert not box["outcome"].kept and box["outcome"].reasons[0].rule == "timeout"


def test_zero_switches_the_limit_off(monkeypatch):
    _stages(monkeypatch, nap(0.05), ok)
    with limits.DocTimer(0) as timer:
        assert not timer.use_alarm and timer.clean(_doc(), Context()).kept


def test_retry_io_retries_oserror_only():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OSError("NFS hiccup")
        return "done"

    assert limits.retry_io(flaky, delay=0) == "done" and len(calls) == 3

    def always_down():
        raise OSError("gone")

    with pytest.raises(OSError):
        limits.retry_io(always_down, attempts=2, delay=0)

    bad = []

    def bug():
        bad.append(1)
        raise ValueError("a bug, not I/O")

    with pytest.raises(ValueError):
        limits.retry_io(bug, delay=0)
    assert len(bad) == 1

    gone = []

    def missing():
        gone.append(1)
        raise FileNotFoundError("no such file")

    with pytest.raises(FileNotFoundError):
        limits.retry_io(missing, delay=0)
    assert len(gone) == 1          # permanent: not retried


def test_time_limit_reaches_the_rejected_shard_of_a_real_run(tmp_path):
    """Wired into clean_batch: with an absurdly small limit every article is rejected with the
    timeout reason, and the run still completes (units accounted once)."""
    import json

    from cleaners.config import Config
    from cleaners.run import run_local

    raw = tmp_path / "raw"
    raw.mkdir()
    words = "The harbour board approved the plan for the northern pier after a long meeting. " * 12
    for i in range(3):
        (raw / f"a{i}.txt").write_text(f"Title {i}\n\n{words}\n\n{words} Number {i}.\n")
    cfg = Config()
    cfg.run.doc_timeout_seconds = 1e-6
    summary = run_local(raw, tmp_path / "clean", cfg)
    assert summary["units"]["rejected"] == 3
    lines = [json.loads(line) for p in (tmp_path / "clean" / "rejected").glob("*.jsonl")
             for line in p.read_text().splitlines()]
    assert sorted(r["source"] for r in lines) == ["a0.txt", "a1.txt", "a2.txt"]
    assert all(r["reasons"] == ["pipeline.timeout: took over 1e-06 s"] for r in lines)


# ---- a whole batch, stage by stage --------------------------------------------------------
def _marks(doc, ctx):
    doc.title = (doc.title or "") + "1"


def _only_b_spins(doc, ctx):
    if doc.source == "b.txt":
        spin_forever(doc, ctx)
    doc.title += "2"


def _reject_c(doc, ctx):
    if doc.source == "c.txt":
        raise Reject("quality", "too_short", "3 words, minimum 50")


def test_a_batch_stage_by_stage_keeps_order_and_each_documents_own_limit(monkeypatch):
    _stages(monkeypatch, _marks, _only_b_spins, _reject_c, _marks)
    docs = [_doc(f"{n}.txt") for n in "abcd"]
    started = time.perf_counter()
    with limits.DocTimer(0.2) as timer:
        outs = timer.clean_all(docs, Context())
    assert time.perf_counter() - started < 3
    assert [o.doc.source for o in outs] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert [o.kept for o in outs] == [True, False, False, True]
    assert [str(r) for r in outs[1].reasons] == ["pipeline.timeout: took over 0.2 s"]
    assert [str(r) for r in outs[2].reasons] == ["quality.too_short: 3 words, minimum 50"]
    assert docs[0].title == "121" and docs[1].title == "1" and docs[2].title == "12"
    assert set(docs[3].timings) == {"s0", "s1", "s2", "s3"}


def test_a_batch_stage_by_stage_gives_what_one_document_at_a_time_gives(monkeypatch):
    _stages(monkeypatch, _marks, _reject_c, _marks)
    one_by_one = [_doc(f"{n}.txt") for n in "abc"]
    batch = [_doc(f"{n}.txt") for n in "abc"]
    with limits.DocTimer(0) as timer:                    # no limit at all
        singles = [timer.clean(d, Context()) for d in one_by_one]
        together = timer.clean_all(batch, Context())
    assert [(o.kept, [str(r) for r in o.reasons]) for o in singles] == \
        [(o.kept, [str(r) for r in o.reasons]) for o in together]
    assert [d.title for d in one_by_one] == [d.title for d in batch] == ["11", "11", "1"]


def test_a_batch_whose_stages_overrun_without_alarm_is_stopped_between_stages(monkeypatch):
    _stages(monkeypatch, nap(0.15), nap(5), ok)
    box = {}

    def work():
        with limits.DocTimer(0.1) as timer:
            box["outs"] = timer.clean_all([_doc("a.txt"), _doc("b.txt")], Context())

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert [str(o.reasons[0]) for o in box["outs"]] == ["pipeline.timeout: took over 0.1 s"] * 2
