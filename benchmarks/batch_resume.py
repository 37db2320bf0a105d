"""Resumability: a batch of 50 clips interrupted half-way and restarted redoes none of the
finished ones.

The clips are small placeholder files; the batch's analyse step is a replay of one real
clip's saved pose track through the real cue engine (``analyze_track``), so no pose model runs
per clip but every report, HTML page and CSV is real. Each call is logged to a file, so the
clips analysed by the second run can be compared with those the first run finished.

Usage:  nice python benchmarks/batch_resume.py [--clips 50] [--workers 2]
Prints figures; asserts nothing (tests/test_batch.py checks the same property).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from formcheck.batch import BatchOptions, run_batch
from formcheck.pipeline import analyze_track
from formcheck.report.model import ClipInfo
from formcheck.types import PoseTrack

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # shared_clips
from shared_clips import REAL_CLIPS  # noqa: E402

SOURCE = REAL_CLIPS / "physioplus_glute_bridge_side.mp4"


def replay_analyze(path: str | Path, **kwargs: Any) -> Any:
    """Analyse a placeholder clip: the saved track named by $FC_BENCH_TRACK, replayed."""
    path = Path(path)
    with open(os.environ["FC_BENCH_LOG"], "a", encoding="utf-8") as fh:
        fh.write(path.name + "\n")
    track = PoseTrack.load(os.environ["FC_BENCH_TRACK"])
    clip = ClipInfo(
        path=str(path), name=path.name, width=track.size[0], height=track.size[1], fps=track.fps
    )
    return analyze_track(track, drill=kwargs.get("drill", "auto"), clip=clip)


class Interrupt:
    """Progress callback that stops the batch (as Ctrl-C would) after ``after`` clips."""

    def __init__(self, after: int) -> None:
        self.after = after

    def __call__(self, done: int, total: int, outcome: Any) -> None:
        if done >= self.after:
            raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--clips", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    from formcheck.tracking import track_video

    with tempfile.TemporaryDirectory(prefix="fc-resume-bench-") as tmp:
        tmp_path = Path(tmp)
        track_file = track_video(SOURCE, cache_dir=tmp_path / "cache").track.save(
            tmp_path / "track.npz"
        )
        log = tmp_path / "calls.txt"
        os.environ.update(FC_BENCH_TRACK=str(track_file), FC_BENCH_LOG=str(log))
        session = tmp_path / "session"
        for i in range(args.clips):
            clip = session / f"athlete{i % 5}" / f"set{i:02d}.mp4"
            clip.parent.mkdir(parents=True, exist_ok=True)
            clip.write_text(f"placeholder {i}")
        out = tmp_path / "review"
        options = BatchOptions(analyze_fn=replay_analyze, html=True)
        t0 = time.perf_counter()
        try:
            run_batch(
                session,
                out,
                options=options,
                workers=args.workers,
                progress=Interrupt(args.clips // 2),
            )
        except KeyboardInterrupt:
            pass
        first_s = time.perf_counter() - t0
        finished = {p.parent.name + ".mp4" for p in out.rglob("manifest.json")}
        started = log.read_text().split()
        log.write_text("")
        t0 = time.perf_counter()
        result = run_batch(session, out, options=options, workers=args.workers)
        second_s = time.perf_counter() - t0
        redone = log.read_text().split()
    again = sorted(set(redone) & finished)
    print(
        f"{args.clips} clips, {args.workers} workers, interrupted after {args.clips // 2} results"
    )
    print(f"first run:  {len(started)} clips started, {len(finished)} finished ({first_s:.1f} s)")
    print(
        f"second run: {len(redone)} clips analysed, {len(result.skipped)} kept, {len(result.failed)} failed ({second_s:.1f} s)"
    )
    print(f"finished clips redone by the second run: {len(again)} {again if again else ''}")
    print(
        f"all {args.clips} reported after the restart: {len(result.outcomes) == args.clips and not result.failed}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
