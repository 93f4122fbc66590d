"""One cleaning run as plain functions: plan -> learn templates -> clean batches -> dedup -> write
-> report. The Prefect flow (flows/flow.py) maps the batch functions as tasks; `run_local` runs
them in a loop, for tests and for measuring without a server:

    python -m cleaners.run RAW CLEAN [--config FILE]

Order that makes a killed run harmless: batches only write to a private staging folder; shards
are renamed into place one batch at a time, and the state store records a raw file as processed
only after every shard holding its units is in place.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import secrets
import shutil
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import repeat
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from cleaners import dedup, readers, recover, template_ledger, templates
from cleaners import lock as clean_lock
from cleaners.config import Config, load_config
from cleaners.document import Document, Reason, rejection_record
from cleaners.limits import DocTimer, retry_io
from cleaners.memory import release_free_memory
from cleaners.pipeline import PRE_STAGES, Context
from cleaners.state import StateStore, sha1_of
from cleaners.writer import dumps, remove_stale_temporaries, shard_name, write_lines_atomic

WORK = ".work"   # CLEAN/.work/<run-id>/: staging, deleted when the run ends


class UsageError(ValueError):
    """Arguments that cannot be used (no RAW folder, CLEAN is a file...): one line for the user."""


@dataclass
class Batch:
    index: int
    items: list[readers.WorkItem]
    units: int
    uncounted: list[readers.WorkItem] | None = None   # None: template-scan every item
    files: dict[str, tuple[int, float]] = field(default_factory=dict)  # path -> (size, mtime) as planned

    @property
    def scan_items(self) -> list[readers.WorkItem]:
        """Items to scan for templates: not those the stored templates counted already (a
        killed run's files, see cleaners/template_ledger.py)."""
        return self.items if self.uncounted is None else self.uncounted


@dataclass
class RunPlan:
    run_id: str
    raw_dir: Path
    clean_dir: Path
    config: Config
    started: str
    files: dict[str, readers.FileInfo]
    status: dict[str, str]                  # raw path -> new | changed | unchanged
    batches: list[Batch]
    units_seen: int
    units_unchanged: int
    items_per_file: dict[str, int] = field(default_factory=dict)
    lock: Any = None                        # CLEAN/.lock, held from start_run to close_run

    @property
    def work_dir(self) -> Path:
        return self.clean_dir / WORK / self.run_id

    @property
    def units_new(self) -> int:
        return sum(b.units for b in self.batches)


@dataclass
class BatchResult:
    index: int
    staged: str                              # staging file with this batch's records
    sigs: list[Any]                          # dedup.DocSig of every kept document
    kept: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    units: int = 0
    seconds: float = 0.0
    # (The flow holds every batch's result until the writes: what it can read from the plan or
    # the staging file, such as the batch's raw paths and their sha1, is not carried here.)


# ---- plan ------------------------------------------------------------------------------
def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def check_dirs(raw_dir: Path, clean_dir: Path) -> None:
    if not raw_dir.exists():
        raise UsageError(f"no such RAW folder: {raw_dir}")
    if not raw_dir.is_dir():
        raise UsageError(f"RAW is not a folder: {raw_dir}")
    if clean_dir.exists() and not clean_dir.is_dir():
        raise UsageError(f"CLEAN is a file, not a folder: {clean_dir}")
    if clean_dir.resolve() == raw_dir.resolve() or raw_dir.resolve() in clean_dir.resolve().parents:
        raise UsageError(f"CLEAN must not be inside RAW: {clean_dir}")


def start_run(raw_dir: Path, clean_dir: Path, cfg: Config, run_id: str | None = None,
              wait: bool = False) -> tuple[RunPlan, StateStore]:
    """Take CLEAN's lock, list RAW, compare with the state store, cut the new units into batches.

    Opens the state store first: a corrupt store stops the run before anything is written.
    Raises clean_lock.LockBusy when another run holds CLEAN (unless `wait`). Pair with
    close_run(plan, store)."""
    raw_dir, clean_dir = Path(raw_dir), Path(clean_dir)
    check_dirs(raw_dir, clean_dir)
    clean_dir.mkdir(parents=True, exist_ok=True)
    lock = clean_lock.acquire(clean_dir, wait=wait)
    try:
        return _plan_locked(raw_dir, clean_dir, cfg, run_id or new_run_id(), lock)
    except BaseException:
        clean_lock.release(lock)
        raise


def _plan_locked(raw_dir: Path, clean_dir: Path, cfg: Config, run_id: str, lock: Any
                 ) -> tuple[RunPlan, StateStore]:
    if not StateStore.path_in(clean_dir).exists():
        recover.drop_shards_of_killed_runs(clean_dir)   # never rebuild from uncommitted lines
    store = StateStore.open(clean_dir, raw_dir=raw_dir, cfg=cfg.dedup)  # raw_dir: touched files
    remove_stale_temporaries(clean_dir)
    files = readers.list_files(raw_dir)
    status = {f.path: store.file_status(f) for f in files}
    # drop what killed runs left uncommitted and the old records of changed files
    recover.reconcile(clean_dir, store, status, current_run=run_id)
    items = readers.plan_items(raw_dir, files, cfg.read, cfg.run.batch_size)
    todo = [it for it in items if status[it.path] != "unchanged"]
    plan = RunPlan(
        run_id=run_id, raw_dir=raw_dir, clean_dir=clean_dir, config=cfg,
        started=_now(), files={f.path: f for f in files}, status=status,
        batches=cut_batches(todo, cfg.run.batch_size, {f.path: f for f in files}),
        units_seen=sum(it.units for it in items),
        units_unchanged=sum(it.units for it in items if status[it.path] == "unchanged"),
        items_per_file=dict(Counter(it.path for it in todo)), lock=lock,
    )
    counted = template_ledger.already_counted(clean_dir, plan.files, status)
    for b in plan.batches if counted else ():
        b.uncounted = [it for it in b.items if it.path not in counted]
    return plan, store


def close_run(plan: RunPlan, store: StateStore) -> None:
    """Close the store and release CLEAN's lock (after finish_run, or when the run failed)."""
    try:
        store.close()
    finally:
        if plan.lock is not None:
            clean_lock.release(plan.lock)
            plan.lock = None


def kill_point(name: str) -> None:
    """Crash-test hook (tests/test_crash.py): with NEWSCLEAN_TEST_KILL_AT=<name>[:<n>] the run
    SIGKILLs itself the n-th time (default 1st) it passes point <name>. Points: cleaned (after a
    batch is cleaned), placed (shards renamed, store not yet committed), half-placed (corpus
    shard renamed, the rest not), committed (after a batch's store commit), report."""
    want = os.environ.get("NEWSCLEAN_TEST_KILL_AT")
    if not want:
        return
    point, _, nth = want.partition(":")
    if point == name:
        _KILL_COUNTS[name] += 1
        if _KILL_COUNTS[name] >= int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)


