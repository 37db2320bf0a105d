"""The body's geometry: where the feet go, and every joint of every frame from the schedule.

Shoulders rest on the floor (or the bench), feet on the floor (or supports); the trunk pitches
about the shoulders; the knees follow from hips and feet (two-link inverse kinematics), then
swing about the hip–ankle line to the planned knee gap. Arms reach for the pose's targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck_synth.body import Body
from formcheck_synth.geometry import (
    angle_deg,
    knee_to_gap,
    rotate_about,
    trunk_axes,
    two_link,
    unit,
)
from formcheck_synth.schedule import Schedule
from formcheck_synth.spec import SynthSpec

NOMINAL_TOP_DEG = 177.0
UP = np.array([0.0, 1.0, 0.0])
SIDE_SIGN = {"left": -1.0, "right": 1.0}  # z sign of each side
HEEL_BACK, TOE_FRONT = 0.22, 0.78  # of foot length, from the ankle


@dataclass(frozen=True, kw_only=True)
class Setup:
    shoulder_y: float  # shoulder joint height
    support_m: float  # top of the surface under the feet
    ankle_x: float
    knee_top_deg: float


@dataclass(frozen=True, kw_only=True)
class SagittalTable:
    alpha_deg: np.ndarray
    ext_deg: np.ndarray  # increasing


def sagittal_table(body: Body, shoulder_y: float, ankle_x: float, ankle_y: float) -> SagittalTable:
    """Hip extension as the trunk pitches from hips-on-floor up to a straight line."""
    lo = np.degrees(np.arcsin(np.clip((body.hip_rest_m - shoulder_y) / body.trunk_m, -1, 1)))
    alpha = np.arange(lo, 85.0, 0.05)
    s, _, _ = trunk_axes(alpha)
    shoulder = np.array([0.0, shoulder_y, 0.0])
    hip = shoulder - body.trunk_m * s
    ankle = np.broadcast_to(np.array([ankle_x, ankle_y, 0.0]), hip.shape)
    knee, _ = two_link(hip, ankle, body.thigh_m, body.shin_m, np.broadcast_to(UP, hip.shape))
    ext = angle_deg(np.broadcast_to(shoulder, hip.shape), hip, knee)
    stop = int(np.argmax(ext)) + 1
    ext = np.maximum.accumulate(ext[:stop])
    return SagittalTable(alpha_deg=alpha[:stop], ext_deg=ext)


def knee_at(body: Body, table: SagittalTable, shoulder_y: float, ankle: np.ndarray,
            ext: float) -> float:
    alpha = float(np.interp(ext, table.ext_deg, table.alpha_deg))
    s, _, _ = trunk_axes(np.array([alpha]))
    hip = np.array([0.0, shoulder_y, 0.0]) - body.trunk_m * s
    knee, end = two_link(hip, ankle[None], body.thigh_m, body.shin_m, UP[None])
    return float(angle_deg(hip, knee, end)[0])


def solve_setup(spec: SynthSpec, body: Body, rng: np.random.Generator) -> Setup:
    """Bench and support heights, and the feet's distance that gives the planned knee angle."""
    f = spec.faults
    if spec.drill == "table-top":
        shoulder_y = f.shoulder_height_m or float(rng.uniform(0.38, 0.45)) + body.shoulder_rest_m
        support = 0.0
    else:
        shoulder_y = body.shoulder_rest_m
        support = float(rng.uniform(0.22, 0.30)) if spec.drill == "single-leg-bridge" else 0.0
    knee_top = float(rng.uniform(90.0, 100.0))
    if spec.drill == "table-top" and f.knee_angle_deg is not None:
        knee_top = f.knee_angle_deg
    ankle_y = support + body.ankle_height_m
    lo, hi = body.trunk_m * 0.9, body.trunk_m + body.thigh_m + body.shin_m * 0.95
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        table = sagittal_table(body, shoulder_y, mid, ankle_y)
        knee = knee_at(body, table, shoulder_y, np.array([mid, ankle_y, 0.0]), NOMINAL_TOP_DEG)
        lo, hi = (mid, hi) if knee < knee_top else (lo, mid)
    return Setup(shoulder_y=shoulder_y, support_m=support, ankle_x=0.5 * (lo + hi),
                 knee_top_deg=knee_top)


def _trunk(body: Body, setup: Setup, alpha: np.ndarray, roll: np.ndarray) -> dict[str, np.ndarray]:
    s, a, left = trunk_axes(alpha)
    n = alpha.shape[0]
    mid_sh = np.tile([0.0, setup.shoulder_y, 0.0], (n, 1))
    pelvis = mid_sh - body.trunk_m * s
    b = np.radians(roll)[:, None]
    left_p = np.cos(b) * left + np.sin(b) * a
    half_h, half_s = body.hip_width_m / 2, body.shoulder_width_m / 2
    return {
        "mid_shoulder": mid_sh, "pelvis": pelvis,
        "left_shoulder": mid_sh + half_s * left, "right_shoulder": mid_sh - half_s * left,
        "left_hip": pelvis + half_h * left_p, "right_hip": pelvis - half_h * left_p,
    }


