"""Checks of a rep's return to the ground: the hips touch down (all the way, not resting above
it) without dropping onto it or resting there between reps."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from formcheck.cues.base import (
    CUT_BY_CLIP_END,
    CueContext,
    not_measurable,
    pct,
    result,
    span_time,
)
from formcheck.types import CueResult, Reason, TimeSpan

if TYPE_CHECKING:
    from formcheck.drills.base import Cue

def _rep_levels(ctx: CueContext, signal: str = "hip_lift") -> tuple[float, float, int] | None:
    """(peak hip lift, bottom hip lift after the rep, index of that bottom) for complete reps,
    read on ``signal`` (``bridge_height`` for the hips' level above the ground)."""
    sp = ctx.sp
    lift = ctx.signals[signal]
    low_ph = sp.phase("bottom") or sp.phase("lower")
    if not sp.complete or low_ph is None:
        return None
    peak = pct(lift[sp.start : sp.end], 99.0)
    a, b = (sp.phase("lower") or low_ph)[0], max(low_ph[1], low_ph[0] + 1)
    seg = lift[a:b]
    if not np.isfinite(seg).any() or not math.isfinite(peak):
        return None
    i = a + int(np.nanargmin(seg))
    return peak, float(lift[i]), i


def bottom_return(cue: Cue, ctx: CueContext) -> CueResult:
    """Bottom bridge height as a fraction of the rep's range above the ground ≤ threshold."""
    if not ctx.sp.complete:
        return not_measurable(cue, ctx, Reason.CUT, CUT_BY_CLIP_END)
    lv = _rep_levels(ctx, "bridge_height")
    if lv is None:
        return not_measurable(cue, ctx, Reason.CUT, "no_bottom")
    peak, bottom, i = lv
    ground = min(ctx.ground_level, cue.params["max_ground_level_thigh"])
    frac = (bottom - ground) / max(peak - ground, 1e-6)
    lim = cue.params["max_bottom_fraction"]
    return result(
        cue, ctx, frac <= lim, frac, lim, "<=", "fraction", "bottom_return",
        [span_time(ctx, i, i + 1)],
    )  # fmt: skip


def _crossing(t: NDArray[Any], x: NDArray[Any], level: float, falling: bool) -> float | None:
    """Time ``x`` first crosses ``level`` (downward when ``falling``; the last upward crossing
    otherwise), interpolated between finite samples."""
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    if x.size < 2:
        return None
    below = x <= level
    idx = (
        np.flatnonzero(below[1:] & ~below[:-1])
        if falling
        else np.flatnonzero(~below[1:] & below[:-1])
    )
    if idx.size == 0:
        return None
    k = int(idx[0] if falling else idx[-1])
    x0, x1 = float(x[k]), float(x[k + 1])
    f = 0.0 if x1 == x0 else (level - x0) / (x1 - x0)
    return float(t[k] + f * (t[k + 1] - t[k]))


#: fractions of a rep's range whose crossings time a touch-down or lift-off: low enough to lie
#: inside a drop (the last third of a lowering), high enough to stand clear of the jitter
TOUCH_LEVELS = (0.12, 0.3)


def _touch_time(
    t: NDArray[Any], x: NDArray[Any], floor: float, rng: float, falling: bool
) -> float | None:
    """When the hips meet (``falling``) or leave the floor, from where the movement crosses two
    levels of its range (``TOUCH_LEVELS``): a body coming to rest (or starting) smoothly moves as the square of
    the time to that moment, so the two crossings extrapolate to it without counting the slow
    last centimetres, which jitter hides, as time on the ground."""
    lo, hi = TOUCH_LEVELS
    t_lo = _crossing(t, x, floor + lo * rng, falling)
    t_hi = _crossing(t, x, floor + hi * rng, falling)
    if t_lo is None or t_hi is None:
        return None
    r = math.sqrt(lo / hi)
    return (t_lo - r * t_hi) / (1.0 - r)


def _touchdown(ctx: CueContext, peak: float) -> tuple[float, float | None, float | None]:
    """(bottom level, touch-down time, lift-off time before the next rep or None).

    The bottom's level is the 20th percentile of the hip lift after the lowering.
    """
    sp = ctx.sp
    lift, t = ctx.signals["hip_lift"], ctx.signals.t
    top = sp.phase("top") or (sp.start, sp.end)
    a = (sp.phase("lower") or (sp.start, sp.end))[1]
    nxt = ctx.next_rep
    b = (nxt.phase("top") or (nxt.end, nxt.end))[0] if nxt is not None else sp.end
    floor = pct(lift[a : max(b, a + 1)], 20.0)
    if not math.isfinite(floor):
        return floor, None, None
    rng = peak - floor
    fast = ctx.signals["hip_lift_fast"]  # a drop's fall, not spread by smoothing
    down = _touch_time(t[top[1] : b], fast[top[1] : b], floor, rng, falling=True)
    seg = lift[top[1] : b]
    if down is not None and np.isfinite(seg).any():
        # the hips cannot touch down after their lowest point: a fall from a slow lowering
        # extrapolates too late, into the next lift when the rest is short
        down = min(down, float(t[top[1] + int(np.nanargmin(seg))]))
    up = None
    if nxt is not None:
        up = _touch_time(t[top[1] : b], lift[top[1] : b], floor, rng, falling=False)
    return floor, down, up


def _fall_speed(t: NDArray[Any], x: NDArray[Any], end: float, w: float) -> float:
    """Mean downward speed of ``x`` over the ``w`` seconds before ``end`` (units/s)."""
    return (float(np.interp(end - w, t, x)) - float(np.interp(end, t, x))) / w


def _lowest_time(ctx: CueContext) -> float | None:
    """Time of the lightly smoothed hip lift's lowest point between the top and the next
    rep's top (a sharp bottom, not moved by the full smoothing)."""
    sp, t = ctx.sp, ctx.signals.t
    a = (sp.phase("top") or (sp.start, sp.end))[1]
    nxt = ctx.next_rep
    b = (nxt.phase("top") or (nxt.end, nxt.end))[0] if nxt is not None else sp.end
    seg = ctx.signals["hip_lift_fast"][a:b]
    if not np.isfinite(seg).any():
        return None
    return float(t[a + int(np.nanargmin(seg))])


def no_drop_no_rest(cue: Cue, ctx: CueContext) -> CueResult:
    """No drop (mean downward hip speed over the last moments before touch-down) and no rest
    on the ground between reps (touch-down to lift-off)."""
    if not ctx.sp.complete:
        return not_measurable(cue, ctx, Reason.CUT, CUT_BY_CLIP_END)
    lv = _rep_levels(ctx)
    if lv is None:
        return not_measurable(cue, ctx, Reason.CUT, "no_bottom")
    floor, down, up = _touchdown(ctx, lv[0])
    if down is None:
        return not_measurable(cue, ctx, Reason.NOTHING, "no_contact")
    # a window around the touch-down only: long clips have many reps
    t_all = ctx.signals.t
    a0 = max(int(np.searchsorted(t_all, down - cue.params["contact_window_s"] - 1.0)), 0)
    b0 = int(np.searchsorted(t_all, down + 1.0)) + 1
    t, fast = t_all[a0:b0], ctx.signals["hip_lift_fast"][a0:b0]
    ok_t = np.isfinite(fast)
    w = cue.params["contact_window_s"]
    if ok_t.sum() < 2:
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "hips_not_seen_at_contact")
    drop = _fall_speed(t[ok_t], fast[ok_t], down, w)
    # the touch-down's extrapolation assumes hips slowing into the floor; a drop speeds up
    # (often after a slow lowering, then straight back up): where the light-smoothed lift's
    # lowest point ends a fall faster than the moment before, that is the contact
    fall_end = _lowest_time(ctx)
    if fall_end is not None:
        v = _fall_speed(t[ok_t], fast[ok_t], fall_end, w)
        if v > drop and v > _fall_speed(t[ok_t], fast[ok_t], fall_end - w, w):
            drop, down = v, min(down, fall_end)
    rest = None if up is None else max(0.0, up - down)
    vmax, rmax = cue.params["max_contact_speed_thigh_per_s"], cue.params["max_ground_rest_s"]
    ok = drop <= vmax and (rest is None or rest <= rmax)
    spans = []
    if drop > vmax:
        spans.append(TimeSpan(start_s=round(down - w, 3), end_s=round(down, 3)))
    if rest is not None and rest > rmax:
        spans.append(TimeSpan(start_s=round(down, 3), end_s=round(down + rest, 3)))
    return result(
        cue, ctx, ok, drop, vmax, "<=", "thigh/s", "no_drop_no_rest", spans,
        rest_s=rest, max_rest_s=rmax,
    )  # fmt: skip
