"""The camera view, found from the track itself, and what each view lets formcheck measure.

Views
-----
- ``side-left`` / ``side-right``: the camera looks at the athlete's left / right side.
- ``front-feet`` / ``front-head``: the camera looks along the body from the feet / the head.
- ``oblique``: in between (about 30°–60° off the side).

How: the yaw of the body's left–right axis (left hip → right hip, left shoulder → right
shoulder) against the camera's depth axis, from both MediaPipe's world landmarks and the image
landmarks' x and relative z. 0° = the left–right axis points at the camera (a side view); 90° =
it lies across the image (a front view). The side facing the camera is the one nearer to it
(smaller z). Between feet and head, the nearer end is the camera's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck.landmarks import (
    LEFT_HIP,
    LEFT_SHOULDER,
    RIGHT_HIP,
    RIGHT_SHOULDER,
)
from formcheck.track import PoseTrack

VIEWS: tuple[str, ...] = ("side-left", "side-right", "front-feet", "front-head", "oblique")

#: yaw (degrees off a pure side view) below which a view is "side", above which "front"
SIDE_MAX_YAW_DEG = 30.0
FRONT_MIN_YAW_DEG = 60.0
#: frames looked at to find the view (an even sample of a long clip)
MAX_VIEW_FRAMES = 3000

_SIDE = frozenset(
    {
        "hip_extension_deg", "knee_angle_deg", "bridge_height", "head_neck_deg",
        "foot_lift_left_cm", "foot_lift_right_cm", "support_drift", "arms_crossed",
        "hands_on_glutes", "shoulder_height", "heel_height",
    }
)  # fmt: skip
_OBLIQUE = frozenset(
    {
        "hip_extension_deg", "knee_angle_deg", "bridge_height", "pelvic_tilt_deg",
        "foot_lift_left_cm", "foot_lift_right_cm", "arms_crossed", "hands_on_glutes",
        "shoulder_height", "heel_height",
    }
)  # fmt: skip
_FRONT_FEET = frozenset({"pelvic_tilt_deg", "knee_gap", "arms_crossed", "hands_on_glutes"})
_FRONT_HEAD = frozenset({"knee_gap", "arms_crossed", "hands_on_glutes"})

#: signals each view can measure (CUES.md, "needs view")
MEASURABLE: dict[str, frozenset[str]] = {
    "side-left": _SIDE,
    "side-right": _SIDE,
    "oblique": _OBLIQUE,
    "front-feet": _FRONT_FEET,
    "front-head": _FRONT_HEAD,
    "unknown": frozenset(),
}


@dataclass(frozen=True, kw_only=True)
class View:
    """The camera view of a clip."""

    name: str
    confidence: float
    #: the athlete's side nearer the camera ("left"/"right"), None when not a side/oblique view
    facing: str | None = None
    #: median yaw of the body's left–right axis off a pure side view, degrees (0 = side)
    yaw_deg: float = float("nan")
    measurable: frozenset[str] = field(default_factory=frozenset)

    def can_measure(self, signal: str) -> bool:
        return signal in self.measurable

    @property
    def is_side(self) -> bool:
        return self.name.startswith("side")


def make_view(name: str, confidence: float = 1.0, facing: str | None = None) -> View:
    """A view by name (for tests, or a view the user states)."""
    if name not in MEASURABLE:
        raise ValueError(f"unknown view {name!r}; valid: {', '.join(VIEWS)}")
    if facing is None and name.startswith("side"):
        facing = name.split("-", 1)[1]
    yaw = {"oblique": 45.0, "front-feet": 90.0, "front-head": 90.0}.get(name, 0.0)
    return View(
        name=name, confidence=confidence, facing=facing, yaw_deg=yaw, measurable=MEASURABLE[name]
    )


def _yaw_series(track: PoseTrack) -> np.ndarray:
    """Per-frame yaw estimates (N, 4): hips and shoulders, world and image."""
    w = track.world.astype(np.float64)
    im = track.image.astype(np.float64)
    width = float(max(track.size[0], 1))
    cols = []
    for a, b in ((LEFT_HIP, RIGHT_HIP), (LEFT_SHOULDER, RIGHT_SHOULDER)):
        dw = w[:, b, :3] - w[:, a, :3]
        cols.append(np.degrees(np.arctan2(np.abs(dw[:, 0]), np.abs(dw[:, 2]))))
        dx = (im[:, b, 0] - im[:, a, 0]) * width
        dz = (im[:, b, 2] - im[:, a, 2]) * width
        cols.append(np.degrees(np.arctan2(np.abs(dx), np.abs(dz))))
    return np.stack(cols, axis=1)


def _nearer(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of frames where depth ``a`` is nearer the camera (smaller) than ``b``."""
    ok = np.isfinite(a) & np.isfinite(b)
    if not ok.any():
        return 0.5
    return float(np.mean(a[ok] < b[ok]))


def _depth(track: PoseTrack, idx: tuple[int, ...]) -> np.ndarray:
    """Mean relative depth of landmarks ``idx`` per frame: world z and image z (same sense)."""
    w = track.world[:, list(idx), 2].astype(np.float64).mean(axis=1)
    i = track.image[:, list(idx), 2].astype(np.float64).mean(axis=1)
    return np.where(np.isfinite(w), w, i)


def detect_view(track: PoseTrack) -> View:
    """Classify the camera view of ``track`` with a confidence in 0..1.

    Returns an ``unknown`` view (measuring nothing) when no frame has a person.
    """
    det = track.detected
    if len(track) == 0 or not det.any():
        return View(name="unknown", confidence=0.0, measurable=MEASURABLE["unknown"])
    idx = np.flatnonzero(det)
    if idx.size > MAX_VIEW_FRAMES:  # a long clip: an even sample is as good and much faster
        idx = idx[np.linspace(0, idx.size - 1, MAX_VIEW_FRAMES).astype(int)]
    sample = track[idx]
    yaws = _yaw_series(sample)
    seen = np.isfinite(yaws).sum(axis=1)
    yaw_frames = np.where(seen > 0, np.nansum(yaws, axis=1) / np.maximum(seen, 1), np.nan)
    yaw_frames = yaw_frames[np.isfinite(yaw_frames)]
    if yaw_frames.size == 0:
        return View(name="unknown", confidence=0.0, measurable=MEASURABLE["unknown"])
    yaw = float(np.median(yaw_frames))
    margin = min(abs(yaw - SIDE_MAX_YAW_DEG), abs(yaw - FRONT_MIN_YAW_DEG))
    confidence = float(np.clip(0.5 + margin / 30.0, 0.0, 1.0)) * float(det.mean())
    left_nearer = _nearer(
        _depth(sample, (LEFT_HIP, LEFT_SHOULDER)), _depth(sample, (RIGHT_HIP, RIGHT_SHOULDER))
    )
    facing: str | None = "left" if left_nearer >= 0.5 else "right"
    if yaw < SIDE_MAX_YAW_DEG:
        name = f"side-{facing}"
    elif yaw > FRONT_MIN_YAW_DEG:
        feet_nearer = _nearer(
            _depth(sample, (LEFT_HIP, RIGHT_HIP)), _depth(sample, (LEFT_SHOULDER, RIGHT_SHOULDER))
        )
        name = "front-feet" if feet_nearer >= 0.5 else "front-head"
        facing = None
    else:
        name = "oblique"
    return View(
        name=name,
        confidence=round(confidence, 3),
        facing=facing,
        yaw_deg=round(yaw, 1),
        measurable=MEASURABLE[name],
    )
