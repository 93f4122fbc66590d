"""The incremental state store: which raw files are done, and the band index of the corpus.

One SQLite file, CLEAN/state/state.sqlite (WAL journal), with

    files   path, size, mtime, sha1        raw files whose units are all in corpus/ or rejected/
    docs    row, id, source, exact, length, shard    kept articles (shard = corpus file holding it)
    bands   key, doc                       LSH band keys of kept articles -> docs.row
    bands_pending  key, doc                the band keys of this run's batches, until the run
                                           merges them into `bands` (after its last write)
    shards  id, name                       corpus shard names, stored once
    meta    schema version, signature parameters

It holds no text: a candidate pair with an older article is verified on the text read back from
its corpus shard. Everything in it can be recomputed from CLEAN, so a deleted store is rebuilt
from corpus/ and rejected/; a store that cannot be read stops the run before anything is written
(`StateCorrupt`), because guessing would process units twice or drop them.

Crash safety: the run writes a batch's shards first and calls `commit_batch` after they are in
place, in one transaction. A run killed before the commit leaves its raw files "new", so the
next run does them again. A batch's band keys go to `bands_pending` (appended, so a commit
writes a few pages) and reach `bands` in one merge in key order when the run ends: inserted batch
by batch, random keys touch every page of the index at every commit, and the writes grow with
the whole corpus (measured on the tables alone, three runs of 49,000 documents in batches of 490:
7 s, 14 s, then 18 s of inserts, against about 2 s a run with the merge). Lookups read both
tables; opening the store merges what a run killed before its merge left pending.

A new or rebuilt store is built beside the final name and renamed into place, so a killed
rebuild leaves no half store behind.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

from cleaners.config import DedupConfig

log = logging.getLogger("cleaners.state")

SCHEMA_VERSION = "1"
STATE_DIR = "state"
STATE_FILE = "state.sqlite"
MTIME_TOLERANCE = 1e-6           # mtimes round-trip through JSON and SQLite REAL exactly; be lenient
QUERY_CHUNK = 20_000             # band keys per SQL query (passed as one JSON array)

# added after schema 1 was in use: a store without it gets it when opened (nothing else changed)
PENDING_SCHEMA = "CREATE TABLE IF NOT EXISTS bands_pending (key INTEGER NOT NULL, doc INTEGER NOT NULL);"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime REAL, sha1 TEXT);
CREATE TABLE shards (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE docs (row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
                   exact BLOB NOT NULL, length INTEGER NOT NULL, shard INTEGER NOT NULL);
CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
""" + PENDING_SCHEMA
_TABLES = {"meta", "files", "shards", "docs", "bands"}


class StateCorrupt(Exception):
    """The state store cannot be used; the message says what is wrong and what to do."""


class FileLike(Protocol):
    """What the store needs of `cleaners.readers.FileInfo`: path relative to RAW, size, mtime."""
    path: str
    size: int
    mtime: float


@dataclass(frozen=True)
class StoredDoc:
    row: int
    id: str
    source: str
    exact: bytes
    length: int
    shard: str


