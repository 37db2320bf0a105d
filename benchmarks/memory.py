"""Peak memory while tracking a 1-minute and a 10-minute clip: does it stay flat with length?

The long clips are made by concatenating the team's real clips (../shared/clips/real),
re-encoded with PyAV to one size (640x480, 30 fps, H.264) in a temp dir — never in the repo.
Each clip is tracked in a fresh process (default backend, no cache); the process reports its
resident memory once the model is loaded and then as tracking goes, and its peak.
Target (issue 2): the 10-minute peak within 50 MB of the 1-minute peak. The track itself grows
by about 1 KB per frame (two 33x4 float32 arrays), i.e. ~17 MB for 10 minutes at 30 fps.

Usage:  python benchmarks/memory.py [--minutes 1 10] [--keep DIR]
Prints figures; asserts nothing. Takes about (sum of minutes) x 0.45 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # shared_clips
from shared_clips import REAL_CLIPS  # noqa: E402

SIZE = (640, 480)
RATE = 30

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path

def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20

from formcheck.pose import get_backend
from formcheck.tracking import track_video

backend = get_backend("mediapipe-legacy")
import numpy as np
backend.process(np.zeros((480, 640, 3), np.uint8), 0.0)
samples = {"after_model_load": rss_mb()}
marks = {}

def progress(done, total):
    if done == 1 or done % 1500 == 0:  # every 50 s of clip
        marks[done] = rss_mb()

t0 = time.perf_counter()
result = track_video(sys.argv[1], backend=backend, use_cache=False, progress=progress)
backend.close()
samples["after_tracking"] = rss_mb()
samples["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({
    "frames": len(result.track),
    "seconds": time.perf_counter() - t0,
    "detected": float(result.track.detected.mean()),
    "samples": samples,
    "during": marks,
}))
"""


def build_clip(minutes: float, out: Path) -> Path:
    """Concatenate the real clips (looping) into ``minutes`` of 640x480 30 fps H.264."""
    import av
    import cv2

    sources = sorted(REAL_CLIPS.glob("*.mp4"))
    if not sources:
        raise SystemExit(f"no real clips in {REAL_CLIPS}")
    frames_needed = int(minutes * 60 * RATE)
    written = 0
    with av.open(str(out), "w") as dst:
        stream = dst.add_stream("libx264", rate=RATE)
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "28"}
        while written < frames_needed:
            for source in sources:
                with av.open(str(source)) as src:
                    for frame in src.decode(video=0):
                        if written >= frames_needed:
                            break
                        rgb = cv2.resize(frame.to_ndarray(format="rgb24"), SIZE)
                        vf = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                        vf.pts = written
                        written += 1
                        for packet in stream.encode(vf):
                            dst.mux(packet)
        for packet in stream.encode():
            dst.mux(packet)
    return out


def measure(clip: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(clip)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--keep", type=Path, help="build the clips here and keep them")
    args = parser.parse_args(argv)
    if not REAL_CLIPS.is_dir():
        print(f"no real clips in {REAL_CLIPS}; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = {}
        for minutes in args.minutes:
            clip = folder / f"concat_{minutes:g}min.mp4"
            t0 = time.perf_counter()
            if not clip.exists():
                build_clip(minutes, clip)
            built = time.perf_counter() - t0
            r = measure(clip)
            results[minutes] = r
            s = r["samples"]
            during = ", ".join(f"{k}: {v:.0f}" for k, v in r["during"].items())
            print(
                f"{minutes:g} min clip ({clip.stat().st_size / 1e6:.0f} MB, {r['frames']} frames,"
                f" built in {built:.0f} s, tracked in {r['seconds']:.0f} s, person in"
                f" {r['detected']:.0%} of frames)\n"
                f"  RSS MB: after model load {s['after_model_load']:.0f}, after tracking"
                f" {s['after_tracking']:.0f}, peak {s['peak']:.0f}\n"
                f"  RSS MB during tracking by frame: {during}"
            )
        if len(results) >= 2:
            lo, hi = min(results), max(results)
            growth = results[hi]["samples"]["peak"] - results[lo]["samples"]["peak"]
            print(f"peak growth from {lo:g} to {hi:g} min: {growth:.1f} MB (target < 50 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
