"""Helpers for tests and benchmarks: where the team's shared real clips live, if present.

Two labelled folders: ``real`` (the first four clips) and ``field`` (clips filmed the way people
film: tight frames, portrait phones, from the feet, other floor exercises), each with its own
``labels.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: ../shared/clips beside the checkout
_SHARED_CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"

#: ../shared/clips/real beside the checkout (overridable with FORMCHECK_REAL_CLIPS).
REAL_CLIPS = Path(os.environ.get("FORMCHECK_REAL_CLIPS", _SHARED_CLIPS / "real"))

#: the field folder beside the real one (overridable with FORMCHECK_FIELD_CLIPS), so that
#: FORMCHECK_REAL_CLIPS alone points a worktree at both
FIELD_CLIPS = Path(os.environ.get("FORMCHECK_FIELD_CLIPS", REAL_CLIPS.parent / "field"))


def _labels(folder: Path) -> dict[str, Any]:
    path = folder / "labels.json"
    return dict(json.loads(path.read_text())["clips"]) if path.is_file() else {}


def real_clips_available() -> bool:
    return (REAL_CLIPS / "labels.json").is_file()


def real_labels() -> dict[str, Any]:
    """The clip labels (rep counts, top times) keyed by file name; empty when absent."""
    return _labels(REAL_CLIPS)


def field_clips_available() -> bool:
    return (FIELD_CLIPS / "labels.json").is_file()


def field_labels() -> dict[str, Any]:
    """The field clips' labels (reps, tops, holds, single-leg phases, ``bridge``, ``expect``)
    keyed by file name; empty when absent."""
    return _labels(FIELD_CLIPS)


@dataclass(frozen=True, kw_only=True)
class LabelledClip:
    """One labelled clip of either folder."""

    #: "real" or "field"
    folder: str
    path: Path
    label: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name


def labelled_clips() -> list[LabelledClip]:
    """Every labelled clip of both folders, real first, each sorted by name; empty when absent."""
    out = []
    for folder, where, labels in (
        ("real", REAL_CLIPS, real_labels()),
        ("field", FIELD_CLIPS, field_labels()),
    ):
        out += [
            LabelledClip(folder=folder, path=where / n, label=labels[n]) for n in sorted(labels)
        ]
    return out


def retimed_copy(src: Path, dst: Path, fps: float, *, crf: int = 18) -> Path:
    """A copy of the clip ``src`` at ``fps`` frames a second (H.264), as a phone filming at
    that rate would give: FFmpeg's ``framerate`` filter, which keeps each source frame where it
    falls on the new grid and blends its neighbours in between (not a repeat of the same
    frame). For measuring what a faster source costs and changes, without committing one."""
    from fractions import Fraction

    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        ist = inp.streams.video[0]
        ost = out.add_stream("libx264", rate=round(fps))
        ost.width, ost.height = ist.codec_context.width, ist.codec_context.height
        ost.pix_fmt = "yuv420p"
        ost.options = {"preset": "veryfast", "crf": str(crf)}
        graph = av.filter.Graph()
        chain = [
            graph.add_buffer(template=ist),
            graph.add("framerate", f"fps={fps:g}"),
            graph.add("format", "yuv420p"),
            graph.add("buffersink"),
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            a.link_to(b)
        graph.configure()
        written = 0

        def drain() -> None:
            nonlocal written
            while True:
                try:
                    frame = graph.pull()
                except (BlockingIOError, EOFError, av.error.EOFError):
                    return
                frame.pts, frame.time_base = written, Fraction(1, round(fps))
                written += 1
                for packet in ost.encode(frame):
                    out.mux(packet)

        for frame in inp.decode(ist):
            graph.push(frame)
            drain()
        graph.push(None)
        drain()
        for packet in ost.encode():
            out.mux(packet)
    return dst
