"""Damaged files and odd targets: formcheck recovers or says one clear thing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_track import make_track

from formcheck.errors import OutputError
from formcheck.fileio import write_text_atomic
from formcheck.tracking import _from_cache


def test_a_damaged_cached_track_is_dropped_and_tracked_again(tmp_path: Path) -> None:
    good = make_track(5).save(tmp_path / "good.npz")
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert _from_cache(damaged, time.perf_counter()) is None
    assert not damaged.exists()


def test_atomic_write_refuses_a_file_as_folder_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        write_text_atomic(tmp_path / "notes.txt" / "report.json", "{}")


def test_atomic_write_never_renames_over_a_device(tmp_path: Path) -> None:
    devnull = Path("/dev/null")
    if not devnull.exists():
        pytest.skip("no /dev/null here")
    write_text_atomic(devnull, "{}")
    assert devnull.is_char_device()
