"""Helpers for the report tests: a small invented run written through the real output
contract (Document.to_record / edits_record / rejection_record), and headless Chromium."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cleaners.document import Document, Origin, Paragraph, Reason, rejection_record
from cleaners.writer import shard_name, write_jsonl_atomic

HOSTILE_TITLE = ('Mayor <script>document.title="PWNED";document.body.setAttribute("data-pwned","1")'
                 '</script><img src=x onerror="document.body.setAttribute(\'data-pwned\',\'2\')">')
HOSTILE_LINE = ('<script>document.title="PWNED"</script> <img src=x onerror="document.title=\'PWNED\'"> '
                '<svg onload="document.body.setAttribute(\'data-pwned\',\'3\')"></svg> ends here.')

BODY = [
    "The river council met on Tuesday to weigh a plan for the old ferry landing.",
    "Residents asked for a footpath, a bench and better lighting along the quay.",
    "A decision is expected next month after a second public hearing.",
]


def make_doc(source: str, site: str, lines: list[str], title: str | None = None) -> Document:
    raw = "\n\n".join(lines)
    doc = Document.new(source, Origin(path=source, site=site, format="txt", encoding="utf-8"),
                       raw_text=raw)
    doc.paragraphs = [Paragraph(t) for t in lines]
    doc.title = title
    return doc


def boilerplate_doc(source: str, site: str = "river.example", extra: int = 0) -> Document:
    """A kept article with a share line and a newsletter line removed, a fixed word, a flag."""
    lines = [*BODY, "Share this story on social media", "Sign up for our newsletter today"]
    lines += [f"Related: ferry story number {i}" for i in range(extra)]
    doc = make_doc(source, site, lines, title="Ferry landing plan")
    doc.replace_text("unicode", "ftfy", 0, doc.paragraphs[0].text.replace("Tuesday", "Tuesday,"))
    drop = {3: "share_prompt", 4: "newsletter_prompt"}
    drop.update({5 + i: "related_links" for i in range(extra)})
    doc.remove_paragraphs("boilerplate", drop.keys(), drop)
    doc.flag("artifacts", "mt_suspect", "one odd phrase", para=1)
    doc.lang, doc.lang_prob = "en", 0.99
    doc.quality = {"word_count": doc.word_count(), "stopword_ratio": 0.41, "ok": True}
    doc.scores = {"garble": 0.05}
    doc.timings = {"unicode": 0.001, "boilerplate": 0.002}
    return doc


def write_run(clean: Path, run_id: str, kept: list[Document], rejected: list[tuple[Document | None, str, list[Reason]]],
              duplicates: list[tuple[Document, str]] = (), started: str = "2024-05-01T10:00:00",
              ended: str = "2024-05-01T10:00:05", templates: dict | None = None,
              clusters: list[dict] | None = None) -> dict[str, Any]:
    """Write one run's shards (two batches for the corpus, one for the rest) and return run_info."""
    corpus = [d.to_record() for d in kept]
    half = len(corpus) // 2
    corpus_shards = [(shard_name(run_id, 0), corpus[:half]), (shard_name(run_id, 1), corpus[half:])]
    rej_records, edit_records = [], [d.edits_record("kept") for d in kept]
    for doc, source, reasons in rejected:
        rej_records.append(rejection_record(source, reasons, doc=doc))
        if doc is not None:
            edit_records.append(doc.edits_record("rejected", [str(r) for r in reasons]))
    for doc, keeper_id in duplicates:
        reason = Reason("dedup", "near_duplicate", f"jaccard 0.91 with {keeper_id}")
        rej_records.append(rejection_record(doc.source, [reason], doc=doc, duplicate_of=keeper_id))
        edit_records.append(doc.edits_record("duplicate", [str(reason)]))
    for name, recs in corpus_shards:
        write_jsonl_atomic(clean / "corpus" / name, recs)
    write_jsonl_atomic(clean / "rejected" / shard_name(run_id, 0), rej_records)
    write_jsonl_atomic(clean / "edits" / shard_name(run_id, 0), edit_records)
    n = len(kept) + len(rejected) + len(duplicates)
    return {"run_id": run_id, "started": started, "ended": ended, "raw_dir": "raw",
            "clean_dir": str(clean), "params": {"workers": 1}, "config": {"quality": {"min_words": 5}},
            "runner": "local", "step_timings": {"read": 0.5, "clean": 2.0, "write": 0.1},
            "units": {"seen": n, "new": n, "unchanged": 0, "kept": len(kept),
                      "rejected": len(rejected), "duplicates": len(duplicates)},
            "shards": {"corpus": [s for s, _ in corpus_shards], "rejected": [shard_name(run_id, 0)],
                       "edits": [shard_name(run_id, 0)]},
            "dedup_clusters": clusters or [], "templates": templates or {}}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    """Headless Chromium with networking, sync and updates off and a throwaway profile."""
    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium not installed")
    with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def dump_dom(page: Path, fragment: str = "") -> str:
    """The DOM after load (scripts have run), serialised by Chromium."""
    done = chromium("--virtual-time-budget=3000", "--dump-dom", page.resolve().as_uri() + fragment)
    if done.returncode != 0 or "<html" not in done.stdout:
        raise RuntimeError(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout
