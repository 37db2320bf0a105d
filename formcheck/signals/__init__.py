"""Per-frame signals of a pose track: the measurements every cue is judged on.

Every signal is an (N,) float64 array, NaN where it is not measurable (landmarks not visible
enough, person missing, or a camera view that cannot show it). Units are in the names; lengths
are scale-free, in the athlete's own thigh, shin or trunk lengths (medians over the clip), so
nothing depends on resolution or distance to the camera.

Geometry: a side view is measured in the image plane (pixels, aspect-correct, y up), where
MediaPipe is most accurate; other views use MediaPipe's world landmarks (metres, 3-D), whose
angles do not depend on the camera's yaw. "Up" is the floor's normal: for the image, the
perpendicular to the clip's floor line (shoulder → heel direction, a camera roll of up to 25°
is corrected); for world landmarks, −y.

Signals (see CUES.md): ``hip_extension_deg`` (+ ``_left``/``_right``; 180° = shoulder, hip and
knee in line), ``knee_angle_deg`` (180° = straight leg), ``bridge_height`` (mid-hip above the
shoulders' floor line, thigh lengths), ``pelvic_tilt_deg`` (hip line against the shoulder line),
``head_neck_deg`` (neck line mid-shoulder→mid-ear against trunk line mid-hip→mid-shoulder,
0° = in line), ``knee_gap`` (knee distance / hip distance), ``foot_lift_left_cm`` /
``foot_lift_right_cm`` (foot above its resting level), ``foot_height_left`` / ``_right``
(foot above the shoulders' level, thigh lengths), ``heel_above_toe_left_cm`` / ``_right_cm``
(heel above the toe), ``support_drift`` (+ per side; foot's travel along the floor, shin lengths,
about its median), ``shoulder_height`` (shoulders above the lower heel, trunk lengths),
``arms_crossed`` and ``hands_on_glutes`` (1/0), and ``hip_lift`` (bridge height in any view,
used to find reps).

Posture signals, never blanked by the view (they tell whether the clip is a bridge at all, see
`formcheck.drills.recognize`): ``trunk_upright_deg`` (the trunk's elevation above the floor,
0° lying, 90° upright; the lower of the image's and the world landmarks' reading, since a body
lying along the optical axis looks upright in the image only), ``body_roll_deg`` (the shoulder
and hip lines' tilt out of the floor, world landmarks: 0° on the back, 90° on the side),
``hips_above_feet`` / ``shoulders_above_feet`` (above the lowest heel or toe, thigh lengths),
``wrists_overhead`` (the wrists past the shoulders along the hip → shoulder line, trunk
lengths) and ``shoulders_above_wrists`` (trunk lengths).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.signals.base import (
    USED,
    WORKING_HIP_EXTENSION,
    SignalParams,
    Signals,
    geometry,
    per_side,
)
from formcheck.signals.parts import (
    arms,
    body,
    feet,
    gate_by_view,
    heels,
    hip_lift_fast,
    image_foot_rise,
    image_hip_lift,
    posture,
)
from formcheck.types import PoseTrack
from formcheck.view import View, detect_view

__all__ = [
    "SIGNAL_NAMES", "USED", "WORKING_HIP_EXTENSION", "SignalParams", "Signals", "compute_signals",
]


def compute_signals(
    track: PoseTrack,
    *,
    causal: bool = False,
    view: View | None = None,
    params: SignalParams | None = None,
) -> Signals:
    """All signals of ``track``: pure, vectorised, NaN where not measurable.

    ``causal=True`` smooths with a One Euro filter (no look-ahead, for live use) instead of
    the zero-phase smoother. ``view`` defaults to ``detect_view(track)``.
    """
    params = params or SignalParams()
    view = view or detect_view(track)
    n = len(track)
    if n == 0 or not track.detected.any():
        return _empty_signals(track, view)
    g = geometry(track, view, params, causal)
    values: dict[str, NDArray[Any]] = {}
    hip = per_side(g, view, "shoulder", "hip", "knee")
    knee = per_side(g, view, "hip", "knee", "ankle")
    values["hip_extension_deg"] = hip["both"]
    values["hip_extension_left_deg"], values["hip_extension_right_deg"] = hip["left"], hip["right"]
    values["knee_angle_deg"] = knee["both"]
    values["knee_angle_left_deg"], values["knee_angle_right_deg"] = knee["left"], knee["right"]
    values.update(body(g, view))
    # the hips' level above the ground, in the view's geometry (`bottom_return`)
    values["bridge_height"] = values["hip_lift"].copy()
    if g.p.shape[-1] == 2:
        values["hip_lift_fast"] = hip_lift_fast(track, g, params, causal)
    else:  # off the side, the hips' rise and fall is read in the image
        values["hip_lift"], values["hip_lift_fast"] = image_hip_lift(track, view, params, causal)
    values.update(heels(track, g, params, causal))
    image_rise = None if g.p.shape[-1] == 2 else image_foot_rise(track, g, params, causal)
    values.update(feet(g, params, image_rise))
    values.update(arms(g, params))
    values.update(posture(track, g, params))
    gate_by_view(values, view)
    lengths = {"thigh": g.thigh, "shin": g.shin, "trunk": g.trunk}
    return Signals(t=track.t.copy(), values=values, view=view, fps=track.fps, lengths=lengths)


SIGNAL_NAMES: tuple[str, ...] = (
    "hip_extension_deg", "hip_extension_left_deg", "hip_extension_right_deg",
    "knee_angle_deg", "knee_angle_left_deg", "knee_angle_right_deg",
    "bridge_height", "hip_lift", "hip_lift_fast", "pelvic_tilt_deg", "head_neck_deg", "knee_gap",
    "foot_lift_left_cm", "foot_lift_right_cm", "foot_height_left", "foot_height_right",
    "foot_rise_left_cm", "foot_rise_right_cm",
    "heel_above_toe_left_cm", "heel_above_toe_right_cm",
    "support_drift", "support_drift_left", "support_drift_right",
    "shoulder_height", "arms_crossed", "hands_on_glutes",
    "trunk_upright_deg", "body_roll_deg", "hips_above_feet", "shoulders_above_feet",
    "wrists_overhead", "shoulders_above_wrists",
)  # fmt: skip


def _empty_signals(track: PoseTrack, view: View) -> Signals:
    n = len(track)
    values = {name: np.full(n, np.nan) for name in SIGNAL_NAMES}
    return Signals(t=track.t.copy(), values=values, view=view, fps=track.fps)

