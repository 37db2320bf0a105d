"""Pipeline speed: time per frame of each tracking stage, and overall frames per second.

Stages (milliseconds per frame):
  decode     work done on the reader thread (demux, decode, colour conversion, scaling,
             rotation) — it overlaps inference;
  wait       time the inference loop waited for the next frame (decode not hidden);
  inference  the pose backend;
  other      everything else in the loop (bookkeeping, progress);
  setup      opening the clip, hashing it and loading the model, once per clip.
Target (issue 2): the non-inference stages on the critical path (wait + other) under 10 % of
inference. Also shown: the decode work itself as a share of inference.

Usage:  python benchmarks/pipeline_speed.py [CLIP ...] [--uhd] [--backend NAME]
Without clips it runs on the team's real clips (../shared/clips/real). ``--uhd`` also times a
4K 60 fps copy of the first clip (made in a temp dir), which is scaled to 1280 px on the reader
thread before inference. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from formcheck.tracking import track_video

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # shared_clips
from shared_clips import REAL_CLIPS  # noqa: E402


def time_clip(clip: Path, backend: str, max_side: int | None = 1280) -> dict[str, float]:
    t0 = time.perf_counter()
    result = track_video(clip, backend=backend, use_cache=False, max_side=max_side)
    wall = time.perf_counter() - t0
    n = len(result.track)
    s = result.stages_s
    loop = s["wait"] + s["pose"] + s["other"]
    return {
        "frames": n,
        "detected": float(result.track.detected.mean()) if n else 0.0,
        "decode_ms": 1000 * s["decode_thread"] / n,
        "wait_ms": 1000 * s["wait"] / n,
        "pose_ms": 1000 * s["pose"] / n,
        "other_ms": 1000 * s["other"] / n,
        "setup_s": wall - loop,
        "fps_loop": n / loop,
        "fps_wall": n / wall,
        "size": f"{result.info.width}x{result.info.height}@{result.info.fps:.0f}",
        "scale": result.info.scale,
    }


def print_row(name: str, r: dict[str, float]) -> None:
    critical = (r["wait_ms"] + r["other_ms"]) / r["pose_ms"]
    print(
        f"{name:42s} {r['size']:>16s} {r['frames']:6.0f} "
        f"{r['decode_ms']:7.2f} {r['wait_ms']:6.2f} {r['pose_ms']:9.2f} {r['other_ms']:6.3f} "
        f"{r['setup_s']:6.2f} {r['fps_loop']:7.1f} {r['fps_wall']:7.1f} "
        f"{100 * critical:9.1f}% {100 * r['decode_ms'] / r['pose_ms']:8.1f}%"
    )


def make_uhd_copy(clip: Path, folder: Path, seconds: float = 3.0) -> Path:
    """The first seconds of ``clip`` upscaled to 3840x2160 at 60 fps (each frame twice)."""
    import av
    import cv2

    out = folder / "uhd60.mp4"
    with av.open(str(clip)) as src, av.open(str(out), "w") as dst:
        stream = dst.add_stream("libx264", rate=60)
        stream.width, stream.height, stream.pix_fmt = 3840, 2160, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        pts = 0
        for frame in src.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                break
            big = cv2.resize(frame.to_ndarray(format="rgb24"), (3840, 2160))
            for _ in range(2):
                vf = av.VideoFrame.from_ndarray(big, format="rgb24")
                vf.pts = pts
                pts += 1
                for packet in stream.encode(vf):
                    dst.mux(packet)
        for packet in stream.encode():
            dst.mux(packet)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path)
    parser.add_argument("--backend", default="mediapipe-legacy")
    parser.add_argument("--uhd", action="store_true", help="also time a 4K 60 fps copy")
    args = parser.parse_args(argv)
    clips = args.clips or sorted(REAL_CLIPS.glob("*.mp4"))
    if not clips:
        print(f"no clips given and none in {REAL_CLIPS}; nothing to time")
        return 0
    print(f"backend {args.backend}; milliseconds per frame unless marked")
    print(
        f"{'clip':42s} {'size':>16s} {'frames':>6s} {'decode':>7s} {'wait':>6s} "
        f"{'inference':>9s} {'other':>6s} {'setup s':>7s} {'fps loop':>7s} {'fps wall':>7s} "
        f"{'wait+other':>10s} {'decode/inf':>9s}"
    )
    total_frames = total_pose = total_crit = 0.0
    for clip in clips:
        r = time_clip(clip, args.backend)
        print_row(clip.name, r)
        total_frames += r["frames"]
        total_pose += r["pose_ms"] * r["frames"]
        total_crit += (r["wait_ms"] + r["other_ms"]) * r["frames"]
    if args.uhd:
        with tempfile.TemporaryDirectory() as tmp:
            uhd = make_uhd_copy(clips[0], Path(tmp))
            print_row(f"{clips[0].stem} 4K60 copy", time_clip(uhd, args.backend))
            print_row(f"{clips[0].stem} 4K60 copy, no scaling", time_clip(uhd, args.backend, None))
    print(
        f"\nall real clips: {total_frames:.0f} frames; wait+other = "
        f"{100 * total_crit / total_pose:.1f}% of inference (target < 10%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
