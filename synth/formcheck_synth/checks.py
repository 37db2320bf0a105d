"""The checks of CUES.md applied to the true motion: one small function per cue.

Thresholds have one source: each check is handed its cue's ``params`` from the drill definition
(`formcheck.drills`), the same data the engine judges with, and the segmentation settings
(top band, bottom level) are `formcheck.segment.SegmentParams`' defaults. No threshold is
written here. What *is* the suite's own is the measurement: every value comes from the
noiseless 3D motion (`formcheck_synth.true_signals`), never from the engine's signals or checks.

Each check returns a `Check`: the true value, the verdict against the threshold, whether it is
clear (past the threshold by the margins written beside each call, in the threshold's unit),
and its signed ``margin`` from the threshold as a fraction of it (the borderline suite's
measure of how close a call is).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from formcheck.drills.base import Drill
from formcheck.segment import SegmentParams
from formcheck_synth.geometry import runs
from formcheck_synth.motion import MotionPlan
from formcheck_synth.spec import SynthSpec

if TYPE_CHECKING:
    from formcheck_synth.truth import SegmentTruth

Params = Mapping[str, float]
#: a hip angle judged against a straight line (180°) is "near" its threshold in degrees of bend
STRAIGHT_DEG = 180.0


@dataclass(frozen=True)
class Check:
    value: float | None
    verdict: str
    clear: bool
    #: (value − threshold) / scale, signed so that > 0 is the passing side; None for info
    margin: float | None = None


def _scale(thr: float, scale: float | None) -> float:
    return max(abs(thr) if scale is None else abs(scale), 1e-9)


def at_least(value: float, thr: float, pass_by: float, fault_by: float,
             scale: float | None = None) -> Check:
    """Pass when ``value ≥ thr``; clear at ``thr + pass_by`` or above, ``thr − fault_by`` or below."""
    return Check(value, "pass" if value >= thr else "fault",
                 value >= thr + pass_by or value <= thr - fault_by,
                 (value - thr) / _scale(thr, scale))


def at_most(value: float, thr: float, pass_by: float, fault_by: float,
            scale: float | None = None) -> Check:
    """Pass when ``value ≤ thr``; clear at ``thr − pass_by`` or below, ``thr + fault_by`` or above."""
    return Check(value, "pass" if value <= thr else "fault",
                 value <= thr - pass_by or value >= thr + fault_by,
                 (thr - value) / _scale(thr, scale))


def _min_margin(checks: list[Check]) -> float | None:
    margins = [c.margin for c in checks if c.margin is not None]
    return min(margins) if margins else None


def both(first: Check, second: Check) -> Check:
    """Fault when either faults; clear when a fault is clear or both passes are. The margin is
    the nearer pass's (it flips first) or the fault's furthest past its threshold."""
    faults = [c for c in (first, second) if c.verdict == "fault"]
    if faults:
        return Check(first.value, "fault", any(c.clear for c in faults), _min_margin(faults))
    return Check(first.value, "pass", first.clear and second.clear,
                 _min_margin([first, second]))


@dataclass(frozen=True)
class Context:
    spec: SynthSpec
    plan: MotionPlan
    scene: np.ndarray
    sig: dict[str, np.ndarray]
    segments: tuple[SegmentTruth, ...]
    #: (N,) frames inside a single-leg phase
    single_leg: np.ndarray
    #: the drill definition whose thresholds the truth applies
    drill: Drill
    #: segmentation settings (the top band, the bottom level of a rep)
    segment: SegmentParams

    def mask(self, t0: float, t1: float) -> np.ndarray:
        return (self.plan.t >= t0) & (self.plan.t < t1)

    def at(self, name: str, t: float) -> float:
        return float(np.interp(t, self.plan.t, self.sig[name]))

    def param(self, cue_id: str, name: str) -> float:
        return self.drill.param(cue_id, name)


def _span(ctx: Context, seg: SegmentTruth, name: str, exclude_single_leg: bool = False
          ) -> np.ndarray:
    m = ctx.mask(seg.start_s, seg.end_s)
    if exclude_single_leg:
        m &= ~ctx.single_leg
    return ctx.sig[name][m]


# -- reps --------------------------------------------------------------------------------------
def hips_up(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    thr = p["min_peak_hip_extension_deg"]
    return at_least(seg.measures["peak_hip_extension_deg"], thr, 6.0, 7.0, STRAIGHT_DEG - thr)


def top_pause(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    return at_least(seg.measures["top_pause_s"], p["min_top_pause_s"], 0.4, 0.4)


def slow_down(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    lower, lift = seg.measures["lower_s"], seg.measures["lift_s"]
    need = p["min_lower_to_lift_ratio"] * lift
    return both(at_least(lower, p["min_lower_s"], 0.5, 0.5),
                at_least(lower - need, 0.0, 0.5, 0.3, scale=need))


def touch_ground(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    return at_most(seg.measures["bottom_frac"], p["max_bottom_fraction"], 0.09, 0.10)


def _drop_speed(ctx: Context, seg: SegmentTruth, window_s: float) -> float:
    """Mean downward hip speed (thigh lengths/s) over the ``window_s`` before contact."""
    end = ctx.at("bridge_height", seg.end_s)
    return (ctx.at("bridge_height", seg.end_s - window_s) - end) / window_s


def not_your_bone(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    drop = _drop_speed(ctx, seg, p["contact_window_s"])
    speed = at_most(drop, p["max_contact_speed_thigh_per_s"], 0.2, 0.3)
    return both(speed, at_most(seg.measures["bottom_rest_s"], p["max_ground_rest_s"], 0.25, 0.5))


def hips_level(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    tilt = float(np.max(np.abs(_span(ctx, seg, "pelvic_tilt_deg"))))
    return at_most(tilt, p["max_pelvic_tilt_deg"], 3.5, 5.0)


def arms_crossed(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    frac = float(np.mean(_span(ctx, seg, "arms_crossed")))
    return at_least(frac, p["min_fraction"], 0.07, 0.4)


def force_down(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    side = seg.side or "left"
    m = ctx.mask(seg.start_s, seg.end_s)
    drift = max(float(np.ptp(ctx.sig[f"{k}_{side}_m"][m])) for k in ("foot_x", "toe_x"))
    return at_most(drift / ctx.plan.body.shin_m, p["max_support_drift_shin"], 0.07, 0.10)


def knees_out(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    top = [ph for ph in seg.phases if ph.name == "top"]
    m = ctx.mask(top[0].start_s, top[0].end_s) if top else ctx.mask(seg.start_s, seg.end_s)
    return at_least(float(np.mean(ctx.sig["knee_gap"][m])), p["min_knee_gap_ratio"], 0.1, 0.2)


def ball_squeeze(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    gap = _span(ctx, seg, "knee_gap", exclude_single_leg=True)
    return at_most(float(np.ptp(gap)), p["max_knee_gap_range"], 0.07, 0.10)


def grab_glutes(ctx: Context, seg: SegmentTruth | None, p: Params) -> Check:
    reps = [s for s in ctx.segments if s.kind == "rep"]
    m = ctx.mask(reps[0].start_s, reps[-1].end_s)
    c = at_least(float(np.mean(ctx.sig["hands_on_glutes"][m])), p["min_fraction"], 0.15, 0.3)
    return Check(c.value, "advice" if c.verdict == "fault" else "pass", c.clear, c.margin)


# -- table top -----------------------------------------------------------------------------------
def setup(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    """Shoulders on the bench and, unless the toe variant is chosen, both heels down (the
    higher heel decides: CUES.md asks for both)."""
    shoulders = float(np.median(_span(ctx, seg, "shoulder_height_trunk")))
    on_bench = at_least(shoulders, p["min_shoulder_height_trunk"], 0.2, 0.15)
    if ctx.spec.toe_variant:
        return on_bench
    heels = max(float(np.median(_span(ctx, seg, f"heel_height_{s}_cm", True)))
                for s in ("left", "right"))
    return both(on_bench, at_most(heels, p["max_heel_above_toe_cm"], 1.0, 1.5))


def head_neutral(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    """Share of the hold with the head within the limit; its margin is the head angle's (the
    angle the hold's required share stays under) against the limit."""
    head = np.abs(_span(ctx, seg, "head_neck_deg"))
    limit, need = p["max_head_neck_deg"], p["min_fraction"]
    frac = float(np.mean(head <= limit))
    # clearly out: ≥ 8° past the limit for three times the share allowed out
    clear = bool(head.max() <= limit - 7.0 or np.mean(head >= limit + 8.0) >= 3 * (1 - need))
    angle = float(np.quantile(head, float(np.clip(need, 0.0, 1.0))))
    return Check(frac, "pass" if frac >= need else "fault", clear,
                 (limit - angle) / _scale(limit, None))