def _planted_foot(body: Body, setup: Setup, sched: Schedule, side: str) -> dict[str, np.ndarray]:
    """Ankle, heel and toe of a foot on its support, sliding and on the toe as scheduled."""
    n = sched.t.shape[0]
    x = setup.ankle_x + sched.slide_shin[side] * body.shin_m
    z = SIDE_SIGN[side] * body.hip_width_m / 2
    sole = setup.support_m + 0.015
    ankle = np.stack([x, np.full(n, setup.support_m + body.ankle_height_m), np.full(n, z)], -1)
    heel = np.stack([x - HEEL_BACK * body.foot_m, np.full(n, sole), np.full(n, z)], -1)
    toe = np.stack([x + TOE_FRONT * body.foot_m, np.full(n, sole), np.full(n, z)], -1)
    raise_m = sched.heel_raise_cm[side] / 100.0
    ang = np.arcsin(np.clip(raise_m / body.foot_m, 0.0, 0.9))
    axis = np.broadcast_to([0.0, 0.0, 1.0], toe.shape)  # +ang about +z lifts the heel (−x side)
    ankle = rotate_about(ankle, toe, axis, -ang)
    heel = rotate_about(heel, toe, axis, -ang)
    return {"ankle": ankle, "heel": heel, "toe": toe}


def _raised_ankle(body: Body, hip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Free leg of the single-leg bridge: thigh near vertical, knee bent 90°."""
    th = np.radians(100.0)
    thigh = np.array([np.cos(th), np.sin(th), 0.0])
    shin = np.array([np.sin(th), -np.cos(th), 0.0])
    knee = hip + body.thigh_m * thigh
    return knee + body.shin_m * shin, knee


def _leg(spec: SynthSpec, body: Body, setup: Setup, sched: Schedule, joints: dict[str, np.ndarray],
         side: str) -> None:
    hip = joints[f"{side}_hip"]
    foot = _planted_foot(body, setup, sched, side)
    ankle0 = foot["ankle"]
    w_free = sched.free_w[side][:, None]
    raised, _ = _raised_ankle(body, hip)
    lift = np.zeros_like(ankle0)
    lift[:, 1] = sched.lift_w[side] * sched.lift_cm[side] / 100.0
    target = (1 - w_free) * ankle0 + w_free * raised + lift
    pole = np.broadcast_to(UP, hip.shape)
    knee, ankle = two_link(hip, target, body.thigh_m, body.shin_m, pole)
    if spec.drill != "single-leg-bridge":
        other = joints["right_hip" if side == "left" else "left_hip"]
        hip_dist = np.linalg.norm(hip - other, axis=-1)
        knee = knee_to_gap(hip, knee, ankle, SIDE_SIGN[side] * sched.gap * hip_dist / 2)
    # the foot follows the ankle; a raised foot turns with the shin
    shift = ankle - ankle0
    shin0 = unit(ankle - knee)
    turn = np.arctan2(shin0[:, 1], shin0[:, 0]) - np.arctan2(-1.0, 0.0)
    turn = ((turn + np.pi) % (2 * np.pi) - np.pi) * sched.free_w[side]
    axis = np.broadcast_to([0.0, 0.0, 1.0], ankle.shape)
    for name in ("heel", "toe"):
        joints[f"{side}_{name}"] = rotate_about(foot[name] + shift, ankle, axis, turn)
    joints[f"{side}_knee"], joints[f"{side}_ankle"] = knee, ankle


def _arm_target(pose: str, side: str, body: Body, joints: dict[str, np.ndarray],
                axes: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Wrist target and elbow pole of one arm for a pose."""
    s, a, left = axes
    out = left if side == "left" else -left
    other = "right" if side == "left" else "left"
    if pose == "crossed":  # wrist on the opposite shoulder, elbows up off the floor
        target = joints[f"{other}_shoulder"] + 0.06 * a - 0.05 * s + 0.02 * out
        return target, 0.6 * out + 0.6 * a - 0.5 * s
    if pose == "glutes":  # hands on the buttocks, elbows out on the floor
        target = joints[f"{side}_hip"] - 0.08 * a + 0.06 * out + 0.02 * s
        return target, out - 0.4 * a
    # "sides": arms resting on the floor beside the body, or spread along the bench's top
    reach = 0.97 * (body.upper_arm_m + body.forearm_m)
    shoulder = joints[f"{side}_shoulder"]
    on_bench = shoulder[0, 1] > body.shoulder_rest_m + 0.1
    ang = np.radians(70.0 if on_bench else 15.0)
    toward = np.array([-1.0 if on_bench else 1.0, 0.0, 0.0])
    target = shoulder + reach * np.cos(ang) * toward + reach * np.sin(ang) * out
    target[:, 1] = shoulder[:, 1] - body.shoulder_rest_m + 0.04
    return target, np.broadcast_to(UP, target.shape) + 0.3 * out


def _arms(spec: SynthSpec, body: Body, joints: dict[str, np.ndarray], alpha: np.ndarray) -> None:
    axes = trunk_axes(alpha)
    for side in ("left", "right"):
        target, pole = _arm_target(spec.arms, side, body, joints, axes)
        elbow, wrist = two_link(joints[f"{side}_shoulder"], target, body.upper_arm_m,
                                body.forearm_m, pole)
        joints[f"{side}_elbow"], joints[f"{side}_wrist"] = elbow, wrist


def _head(body: Body, joints: dict[str, np.ndarray], alpha: np.ndarray, head: np.ndarray) -> None:
    s, a, _ = trunk_axes(alpha)
    h = np.radians(head)[:, None]
    neck = np.cos(h) * s + np.sin(h) * a
    joints["neck_top"] = joints["mid_shoulder"] + body.neck_head_m * neck
    joints["head"] = joints["neck_top"]


def solve_joints(spec: SynthSpec, body: Body, setup: Setup, sched: Schedule,
                 alpha: np.ndarray) -> dict[str, np.ndarray]:
    """Every skeleton joint of every frame, scene frame (see `formcheck_synth.motion`)."""
    joints = _trunk(body, setup, alpha, sched.roll_deg)
    for side in ("left", "right"):
        _leg(spec, body, setup, sched, joints, side)
    _arms(spec, body, joints, alpha)
    _head(body, joints, alpha, sched.head_deg)
    return joints
