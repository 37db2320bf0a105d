"""The checks of CUES.md applied to the true motion: one small function per cue.

Each returns a `Check`: the true value, the verdict against CUES.md's default threshold, and
whether it is clear (past the threshold by the margins written beside each call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from formcheck.synth.motion import MotionPlan
from formcheck.synth.spec import SynthSpec

if TYPE_CHECKING:
    from formcheck.synth.truth import SegmentTruth

#: CUES.md defaults
MIN_HIP_EXTENSION_DEG = 165.0
MIN_TOP_PAUSE_S, TOP_BAND_DEG = 1.0, 5.0
MIN_LOWER_S = 1.5
MAX_BOTTOM_FRAC = 0.15
MAX_DROP_SPEED, DROP_WINDOW_S, MAX_REST_S = 0.5, 0.2, 1.0
MAX_PELVIC_TILT_DEG = 10.0
MIN_ARMS_FRACTION, MIN_GLUTES_FRACTION = 0.9, 0.8
MAX_DRIFT_SHIN = 0.15
MIN_KNEE_GAP, MAX_GAP_RANGE = 0.9, 0.15
MIN_SHOULDER_TRUNK, MAX_HEEL_CM = 0.5, 1.0
MAX_HEAD_DEG, MIN_HEAD_FRACTION = 20.0, 0.9
KNEE_RANGE_DEG = (80.0, 110.0)
HOLD_DIP_DEG, HOLD_DIP_S = 160.0, 0.5
MIN_FOOT_LIFT_CM, MAX_SAG_DEG = 2.5, 5.0
MIN_HEEL_UP_CM = 1.0  # stance heel above the toe line ("heel off the ground")



@dataclass(frozen=True)
class Check:
    value: float | None
    verdict: str
    clear: bool


def at_least(value: float, thr: float, clear_pass: float, clear_fault: float) -> Check:
    ok = value >= thr
    return Check(value, "pass" if ok else "fault", value >= clear_pass or value <= clear_fault)


def at_most(value: float, thr: float, clear_pass: float, clear_fault: float) -> Check:
    ok = value <= thr
    return Check(value, "pass" if ok else "fault", value <= clear_pass or value >= clear_fault)


def both(first: Check, second: Check) -> Check:
    """Fault when either faults; clear when a fault is clear or both passes are."""
    faults = [c for c in (first, second) if c.verdict == "fault"]
    if faults:
        return Check(first.value, "fault", any(c.clear for c in faults))
    return Check(first.value, "pass", first.clear and second.clear)


@dataclass(frozen=True)
class Context:
    spec: SynthSpec
    plan: MotionPlan
    scene: np.ndarray
    sig: dict[str, np.ndarray]
    segments: tuple[SegmentTruth, ...]
    #: (N,) frames inside a single-leg phase
    single_leg: np.ndarray

    def mask(self, t0: float, t1: float) -> np.ndarray:
        return (self.plan.t >= t0) & (self.plan.t < t1)

    def at(self, name: str, t: float) -> float:
        return float(np.interp(t, self.plan.t, self.sig[name]))


def _gap_check(verdict_ok: bool, value: float, clear: bool) -> Check:
    return Check(value, "pass" if verdict_ok else "fault", clear)


def _span(ctx: Context, seg: SegmentTruth, name: str, exclude_single_leg: bool = False
          ) -> np.ndarray:
    m = ctx.mask(seg.start_s, seg.end_s)
    if exclude_single_leg:
        m &= ~ctx.single_leg
    return ctx.sig[name][m]


# -- reps --------------------------------------------------------------------------------------
def hips_up(ctx: Context, seg: SegmentTruth) -> Check:
    return at_least(seg.measures["peak_hip_extension_deg"], MIN_HIP_EXTENSION_DEG, 171.0, 158.0)


def top_pause(ctx: Context, seg: SegmentTruth) -> Check:
    return at_least(seg.measures["top_pause_s"], MIN_TOP_PAUSE_S, 1.4, 0.6)


def slow_down(ctx: Context, seg: SegmentTruth) -> Check:
    lower, lift = seg.measures["lower_s"], seg.measures["lift_s"]
    return both(at_least(lower, MIN_LOWER_S, 2.0, 1.0), at_least(lower - lift, 0.0, 0.5, -0.3))


def touch_ground(ctx: Context, seg: SegmentTruth) -> Check:
    return at_most(seg.measures["bottom_frac"], MAX_BOTTOM_FRAC, 0.06, 0.25)


def not_your_bone(ctx: Context, seg: SegmentTruth) -> Check:
    speed = at_most(seg.measures["drop_speed_thigh_s"], MAX_DROP_SPEED, 0.3, 0.8)
    return both(speed, at_most(seg.measures["bottom_rest_s"], MAX_REST_S, 0.75, 1.5))


def hips_level(ctx: Context, seg: SegmentTruth) -> Check:
    tilt = float(np.max(np.abs(_span(ctx, seg, "pelvic_tilt_deg"))))
    return at_most(tilt, MAX_PELVIC_TILT_DEG, 6.5, 15.0)


def arms_crossed(ctx: Context, seg: SegmentTruth) -> Check:
    return at_least(float(np.mean(_span(ctx, seg, "arms_crossed"))), MIN_ARMS_FRACTION, 0.97, 0.5)


def force_down(ctx: Context, seg: SegmentTruth) -> Check:
    side = seg.side or "left"
    m = ctx.mask(seg.start_s, seg.end_s)
    drift = max(float(np.ptp(ctx.sig[f"{k}_{side}_m"][m])) for k in ("foot_x", "toe_x"))
    return at_most(drift / ctx.plan.body.shin_m, MAX_DRIFT_SHIN, 0.08, 0.25)


def knees_out(ctx: Context, seg: SegmentTruth) -> Check:
    top = [p for p in seg.phases if p.name == "top"]
    m = ctx.mask(top[0].start_s, top[0].end_s) if top else ctx.mask(seg.start_s, seg.end_s)
    return at_least(float(np.mean(ctx.sig["knee_gap"][m])), MIN_KNEE_GAP, 1.0, 0.7)


def ball_squeeze(ctx: Context, seg: SegmentTruth) -> Check:
    gap = _span(ctx, seg, "knee_gap", exclude_single_leg=True)
    return at_most(float(np.ptp(gap)), MAX_GAP_RANGE, 0.08, 0.25)


def grab_glutes(ctx: Context, seg: SegmentTruth | None) -> Check:
    reps = [s for s in ctx.segments if s.kind == "rep"]
    m = ctx.mask(reps[0].start_s, reps[-1].end_s)
    c = at_least(float(np.mean(ctx.sig["hands_on_glutes"][m])), MIN_GLUTES_FRACTION, 0.95, 0.5)
    return Check(c.value, "advice" if c.verdict == "fault" else "pass", c.clear)


# -- table top -----------------------------------------------------------------------------------
def setup(ctx: Context, seg: SegmentTruth) -> Check:
    shoulders = float(np.median(_span(ctx, seg, "shoulder_height_trunk")))
    heels = max(float(np.median(_span(ctx, seg, f"heel_height_{s}_cm", True)))
                for s in ("left", "right"))
    return both(at_least(shoulders, MIN_SHOULDER_TRUNK, 0.7, 0.35),
                at_most(heels, MAX_HEEL_CM, 0.5, 2.5))


def head_neutral(ctx: Context, seg: SegmentTruth) -> Check:
    head = np.abs(_span(ctx, seg, "head_neck_deg"))
    frac = float(np.mean(head <= MAX_HEAD_DEG))
    clear = bool(head.max() <= 13.0 or np.mean(head >= 28.0) >= 0.3)
    return _gap_check(frac >= MIN_HEAD_FRACTION, frac, clear)


def hold_top(ctx: Context, seg: SegmentTruth) -> Check:
    ext = float(np.median(_span(ctx, seg, "hip_extension_deg", True)))
    knee = float(np.median(_span(ctx, seg, "knee_angle_deg", True)))
    lo, hi = KNEE_RANGE_DEG
    knee_check = _gap_check(lo <= knee <= hi, knee, 85.0 <= knee <= 105.0 or not 70 < knee < 120)
    return both(at_least(ext, MIN_HIP_EXTENSION_DEG, 170.0, 158.0), knee_check)


def duration(ctx: Context, seg: SegmentTruth | None) -> Check:
    holds = [s.end_s - s.start_s for s in ctx.segments if s.kind == "hold"]
    return Check(max(holds, default=0.0), "info", True)


def leg_lift(ctx: Context, seg: SegmentTruth) -> Check:
    return Check(seg.end_s - seg.start_s, "info", True)


def hips_stay_up(ctx: Context, seg: SegmentTruth) -> Check:
    sag = at_most(seg.measures["hip_sag_deg"], MAX_SAG_DEG, 2.5, 8.0)
    tilt = at_most(float(np.max(np.abs(_span(ctx, seg, "pelvic_tilt_deg")))),
                   MAX_PELVIC_TILT_DEG, 6.5, 15.0)
    view = ctx.spec.view_class
    if view == "side":
        return sag
    if view == "front":
        return tilt
    return both(sag, tilt)


def heel_up(ctx: Context, seg: SegmentTruth) -> Check:
    heel = float(np.min(_span(ctx, seg, f"heel_above_toe_{seg.side}_cm")))
    return at_least(heel, MIN_HEEL_UP_CM, 2.5, 0.3)


EVALUATORS: dict[str, Callable[[Context, SegmentTruth], Check]] = {
    "hips_up": hips_up, "squeeze_top": top_pause, "intent": top_pause, "slow_down": slow_down,
    "touch_ground": touch_ground, "not_your_bone": not_your_bone, "hips_level": hips_level,
    "arms_crossed": arms_crossed, "force_down": force_down, "knees_out": knees_out,
    "ball_squeeze": ball_squeeze, "grab_glutes": grab_glutes, "setup": setup,
    "head_neutral": head_neutral, "hold_top": hold_top, "duration": duration,
    "leg_lift": leg_lift, "hips_stay_up": hips_stay_up, "heel_up": heel_up,
}
