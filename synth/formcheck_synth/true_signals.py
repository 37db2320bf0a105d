"""The true per-frame signals of a generated clip, measured on the noiseless 3D landmarks exactly
as CUES.md's signal table defines them (no camera, no noise, no engine code).
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import INDEX
from formcheck_synth.geometry import angle_deg, sagittal, unit
from formcheck_synth.motion import MotionPlan

ARMS_CROSSED_MAX_TRUNK = 0.5  # wrist to the opposite shoulder, trunk lengths
ELBOW_OFF_FLOOR_M = 0.05  # an elbow this far above the surface the shoulders lie on
HANDS_ON_GLUTES_MAX_TRUNK = 0.35  # wrist to the hips, trunk lengths


def _p(scene: np.ndarray, name: str) -> np.ndarray:
    return scene[:, INDEX[name]]


def _mid(scene: np.ndarray, a: str, b: str) -> np.ndarray:
    return 0.5 * (_p(scene, a) + _p(scene, b))


def head_neck_deg(scene: np.ndarray) -> np.ndarray:
    """Signed angle of the neck line against the trunk line (sagittal), + chin to chest."""
    hip = sagittal(_mid(scene, "left_hip", "right_hip"))
    sh = sagittal(_mid(scene, "left_shoulder", "right_shoulder"))
    ear = sagittal(_mid(scene, "left_ear", "right_ear"))
    d1, d2 = (sh - hip)[:, :2], (ear - sh)[:, :2]
    cross = d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]
    return -np.degrees(np.arctan2(cross, np.sum(d1 * d2, axis=1)))


def bridge_height(scene: np.ndarray, plan: MotionPlan) -> np.ndarray:
    """Mid-hip height above the shoulder–heel line at rest (frame 0), in thigh lengths."""
    sh = _mid(scene, "left_shoulder", "right_shoulder")[0, :2]
    heel = _mid(scene, "left_heel", "right_heel")[0, :2]
    hip = _mid(scene, "left_hip", "right_hip")[:, :2]
    d = unit(heel - sh)
    rel = hip - sh
    return (d[0] * rel[:, 1] - d[1] * rel[:, 0]) / plan.body.thigh_m


def floor_bridge_height(scene: np.ndarray, plan: MotionPlan, hip_x: float) -> float:
    """Bridge height of hips resting on the floor at ``hip_x``."""
    sh = _mid(scene, "left_shoulder", "right_shoulder")[0, :2]
    heel = _mid(scene, "left_heel", "right_heel")[0, :2]
    d = unit(heel - sh)
    rel = np.array([hip_x, plan.body.hip_rest_m]) - sh
    return float((d[0] * rel[1] - d[1] * rel[0]) / plan.body.thigh_m)


def arms_crossed(scene: np.ndarray, plan: MotionPlan) -> np.ndarray:
    reach = ARMS_CROSSED_MAX_TRUNK * plan.body.trunk_m
    floor = plan.shoulder_support_m + ELBOW_OFF_FLOOR_M
    ok = np.ones(scene.shape[0], dtype=bool)
    for side, other in (("left", "right"), ("right", "left")):
        near = np.linalg.norm(_p(scene, f"{side}_wrist") - _p(scene, f"{other}_shoulder"), axis=1)
        ok &= (near <= reach) & (_p(scene, f"{side}_elbow")[:, 1] > floor)
    return ok


def hands_on_glutes(scene: np.ndarray, plan: MotionPlan) -> np.ndarray:
    reach = HANDS_ON_GLUTES_MAX_TRUNK * plan.body.trunk_m
    ok = np.ones(scene.shape[0], dtype=bool)
    for side in ("left", "right"):
        ok &= np.linalg.norm(_p(scene, f"{side}_wrist") - _p(scene, f"{side}_hip"), axis=1) <= reach
    return ok


def true_signals(scene: np.ndarray, plan: MotionPlan) -> dict[str, np.ndarray]:
    """Named per-frame true signals (units in the names), as the engine's signals are named."""
    out: dict[str, np.ndarray] = {}
    for side in ("left", "right"):
        sh, hip, knee = (sagittal(_p(scene, f"{side}_{j}")) for j in ("shoulder", "hip", "knee"))
        out[f"hip_extension_{side}_deg"] = angle_deg(sh, hip, knee)
        out[f"knee_angle_{side}_deg"] = angle_deg(
            _p(scene, f"{side}_hip"), _p(scene, f"{side}_knee"), _p(scene, f"{side}_ankle"))
        rest = plan.foot_support_m[side] + 0.015
        low = np.minimum(_p(scene, f"{side}_heel")[:, 1], _p(scene, f"{side}_foot_index")[:, 1])
        out[f"foot_lift_{side}_cm"] = 100.0 * (low - rest)
        out[f"heel_above_toe_{side}_cm"] = 100.0 * (
            _p(scene, f"{side}_heel")[:, 1] - _p(scene, f"{side}_foot_index")[:, 1])
        out[f"heel_height_{side}_cm"] = 100.0 * (_p(scene, f"{side}_heel")[:, 1] - rest)
    both = 0.5 * (out["hip_extension_left_deg"] + out["hip_extension_right_deg"])
    work = plan.working_side
    out["hip_extension_deg"] = np.where(
        work == "left", out["hip_extension_left_deg"],
        np.where(work == "right", out["hip_extension_right_deg"], both))
    out["knee_angle_deg"] = 0.5 * (out["knee_angle_left_deg"] + out["knee_angle_right_deg"])
    hl, hr = _p(scene, "left_hip"), _p(scene, "right_hip")
    out["pelvic_tilt_deg"] = np.degrees(np.arcsin(np.clip(
        (hl[:, 1] - hr[:, 1]) / np.linalg.norm(hl - hr, axis=1), -1, 1)))
    out["head_neck_deg"] = head_neck_deg(scene)
    out["knee_gap"] = np.linalg.norm(_p(scene, "left_knee") - _p(scene, "right_knee"), axis=1) / (
        np.linalg.norm(hl - hr, axis=1))
    out["bridge_height"] = bridge_height(scene, plan)
    out["arms_crossed"] = arms_crossed(scene, plan).astype(float)
    out["hands_on_glutes"] = hands_on_glutes(scene, plan).astype(float)
    out["shoulder_height_trunk"] = _mid(scene, "left_shoulder", "right_shoulder")[:, 1] / (
        plan.body.trunk_m)
    for side in ("left", "right"):
        out[f"foot_x_{side}_m"] = _p(scene, f"{side}_heel")[:, 0]
        out[f"toe_x_{side}_m"] = _p(scene, f"{side}_foot_index")[:, 0]
    return out
