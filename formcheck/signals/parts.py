"""The signals themselves, each family from the cleaned geometry (`formcheck.signals.base`):
the feet, the arms, the pelvis, knees and head, the heels, the hips' height off the side, the
posture that tells a bridge from other floor work, and the view's gating of what it cannot
show."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck import kinematics as kin
from formcheck.landmarks import SIDE
from formcheck.signals.base import (
    Geo,
    SignalParams,
    clean_lightly,
    height,
    image_geometry,
    nanmean2,
)
from formcheck.smoothing import (
    fill_gaps,
    gate_visibility,
)
from formcheck.types import PoseTrack
from formcheck.view import View


def feet(
    g: Geo, params: SignalParams, image_rise: dict[str, NDArray[Any]] | None = None
) -> dict[str, NDArray[Any]]:
    """Foot heights, lifts, heel-over-toe heights and support drift, per side.

    ``foot_rise_*_cm`` (what single-leg phases are found on) is ``foot_lift_*_cm`` never
    blanked by the view, capped by ``image_rise`` where given (`_image_foot_rise`).
    """
    out: dict[str, NDArray[Any]] = {}
    sh = g.mid(SIDE["left"]["shoulder"], SIDE["right"]["shoulder"])
    heights = {}
    for side in ("left", "right"):
        S = SIDE[side]
        # where the foot sits on the floor: heel and ankle. The toe landmark wanders 0.2–0.4
        # shin lengths on a still foot 15° off the side (the rendered sweep), the heel and
        # ankle 0.02–0.1; a foot pushed along slides whole, heel and ankle with it
        foot = kin.midpoint(g(S["heel"]), g(S["ankle"]))
        # a foot's height is its lower end's (heel or toe): rising onto the toes is no lift
        low = np.fmin(height(g, g(S["heel"]), sh, g.thigh), height(g, g(S["toe"]), sh, g.thigh))
        heights[side] = g.slow(low)
        pos = g.slow(g.despiked(np.sum(foot * g.along, axis=-1) / g.shin))
        out[f"support_drift_{side}"] = pos - kin.nan_percentile(pos, 50.0)
    rest = {s: kin.nan_percentile(h, params.foot_rest_percentile) for s, h in heights.items()}
    floor = (
        np.nanmin([rest["left"], rest["right"]])
        if any(np.isfinite(list(rest.values())))
        else np.nan
    )
    for side, h in heights.items():
        out[f"foot_height_{side}"] = h
        own = rest[side] if np.isfinite(rest[side]) else floor
        out[f"foot_lift_{side}_cm"] = (h - own) * params.thigh_length_cm
        # the same, never blanked by the view: only for finding single-leg phases
        out[f"foot_rise_{side}_cm"] = out[f"foot_lift_{side}_cm"].copy()
    if image_rise is not None:  # world landmarks: a foot rises only as far as the image agrees
        for side in ("left", "right"):
            key = f"foot_rise_{side}_cm"
            out[key] = np.minimum(out[key], image_rise[side])
    lower_left = heights["left"] <= heights["right"]
    out["support_drift"] = np.where(
        lower_left | ~np.isfinite(heights["right"]),
        out["support_drift_left"],
        out["support_drift_right"],
    )
    return out


def image_foot_rise(
    track: PoseTrack, g: Geo, params: SignalParams, causal: bool
) -> dict[str, NDArray[Any]]:
    """Each foot's rise above the other foot in the image, cm, about its usual level.

    For views measured in world landmarks (all but the side views). Their feet's heights are
    the pose model's 3-D guess, whose depth error grows where the body runs along the optical
    axis: in a foot-end or oblique hip thrust both planted feet read 5–11 cm "lifted" at every
    top, the plates' and the far leg's shapes moving them with the hips. The image shows what
    the camera saw: a foot that leaves the floor rises there against the planted one, and a
    planted pair keeps its image heights (within ±1.5 cm on that clip) whatever the hips do.
    Against the other foot, so a hand-held camera's shake and the hips' rise cancel out.

    Image heights are up the picture (−y); the scale is the shin, which stands upright in a
    bridge's and a table top's top as a foot's rise does, so both shrink alike with the
    camera's elevation (the thigh, which runs in depth from the feet, would not).
    """
    L, R = SIDE["left"], SIDE["right"]
    idx = [L["heel"], L["toe"], R["heel"], R["toe"], L["knee"], L["ankle"], R["knee"], R["ankle"]]
    xy = track.image_px[:, idx, :2].astype(np.float64)
    xy[..., 1] *= -1.0
    x = clean_lightly(xy, track.image[:, idx, 3], track, params, causal, params.smooth_window_s)
    low = {side: g.slow(np.fmin(x[:, k, 1], x[:, k + 1, 1])) for side, k in (("left", 0), ("right", 2))}
    shin_px = kin.robust_length(
        np.concatenate([kin.distance(x[:, 4], x[:, 5]), kin.distance(x[:, 6], x[:, 7])])
    )
    shin_cm = params.thigh_length_cm * g.shin / g.thigh if g.thigh > 0 else float("nan")
    out = {}
    for side, other in (("left", "right"), ("right", "left")):
        above = low[side] - low[other]
        out[side] = (above - kin.nan_percentile(above, params.foot_rest_percentile)) / shin_px * shin_cm
    return out


def arms(g: Geo, params: SignalParams) -> dict[str, NDArray[Any]]:
    """Arms crossed (wrists at the opposite shoulders, elbows off the floor), hands on glutes.

    A wrist that is not visible is left out; a frame with neither wrist visible is NaN.
    """
    L, R = SIDE["left"], SIDE["right"]
    sh = g.mid(L["shoulder"], R["shoulder"])
    crossed, glutes, seen = [], [], []
    for me, other in ((L, R), (R, L)):
        wrist = g(me["wrist"])
        ok = np.isfinite(wrist).all(axis=-1)
        d_sh = kin.distance(wrist, g(other["shoulder"])) / g.trunk
        elbow_up = height(g, g(me["elbow"]), sh, g.trunk) >= -0.1
        elbow_up |= ~np.isfinite(g(me["elbow"])).all(axis=-1)
        d_hip = kin.distance(wrist, g(me["hip"]))
        crossed.append(~ok | ((d_sh <= params.arms_crossed_max_trunk) & elbow_up))
        glutes.append(~ok | (d_hip / g.trunk <= params.hands_on_glutes_max_trunk))
        seen.append(ok)
    any_seen = seen[0] | seen[1]
    return {
        "arms_crossed": np.where(any_seen, (crossed[0] & crossed[1]).astype(float), np.nan),
        "hands_on_glutes": np.where(any_seen, (glutes[0] & glutes[1]).astype(float), np.nan),
    }


def _tilt_deg(hip_line: NDArray[Any], sh_line: NDArray[Any], up: NDArray[Any]) -> NDArray[Any]:
    """Pelvic tilt: how far the hip line leans out of the floor's plane (roll only, not the
    pelvis turning), against the shoulders' own lean — both lie on the floor or bench."""

    def lean(v: NDArray[Any]) -> NDArray[Any]:
        with np.errstate(invalid="ignore", divide="ignore"):
            sin = np.sum(v * up, axis=-1) / kin.norm(v)
        return np.asarray(np.degrees(np.arcsin(np.clip(sin, -1.0, 1.0))))

    return np.asarray(np.abs(lean(hip_line) - lean(sh_line)))


