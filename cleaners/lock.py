"""One run at a time per CLEAN folder: an exclusive flock on `CLEAN/.lock`.

The kernel releases an flock when its process dies (SIGKILL included), so a lock left by a killed
run is never "held": the next run gets it at once and takes it over. The file's content (pid, host,
start time of the holder) only serves the messages: who holds it now, or whose stale lock we took
over.

The lock is re-entrant within one process: the CLI takes it before starting Prefect (so a busy
folder fails in a fraction of a second, or waits with --wait) and the run it then calls takes it
again without blocking on itself.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

log = logging.getLogger("cleaners")

LOCK_NAME = ".lock"

_held: dict[str, "CleanLock"] = {}     # resolved lock path -> the lock this process holds
_held_guard = threading.Lock()


class LockBusy(RuntimeError):
    """Another live run holds the lock; str() is the one-line message for the user."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:        # exists, owned by someone else
        return True
    return True


def read_holder(path: Path) -> dict:
    """What the lock file says about its (last) holder; {} if empty or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def describe_holder(holder: dict) -> str:
    if not holder:
        return "another run"
    return (f"run pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
            f"started {holder.get('started', '?')}")


class CleanLock:
    def __init__(self, clean_dir: Path):
        self.path = Path(clean_dir) / LOCK_NAME
        self.fd: int | None = None
        self.depth = 0
        self.took_over: dict = {}   # holder info of a stale lock we replaced, if any

    def _try_flock(self) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _record_self(self) -> None:
        previous = read_holder(self.path)
        same_host = previous.get("host") == socket.gethostname()
        if previous and previous.get("pid") != os.getpid() and same_host \
                and not _pid_alive(int(previous.get("pid", 0))):
            self.took_over = previous
            log.warning("took over a stale lock in %s: %s is no longer running",
                        self.path.parent, describe_holder(previous))
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(info).encode(), 0)

    def acquire(self, wait: bool = False, poll_seconds: float = 0.2,
                on_wait: Callable[[str], None] | None = None) -> "CleanLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            announced = False
            while not self._try_flock():
                holder = describe_holder(read_holder(self.path))
                if not wait:
                    raise LockBusy(f"{self.path.parent} is in use by {holder} "
                                   f"(lock {self.path}); try again later or use --wait")
                if not announced and on_wait:
                    on_wait(f"waiting for {holder} to finish with {self.path.parent} ...")
                announced = True
                time.sleep(poll_seconds)
            self._record_self()
        except BaseException:
            os.close(self.fd)
            self.fd = None
            raise
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        # Keep the file (unlinking a flocked file races with a waiter that opened the old inode)
        # but clear our details: a file that still names a dead pid then means a killed run.
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None


def acquire(clean_dir: Path | str, wait: bool = False,
            on_wait: Callable[[str], None] | None = None) -> CleanLock:
    """Take CLEAN's lock (re-entrant in this process); raises LockBusy unless `wait`."""
    key = str((Path(clean_dir) / LOCK_NAME).resolve())
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            held.depth += 1
            return held
    lock = CleanLock(Path(clean_dir)).acquire(wait=wait, on_wait=on_wait)
    lock.depth = 1
    with _held_guard:
        _held[key] = lock
    return lock


def release(lock: CleanLock) -> None:
    key = str(lock.path.resolve())
    with _held_guard:
        lock.depth -= 1
        if lock.depth > 0:
            return
        _held.pop(key, None)
    lock.release()


class held:
    """`with lock.held(clean_dir, wait=...):` - acquire on entry, release on exit."""

    def __init__(self, clean_dir: Path | str, wait: bool = False,
                 on_wait: Callable[[str], None] | None = None):
        self.args = (clean_dir, wait, on_wait)
        self.lock: CleanLock | None = None

    def __enter__(self) -> CleanLock:
        self.lock = acquire(*self.args)
        return self.lock

    def __exit__(self, *exc) -> None:
        if self.lock is not None:
            release(self.lock)
