"""Reps: peaks and troughs of the hips' height, each rep with its lift, top, lowering and bottom
(the package docstring's "Reps")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.segment.base import (
    SegmentParams,
    Span,
    range_levels,
    top_phase,
    with_top,
)
from formcheck.smoothing import smooth_zero_phase


def _last_below(pos: NDArray[Any], a: int, b: int, level: float) -> int:
    """Last index in [a, b) with pos ≤ level (a if none): where a lift leaves the bottom."""
    idx = np.flatnonzero(pos[a:b] <= level)
    return a + int(idx[-1]) if idx.size else a


def _first_below(pos: NDArray[Any], a: int, b: int, level: float) -> int | None:
    idx = np.flatnonzero(pos[a:b] <= level)
    return a + int(idx[0]) if idx.size else None


def swing_pivots(pos: NDArray[Any], swing: float) -> list[tuple[int, int]]:
    """Peaks (+1) and troughs (−1) of ``pos`` that the signal leaves by at least ``swing``.

    A zig-zag filter: an extreme is confirmed once the signal has moved ``swing`` away from
    it, so jitter smaller than ``swing`` makes no pivot, a rep of any height above it does,
    and a bottom that stays high (hips not touching down) still separates two reps.
    """
    idx = np.flatnonzero(np.isfinite(pos))
    vals = pos[idx].tolist()
    out: list[tuple[int, int]] = []
    direction = 0
    hi = lo = vals[0] if vals else 0.0
    hi_i = lo_i = 0
    for k, x in enumerate(vals):
        if x > hi:
            hi, hi_i = x, k
        if x < lo:
            lo, lo_i = x, k
        if direction >= 0 and hi - x >= swing:
            out.append((1, int(idx[hi_i])))
            direction, lo, lo_i = -1, x, k
        elif direction <= 0 and x - lo >= swing:
            out.append((-1, int(idx[lo_i])))
            direction, hi, hi_i = 1, x, k
    if direction == 1:  # the clip ends on the way up or at the top: that peak counts too
        out.append((1, int(idx[hi_i])))
    elif direction == -1:  # on the way down: a trough if the hips settled before the end
        tail = np.asarray(vals[_last_pivot_pos(out, idx) :])
        settled = np.flatnonzero(tail <= lo + 0.1 * swing)
        if settled.size and settled[0] < tail.size - 3:
            out.append((-1, int(idx[lo_i])))
    return out


def _last_pivot_pos(out: list[tuple[int, int]], idx: NDArray[Any]) -> int:
    """Position in the finite samples of the last pivot found."""
    return int(np.searchsorted(idx, out[-1][1])) if out else 0


def find_reps(
    t: NDArray[Any],
    pos: NDArray[Any],
    ext: NDArray[Any] | None = None,
    params: SegmentParams | None = None,
) -> list[Span]:
    """Reps (and an opening ``partial``) from hip lift ``pos`` and hip extension ``ext``.

    Peaks and troughs come from `swing_pivots` with a swing of ``min_amplitude_thigh`` or
    ``swing_fraction`` of the clip's range, whichever is larger; a peak after a trough is a rep.
    """
    p = params or SegmentParams()
    n = int(np.asarray(t).size)
    levels = range_levels(pos, p) if n >= 3 else None
    if levels is None:
        return []
    lo, hi = levels
    pivots = swing_pivots(pos, max(p.min_amplitude_thigh, p.swing_fraction * (hi - lo)))
    found: list[_Found] = []
    for k, (kind, ip) in enumerate(pivots):
        if kind != 1:
            continue
        prev = pivots[k - 1][1] if k > 0 else None
        nxt = pivots[k + 1][1] if k + 1 < len(pivots) else None
        peak = float(pos[ip])
        start = None
        if prev is not None:
            b0 = float(pos[prev])
            start = _last_below(pos, prev, ip, b0 + p.bottom_fraction * (peak - b0))
        lower_end = None
        # a trough the hips rose from again ends the lowering; the last pivot, a trough the
        # hips only settled in (`swing_pivots`), leaves it to `_end_of_last_lowering`
        if nxt is not None and k + 2 < len(pivots):
            b1 = float(pos[nxt])
            lower_end = _first_below(pos, ip, nxt + 1, b1 + p.bottom_fraction * (peak - b1))
        else:
            lower_end = _end_of_last_lowering(t, pos, ip, lo, p)
        found.append(_Found(start=start, lower_end=lower_end, bottom_end=n))
    return _build_reps(found, t, pos, ext, p, n)


def find_reps_end_on(
    t: NDArray[Any],
    pos: NDArray[Any],
    fps: float,
    ext: NDArray[Any] | None = None,
    params: SegmentParams | None = None,
) -> list[Span]:
    """`find_reps` for a camera at the feet or the head, where the hips hide behind the knees.

    MediaPipe's hips there overshoot on the way up, sink back at the top and wander through
    the lowering (on the rendered camera sweep's 75–90° clips the image hips follow the
    rendered ones with a correlation of 0.3–0.98), and at the shoulders' swing fraction of
    0.25 that wander made extra reps: 3–7 for 2. The zig-zag asks ``end_on_swing_fraction``
    of the range on a signal smoothed ``end_on_smooth_s`` more. Across the sweep's 19 end-on
    bridge clips (and the sample foot-end clip) swings of 0.3–0.4 and smoothing of 0.15–0.4 s
    all counted 12–14 right, against 7 at 0.25 unsmoothed; a rep's true swing is the whole
    range, and the fastest labelled real rep (1.95 s a cycle) is far slower than 0.3 s.
    """
    p = params or SegmentParams()
    smooth = smooth_zero_phase(np.asarray(pos, dtype=np.float64), fps, p.end_on_smooth_s)
    return find_reps(t, smooth, ext, replace(p, swing_fraction=p.end_on_swing_fraction))


#: a rep the clip ends in, resting above the floor, has lowered at least this much of its height
REST_MIN_LOWERED = 0.5


def _end_of_last_lowering(
    t: NDArray[Any], pos: NDArray[Any], ip: int, floor: float, p: SegmentParams
) -> int | None:
    """Where the lowering of a rep the clip ends in (peak ``ip``) reached the bottom, or None
    when the clip cut it first (`_back_down`). It ends as any rep's lowering does, against
    the lowest point the clip shows after the peak."""
    ok = np.flatnonzero(np.isfinite(pos[ip:])) + ip
    if ok.size == 0:
        return None
    peak, low = float(pos[ip]), float(np.nanmin(pos[ok]))
    if not _back_down(np.asarray(t, dtype=np.float64)[ok], pos[ok], peak, floor, p):
        return None
    return _first_below(pos, ip, pos.size, low + p.bottom_fraction * (peak - low))


def _back_down(t: NDArray[Any], x: NDArray[Any], peak: float, floor: float, p: SegmentParams) -> bool:
    """Whether hips ``x`` after a rep's peak (finite samples at times ``t``) ended the clip back
    down, with no trough they rose from again to tell.

    Back down is on the floor and stopped: the lowest point within ``bottom_fraction`` of the
    rep's height above the clip's ``floor`` (where touch_ground wants it), and a fall of less
    than that over the last ``end_settle_s`` (still falling, the touch-down is yet to come).
    Or resting above it (a hover, judged as one): lowered `REST_MIN_LOWERED` of the height and
    still within that band of the lowest point for the last ``end_rest_s``.
    """
    band = p.bottom_fraction * (peak - floor)
    low = float(x.min())

    def last(seconds: float) -> NDArray[Any]:
        return x[int(np.searchsorted(t, t[-1] - seconds)) :]

    on_floor = low <= floor + band and last(p.end_settle_s)[0] - x[-1] <= band
    resting = peak - low >= REST_MIN_LOWERED * (peak - floor) and bool(
        (last(p.end_rest_s) - low <= band).all()
    )
    return on_floor or resting


@dataclass(frozen=True, kw_only=True)
class _Found:
    """A peak found by `find_reps`: where its lift starts (None: the clip opened at the top),
    where its lowering ends (None: the clip cut it), the last frame it may run to."""

    start: int | None
    lower_end: int | None
    bottom_end: int


def _build_reps(
    found: list[_Found],
    t: NDArray[Any],
    pos: NDArray[Any],
    ext: NDArray[Any] | None,
    p: SegmentParams,
    n: int,
) -> list[Span]:
    spans: list[Span] = []
    for i, f in enumerate(found):
        start = f.start if f.start is not None else 0
        lower_end = f.lower_end if f.lower_end is not None else n
        nxt_start = found[i + 1].start if i + 1 < len(found) else None
        end = nxt_start if nxt_start is not None else f.bottom_end
        end = max(end, lower_end)
        top_s, top_e, peak, top_n = top_phase(ext, pos, t, start, max(lower_end, start + 1), p)
        phases = []
        if f.start is not None:
            phases.append(("lift", start, top_s))
        phases.append(("top", top_s, top_e))
        phases.append(("lower", top_e, lower_end))
        if lower_end < end:
            phases.append(("bottom", lower_end, end))
        spans.append(
            Span(
                kind="rep" if f.start is not None else "partial",
                start=start if f.start is not None else 0,
                end=end,
                phases=tuple(phases),
                peak=peak,
                top_frames=top_n,
                complete=f.lower_end is not None,
            )
        )
    return spans


def retop(
    span: Span,
    ext: NDArray[Any] | None,
    pos: NDArray[Any],
    t: NDArray[Any],
    params: SegmentParams | None = None,
) -> Span:
    """``span`` with its top phase found again on ``ext`` (e.g. the working leg's extension).

    A single-leg rep's top band must be read on the working leg: the lifted leg's hip stays
    flexed, so the mean of both sides moves half as far and 5° of it spans ~10° of the rep.
    """
    if span.kind not in ("rep", "partial"):
        return span
    p = params or SegmentParams()
    lower = span.phase("lower")
    lower_end = lower[1] if lower is not None else span.end
    top_s, top_e, peak, top_n = top_phase(
        ext, pos, t, span.start, max(lower_end, span.start + 1), p
    )
    return with_top(span, top_s, top_e, peak, top_n)


def held_top(span: Span, ext: NDArray[Any], params: SegmentParams | None = None) -> Span:
    """``span`` with its top phase read as a table top's hold is: the rep's stretch at
    ``hold_min_deg`` or more has its level (median), and the top runs from the first to the last
    frame above ``min(dip_deg, level − dip_margin_deg)``, the dip that would end a hold
    (tth.hold_top). A hip thrust's extension overshoots its plateau as it arrives (the labelled
    foot-end clip: ~171° for 0.3 s, then ~163° held), so the squeeze's 5° of the peak reads
    only that overshoot, the first 0.4–0.7 s of a 1.7–2 s top; the hold's rule reads the top
    the athlete holds. Unchanged when the rep never reaches ``hold_min_deg``."""
    if span.kind not in ("rep", "partial"):
        return span
    p = params or SegmentParams()
    lower = span.phase("lower")
    a, b = span.start, max(lower[1] if lower is not None else span.end, span.start + 1)
    x = np.asarray(ext[a:b], dtype=np.float64)
    up = x[np.isfinite(x) & (x >= p.hold_min_deg)]
    if up.size < 3:
        return span
    floor = min(p.dip_deg, float(np.median(up)) - p.dip_margin_deg)
    idx = np.flatnonzero(np.nan_to_num(x, nan=-np.inf) >= floor)
    if idx.size == 0:
        return span
    peak = a + int(np.nanargmax(x))
    return with_top(span, a + int(idx[0]), a + int(idx[-1]) + 1, peak, int(idx.size))