def _knee_check(knee: float, lo: float, hi: float) -> Check:
    """Inside [lo, hi]; clear 5° inside or 10° outside; margin to the nearer end."""
    inside = lo <= knee <= hi
    clear = lo + 5.0 <= knee <= hi - 5.0 or knee <= lo - 10.0 or knee >= hi + 10.0
    margin = min((knee - lo) / _scale(lo, None), (hi - knee) / _scale(hi, None))
    return Check(knee, "pass" if inside else "fault", clear, margin)


def hold_top(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    ext = float(np.median(_span(ctx, seg, "hip_extension_deg", True)))
    knee = float(np.median(_span(ctx, seg, "knee_angle_deg", True)))
    thr = p["min_hip_extension_deg"]
    return both(at_least(ext, thr, 5.0, 7.0, STRAIGHT_DEG - thr),
                _knee_check(knee, p["min_knee_angle_deg"], p["max_knee_angle_deg"]))


def time_in_position(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    """Seconds of the hold with the hips at or past the floor and the knee within its range; a
    moment out of position shorter than ``max_break_s`` inside the hold does not break it."""
    ext, knee = _span(ctx, seg, "hip_extension_deg"), _span(ctx, seg, "knee_angle_deg")
    inside = (ext >= p["min_hip_extension_deg"]) & (knee >= p["min_knee_angle_deg"]) & (
        knee <= p["max_knee_angle_deg"])
    if not len(inside):
        return Check(0.0, "info", True)
    dt = (seg.end_s - seg.start_s) / len(inside)
    for a, b in runs(~inside):  # a gap from the last frame in position to the next
        if 0 < a and b < len(inside) and (b - a + 1) * dt <= p["max_break_s"]:
            inside[a:b] = True
    return Check(float(np.sum(inside)) * dt, "info", True)


def duration(ctx: Context, seg: SegmentTruth | None, p: Params) -> Check:
    holds = [s.end_s - s.start_s for s in ctx.segments if s.kind == "hold"]
    return Check(max(holds, default=0.0), "info", True)


def leg_lift(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    return Check(seg.end_s - seg.start_s, "info", True)


def hips_stay_up(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    """What the view shows: hip sag from the side, pelvic tilt from the front, both oblique."""
    view = ctx.spec.view_class
    parts = []
    if view in ("side", "oblique"):
        parts.append(at_most(seg.measures["hip_sag_deg"], p["max_hip_drop_deg"], 2.5, 3.0))
    if view in ("front", "oblique"):
        tilt = float(np.max(np.abs(_span(ctx, seg, "pelvic_tilt_deg"))))
        parts.append(at_most(tilt, p["max_pelvic_tilt_deg"], 3.5, 5.0))
    return parts[0] if len(parts) == 1 else both(*parts)


def heel_up(ctx: Context, seg: SegmentTruth, p: Params) -> Check:
    heel = float(np.min(_span(ctx, seg, f"heel_above_toe_{seg.side}_cm")))
    return at_least(heel, p["min_heel_above_toe_cm"], 1.5, 1.5)


Evaluator = Callable[[Context, "SegmentTruth", Params], Check]
EVALUATORS: dict[str, Evaluator] = {
    "hips_up": hips_up, "squeeze_top": top_pause, "intent": top_pause, "slow_down": slow_down,
    "touch_ground": touch_ground, "not_your_bone": not_your_bone, "hips_level": hips_level,
    "arms_crossed": arms_crossed, "force_down": force_down, "knees_out": knees_out,
    "ball_squeeze": ball_squeeze, "grab_glutes": grab_glutes, "setup": setup,
    "head_neutral": head_neutral, "hold_top": hold_top, "time_in_position": time_in_position,
    "duration": duration,
    "leg_lift": leg_lift, "hips_stay_up": hips_stay_up, "heel_up": heel_up,
}
SO, FO, S, ANY = ("side", "oblique"), ("front", "oblique"), ("side",), ("side", "oblique", "front")
#: which view classes can measure each cue (CUES.md "needs view" of the signals it uses)
VIEWS: dict[str, tuple[str, ...]] = {
    "hips_up": SO, "squeeze_top": SO, "intent": SO, "slow_down": SO, "touch_ground": SO,
    "not_your_bone": SO, "hips_level": FO, "arms_crossed": ANY, "force_down": S,
    "grab_glutes": ANY, "knees_out": ("front",), "ball_squeeze": ("front",), "setup": SO,
    "head_neutral": S, "hold_top": SO, "time_in_position": SO, "duration": SO, "leg_lift": SO,
    "hips_stay_up": SO, "heel_up": SO,
}
#: parameters of the truth's cues that shape segments, not a verdict (read by `truth`), and
#: the engine's own measurement settings the truth has no use for (it knows the true floor)
SEGMENTATION_PARAMS: dict[str, tuple[str, ...]] = {
    "tth.hold_top": ("dip_below_deg", "min_dip_s"),
    "tth.leg_lift": ("min_foot_lift_cm",),
}
ENGINE_ONLY_PARAMS: dict[str, tuple[str, ...]] = {
    "slgb.touch_ground": ("max_ground_level_thigh",),
}