_KILL_COUNTS: Counter = Counter()


def cut_batches(items: list[readers.WorkItem], batch_size: int,
                files: dict[str, readers.FileInfo] | None = None) -> list[Batch]:
    batches: list[Batch] = []
    current: list[readers.WorkItem] = []
    units = 0
    for it in items:
        if current and units + it.units > batch_size:
            batches.append(_batch(len(batches) + 1, current, units, files))
            current, units = [], 0
        current.append(it)
        units += it.units
    if current:
        batches.append(_batch(len(batches) + 1, current, units, files))
    return batches


def _batch(index: int, items: list[readers.WorkItem], units: int,
           files: dict[str, readers.FileInfo] | None) -> Batch:
    known = {it.path: (files[it.path].size, files[it.path].mtime)
             for it in items if files and it.path in files}
    return Batch(index, items, units, files=known)


# ---- templates (cross-document pre-pass) -----------------------------------------------
SCAN_GROUP_UNITS = 1000   # units per template-scan piece


@dataclass
class ScanGroup:
    index: int
    items: list[readers.WorkItem]
    # (batch index, item count) runs covering `items` in order; a batch index says the scan
    # keeps that batch's units for its clean pass (None: part of a batch, read again there)
    segments: list[tuple[int | None, int]] = field(default_factory=list)


