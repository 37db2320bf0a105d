"""Holds: hips up and still, split at long dips; their one-leg phases; a floor drill's holds
beside its reps; a held drill done as reps (the package docstring's "Holds" sections)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.segment.base import (
    SegmentParams,
    Span,
    close_gaps,
    containing,
    episodes,
    frame_step,
    frame_time,
    hysteresis,
    range_levels,
)
from formcheck.smoothing import runs


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
        dt = frame_step(t)
        pieces = [
            piece
            for s, e in runs(up)
            for piece in _split_on_dips(ext, t, *_trim_to_top(ext, s, e, p), p, dt)
        ]
    elif pos is not None and (levels := range_levels(pos, p)) is not None:
        lo, hi = levels
        state = hysteresis(pos, lo + p.down_fraction * (hi - lo), lo + p.up_fraction * (hi - lo))
        dt = frame_step(t)
        pieces = [
            piece
            for st, s, e in episodes(state)
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
        dt = frame_step(t)
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

