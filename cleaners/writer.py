"""Atomic JSONL shards and the run's staging area.

A shard is written to a hidden temporary file in the same folder, fsynced, then renamed over its
final name: a killed run leaves either the whole shard or none of it, never half a line. Readers
of the output glob `*.jsonl`, which never matches the temporary names.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

OUTPUT_DIRS = ("corpus", "rejected", "edits")


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_jsonl_atomic(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records to `path` atomically; returns the number of lines written."""
    return write_lines_atomic(path, (dumps(rec) + "\n" for rec in records))


def write_lines_atomic(path: Path, lines: Iterable[str]) -> int:
    """Write ready-made lines (each ending in a newline) to `path` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    n = 0
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(line)
                n += 1
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)      # a failed write leaves nothing behind
        raise
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    return n


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def shard_name(run_id: str, batch: int) -> str:
    return f"{run_id}-{batch:05d}.jsonl"


def remove_stale_temporaries(clean_dir: Path) -> int:
    """Delete temporary shard files a killed run left behind (they were never renamed)."""
    n = 0
    for sub in OUTPUT_DIRS:
        folder = clean_dir / sub
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp-*"):
                tmp.unlink(missing_ok=True)
                n += 1
    return n