def scan_groups(batches: list[Batch], units_per_group: int = SCAN_GROUP_UNITS) -> list[ScanGroup]:
    """The pre-pass cut into fewer, larger pieces than the batches: it costs a fraction of a
    millisecond per document, so a task run per batch would be mostly orchestration."""
    groups: list[ScanGroup] = []
    items: list[readers.WorkItem] = []
    segments: list[tuple[int | None, int]] = []
    units = 0
    for b in batches:
        items.extend(b.scan_items)
        segments.append((b.index if b.uncounted is None else None, len(b.scan_items)))
        units += b.units
        if units >= units_per_group:
            groups.append(ScanGroup(len(groups) + 1, items, segments))
            items, segments, units = [], [], 0
    if items:
        groups.append(ScanGroup(len(groups) + 1, items, segments))
    return groups


def scan_batch(raw_dir: Path, items: list[readers.WorkItem], cfg: Config,
               units: Iterable[Document | readers.Rejected] | None = None) -> Any:
    """Count line keys per site over a batch for template learning, on the documents as the
    first stages leave them (pipeline.PRE_STAGES); `units`: the items already being read and
    run through those stages (see read_and_keep)."""
    def prepared() -> Iterator[Document]:
        if units is not None:
            yield from (u for u in units if isinstance(u, Document) and len(u.done) == len(PRE_STAGES))
            return
        with DocTimer(cfg.run.doc_timeout_seconds) as timer:
            for unit in _read_items(raw_dir, items, cfg):
                if isinstance(unit, Document) and run_pre_stages(unit, cfg, timer):
                    yield unit
    return templates.scan(prepared())


def run_pre_stages(doc: Document, cfg: Config, timer: DocTimer) -> bool:
    """The pipeline's first stages (PRE_STAGES) on `doc`, under the document time limit, each
    added to `doc.done` when it went through: the clean pass skips those. False when one
    stopped the document (an error, a timeout): the clean pass runs that stage again and
    reports it as its own."""
    ctx = Context(cfg)
    for stage in PRE_STAGES:
        if not timer.clean_all([doc], ctx, stages=[stage])[0].kept:
            return False
        doc.done.append(stage[0])
    return True


def scan_batch_to_file(raw_dir: str | Path, work_dir: str | Path, index: int,
                       items: list[readers.WorkItem], cfg: Config,
                       segments: list[tuple[int | None, int]] | None = None) -> str:
    """scan_batch with its counts written to the run's staging folder as a part file sorted by
    line key (templates.write_part); returns the path. The flow holds a path per batch, and
    learns from the files as a stream: never every batch's counts at once. The units read
    for whole batches are kept for their clean pass (read_and_keep)."""
    path = Path(work_dir) / f"scan-{index:05d}.pickle"
    units = read_and_keep(Path(raw_dir), Path(work_dir), items, cfg, segments or [(None, len(items))])
    return str(templates.write_part(scan_batch(Path(raw_dir), items, cfg, units), path))


# ---- units read once ---------------------------------------------------------------------
# Reading is the costliest step of some inputs (an HTML page is parsed and pruned), and the
# pre-pass reads every unit before the clean pass reads it again. So the pre-pass keeps what it
# read, per batch, in the run's staging folder, and the batch loads it instead of reading RAW.

def units_file(work_dir: Path, batch_index: int) -> Path:
    return Path(work_dir) / f"units-{batch_index:05d}.pickle"


def read_and_keep(raw_dir: Path, work_dir: Path, items: list[readers.WorkItem], cfg: Config,
                  segments: list[tuple[int | None, int]]) -> Iterator[Document | readers.Rejected]:
    """The units of `items` in order, run through the first stages (run_pre_stages); those of
    each whole batch also pickled so to its units file (which only appears once complete):
    the clean pass goes on from there."""
    start = 0
    with DocTimer(cfg.run.doc_timeout_seconds) as timer:
        for batch_index, count in segments:
            chunk, start = items[start:start + count], start + count
            out = None
            if batch_index is not None:
                path = units_file(work_dir, batch_index)
                tmp = path.with_name(path.name + ".tmp")
                out = open(tmp, "wb")
            with out if out is not None else nullcontext():
                for unit in _read_items(raw_dir, chunk, cfg):
                    if isinstance(unit, Document):
                        run_pre_stages(unit, cfg, timer)
                    if out is not None:
                        pickle.dump(unit, out, pickle.HIGHEST_PROTOCOL)
                    yield unit
            if out is not None:
                os.replace(tmp, path)


