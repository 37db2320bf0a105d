"""Body proportions: segment lengths as anthropometric fractions of height, varied per seed.

Fractions after Winter, *Biomechanics and Motor Control of Human Movement* (segment lengths as
fractions of stature), rounded; each is scaled by a per-athlete factor of about ±3 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: segment -> fraction of standing height
FRACTIONS: dict[str, float] = {
    "trunk": 0.288,  # mid-hip joint to mid-shoulder joint
    "neck_head": 0.100,  # mid-shoulder to mid-ear
    "thigh": 0.245,
    "shin": 0.246,  # knee to ankle joint
    "upper_arm": 0.186,
    "forearm": 0.146,
    "foot": 0.152,
    "shoulder_width": 0.200,  # between the shoulder joint centres
    "hip_width": 0.110,  # between the hip joint centres
    "head_width": 0.085,
}


@dataclass(frozen=True, kw_only=True)
class Body:
    """Segment lengths of one athlete, in metres."""

    height_m: float
    trunk_m: float
    neck_head_m: float
    thigh_m: float
    shin_m: float
    upper_arm_m: float
    forearm_m: float
    foot_m: float
    shoulder_width_m: float
    hip_width_m: float
    head_width_m: float
    #: heights of joint centres above the surface they rest on
    ankle_height_m: float = 0.07
    shoulder_rest_m: float = 0.07
    hip_rest_m: float = 0.10


def sample_body(rng: np.random.Generator | None = None) -> Body:
    """An athlete between 1.55 m and 1.95 m tall with slightly varied proportions."""
    if rng is None:
        height, scale = 1.75, dict.fromkeys(FRACTIONS, 1.0)
    else:
        height = float(rng.uniform(1.55, 1.95))
        scale = {k: float(rng.normal(1.0, 0.03)) for k in FRACTIONS}
    lengths = {f"{k}_m": height * frac * scale[k] for k, frac in FRACTIONS.items()}
    return Body(height_m=height, **lengths)
