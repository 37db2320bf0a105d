"""Segments of a set: reps with their phases, holds with their dips, single-leg phases.

Reps
----
Found on ``hip_lift`` (mid-hip height above the shoulders' floor line, thigh lengths) with a
hysteresis between two levels of the clip's own range (robust percentiles), so jitter cannot
make a rep and a clip's size or camera distance does not matter. A clip whose hips never move
by ``min_amplitude_thigh`` has no reps (a dead bug, a constant pose).

A rep is lift → top → lower → bottom, counted when a lift reaches the top; a clip that opens
at the top gives a ``partial`` segment (its top and lowering) that is not counted as a rep.
A rep's lowering ends where the hips come down into its bottom band: ``bottom_fraction`` of
the rep's height above the trough after it. A rep the clip ends in has no trough the hips rose
from again: it is complete once its hips are back down (`_back_down`: within
``bottom_fraction`` of its height above the clip's low level and stopped falling, or resting
most of the way down), and its lowering and touch-down are judged. A clip that ends before
that (at the top, mid-lowering, or paused part-way down) cuts the rep: ``complete=False``; it
still counts as a rep, and its lowering, touch-down and bottom are not judged.

The top phase is the time the hip extension stays within ``top_band_deg`` of the rep's peak
in a side view; in other views (whose 3-D hip angle is too noisy to time a 5° band) and where
no hip extension is seen, the hips within ``top_band_lift_fraction`` of the rep's height.
A single-leg rep's band is read again on the working hip (`retop`) in a side view: the mean of
both sides moves half as far. A table top's rep has its top read as its holds are (`held_top`).

Holds
-----
Frames with hip extension at least ``hold_min_deg`` make a hold; a dip below
``min(dip_deg, hold median − dip_margin_deg)`` lasting ``dip_min_s`` or more splits it.
Single-leg phases are stretches inside a hold where one foot is lifted by ``min_foot_lift_cm``
(`find_single_leg`; ``foot_rise_*_cm`` in `formcheck.signals` says when a view's foot heights
are read against the image).

Holds on the floor
------------------
CUES.md: "A floor bridge held: hips up and still for ≥ 2 s on the floor is a hold segment,
with its duration and any one-leg phases inside it, whichever floor drill it is judged as."
In the rep drills (`find_floor_holds`) hips up is the hips at least
``floor_hold_min_lift_thigh`` above the shoulders' floor line with the higher side's hip
extension at least ``hold_min_deg`` (a lifted leg's hip flexes, the planted one's stays
open); still is as for any hold (trimmed to its level, split by long dips); held is
``floor_hold_min_s`` or more. How a hold and the reps share the hips:

- a rep stays a rep whatever its top: a rep with a 4 s top is one rep with a 4 s top pause,
  counted and judged as a rep. Its top is its squeeze, not a hold, unless the hips are held
  there (still, and within ``floor_hold_top_band_fraction`` of the rep's height of its peak)
  for ``floor_hold_min_s`` and for most of the rep: longer than the rest of it, lift and
  lowering (`_held_in_rep`). Then the top is also a hold inside the rep: a bridge lifted
  into, held and lowered out of, or a held bridge whose hips sagged a rep's swing. The hips
  ease into and out of a squeeze: a 1.5 s squeeze with a slow lowering reads still for over
  2 s, and the rendered sample reps would all be holds by 2 s still alone;
- a clip that starts and ends at the top, without a lowering, has no rep (the hips never move
  a rep's swing): its hips-up stretch is a hold;
- a clip that opens at the top and then lowers gives its opening ``partial`` and the reps as
  before; the partial's top is a hold only on the same terms as a rep's (held longer than
  its lowering);
- a rep's lift, lowering and bottom are never part of a hold, and the rep count is reps only.

A hold's one-leg phases (`find_floor_single_leg`) are those of `find_single_leg`, timed by the
leg held up: from where the lifted foot is ``floor_leg_up_fraction`` of its peak lift on the
way up to the same on the way down (the foot's travel either side, ~0.4 s for a knee lifted
high, is a leg on its way; the smoothing of foot heights spreads it further).

A held drill done as reps
-------------------------
Athletes often do hip thrusts in the table-top position: lift, a brief squeeze, lower, again.
`reps_or_holds` tells that set from a hold. A held top is a hold when it lasts ``held_top_s``
or more; a rep whose top holds no such hold is a *brief* rep. With `MIN_BRIEF_REPS` brief reps
or more the set was done as reps: every rep is counted, with its tops and tempo as in the rep
drills, and the holds are its long still tops only (a hold may be a rep's top: a last rep held
4 s is both). Fewer, and the set is held as the article means it, exactly as before: one lift
into a 10–20 s hold is one cycle with a long top, and a hold that sags and recovers in the
middle is two cycles whose tops are both long (or one short, before the sag) — holds, no reps.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.smoothing import runs, smooth_zero_phase


@dataclass(frozen=True, kw_only=True)
class SegmentParams:
    """Thresholds of segmentation (settings section ``segment``)."""

    #: a rep moves the hips at least this much (thigh lengths)…
    min_amplitude_thigh: float = 0.1
    #: …and at least this fraction of the clip's hip-lift range (3rd to 97th percentile)
    swing_fraction: float = 0.25
    #: from the feet or the head (`find_reps_end_on`) the hips are hidden behind the knees and
    #: MediaPipe's guess of them jitters: reps swing this fraction of the range instead…
    end_on_swing_fraction: float = 0.35
    #: …on the hip lift smoothed this much more (seconds, zero-phase)
    end_on_smooth_s: float = 0.3
    #: holds without hip extension: hips-up hysteresis levels in the clip's range
    up_fraction: float = 0.55
    down_fraction: float = 0.3
    #: a rep leaves / reaches its bottom at this fraction of its range (CUES.md touch_ground)
    bottom_fraction: float = 0.15
    #: a rep the clip ends in is back down on the floor once its hips fell less than
    #: ``bottom_fraction`` of its height over the clip's last this many seconds…
    end_settle_s: float = 0.2
    #: …or resting above it for this long (see `_back_down`)
    end_rest_s: float = 0.5
    top_band_deg: float = 5.0
    #: a single-leg rep on the side away from a side camera keeps its top on the mean of both
    #: hips (the far knee is hidden, `analysis._on_working_leg`), which moves about half as far
    #: as the working hip: its band is this fraction of ``top_band_deg``. On the rendered camera
    #: sweep's side-on no-squeeze clips 1.0 read a 0.33 s far-leg top as 1.0 s (a pass); 0.7
    #: read it right at 0° and 15° with no held top cut short (squeeze_top raw 83 -> 100 % at
    #: 0°), and the synthetic borderline suite's recall went 0.70 -> 1.00 with its precision and
    #: the main suite's unchanged; 0.5, the bare geometry, narrows the band past the mean's
    #: jitter (main-suite precision 0.77 -> 0.65)
    far_leg_band_fraction: float = 0.7
    #: where the view shows no hip extension fit to time a top (oblique and foot-end views,
    #: `formcheck.segmenting`), the top band is the hips within this fraction of the rep's
    #: height below its peak. On the rendered camera sweep's 30–60° single-leg clips
    #: (benchmarks/camera_sweep.py) 0.1 read held tops within 0.75 s of the truth and faulted
    #: every no-pause top; 0.15 passed some no-pause tops, 0.08 read held 45° tops ~1 s short
    top_band_lift_fraction: float = 0.1
    peak_percentile: float = 99.0
    #: extra smoothing of the hip extension when finding the top band
    top_smooth_s: float = 0.3
    hold_min_deg: float = 140.0
    dip_deg: float = 160.0
    dip_margin_deg: float = 10.0
    dip_min_s: float = 0.5
    min_hold_s: float = 1.0
    min_foot_lift_cm: float = 2.5
    min_single_leg_s: float = 0.5
    #: a floor bridge held (CUES.md): hips up and still at least this long is a hold segment
    floor_hold_min_s: float = 2.0
    #: …hips up: mid-hip at least this far above the shoulders' floor line (thigh lengths). The
    #: labelled real bridges' tops read 0.37–0.61 and a body lying flat (dead bug, pelvic tilt)
    #: −0.07–0.05: half the lowest top, clear of lying down with the legs straight (180°)
    floor_hold_min_lift_thigh: float = 0.2
    #: …and still: the hips moving at most this fast (thigh lengths/s). The labelled clips'
    #: lifts and lowerings move them at 0.6 (median); the marching bridge's drift ≤ 0.05
    floor_hold_max_speed_thigh_per_s: float = 0.1
    #: inside a rep, held is the hips within this fraction of the rep's height of its peak
    #: (the labels' tops: within ~15 %): a slow lowering eases out of the top, still by the
    #: speed above for a second of a short bridge's lowering (`_held_in_rep`)
    floor_hold_top_band_fraction: float = 0.1
    #: a floor hold's one-leg phase runs while the lifted foot is at least this fraction of its
    #: peak lift: half-way up and half-way down, which the smoothing of foot heights leaves where
    #: it is while it moves a 2.5 cm edge ~0.3 s out into the foot's travel
    floor_leg_up_fraction: float = 0.5
    #: a held drill's top held this long is a hold; shorter, it is a rep's squeeze
    #: (`reps_or_holds`). Past any rep's pause: CUES.md's squeeze asks ≥ 1.0 s, the labelled
    #: real tops of bridges and hip thrusts done as reps last 0.6–2.1 s; well under the
    #: article's shortest hold (10 s). The synthetic holds' shortest piece (before a dip) is
    #: 2.7 s, and as one short cycle it makes no set of reps either way.
    held_top_s: float = 3.0


@dataclass(frozen=True, kw_only=True)
class Span:
    """A segment in frame indices (``end`` exclusive)."""

    kind: str  # "rep", "partial", "hold" or "single_leg"
    start: int
    end: int
    side: str | None = None
    #: (name, start, end) in frames: "lift", "top", "lower", "bottom"
    phases: tuple[tuple[str, int, int], ...] = ()
    peak: int = -1
    #: frames within the top band (the squeeze), which may be fewer than the top phase's
    top_frames: int = 0
    #: False when the clip cut the rep: it ended before the hips were back down (`_back_down`)
    complete: bool = True

    def phase(self, name: str) -> tuple[int, int] | None:
        for n, a, b in self.phases:
            if n == name:
                return a, b
        return None


def close_gaps(mask: NDArray[Any], t: NDArray[Any], max_gap_s: float) -> NDArray[Any]:
    """``mask`` with False runs shorter than ``max_gap_s`` between True runs set True."""
    out = np.asarray(mask, dtype=bool).copy()
    for a, b in runs(~out):
        if a > 0 and b < out.size and t[b] - t[a - 1] <= max_gap_s:
            out[a:b] = True
    return out


def _hysteresis(x: NDArray[Any], lo: float, hi: float) -> NDArray[Any]:
    """+1 above ``hi``, −1 below ``lo``, holding the last state in between (0 before any)."""
    ev = np.where(x > hi, 1, np.where(x < lo, -1, 0))
    idx = np.where(ev != 0, np.arange(x.size), 0)
    np.maximum.accumulate(idx, out=idx)
    return np.asarray(ev[idx])  # before the first event idx is 0 and ev[0] is 0


def _levels(pos: NDArray[Any], p: SegmentParams) -> tuple[float, float] | None:
    ok = pos[np.isfinite(pos)]
    if ok.size < 3:
        return None
    lo, hi = np.percentile(ok, [3.0, 97.0])
    if hi - lo < p.min_amplitude_thigh:
        return None
    return float(lo), float(hi)


def _top_phase(
    ext: NDArray[Any] | None, pos: NDArray[Any], t: NDArray[Any], a: int, b: int, p: SegmentParams
) -> tuple[int, int, int, int]:
    """(top start, top end, peak, frames in the top band) within frames [a, b).

    The top band is the frames within ``top_band_deg`` of the rep's peak (CUES.md's squeeze);
    the top phase runs from the first to the last of them, and the pause counts them, so a
    jittery frame that leaves the band costs its own time, not the rest of the pause.
    """
    if ext is not None and np.isfinite(ext[a:b]).sum() >= 3:
        x = ext[a:b]
        peak = int(np.nanargmax(x))
        # the peak's level: a high percentile, so one jittery frame does not narrow the band
        level = float(np.percentile(x[np.isfinite(x)], p.peak_percentile))
        near = x >= level - p.top_band_deg
    else:
        x = pos[a:b]
        peak = int(np.nanargmax(x))
        low = np.nanmin(x)
        near = x >= x[peak] - p.top_band_lift_fraction * (x[peak] - low)
    idx = np.flatnonzero(near)
    if idx.size == 0:
        return a + peak, a + peak + 1, a + peak, 1
    return a + int(idx[0]), a + int(idx[-1]) + 1, a + peak, int(idx.size)


def _episodes(state: NDArray[Any]) -> list[tuple[int, int, int]]:
    """(state, start, end) runs of a hysteresis state, dropping the undecided start (0)."""
    d = np.flatnonzero(np.diff(state)) + 1
    bounds = np.concatenate(([0], d, [state.size]))
    return [
        (int(state[s]), int(s), int(e))
        for s, e in zip(bounds[:-1], bounds[1:], strict=True)
        if state[s] != 0
    ]


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
    levels = _levels(pos, p) if n >= 3 else None
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
        top_s, top_e, peak, top_n = _top_phase(ext, pos, t, start, max(lower_end, start + 1), p)
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
    top_s, top_e, peak, top_n = _top_phase(
        ext, pos, t, span.start, max(lower_end, span.start + 1), p
    )
    return _with_top(span, top_s, top_e, peak, top_n)


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
    return _with_top(span, a + int(idx[0]), a + int(idx[-1]) + 1, peak, int(idx.size))


def _with_top(span: Span, top_s: int, top_e: int, peak: int, top_n: int) -> Span:
    """``span`` with the top phase [top_s, top_e), its neighbours' edges moved to meet it."""
    phases: list[tuple[str, int, int]] = []
    for name, a, b in span.phases:
        if name == "lift":
            phases.append((name, a, top_s))
        elif name == "top":
            phases.append((name, top_s, top_e))
        elif name == "lower":
            phases.append((name, top_e, b))
        else:
            phases.append((name, a, b))
    return replace(span, phases=tuple(phases), peak=peak, top_frames=top_n)


