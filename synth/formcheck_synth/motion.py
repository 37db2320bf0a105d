"""`MotionPlan`: the athlete's motion frame by frame, in named arrays (degrees, metres, seconds).

This is the contract with anything that poses a body from a generated clip (the landmark
generator here, the rendered digital athlete of issue 4). Conventions:

Scene frame
    Right-handed, metres. Origin on the floor below the centre of the shoulder joints; x along
    the floor from the head toward the feet; y up; z toward the athlete's right (their left
    is −z). The athlete lies supine (face up), shoulders on the floor (or on the bench in the
    table top), feet on the floor (or on supports in the single-leg bridge).
Trunk frame (per frame)
    ``s`` superior (mid-hip → mid-shoulder), ``a`` anterior (out of the chest),
    ``l`` = s × a, the athlete's left. Trunk pitch α: s = (−cos α, −sin α, 0).
Angles (degrees)
    ``trunk_pitch_deg``: elevation of the shoulder→hip line above the floor (0 lying flat,
    ~25–35° at the top of a floor bridge). ``pelvis_roll_deg``: rotation of the pelvis about
    the trunk line, + when the left hip is higher. ``hip_extension_deg[side]``: the
    shoulder–hip–knee angle of that side seen in the sagittal plane (180 = straight line, as
    CUES.md defines it). ``hip_flexion_deg``: thigh against the trunk line's continuation,
    toward anterior (0 = in line; = 180 − hip extension for a sagittal leg).
    ``hip_abduction_deg``: thigh out of the pelvis's sagittal plane, + knee away from the
    midline. ``knee_flexion_deg``: 0 = straight. ``ankle_plantarflexion_deg``: foot (heel→toe)
    against the perpendicular of the shin, + toes pointing away. ``head_pitch_deg``: the neck
    line (mid-shoulder→mid-ear) against the trunk line, + chin toward the chest.
    Arms (trunk frame, ISB-like): ``shoulder_elevation_deg`` 0 = arm along the trunk toward
    the feet; ``shoulder_plane_deg`` direction of elevation, 0 = anterior, +90 = outward,
    − across the body; ``humeral_rotation_deg`` turns the forearm's plane about the upper
    arm, 0 when the bend points the forearm toward anterior; ``elbow_flexion_deg`` 0 = straight.
Joints
    ``joints_m[name]`` (N, 3) scene positions of the skeleton's joints: the authoritative
    pose (the angles above are read from it). Names: mid_shoulder, neck_top (mid-ear),
    head (head centre), {left,right}_{shoulder,elbow,wrist,hip,knee,ankle,heel,toe}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck_synth.body import Body, sample_body
from formcheck_synth.geometry import angle_deg, dot, sagittal, trunk_axes, unit
from formcheck_synth.schedule import PlannedSegment, Schedule, build_schedule
from formcheck_synth.skeleton import (
    SagittalTable,
    Setup,
    sagittal_table,
    solve_joints,
    solve_setup,
)
from formcheck_synth.spec import SynthSpec

SIDES: tuple[str, str] = ("left", "right")


@dataclass(frozen=True, kw_only=True)
class MotionPlan:
    """Per-frame body kinematics of one generated clip (N frames)."""

    drill: str
    fps: float
    body: Body
    #: (N,) seconds
    t: np.ndarray
    #: (N,) "setup", "lift", "top", "lower", "bottom", "hold", "single_leg"
    phase: np.ndarray
    #: (N,) index of the planned segment a frame belongs to (−1 none, −2 the partial rep)
    segment: np.ndarray
    segments: tuple[PlannedSegment, ...]
    #: (N, 3) mid-hip in the scene frame; (N,) its height above the floor
    pelvis_m: np.ndarray
    pelvis_height_m: np.ndarray
    trunk_pitch_deg: np.ndarray
    pelvis_roll_deg: np.ndarray
    head_pitch_deg: np.ndarray
    hip_extension_deg: dict[str, np.ndarray]
    hip_flexion_deg: dict[str, np.ndarray]
    hip_abduction_deg: dict[str, np.ndarray]
    knee_flexion_deg: dict[str, np.ndarray]
    ankle_plantarflexion_deg: dict[str, np.ndarray]
    shoulder_elevation_deg: dict[str, np.ndarray]
    shoulder_plane_deg: dict[str, np.ndarray]
    humeral_rotation_deg: dict[str, np.ndarray]
    elbow_flexion_deg: dict[str, np.ndarray]
    #: (N,) working (support) side: single-leg bridge (the current or last rep's), table-top
    #: single-leg phases; "" elsewhere
    working_side: np.ndarray
    #: arm pose of the clip: "crossed", "sides" or "glutes"
    arms: str
    #: height of the surface under the shoulders (0 floor; the bench's top in the table top)
    shoulder_support_m: float
    #: height of the surface under each foot (0 floor; the kettlebell's top)
    foot_support_m: dict[str, float]
    #: (N,) each foot's support x position (it slides in the "support foot sliding" fault)
    support_x_m: dict[str, np.ndarray]
    joints_m: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def joint(self, name: str) -> np.ndarray:
        return self.joints_m[name]

    def trunk_axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(s, a, l): superior, anterior and left unit vectors of the trunk, each (N, 3)."""
        return trunk_axes(self.trunk_pitch_deg)