def body(g: Geo, view: View) -> dict[str, NDArray[Any]]:
    """Signals of the trunk, head and pelvis."""
    L, R = SIDE["left"], SIDE["right"]
    hip, sh = g.mid(L["hip"], R["hip"]), g.mid(L["shoulder"], R["shoulder"])
    ear = g.mid(L["ear"], R["ear"])
    hip_line = g.slow(g(R["hip"]) - g(L["hip"]))
    sh_line = g.slow(g(R["shoulder"]) - g(L["shoulder"]))
    if g.p.shape[-1] == 2:  # image plane: no shoulder line → the image horizontal
        sh_line = np.where(np.isfinite(sh_line), sh_line, np.array([1.0, 0.0]))
    lower_heel = np.fmin(height(g, g(L["heel"]), sh, 1.0), height(g, g(R["heel"]), sh, 1.0))
    return {
        "hip_lift": height(g, hip, sh, g.thigh),
        "pelvic_tilt_deg": _tilt_deg(hip_line, sh_line, g.up),
        "head_neck_deg": kin.vector_angle_deg(ear - sh, sh - hip),
        # the pelvis is rigid: divide by its median width, not each frame's jittery one
        "knee_gap": g.slow(
            kin.distance(g(L["knee"]), g(R["knee"]))
            / kin.robust_length(kin.distance(g(L["hip"]), g(R["hip"])))
        ),
        "shoulder_height": -lower_heel / g.trunk,
    }


