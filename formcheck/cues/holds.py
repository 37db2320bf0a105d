"""Checks of a table top's hold: the set-up, the head, the height held, the hold's length against
the article's marks, the one-leg phases and the heel-up progression."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from formcheck.cues.base import (
    MIN_VALID_FRACTION,
    CueContext,
    extension,
    finite_fraction,
    fraction_check,
    info,
    mask_spans,
    not_measurable,
    pct,
    result,
    set_frames,
    span_time,
)
from formcheck.segment import close_gaps
from formcheck.signals import WORKING_HIP_EXTENSION
from formcheck.smoothing import runs
from formcheck.types import CueResult, Reason

if TYPE_CHECKING:
    from formcheck.drills.base import Cue

def setup(cue: Cue, ctx: CueContext) -> CueResult:
    """Shoulders on the bench (height above the feet) and, unless the toe variant, heels down
    (medians over the hold outside its single-leg phases)."""
    frames = set_frames(ctx, ctx.single_leg_spans)
    sh = pct(ctx.signals["shoulder_height"][frames], 50.0)
    if not math.isfinite(sh):
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "shoulders_not_seen")
    lim = cue.params["min_shoulder_height_trunk"]
    heel_lim = cue.params["max_heel_above_toe_cm"]
    heels = [pct(ctx.signals[f"heel_above_toe_{s}_cm"][frames], 50.0) for s in ("left", "right")]
    heels = [h for h in heels if math.isfinite(h)]
    toe_variant = ctx.toe_variant
    # a set-up fault lifts both heels; one heel alone can read centimetres off either way (a
    # far foot placed by guess, an elevated camera tilting the feet's lines in opposite
    # senses): the mean of the two decides
    heel = float(np.mean(heels)) if heels else float("nan")
    heels_ok = toe_variant or not heels or heel <= heel_lim
    judged_heel = heel if heels and not toe_variant else None  # the words name it when judged
    return result(
        cue, ctx, sh >= lim and heels_ok, sh, lim, ">=", "trunk", "setup",
        heel_cm=judged_heel, max_heel_cm=heel_lim,
    )  # fmt: skip


def head_neutral(cue: Cue, ctx: CueContext) -> CueResult:
    """Head–neck angle within ``max_head_neck_deg`` for ≥ ``min_fraction`` of the hold."""
    x = ctx.seg("head_neck_deg")
    lim = cue.params["max_head_neck_deg"]
    ok = np.where(np.isfinite(x), (x <= lim).astype(float), np.nan)
    return fraction_check(cue, ctx, ok, "head_neutral", ctx.sp.start, max_head_neck_deg=lim)


def hold_top(cue: Cue, ctx: CueContext) -> CueResult:
    """Median hip extension of the hold ≥ threshold and median knee angle within its range."""
    ext = pct(extension(ctx), 50.0)
    knee = pct(ctx.seg("knee_angle_deg"), 50.0)
    lim = cue.params["min_hip_extension_deg"]
    k_lo, k_hi = cue.params["min_knee_angle_deg"], cue.params["max_knee_angle_deg"]
    knee_ok = not math.isfinite(knee) or k_lo <= knee <= k_hi
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(
        cue, ctx, ext >= lim and knee_ok, ext, lim, ">=", "deg", "hold_top", full,
        knee_deg=knee if math.isfinite(knee) else None, min_knee_deg=k_lo, max_knee_deg=k_hi,
    )  # fmt: skip


def time_in_position(cue: Cue, ctx: CueContext) -> CueResult:
    """Seconds of the hold spent in the bridge position (info): hip extension ≥ its floor and the
    knee angle within its range where the knee is seen. A hold segment also counts its sags that
    stay above tth.hold_top's dip line and its dips shorter than the dip time; this leaves them
    out, and gives the longest unbroken stretch in position beside the total."""
    # the standing leg's during the hold's one-leg phases: the lifted leg's hip is flexed
    ext, knee = ctx.seg(WORKING_HIP_EXTENSION), ctx.seg("knee_angle_deg")
    lo, hi = cue.params["min_knee_angle_deg"], cue.params["max_knee_angle_deg"]
    with np.errstate(invalid="ignore"):
        knee_ok = ~np.isfinite(knee) | ((knee >= lo) & (knee <= hi))
        in_position = (ext >= cue.params["min_hip_extension_deg"]) & knee_ok
    start = ctx.sp.start
    # a moment out of position does not break it, as a short dip does not end a hold
    in_position = close_gaps(in_position, ctx.signals.t[start : ctx.sp.end], cue.params["max_break_s"])
    stretches = [ctx.duration(start + a, start + b) for a, b in runs(in_position)]
    hold = ctx.duration(start, ctx.sp.end)
    total = round(sum(stretches), 3)
    return info(
        cue, ctx, total, "s", "time_in_position",
        hold_s=hold, longest_s=max(stretches, default=0.0),
        fraction=total / hold if hold > 0 else None,
    )  # fmt: skip


def mark_reached(longest_s: float, marks: tuple[float, float, float]) -> str:
    """The article's progression mark reached by the longest hold: none, 10s, 20s or 2min."""
    names = ("10s", "20s", "2min")
    reached = "none"
    for name, mark in zip(names, marks, strict=True):
        if longest_s >= mark:
            reached = name
    return reached


