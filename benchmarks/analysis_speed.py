"""How long the analysis after the pose stage takes on a 1-hour track (108,000 frames at 30 fps).

The track is built by repeating a short clip's track: a saved track when one is given
(``--track path.npz``, e.g. a real clip's from the tracking cache), else a 4-rep bridge from
``tests/builders.py``. Prints the median of a few runs per drill. Target: under 2 s on a
2-core box.

    .venv/bin/python benchmarks/analysis_speed.py [--track some.npz] [--frames 108000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from formcheck.pipeline import analyze_track  # noqa: E402
from formcheck.types import PoseTrack  # noqa: E402


def _base_track(path: str | None) -> PoseTrack:
    if path:
        return PoseTrack.load(path)
    from builders import bridge_track  # tests/builders.py

    return bridge_track(reps=4, fps=30.0, noise=0.003, seed=1)


def tile(track: PoseTrack, frames: int) -> PoseTrack:
    """A long track made of copies of ``track`` laid end to end (times kept increasing)."""
    reps = int(np.ceil(frames / len(track)))
    dt = 1.0 / track.fps
    span = track.t[-1] - track.t[0] + dt
    t = np.concatenate([track.t - track.t[0] + k * span for k in range(reps)])[:frames]
    image = np.tile(track.image, (reps, 1, 1))[:frames]
    world = np.tile(track.world, (reps, 1, 1))[:frames]
    return PoseTrack(t=t, image=image, world=world, size=track.size, fps=track.fps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--track", help="a saved PoseTrack .npz to repeat")
    ap.add_argument("--frames", type=int, default=108_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    long = tile(_base_track(args.track), args.frames)
    print(f"track: {len(long)} frames, {long.duration_s / 60:.1f} min")
    for drill in ("auto", "single-leg-bridge", "banded-bridge", "table-top"):
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            a = analyze_track(long, drill=drill)
            times.append(time.perf_counter() - t0)
        print(
            f"analyze_track drill={drill:18s} median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}) — {len(a.report.segments)} segments, "
            f"{len(a.report.results)} results"
        )


if __name__ == "__main__":
    main()