def top_pause_s(span: Span, t: NDArray[Any]) -> float:
    """Seconds the rep spent in its top band (frames in the band × the frame period)."""
    if span.top_frames <= 0:
        top = span.phase("top")
        seconds = 0.0 if top is None else frame_time(t, top[1]) - frame_time(t, top[0])
    else:
        local = t[span.start : span.end + 1]  # the span's own frame period (cheap on long clips)
        seconds = span.top_frames * _dt(local) if local.size > 1 else 0.0
    # to the millisecond: 20 frames of 1/20 s must be 1.0 s, not 0.99999 (which fails ≥ 1.0 s)
    return round(seconds, 3)


def frame_time(t: NDArray[Any], i: int) -> float:
    """Time of frame boundary ``i`` (an end index may be ``len(t)``: one frame past the last)."""
    n = int(t.size)
    if n == 0:
        return 0.0
    if i < n:
        return float(t[i])
    step = float(np.median(np.diff(t[-16:]))) if n > 1 else 0.0
    return float(t[-1] + step * (i - n + 1))


def _split_on_dips(
    ext: NDArray[Any], t: NDArray[Any], a: int, b: int, p: SegmentParams, dt: float
) -> list[tuple[int, int]]:
    """Split hold [a, b) where the extension dips below the dip level for ``dip_min_s``."""
    x = ext[a:b]
    level = min(p.dip_deg, float(np.nanmedian(x)) - p.dip_margin_deg)
    return _split_at_dips(~(x >= level), t, a, b, p, dt)