def heels(track: PoseTrack, g: Geo, params: SignalParams, causal: bool) -> dict[str, NDArray[Any]]:
    """Heel above the toe, cm: in the image plane for a side view, else from world landmarks.

    From the side a foot's heel–toe line lies across the optical axis, so the image shows its
    tilt directly; MediaPipe's 2-D heel and toe on rendered side views read a flat foot 0–2.5
    cm heel-high. Its world feet are far worse there (a flat foot reads 8–10 cm heel-high: the
    world foot is short and pitched), so they serve only views where the heel and toe lie at
    different depths and the image would tilt the line by the camera's height and yaw.
    """
    if g.p.shape[-1] == 2:
        return {f"heel_above_toe_{side}_cm": g.slow(
            height(g, g(SIDE[side]["heel"]), g(SIDE[side]["toe"]), g.thigh)
            * params.thigh_length_cm) for side in ("left", "right")}
    out = {}
    L, R = SIDE["left"], SIDE["right"]
    idx = [L["heel"], L["toe"], R["heel"], R["toe"], L["shoulder"], R["shoulder"]]
    x = clean_lightly(
        track.world[:, idx, :3], track.image[:, idx, 3], track, params, causal, params.smooth_window_s
    )
    x[..., 1] *= -1.0  # y up
    k = _camera_pitch_slope(x[:, 5] - x[:, 4])
    for i, side in enumerate(("left", "right")):
        d = x[:, 2 * i] - x[:, 2 * i + 1]  # toe → heel
        out[f"heel_above_toe_{side}_cm"] = g.slow((d[:, 1] - k * d[:, 2]) * 100.0)
    return out


def _camera_pitch_slope(level_line: NDArray[Any]) -> float:
    """How much a level line rises per metre of depth in camera-aligned world landmarks.

    A camera pitched down tilts every level line that runs in depth; the shoulder line (on
    the floor or the bench) is level, so its rise over its depth gives the tilt to undo.
    """
    v = level_line[np.isfinite(level_line).all(axis=1)]
    deep = np.abs(v[:, 2]) > 0.5 * np.linalg.norm(v, axis=1)
    if deep.sum() < 3:
        return 0.0
    return float(np.median(v[deep, 1] / v[deep, 2]))


def image_hip_lift(
    track: PoseTrack, view: View, params: SignalParams, causal: bool
) -> tuple[NDArray[Any], NDArray[Any]]:
    """``hip_lift`` and ``hip_lift_fast`` of an oblique or front view, from the image.

    The world landmarks' depth is a guess, and their floor (`_floor_3d`, from the feet) runs
    25–45° off the vertical on the rendered camera sweep (`benchmarks/camera_sweep.py`), so
    their hips' height mixes in motion along the body: a dead bug's feet in the air made it
    swing like reps. A camera near level sees the hips rise in full from any azimuth: oblique,
    across the image's shoulder → heel floor line as a side view reads it; from the feet or
    the head, where that line runs up the picture, along the image's vertical. On the sweep
    this took rep counts at 45–60° from 14/20 to 20/20, and from the feet (75–90°) from 4/20
    to 9/20. The image's zero (hips level with the shoulders) moves with a raised camera's
    perspective, so the hips' level above the ground (``bridge_height``, what
    ``touch_ground`` reads) stays in the view's own geometry: on the image's zero the
    synthetic suite's oblique set hovering on every rep passed 5 of 13 times.

    From the feet or the head the hips are measured against where the shoulders lie over the
    clip (their median), not frame by frame: the shoulders stay on the floor, hidden behind
    the hips and knees, and MediaPipe's guess of them wanders 4–24 px (sd) on the sweep's
    75–90° clips where the rendered shoulders move 0.4–2 px, and often against the lift,
    which made extra reps. Live (``causal``) they stay per frame: no clip median to be had.
    """
    g = image_geometry(track, params, causal)
    if view.name != "oblique":
        g = replace(g, up=np.array([0.0, 1.0]))
    L, R = SIDE["left"], SIDE["right"]
    hip, sh = g.mid(L["hip"], R["hip"]), g.mid(L["shoulder"], R["shoulder"])
    if view.name != "oblique" and not causal and np.isfinite(sh).all(axis=-1).any():
        sh = np.broadcast_to(np.nanmedian(sh, axis=0), sh.shape)
    return height(g, hip, sh, g.thigh), hip_lift_fast(track, g, params, causal)


def hip_lift_fast(track: PoseTrack, g: Geo, params: SignalParams, causal: bool) -> NDArray[Any]:
    """Hip lift from lightly smoothed hips and shoulders: keeps a fast drop's speed, which the
    full smoothing spreads out (used only to time a touch-down)."""
    L, R = SIDE["left"], SIDE["right"]
    idx = [L["hip"], R["hip"], L["shoulder"], R["shoulder"]]
    if g.p.shape[-1] == 2:
        xyz = track.image_px[:, idx, :2].astype(np.float64)
    else:
        xyz = track.world[:, idx, :3].astype(np.float64)
    xyz[..., 1] *= -1.0
    x = clean_lightly(xyz, track.image[:, idx, 3], track, params, causal, params.fast_window_s)
    hip, sh = (x[:, 0] + x[:, 1]) / 2, (x[:, 2] + x[:, 3]) / 2
    return kin.height_along(hip, sh, g.up) / g.thigh


