"""Atomic file writes: a temporary "part" file, then published at the target.

A crash or a full disk mid-write leaves the previous file whole; a reader never sees half a
report. Only a regular file (or nothing) is ever renamed over: a device, a pipe or a link
(``/dev/null``, ``/dev/stdout``) is written into instead, and a folder is refused.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from formcheck.errors import OutputError

log = logging.getLogger(__name__)


def renamable(path: Path) -> bool:
    """True when a finished file may be renamed over ``path``: nothing there, or a regular file."""
    if path.is_symlink():
        return False
    return not path.exists() or path.is_file()


def part_path(path: Path) -> Path:
    """The temporary name used while ``path`` is being written (hidden, per process).

    Beside ``path``, so the final rename is atomic; in the system's temp folder when ``path``
    is a device, pipe or link, which is copied into (its folder, ``/dev``, may be read-only).
    """
    name = f".{path.name}.{os.getpid()}.part"
    return path.with_name(name) if renamable(path) else Path(tempfile.gettempdir()) / name


def check_target(path: Path, what: str = "") -> None:
    """`OutputError` now, before anything is written, when ``path`` can never be written."""
    if path.is_dir():
        raise OutputError(f"cannot write {_label(what, path)}: it is a folder")
    if path.parent.exists() and not path.parent.is_dir():
        raise OutputError(f"cannot write {_label(what, path)}: {path.parent} is a file, not a folder")


def publish(part: Path, target: Path, what: str = "") -> Path:
    """Put the finished ``part`` file at ``target`` and return ``target``.

    Renamed over a regular file (or into place); copied into a device, pipe or link, then
    removed. A folder is refused. On any failure the part is removed and `OutputError` says why.
    """
    try:
        check_target(target, what)
        if renamable(target):
            part.replace(target)
        else:
            with open(part, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            discard(part)
    except OSError as err:
        discard(part)
        raise OutputError(f"cannot write {_label(what, target)}: {reason(err)}") from err
    except BaseException:
        discard(part)
        raise
    return target


def discard(part: Path) -> None:
    """Remove a part file if it is there; a failure to remove it is logged, never raised (the
    error that made it useless is the one to report)."""
    try:
        part.unlink(missing_ok=True)
    except OSError as err:
        log.debug("could not remove the temporary file %s: %s", part, reason(err))


@contextmanager
def writing(path: str | Path, what: str = "") -> Iterator[Path]:
    """Yield the part file to write ``path``'s content into; published when the block ends.

    A folder target (or a file as its folder) is refused before the block runs; an `OSError`
    in the block becomes an `OutputError`; on any failure the part is removed.
    """
    path = Path(path)
    check_target(path, what)
    part = part_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield part
    except OSError as err:
        discard(part)
        raise OutputError(f"cannot write {_label(what, path)}: {reason(err)}") from err
    except BaseException:
        discard(part)
        raise
    publish(part, path, what)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; `OutputError` with the reason if it fails."""
    path = Path(path)
    with writing(path) as part:
        part.write_text(text, encoding="utf-8")
    return path


def reason(err: BaseException) -> str:
    """The OS's words for an I/O error ("Permission denied"), else the error's own text."""
    return str(getattr(err, "strerror", None) or err)


def _label(what: str, path: Path) -> str:
    return f"{what} {path}" if what else str(path)


def content_hash(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (hex, first 16 chars), the key of the track cache."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()[:16]
