"""Dedup and state-store benchmark on generated documents (issue 5, "Scale").

    .venv/bin/python -m benchmarks.bench_dedup [--docs 100000] [--raw-files 10000] [--e2e]

Measures, on one core:
  * signatures per second (normalise, shingle, MinHash, band keys) over ~4.7 KB documents;
  * `decide` over the whole run (in-run dedup), with recall/precision on the planted copies;
  * committing the corpus to the state store, and index bytes per document (SQLite file size);
  * a later run's `decide` against that store (cross-run copies found);
  * a second run over an unchanged raw folder: open the store, list the folder, and
    `file_status` for every file (`--e2e` also times `cleaners.run.run_local` twice);
  * peak memory (max RSS) after each phase.
Figures go to benchmarks/results/dedup.json. Documents are synthetic (Zipf-distributed invented
words), with planted exact, lightly edited and truncated copies of earlier documents.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from cleaners import dedup
from cleaners.config import DedupConfig
from cleaners.state import StateStore
from cleaners.writer import write_jsonl_atomic

RESULTS = Path(__file__).parent / "results" / "dedup.json"
VOCAB_SIZE = 50_000
WORDS_PER_DOC = 640           # ~4.7 KB of text
COPY_SHARE = 0.10             # share of documents that are copies of an earlier one
SHARD_DOCS = 1000


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Generator:
    """Deterministic synthetic articles: document i is rebuilt from seed i on demand."""

    def __init__(self, seed: int = 7):
        rng = np.random.default_rng(seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        lengths = rng.integers(2, 11, VOCAB_SIZE)
        self.vocab = np.array(["".join(rng.choice(letters, n)) for n in lengths])
        weights = 1.0 / (np.arange(VOCAB_SIZE) + 2.7)        # Zipf-like, as in real text
        self.cdf = np.cumsum(weights / weights.sum())

    def paragraphs(self, i: int) -> list[str]:
        rng = np.random.default_rng(1_000_003 + i)
        idx = np.minimum(np.searchsorted(self.cdf, rng.random(WORDS_PER_DOC)), VOCAB_SIZE - 1)
        words = self.vocab[idx].tolist()
        paras, start = [], 0
        while start < len(words):
            n = int(rng.integers(40, 90))
            paras.append(" ".join(words[start:start + n]).capitalize() + ".")
            start += n
        return paras


def plan_copies(n: int, seed: int = 11) -> dict[int, tuple[int, str]]:
    """doc index -> (original index, kind) for the planted copies."""
    rng = np.random.default_rng(seed)
    plan = {}
    for i in range(1, n):
        if rng.random() < COPY_SHARE:
            original = int(rng.integers(0, i))
            while original in plan:
                original = plan[original][0]
            plan[i] = (original, str(rng.choice(["exact", "edited", "truncated"])))
    return plan


def variant(paras: list[str], kind: str, i: int) -> list[str]:
    if kind == "exact":
        return [p.upper() for p in paras]           # same normalised body
    if kind == "truncated":
        return paras[:max(2, int(len(paras) * 0.8))]
    out = list(paras)                               # edited: two words in, one paragraph out
    w = out[i % len(out)].split(" ")
    w.insert(min(3, len(w)), "reportedly")
    out[i % len(out)] = " ".join(w)
    if len(out) > 4:
        out.pop(1 + i % (len(out) - 1))
    return out


def text_of(gen: Generator, plan: dict[int, tuple[int, str]], i: int, offset: int = 0) -> str:
    if i in plan:
        original, kind = plan[i]
        return "\n\n".join(variant(gen.paragraphs(original + offset), kind, i))
    return "\n\n".join(gen.paragraphs(i + offset))


def bench_signatures(gen, plan, n, cfg):
    """Per core = per CPU second of this process (the machine may be shared: wall time is
    reported beside it)."""
    sigs, wall, cpu, chars = [], 0.0, 0.0, 0
    for i in range(n):
        text = text_of(gen, plan, i)
        chars += len(text)
        t, c = time.perf_counter(), time.process_time()
        sigs.append(dedup.signature_from_text(f"doc{i:07d}", f"raw/doc{i:07d}.txt", text, cfg))
        wall += time.perf_counter() - t
        cpu += time.process_time() - c
    sig_bytes = sum(len(s.shingles) + len(s.bands) + len(s.exact) for s in sigs)
    return sigs, {"docs": n, "mean_chars": round(chars / n), "cpu_seconds": round(cpu, 2),
                  "wall_seconds": round(wall, 2),
                  "signatures_per_second_per_core": round(n / cpu),
                  "signatures_per_wall_second": round(n / wall),
                  "signature_payload_bytes_per_doc": round(sig_bytes / n),
                  "peak_rss_mb": peak_mb()}


def score_plan(result, plan, n):
    """Recall: planted copies that ended in their original's cluster (whichever copy was kept).
    Precision: duplicates whose keeper comes from the same original."""
    def root(doc_id: str) -> int:
        i = int(doc_id[3:])
        return plan[i][0] if i in plan else i

    def keeper(doc_id: str) -> str:
        dup = result.duplicates.get(doc_id)
        return dup.keeper_id if dup else doc_id

    planted = [i for i in plan if i < n]
    joined = sum(1 for i in planted
                 if keeper(f"doc{i:07d}") == keeper(f"doc{plan[i][0]:07d}"))
    right = sum(1 for d, dup in result.duplicates.items() if root(d) == root(dup.keeper_id))
    return {"planted_copies": len(planted), "duplicates": len(result.duplicates),
            "recall": round(joined / len(planted), 4) if planted else 1.0,
            "precision": round(right / len(result.duplicates), 4) if result.duplicates else 1.0,
            "clusters": len(result.clusters),
            "oversized_clusters": sum(1 for c in result.clusters if c.get("oversized"))}


def bench_decide(sigs, plan, cfg):
    t = time.perf_counter()
    result = dedup.decide(sigs, None, cfg)
    return result, {"seconds": round(time.perf_counter() - t, 2), **score_plan(result, plan, len(sigs)),
                    "peak_rss_mb": peak_mb()}


def bench_store(clean: Path, gen, plan, sigs, result, cfg):
    """Commit the kept documents in shards, as a run does; measure the store size."""
    store = StateStore.open(clean, cfg=cfg)
    t_store = t_write = 0.0
    kept = [(i, s) for i, s in enumerate(sigs) if s.id not in result.duplicates]
    for start in range(0, len(kept), SHARD_DOCS):
        part = kept[start:start + SHARD_DOCS]
        name = f"bench-{start // SHARD_DOCS + 1:05d}.jsonl"
        t = time.perf_counter()
        write_jsonl_atomic(clean / "corpus" / name,
                           ({"id": s.id, "source": s.source, "text": text_of(gen, plan, i)}
                            for i, s in part))
        t_write += time.perf_counter() - t
        t = time.perf_counter()
        store.commit_batch([], [(s, name) for _, s in part])
        t_store += time.perf_counter() - t
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = StateStore.path_in(clean).stat().st_size
    docs = store.doc_count()
    store.close()
    t = time.perf_counter()
    StateStore.open(clean, cfg=cfg).close()          # includes the integrity check
    reopen = time.perf_counter() - t
    return {"kept_docs": docs, "commit_seconds": round(t_store, 2),
            "reopen_with_integrity_check_seconds": round(reopen, 3),
            "shard_write_seconds": round(t_write, 2), "store_bytes": size,
            "index_bytes_per_doc": round(size / docs), "peak_rss_mb": peak_mb()}


def bench_cross_run(clean: Path, gen, plan, n_stored: int, cfg, n_new: int = 2000):
    """A later run: new documents, 10% of them copies of documents already in the store."""
    rng = np.random.default_rng(5)
    copies = {}
    sigs = []
    for j in range(n_new):
        if rng.random() < COPY_SHARE:
            original = int(rng.integers(0, n_stored))
            while original in plan:                 # copy an original, not a planted copy
                original = int(rng.integers(0, n_stored))
            copies[f"new{j:06d}"] = original
            text = "\n\n".join(variant(gen.paragraphs(original), "edited", j))
        else:
            text = "\n\n".join(gen.paragraphs(10_000_000 + j))
        sigs.append(dedup.signature_from_text(f"new{j:06d}", f"raw2/new{j:06d}.txt", text, cfg))
    t = time.perf_counter()
    store = StateStore.open(clean, cfg=cfg)
    result = dedup.decide(sigs, store, cfg)
    store.close()
    found = set(result.duplicates)
    return {"new_docs": n_new, "seconds_incl_open": round(time.perf_counter() - t, 2),
            "copies_of_stored": len(copies),
            "recall": round(len(found & set(copies)) / len(copies), 4) if copies else 1.0,
            "false_duplicates": len(found - set(copies)), "peak_rss_mb": peak_mb()}


def bench_unchanged_folder(work: Path, n_files: int, gen: Generator):
    """The store side of a second run over an unchanged raw folder."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Info:
        path: str
        size: int
        mtime: float

    raw, clean = work / "raw_unchanged", work / "clean_unchanged"
    for i in range(n_files):
        sub = raw / f"site{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(gen.paragraphs(20_000_000 + i))
        (sub / f"a{i:06d}.txt").write_text(f"Headline number {i}\n\n{body}\n")

    def listing():
        out = []
        for p in sorted(raw.rglob("*.txt")):
            st = p.stat()
            out.append(Info(p.relative_to(raw).as_posix(), st.st_size, st.st_mtime))
        return out

    store = StateStore.open(clean, raw)
    store.commit_batch(listing(), [])
    store.close()
    t = time.perf_counter()
    store = StateStore.open(clean, raw)
    files = listing()
    statuses = [store.file_status(f) for f in files]
    store.close()
    seconds = time.perf_counter() - t
    assert statuses.count("unchanged") == n_files, "an unchanged file was not recognised"
    out = {"files": n_files, "store_open_list_and_status_seconds": round(seconds, 3),
           "all_unchanged": True}
    for f in files[:100]:                                  # touched files: sha1 path
        os.utime(raw / f.path, (f.mtime + 5, f.mtime + 5))
    t = time.perf_counter()
    store = StateStore.open(clean, raw)
    statuses = [store.file_status(f) for f in listing()]
    store.close()
    out["with_100_touched_seconds"] = round(time.perf_counter() - t, 3)
    out["touched_still_unchanged"] = statuses.count("unchanged") == n_files
    return raw, out