def _outward(left: np.ndarray, side: str) -> np.ndarray:
    return left if side == "left" else -left


def _leg_angles(j: dict[str, np.ndarray], pitch: np.ndarray, roll: np.ndarray,
                side: str) -> dict[str, np.ndarray]:
    s, a, left = trunk_axes(pitch)
    b = np.radians(roll)[:, None]
    left_p = np.cos(b) * left + np.sin(b) * a
    ant_p = np.cos(b) * a - np.sin(b) * left
    hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
    d = unit(knee - hip)
    shin_up, foot = unit(knee - ankle), unit(j[f"{side}_toe"] - j[f"{side}_heel"])
    return {
        "ext": angle_deg(sagittal(j[f"{side}_shoulder"]), sagittal(hip), sagittal(knee)),
        "flex": np.degrees(np.arctan2(dot(d, ant_p), dot(d, -s))),
        "abd": np.degrees(np.arcsin(np.clip(dot(d, _outward(left_p, side)), -1, 1))),
        "knee": 180.0 - angle_deg(hip, knee, ankle),
        "ankle": np.degrees(np.arccos(np.clip(dot(shin_up, foot), -1, 1))) - 90.0,
    }


def arm_angles(shoulder: np.ndarray, elbow: np.ndarray, wrist: np.ndarray, pitch: np.ndarray,
               side: str) -> dict[str, np.ndarray]:
    """Elevation, plane, humeral rotation and elbow flexion (degrees) of one arm."""
    s, a, left = trunk_axes(pitch)
    u, f = unit(elbow - shoulder), unit(wrist - elbow)
    w = unit(f - dot(f, u)[:, None] * u)
    w0 = unit(a - dot(a, u)[:, None] * u)
    return {
        "elevation": np.degrees(np.arccos(np.clip(dot(u, -s), -1, 1))),
        "plane": np.degrees(np.arctan2(dot(u, _outward(left, side)), dot(u, a))),
        "rotation": np.degrees(np.arctan2(dot(np.cross(u, w0), w), dot(w0, w))),
        "elbow": np.degrees(np.arccos(np.clip(dot(u, f), -1, 1))),
    }