def _split_on_lift_dips(
    pos: NDArray[Any], t: NDArray[Any], a: int, b: int, lo: float, p: SegmentParams, dt: float
) -> list[tuple[int, int]]:
    """Without hip extension: split hold [a, b) where the hips sink a quarter of the way to
    the floor for ``dip_min_s`` or more."""
    x = pos[a:b]
    level = float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan")
    return _split_at_dips(~(x >= level - 0.25 * (level - lo)), t, a, b, p, dt)


def _split_at_dips(
    dip: NDArray[Any], t: NDArray[Any], a: int, b: int, p: SegmentParams, dt: float
) -> list[tuple[int, int]]:
    """Hold [a, b) cut where ``dip`` (over its frames) is True for ``dip_min_s`` or more."""
    cuts = [(a + s, a + e) for s, e in runs(dip) if t[a + e - 1] - t[a + s] + dt >= p.dip_min_s]
    pieces, cur = [], a
    for s, e in cuts:
        pieces.append((cur, s))
        cur = e
    pieces.append((cur, b))
    return [(s, e) for s, e in pieces if e > s]


def _dt(t: NDArray[Any]) -> float:
    return float(np.median(np.diff(t))) if t.size > 1 else 0.0


def _trim_to_top(ext: NDArray[Any], a: int, b: int, p: SegmentParams) -> tuple[int, int]:
    """[a, b) without the way up and down: from the first to the last frame within
    ``top_band_deg`` of the stretch's median extension (the hold's level)."""
    x = ext[a:b]
    level = float(np.nanmedian(x)) if np.isfinite(x).any() else float("nan")
    idx = np.flatnonzero(x >= level - p.top_band_deg)
    return (a + int(idx[0]), a + int(idx[-1]) + 1) if idx.size else (a, b)


