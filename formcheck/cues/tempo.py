"""Checks of a rep's height and tempo: how high the hips rose, how long they held the top, how
slowly they came down."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from formcheck.cues.base import (
    CUT_BY_CLIP_END,
    CueContext,
    extension,
    not_measurable,
    pct,
    phase_len,
    result,
    span_time,
)
from formcheck.segment import top_pause_s
from formcheck.types import CueResult, Reason

if TYPE_CHECKING:
    from formcheck.drills.base import Cue

def peak_hip_extension(cue: Cue, ctx: CueContext) -> CueResult:
    """Peak hip extension of the rep (90th percentile over its top phase) ≥ threshold."""
    top = ctx.sp.phase("top") or (ctx.sp.start, ctx.sp.end)
    x = extension(ctx)[top[0] - ctx.sp.start : top[1] - ctx.sp.start]
    peak = pct(x, 90.0)
    if not math.isfinite(peak):
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "hip_extension_not_seen_at_top")
    lim = cue.params["min_peak_hip_extension_deg"]
    ok = peak >= lim
    return result(cue, ctx, ok, peak, lim, ">=", "deg", "peak_hip_extension", [span_time(ctx, *top)])


def top_pause(cue: Cue, ctx: CueContext) -> CueResult:
    """Time the rep stays within the top band of its peak ≥ threshold."""
    top = ctx.sp.phase("top")
    if top is None:
        return not_measurable(cue, ctx, Reason.NOTHING, "no_top_phase")
    pause = top_pause_s(ctx.sp, ctx.signals.t)
    lim = cue.params["min_top_pause_s"]
    if pause < lim and top[1] >= len(ctx.signals):
        return not_measurable(cue, ctx, Reason.CUT, "clip_ended_in_top")
    return result(
        cue, ctx, pause >= lim, pause, lim, ">=", "s", "top_pause", [span_time(ctx, *top)]
    )


def slow_lowering(cue: Cue, ctx: CueContext) -> CueResult:
    """Lowering time ≥ ``min_lower_s`` and ≥ ratio × lifting time."""
    lower, lift = phase_len(ctx, "lower"), phase_len(ctx, "lift")
    if not ctx.sp.complete or lower is None:
        return not_measurable(cue, ctx, Reason.CUT, CUT_BY_CLIP_END)
    lim = cue.params["min_lower_s"]
    need = max(lim, cue.params["min_lower_to_lift_ratio"] * (lift or 0.0))
    ok = lower >= need
    ph = ctx.sp.phase("lower") or (ctx.sp.start, ctx.sp.end)
    return result(
        cue, ctx, ok, lower, round(need, 3), ">=", "s", "slow_lowering", [span_time(ctx, *ph)],
        lift_s=lift or 0.0, min_lower_s=lim,
    )  # fmt: skip