def arm_positions(plan: MotionPlan, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Elbow and wrist rebuilt from the plan's arm angles (forward kinematics, for rigs)."""
    s, a, left = plan.trunk_axes()
    el = np.radians(plan.shoulder_elevation_deg[side])[:, None]
    pl = np.radians(plan.shoulder_plane_deg[side])[:, None]
    rot = np.radians(plan.humeral_rotation_deg[side])[:, None]
    eb = np.radians(plan.elbow_flexion_deg[side])[:, None]
    u = np.cos(el) * -s + np.sin(el) * (np.cos(pl) * a + np.sin(pl) * _outward(left, side))
    w0 = unit(a - dot(a, u)[:, None] * u)
    w = np.cos(rot) * w0 + np.sin(rot) * np.cross(u, w0)
    f = np.cos(eb) * u + np.sin(eb) * w
    elbow = plan.joints_m[f"{side}_shoulder"] + plan.body.upper_arm_m * u
    return elbow, elbow + plan.body.forearm_m * f


def _assemble(spec: SynthSpec, body: Body, setup: Setup, sched: Schedule, alpha: np.ndarray,
              joints: dict[str, np.ndarray]) -> MotionPlan:
    legs = {side: _leg_angles(joints, alpha, sched.roll_deg, side) for side in SIDES}
    arms = {side: arm_angles(joints[f"{side}_shoulder"], joints[f"{side}_elbow"],
                             joints[f"{side}_wrist"], alpha, side) for side in SIDES}
    return MotionPlan(
        drill=spec.drill, fps=spec.fps, body=body, t=sched.t, phase=sched.phase,
        segment=sched.segment, segments=tuple(sched.segments),
        pelvis_m=joints["pelvis"], pelvis_height_m=joints["pelvis"][:, 1],
        trunk_pitch_deg=alpha, pelvis_roll_deg=sched.roll_deg, head_pitch_deg=sched.head_deg,
        hip_extension_deg={k: v["ext"] for k, v in legs.items()},
        hip_flexion_deg={k: v["flex"] for k, v in legs.items()},
        hip_abduction_deg={k: v["abd"] for k, v in legs.items()},
        knee_flexion_deg={k: v["knee"] for k, v in legs.items()},
        ankle_plantarflexion_deg={k: v["ankle"] for k, v in legs.items()},
        shoulder_elevation_deg={k: v["elevation"] for k, v in arms.items()},
        shoulder_plane_deg={k: v["plane"] for k, v in arms.items()},
        humeral_rotation_deg={k: v["rotation"] for k, v in arms.items()},
        elbow_flexion_deg={k: v["elbow"] for k, v in arms.items()},
        working_side=sched.working, arms=spec.arms,
        shoulder_support_m=max(setup.shoulder_y - body.shoulder_rest_m, 0.0),
        foot_support_m={side: setup.support_m for side in SIDES},
        support_x_m={side: setup.ankle_x + sched.slide_shin[side] * body.shin_m
                     for side in SIDES},
        joints_m=joints,
    )


def _trunk_pitch(body: Body, setup: Setup, sched: Schedule, table: SagittalTable) -> np.ndarray:
    """Trunk pitch giving the planned hip extension; where the support foot slides, solved
    for the foot's position (tables at a few offsets, interpolated)."""
    alpha = np.interp(sched.ext_deg, table.ext_deg, table.alpha_deg)
    slide = np.maximum(sched.slide_shin["left"], sched.slide_shin["right"]) * body.shin_m
    if slide.max() <= 0:
        return alpha
    offsets = np.linspace(0.0, float(slide.max()), 9)
    ankle_y = setup.support_m + body.ankle_height_m
    per = np.stack([np.interp(sched.ext_deg, tb.ext_deg, tb.alpha_deg) for tb in (
        sagittal_table(body, setup.shoulder_y, setup.ankle_x + o, ankle_y) for o in offsets)])
    pos = np.interp(slide, offsets, np.arange(offsets.size))
    lo = np.clip(np.floor(pos).astype(int), 0, offsets.size - 2)
    frac = pos - lo
    cols = np.arange(alpha.size)
    return (1 - frac) * per[lo, cols] + frac * per[lo + 1, cols]


def _working_extension(joints: dict[str, np.ndarray], working: np.ndarray,
                       alpha: np.ndarray) -> np.ndarray:
    """Working side's sagittal hip extension, signed: past 180° when hyperextended (the knee
    behind the trunk line), so a solver cannot settle on the wrong side of straight."""
    _, ant, _ = trunk_axes(alpha)
    ext = {}
    for side in SIDES:
        hip, knee = sagittal(joints[f"{side}_hip"]), sagittal(joints[f"{side}_knee"])
        a = angle_deg(sagittal(joints[f"{side}_shoulder"]), hip, knee)
        ext[side] = np.where(dot(knee - hip, ant) >= 0, a, 360.0 - a)
    both = 0.5 * (ext["left"] + ext["right"])
    return np.where(working == "left", ext["left"], np.where(working == "right", ext["right"],
                                                              both))


def _hold_working_extension(
    spec: SynthSpec, body: Body, setup: Setup, sched: Schedule, table: SagittalTable,
    alpha: np.ndarray, joints: dict[str, np.ndarray], iterations: int = 6,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Re-pitch the trunk until the working side's hip extension is the planned one (pelvis
    roll and a sliding foot otherwise shift it by a few degrees). Guarded Newton steps: the
    local slope by finite difference, a step kept only where it brings the angle closer."""
    lo, hi = float(table.alpha_deg[0]), float(table.alpha_deg[-1])
    free = np.where(sched.working == "left", sched.free_w["left"],
                    np.where(sched.working == "right", sched.free_w["right"], 0.0))
    planted = free < 0.01  # only where the working foot is on its support

    def error(j: dict[str, np.ndarray], a: np.ndarray) -> np.ndarray:
        return np.where(planted, sched.ext_deg - _working_extension(j, sched.working, a), 0.0)

    err = error(joints, alpha)
    for _ in range(iterations):
        if np.max(np.abs(err)) < 0.05:
            break
        probe = np.clip(alpha + 0.5, lo, hi)
        probe_err = error(solve_joints(spec, body, setup, sched, probe), probe)
        slope = (err - probe_err) / np.maximum(probe - alpha, 1e-6)
        step = np.where(slope > 0.2, np.clip(err / np.maximum(slope, 0.2), -4.0, 4.0), 0.0)
        trial = np.clip(alpha + step, lo, hi)
        trial_joints = solve_joints(spec, body, setup, sched, trial)
        trial_err = error(trial_joints, trial)
        better = np.abs(trial_err) < np.abs(err)
        alpha = np.where(better, trial, alpha)
        joints = {k: np.where(better[:, None], trial_joints[k], v) for k, v in joints.items()}
        err = np.where(better, trial_err, err)
    return alpha, joints


def plan_motion(spec: SynthSpec) -> MotionPlan:
    """The athlete's motion for a spec: deterministic for a given ``spec.seed``."""
    rng = np.random.default_rng(spec.seed)
    body = sample_body(rng)
    setup = solve_setup(spec, body, rng)
    table = sagittal_table(body, setup.shoulder_y, setup.ankle_x,
                           setup.support_m + body.ankle_height_m)
    sched = build_schedule(spec, table, rng)
    alpha = _trunk_pitch(body, setup, sched, table)
    joints = solve_joints(spec, body, setup, sched, alpha)
    alpha, joints = _hold_working_extension(spec, body, setup, sched, table, alpha, joints)
    return _assemble(spec, body, setup, sched, alpha, joints)
