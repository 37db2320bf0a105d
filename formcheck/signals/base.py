"""The signals' settings and type, and the geometry they are measured in: landmarks cleaned
(visibility, gaps, smoothing), the floor and up direction of the image or the world
landmarks, the athlete's segment lengths, and the angles and heights every signal is made of
(the package docstring has the conventions)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from formcheck.types import PoseTrack
from formcheck.view import View

#: landmarks the signals use (the rest are never cleaned, to save time)
USED = (0, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)


POS = {lm: i for i, lm in enumerate(USED)}


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


#: the hip extension a coach is shown: the working leg's during one-leg segments (the lifted
#: leg's hip is flexed, so the mean of both sides would read ~30° low), both sides' elsewhere
#: (it changes legs at a side switch, so the HTML plots draw each leg's own line instead);
#: added once the segments are known (`formcheck.segmenting.with_working_side`)
WORKING_HIP_EXTENSION = "hip_extension_working_deg"


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
class Geo:
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
        return self.p[:, POS[landmark]]

    def mid(self, a: int, b: int) -> NDArray[Any]:
        """Midpoint of two landmarks; one of them where the other is missing."""
        pa, pb = self(a), self(b)
        return np.where(np.isfinite(pa), np.where(np.isfinite(pb), (pa + pb) / 2, pa), pb)


def clean(
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


def clean_lightly(
    xyz: NDArray[Any], vis: NDArray[Any], track: PoseTrack, params: SignalParams, causal: bool,
    window_s: float,
) -> NDArray[Any]:
    """A few landmarks cleaned on their own: gated by visibility, short gaps filled, smoothed over
    ``window_s`` offline (live, as they come), for a signal that wants other smoothing than
    `clean`'s."""
    x = gate_visibility(xyz, vis, params.visibility_floor)
    x = fill_gaps(x, track.t, params.max_gap_s)
    return x if causal else smooth_zero_phase(x, track.fps, window_s)


def lengths(p: NDArray[Any]) -> tuple[float, float, float]:
    """Robust thigh, shin and trunk lengths (medians over frames; both sides pooled)."""
    L, R = SIDE["left"], SIDE["right"]

    def seg(a: str, b: str) -> float:
        both = np.concatenate([kin.distance(p[:, POS[S[a]]], p[:, POS[S[b]]]) for S in (L, R)])
        return kin.robust_length(both)

    mid_h = (p[:, POS[L["hip"]]] + p[:, POS[R["hip"]]]) / 2
    mid_s = (p[:, POS[L["shoulder"]]] + p[:, POS[R["shoulder"]]]) / 2
    return seg("hip", "knee"), seg("knee", "ankle"), kin.robust_length(kin.distance(mid_h, mid_s))


def _floor_2d(p: NDArray[Any], max_roll_deg: float) -> tuple[NDArray[Any], NDArray[Any]]:
    """Floor direction and up (unit, y up) in the image from the shoulder → heel line."""
    L, R = SIDE["left"], SIDE["right"]
    sh = (p[:, POS[L["shoulder"]]] + p[:, POS[R["shoulder"]]]) / 2
    heel = (p[:, POS[L["heel"]]] + p[:, POS[R["heel"]]]) / 2
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
    lateral = _median_unit(p[:, POS[R["shoulder"]]] - p[:, POS[L["shoulder"]]])
    foot = _median_unit(
        np.concatenate([p[:, POS[S["toe"]]] - p[:, POS[S["heel"]]] for S in (L, R)])
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


def image_geometry(track: PoseTrack, params: SignalParams, causal: bool) -> Geo:
    """Cleaned image positions (pixels, y up), the floor from the shoulder → heel line."""
    xyz = track.image_px[:, :, :2].astype(np.float64)
    xyz[..., 1] *= -1.0
    p = clean(xyz, track.image[:, :, 3], track.t, track.fps, params, causal)
    along, up = _floor_2d(p, params.max_floor_roll_deg)
    thigh, shin, trunk = lengths(p)
    slow_s = 0.0 if causal else params.slow_window_s
    return Geo(
        p=p, up=up, along=along, thigh=thigh, shin=shin, trunk=trunk, fps=track.fps, slow_s=slow_s
    )


def geometry(track: PoseTrack, view: View, params: SignalParams, causal: bool) -> Geo:
    """Cleaned positions in the view's geometry (image for side views, world otherwise)."""
    vis = track.image[:, :, 3]
    if view.is_side or view.name == "unknown":
        return image_geometry(track, params, causal)
    else:
        xyz = track.world[:, :, :3].astype(np.float64)
        xyz[..., 1] *= -1.0
        p = clean(xyz, vis, track.t, track.fps, params, causal)
        along, up = _floor_3d(p)
    thigh, shin, trunk = lengths(p)
    slow_s = 0.0 if causal else params.slow_window_s
    return Geo(
        p=p, up=up, along=along, thigh=thigh, shin=shin, trunk=trunk, fps=track.fps, slow_s=slow_s
    )


def per_side(
    g: Geo, view: View, a: str, b: str, c: str, shared: tuple[str, ...] = ()
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
    out["both"] = nanmean2(out["left"], out["right"])
    return out


def nanmean2(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    s = np.where(np.isfinite(a), a, 0.0) + np.where(np.isfinite(b), b, 0.0)
    n = np.isfinite(a).astype(float) + np.isfinite(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / n, np.nan)


def height(g: Geo, point: NDArray[Any], ref: NDArray[Any], unit: float) -> NDArray[Any]:
    return kin.height_along(point, ref, g.up) / unit