def batch_units(raw_dir: Path, work_dir: Path, batch: Batch, cfg: Config) -> Iterator[Document | readers.Rejected]:
    """A batch's units: the ones its pre-pass kept, else read from RAW."""
    path = units_file(work_dir, batch.index)
    if not path.is_file():
        yield from _read_items(raw_dir, batch.items, cfg)
        return
    with open(path, "rb") as kept:
        while True:
            try:
                yield pickle.load(kept)
            except EOFError:
                return


def learn_templates(clean_dir: Path, parts: Iterable[str], cfg: Config,
                    plan: RunPlan | None = None) -> dict[str, Any]:
    """Learn from the scan part files (deleted once learned) and the stored templates; save
    them; returns the full learned templates (templates.for_cleaning is what batches need)."""
    parts = list(parts)
    scratch = plan.work_dir if plan is not None else None
    learned = templates.learn_parts(parts, previous=templates.load(clean_dir), cfg=cfg.boilerplate,
                                    scratch=scratch)
    for name in parts:
        Path(name).unlink(missing_ok=True)
    if plan is None:
        templates.save(clean_dir, learned)
    else:   # with the ledger of counted files: a re-run after a kill never counts them twice
        scanned = {it.path for b in plan.batches for it in b.scan_items}
        template_ledger.save(clean_dir, plan.work_dir, learned, plan.files, plan.status, scanned)
    release_free_memory()   # the merge's rows and the ledger's text (cleaners/memory.py)
    return learned


# ---- clean one batch (runs in a task / worker) ----------------------------------------
def clean_batch(raw_dir: Path, work_dir: Path, batch: Batch, cfg: Config,
                learned: dict[str, Any]) -> BatchResult:
    started = time.perf_counter()
    ctx = Context(config=cfg, templates=learned)
    staged = Path(work_dir) / f"batch-{batch.index:05d}.staged"
    result = BatchResult(batch.index, str(staged), [], units=batch.units)
    sha1 = _whole_file_hashes(Path(raw_dir), batch)
    with DocTimer(cfg.run.doc_timeout_seconds) as timer:
        lines = _file_lines(sha1) + _clean_units(raw_dir, work_dir, batch, cfg, ctx, result, sha1, timer)
    write_lines_atomic(staged, lines)
    # the flow keeps every batch's signatures until dedup: their shingles wait on disk
    dedup.spill_shingles(result.sigs, Path(work_dir) / f"shingles-{batch.index:05d}.bin")
    kill_point("cleaned")
    result.seconds = time.perf_counter() - started
    return result


def _whole_file_hashes(raw_dir: Path, batch: Batch) -> dict[str, str]:
    """Content sha1 of the raw files this batch reads whole (records carry it as raw_sha1; the
    flow hashes the few feeds cut over several batches itself, once each)."""
    out = {}
    for it in batch.items:
        if it.first_line is None and it.path in batch.files and it.path not in out:
            try:
                out[it.path] = sha1_of(raw_dir / it.path)
            except OSError:
                pass            # the reader rejects the unit; the flow's store tries again
    return out


# A staged line: kind, id, whether the record already carries its raw fields, the record and
# its edit-log line (or nothing), tab-separated. JSON never holds a raw tab or newline, so the
# flow writes the shards from these strings and parses only the lines it must change.
# The file begins with a "file" line per raw file the batch hashed: {"path", "sha1"}.
def _staged(kind: str, rec: dict[str, Any], edits: dict[str, Any] | None, batch: Batch,
            sha1: dict[str, str]) -> str:
    path = rec["source"].split("#", 1)[0]
    complete = path in sha1
    if complete:
        size, mtime = batch.files[path]
        rec.update(raw_size=size, raw_mtime=mtime, raw_sha1=sha1[path])
    return "\t".join((kind, rec["id"], "1" if complete else "0", dumps(rec),
                      dumps(edits) if edits is not None else "")) + "\n"


