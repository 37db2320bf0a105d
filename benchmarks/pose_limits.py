"""What MediaPipe's landmarks can show off the side: hip drop and knee gap on the camera sweep.

    .venv/bin/python benchmarks/pose_limits.py     # needs the sweep's clips (camera_sweep.py --render)

Hips level (a single-leg bridge's hip drop) and the knee gap (a band or a ball between the
knees) are the key points only an oblique or foot-end camera can see, and the camera sweep
(`benchmarks/camera_sweep.py`, docs/camera_angles.md) finds neither judged reliably at any
angle. This says why, per clip of the single-leg and banded-bridge motions at 30–90°:

- *hip line*: how far the image hip line (left → right hip) turns against the shoulder line
  over the clip, 5th–95th percentile spread in degrees, for the rendered body's own landmarks
  (``true``) and for MediaPipe's (``pose``). A level pelvis turns the true line a few degrees
  and an 18° drop 20–30°; if the pose model's line swings more than that on a level pelvis,
  no threshold on it can tell the two apart.
- *pelvic tilt*: the engine's ``pelvic_tilt_deg`` (every cue judged, ``camera_limits=False``),
  95th percentile per rep, with the truth's verdict (``F`` a drop, ``p`` level).
- *knee gap*: the engine's ``knee_gap`` at each rep's top (median), with the truth's value.
- *hips from the feet*: at 75–90°, where the hips hide behind the knees, how closely the
  image hips' height (mid-hip above the shoulders' clip median, as the engine reads it off the
  side) follows the rendered body's own over the clip (correlation), with the reps counted.
  The rendered hips rise and fall twice; a pose model whose hips follow them at 0.3 makes
  reps no smoothing can recover, and one that finds no one lying flat until the hips are up
  (from a floor camera at the feet) leaves the first rep's rise unseen: an opening partial.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formcheck.pipeline import analyze_track  # noqa: E402
from formcheck.tracking import track_video  # noqa: E402

SWEEP = Path(os.environ.get("FORMCHECK_SWEEP_DIR", Path.home() / ".cache/formcheck/camera_sweep"))
AZIMUTHS = (30, 45, 60, 75, 90)
HIPS = ("slgb_clean", "slgb_hip_drop")
KNEES = ("sbb_clean", "sbb_knees_cave")
END_ON = (75, 90)


def _hips_height(points: np.ndarray, names: list[str]) -> np.ndarray:
    """Mid-hip above the shoulders' clip median, image pixels (y up)."""
    def mid(a: str, b: str) -> np.ndarray:
        return (points[:, names.index(a), 1] + points[:, names.index(b), 1]) / 2

    return -(mid("left_hip", "right_hip") - np.nanmedian(mid("left_shoulder", "right_shoulder")))


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.corrcoef(a[ok], b[ok])[0, 1]) if ok.sum() > 10 else float("nan")


def _line_turn(points: np.ndarray, names: list[str]) -> float:
    """5th–95th percentile spread of the hip line's image angle against the shoulder line's."""
    def angle(a: str, b: str) -> np.ndarray:
        v = points[:, names.index(b), :2] - points[:, names.index(a), :2]
        return np.degrees(np.arctan2(v[:, 1], v[:, 0]))

    d = angle("left_hip", "right_hip") - angle("left_shoulder", "right_shoulder")
    d = (d + 180.0) % 360.0 - 180.0
    d = d[np.isfinite(d)]
    return float(np.percentile(d, 95) - np.percentile(d, 5)) if d.size else float("nan")


def _verdicts(truth: dict, cue: str) -> list[tuple[str, float | None]]:
    return [(c["expected"], c["value"]) for c in truth["expected"]["cues"] if c["cue"] == cue]


def _clips(motions: tuple[str, ...], azimuths: tuple[int, ...] = AZIMUTHS) -> Iterator[tuple[Path, dict]]:
    """The sweep's rendered clips of ``motions`` at ``azimuths``, both heights, with their truth."""
    for motion in motions:
        for height in ("low", "raised"):
            for az in azimuths:
                mp4 = SWEEP / f"{motion}_az{az:02d}_{height}.mp4"
                if mp4.exists():
                    yield mp4, json.loads(mp4.with_suffix(".truth.json").read_text())


def main() -> int:
    if not SWEEP.is_dir():
        print(f"no sweep clips at {SWEEP}: run benchmarks/camera_sweep.py --render first")
        return 1
    print("hips level: hip line turn (true / pose, °) | pelvic tilt p95 per rep (truth)")
    for mp4, truth in _clips(HIPS):
        track = track_video(mp4).track
        names = truth["landmarks"]
        true = np.asarray(truth["frames"]["image_px"], dtype=float)[: len(track)]
        turn = (_line_turn(true, names), _line_turn(track.image_px, names))
        a = analyze_track(track, drill="single-leg-bridge", camera_limits=False)
        tilt = a.signals["pelvic_tilt_deg"]
        reps = [
            f"{np.nanpercentile(tilt[s.start:s.end], 95):.0f}"
            if np.isfinite(tilt[s.start : s.end]).any() else "-"
            for s in a.spans if s.kind == "rep"
        ]  # fmt: skip
        want = "".join(e[0].upper() if e == "fault" else e[0] for e, _ in
                       _verdicts(truth, "slgb.hips_level"))  # fmt: skip
        print(f"  {mp4.stem:28s} {a.signals.view.name:10s} turn {turn[0]:4.0f} / "
              f"{turn[1]:4.0f}   tilt {', '.join(reps):16s} ({want})")  # fmt: skip
    print("knee gap at the top per rep: engine (truth value, verdict)")
    for mp4, truth in _clips(KNEES):
        a = analyze_track(track_video(mp4).track, drill="banded-bridge", camera_limits=False)
        gap = a.signals["knee_gap"]
        tops = []
        for s in a.spans:
            if s.kind != "rep":
                continue
            top = s.phase("top") or (s.start, s.end)
            x = gap[top[0] : top[1]]
            tops.append(f"{np.nanmedian(x):.2f}" if np.isfinite(x).any() else "-")
        want = [f"{v:.2f} {e}" for e, v in _verdicts(truth, "sbb.knees_out") if v]
        print(f"  {mp4.stem:28s} {a.signals.view.name:10s} {', '.join(tops):18s} "
              f"({'; '.join(want)})")  # fmt: skip
    print("hips from the feet: correlation of the image hips' height with the rendered body's, reps found / true")
    for mp4, truth in _clips(HIPS + KNEES, END_ON):
        track = track_video(mp4).track
        names = truth["landmarks"]
        true = np.asarray(truth["frames"]["image_px"], dtype=float)[: len(track)]
        r = _correlation(_hips_height(track.image_px, names), _hips_height(true, names))
        a = analyze_track(track, drill="single-leg-bridge" if mp4.stem.startswith("slgb") else "banded-bridge")
        reps_true = sum(s["kind"] == "rep" for s in truth["segments"])
        first = track.t[np.flatnonzero(track.detected)[0]] if track.detected.any() else float("nan")
        print(f"  {mp4.stem:28s} {a.signals.view.name:10s} r {r:5.2f}   reps {len(a.report.reps)}/{reps_true}"
              f"   person found from {first:.1f} s (first rep starts {truth['segments'][0]['start_s']:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
