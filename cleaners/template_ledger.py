"""Which raw files the stored site templates have already counted, so a re-run never counts
them twice.

Template counts accumulate over runs (cleaners/templates.py: a run adds its documents' line
counts to the stored ones). A run learns and saves its templates before it writes any batch;
if it is then killed, the files it scanned are still "new" for the next run, which would scan
and add them again: doubled counts shift the shares that decide what is template, and the
corpus after a crash would differ from the corpus of one uninterrupted run.

So a small ledger beside CLEAN/state/templates.json lists the raw file versions (path, size,
mtime) that the stored templates counted but whose units are not committed yet. The next run
skips scanning those (it learns from the stored counts, which already hold them) and so cleans
with the very templates the killed run used. Committed files leave the ledger (they are
"unchanged" and never scanned again anyway).

The ledger and templates.json are two files, so the ledger names the templates file it
describes by content hash, and keeps the entry of the previous templates file too: the new
templates are staged, the ledger (new + previous entry) is written, then the staged templates
are renamed into place. Killed anywhere in between, the entry whose hash matches the templates
file on disk is the true one.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from cleaners import templates
from cleaners.writer import write_lines_atomic

LEDGER = "templates.counted.json"
FORMAT = 1


def _templates_file(clean_dir: Path) -> Path:
    return Path(clean_dir) / templates.STATE_DIR / templates.STATE_FILE


def _ledger_file(clean_dir: Path) -> Path:
    return Path(clean_dir) / templates.STATE_DIR / LEDGER


def _sha1(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _version(f: Any) -> list:
    return [f.size, f.mtime]


def counted_files(clean_dir: Path) -> dict[str, list]:
    """path -> [size, mtime] of the files the templates on disk counted, not yet committed."""
    try:
        ledger = json.loads(_ledger_file(clean_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(ledger, dict) or ledger.get("format") != FORMAT:
        return {}
    on_disk = _sha1(_templates_file(clean_dir))
    for entry in (ledger.get("current"), ledger.get("previous")):
        if isinstance(entry, dict) and entry.get("sha1") == on_disk:
            files = entry.get("files")
            return files if isinstance(files, dict) else {}
    return {}


def already_counted(clean_dir: Path, files: dict[str, Any], status: dict[str, str]) -> set[str]:
    """Paths to process in this run whose current version the stored templates counted."""
    ledger = counted_files(clean_dir)
    return {p for p, version in ledger.items()
            if status.get(p, "unchanged") != "unchanged" and p in files
            and version == _version(files[p])}


def save(clean_dir: Path, staging_dir: Path, learned: dict[str, Any], files: dict[str, Any],
         status: dict[str, str], scanned: Iterable[str]) -> None:
    """Save the run's learned templates with the ledger, crash-safely (see the module doc).

    `scanned`: the paths whose counts this run added; `files`/`status`: the run's plan."""
    clean_dir, staging_dir = Path(clean_dir), Path(staging_dir)
    pending = {p: _version(files[p]) for p in already_counted(clean_dir, files, status)}
    pending.update({p: _version(files[p]) for p in scanned if p in files})
    final = _templates_file(clean_dir)
    staged = templates.save(staging_dir, learned)          # staging_dir/state/templates.json
    old_sha = _sha1(final)
    old_files = {p: v for p, v in counted_files(clean_dir).items()
                 if status.get(p, "unchanged") != "unchanged"}
    ledger = {"format": FORMAT,
              "current": {"sha1": _sha1(staged), "files": pending},
              "previous": {"sha1": old_sha, "files": old_files}}
    final.parent.mkdir(parents=True, exist_ok=True)
    write_lines_atomic(_ledger_file(clean_dir), [json.dumps(ledger, sort_keys=True) + "\n"])
    os.replace(staged, final)
