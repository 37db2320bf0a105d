"""Per-frame signals of a pose track: the measurements every cue is judged on.

Every signal is an (N,) float64 array, NaN where it is not measurable (landmarks not visible
enough, person missing, or a camera view that cannot show it). Units are in the names; lengths
are scale-free, in the athlete's own thigh, shin or trunk lengths (medians over the clip), so
nothing depends on resolution or distance to the camera.

Geometry: a side view is measured in the image plane (pixels, aspect-correct, y up), where
MediaPipe is most accurate; other views use MediaPipe's world landmarks (metres, 3-D), whose
angles do not depend on the camera's yaw. "Up" is the floor's normal: for the image, the
perpendicular to the clip's floor line (shoulder → heel direction, a camera roll of up to 25°
is corrected); for world landmarks, −y.

Signals (see CUES.md): ``hip_extension_deg`` (+ ``_left``/``_right``; 180° = shoulder, hip and
knee in line), ``knee_angle_deg`` (180° = straight leg), ``bridge_height`` (mid-hip above the
shoulders' floor line, thigh lengths), ``pelvic_tilt_deg`` (hip line against the shoulder line),
``head_neck_deg`` (neck line mid-shoulder→mid-ear against trunk line mid-hip→mid-shoulder,
0° = in line), ``knee_gap`` (knee distance / hip distance), ``foot_lift_left_cm`` /
``foot_lift_right_cm`` (foot above its resting level), ``foot_height_left`` / ``_right``
(foot above the shoulders' level, thigh lengths), ``heel_height_left_cm`` / ``_right_cm``
(heel above the toe), ``support_drift`` (+ per side; foot's travel along the floor, shin lengths,
about its median), ``shoulder_height`` (shoulders above the lower heel, trunk lengths),
``arms_crossed`` and ``hands_on_glutes`` (1/0), and ``hip_lift`` (bridge height in any view,
used to find reps).

Posture signals, never blanked by the view (they tell whether the clip is a bridge at all, see
`formcheck.drills.recognize`): ``trunk_upright_deg`` (the trunk's elevation above the floor,
0° lying, 90° upright; the lower of the image's and the world landmarks' reading, since a body
lying along the optical axis looks upright in the image only), ``body_roll_deg`` (the shoulder
and hip lines' tilt out of the floor, world landmarks: 0° on the back, 90° on the side),
``hips_above_feet`` / ``shoulders_above_feet`` (above the lowest heel or toe, thigh lengths),
``wrists_overhead`` (the wrists past the shoulders along the hip → shoulder line, trunk
lengths) and ``shoulders_above_wrists`` (trunk lengths).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck import kinematics as kin
from formcheck.landmarks import SIDE
from formcheck.smoothing import (
    fill_gaps,
    gate_visibility,
    one_euro,
    running_median,
    smooth_zero_phase,
)
from formcheck.track import PoseTrack
from formcheck.view import View, detect_view

log = logging.getLogger(__name__)

#: landmarks the signals use (the rest are never cleaned, to save time)
USED = (0, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)
_POS = {lm: i for i, lm in enumerate(USED)}


@dataclass(frozen=True, kw_only=True)
class SignalParams:
    """How landmarks are cleaned before signals are computed (settings section ``signals``)."""

    visibility_floor: float = 0.3
    max_gap_s: float = 0.35
    smooth_window_s: float = 0.15
    #: the light smoothing of ``hip_lift_fast`` (timing a touch-down)
    fast_window_s: float = 0.07
    #: further smoothing of knee gap, pelvic tilt and foot heights (small, slow signals)
    slow_window_s: float = 0.4
    #: a foot's resting level: this percentile of its height over the clip
    foot_rest_percentile: float = 30.0
    one_euro_min_cutoff_hz: float = 1.5
    one_euro_beta: float = 0.02
    #: thigh length assumed for centimetre figures (about a quarter of a 1.70 m body height)
    thigh_length_cm: float = 42.0
    arms_crossed_max_trunk: float = 0.5
    hands_on_glutes_max_trunk: float = 0.35
    #: camera roll corrected from the shoulder→heel line; 0 = assume a level camera (default:
    #: a foot on a support or lifted tilts that line, which is worse than a rare rolled phone)
    max_floor_roll_deg: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Signals:
    """Named per-frame signals of one track, with the view they were measured in."""

    t: NDArray[Any]
    values: dict[str, NDArray[Any]]
    view: View
    fps: float
    #: the athlete's segment lengths in the geometry's units (px or m): thigh, shin, trunk
    lengths: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self.values[name]

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def series(self, name: str) -> NDArray[Any] | None:
        """The signal as floats, or None when it was not computed (a rendering's optional plot)."""
        arr = self.values.get(name)
        return None if arr is None else np.asarray(arr, dtype=np.float64)

    def valid(self, name: str) -> NDArray[Any]:
        """(N,) bool: frames where the signal was measurable."""
        return np.asarray(np.isfinite(self.values[name]))


#: half the running median's window for the support foot's position: spikes up to this long go.
#: On the rendered camera sweep's single-leg bridges filmed 15° off the side, the lifted leg
#: crossing the working foot swapped the feet for about 0.2 s; smoothed, that read as 0.17–0.31
#: shin lengths of slide on feet that never moved. With the heel and ankle for the toe
#: (`_feet`), false slgb.force_down faults there went from 6 of 12 reps to 2, and on the
#: synthetic suite's swapped feet from 4 to 0, with every planted slide still found. A
#: pushed foot slides and stays out for the whole top, far longer than this
DESPIKE_S = 0.25


@dataclass(frozen=True, kw_only=True)
class _Geo:
    """Cleaned landmark positions in one geometry, with its up direction and lengths."""

    p: NDArray[Any]  # (N, len(USED), D)
    up: NDArray[Any]  # (D,)
    along: NDArray[Any]  # (D,) floor direction (head → feet sense not guaranteed)
    thigh: float
    shin: float
    trunk: float
    fps: float = 30.0
    #: extra zero-phase smoothing of slow, small signals (0: none, e.g. live)
    slow_s: float = 0.0

    def slow(self, x: NDArray[Any]) -> NDArray[Any]:
        """``x`` smoothed over ``slow_s``: knee gap, pelvic lines, foot heights wobble slowly."""
        return smooth_zero_phase(x, self.fps, self.slow_s) if self.slow_s > 0 else x

    def despiked(self, x: NDArray[Any]) -> NDArray[Any]:
        """``x`` with spikes shorter than `DESPIKE_S` taken out (a running median), offline
        only, as ``slow`` is: a foot resting on the floor does not move, but where the lifted
        leg crosses it MediaPipe swaps the two feet for a few frames, and smoothed those read
        as a slide (`_feet`)."""
        if self.slow_s <= 0:
            return x
        return running_median(x, max(1, int(round(DESPIKE_S * self.fps))))

    def __call__(self, landmark: int) -> NDArray[Any]:
        return self.p[:, _POS[landmark]]

    def mid(self, a: int, b: int) -> NDArray[Any]:
        """Midpoint of two landmarks; one of them where the other is missing."""
        pa, pb = self(a), self(b)
        return np.where(np.isfinite(pa), np.where(np.isfinite(pb), (pa + pb) / 2, pa), pb)


def _clean(
    xyz: NDArray[Any], vis: NDArray[Any], t: NDArray[Any], fps: float, params: SignalParams, causal: bool
) -> NDArray[Any]:
    """Gate by visibility, fill short gaps, smooth (zero-phase offline, One Euro live)."""
    x = gate_visibility(xyz[:, USED], vis[:, USED], params.visibility_floor)
    x = fill_gaps(x, t, params.max_gap_s)
    if causal:
        n = x.shape[0]
        flat = one_euro(x.reshape(n, -1), t, params.one_euro_min_cutoff_hz, params.one_euro_beta)
        return flat.reshape(x.shape)
    return smooth_zero_phase(x, fps, params.smooth_window_s)


def _lengths(p: NDArray[Any]) -> tuple[float, float, float]:
    """Robust thigh, shin and trunk lengths (medians over frames; both sides pooled)."""
    L, R = SIDE["left"], SIDE["right"]

    def seg(a: str, b: str) -> float:
        both = np.concatenate([kin.distance(p[:, _POS[S[a]]], p[:, _POS[S[b]]]) for S in (L, R)])
        return kin.robust_length(both)

    mid_h = (p[:, _POS[L["hip"]]] + p[:, _POS[R["hip"]]]) / 2
    mid_s = (p[:, _POS[L["shoulder"]]] + p[:, _POS[R["shoulder"]]]) / 2
    return seg("hip", "knee"), seg("knee", "ankle"), kin.robust_length(kin.distance(mid_h, mid_s))


def _floor_2d(p: NDArray[Any], max_roll_deg: float) -> tuple[NDArray[Any], NDArray[Any]]:
    """Floor direction and up (unit, y up) in the image from the shoulder → heel line."""
    L, R = SIDE["left"], SIDE["right"]
    sh = (p[:, _POS[L["shoulder"]]] + p[:, _POS[R["shoulder"]]]) / 2
    heel = (p[:, _POS[L["heel"]]] + p[:, _POS[R["heel"]]]) / 2
    d = heel - sh
    d = d * np.sign(d[:, :1])  # point rightwards so angles are comparable
    ang = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    ang = ang[np.isfinite(ang)]
    roll = float(np.median(ang)) if ang.size else 0.0
    if abs(roll) > max_roll_deg:
        roll = 0.0
    r = np.radians(roll)
    along = np.array([np.cos(r), np.sin(r)])
    up = np.array([-np.sin(r), np.cos(r)])
    return along, up


def _median_unit(v: NDArray[Any]) -> NDArray[Any] | None:
    """Normalised componentwise median of the unit vectors in ``v`` (N, 3), or None."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    ok = np.isfinite(n[:, 0]) & (n[:, 0] > 1e-9)
    if ok.sum() < 3:
        return None
    m = np.median(v[ok] / n[ok], axis=0)
    norm = float(np.linalg.norm(m))
    return m / norm if norm > 1e-9 else None


def _floor_3d(p: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Floor direction and up in world landmarks, which turn with a tilted camera.

    The floor's normal is the cross product of the body's left→right axis and the feet's
    heel→toe direction (both lie flat on the floor); the world's −y when they are not seen.
    """
    L, R = SIDE["left"], SIDE["right"]
    # the shoulders' line, not the hips': a tilting pelvis is what we measure against it
    lateral = _median_unit(p[:, _POS[R["shoulder"]]] - p[:, _POS[L["shoulder"]]])
    foot = _median_unit(
        np.concatenate([p[:, _POS[S["toe"]]] - p[:, _POS[S["heel"]]] for S in (L, R)])
    )
    default = (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    if lateral is None or foot is None:
        return default
    up = np.cross(lateral, foot)
    norm = float(np.linalg.norm(up))
    if norm < 0.5:  # feet along the hip line: no floor to be had
        return default
    up = up / norm * (1.0 if up[1] >= 0 else -1.0)
    along = np.cross(up, lateral)
    return along / np.linalg.norm(along), up


def _image_geometry(track: PoseTrack, params: SignalParams, causal: bool) -> _Geo:
    """Cleaned image positions (pixels, y up), the floor from the shoulder → heel line."""
    xyz = track.image_px[:, :, :2].astype(np.float64)
    xyz[..., 1] *= -1.0
    p = _clean(xyz, track.image[:, :, 3], track.t, track.fps, params, causal)
    along, up = _floor_2d(p, params.max_floor_roll_deg)
    thigh, shin, trunk = _lengths(p)
    slow_s = 0.0 if causal else params.slow_window_s
    return _Geo(
        p=p, up=up, along=along, thigh=thigh, shin=shin, trunk=trunk, fps=track.fps, slow_s=slow_s
    )


def _geometry(track: PoseTrack, view: View, params: SignalParams, causal: bool) -> _Geo:
    """Cleaned positions in the view's geometry (image for side views, world otherwise)."""
    vis = track.image[:, :, 3]
    if view.is_side or view.name == "unknown":
        return _image_geometry(track, params, causal)
    else:
        xyz = track.world[:, :, :3].astype(np.float64)
        xyz[..., 1] *= -1.0
        p = _clean(xyz, vis, track.t, track.fps, params, causal)
        along, up = _floor_3d(p)
    thigh, shin, trunk = _lengths(p)
    slow_s = 0.0 if causal else params.slow_window_s
    return _Geo(
        p=p, up=up, along=along, thigh=thigh, shin=shin, trunk=trunk, fps=track.fps, slow_s=slow_s
    )


def _per_side(
    g: _Geo, view: View, a: str, b: str, c: str, shared: tuple[str, ...] = ()
) -> dict[str, NDArray[Any]]:
    """Joint angle a–b–c per side (180° = straight), plus the mean of the sides.

    Joints named in ``shared`` use the midpoint of both sides (for the hip angle: the trunk
    line mid-shoulder → mid-hip, which both sides share; in a side view the far side's own
    shoulder and hip are mostly hidden and jitter, and the midpoints halve that noise).
    """
    out: dict[str, NDArray[Any]] = {}
    lateral = g(SIDE["right"]["hip"]) - g(SIDE["left"]["hip"])
    for side in ("left", "right"):
        S = SIDE[side]
        pa, pb, pc = (
            g.mid(SIDE["left"][j], SIDE["right"][j]) if j in shared else g(S[j]) for j in (a, b, c)
        )
        if view.is_side or g.p.shape[-1] == 2:
            out[side] = kin.joint_angle_deg(pa, pb, pc)
        else:  # 3-D: measured in the sagittal plane, free of the camera's yaw
            out[side] = kin.sagittal_joint_angle_deg(pa, pb, pc, lateral)
    out["both"] = _nanmean2(out["left"], out["right"])
    return out


def _nanmean2(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    s = np.where(np.isfinite(a), a, 0.0) + np.where(np.isfinite(b), b, 0.0)
    n = np.isfinite(a).astype(float) + np.isfinite(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / n, np.nan)


def _height(g: _Geo, point: NDArray[Any], ref: NDArray[Any], unit: float) -> NDArray[Any]:
    return kin.height_along(point, ref, g.up) / unit


def _feet(
    g: _Geo, params: SignalParams, image_rise: dict[str, NDArray[Any]] | None = None
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
        low = np.fmin(_height(g, g(S["heel"]), sh, g.thigh), _height(g, g(S["toe"]), sh, g.thigh))
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


def _image_foot_rise(
    track: PoseTrack, g: _Geo, params: SignalParams, causal: bool
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
    x = gate_visibility(xy, track.image[:, idx, 3], params.visibility_floor)
    x = fill_gaps(x, track.t, params.max_gap_s)
    if not causal:
        x = smooth_zero_phase(x, track.fps, params.smooth_window_s)
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


def _arms(g: _Geo, params: SignalParams) -> dict[str, NDArray[Any]]:
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
        elbow_up = _height(g, g(me["elbow"]), sh, g.trunk) >= -0.1
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


def _body(g: _Geo, view: View) -> dict[str, NDArray[Any]]:
    """Signals of the trunk, head and pelvis."""
    L, R = SIDE["left"], SIDE["right"]
    hip, sh = g.mid(L["hip"], R["hip"]), g.mid(L["shoulder"], R["shoulder"])
    ear = g.mid(L["ear"], R["ear"])
    hip_line = g.slow(g(R["hip"]) - g(L["hip"]))
    sh_line = g.slow(g(R["shoulder"]) - g(L["shoulder"]))
    if g.p.shape[-1] == 2:  # image plane: no shoulder line → the image horizontal
        sh_line = np.where(np.isfinite(sh_line), sh_line, np.array([1.0, 0.0]))
    lower_heel = np.fmin(_height(g, g(L["heel"]), sh, 1.0), _height(g, g(R["heel"]), sh, 1.0))
    return {
        "hip_lift": _height(g, hip, sh, g.thigh),
        "pelvic_tilt_deg": _tilt_deg(hip_line, sh_line, g.up),
        "head_neck_deg": kin.vector_angle_deg(ear - sh, sh - hip),
        # the pelvis is rigid: divide by its median width, not each frame's jittery one
        "knee_gap": g.slow(
            kin.distance(g(L["knee"]), g(R["knee"]))
            / kin.robust_length(kin.distance(g(L["hip"]), g(R["hip"])))
        ),
        "shoulder_height": -lower_heel / g.trunk,
    }


def _heels(track: PoseTrack, g: _Geo, params: SignalParams, causal: bool) -> dict[str, NDArray[Any]]:
    """Heel above the toe, cm: in the image plane for a side view, else from world landmarks.

    From the side a foot's heel–toe line lies across the optical axis, so the image shows its
    tilt directly; MediaPipe's 2-D heel and toe on rendered side views read a flat foot 0–2.5
    cm heel-high. Its world feet are far worse there (a flat foot reads 8–10 cm heel-high: the
    world foot is short and pitched), so they serve only views where the heel and toe lie at
    different depths and the image would tilt the line by the camera's height and yaw.
    """
    if g.p.shape[-1] == 2:
        return {f"heel_height_{side}_cm": g.slow(
            _height(g, g(SIDE[side]["heel"]), g(SIDE[side]["toe"]), g.thigh)
            * params.thigh_length_cm) for side in ("left", "right")}
    out = {}
    L, R = SIDE["left"], SIDE["right"]
    idx = [L["heel"], L["toe"], R["heel"], R["toe"], L["shoulder"], R["shoulder"]]
    x = gate_visibility(track.world[:, idx, :3], track.image[:, idx, 3], params.visibility_floor)
    x = fill_gaps(x, track.t, params.max_gap_s)
    if not causal:
        x = smooth_zero_phase(x, track.fps, params.smooth_window_s)
    x[..., 1] *= -1.0  # y up
    k = _camera_pitch_slope(x[:, 5] - x[:, 4])
    for i, side in enumerate(("left", "right")):
        d = x[:, 2 * i] - x[:, 2 * i + 1]  # toe → heel
        out[f"heel_height_{side}_cm"] = g.slow((d[:, 1] - k * d[:, 2]) * 100.0)
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


def _image_hip_lift(
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
    g = _image_geometry(track, params, causal)
    if view.name != "oblique":
        g = replace(g, up=np.array([0.0, 1.0]))
    L, R = SIDE["left"], SIDE["right"]
    hip, sh = g.mid(L["hip"], R["hip"]), g.mid(L["shoulder"], R["shoulder"])
    if view.name != "oblique" and not causal and np.isfinite(sh).all(axis=-1).any():
        sh = np.broadcast_to(np.nanmedian(sh, axis=0), sh.shape)
    return _height(g, hip, sh, g.thigh), _hip_lift_fast(track, g, params, causal)


def _hip_lift_fast(track: PoseTrack, g: _Geo, params: SignalParams, causal: bool) -> NDArray[Any]:
    """Hip lift from lightly smoothed hips and shoulders: keeps a fast drop's speed, which the
    full smoothing spreads out (used only to time a touch-down)."""
    L, R = SIDE["left"], SIDE["right"]
    idx = [L["hip"], R["hip"], L["shoulder"], R["shoulder"]]
    if g.p.shape[-1] == 2:
        xyz = track.image_px[:, idx, :2].astype(np.float64)
    else:
        xyz = track.world[:, idx, :3].astype(np.float64)
    xyz[..., 1] *= -1.0
    x = gate_visibility(xyz, track.image[:, idx, 3], params.visibility_floor)
    x = fill_gaps(x, track.t, params.max_gap_s)
    if not causal:
        x = smooth_zero_phase(x, track.fps, params.fast_window_s)
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
    "foot_lift_left_cm": ("heel_height_left_cm",),
    "foot_lift_right_cm": ("heel_height_right_cm",),
    "support_drift": ("support_drift_left", "support_drift_right"),
    "arms_crossed": (),
    "hands_on_glutes": (),
    "shoulder_height": (),
}


def _gate_by_view(values: dict[str, NDArray[Any]], view: View) -> None:
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


def _posture(track: PoseTrack, g: _Geo, params: SignalParams) -> dict[str, NDArray[Any]]:
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
    out["body_roll_deg"] = _nanmean2(
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


def compute_signals(
    track: PoseTrack,
    *,
    causal: bool = False,
    view: View | None = None,
    params: SignalParams | None = None,
) -> Signals:
    """All signals of ``track``: pure, vectorised, NaN where not measurable.

    ``causal=True`` smooths with a One Euro filter (no look-ahead, for live use) instead of
    the zero-phase smoother. ``view`` defaults to ``detect_view(track)``.
    """
    params = params or SignalParams()
    view = view or detect_view(track)
    n = len(track)
    if n == 0 or not track.detected.any():
        return _empty_signals(track, view)
    g = _geometry(track, view, params, causal)
    values: dict[str, NDArray[Any]] = {}
    hip = _per_side(g, view, "shoulder", "hip", "knee")
    knee = _per_side(g, view, "hip", "knee", "ankle")
    values["hip_extension_deg"] = hip["both"]
    values["hip_extension_left_deg"], values["hip_extension_right_deg"] = hip["left"], hip["right"]
    values["knee_angle_deg"] = knee["both"]
    values["knee_angle_left_deg"], values["knee_angle_right_deg"] = knee["left"], knee["right"]
    values.update(_body(g, view))
    # the hips' level above the ground, in the view's geometry (`bottom_return`)
    values["bridge_height"] = values["hip_lift"].copy()
    if g.p.shape[-1] == 2:
        values["hip_lift_fast"] = _hip_lift_fast(track, g, params, causal)
    else:  # off the side, the hips' rise and fall is read in the image
        values["hip_lift"], values["hip_lift_fast"] = _image_hip_lift(track, view, params, causal)
    values.update(_heels(track, g, params, causal))
    image_rise = None if g.p.shape[-1] == 2 else _image_foot_rise(track, g, params, causal)
    values.update(_feet(g, params, image_rise))
    values.update(_arms(g, params))
    values.update(_posture(track, g, params))
    _gate_by_view(values, view)
    lengths = {"thigh": g.thigh, "shin": g.shin, "trunk": g.trunk}
    return Signals(t=track.t.copy(), values=values, view=view, fps=track.fps, lengths=lengths)


SIGNAL_NAMES: tuple[str, ...] = (
    "hip_extension_deg", "hip_extension_left_deg", "hip_extension_right_deg",
    "knee_angle_deg", "knee_angle_left_deg", "knee_angle_right_deg",
    "bridge_height", "hip_lift", "hip_lift_fast", "pelvic_tilt_deg", "head_neck_deg", "knee_gap",
    "foot_lift_left_cm", "foot_lift_right_cm", "foot_height_left", "foot_height_right",
    "foot_rise_left_cm", "foot_rise_right_cm",
    "heel_height_left_cm", "heel_height_right_cm",
    "support_drift", "support_drift_left", "support_drift_right",
    "shoulder_height", "arms_crossed", "hands_on_glutes",
    "trunk_upright_deg", "body_roll_deg", "hips_above_feet", "shoulders_above_feet",
    "wrists_overhead", "shoulders_above_wrists",
)  # fmt: skip


def _empty_signals(track: PoseTrack, view: View) -> Signals:
    n = len(track)
    values = {name: np.full(n, np.nan) for name in SIGNAL_NAMES}
    return Signals(t=track.t.copy(), values=values, view=view, fps=track.fps)