def _file_lines(sha1: dict[str, str]) -> list[str]:
    return [f"file\t\t\t{dumps({'path': path, 'sha1': digest})}\t\n" for path, digest in sha1.items()]


def _clean_units(raw_dir: Path, work_dir: Path, batch: Batch, cfg: Config, ctx: Context,
                 result: BatchResult, sha1: dict[str, str], timer: DocTimer) -> list[str]:
    units = list(batch_units(Path(raw_dir), Path(work_dir), batch, cfg))
    docs = [u for u in units if isinstance(u, Document)]
    outcomes = iter(timer.clean_all(docs, ctx))         # stage by stage over the batch
    lines: list[str] = []
    for unit in units:
        if isinstance(unit, readers.Rejected):
            lines.append(_staged("rejected", rejection_record(unit.source, unit.reasons), None,
                                 batch, sha1))
            _count_reject(result, unit.reasons)
            continue
        outcome = next(outcomes)
        for stage, secs in unit.timings.items():
            result.stage_seconds[stage] = result.stage_seconds.get(stage, 0.0) + secs
        if outcome.kept:
            result.kept += 1
            result.sigs.append(dedup.signature(unit, cfg.dedup))
            lines.append(_staged("kept", unit.to_record(), unit.edits_record("kept"), batch, sha1))
        else:
            status = "quarantine" if outcome.quarantine else "rejected"
            reasons = [str(r) for r in outcome.reasons]
            lines.append(_staged(status, rejection_record(unit.source, outcome.reasons, unit,
                                                          quarantine=outcome.quarantine),
                                 unit.edits_record(status, reasons), batch, sha1))
            _count_reject(result, outcome.reasons)
    return lines


def _read_items(raw_dir: Path, items: list[readers.WorkItem], cfg: Config):
    for it in items:
        yield from readers.read_item(Path(raw_dir), it, cfg.read)


def _count_reject(result: BatchResult, reasons: list[Reason]) -> None:
    result.rejected += 1
    for r in reasons:
        result.reasons[f"{r.stage}.{r.rule}"] += 1


# ---- dedup (global) and write ---------------------------------------------------------
def decide_duplicates(results: list[BatchResult], store: StateStore, cfg: Config) -> Any:
    sigs = [s for r in sorted(results, key=lambda r: r.index) for s in r.sigs]
    decided = dedup.decide(sigs, store, cfg.dedup)
    release_free_memory()   # the band key arrays and the shingles read for verification
    return decided


def write_batch(plan: RunPlan, result: BatchResult, duplicates: dict[str, Any],
                store: StateStore, done_items: Counter) -> dict[str, int]:
    """Move one batch from staging into corpus/rejected/edits, then record it in the store.

    The staged lines are the shards' lines already; only duplicates (and records whose raw
    file the batch did not hash) are parsed and rewritten here."""
    corpus, rejected, edits, kept_sigs = [], [], [], []
    sig_of = {s.id: s for s in result.sigs}
    name = shard_name(plan.run_id, result.index)
    with open(result.staged, encoding="utf-8") as staged:
        for line in staged:
            kind, doc_id, complete, rec_json, ed_json = line.rstrip("\n").split("\t")
            if kind == "file":          # a raw file the batch hashed (the lines come first)
                hashed = json.loads(rec_json)
                if hashed["path"] in plan.files:
                    store.remember_sha1(plan.files[hashed["path"]], hashed["sha1"])
                continue
            if complete != "1":
                rec = json.loads(rec_json)
                rec.update(_raw_fields(plan, rec["source"], store))
                rec_json = dumps(rec)
            if kind == "kept" and doc_id in duplicates:
                rec_line, ed_json = _as_duplicate(json.loads(rec_json), json.loads(ed_json),
                                                  duplicates[doc_id])
                rejected.append(rec_line)
            elif kind == "kept":
                corpus.append(rec_json + "\n")
                kept_sigs.append((sig_of[doc_id], name))
            else:
                rejected.append(rec_json + "\n")
            if ed_json:
                edits.append(ed_json + "\n")
    counts = {"kept": len(corpus), "rejected": len(rejected)}
    for sub, lines in (("corpus", corpus), ("rejected", rejected), ("edits", edits)):
        if lines:
            write_lines_atomic(plan.clean_dir / sub / name, lines)
            kill_point("half-placed")
    kill_point("placed")
    # A raw file is processed once every item cut from it has its shard in place.
    finished = []
    items_here = Counter(it.path for it in _items_of(plan, result.index))
    for path in sorted(items_here):
        done_items[path] += items_here[path]
        if done_items[path] >= plan.items_per_file.get(path, 1):
            finished.append(plan.files[path])
    store.commit_batch(finished, kept_sigs)
    kill_point("committed")
    return counts


