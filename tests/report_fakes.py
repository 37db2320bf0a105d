"""Builders for the rendering tests: a synthetic bridge track, its signals, a report, a clip.

The track is a side view (head to the left) of a floor bridge with ``reps`` reps; the report
carries single-leg-bridge cues with chosen faults, so the renderings have something to show.
The clip is a stick figure drawn from the same track, so overlays can be checked against it.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.landmarks import NUM_LANDMARKS, SKELETON
from formcheck.report.model import (
    ClipInfo,
    CoachCheck,
    CueResult,
    Detection,
    DrillInfo,
    HoldSummary,
    Phase,
    Report,
    Segment,
    Status,
    TimeSpan,
    ViewInfo,
)
from formcheck.types import PoseTrack, TrackSource

REP_S = 3.0
LIFT_S, TOP_S, LOWER_S = 0.6, 1.0, 1.0


def _bridge_height(t: np.ndarray) -> np.ndarray:
    """0 at the floor, 1 at the top, reps of REP_S seconds starting at 0.5 s."""
    h = np.zeros_like(t)
    local = (t - 0.5) % REP_S
    active = t >= 0.5
    up = local < LIFT_S
    top = (local >= LIFT_S) & (local < LIFT_S + TOP_S)
    down = (local >= LIFT_S + TOP_S) & (local < LIFT_S + TOP_S + LOWER_S)
    h[active & up] = 0.5 - 0.5 * np.cos(np.pi * local[active & up] / LIFT_S)
    h[active & top] = 1.0
    ld = local[active & down] - LIFT_S - TOP_S
    h[active & down] = 0.5 + 0.5 * np.cos(np.pi * ld / LOWER_S)
    return h


def make_track(
    *,
    reps: int = 3,
    fps: float = 30.0,
    size: tuple[int, int] = (320, 240),
    gap: tuple[float, float] | None = None,
) -> PoseTrack:
    """A side-view bridge track; ``gap`` (start_s, end_s) blanks frames as if nobody was found."""
    duration = 0.5 + reps * REP_S + 0.5
    t = np.arange(0.0, duration, 1.0 / fps)
    h = _bridge_height(t)
    n = t.shape[0]
    image = np.zeros((n, NUM_LANDMARKS, 4), np.float32)
    base = {
        0: (0.12, 0.70), 7: (0.16, 0.72), 8: (0.16, 0.72),
        11: (0.26, 0.76), 12: (0.27, 0.755), 13: (0.30, 0.68), 14: (0.31, 0.68),
        15: (0.28, 0.66), 16: (0.27, 0.66), 25: (0.62, 0.55), 26: (0.63, 0.545),
        27: (0.76, 0.80), 28: (0.77, 0.795), 29: (0.74, 0.82), 30: (0.75, 0.815),
        31: (0.80, 0.82), 32: (0.81, 0.815),
    }  # fmt: skip
    for idx in range(NUM_LANDMARKS):
        x, y = base.get(idx, (0.20, 0.72))
        image[:, idx, 0], image[:, idx, 1], image[:, idx, 3] = x, y, 0.95
    rest, top = np.array([0.45, 0.80]), np.array([0.44, 0.64])
    for idx in (23, 24):
        image[:, idx, :2] = rest + h[:, None] * (top - rest) + (0.005 * (idx - 23))
        image[:, idx, 3] = 0.95
    world = image.copy()
    world[:, :, :3] = (image[:, :, :3] - 0.5) * 2.0
    if gap is not None:
        miss = (t >= gap[0]) & (t < gap[1])
        image[miss] = np.nan
        world[miss] = np.nan
    return PoseTrack(
        t=t, image=image, world=world, size=size, fps=fps, source=TrackSource(backend="fake")
    )


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    v1, v2 = a - b, c - b
    cos = (v1 * v2).sum(-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def make_signals(track: PoseTrack) -> Any:
    w, h = track.size
    px = track.image[:, :, :2] * np.array([w, h], np.float32)
    hip = _angle(px[:, 11], px[:, 23], px[:, 25])
    height = (0.80 - track.image[:, 23, 1]) / 0.16 * 0.9
    rng = np.random.default_rng(0)
    n = len(track)
    values = {
        "hip_extension_deg": hip.astype(np.float64),
        "bridge_height": height.astype(np.float64),
        "pelvic_tilt_deg": np.full(n, np.nan),
        "head_neck_deg": 5.0 + rng.normal(0, 1.5, n),
        "knee_gap": 1.0 + rng.normal(0, 0.02, n),
    }
    return make_signals_object(track.t, values)


def make_signals_object(t: np.ndarray, values: dict[str, np.ndarray]) -> Any:
    """A real ``Signals`` holding these values."""
    from formcheck.signals import Signals

    fps = 1.0 / float(np.median(np.diff(t))) if t.size > 1 else 30.0
    return Signals(t=t, values=values, view=None, fps=fps)  # type: ignore[arg-type]


def _rep_segment(i: int, *, slow: bool = True) -> Segment:
    s = 0.5 + i * REP_S
    phases = [
        Phase(name="lift", start_s=s, end_s=s + LIFT_S),
        Phase(name="top", start_s=s + LIFT_S, end_s=s + LIFT_S + TOP_S),
        Phase(name="lower", start_s=s + LIFT_S + TOP_S, end_s=s + LIFT_S + TOP_S + LOWER_S),
        Phase(name="bottom", start_s=s + LIFT_S + TOP_S + LOWER_S, end_s=s + REP_S),
    ]
    return Segment(
        index=i,
        kind="rep",
        start_s=s,
        end_s=s + REP_S,
        side="left",
        phases=phases,
        measures={
            "peak_hip_extension_deg": 171.0 - i,
            "top_pause_s": TOP_S,
            "lift_s": LIFT_S,
            "lower_s": LOWER_S if slow else 0.5,
        },
    )


def make_report(
    track: PoseTrack,
    *,
    reps: int = 3,
    clip_path: str = "clip.mp4",
    fault_rep: int | None = 1,
    holds: HoldSummary | None = None,
) -> Report:
    """A single-leg-bridge report; rep ``fault_rep`` lowers too fast (slgb.slow_down fault)."""
    segments = [_rep_segment(i, slow=i != fault_rep) for i in range(reps)]
    results: list[CueResult] = []
    for seg in segments:
        lower = seg.phases[2]
        fast = seg.index == fault_rep
        results += [
            CueResult(cue_id="slgb.hips_up", segment_index=seg.index, status=Status.PASS,
                      value=seg.measures["peak_hip_extension_deg"], threshold=165.0,
                      comparison=">=", unit="deg", message="peak hip extension"),
            CueResult(cue_id="slgb.slow_down", segment_index=seg.index,
                      status=Status.FAULT if fast else Status.PASS,
                      value=0.5 if fast else 1.0, threshold=1.5, comparison=">=", unit="s",
                      message="lowering time",
                      fault_spans=[TimeSpan(start_s=lower.start_s, end_s=lower.end_s)] if fast else []),
            CueResult(cue_id="slgb.hips_level", segment_index=seg.index,
                      status=Status.NOT_MEASURABLE, threshold=10.0, comparison="<=", unit="deg",
                      message="a side view cannot see the pelvis tilt"),
        ]  # fmt: skip
    return Report(
        clip=ClipInfo(path=clip_path, name=Path(clip_path).name, width=track.size[0],
                      height=track.size[1], fps=track.fps, duration_s=track.duration_s,
                      frames=len(track)),
        detection=Detection(frames_total=len(track), frames_with_person=int(track.detected.sum()),
                            person_fraction=float(track.detected.mean()) if len(track) else 0.0),
        drill=DrillInfo(id="single-leg-bridge", name="Single Leg Glute Bridge", source="auto",
                        confidence=0.9),
        view=ViewInfo(name="side-left", confidence=0.92,
                      can_measure=["slgb.hips_up", "slgb.slow_down"],
                      cannot_measure=["slgb.hips_level"]),
        segments=segments,
        results=results,
        coach_checks=[CoachCheck(cue_id="slgb.shoes_off", key_point="Shoes off"),
                      CoachCheck(cue_id="slgb.drive_toe", key_point="Drive toe down into the kettlebell")],
        holds=holds,
        warnings=["test warning <b>escaped</b>"],
    )  # fmt: skip


def make_analysis(report: Report, track: PoseTrack, signals: Any) -> Any:
    """A real ``Analysis`` of these parts."""
    from formcheck.pipeline import Analysis

    return Analysis(report=report, track=track, signals=signals)


def fake_analysis(*, reps: int = 3, clip_path: str = "clip.mp4", **kw: Any) -> Any:
    track = make_track(reps=reps, **kw)
    return make_analysis(
        make_report(track, reps=reps, clip_path=clip_path), track, make_signals(track)
    )


# -- clips ---------------------------------------------------------------------------------------


def render_clip(
    track: PoseTrack,
    path: Path,
    *,
    pix_fmt: str = "yuv420p",
    size: tuple[int, int] | None = None,
    rotation_cw: int = 0,
) -> Path:
    """Draw the track as a stick figure on grey into an H.264 clip (timestamps = track.t).

    ``rotation_cw`` stores the frames turned the way a phone does, with a display matrix asking
    players to turn them back clockwise by that many degrees: the displayed frames are the
    drawn ones."""
    import av
    import cv2

    w, h = size or track.size
    fps = Fraction(round(track.fps * 1000), 1000)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        k = (rotation_cw // 90) % 4
        stream.width, stream.height = (h, w) if k % 2 else (w, h)
        stream.pix_fmt = pix_fmt
        if rotation_cw:
            stream.set_display_rotation(-rotation_cw)
        for i in range(len(track)):
            img = np.full((h, w, 3), 90, np.uint8)
            pts = track.image[i, :, :2] * np.array([w, h])
            if np.isfinite(pts).all():
                for a, b in SKELETON:
                    pa = tuple(int(v) for v in pts[a])
                    pb = tuple(int(v) for v in pts[b])
                    cv2.line(img, pa, pb, (230, 230, 230), 2)
            stored = np.ascontiguousarray(np.rot90(img, k=k))
            frame = av.VideoFrame.from_ndarray(stored, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def noise_clip(
    path: Path, *, seconds: float = 1.0, fps: int = 10, size: tuple[int, int] = (96, 64)
) -> Path:
    """A clip of plain noise frames: nobody in it."""
    import av

    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for _ in range(max(1, math.ceil(seconds * fps))):
            img = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


# -- formcheck.video stand-in (only until the real module lands) ---------------------------------


def ensure_video_module() -> None:
    """Install a minimal ``formcheck.video`` (PyAV, no rotation) when the real one is absent."""
    import importlib
    import sys
    import types

    try:
        importlib.import_module("formcheck.video")
        return
    except ImportError:
        pass
    import av

    @dataclass(frozen=True)
    class Frame:
        index: int
        t: float
        image: np.ndarray

    @dataclass(frozen=True)
    class VideoInfo:
        path: str
        width: int
        height: int
        fps: float
        frame_count: int
        duration_s: float
        rotation_deg: int
        codec: str

    class VideoSource:
        def __init__(self, path: Any, fps: float | None = None) -> None:
            self._c = av.open(str(path))
            s = self._c.streams.video[0]
            self.info = VideoInfo(
                str(path),
                s.codec_context.width,
                s.codec_context.height,
                float(s.average_rate or 30),
                s.frames,
                0.0,
                0,
                s.codec_context.name,
            )

        def __enter__(self) -> VideoSource:
            return self

        def __exit__(self, *exc: object) -> None:
            self._c.close()

        def __iter__(self) -> Any:
            for i, f in enumerate(self._c.decode(video=0)):
                yield Frame(i, float(f.time or 0.0), f.to_ndarray(format="rgb24"))

    mod = types.ModuleType("formcheck.video")
    mod.open_video = VideoSource  # type: ignore[attr-defined]
    mod.Frame, mod.VideoInfo = Frame, VideoInfo  # type: ignore[attr-defined]
    sys.modules["formcheck.video"] = mod


# -- headless Chromium (Debian package `chromium`) -----------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def run_chromium(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Load ``page`` in headless Chromium (no network, throwaway profile); console on stderr."""
    args = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0", *extra,
        page.as_uri(),
    ]  # fmt: skip
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def console_lines(stderr: str) -> list[str]:
    """The page's console messages (logs, errors, uncaught exceptions) from Chromium's log."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def without_root_powers() -> list[str] | None:
    """A command prefix under which root obeys file modes (drops CAP_DAC_OVERRIDE): [] for a
    normal user, None when running as root without util-linux's setpriv."""
    import os

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, "--bounding-set", caps, "--inh-caps", caps]
