"""A hand-made double-leg floor bridge (clean reps), for rendering without a motion plan."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.synth.render.clip import PoseSequence
from formcheck.synth.render.pose_rig import (
    LegPose,
    Rig,
    RigPose,
    resting_trunk_deg,
    solve_trunk_deg,
)

FOOT_X_M = 0.92


def _smooth(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def floor_bridge(
    rig: Rig,
    *,
    reps: int = 2,
    fps: float = 20.0,
    lift_s: float = 1.0,
    top_s: float = 1.5,
    lower_s: float = 2.2,
    bottom_s: float = 0.6,
    peak_ext_deg: float = 176.0,
    arms: str = "glutes",
) -> PoseSequence:
    """Reps of a floor bridge: trunk pitch rising from rest to the peak and back."""
    base = RigPose(arms=arms, left=LegPose(foot_x_m=FOOT_X_M), right=LegPose(foot_x_m=FOOT_X_M))
    low = resting_trunk_deg(rig, base)
    high = solve_trunk_deg(rig, base, peak_ext_deg)
    period = lift_s + top_s + lower_s + bottom_s
    total = 0.8 + reps * period + 0.4
    t = np.arange(int(round(total * fps))) / fps
    level = np.zeros_like(t)
    phase = np.full(t.shape, "bottom", dtype=object)
    for k in range(reps):
        t0 = 0.8 + k * period
        u = t - t0
        rising = (u >= 0) & (u < lift_s)
        level[rising] = _smooth(u[rising] / lift_s)
        phase[rising] = "lift"
        top = (u >= lift_s) & (u < lift_s + top_s)
        level[top] = 1.0
        phase[top] = "top"
        down = (u >= lift_s + top_s) & (u < lift_s + top_s + lower_s)
        level[down] = 1.0 - _smooth((u[down] - lift_s - top_s) / lower_s)
        phase[down] = "lower"
    poses = tuple(replace(base, trunk_deg=float(low + (high - low) * v)) for v in level)
    return PoseSequence(t=t, poses=poses, phase=tuple(str(p) for p in phase))
