"""Give memory a finished clip freed back to the operating system.

MediaPipe, OpenCV and PyAV allocate their frame buffers and tensors with the C library's
malloc. After a clip they are freed, but glibc keeps the freed pages in its arenas for reuse,
and clips of other frame sizes leave them fragmented: a worker that tracks clip after clip
grew from about 320 MB to 510 MB and more (benchmarks/worker_memory.py). ``malloc_trim(0)``
hands the free pages back, so a long-running worker stays flat; it takes about a millisecond.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys
from functools import cache

log = logging.getLogger(__name__)


@cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None  # macOS and Windows allocators return free pages on their own
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim  # noqa: B018  (musl has no malloc_trim: nothing to do there)
    except (OSError, AttributeError):
        return None
    return libc


def release_freed_memory() -> bool:
    """Return freed heap pages to the OS where the C library keeps them (glibc); True if it did."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.malloc_trim(0))
