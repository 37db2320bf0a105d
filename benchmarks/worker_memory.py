"""A batch worker's memory over many clips: does it stay flat from one clip to the next?

N three-second clips are cut (re-encoded with PyAV, H.264, at their own size) from the team's
real clips (../shared/clips/real) and the rendered sample_videos/, in turn, into a temp dir —
never into the repo. Then one process analyses them one after another as a batch worker does
(``formcheck.pipeline.analyze``: default backend, the people counter when the full ``.task``
model is built, a fresh track cache so every clip runs the model) and prints its resident
memory after each clip.
Target (issue 8): RSS flat within 50 MB over 50 clips (max minus the first clip's figure).

Usage:  python benchmarks/worker_memory.py [--clips 50] [--seconds 3] [--keep DIR]
Prints figures; asserts nothing. Takes about N x 3 s on 2 cores.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # shared_clips
from shared_clips import REAL_CLIPS  # noqa: E402

#: the first clips load the models and codecs and meet the frame sizes for the first time
WARM_UP = 4
SAMPLE_VIDEOS = Path(__file__).resolve().parents[1] / "sample_videos"


def rss_mb() -> float:
    """This process's resident memory in MB, from /proc/self/status."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cut(source: Path, start_s: float, seconds: float, out: Path) -> Path:
    """``seconds`` of ``source`` from ``start_s``, re-encoded to ``out`` at the same size."""
    import av

    with av.open(str(source)) as src, av.open(str(out), "w") as dst:
        stream_in = src.streams.video[0]
        rate = round(float(stream_in.average_rate or 30))
        stream = dst.add_stream("libx264", rate=rate)
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "23"}
        written = 0
        for frame in src.decode(stream_in):
            t = float(frame.pts * stream_in.time_base) if frame.pts is not None else 0.0
            if t < start_s:
                continue
            if t >= start_s + seconds:
                break
            if written == 0:
                stream.width, stream.height = frame.width, frame.height
            image = av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")
            image.pts = written
            written += 1
            for packet in stream.encode(image):
                dst.mux(packet)
        for packet in stream.encode():
            dst.mux(packet)
    return out


def make_clips(folder: Path, n: int, seconds: float) -> list[Path]:
    """``n`` distinct clips: each source in turn, cut at a later start each time round."""
    import av

    sources = sorted(REAL_CLIPS.glob("*.mp4")) + sorted(SAMPLE_VIDEOS.glob("*.mp4"))
    if not sources:
        raise SystemExit(f"no clips in {REAL_CLIPS} or {SAMPLE_VIDEOS}")
    lengths = {}
    for source in sources:
        with av.open(str(source)) as container:
            lengths[source] = float(container.duration or 0) / 1e6
    clips = []
    for i in range(n):
        source = sources[i % len(sources)]
        room = max(lengths[source] - seconds, 0.0)
        start = (i // len(sources)) % room if room >= 1 else 0.0  # 1 s later each round
        clips.append(cut(source, start, seconds, folder / f"clip{i:03d}_{source.stem}.mp4"))
    return clips


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=50, help="how many clips (default 50)")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each clip")
    parser.add_argument("--keep", type=Path, help="cut the clips here and keep them")
    args = parser.parse_args(argv)
    from formcheck.memory import limit_malloc_arenas
    from formcheck.pipeline import analyze, people_model

    limit_malloc_arenas()  # as a batch worker and the CLI do when they start

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "clips"
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        clips = make_clips(folder, args.clips, args.seconds)
        print(f"cut {len(clips)} clips of {args.seconds:g} s in {time.perf_counter() - t0:.0f} s")
        print(f"people counter: {people_model() or 'off (no full .task model built)'}")
        print(f"RSS before the first clip: {rss_mb():.0f} MB")
        figures = []
        t0 = time.perf_counter()
        for i, clip in enumerate(clips, 1):
            result = analyze(clip, cache_dir=Path(tmp) / "cache")
            frames = result.report.detection.frames_total
            del result
            gc.collect()
            figures.append(rss_mb())
            print(f"clip {i:3d} {clip.name:<55} {frames:4d} frames  RSS {figures[-1]:6.0f} MB")
        wall = time.perf_counter() - t0
    first, top, last = figures[0], max(figures), figures[-1]
    print(
        f"{len(figures)} clips in {wall:.0f} s; RSS MB: first {first:.0f}, max {top:.0f},"
        f" last {last:.0f}; max - first {top - first:.0f} MB"
    )
    warm = figures[WARM_UP:]
    if len(warm) >= 4:  # does it keep growing once every kind of clip has been seen?
        half = len(warm) // 2
        drift = max(warm[half:]) - max(warm[:half])
        print(
            f"after {WARM_UP} warm-up clips: max of the second half minus max of the first"
            f" half {drift:+.0f} MB (target: within 50 MB, no upward drift)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