def find_holds(
    t: NDArray[Any],
    ext: NDArray[Any],
    pos: NDArray[Any] | None = None,
    params: SegmentParams | None = None,
) -> list[Span]:
    """Hold segments: hips up (hip extension ≥ ``hold_min_deg``, trimmed to the frames within
    ``top_band_deg`` of the hold's level), split by long dips.

    Where the view shows no hip extension, the hips-up stretches of ``pos`` (hip lift, by the
    same hysteresis as reps) stand in, without dip splitting.
    """
    p = params or SegmentParams()
    t = np.asarray(t, dtype=np.float64)
    if t.size < 3:
        return []
    if np.isfinite(ext).sum() >= 3:
        up = close_gaps(ext >= p.hold_min_deg, t, p.dip_min_s)
        dt = _dt(t)
        pieces = [
            piece
            for s, e in runs(up)
            for piece in _split_on_dips(ext, t, *_trim_to_top(ext, s, e, p), p, dt)
        ]
    elif pos is not None and (levels := _levels(pos, p)) is not None:
        lo, hi = levels
        state = _hysteresis(pos, lo + p.down_fraction * (hi - lo), lo + p.up_fraction * (hi - lo))
        dt = _dt(t)
        pieces = [
            piece
            for st, s, e in _episodes(state)
            if st == 1
            for piece in _split_on_lift_dips(pos, t, s, e, lo, p, dt)
        ]
    else:
        return []
    return [
        Span(kind="hold", start=s, end=e, phases=(("top", s, e),))
        for s, e in pieces
        if frame_time(t, e) - t[s] >= p.min_hold_s
    ]