def write_all(plan: RunPlan, results: list[BatchResult], duplicates: dict[str, Any],
              store: StateStore) -> None:
    """Write every batch, in order, then merge the run's band keys into the store's index
    (one merge in key order: see cleaners/state.py)."""
    done: Counter = Counter()
    for r in results:
        write_batch(plan, r, duplicates, store, done)
    store.merge_pending_bands()


def _as_duplicate(rec: dict[str, Any], ed: dict[str, Any], dup: Any) -> tuple[str, str]:
    """(rejected line, edit-log line) of a kept record that dedup named a duplicate."""
    reason = f"dedup.{dup.kind}: {dup.message}"
    raw = {k: rec[k] for k in ("raw_size", "raw_mtime", "raw_sha1") if k in rec}
    line = {"id": rec["id"], "source": rec["source"], "reasons": [reason],
            "duplicate_of": dup.keeper_id, "similarity": dup.similarity,
            "title": rec.get("title"), "url": rec.get("url"), **raw}
    ed.update(status="duplicate", reasons=[reason])
    return dumps(line) + "\n", dumps(ed)


def _items_of(plan: RunPlan, index: int) -> list[readers.WorkItem]:
    return plan.batches[index - 1].items


def _raw_fields(plan: RunPlan, source: str, store: StateStore) -> dict[str, Any]:
    """Where the unit came from, so a rebuilt state store still knows the raw file (the sha1
    lets it tell a touched-but-identical file from a changed one)."""
    info = plan.files.get(source.split("#", 1)[0])
    if info is None:
        return {}
    return {"raw_size": info.size, "raw_mtime": info.mtime, "raw_sha1": store.file_sha1(info)}


def finish_run(plan: RunPlan, results: list[BatchResult], dedup_result: Any,
               step_seconds: dict[str, float], learned: dict[str, Any], runner: str,
               each: Callable = map, parts: int = 1) -> dict[str, Any]:
    """Write the report; returns the run summary (what the CLI prints). With a process pool's
    map as `each`, the report reads the shards in `parts` pieces on its workers."""
    from cleaners import report  # imported late: only the main process needs it

    rejected = sum(r.rejected for r in results)
    duplicates = len(dedup_result.duplicates)
    reasons = Counter()
    for r in results:
        reasons.update(r.reasons)
    stage_seconds: Counter = Counter()
    for r in results:
        stage_seconds.update(r.stage_seconds)
    shards = {sub: sorted(p.name for p in (plan.clean_dir / sub).glob(f"{plan.run_id}-*.jsonl"))
              for sub in ("corpus", "rejected", "edits")}
    run_info = {
        "run_id": plan.run_id, "started": plan.started, "ended": _now(),
        "raw_dir": str(plan.raw_dir), "clean_dir": str(plan.clean_dir),
        "params": {"batch_size": plan.config.run.batch_size, "batches": len(plan.batches)},
        "config": plan.config.model_dump(), "runner": runner,
        "step_timings": {k: round(v, 4) for k, v in step_seconds.items()},
        "stage_timings": {k: round(v, 4) for k, v in stage_seconds.items()},
        "units": {"seen": plan.units_seen, "new": plan.units_new, "unchanged": plan.units_unchanged,
                  "kept": sum(r.kept for r in results) - duplicates,
                  "rejected": rejected + duplicates, "duplicates": duplicates},
        "shards": shards,
        "dedup_clusters": dedup_result.clusters,
        "templates": templates.summary(learned) if hasattr(templates, "summary") else {},
    }
    kill_point("report")
    rep = report.build_report(plan.clean_dir, run_info, parts=parts, each=each)
    json_path, html_path = report.write_report(plan.clean_dir, plan.run_id, rep)
    del rep
    release_free_memory()
    shutil.rmtree(plan.work_dir, ignore_errors=True)
    return {"run_id": plan.run_id, "units": run_info["units"], "reasons": dict(reasons),
            "report_json": str(json_path), "report_html": str(html_path),
            "seconds": round(sum(step_seconds.values()), 3)}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---- the loop without Prefect ----------------------------------------------------------
