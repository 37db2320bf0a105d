"""What the coach's outputs cost: annotated video + HTML report against a clip's analysis time.

Target (issue 5): the annotated video and the HTML report together add under 25 % to a clip's
analysis time (the pose model run without the cache, plus the cue engine).

Also shows that writing the annotated video keeps memory flat with clip length: the peak of
Python-tracked memory (numpy included) while annotating the clip and a copy four times as
long (made by repeating its frames) should be about the same.

Usage:  nice python benchmarks/outputs_overhead.py [CLIP] [--repeat N]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from formcheck.pipeline import analyze
from formcheck.report.annotate import VideoSink, write_annotated_video
from formcheck.report.csvout import write_rep_csv
from formcheck.report.html import write_html
from formcheck.report.outputs import write_outputs
from formcheck.video import open_video

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # shared_clips
from shared_clips import REAL_CLIPS  # noqa: E402

DEFAULT_CLIP = REAL_CLIPS / "musclewiki_dead_bug_side.mp4"


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(value, (wall s, CPU s of all this process's threads))."""
    t0, c0 = time.perf_counter(), _cpu()
    value = fn(*args, **kwargs)
    return value, (time.perf_counter() - t0, _cpu() - c0)


def overhead(clip: Path, out: Path, repeat: int) -> None:
    labels = {
        "analysis": "analysis (pose model, no cache, + cue engine)",
        "html": "HTML report alone (key frames re-decoded)",
        "video": "annotated video alone (decode, draw, x264)",
        "both": "video + HTML as analyze writes them (1 pass)",
        "csv": "per-rep CSV",
    }
    runs: dict[str, list[tuple[float, float]]] = {key: [] for key in labels}
    analysis = None
    for i in range(repeat):
        analysis, a = timed(analyze, clip, use_cache=False, cache_dir=out / "cache")
        runs["analysis"].append(a)
        runs["html"].append(timed(write_html, analysis, out / f"r{i}.html")[1])
        runs["video"].append(timed(write_annotated_video, analysis, out / f"r{i}.mp4")[1])
        both = {"html": out / f"b{i}.html", "video": out / f"b{i}.mp4"}
        runs["both"].append(timed(write_outputs, analysis, **both)[1])
        runs["csv"].append(timed(write_rep_csv, analysis.report, out / f"r{i}.csv")[1])
    assert analysis is not None
    best = {k: min(v) for k, v in runs.items()}  # the fastest run of each (by wall time)
    frames = len(analysis.track)
    a = best["analysis"]
    size = f"{analysis.report.clip.width}x{analysis.report.clip.height}"
    print(f"clip: {clip.name}, {frames} frames, {size}")
    print(f"  {'':<46} {'wall':>8} {'share':>7}   {'CPU':>8} {'share':>7}")
    for key, label in labels.items():
        wall, cpu = best[key]
        print(
            f"  {label:<46} {wall:7.2f}s {wall / a[0]:7.1%}   {cpu:7.2f}s {cpu / a[1]:7.1%}"
            f"   ({cpu / frames * 1000:.1f} ms CPU/frame)"
        )
    added_wall, added_cpu = best["both"][0] / a[0], best["both"][1] / a[1]
    verdict = "meets" if added_wall < 0.25 else "misses"
    print(
        f"  video + HTML add {added_wall:.1%} to the analysis time ({verdict} the < 25 % target); "
        f"{added_cpu:.1%} in CPU time"
    )


def long_copy(clip: Path, dst: Path, times: int) -> Path:
    """The clip's frames repeated ``times`` times, timestamps continued."""
    with open_video(clip) as src:
        frames = [(f.t, f.image) for f in src]
        fps = src.info.fps
    span = frames[-1][0] + 1.0 / fps
    with VideoSink(dst, fps=fps) as sink:
        for k in range(times):
            for t, img in frames:
                sink.write(img, t + k * span)
    return dst


def memory(clip: Path, out: Path) -> None:
    longer = long_copy(clip, out / "long.mp4", 4)
    for path in (clip, longer):
        analysis = analyze(path, cache_dir=out / "cache")
        tracemalloc.start()
        write_annotated_video(analysis, out / f"mem-{path.stem}.mp4")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"  annotating {len(analysis.track):5d} frames: peak traced memory {peak / 2**20:6.1f} MiB"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    ap.add_argument("--repeat", type=int, default=1, help="runs; the fastest of each stage counts")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory check")
    args = ap.parse_args(argv)
    if not args.clip.is_file():
        print(f"no clip at {args.clip}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="fc-outputs-bench-") as tmp:
        overhead(args.clip, Path(tmp), args.repeat)
        if not args.no_memory:
            print("memory while writing the annotated video (should not grow with length):")
            memory(REAL_CLIPS / "physioplus_glute_bridge_side.mp4", Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
