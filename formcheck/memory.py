"""Give memory a finished clip freed back to the operating system.

MediaPipe, OpenCV and PyAV allocate their frame buffers and tensors with the C library's
malloc. After a clip they are freed, but glibc keeps the freed pages in its arenas for reuse,
and clips of other frame sizes leave them fragmented: a worker that tracks clip after clip
grew from about 320 MB to 510 MB and more (benchmarks/worker_memory.py). ``malloc_trim(0)``
hands the free pages back; it takes about a millisecond. glibc also makes up to eight arenas
per core, one for each thread that allocates at once, and MediaPipe's graph threads spread
their buffers over many of them: with two arenas (`limit_malloc_arenas`, set where a worker
starts) and the trim, 50 clips in one process read 166 MB after the first clip, 192 MB at most
and 177 MB after the last (trim alone: 192 / 357 / 314 MB; neither: 322 / 641 / 528 MB).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from functools import cache


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


#: malloc arenas a worker process keeps (glibc's default is 8 per core)
MALLOC_ARENAS = 2
#: mallopt's parameter number for the arena limit (M_ARENA_MAX in glibc's malloc.h)
_M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process (before its threads start); True if set.
    An explicit ``MALLOC_ARENA_MAX`` in the environment is left as the user set it."""
    libc = _libc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))


def release_freed_memory() -> bool:
    """Return freed heap pages to the OS where the C library keeps them (glibc); True if it did."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.malloc_trim(0))
