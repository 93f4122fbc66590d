"""Hand the memory a finished step freed back to the system.

Python frees a step's objects, but glibc's allocator keeps the freed heap pages for reuse, and
large numpy arrays come from that heap too once glibc has raised its mmap threshold. After the
flow's big steps (learning the templates, dedup's global step, the report) those pages stayed in
the flow process's resident memory and the next step grew beside them: resident memory grew with
the run instead of staying flat. `malloc_trim(0)` returns the free pages; elsewhere than glibc
this is a no-op.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):   # no libc found, or not glibc (musl, macOS)
        return None


def release_free_memory() -> bool:
    """True when the allocator gave memory back (glibc said so)."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
