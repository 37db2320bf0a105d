"""The 33 BlazePose landmarks of a `MotionPlan`, in the scene frame (metres).

Skeleton joints map one to one (shoulders, elbows, wrists, hips, knees, ankles, heels, foot
index = toe); the face points sit on a head of the athlete's size around the head centre, and
the hand points ahead of the wrist along the forearm.
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import INDEX, NUM_LANDMARKS
from formcheck_synth.geometry import dot, trunk_axes, unit
from formcheck_synth.motion import MotionPlan

#: face points: (anterior, superior, lateral toward the named side) in metres for a 15 cm head
FACE: dict[str, tuple[float, float, float]] = {
    "nose": (0.095, -0.01, 0.0),
    "eye_inner": (0.078, 0.03, 0.015),
    "eye": (0.075, 0.03, 0.032),
    "eye_outer": (0.068, 0.03, 0.048),
    "ear": (-0.01, 0.0, 0.075),
    "mouth": (0.085, -0.045, 0.025),
}
#: hand points: (along the forearm past the wrist, toward the little-finger side)
HAND: dict[str, tuple[float, float]] = {"pinky": (0.08, 0.02), "index": (0.09, -0.015),
                                        "thumb": (0.05, -0.035)}
JOINT_LANDMARKS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel")


def _face(plan: MotionPlan, out: np.ndarray) -> None:
    s, a, left = trunk_axes(plan.trunk_pitch_deg)
    h = np.radians(plan.head_pitch_deg)[:, None]
    up = np.cos(h) * s + np.sin(h) * a
    ant = np.cos(h) * a - np.sin(h) * s
    centre = plan.joints_m["head"]
    k = plan.body.head_width_m / 0.15
    for name, (fa, fs, fl) in FACE.items():
        for side, sign in (("left", 1.0), ("right", -1.0)):
            key = f"{side}_{name}" if name not in ("nose",) else "nose"
            if name == "mouth":
                key = f"mouth_{side}"
            out[:, INDEX[key]] = centre + k * (fa * ant + fs * up + sign * fl * left)


def _hands(plan: MotionPlan, out: np.ndarray) -> None:
    _, _, left = trunk_axes(plan.trunk_pitch_deg)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        wrist = plan.joints_m[f"{side}_wrist"]
        fore = unit(wrist - plan.joints_m[f"{side}_elbow"])
        lat = sign * left
        lat = unit(lat - dot(lat, fore)[:, None] * fore)
        for name, (along, across) in HAND.items():
            out[:, INDEX[f"{side}_{name}"]] = wrist + along * fore + across * lat


def scene_landmarks(plan: MotionPlan) -> np.ndarray:
    """(N, 33, 3) BlazePose landmarks in the scene frame."""
    out = np.zeros((len(plan), NUM_LANDMARKS, 3))
    for side in ("left", "right"):
        for joint in JOINT_LANDMARKS:
            out[:, INDEX[f"{side}_{joint}"]] = plan.joints_m[f"{side}_{joint}"]
        out[:, INDEX[f"{side}_foot_index"]] = plan.joints_m[f"{side}_toe"]
    _face(plan, out)
    _hands(plan, out)
    return out


def landmark_sides() -> np.ndarray:
    """(33,) +1 for the athlete's left landmarks, −1 right, 0 the nose."""
    from formcheck.landmarks import NAMES

    return np.array([1.0 if "left" in n else (-1.0 if "right" in n else 0.0) for n in NAMES])
