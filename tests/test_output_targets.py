"""Odd output targets for the video, the track and the live recording: a device or a pipe is
written into (never renamed over), a folder or an unwritable place is one line and exit 10,
and no temporary file is left behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
import report_fakes as rf
from test_track import make_track

from formcheck.errors import OutputError
from formcheck.fileio import write_text_atomic
from formcheck.report.annotate import VideoSink
from formcheck.types import PoseTrack


def leftover_parts(*folders: Path) -> list[Path]:
    """Temporary files of this process (and any other) left in ``folders`` and the temp folder."""
    found = [p for folder in folders for p in folder.rglob(".*.part")]
    mine = f".{os.getpid()}.part"
    return found + [p for p in Path(tempfile.gettempdir()).glob(".*.part") if p.name.endswith(mine)]


def null_device(path: Path) -> Path:
    """A character device like /dev/null at ``path`` (root only: mknod)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as err:
        pytest.skip(f"cannot make a device file here: {err}")
    return path


# -- the library ---------------------------------------------------------------------------------


def test_a_video_and_a_track_go_into_a_device_which_stays_a_device(tmp_path: Path) -> None:
    dev = null_device(tmp_path / "null")
    with VideoSink(dev, fps=10) as sink:
        for i in range(3):
            sink.write(np.full((32, 32, 3), 40 * i, np.uint8), i / 10)
    make_track(5).save(dev)
    write_text_atomic(dev, "{}")
    assert dev.is_char_device(), "the device was replaced by a regular file"
    assert leftover_parts(tmp_path) == []


def test_a_track_saved_into_a_pipe_arrives_whole(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    track = make_track(7)
    track.save(fifo)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the pipe was replaced by a regular file"
    copy = tmp_path / "copy.npz"
    copy.write_bytes(received[0])
    assert np.array_equal(PoseTrack.load(copy).t, track.t)
    assert leftover_parts(tmp_path) == []


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.npz"
    real.write_bytes(b"old")
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    make_track(4).save(link)
    assert link.is_symlink() and len(PoseTrack.load(real)) == 4


def test_a_folder_as_target_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    with pytest.raises(OutputError, match="it is a folder"), VideoSink(folder, fps=10) as sink:
        sink.write(np.zeros((32, 32, 3), np.uint8), 0.0)
    with pytest.raises(OutputError, match="it is a folder"):
        make_track(3).save(folder)
    with pytest.raises(OutputError, match="it is a folder"):
        write_text_atomic(folder, "{}")
    assert leftover_parts(tmp_path) == [] and list(folder.iterdir()) == []


def test_a_track_under_a_file_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        make_track(3).save(tmp_path / "notes.txt" / "t.npz")


# -- through the command line --------------------------------------------------------------------


@pytest.fixture(scope="module")
def nobody_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short clip with nobody in it (the pose model runs fast on it), and a track cache."""
    folder = tmp_path_factory.mktemp("nobody")
    return rf.noise_clip(folder / "room.mp4", seconds=1.0, fps=10)


def formcheck(
    clip: Path, *args: str, prefix: list[str] | None = None, stdout: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FORMCHECK_CACHE_DIR": str(clip.parent / "cache")}
    command = [sys.executable, "-c", "from formcheck.cli import main; main()", *args]
    return subprocess.run(
        [*(prefix or []), *command],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def one_line(stderr: str) -> str:
    """The error, one line (the clip's own warnings, e.g. nobody in view, may come before it)."""
    lines = [
        line for line in stderr.splitlines() if line.strip() and not line.startswith("warning:")
    ]
    assert len(lines) == 1, stderr
    return lines[0]


COMMANDS = {
    "analyze --video": lambda clip, out: ("analyze", str(clip), "-q", "--video", str(out)),
    "track -o": lambda clip, out: ("track", str(clip), "-q", "-o", str(out)),
    "live --record": lambda clip, out: (
        "live",
        "--source",
        str(clip),
        "--no-window",
        "--record",
        str(out),
    ),  # fmt: skip
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_device_target_stays_a_device(tmp_path: Path, nobody_clip: Path, command: str) -> None:
    dev = null_device(tmp_path / "null")
    run = formcheck(nobody_clip, *COMMANDS[command](nobody_clip, dev))
    assert "cannot write" not in run.stderr and "unexpected" not in run.stderr, run.stderr
    assert dev.is_char_device(), "the device was replaced by a regular file"
    assert leftover_parts(tmp_path) == []


@pytest.mark.parametrize(
    ("command", "where", "words"),
    [
        ("analyze --video", "folder", "it is a folder"),
        ("track -o", "folder", "it is a folder"),
        ("track -o", "read-only", "Permission denied"),
        ("live --record", "under a file", "is a file, not a folder"),
    ],
)
def test_an_unwritable_target_is_one_line_and_exit_10(
    tmp_path: Path, nobody_clip: Path, command: str, where: str, words: str
) -> None:
    prefix: list[str] | None = []
    if where == "folder":
        target = tmp_path / "out"
        target.mkdir()
    elif where == "under a file":
        (tmp_path / "notes.txt").write_text("x")
        target = tmp_path / "notes.txt" / "out.mp4"
    else:
        prefix = rf.without_root_powers()
        if prefix is None:
            pytest.skip("needs setpriv when running as root")
        (tmp_path / "ro").mkdir()
        target = tmp_path / "ro" / "out.mp4"
        (tmp_path / "ro").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        run = formcheck(nobody_clip, *COMMANDS[command](nobody_clip, target), prefix=prefix)
    finally:
        if where == "read-only":
            (tmp_path / "ro").chmod(0o755)
    assert run.returncode == OutputError.exit_code, run.stderr
    line = one_line(run.stderr)
    assert words in line and str(target.name) in line, line
    assert leftover_parts(tmp_path) == [], "a temporary file was left behind"


@pytest.mark.parametrize(
    "args", [("analyze", "-q", "--json", "-"), ("track", "-o", "TRACK")], ids=["json", "track"]
)
def test_a_full_stdout_is_one_line_and_exit_10(
    tmp_path: Path, nobody_clip: Path, args: tuple[str, ...]
) -> None:
    full = Path("/dev/full")
    if not full.is_char_device():
        pytest.skip("no /dev/full here")
    args = tuple(str(tmp_path / "t.npz") if a == "TRACK" else a for a in args)
    with open(full, "w") as stdout:
        run = formcheck(nobody_clip, args[0], str(nobody_clip), *args[1:], stdout=stdout.fileno())
    assert run.returncode == OutputError.exit_code, run.stderr
    assert "No space left on device" in one_line(run.stderr)
