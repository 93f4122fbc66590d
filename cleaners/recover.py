"""Start-of-run reconciliation: what makes a killed run (or a changed raw file) harmless.

A run commits batch by batch: the batch's shards are renamed into place (atomic, one file at a
time), then `StateStore.commit_batch` records its raw files as processed (one transaction). The
state store is the truth about which raw files are done. A run killed between the two steps,
or in the middle of the renames, leaves shard lines whose raw file the store does not count as
done; the next run processes that file again, so those lines must go first, or the file's units
would appear twice. The same holds for a raw file that changed since it was processed: its old
records are replaced by the new ones, never kept beside them.

So, under CLEAN's lock and before planning the batches, every run drops from the shards all
records of the raw files it is about to (re)process, and the store's index entries of those
records (dedup must not match a new article against text that is no longer in the corpus).

Which shards to look at: every run keeps its staging folder CLEAN/.work/<run-id>/ until it has
finished, so a leftover folder names a run that was killed; only its shards can hold
uncommitted lines. Records of changed raw files can sit anywhere, so a run with changed files
scans every shard (a substring test first, JSON only for candidate lines).

If the state store itself is missing it is rebuilt from the shards, which must not count a
killed run's uncommitted lines as done: those runs' shards are deleted before the rebuild, and
their raw files are simply processed again.

Every step is idempotent (each shard is rewritten atomically; the store update is one
transaction; the staging folders go last), so a run killed while recovering is recovered by the
next one.
"""
from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from cleaners.writer import OUTPUT_DIRS, dumps, write_lines_atomic

log = logging.getLogger("cleaners")

WORK = ".work"


@dataclass
class Recovery:
    killed_runs: list[str] = field(default_factory=list)
    shards_rewritten: int = 0
    shards_deleted: int = 0
    records_dropped: int = 0
    index_entries_dropped: int = 0

    def __bool__(self) -> bool:
        return bool(self.killed_runs or self.records_dropped or self.index_entries_dropped)


def killed_runs(clean_dir: Path, current_run: str | None = None) -> list[str]:
    """Run ids whose staging folder is still there (the run never finished)."""
    work = Path(clean_dir) / WORK
    if not work.is_dir():
        return []
    return sorted(d.name for d in work.iterdir() if d.is_dir() and d.name != current_run)


def raw_path(source: str, paths: set[str]) -> str | None:
    """The raw file (one of `paths`) a record's source belongs to: "a/b.jsonl#3" -> "a/b.jsonl".

    Matched against the known paths rather than split at "#", which a file name may contain."""
    if source in paths:
        return source
    head, sep, _ = source.rpartition("#")
    while sep:
        if head in paths:
            return head
        head, sep, _ = head.rpartition("#")
    return None


def _shards(clean_dir: Path, run_ids: Iterable[str] | None) -> list[Path]:
    """Output shards of the given runs (all shards when run_ids is None)."""
    out = []
    for sub in OUTPUT_DIRS:
        folder = Path(clean_dir) / sub
        if not folder.is_dir():
            continue
        if run_ids is None:
            out.extend(sorted(folder.glob("*.jsonl")))
        else:
            for run_id in run_ids:
                out.extend(sorted(folder.glob(f"{run_id}-*.jsonl")))
    return out


def drop_shards_of_killed_runs(clean_dir: Path) -> list[str]:
    """Before a missing store is rebuilt from the shards: delete what killed runs wrote."""
    runs = killed_runs(clean_dir)
    for shard in _shards(clean_dir, runs):
        shard.unlink(missing_ok=True)
    if runs:
        log.warning("state store missing and %d run(s) were killed: their shards are dropped, "
                    "their raw files will be processed again", len(runs))
    return runs


def _filter_shard(shard: Path, paths: set[str], needles: list[str]) -> tuple[int, int]:
    """Drop the lines of `paths` from one shard; returns (lines kept, lines dropped)."""
    keep: list[str] = []
    dropped = 0
    with open(shard, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            if any(n in line for n in needles):      # cheap test first, JSON only if it may match
                try:
                    source = json.loads(line).get("source")
                except (ValueError, AttributeError):
                    source = None
                if isinstance(source, str) and raw_path(source, paths) is not None:
                    dropped += 1
                    continue
            keep.append(line if line.endswith("\n") else line + "\n")
    if dropped:
        if keep:
            write_lines_atomic(shard, keep)
        else:
            shard.unlink()
    return len(keep), dropped


def _needles(paths: set[str]) -> list[str]:
    # how the writer spells `"source":"<path>` (compact separators, no ASCII escaping)
    return [dumps({"source": p})[1:-2] for p in paths]


def forget_index_entries(store: Any, paths: set[str]) -> int:
    """Delete the store's dedup entries (docs + band keys) of articles from `paths`.

    One transaction. Uses the store's documented tables (see cleaners/state.py)."""
    if not paths:
        return 0
    conn = store.conn
    rows: list[int] = []
    for rid, source in conn.execute("SELECT row, source FROM docs"):
        if raw_path(source, paths) is not None:
            rows.append(rid)
    if not rows:
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM bands WHERE doc IN ({marks})", chunk)
            conn.execute(f"DELETE FROM bands_pending WHERE doc IN ({marks})", chunk)
            conn.execute(f"DELETE FROM docs WHERE row IN ({marks})", chunk)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(rows)


def reconcile(clean_dir: Path, store: Any, status: dict[str, str],
              current_run: str | None = None) -> Recovery:
    """Make CLEAN consistent with the store before this run processes the non-unchanged files.

    `status`: raw path -> new | changed | unchanged, as the store sees RAW now."""
    clean_dir = Path(clean_dir)
    rec = Recovery(killed_runs=killed_runs(clean_dir, current_run))
    todo = {p for p, s in status.items() if s != "unchanged"}
    changed = any(s == "changed" for s in status.values())
    # records of a file to (re)process exist only in a killed run's shards, or, for a changed
    # file, anywhere; with neither, there is nothing to look for (the usual scheduled run)
    if todo and (changed or rec.killed_runs):
        needles = _needles(todo)
        for shard in _shards(clean_dir, None if changed else rec.killed_runs):
            kept, dropped = _filter_shard(shard, todo, needles)
            if dropped:
                rec.records_dropped += dropped
                rec.shards_rewritten += bool(kept)
                rec.shards_deleted += not kept
        rec.index_entries_dropped = forget_index_entries(store, todo)
    for run_id in rec.killed_runs:
        shutil.rmtree(clean_dir / WORK / run_id, ignore_errors=True)
    if rec.killed_runs or rec.records_dropped:
        log.warning("recovered CLEAN: %d killed run(s) %s; %d record(s) of %d raw file(s) to "
                    "(re)process dropped from %d shard(s)", len(rec.killed_runs),
                    ", ".join(rec.killed_runs), rec.records_dropped, len(todo),
                    rec.shards_rewritten + rec.shards_deleted)
    return rec
