"""Atomic file writes: a temporary file beside the target, then a rename over it.

A crash or a full disk mid-write leaves the previous file whole; a reader never sees half a
report.
"""

from __future__ import annotations

import os
from pathlib import Path

from formcheck.errors import OutputError


def part_path(path: Path) -> Path:
    """The temporary name used while ``path`` is being written (hidden, per process)."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; `OutputError` with the reason if it fails."""
    path = Path(path)
    if path.exists() and not path.is_file():
        # a device, pipe or folder is written to (or refused), never renamed over
        return _write_in_place(path, text)
    if path.parent.exists() and not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: {path.parent} is a file, not a folder")
    tmp = part_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as err:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err
    return path


def _write_in_place(path: Path, text: str) -> Path:
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from err
    return path