def bench_end_to_end(raw: Path, work: Path):
    """Both runs of the real pipeline over the raw folder (needs cleaners.run and readers)."""
    try:
        from cleaners.run import run_local
    except ImportError as err:
        return {"skipped": f"cleaners.run not importable: {err}"}
    clean = work / "clean_e2e"
    t = time.perf_counter()
    first = run_local(raw, clean)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    second = run_local(raw, clean)
    return {"first_run_seconds": round(first_s, 2),
            "second_run_seconds": round(time.perf_counter() - t, 2),
            "second_run_units": second.get("units"), "first_run_units": first.get("units")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--raw-files", type=int, default=10_000)
    ap.add_argument("--e2e", action="store_true",
                    help="also time two real runs (cleaners.run) over the unchanged raw folder")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    cfg = DedupConfig()
    gen = Generator()
    plan = plan_copies(args.docs)
    work = Path(tempfile.mkdtemp(prefix="bench_dedup_"))
    figures = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
               "config": cfg.model_dump()}
    try:
        sigs, figures["signatures"] = bench_signatures(gen, plan, args.docs, cfg)
        print("signatures", figures["signatures"], flush=True)
        result, figures["decide_in_run"] = bench_decide(sigs, plan, cfg)
        print("decide", figures["decide_in_run"], flush=True)
        figures["store"] = bench_store(work / "clean", gen, plan, sigs, result, cfg)
        print("store", figures["store"], flush=True)
        del sigs, result
        figures["decide_cross_run"] = bench_cross_run(work / "clean", gen, plan, args.docs, cfg)
        print("cross-run", figures["decide_cross_run"], flush=True)
        raw, figures["second_run_unchanged"] = bench_unchanged_folder(work, args.raw_files, gen)
        print("unchanged folder", figures["second_run_unchanged"], flush=True)
        if args.e2e:
            figures["end_to_end"] = bench_end_to_end(raw, work)
        else:
            figures["end_to_end"] = {"skipped": "run with --e2e to time two real runs "
                                                "(cleaners.run.run_local) over the raw folder"}
        print("end to end", figures["end_to_end"], flush=True)
        figures["peak_rss_mb"] = peak_mb()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