def hold_duration(cue: Cue, ctx: CueContext) -> CueResult:
    """Longest continuous hold against the 10 s / 20 s / 2 min marks (info)."""
    holds = [s for s in ctx.spans if s.kind == "hold"]
    longest = max((ctx.duration(s.start, s.end) for s in holds), default=0.0)
    marks = (cue.params["mark_1_s"], cue.params["mark_2_s"], cue.params["mark_3_s"])
    return info(
        cue, ctx, longest, "s", "hold_duration",
        mark_1_s=marks[0], mark_2_s=marks[1], mark_3_s=marks[2],
    )  # fmt: skip


def leg_lift(cue: Cue, ctx: CueContext) -> CueResult:
    """A single-leg phase: which foot, how high, how long (info)."""
    sp = ctx.sp
    lifted = "left" if sp.side == "right" else "right"
    height = pct(ctx.seg(f"foot_lift_{lifted}_cm"), 90.0)
    dur = ctx.duration(sp.start, sp.end)
    return info(
        cue, ctx, dur, "s", "leg_lift", lifted_side=lifted, height_cm=height, stance_side=sp.side
    )


def _two_leg_frames(ctx: CueContext) -> NDArray[Any]:
    """Frames of the parent hold outside every single-leg phase."""
    n = len(ctx.signals)
    mask = np.zeros(n, dtype=bool)
    if ctx.parent is not None:
        mask[ctx.parent.start : ctx.parent.end] = True
    for s in ctx.spans:
        mask[s.start : s.end] = False
    return mask


def _sag_from_extension(ctx: CueContext, side: str | None) -> float:
    """Stance side's hip extension, two-leg level minus single-leg median (degrees); the same
    side on both, since sides may read a few degrees apart."""
    ext = ctx.signals[f"hip_extension_{side}_deg" if side else "hip_extension_deg"]
    return pct(ext[_two_leg_frames(ctx)], 50.0) - pct(extension(ctx), 50.0)


def _sag_from_height(ctx: CueContext) -> float:
    """Hip extension lost on one leg, from the fall of the hips (degrees).

    From the side the far leg is hidden and MediaPipe places its knee by the near one: with
    the near leg lifted, the far (stance) leg's angle is the lifted leg's. The hips' height is
    seen, though: with the shoulders on the bench and the stance foot planted, a fall of dh
    turns the trunk by dh / trunk and the thigh by dh / thigh (both near level at the top),
    and the hip extension by their sum.
    """
    h = ctx.signals["bridge_height"]  # thigh lengths
    dh = pct(h[_two_leg_frames(ctx)], 50.0) - pct(ctx.seg("bridge_height"), 50.0)
    thigh, trunk = ctx.signals.lengths.get("thigh", 0.0), ctx.signals.lengths.get("trunk", 0.0)
    if not (math.isfinite(dh) and thigh > 0 and trunk > 0):
        return float("nan")
    return math.degrees(dh * (1.0 + thigh / trunk))


def hips_stay_up(cue: Cue, ctx: CueContext) -> CueResult:
    """On one leg: hip extension drop from the two-leg level ≤ threshold, and tilt ≤ threshold."""
    view = ctx.signals.view
    drop_lim, tilt_lim = cue.params["max_hip_drop_deg"], cue.params["max_pelvic_tilt_deg"]
    ok, value, thr = True, None, None
    drop_deg: float | None = None
    tilt_deg: float | None = None
    drop_from: str | None = None
    if view.can_measure("hip_extension_deg"):
        side = ctx.sp.side if ctx.sp.side in ("left", "right") else None
        hidden = view.is_side and side is not None and view.facing not in (None, side)
        drop = _sag_from_height(ctx) if hidden else _sag_from_extension(ctx, side)
        if math.isfinite(drop):
            ok &= drop <= drop_lim
            value, thr = drop, drop_lim
            drop_deg, drop_from = drop, "height" if hidden else "extension"
    if view.can_measure("pelvic_tilt_deg"):
        tilt = pct(ctx.seg("pelvic_tilt_deg"), 95.0)
        if math.isfinite(tilt):
            ok &= tilt <= tilt_lim
            if value is None:
                value, thr = tilt, tilt_lim
            tilt_deg = tilt
    if drop_deg is None and tilt_deg is None:
        return not_measurable(cue, ctx, Reason.NOTHING, "no_two_leg_level")
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(
        cue, ctx, ok, value, thr, "<=", "deg", "hips_stay_up", full,
        drop_deg=drop_deg, drop_from=drop_from, max_drop_deg=drop_lim,
        tilt_deg=tilt_deg, max_tilt_deg=tilt_lim,
    )  # fmt: skip


def heel_up(cue: Cue, ctx: CueContext) -> CueResult:
    """Toe variant: the stance heel above the toe line for the whole phase (its low end: the
    20th percentile, so one jittery frame does not decide) ≥ threshold."""
    if not ctx.toe_variant:
        return info(cue, ctx, None, "", "toe_variant_not_chosen")
    x = ctx.seg(f"heel_above_toe_{ctx.sp.side}_cm")
    if finite_fraction(x) < MIN_VALID_FRACTION:
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "stance_heel_not_seen")
    low = pct(x, 20.0)
    lim = cue.params["min_heel_above_toe_cm"]
    below = np.where(np.isfinite(x), x < lim, False)
    return result(
        cue, ctx, low >= lim, low, lim, ">=", "cm", "heel_up",
        mask_spans(ctx, below, ctx.sp.start), stance_side=ctx.sp.side,
    )  # fmt: skip