#: signals reported per view only where ``View.measurable`` says the view shows them
_GATED = {
    "hip_extension_deg": ("hip_extension_left_deg", "hip_extension_right_deg"),
    "knee_angle_deg": ("knee_angle_left_deg", "knee_angle_right_deg"),
    "bridge_height": (),
    "pelvic_tilt_deg": (),
    "head_neck_deg": (),
    "knee_gap": (),
    "foot_lift_left_cm": ("heel_above_toe_left_cm",),
    "foot_lift_right_cm": ("heel_above_toe_right_cm",),
    "support_drift": ("support_drift_left", "support_drift_right"),
    "arms_crossed": (),
    "hands_on_glutes": (),
    "shoulder_height": (),
}


def gate_by_view(values: dict[str, NDArray[Any]], view: View) -> None:
    """Blank (NaN) every signal, and its per-side variants, that the view cannot measure."""
    for name, extra in _GATED.items():
        if not view.can_measure(name):
            for key in (name, *extra):
                if key in values:
                    values[key] = np.full_like(values[key], np.nan)


def _elevation_deg(v: NDArray[Any], up: NDArray[Any]) -> NDArray[Any]:
    """Unsigned angle (deg) of each vector in ``v`` out of the plane normal to ``up``."""
    n = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sin = np.abs(np.sum(v * up, axis=-1)) / n
    return np.asarray(np.degrees(np.arcsin(np.clip(sin, 0.0, 1.0))))


def posture(track: PoseTrack, g: Geo, params: SignalParams) -> dict[str, NDArray[Any]]:
    """Whether the athlete lies on their back, feet planted, hands by the body (see the module
    docstring). The world's up is the camera's vertical here, not the floor `_floor_3d` finds
    from the feet: in a clip that is not a bridge the feet may be in the air."""
    L, R = SIDE["left"], SIDE["right"]
    idx = [L["shoulder"], R["shoulder"], L["hip"], R["hip"]]
    vis = track.image[:, idx, 3]
    out: dict[str, NDArray[Any]] = {}
    lines = []
    w, h = track.size
    pixels = track.image[:, idx, :2] * np.array([w, h], dtype=np.float32)
    for xyz in (track.world[:, idx, :3], pixels):
        x = gate_visibility(xyz.astype(np.float64), vis, params.visibility_floor)
        # not smoothed: what reads these is a median or a share of frames over the clip
        # (`drills.recognize`), which the landmarks' jitter does not move, and smoothing four
        # landmarks twice more costs a quarter of a second on a 1-hour track
        x = fill_gaps(x, track.t, params.max_gap_s)
        x[..., 1] *= -1.0
        lines.append(x)
    world, image = lines
    up3, up2 = np.array([0.0, 1.0, 0.0]), np.array([0.0, 1.0])
    trunk_w = (world[:, 0] + world[:, 1]) / 2 - (world[:, 2] + world[:, 3]) / 2
    trunk_i = (image[:, 0] + image[:, 1]) / 2 - (image[:, 2] + image[:, 3]) / 2
    out["trunk_upright_deg"] = np.fmin(_elevation_deg(trunk_w, up3), _elevation_deg(trunk_i, up2))
    out["body_roll_deg"] = nanmean2(
        _elevation_deg(world[:, 1] - world[:, 0], up3), _elevation_deg(world[:, 3] - world[:, 2], up3)
    )
    hip, sh = g.mid(L["hip"], R["hip"]), g.mid(L["shoulder"], R["shoulder"])
    ends = [g(S[j]) for S in (L, R) for j in ("heel", "toe")]
    feet = np.fmin.reduce([kin.height_along(e, np.zeros_like(e), g.up) for e in ends])
    out["hips_above_feet"] = (kin.height_along(hip, np.zeros_like(hip), g.up) - feet) / g.thigh
    out["shoulders_above_feet"] = (kin.height_along(sh, np.zeros_like(sh), g.up) - feet) / g.thigh
    wrist = g.mid(L["wrist"], R["wrist"])
    axis = sh - hip
    with np.errstate(invalid="ignore", divide="ignore"):
        axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    out["wrists_overhead"] = np.sum((wrist - sh) * axis, axis=-1) / g.trunk
    lower_wrist = np.fmin(
        kin.height_along(g(L["wrist"]), sh, g.up), kin.height_along(g(R["wrist"]), sh, g.up)
    )
    out["shoulders_above_wrists"] = -lower_wrist / g.trunk
    return out

