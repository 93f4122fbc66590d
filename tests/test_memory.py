"""cleaners/memory.py: freed heap pages go back to the system on glibc; elsewhere nothing happens."""
import platform

import pytest

from cleaners import memory


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_freed_small_objects_leave_resident_memory_after_release():
    memory.release_free_memory()
    keep, scratch = [], []
    # buffers over 512 bytes come from glibc's heap (smaller ones from Python's own arenas);
    # the survivors among them pin the heap's top, so glibc's own trim at free() cannot shrink it
    for i in range(40_000):
        scratch.append(bytearray(2000))
        if i % 50 == 0:
            keep.append(bytearray(2000))
    before = _rss_kb()
    del scratch
    held = _rss_kb()
    assert memory.release_free_memory() is True
    after = _rss_kb()
    assert before - held < (held - after)      # most of the freed pages went back only now
    assert held - after > 20_000               # ~80 MB freed: well over 20 MB returned
    assert len(keep) == 800


def test_without_a_trimming_allocator_it_does_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release_free_memory() is False
