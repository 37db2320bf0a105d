"""The ground-truth JSON written beside each rendered clip.

Layout (format ``formcheck-synth-truth``, version 1)::

    clip       file, width, height, fps, frame_count, duration_s
    athlete    sex, build, skin_tone, clothes, height_m, seed
    camera     name, eye, target, yfov_deg (scene frame: y up, head towards −x, left side −z)
    spec       what was asked for (drill, reps or hold, tempo, faults) when known
    landmarks  the 33 BlazePose names, in order
    frames     t (s), phase, world_m (N×33×3, scene frame), image_px (N×33×2, x right, y down),
               visible (N×33, 0/1: not hidden behind the body)
    angles     per frame: hip_extension_deg and knee_angle_deg per side (sagittal plane, as
               CUES.md defines them, 180 = straight), hip_extension_2d_deg (in the image),
               pelvic_tilt_deg, head_neck_deg, bridge_height_thigh
    segments   reps / holds / single-leg phases: index, kind, start_s, end_s, side (working
               side), lifted (table top: the lifted foot), phases, measures (peak extension,
               top pause, lift/lower times, …, measured on the rendered skeleton)
    expected   view_class ("side" / "oblique" / "front") and cues: a list of {cue, segment
               (index, or null for the whole set), expected ("pass" | "fault" | "advice" |
               "info" | "not_measurable"), value, clear (the value is well past or well inside
               the threshold)}, computed by `formcheck_synth.truth` on the rendered landmarks

`formcheck_synth.render.truth_load.load_truth` reads it back into a `GroundTruth`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.fileio import write_text_atomic
from formcheck.landmarks import NAMES, SIDE
from formcheck_synth.render.clip import RenderedTruth
from formcheck_synth.render.geometry import angle_deg

FORMAT = "formcheck-synth-truth"
VERSION = 1


def _sagittal_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return angle_deg(a[..., :2], b[..., :2], c[..., :2])


def truth_angles(truth: RenderedTruth, thigh_m: float) -> dict[str, Any]:
    """Per-frame angles measured on the drawn skeleton, as CUES.md defines them."""
    w, px = truth.world_m, truth.image_px
    out: dict[str, Any] = {
        "hip_extension_deg": {},
        "hip_extension_2d_deg": {},
        "knee_angle_deg": {},
    }
    for side, j in SIDE.items():
        out["hip_extension_deg"][side] = _sagittal_angle(w[:, j["shoulder"]], w[:, j["hip"]], w[:, j["knee"]])
        out["hip_extension_2d_deg"][side] = angle_deg(px[:, j["shoulder"]], px[:, j["hip"]], px[:, j["knee"]])
        out["knee_angle_deg"][side] = _sagittal_angle(w[:, j["hip"]], w[:, j["knee"]], w[:, j["ankle"]])
    lh, rh = w[:, SIDE["left"]["hip"]], w[:, SIDE["right"]["hip"]]
    d = rh - lh
    out["pelvic_tilt_deg"] = np.degrees(np.arctan2(d[:, 1], np.hypot(d[:, 0], d[:, 2])))
    mid_sh = 0.5 * (w[:, 11] + w[:, 12])
    mid_ear = 0.5 * (w[:, 7] + w[:, 8])
    mid_hip = 0.5 * (lh + rh)
    out["head_neck_deg"] = 180.0 - angle_deg(mid_hip, mid_sh, mid_ear)
    out["bridge_height_thigh"] = truth.hip_height_m.mean(axis=1) / thigh_m
    return out


def _round(value: Any, nd: int) -> Any:
    if isinstance(value, np.ndarray):
        return np.round(value.astype(float), nd).tolist()
    if isinstance(value, dict):
        return {k: _round(v, nd) for k, v in value.items()}
    return value


def truth_document(
    truth: RenderedTruth,
    *,
    clip_file: str,
    fps: float,
    phase: tuple[str, ...],
    thigh_m: float,
    athlete: dict[str, Any],
    camera: dict[str, Any],
    spec: dict[str, Any] | None = None,
    segments: list[dict[str, Any]] | None = None,
    expected: dict[str, Any] | None = None,
) -> dict[str, Any]:
    n = len(truth.t)
    return {
        "format": FORMAT,
        "version": VERSION,
        "clip": {
            "file": clip_file,
            "width": truth.size[0],
            "height": truth.size[1],
            "fps": fps,
            "frame_count": n,
            "duration_s": round(n / fps, 4),
        },
        "athlete": athlete,
        "camera": camera,
        "spec": spec or {},
        "landmarks": list(NAMES),
        "frames": {
            "t": _round(truth.t, 4),
            "phase": list(phase),
            "world_m": _round(truth.world_m, 4),
            "image_px": _round(truth.image_px, 1),
            "visible": truth.visible.astype(int).tolist(),
        },
        "angles": _round(truth_angles(truth, thigh_m), 2),
        "segments": segments or [],
        "expected": expected or {},
    }


def write_truth(path: Path, doc: dict[str, Any]) -> None:
    """Write compactly (one line per top-level key) and atomically."""
    parts = [f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in doc.items()]
    write_text_atomic(path, "{\n" + ",\n".join(parts) + "\n}\n")
