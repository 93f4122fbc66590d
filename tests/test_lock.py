"""CLEAN/.lock: one run per CLEAN folder; busy -> one-line error or wait; stale -> taken over."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from cleaners import lock

HOLDER = textwrap.dedent("""
    import sys, time
    from cleaners import lock
    lk = lock.acquire(sys.argv[1])
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def start_holder(clean, seconds=30.0):
    """A separate process that takes the lock and holds it; returns once it holds it."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(clean), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_holder_fails_at_once_with_the_holders_pid(tmp_path):
    proc = start_holder(tmp_path)
    try:
        started = time.monotonic()
        with pytest.raises(lock.LockBusy) as err:
            lock.acquire(tmp_path)
        assert time.monotonic() - started < 1.0
        message = str(err.value)
        assert "\n" not in message
        assert f"pid {proc.pid}" in message and "--wait" in message
    finally:
        proc.kill()
        proc.wait()


def test_wait_blocks_until_the_holder_ends(tmp_path):
    proc = start_holder(tmp_path, seconds=0.8)
    told = []
    started = time.monotonic()
    lk = lock.acquire(tmp_path, wait=True, on_wait=told.append)
    try:
        assert time.monotonic() - started >= 0.3
        assert len(told) == 1 and f"pid {proc.pid}" in told[0]
        assert lock.read_holder(tmp_path / ".lock")["pid"] == os.getpid()
    finally:
        lock.release(lk)
        proc.wait()


def test_lock_of_a_killed_run_is_taken_over(tmp_path):
    proc = start_holder(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the file still names the dead holder, but the kernel dropped its flock
    assert lock.read_holder(tmp_path / ".lock")["pid"] == proc.pid
    lk = lock.acquire(tmp_path)
    try:
        assert lk.took_over["pid"] == proc.pid
        assert json.loads((tmp_path / ".lock").read_text())["pid"] == os.getpid()
    finally:
        lock.release(lk)


def test_reentrant_in_one_process_and_free_after_last_release(tmp_path):
    outer = lock.acquire(tmp_path)
    inner = lock.acquire(tmp_path)
    assert inner is outer
    lock.release(inner)
    # still held by the outer acquisition: another process is refused
    probe = [sys.executable, "-c", "import sys; from cleaners import lock\n"
             "try:\n lock.acquire(sys.argv[1]); print('got')\n"
             "except lock.LockBusy: print('busy')", str(tmp_path)]
    assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "busy"
    lock.release(outer)
    assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "got"


def test_separate_lock_objects_in_one_process_exclude_each_other(tmp_path):
    first = lock.CleanLock(tmp_path).acquire()
    try:
        with pytest.raises(lock.LockBusy):
            lock.CleanLock(tmp_path).acquire()
    finally:
        first.release()
    second = lock.CleanLock(tmp_path).acquire()
    second.release()


def test_context_manager_releases_on_error(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with lock.held(tmp_path):
            1 / 0
    with lock.held(tmp_path) as lk:
        assert lk.fd is not None


def test_a_lock_released_normally_is_not_reported_as_stale(tmp_path):
    probe = [sys.executable, "-c", "import sys; from cleaners import lock\n"
             "lock.release(lock.acquire(sys.argv[1]))", str(tmp_path)]
    subprocess.run(probe, check=True)
    lk = lock.acquire(tmp_path)
    try:
        assert lk.took_over == {}
    finally:
        lock.release(lk)