#: a held drill's set was done as reps from this many brief reps on (`reps_or_holds`): one
#: lift into a hold and back down is a hold's own cycle, and so is one recovery from a sag
MIN_BRIEF_REPS = 2


def reps_or_holds(
    t: NDArray[Any], reps: list[Span], holds: list[Span], params: SegmentParams | None = None
) -> tuple[list[Span], list[Span]]:
    """A held drill's (reps to count, holds to judge): reps (with any opening partial) and the
    holds of ``held_top_s`` or more when the set was done as reps, else no reps and every hold.

    ``reps`` and ``holds`` are `find_reps` and `find_holds` on the same clip.
    """
    p = params or SegmentParams()
    t = np.asarray(t, dtype=np.float64)
    held = [h for h in holds if frame_time(t, h.end) - frame_time(t, h.start) >= p.held_top_s]
    brief = [
        r
        for r in reps
        if r.kind == "rep" and not any(h.start < r.end and r.start < h.end for h in held)
    ]
    if len(brief) < MIN_BRIEF_REPS:
        return [], holds
    return reps, held


def find_single_leg(
    t: NDArray[Any],
    lift_left_cm: NDArray[Any],
    lift_right_cm: NDArray[Any],
    within: list[Span],
    params: SegmentParams | None = None,
    near: str | None = None,
) -> list[Span]:
    """Single-leg phases inside the ``within`` spans: one foot lifted ≥ ``min_foot_lift_cm``.

    ``side`` is the working (stance) side; the lifted foot is the other one. Only one foot is
    lifted at a time: where both read lifted, the lifted one is the ``near`` foot (a side
    view's: MediaPipe drags the hidden far foot along with the near one, sometimes higher),
    else the higher one.
    """
    p = params or SegmentParams()
    t = np.asarray(t, dtype=np.float64)
    out: list[Span] = []
    up = {"left": lift_left_cm >= p.min_foot_lift_cm, "right": lift_right_cm >= p.min_foot_lift_cm}
    if near in up:
        far = "right" if near == "left" else "left"
        up[far] = up[far] & ~up[near]
    else:
        up["left"] = up["left"] & ~(lift_right_cm > lift_left_cm)
        up["right"] = up["right"] & ~(lift_left_cm > lift_right_cm)
    lifts = {"left": np.asarray(lift_left_cm, float), "right": np.asarray(lift_right_cm, float)}
    for span in within:
        a, b = span.start, span.end
        for lifted in ("left", "right"):
            other = up["right" if lifted == "left" else "left"][a:b]
            mask = close_gaps(up[lifted][a:b], t[a:b], 0.15)
            for s, e in runs(mask):
                s, e = _lift_edges(lifts[lifted][a:b], s, e, ~other, p.min_foot_lift_cm)
                if frame_time(t, a + e) - t[a + s] >= p.min_single_leg_s:
                    stance = "right" if lifted == "left" else "left"
                    out.append(Span(kind="single_leg", start=a + s, end=a + e, side=stance))
    return sorted(out, key=lambda s: s.start)


