"""The cue checks: small named functions over `Signals` and a `Span` → `CueResult`.

`judge(cue, ctx)` first asks whether the view can show the signals the cue needs and whether
they were visible enough in the segment; if not, the result is ``not_measurable`` with the
reason, and nothing is judged. Otherwise the cue's check (``CHECKS[cue.check]``) measures one
value and compares it with the cue's threshold. Thresholds come from the cue's params only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.drills.base import Cue
from formcheck.kinematics import nan_percentile
from formcheck.report.units import format_limit, format_value, measured, needs
from formcheck.report.words import hold_mark_words, mark_words, signal_words, views_words
from formcheck.segment import Span, frame_time, runs, top_pause_s
from formcheck.signals import Signals
from formcheck.types import CueResult, Reason, Status, TimeSpan

#: a segment whose needed signal is finite in less than this fraction of frames is not judged
MIN_VALID_FRACTION = 0.5


@dataclass(frozen=True, kw_only=True)
class CueContext:
    """What a check sees: the signals, the segment judged and the rest of the set."""

    signals: Signals
    span: Span | None
    #: the segment's index in the report (None for set-level cues)
    index: int | None
    #: every rep / hold of the set, in time order
    spans: tuple[Span, ...] = ()
    #: the hips-on-the-ground level of ``bridge_height`` for this clip (thigh lengths)
    ground_level: float = 0.0
    #: for a single-leg phase, the hold it belongs to
    parent: Span | None = None
    #: for a rep, the next rep of the set (None for the last)
    next_rep: Span | None = None
    #: drill-level facts a check needs (toe_variant, single_leg_spans)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sp(self) -> Span:
        """The segment judged (for segment-level checks; set-level ones have none)."""
        if self.span is None:
            raise ValueError("this check judges a segment, and none was given")
        return self.span

    def seg(self, name: str, span: Span | None = None) -> np.ndarray:
        sp = span or self.span
        x = self.signals[name]
        return x if sp is None else x[sp.start : sp.end]

    def time(self, i: int) -> float:
        return frame_time(self.signals.t, i)

    def duration(self, a: int, b: int) -> float:
        """Seconds from frame boundary a to b, to the millisecond (no float dust at a limit)."""
        return round(max(0.0, self.time(b) - self.time(a)), 3)


Check = Callable[[Cue, CueContext], CueResult]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check function under ``name`` (the name drills refer to)."""

    def deco(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return deco


# -- result helpers -------------------------------------------------------------------------


def result(
    cue: Cue,
    ctx: CueContext,
    ok: bool,
    value: float | None,
    threshold: float | None,
    comparison: str,
    unit: str,
    message: str,
    fault_spans: list[TimeSpan] | None = None,
) -> CueResult:
    """A judged result: pass when ``ok``; else fault (or advice for an advice cue)."""
    bad = Status.ADVICE if cue.kind == "advice" else Status.FAULT
    return CueResult(
        cue_id=cue.id,
        segment_index=ctx.index,
        status=Status.PASS if ok else bad,
        value=_round(value),
        threshold=threshold,
        comparison=comparison,
        unit=unit,
        message=message,
        fault_spans=[] if ok else (fault_spans or []),
    )


def info(cue: Cue, ctx: CueContext, value: float | None, unit: str, message: str) -> CueResult:
    return CueResult(
        cue_id=cue.id,
        segment_index=ctx.index,
        status=Status.INFO,
        value=_round(value),
        comparison="info",
        unit=unit,
        message=message,
    )


def not_measurable(cue: Cue, ctx: CueContext, reason: Reason, why: str) -> CueResult:
    """No verdict: ``reason`` the kind of cause (its mark in every rendering), ``why`` in words."""
    return CueResult(
        cue_id=cue.id,
        segment_index=ctx.index,
        status=Status.NOT_MEASURABLE,
        message=why,
        reason=reason,
    )


#: why a rep's lowering, bottom and touch-down are not judged when the clip cut the rep
#: (`formcheck.segment.Span.complete`): judging a part of a lowering would make up faults
CUT_BY_CLIP_END = "not measurable: cut by the clip end before the lowering finished"


def _round(v: float | None, nd: int = 3) -> float | None:
    if v is None or not math.isfinite(float(v)):
        return None
    return round(float(v), nd)


def span_time(ctx: CueContext, a: int, b: int) -> TimeSpan:
    return TimeSpan(start_s=round(ctx.time(a), 3), end_s=round(ctx.time(b), 3))


def mask_spans(ctx: CueContext, mask: np.ndarray, offset: int) -> list[TimeSpan]:
    """Time spans of the True runs of ``mask`` (indices relative to ``offset``)."""
    return [span_time(ctx, offset + a, offset + b) for a, b in runs(mask)]


def finite_fraction(x: np.ndarray) -> float:
    return float(np.isfinite(x).mean()) if x.size else 0.0


# -- measurability --------------------------------------------------------------------------


def measurability(cue: Cue, ctx: CueContext) -> tuple[Reason, str] | None:
    """Why the cue cannot be judged here (the kind of cause and its words), or None when it can."""
    view = ctx.signals.view
    if not cue.needs:
        return None
    shown = [s for s in cue.needs if view.can_measure(s)]
    if (cue.needs_any and not shown) or (not cue.needs_any and len(shown) < len(cue.needs)):
        missing = " or ".join(signal_words(s) for s in cue.needs if s not in shown)
        where = views_words(cue.views_needed)
        return Reason.VIEW, (
            f"not measurable: a {view.name} view cannot show the {missing}"
            + (f" (film from {where})" if where else "")
        )
    if not view.judges(cue.id):
        return Reason.VIEW, (
            f"not measurable: {view.yaw_deg:.0f}° off side-on, where the camera sweep"
            " (docs/camera_angles.md) did not judge it reliably; film from the side"
        )
    if ctx.span is not None:
        seen = [finite_fraction(ctx.seg(s)) for s in shown]
        if max(seen) < MIN_VALID_FRACTION:
            return Reason.NOT_SEEN, "not measurable: the body parts it needs were not seen clearly"
    return None


def judge(cue: Cue, ctx: CueContext) -> CueResult:
    """The cue's verdict on the context's segment (or the whole set)."""
    why = measurability(cue, ctx)
    if why is not None:
        return not_measurable(cue, ctx, *why)
    return CHECKS[cue.check](cue, ctx)


# -- signal pickers -------------------------------------------------------------------------


def extension(ctx: CueContext, span: Span | None = None) -> np.ndarray:
    """Hip extension over the segment: the working side's for single-leg work, else both."""
    sp = span or ctx.span
    if sp is not None and sp.side in ("left", "right"):
        own = ctx.seg(f"hip_extension_{sp.side}_deg", sp)
        if finite_fraction(own) >= MIN_VALID_FRACTION:
            return own
    return ctx.seg("hip_extension_deg", sp)


def _pct(x: np.ndarray, q: float) -> float:
    return nan_percentile(x, q)


def _phase_len(ctx: CueContext, name: str) -> float | None:
    ph = ctx.sp.phase(name) if ctx.span else None
    return None if ph is None else ctx.duration(*ph)


# -- reps: height and tempo -----------------------------------------------------------------


@check("peak_hip_extension")
def peak_hip_extension(cue: Cue, ctx: CueContext) -> CueResult:
    """Peak hip extension of the rep (90th percentile over its top phase) ≥ threshold."""
    top = ctx.sp.phase("top") or (ctx.sp.start, ctx.sp.end)
    x = extension(ctx)[top[0] - ctx.sp.start : top[1] - ctx.sp.start]
    peak = _pct(x, 90.0)
    if not math.isfinite(peak):
        return not_measurable(
            cue, ctx, Reason.NOT_SEEN, "not measurable: hip extension not visible at the top"
        )
    lim = cue.params["min_peak_hip_extension_deg"]
    ok = peak >= lim
    msg = f"peak hip extension {measured(peak, '>=', lim, 'deg')}"
    return result(cue, ctx, ok, peak, lim, ">=", "deg", msg, [span_time(ctx, *top)])


@check("top_pause")
def top_pause(cue: Cue, ctx: CueContext) -> CueResult:
    """Time the rep stays within the top band of its peak ≥ threshold."""
    top = ctx.sp.phase("top")
    if top is None:
        return not_measurable(cue, ctx, Reason.NOTHING, "not measurable: no top phase found")
    pause = top_pause_s(ctx.sp, ctx.signals.t)
    lim = cue.params["min_top_pause_s"]
    if pause < lim and top[1] >= len(ctx.signals):
        return not_measurable(
            cue, ctx, Reason.CUT, "not measurable: the clip ended during the top pause"
        )
    msg = f"top pause {measured(pause, '>=', lim, 's')}"
    return result(cue, ctx, pause >= lim, pause, lim, ">=", "s", msg, [span_time(ctx, *top)])


@check("slow_lowering")
def slow_lowering(cue: Cue, ctx: CueContext) -> CueResult:
    """Lowering time ≥ ``min_lower_s`` and ≥ ratio × lifting time."""
    lower, lift = _phase_len(ctx, "lower"), _phase_len(ctx, "lift")
    if not ctx.sp.complete or lower is None:
        return not_measurable(cue, ctx, Reason.CUT, CUT_BY_CLIP_END)
    lim = cue.params["min_lower_s"]
    need = max(lim, cue.params["min_lower_to_lift_ratio"] * (lift or 0.0))
    ok = lower >= need
    msg = (
        f"lowering {format_value(lower, 's', against=need)} {needs('>=', round(need, 3), 's')}, "
        f"lifting {format_value(lift or 0.0, 's')} (the lowering needs "
        f"{format_limit('>=', lim, 's')} and ≥ the lifting)"
    )
    ph = ctx.sp.phase("lower") or (ctx.sp.start, ctx.sp.end)
    return result(cue, ctx, ok, lower, round(need, 3), ">=", "s", msg, [span_time(ctx, *ph)])


def _rep_levels(ctx: CueContext, signal: str = "hip_lift") -> tuple[float, float, int] | None:
    """(peak hip lift, bottom hip lift after the rep, index of that bottom) for complete reps,
    read on ``signal`` (``bridge_height`` for the hips' level above the ground)."""
    sp = ctx.sp
    lift = ctx.signals[signal]
    low_ph = sp.phase("bottom") or sp.phase("lower")
    if not sp.complete or low_ph is None:
        return None
    peak = _pct(lift[sp.start : sp.end], 99.0)
    a, b = (sp.phase("lower") or low_ph)[0], max(low_ph[1], low_ph[0] + 1)
    seg = lift[a:b]
    if not np.isfinite(seg).any() or not math.isfinite(peak):
        return None
    i = a + int(np.nanargmin(seg))
    return peak, float(lift[i]), i


@check("bottom_return")
def bottom_return(cue: Cue, ctx: CueContext) -> CueResult:
    """Bottom bridge height as a fraction of the rep's range above the ground ≤ threshold."""
    if not ctx.sp.complete:
        return not_measurable(cue, ctx, Reason.CUT, CUT_BY_CLIP_END)
    lv = _rep_levels(ctx, "bridge_height")
    if lv is None:
        return not_measurable(
            cue, ctx, Reason.CUT, "not measurable: the rep has no bottom in the clip"
        )
    peak, bottom, i = lv
    ground = min(ctx.ground_level, cue.params["max_ground_level_thigh"])
    frac = (bottom - ground) / max(peak - ground, 1e-6)
    lim = cue.params["max_bottom_fraction"]
    msg = (
        f"hips came down to {format_value(frac, 'fraction', against=lim)} of the rep's height"
        f" {needs('<=', lim, 'fraction')}"
    )
    return result(
        cue, ctx, frac <= lim, frac, lim, "<=", "fraction", msg, [span_time(ctx, i, i + 1)]
    )


def _crossing(t: np.ndarray, x: np.ndarray, level: float, falling: bool) -> float | None:
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
    t: np.ndarray, x: np.ndarray, floor: float, rng: float, falling: bool
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
    floor = _pct(lift[a : max(b, a + 1)], 20.0)
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


def _fall_speed(t: np.ndarray, x: np.ndarray, end: float, w: float) -> float:
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


@check("no_drop_no_rest")
def no_drop_no_rest(cue: Cue, ctx: CueContext) -> CueResult:
    """No drop (mean downward hip speed over the last moments before touch-down) and no rest
    on the ground between reps (touch-down to lift-off)."""
    if not ctx.sp.complete:
        return not_measurable(cue, ctx, Reason.CUT, CUT_BY_CLIP_END)
    lv = _rep_levels(ctx)
    if lv is None:
        return not_measurable(
            cue, ctx, Reason.CUT, "not measurable: the rep has no bottom in the clip"
        )
    floor, down, up = _touchdown(ctx, lv[0])
    if down is None:
        return not_measurable(
            cue, ctx, Reason.NOTHING, "not measurable: no contact with the ground found"
        )
    # a window around the touch-down only: long clips have many reps
    t_all = ctx.signals.t
    a0 = max(int(np.searchsorted(t_all, down - cue.params["contact_window_s"] - 1.0)), 0)
    b0 = int(np.searchsorted(t_all, down + 1.0)) + 1
    t, fast = t_all[a0:b0], ctx.signals["hip_lift_fast"][a0:b0]
    ok_t = np.isfinite(fast)
    w = cue.params["contact_window_s"]
    if ok_t.sum() < 2:
        return not_measurable(
            cue, ctx, Reason.NOT_SEEN, "not measurable: hips not visible at the contact"
        )
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
    rest_txt = (
        ""
        if rest is None
        else f", {format_value(rest, 's', against=rmax)} on the ground {needs('<=', rmax, 's')}"
    )
    msg = f"hips met the ground at {measured(drop, '<=', vmax, 'thigh/s')}{rest_txt}"
    spans = []
    if drop > vmax:
        spans.append(TimeSpan(start_s=round(down - w, 3), end_s=round(down, 3)))
    if rest is not None and rest > rmax:
        spans.append(TimeSpan(start_s=round(down, 3), end_s=round(down + rest, 3)))
    return result(cue, ctx, ok, drop, vmax, "<=", "thigh/s", msg, spans)


# -- one-leg work, arms, knees ---------------------------------------------------------------


@check("pelvic_tilt")
def pelvic_tilt(cue: Cue, ctx: CueContext) -> CueResult:
    """Pelvic tilt through the segment (95th percentile) ≤ threshold."""
    x = ctx.seg("pelvic_tilt_deg")
    tilt = _pct(x, 95.0)
    lim = cue.params["max_pelvic_tilt_deg"]
    msg = f"pelvis tilted up to {measured(tilt, '<=', lim, 'deg')}"
    return result(
        cue, ctx, tilt <= lim, tilt, lim, "<=", "deg", msg, mask_spans(ctx, x > lim, ctx.sp.start)
    )


def _fraction_check(cue: Cue, ctx: CueContext, x: np.ndarray, what: str, offset: int) -> CueResult:
    """Fraction of frames where the 0/1 signal ``x`` is 1 ≥ ``min_fraction``."""
    ok_frames = x[np.isfinite(x)]
    frac = float(np.mean(ok_frames > 0.5)) if ok_frames.size else float("nan")
    lim = cue.params["min_fraction"]
    msg = (
        f"{what} {format_value(frac, 'fraction', against=lim)} of the time"
        f" {needs('>=', lim, 'fraction')}"
    )
    spans = mask_spans(ctx, x < 0.5, offset)
    return result(cue, ctx, frac >= lim, frac, lim, ">=", "fraction", msg, spans)


@check("arms_crossed")
def arms_crossed(cue: Cue, ctx: CueContext) -> CueResult:
    return _fraction_check(cue, ctx, ctx.seg("arms_crossed"), "arms crossed", ctx.sp.start)


@check("hands_on_glutes")
def hands_on_glutes(cue: Cue, ctx: CueContext) -> CueResult:
    """Over the set's reps: hands on the glutes for ≥ ``min_fraction`` (advice)."""
    if not ctx.spans:  # no set was done: nothing to advise on
        return not_measurable(
            cue, ctx, Reason.NOTHING, "not measurable: no reps or holds in the clip"
        )
    x = ctx.signals["hands_on_glutes"]
    sel = x[_set_frames(ctx)]  # each frame once: a floor hold lies inside its rep's top
    if finite_fraction(sel) < MIN_VALID_FRACTION:
        return not_measurable(
            cue, ctx, Reason.NOT_SEEN, "not measurable: the wrists were not visible enough"
        )
    ok_frames = sel[np.isfinite(sel)]
    frac = float(np.mean(ok_frames > 0.5))
    lim = cue.params["min_fraction"]
    msg = (
        f"hands on the glutes {format_value(frac, 'fraction', against=lim)} of the set"
        f" (advised {format_limit('>=', lim, 'fraction')})"
    )
    return result(cue, ctx, frac >= lim, frac, lim, ">=", "fraction", msg)


@check("support_drift")
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
    drift = _pct(x, 95.0) - _pct(x, 5.0)
    lim = cue.params["max_support_drift_shin"]
    msg = f"support foot moved {measured(drift, '<=', lim, 'shin')}"
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(cue, ctx, drift <= lim, drift, lim, "<=", "shin", msg, full)


@check("knee_gap_top")
def knee_gap_top(cue: Cue, ctx: CueContext) -> CueResult:
    """Knee gap (knee distance / hip distance) at the top of the rep ≥ threshold."""
    top = ctx.sp.phase("top") or (ctx.sp.start, ctx.sp.end)
    x = ctx.signals["knee_gap"][top[0] : top[1]]
    gap = _pct(x, 50.0)
    if not math.isfinite(gap):
        return not_measurable(
            cue, ctx, Reason.NOT_SEEN, "not measurable: knees not visible at the top"
        )
    lim = cue.params["min_knee_gap_ratio"]
    msg = f"knees {format_value(gap, 'ratio', against=lim)} apart at the top {needs('>=', lim, 'ratio')}"
    return result(cue, ctx, gap >= lim, gap, lim, ">=", "ratio", msg, [span_time(ctx, *top)])


@check("knee_gap_steady")
def knee_gap_steady(cue: Cue, ctx: CueContext) -> CueResult:
    """Range of the knee gap within the segment (p90 − p10; a hold's single-leg phases left
    out) ≤ threshold."""
    x = ctx.seg("knee_gap")
    if ctx.sp.kind == "hold":
        keep = _set_frames(ctx, tuple(ctx.extra.get("single_leg_spans", ())))
        x = ctx.signals["knee_gap"][keep]
    rng = _pct(x, 90.0) - _pct(x, 10.0)
    lim = cue.params["max_knee_gap_range"]
    msg = f"knee gap varied by {measured(rng, '<=', lim, 'ratio')}"
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(cue, ctx, rng <= lim, rng, lim, "<=", "ratio", msg, full)


# -- table-top holds -------------------------------------------------------------------------


def _set_frames(ctx: CueContext, exclude: tuple[Span, ...] = ()) -> np.ndarray:
    """Frame mask of the context's segment (else the set's segments, else all frames), minus
    ``exclude``."""
    n = len(ctx.signals)
    mask = np.zeros(n, dtype=bool)
    spans = (ctx.span,) if ctx.span is not None else ctx.spans
    for s in spans:
        mask[s.start : s.end] = True
    if not spans:
        mask[:] = True
    for s in exclude:
        mask[s.start : s.end] = False
    return mask


@check("setup")
def setup(cue: Cue, ctx: CueContext) -> CueResult:
    """Shoulders on the bench (height above the feet) and, unless the toe variant, heels down
    (medians over the hold outside its single-leg phases)."""
    frames = _set_frames(ctx, tuple(ctx.extra.get("single_leg_spans", ())))
    sh = _pct(ctx.signals["shoulder_height"][frames], 50.0)
    if not math.isfinite(sh):
        return not_measurable(
            cue, ctx, Reason.NOT_SEEN, "not measurable: shoulders or heels not visible"
        )
    lim = cue.params["min_shoulder_height_trunk"]
    heel_lim = cue.params["max_heel_above_toe_cm"]
    heels = [_pct(ctx.signals[f"heel_height_{s}_cm"][frames], 50.0) for s in ("left", "right")]
    heels = [h for h in heels if math.isfinite(h)]
    toe_variant = bool(ctx.extra.get("toe_variant"))
    # a set-up fault lifts both heels; one heel alone can read centimetres off either way (a
    # far foot placed by guess, an elevated camera tilting the feet's lines in opposite
    # senses): the mean of the two decides
    heel = float(np.mean(heels)) if heels else float("nan")
    heels_ok = toe_variant or not heels or heel <= heel_lim
    msg = f"shoulders {format_value(sh, 'trunk', against=lim)} above the feet {needs('>=', lim, 'trunk')}"
    if heels and not toe_variant:
        heel_txt = format_value(heel, "cm", against=heel_lim)
        heel_need = format_limit("<=", heel_lim, "cm")
        msg += f"; heels {heel_txt} above the toes (mean; needs {heel_need})"
    return result(cue, ctx, sh >= lim and heels_ok, sh, lim, ">=", "trunk", msg)


@check("head_neutral")
def head_neutral(cue: Cue, ctx: CueContext) -> CueResult:
    """Head–neck angle within ``max_head_neck_deg`` for ≥ ``min_fraction`` of the hold."""
    x = ctx.seg("head_neck_deg")
    lim = cue.params["max_head_neck_deg"]
    ok = np.where(np.isfinite(x), (x <= lim).astype(float), np.nan)
    what = f"head within {format_value(lim, 'deg')} of the trunk line"
    res = _fraction_check(cue, ctx, ok, what, ctx.sp.start)
    return res


@check("hold_top")
def hold_top(cue: Cue, ctx: CueContext) -> CueResult:
    """Median hip extension of the hold ≥ threshold and median knee angle within its range."""
    ext = _pct(extension(ctx), 50.0)
    knee = _pct(ctx.seg("knee_angle_deg"), 50.0)
    lim = cue.params["min_hip_extension_deg"]
    k_lo, k_hi = cue.params["min_knee_angle_deg"], cue.params["max_knee_angle_deg"]
    knee_ok = not math.isfinite(knee) or k_lo <= knee <= k_hi
    msg = f"hip extension {measured(ext, '>=', lim, 'deg')}"
    if math.isfinite(knee):
        k_range = f"{format_value(k_lo, 'deg')}–{format_value(k_hi, 'deg')}"
        msg += f", knee angle {format_value(knee, 'deg')} (needs {k_range})"
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(cue, ctx, ext >= lim and knee_ok, ext, lim, ">=", "deg", msg, full)


def mark_reached(longest_s: float, marks: tuple[float, float, float]) -> str:
    """The article's progression mark reached by the longest hold: none, 10s, 20s or 2min."""
    names = ("10s", "20s", "2min")
    reached = "none"
    for name, mark in zip(names, marks, strict=True):
        if longest_s >= mark:
            reached = name
    return reached


@check("hold_duration")
def hold_duration(cue: Cue, ctx: CueContext) -> CueResult:
    """Longest continuous hold against the 10 s / 20 s / 2 min marks (info)."""
    holds = [s for s in ctx.spans if s.kind == "hold"]
    longest = max((ctx.duration(s.start, s.end) for s in holds), default=0.0)
    marks = (cue.params["mark_1_s"], cue.params["mark_2_s"], cue.params["mark_3_s"])
    marks_txt = " / ".join(mark_words(m) for m in marks)
    msg = f"{hold_mark_words(longest, marks)} (marks {marks_txt})"
    return info(cue, ctx, longest, "s", msg)


@check("leg_lift")
def leg_lift(cue: Cue, ctx: CueContext) -> CueResult:
    """A single-leg phase: which foot, how high, how long (info)."""
    sp = ctx.sp
    lifted = "left" if sp.side == "right" else "right"
    height = _pct(ctx.seg(f"foot_lift_{lifted}_cm"), 90.0)
    dur = ctx.duration(sp.start, sp.end)
    msg = (
        f"{lifted} foot lifted {format_value(height, 'cm')} for {format_value(dur, 's')}"
        f" (standing on the {sp.side} leg)"
    )
    return info(cue, ctx, dur, "s", msg)


def _two_leg_frames(ctx: CueContext) -> np.ndarray:
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
    return _pct(ext[_two_leg_frames(ctx)], 50.0) - _pct(extension(ctx), 50.0)


def _sag_from_height(ctx: CueContext) -> float:
    """Hip extension lost on one leg, from the fall of the hips (degrees).

    From the side the far leg is hidden and MediaPipe places its knee by the near one: with
    the near leg lifted, the far (stance) leg's angle is the lifted leg's. The hips' height is
    seen, though: with the shoulders on the bench and the stance foot planted, a fall of dh
    turns the trunk by dh / trunk and the thigh by dh / thigh (both near level at the top),
    and the hip extension by their sum.
    """
    h = ctx.signals["bridge_height"]  # thigh lengths
    dh = _pct(h[_two_leg_frames(ctx)], 50.0) - _pct(ctx.seg("bridge_height"), 50.0)
    thigh, trunk = ctx.signals.lengths.get("thigh", 0.0), ctx.signals.lengths.get("trunk", 0.0)
    if not (math.isfinite(dh) and thigh > 0 and trunk > 0):
        return float("nan")
    return math.degrees(dh * (1.0 + thigh / trunk))


@check("hips_stay_up")
def hips_stay_up(cue: Cue, ctx: CueContext) -> CueResult:
    """On one leg: hip extension drop from the two-leg level ≤ threshold, and tilt ≤ threshold."""
    view = ctx.signals.view
    drop_lim, tilt_lim = cue.params["max_hip_drop_deg"], cue.params["max_pelvic_tilt_deg"]
    parts, ok, value, thr = [], True, None, None
    if view.can_measure("hip_extension_deg"):
        side = ctx.sp.side if ctx.sp.side in ("left", "right") else None
        hidden = view.is_side and side is not None and view.facing not in (None, side)
        drop = _sag_from_height(ctx) if hidden else _sag_from_extension(ctx, side)
        if math.isfinite(drop):
            ok &= drop <= drop_lim
            value, thr = drop, drop_lim
            how = " (from hip height: the far leg is hidden)" if hidden else ""
            fell = format_value(drop, "deg", against=drop_lim)
            parts.append(
                f"hip extension fell {fell} on one leg{how} {needs('<=', drop_lim, 'deg')}"
            )
    if view.can_measure("pelvic_tilt_deg"):
        tilt = _pct(ctx.seg("pelvic_tilt_deg"), 95.0)
        if math.isfinite(tilt):
            ok &= tilt <= tilt_lim
            if value is None:
                value, thr = tilt, tilt_lim
            parts.append(f"pelvis tilted {measured(tilt, '<=', tilt_lim, 'deg')}")
    if not parts:
        return not_measurable(
            cue, ctx, Reason.NOTHING, "not measurable: no two-leg level or tilt to compare"
        )
    full = [span_time(ctx, ctx.sp.start, ctx.sp.end)]
    return result(cue, ctx, ok, value, thr, "<=", "deg", "; ".join(parts), full)


@check("heel_up")
def heel_up(cue: Cue, ctx: CueContext) -> CueResult:
    """Toe variant: the stance heel above the toe line for the whole phase (its low end: the
    20th percentile, so one jittery frame does not decide) ≥ threshold."""
    if not ctx.extra.get("toe_variant"):
        msg = "toe variant not chosen (analyze --variant toe to check it)"
        return info(cue, ctx, None, "", msg)
    x = ctx.seg(f"heel_height_{ctx.sp.side}_cm")
    if finite_fraction(x) < MIN_VALID_FRACTION:
        return not_measurable(
            cue, ctx, Reason.NOT_SEEN, "not measurable: the stance heel was not visible"
        )
    low = _pct(x, 20.0)
    lim = cue.params["min_heel_above_toe_cm"]
    low_txt = format_value(low, "cm", against=lim)
    msg = f"{ctx.sp.side} heel {low_txt} above the toe line at its lowest {needs('>=', lim, 'cm')}"
    below = np.where(np.isfinite(x), x < lim, False)
    return result(
        cue, ctx, low >= lim, low, lim, ">=", "cm", msg, mask_spans(ctx, below, ctx.sp.start)
    )
