"""Ground-truth BlazePose-33 landmarks of the posed Anny body.

Each landmark is a point fixed to one bone: a joint centre (the bone's head: hips, knees,
ankles, shoulders, elbows, wrists, finger roots) or a surface point picked once on the rest
mesh (nose tip, ears, mouth corners, heels, toe tips). Posing moves it with its bone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.landmarks import NAMES, NUM_LANDMARKS
from formcheck_synth.render.body import BodyModel
from formcheck_synth.render.pose_rig import PosedRig

_JOINT_BONE = {
    "shoulder": "upperarm01", "elbow": "lowerarm01", "wrist": "wrist",
    "pinky": "finger5-1", "index": "finger2-1", "thumb": "finger1-2",
    "hip": "upperleg01", "knee": "lowerleg01", "ankle": "foot",
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class MarkSet:
    """For each of the 33 landmarks: the bone it rides on and its rest position."""

    bones: np.ndarray  # (33,)
    rest: np.ndarray  # (33, 3)

    def world(self, body: BodyModel, rig: PosedRig) -> np.ndarray:
        """(33, 3) world positions for a posed rig."""
        offs = self.rest - body.bone_heads[self.bones]
        return rig.heads[self.bones] + np.einsum("nij,nj->ni", rig.rotations[self.bones], offs)


def _side_suffix(name: str) -> str:
    return ".L" if name.startswith("left") else ".R"


def _head_points(body: BodyModel) -> dict[str, np.ndarray]:
    v = body.vertices
    head = body.bone("head")
    hw = (body.weights * (body.weight_bones == head)).sum(axis=1)
    eye_l = body.bone_heads[body.bone("eye.L")]
    on_head = hw > 0.8
    mid = on_head & (np.abs(v[:, 0]) < 0.006) & (v[:, 2] < eye_l[2]) & (v[:, 2] > eye_l[2] - 0.06)
    nose = v[np.flatnonzero(mid)[np.argmin(v[mid, 1])]]
    mouth_z = nose[2] - 0.045
    pts = {"nose": nose, "left_ear": _ear(v, on_head, eye_l, 1.0), "right_ear": _ear(v, on_head, eye_l, -1.0)}
    for side, sign in (("left", 1.0), ("right", -1.0)):
        eye = body.bone_heads[body.bone(f"eye{'.L' if sign > 0 else '.R'}")]
        front = eye + np.array([0.0, -0.011, 0.0])
        pts[f"{side}_eye"] = front
        pts[f"{side}_eye_inner"] = front - np.array([sign * 0.012, 0.0, 0.0])
        pts[f"{side}_eye_outer"] = front + np.array([sign * 0.014, 0.0, 0.0])
        pts[f"mouth_{side}"] = np.array([sign * 0.024, nose[1] + 0.022, mouth_z])
    return pts


def _ear(v: np.ndarray, on_head: np.ndarray, eye: np.ndarray, sign: float) -> np.ndarray:
    """The ear canal: at the front edge of the auricle, at its mid height (BlazePose's ear
    point sits there, not on the rim)."""
    band = on_head & (np.abs(v[:, 2] - eye[2]) < 0.05) & (sign * v[:, 0] > 0)
    lateral = sign * v[band, 0]
    auricle = np.flatnonzero(band)[lateral > lateral.max() - 0.015]
    pts = v[auricle]
    return np.array([pts[:, 0].mean(), pts[:, 1].min() + 0.006, pts[:, 2].mean()])


def _foot_points(body: BodyModel, suffix: str) -> tuple[np.ndarray, np.ndarray]:
    v = body.vertices
    foot_bones = [i for i, b in enumerate(body.bone_labels) if b.endswith(suffix) and (b.startswith("foot") or b.startswith("toe"))]
    fw = (body.weights * np.isin(body.weight_bones, foot_bones)).sum(axis=1)
    on = fw > 0.8
    low = on & (v[:, 2] < body.floor_z + 0.012)
    heel = v[np.flatnonzero(low)[np.argmax(v[low, 1])]]
    toe2 = body.bone_heads[body.bone(f"toe2-1{suffix}")]
    near = on & (np.abs(v[:, 0] - toe2[0]) < 0.012)
    tip = v[np.flatnonzero(near)[np.argmin(v[near, 1])]]
    return heel, tip


def build_marks(body: BodyModel) -> MarkSet:
    bones = np.zeros(NUM_LANDMARKS, dtype=np.int64)
    rest = np.zeros((NUM_LANDMARKS, 3))
    head_pts = _head_points(body)
    head = body.bone("head")
    for i, name in enumerate(NAMES):
        if name in head_pts:
            bones[i], rest[i] = head, head_pts[name]
            continue
        side, _, joint = name.partition("_")
        sx = _side_suffix(name)
        if joint in _JOINT_BONE:
            b = body.bone(_JOINT_BONE[joint] + sx)
            bones[i], rest[i] = b, body.bone_heads[b]
        elif joint in ("heel", "foot_index"):
            heel, tip = _foot_points(body, sx)
            bones[i] = body.bone(f"foot{sx}")
            rest[i] = heel if joint == "heel" else tip
        else:
            raise KeyError(f"no ground-truth rule for landmark {name!r}")
    return MarkSet(bones=bones, rest=rest)