#: a single-leg phase's edges: where its foot is this fraction of the phase's peak lift
LIFT_EDGE_FRACTION = 0.4


def _lift_edges(
    lift: NDArray[Any], s: int, e: int, free: NDArray[Any], min_lift_cm: float
) -> tuple[int, int]:
    """Widen the run ``[s, e)`` of a lifted foot to where the foot is ``LIFT_EDGE_FRACTION``
    of its peak lift (at most ``min_lift_cm``), staying on frames where ``free``.

    A phase's timing should not hang on how high the camera reads the foot: MediaPipe reads a
    side view's far foot lifted about half as high as it is, so a fixed 2.5 cm edge starts
    its phase late and ends it early; a foot read true (6 cm) keeps edges near 2.5 cm.
    """
    peak = float(np.nanmax(lift[s:e])) if np.isfinite(lift[s:e]).any() else min_lift_cm
    edge = min(min_lift_cm, LIFT_EDGE_FRACTION * peak)
    ok = np.where(np.isfinite(lift), lift >= edge, False) & free
    while s > 0 and ok[s - 1]:
        s -= 1
    while e < lift.size and ok[e]:
        e += 1
    return s, e


def _rep_frames_outside_tops(n: int, reps: list[Span]) -> NDArray[Any]:
    """Frames of ``reps`` (and partials) outside their top phases: lift, lowering, bottom."""
    moving = np.zeros(n, dtype=bool)
    for r in reps:
        moving[r.start : r.end] = True
        top = r.phase("top")
        if top is not None:
            moving[top[0] : top[1]] = False
    return moving


def containing(spans: Sequence[Span], starts: list[int], frame: int) -> Span | None:
    """The span of ``spans`` (sorted by start, not overlapping; ``starts`` their starts) that
    holds ``frame``, if any."""
    i = bisect.bisect_right(starts, frame) - 1
    return spans[i] if i >= 0 and spans[i].start <= frame < spans[i].end else None