def local_pool(workers: int, batches: int) -> Any:
    """A process pool for the batch functions when workers > 1 and there are several batches;
    otherwise a null context (the batches run in this process, one after another)."""
    if workers <= 1 or batches <= 1:
        return nullcontext(None)
    import multiprocessing

    # spawn, as Prefect's process pool does: no state inherited from this process
    return ProcessPoolExecutor(min(workers, batches), mp_context=multiprocessing.get_context("spawn"))


def run_local(raw_dir: str | Path, clean_dir: str | Path, cfg: Config | None = None,
              on_batch: Callable[[BatchResult, int], None] | None = None,
              wait: bool = False, workers: int = 1) -> dict[str, Any]:
    """The whole run without Prefect; `workers` > 1 cleans the batches in a process pool."""
    cfg = cfg or Config()
    steps: dict[str, float] = {}
    t = time.perf_counter()
    plan, store = start_run(Path(raw_dir), Path(clean_dir), cfg, wait=wait)
    try:
        plan.work_dir.mkdir(parents=True, exist_ok=True)
        steps["plan"] = time.perf_counter() - t
        with local_pool(workers, len(plan.batches)) as pool:
            each = pool.map if pool else map     # results in batch order either way
            t = time.perf_counter()
            groups = scan_groups(plan.batches)
            parts = each(scan_batch_to_file, repeat(plan.raw_dir), repeat(plan.work_dir),
                         [g.index for g in groups], [g.items for g in groups], repeat(cfg),
                         [g.segments for g in groups])
            learned = learn_templates(plan.clean_dir, parts, cfg, plan=plan)
            steps["templates"] = time.perf_counter() - t
            t = time.perf_counter()
            results = []
            for result in each(retry_io, repeat(clean_batch), repeat(plan.raw_dir), repeat(plan.work_dir),
                               plan.batches, repeat(cfg), repeat(templates.for_cleaning(learned))):
                results.append(result)
                if on_batch:
                    on_batch(result, len(plan.batches))
            steps["clean"] = time.perf_counter() - t
            t = time.perf_counter()
            dd = decide_duplicates(results, store, cfg)
            steps["dedup"] = time.perf_counter() - t
            t = time.perf_counter()
            write_all(plan, results, dd.duplicates, store)
            steps["write"] = time.perf_counter() - t
            return finish_run(plan, results, dd, steps, learned, runner="local", each=each,
                              parts=min(workers, len(plan.batches)) if pool else 1)
    finally:
        close_run(plan, store)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cleaners.run", description=__doc__.split("\n")[0])
    ap.add_argument("raw", nargs="?", default="raw")
    ap.add_argument("clean", nargs="?", default="clean")
    ap.add_argument("--config")
    ap.add_argument("--wait", action="store_true", help="wait for a run holding CLEAN to end")
    ap.add_argument("--workers", type=int, default=1, help="processes for the batches (default 1)")
    args = ap.parse_args(argv)
    cfg = load_config(args.config) if args.config else Config()
    try:
        summary = run_local(args.raw, args.clean, cfg, wait=args.wait, workers=args.workers)
    except (clean_lock.LockBusy, UsageError) as exc:
        print(f"newsclean: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, clean_lock.LockBusy) else 2
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