def sha1_of(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def signature_params(cfg: DedupConfig) -> str:
    """The settings band keys depend on: stored keys are only comparable under the same ones."""
    from cleaners import dedup
    return json.dumps({"num_perm": cfg.num_perm, "bands": cfg.bands, "rows": cfg.rows,
                       "shingle_words": cfg.shingle_words, "seed": dedup.MINHASH_SEED},
                      sort_keys=True)


class StateStore:
    def __init__(self, clean_dir: Path, conn: sqlite3.Connection, raw_dir: Path | None):
        self.clean_dir = Path(clean_dir)
        self.conn = conn
        self.raw_dir = Path(raw_dir) if raw_dir is not None else None
        self._sha1_cache: dict[tuple[str, int, float], str] = {}
        # files found identical under a new mtime: written with the next commit or at close,
        # in one transaction (one fsync), not one each
        self._remembered: dict[str, tuple[int, float, str | None]] = {}
        self._has_docs: bool | None = None

    # ---- opening -----------------------------------------------------------------------
    @classmethod
    def path_in(cls, clean_dir: Path) -> Path:
        return Path(clean_dir) / STATE_DIR / STATE_FILE

    @classmethod
    def open(cls, clean_dir: Path, raw_dir: Path | None = None,
             cfg: DedupConfig | None = None) -> "StateStore":
        """Open CLEAN's store; create it (rebuilt from CLEAN's shards) when missing.

        `raw_dir` lets the store hash raw files (touched-but-identical files stay unchanged);
        `cfg` gives the signature settings used when rebuilding (defaults otherwise)."""
        path = cls.path_in(clean_dir)
        if not path.exists():
            _build(Path(clean_dir), path, cfg or DedupConfig())
        conn = _connect_checked(path)
        conn.execute(PENDING_SCHEMA)
        store = cls(Path(clean_dir), conn, raw_dir)
        store.merge_pending_bands()     # the keys of a run killed before it closed the store
        return store

    def close(self) -> None:
        """Write what is remembered and merge the pending band keys (a run that failed after
        some commits has its keys merged too: what was committed is valid)."""
        try:
            if self._remembered:
                with self._transaction():
                    self._write_remembered()
            self.merge_pending_bands()
        finally:
            self.conn.close()

    def __enter__(self) -> "StateStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ---- raw files ---------------------------------------------------------------------
    def file_status(self, f: FileLike) -> str:
        """"new" | "changed" | "unchanged": size+mtime first, content sha1 only when the size
        matches and the mtime does not (a touched but identical file is unchanged)."""
        row = self.conn.execute("SELECT size, mtime, sha1 FROM files WHERE path = ?",
                                (f.path,)).fetchone()
        if row is None:
            return "new"
        size, mtime, sha1 = row
        if size is None:
            # rebuilt from records without raw_size/raw_mtime: the file as it is now is the
            # one that was processed (the best evidence left); remember it from now on
            self._remember(f, self._sha1(f))
            return "unchanged"
        if size != f.size:
            return "changed"
        if abs(mtime - f.mtime) <= MTIME_TOLERANCE:
            return "unchanged"
        current = self._sha1(f)
        if current is not None and current == sha1:
            self._remember(f, current)       # next time the fast path answers
            return "unchanged"
        return "changed"

    def file_sha1(self, f: FileLike) -> str | None:
        """Content sha1 of a raw file (cached; None without `raw_dir`): the writer can put it
        in records as `raw_sha1` so a rebuilt store still knows touched-but-identical files."""
        return self._sha1(f)

    def remember_sha1(self, f: FileLike, sha1: str) -> None:
        """A content sha1 a batch computed while it read the file (spares reading it again)."""
        self._sha1_cache[(f.path, f.size, f.mtime)] = sha1

    def _sha1(self, f: FileLike) -> str | None:
        key = (f.path, f.size, f.mtime)
        if key not in self._sha1_cache:
            if self.raw_dir is None:
                return None
            try:
                self._sha1_cache[key] = sha1_of(self.raw_dir / f.path)
            except OSError as err:
                log.warning("cannot hash %s: %s", f.path, err)
                return None
        return self._sha1_cache[key]

    def _remember(self, f: FileLike, sha1: str | None) -> None:
        self._remembered[f.path] = (f.size, f.mtime, sha1)

    def _write_remembered(self) -> None:
        self.conn.executemany(
            "UPDATE files SET size = ?, mtime = ?, sha1 = COALESCE(?, sha1) WHERE path = ?",
            [(size, mtime, sha1, path) for path, (size, mtime, sha1) in self._remembered.items()])
        self._remembered.clear()

    def processed_files(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]

    # ---- committing a batch ------------------------------------------------------------
    def commit_batch(self, files: list[FileLike], kept: list[tuple[Any, str]]) -> None:
        """One transaction: these raw files are processed; these kept docs (DocSig, shard name)
        are in the corpus. Call it only after the batch's shards are in place."""
        hashes = [self._sha1(f) for f in files]        # read files before taking the write lock
        with self._transaction():
            self._write_remembered()
            self.conn.executemany(
                "INSERT OR REPLACE INTO files (path, size, mtime, sha1) VALUES (?, ?, ?, ?)",
                [(f.path, f.size, f.mtime, h) for f, h in zip(files, hashes)])
            shard_ids = {shard: self._shard_id(shard) for shard in {shard for _, shard in kept}}
            bands = []
            for sig, shard in kept:
                row = self._add_doc(sig, shard_ids[shard])
                bands.extend(zip(sig.band_keys(), repeat(row)))
            self.conn.executemany("INSERT INTO bands_pending (key, doc) VALUES (?, ?)", bands)
        if kept:
            self._has_docs = True

    def merge_pending_bands(self) -> None:
        """Move the committed batches' band keys into the band index, in key order, in one
        transaction (see the module's docstring)."""
        if self.conn.execute("SELECT 1 FROM bands_pending LIMIT 1").fetchone() is None:
            return
        with self._transaction():
            self.conn.execute("INSERT OR IGNORE INTO bands (key, doc) "
                              "SELECT key, doc FROM bands_pending ORDER BY key, doc")
            self.conn.execute("DELETE FROM bands_pending")

    def _shard_id(self, name: str) -> int:
        self.conn.execute("INSERT OR IGNORE INTO shards (name) VALUES (?)", (name,))
        return self.conn.execute("SELECT id FROM shards WHERE name = ?", (name,)).fetchone()[0]

    def _add_doc(self, sig: Any, shard_id: int) -> int:
        """The document's row (its band keys are the caller's to insert)."""
        # A re-processed unit keeps its row: its old band keys stay behind, which can only add
        # a candidate that verification (on the current text) then rejects.
        old = self.conn.execute("SELECT row FROM docs WHERE id = ?", (sig.id,)).fetchone()
        values = (sig.source, sig.exact, sig.length, shard_id)
        if old:
            row = old[0]
            self.conn.execute("UPDATE docs SET source = ?, exact = ?, length = ?, shard = ? "
                              "WHERE row = ?", (*values, row))
        else:
            row = self.conn.execute("INSERT INTO docs (id, source, exact, length, shard) "
                                    "VALUES (?, ?, ?, ?, ?)", (sig.id, *values)).lastrowid
        return row

    # ---- what dedup reads --------------------------------------------------------------
    def has_docs(self) -> bool:
        if self._has_docs is None:
            self._has_docs = self.conn.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is not None
        return self._has_docs

    def doc_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def prepare_index(self, cfg: DedupConfig) -> None:
        """Make the stored band keys match `cfg`; recompute them from the corpus if not."""
        stored = self._meta("signature_params")
        wanted = signature_params(cfg)
        if stored == wanted:
            return
        log.warning("dedup signature settings changed: re-indexing the corpus band keys")
        with self._transaction():
            self.conn.execute("DELETE FROM bands")
            self.conn.execute("DELETE FROM bands_pending")
            self.conn.execute("DELETE FROM docs")
            _index_corpus(self.conn, self.clean_dir, cfg)
            self._set_meta("signature_params", wanted)

    def band_candidates(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """Band key -> rows of stored docs sharing it."""
        out: dict[int, list[int]] = {}
        keys = sorted(set(keys))
        for start in range(0, len(keys), QUERY_CHUNK):
            chunk = json.dumps(keys[start:start + QUERY_CHUNK])
            # UNION: a re-processed unit keeps its row, so a key may be in both tables
            for key, row in self.conn.execute(
                    "SELECT key, doc FROM bands WHERE key IN (SELECT value FROM json_each(?1)) "
                    "UNION SELECT key, doc FROM bands_pending WHERE key IN "
                    "(SELECT value FROM json_each(?1))", (chunk,)):
                out.setdefault(key, []).append(row)
        return out

    def stored_docs(self, rows: Iterable[int]) -> dict[int, StoredDoc]:
        out: dict[int, StoredDoc] = {}
        rows = sorted(set(rows))
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                    "SELECT d.row, d.id, d.source, d.exact, d.length, s.name FROM docs d "
                    f"JOIN shards s ON s.id = d.shard WHERE d.row IN ({marks})", chunk):
                out[r[0]] = StoredDoc(*r)
        return out

    def stored_texts(self, docs: list[StoredDoc]) -> dict[int, str]:
        """The corpus text of each stored doc, reading each shard once. A doc whose shard or
        line is gone is left out (it cannot be verified, so it cannot be matched)."""
        by_shard: dict[str, dict[str, int]] = {}
        for d in docs:
            by_shard.setdefault(d.shard, {})[d.id] = d.row
        out: dict[int, str] = {}
        for shard, rows_by_id in by_shard.items():
            for rec in _read_shard(self.clean_dir / "corpus" / shard):
                row = rows_by_id.get(rec.get("id"))
                if row is not None and isinstance(rec.get("text"), str):
                    out[row] = rec["text"]
        missing = len(docs) - len(out)
        if missing:
            log.warning("%d stored article(s) not found in their corpus shard", missing)
        return out

    # ---- internals ---------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _transaction(self) -> "_Transaction":
        return _Transaction(self.conn)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


# ---- opening, checking, building ---------------------------------------------------------
def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def _connect_checked(path: Path) -> sqlite3.Connection:
    what_to_do = (f"Nothing was written. Move {path} aside (the next run rebuilds it from "
                  f"CLEAN/corpus and CLEAN/rejected) or restore a good copy.")
    try:
        conn = _connect(path)
        check = conn.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise StateCorrupt(f"state store {path} is damaged ({check[0][0]}). {what_to_do}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not _TABLES <= tables:
            raise StateCorrupt(f"state store {path} lacks table(s) {sorted(_TABLES - tables)}. "
                               f"{what_to_do}")
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise StateCorrupt(f"state store {path} has schema version "
                               f"{version[0] if version else 'none'}, expected {SCHEMA_VERSION}. "
                               f"{what_to_do}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        return conn
    except sqlite3.Error as err:
        raise StateCorrupt(f"state store {path} cannot be read ({err}). {what_to_do}") from None


def _build(clean_dir: Path, path: Path, cfg: DedupConfig) -> None:
    """Create the store, filled from CLEAN's shards when there are any, then rename it in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    conn = _connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")      # a half-built file is thrown away anyway
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for statement in _SCHEMA.strip().split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        conn.execute("INSERT INTO meta VALUES ('signature_params', ?)", (signature_params(cfg),))
        docs = _index_corpus(conn, clean_dir, cfg)
        files = _index_files(conn, clean_dir)
        conn.execute("COMMIT")
    finally:
        conn.close()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    # a WAL left beside a deleted store belongs to the old database: never replay it into this one
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(tmp, path)
    if docs or files:
        log.warning("state store was missing: rebuilt from CLEAN (%d articles, %d raw files)",
                    docs, files)


def _index_corpus(conn: sqlite3.Connection, clean_dir: Path, cfg: DedupConfig) -> int:
    """Signatures recomputed from the kept texts of every corpus shard."""
    from cleaners import dedup
    n = 0
    for shard in sorted((clean_dir / "corpus").glob("*.jsonl")):
        conn.execute("INSERT OR IGNORE INTO shards (name) VALUES (?)", (shard.name,))
        shard_id = conn.execute("SELECT id FROM shards WHERE name = ?", (shard.name,)).fetchone()[0]
        for rec in _read_shard(shard):
            if not isinstance(rec.get("id"), str) or not isinstance(rec.get("text"), str):
                continue
            sig = dedup.signature_from_text(rec["id"], str(rec.get("source")), rec["text"], cfg)
            row = conn.execute("INSERT OR REPLACE INTO docs (id, source, exact, length, shard) "
                               "VALUES (?, ?, ?, ?, ?)",
                               (sig.id, sig.source, sig.exact, sig.length, shard_id)).lastrowid
            conn.executemany("INSERT OR IGNORE INTO bands (key, doc) VALUES (?, ?)",
                             [(k, row) for k in sig.band_keys()])
            n += 1
    return n


def _index_files(conn: sqlite3.Connection, clean_dir: Path) -> int:
    """Raw files named by corpus and rejected records, with the size/mtime/sha1 the writer
    recorded (NULL when absent: `file_status` then adopts the file as it is now)."""
    seen: set[str] = set()
    for sub in ("corpus", "rejected"):
        for shard in sorted((clean_dir / sub).glob("*.jsonl")):
            for rec in _read_shard(shard):
                source = rec.get("source")
                if not isinstance(source, str):
                    continue
                path = raw_path_of(source)
                if path in seen:
                    continue
                seen.add(path)
                conn.execute("INSERT OR REPLACE INTO files (path, size, mtime, sha1) "
                             "VALUES (?, ?, ?, ?)",
                             (path, rec.get("raw_size"), rec.get("raw_mtime"), rec.get("raw_sha1")))
    return len(seen)


RECORD_FILE_TYPES = (".jsonl", ".json", ".jsonl.gz", ".json.gz")   # files whose units are "#N"


def raw_path_of(source: str) -> str:
    """The raw file of a record's source: "feed.jsonl#3" -> "feed.jsonl". A '#' elsewhere is
    part of the file name ("a#1.txt", "notes#2" stay whole)."""
    head, sep, tail = source.rpartition("#")
    if sep and tail.isdigit() and head.lower().endswith(RECORD_FILE_TYPES):
        return head
    return source


def _read_shard(path: Path) -> Iterator[dict[str, Any]]:
    """Records of one JSONL shard; a missing file or a bad line is skipped with a warning."""
    try:
        f = open(path, encoding="utf-8")
    except OSError as err:
        log.warning("cannot read shard %s: %s", path, err)
        return
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: not valid JSON, skipped", path, n)
                continue
            if isinstance(rec, dict):
                yield rec