def _held_in_rep(
    rep: Span, t: NDArray[Any], pos: NDArray[Any], s: int, e: int, p: SegmentParams
) -> tuple[int, int] | None:
    """The bridge held inside ``rep`` over its still frames [s, e), or None for a squeeze.

    Held is the hips within ``floor_hold_top_band_fraction`` of the rep's height of its peak
    (the longest such run), for ``floor_hold_min_s`` and for most of the rep: longer than the
    rest of it from the lift's start to the lowering's end.
    """
    x = pos[rep.start : rep.end]
    if not np.isfinite(x).any():
        return None
    peak, low = float(np.nanmax(x)), float(np.nanmin(x))
    near = np.where(
        np.isfinite(pos[s:e]),
        pos[s:e] >= peak - p.floor_hold_top_band_fraction * (peak - low),
        False,
    )
    best = max(runs(near), key=lambda r: r[1] - r[0], default=None)
    if best is None:
        return None
    a, b = s + best[0], s + best[1]
    held = frame_time(t, b) - frame_time(t, a)
    lower = rep.phase("lower")
    rest = frame_time(t, lower[1] if lower is not None else rep.end) - frame_time(t, rep.start)
    return (a, b) if held >= p.floor_hold_min_s and held > rest - held else None


def find_floor_holds(
    t: NDArray[Any],
    ext: NDArray[Any] | None,
    pos: NDArray[Any],
    reps: Sequence[Span] = (),
    params: SegmentParams | None = None,
) -> list[Span]:
    """Holds of a floor drill: hips up and still for ``floor_hold_min_s`` (see the module's
    "Holds on the floor" for how they share the hips with ``reps``).

    ``ext``: the higher side's hip extension (a lifted leg's hip flexes); ``pos``: hip lift.
    Where the view shows no hip extension, hips up (``pos``) alone makes the hold, split where
    the hips sink a quarter of the way to the floor for ``dip_min_s``.
    """
    p = params or SegmentParams()
    t = np.asarray(t, dtype=np.float64)
    n = int(t.size)
    pos = np.asarray(pos, dtype=np.float64)
    if n < 3 or pos.size != n:
        return []
    speed = np.abs(np.gradient(pos, t))
    up = np.where(
        np.isfinite(pos) & np.isfinite(speed),
        (pos >= p.floor_hold_min_lift_thigh) & (speed <= p.floor_hold_max_speed_thigh_per_s),
        False,
    )
    if ext is not None and np.isfinite(ext).sum() >= 3:
        candidates = [(h.start, h.end) for h in find_holds(t, np.where(up, ext, np.nan), None, p)]
    else:
        dt = _dt(t)
        candidates = [
            piece
            for s, e in runs(close_gaps(up, t, p.dip_min_s))
            for piece in _split_on_lift_dips(pos, t, s, e, 0.0, p, dt)
        ]
    free = ~_rep_frames_outside_tops(n, list(reps))
    starts = [r.start for r in reps]
    out = []
    for a, b in candidates:
        for s, e in runs(free[a:b]):
            s, e = a + s, a + e
            if frame_time(t, e) - t[s] < p.floor_hold_min_s:
                continue
            rep = containing(reps, starts, s)
            held = (s, e) if rep is None else _held_in_rep(rep, t, pos, s, e, p)
            if held is not None:
                out.append(Span(kind="hold", start=held[0], end=held[1], phases=(("top", *held),)))
    return out


def find_floor_single_leg(
    t: NDArray[Any],
    lift_left_cm: NDArray[Any],
    lift_right_cm: NDArray[Any],
    within: list[Span],
    params: SegmentParams | None = None,
    near: str | None = None,
) -> list[Span]:
    """One-leg phases of floor holds: `find_single_leg`'s, each narrowed to where its lifted
    foot is at least ``floor_leg_up_fraction`` of its peak lift (the leg held up), kept when
    that still lasts ``min_single_leg_s``. ``side`` is the stance side, as there."""
    p = params or SegmentParams()
    t = np.asarray(t, dtype=np.float64)
    lifts = {"left": np.asarray(lift_left_cm, float), "right": np.asarray(lift_right_cm, float)}
    out = []
    for span in find_single_leg(t, lift_left_cm, lift_right_cm, within, p, near=near):
        lifted = lifts["right" if span.side == "left" else "left"][span.start : span.end]
        if not np.isfinite(lifted).any():
            continue
        up = np.flatnonzero(lifted >= p.floor_leg_up_fraction * float(np.nanmax(lifted)))
        s, e = span.start + int(up[0]), span.start + int(up[-1]) + 1
        if frame_time(t, e) - t[s] >= p.min_single_leg_s:
            out.append(replace(span, start=s, end=e))
    return out
