"""Checks of the body through a rep or hold: the pelvis level on one leg, the arms, the support
foot, the knees apart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from formcheck.cues.base import (
    MIN_VALID_FRACTION,
    CueContext,
    finite_fraction,
    fraction_check,
    mask_spans,
    not_measurable,
    pct,
    result,
    set_frames,
    span_time,
)
from formcheck.types import CueResult, Reason

if TYPE_CHECKING:
    from formcheck.drills.base import Cue

def pelvic_tilt(cue: Cue, ctx: CueContext) -> CueResult:
    """Pelvic tilt through the segment (95th percentile) ≤ threshold."""
    x = ctx.seg("pelvic_tilt_deg")
    tilt = pct(x, 95.0)
    lim = cue.params["max_pelvic_tilt_deg"]
    return result(
        cue, ctx, tilt <= lim, tilt, lim, "<=", "deg", "pelvic_tilt",
        mask_spans(ctx, x > lim, ctx.sp.start),
    )  # fmt: skip


def arms_crossed(cue: Cue, ctx: CueContext) -> CueResult:
    return fraction_check(cue, ctx, ctx.seg("arms_crossed"), "arms_crossed", ctx.sp.start)


def hands_on_glutes(cue: Cue, ctx: CueContext) -> CueResult:
    """Over the set's reps: hands on the glutes for ≥ ``min_fraction`` (advice)."""
    if not ctx.spans:  # no set was done: nothing to advise on
        return not_measurable(cue, ctx, Reason.NOTHING, "no_segments")
    x = ctx.signals["hands_on_glutes"]
    sel = x[set_frames(ctx)]  # each frame once: a floor hold lies inside its rep's top
    if finite_fraction(sel) < MIN_VALID_FRACTION:
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "wrists_not_seen")
    ok_frames = sel[np.isfinite(sel)]
    frac = float(np.mean(ok_frames > 0.5))
    lim = cue.params["min_fraction"]
    return result(cue, ctx, frac >= lim, frac, lim, ">=", "fraction", "hands_on_glutes")


def support_drift(cue: Cue, ctx: CueContext) -> CueResult:
    """Travel of the working foot along the floor through the lift and the top (p95 − p5) ≤
    threshold.

    A foot pushed along rather than down slides as the hips rise and is furthest out at the
    top. The lowering is left out: there the lifted foot comes back down beside the working
    one, and from the side MediaPipe drags the hidden far foot along with the near one. The
    lift is short beside the top, so the 5th/95th percentiles (not 10th/90th) reach its start.
    """
    side = ctx.sp.side
    name = f"support_drift_{side}" if side in ("left", "right") else "support_drift"
    end = (ctx.sp.phase("top") or ctx.sp.phase("lower") or (ctx.sp.start, ctx.sp.end))[1]
    x = ctx.signals[name][ctx.sp.start : max(end, ctx.sp.start + 1)]
    drift = pct(x, 95.0) - pct(x, 5.0)
    lim = cue.params["max_support_drift_shin"]
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(cue, ctx, drift <= lim, drift, lim, "<=", "shin", "support_drift", full)


def knee_gap_top(cue: Cue, ctx: CueContext) -> CueResult:
    """Knee gap (knee distance / hip distance) at the top of the rep ≥ threshold."""
    top = ctx.sp.phase("top") or (ctx.sp.start, ctx.sp.end)
    x = ctx.signals["knee_gap"][top[0] : top[1]]
    gap = pct(x, 50.0)
    if not math.isfinite(gap):
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "knees_not_seen_at_top")
    lim = cue.params["min_knee_gap_ratio"]
    return result(
        cue, ctx, gap >= lim, gap, lim, ">=", "ratio", "knee_gap_top", [span_time(ctx, *top)]
    )


def knee_gap_steady(cue: Cue, ctx: CueContext) -> CueResult:
    """Range of the knee gap within the segment (p90 − p10; a hold's single-leg phases left
    out) ≤ threshold."""
    x = ctx.seg("knee_gap")
    if ctx.sp.kind == "hold":
        keep = set_frames(ctx, ctx.single_leg_spans)
        x = ctx.signals["knee_gap"][keep]
    rng = pct(x, 90.0) - pct(x, 10.0)
    lim = cue.params["max_knee_gap_range"]
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(cue, ctx, rng <= lim, rng, lim, "<=", "ratio", "knee_gap_steady", full)
