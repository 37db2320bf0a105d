"""Segments of a set: reps with their phases, holds with their dips, single-leg phases.

Reps
----
Found on ``hip_lift`` (mid-hip height above the shoulders' floor line, thigh lengths) with a
hysteresis between two levels of the clip's own range (robust percentiles), so jitter cannot
make a rep and a clip's size or camera distance does not matter. A clip whose hips never move
by ``min_amplitude_thigh`` has no reps (a dead bug, a constant pose).

A rep is lift → top → lower → bottom, counted when a lift reaches the top; a clip that opens
at the top gives a ``partial`` segment (its top and lowering) that is not counted as a rep, and
a clip that ends before the lowering finishes gives a rep with ``complete=False``. The top
phase is the time the hip extension stays within ``top_band_deg`` of the rep's peak (where the
view shows hip extension; else within 10 % of the hip-lift range).

Holds
-----
Frames with hip extension at least ``hold_min_deg`` make a hold; a dip below
``min(dip_deg, hold median − dip_margin_deg)`` lasting ``dip_min_s`` or more splits it.
Single-leg phases are stretches inside a hold where one foot is lifted by ``min_foot_lift_cm``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, kw_only=True)
class SegmentParams:
    """Thresholds of segmentation (settings section ``segment``)."""

    min_amplitude_thigh: float = 0.2
    up_fraction: float = 0.55
    down_fraction: float = 0.3
    bottom_fraction: float = 0.04
    top_band_deg: float = 5.0
    min_top_gap_s: float = 0.15
    hold_min_deg: float = 140.0
    dip_deg: float = 160.0
    dip_margin_deg: float = 10.0
    dip_min_s: float = 0.5
    min_hold_s: float = 1.0
    min_foot_lift_cm: float = 2.5
    min_single_leg_s: float = 0.5


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
    #: False when the clip ended before the rep's lowering reached the bottom
    complete: bool = True

    def phase(self, name: str) -> tuple[int, int] | None:
        for n, a, b in self.phases:
            if n == name:
                return a, b
        return None


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of the True runs of a 1-D bool array, end exclusive."""
    d = np.diff(np.concatenate(([0], np.asarray(mask, dtype=np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def close_gaps(mask: np.ndarray, t: np.ndarray, max_gap_s: float) -> np.ndarray:
    """``mask`` with False runs shorter than ``max_gap_s`` between True runs set True."""
    out = np.asarray(mask, dtype=bool).copy()
    for a, b in runs(~out):
        if a > 0 and b < out.size and t[b] - t[a - 1] <= max_gap_s:
            out[a:b] = True
    return out


def _hysteresis(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """+1 above ``hi``, −1 below ``lo``, holding the last state in between (0 before any)."""
    ev = np.where(x > hi, 1, np.where(x < lo, -1, 0))
    idx = np.where(ev != 0, np.arange(x.size), 0)
    np.maximum.accumulate(idx, out=idx)
    return ev[idx]  # before the first event idx is 0 and ev[0] is 0


def _levels(pos: np.ndarray, p: SegmentParams) -> tuple[float, float] | None:
    ok = pos[np.isfinite(pos)]
    if ok.size < 3:
        return None
    lo, hi = np.percentile(ok, [3.0, 97.0])
    if hi - lo < p.min_amplitude_thigh:
        return None
    return float(lo), float(hi)


def _top_phase(
    ext: np.ndarray | None, pos: np.ndarray, t: np.ndarray, a: int, b: int, p: SegmentParams
) -> tuple[int, int, int]:
    """(top start, top end, peak) within frames [a, b): the run around the peak of the rep."""
    if ext is not None and np.isfinite(ext[a:b]).sum() >= 3:
        x = ext[a:b]
        peak = int(np.nanargmax(x))
        near = x >= x[peak] - p.top_band_deg
    else:
        x = pos[a:b]
        peak = int(np.nanargmax(x))
        low = np.nanmin(x)
        near = x >= x[peak] - 0.1 * (x[peak] - low)
    near = close_gaps(near, t[a:b], p.min_top_gap_s)
    for s, e in runs(near):
        if s <= peak < e:
            return a + s, a + e, a + peak
    return a + peak, a + peak + 1, a + peak


def _episodes(state: np.ndarray) -> list[tuple[int, int, int]]:
    """(state, start, end) runs of a hysteresis state, dropping the undecided start (0)."""
    d = np.flatnonzero(np.diff(state)) + 1
    bounds = np.concatenate(([0], d, [state.size]))
    return [
        (int(state[s]), int(s), int(e))
        for s, e in zip(bounds[:-1], bounds[1:], strict=True)
        if state[s] != 0
    ]


def _last_below(pos: np.ndarray, a: int, b: int, level: float) -> int:
    """Last index in [a, b) with pos ≤ level (a if none): where a lift leaves the bottom."""
    idx = np.flatnonzero(pos[a:b] <= level)
    return a + int(idx[-1]) if idx.size else a


def _first_below(pos: np.ndarray, a: int, b: int, level: float) -> int | None:
    idx = np.flatnonzero(pos[a:b] <= level)
    return a + int(idx[0]) if idx.size else None


def find_reps(
    t: np.ndarray,
    pos: np.ndarray,
    ext: np.ndarray | None = None,
    params: SegmentParams | None = None,
) -> list[Span]:
    """Reps (and an opening ``partial``) from hip lift ``pos`` and hip extension ``ext``."""
    p = params or SegmentParams()
    n = int(np.asarray(t).size)
    levels = _levels(pos, p) if n >= 3 else None
    if levels is None:
        return []
    lo, hi = levels
    amp = hi - lo
    eps = _episodes(_hysteresis(pos, lo + p.down_fraction * amp, lo + p.up_fraction * amp))
    ups = [k for k, ep in enumerate(eps) if ep[0] == 1]
    found: list[dict[str, int | bool | None]] = []
    for k in ups:
        _, s, e = eps[k]
        prev = eps[k - 1] if k > 0 else None
        nxt = eps[k + 1] if k + 1 < len(eps) else None
        peak_pos = float(np.nanmax(pos[s:e]))
        start = None
        if prev is not None:
            b0 = float(np.nanmin(pos[prev[1] : prev[2]]))
            start = _last_below(pos, prev[1], s, b0 + p.bottom_fraction * (peak_pos - b0))
        lower_end, bottom_end = None, n
        if nxt is not None:
            b1 = float(np.nanmin(pos[nxt[1] : nxt[2]]))
            lower_end = _first_below(pos, e, nxt[2], b1 + p.bottom_fraction * (peak_pos - b1))
            bottom_end = nxt[2]
        found.append({"start": start, "up": s, "lower_end": lower_end, "bottom_end": bottom_end})
    return _build_reps(found, t, pos, ext, p, n)


def _build_reps(
    found: list[dict],
    t: np.ndarray,
    pos: np.ndarray,
    ext: np.ndarray | None,
    p: SegmentParams,
    n: int,
) -> list[Span]:
    spans: list[Span] = []
    for i, f in enumerate(found):
        start = f["start"] if f["start"] is not None else 0
        lower_end = f["lower_end"] if f["lower_end"] is not None else n
        nxt_start = found[i + 1]["start"] if i + 1 < len(found) else None
        end = nxt_start if nxt_start is not None else f["bottom_end"]
        end = max(end, lower_end)
        top_s, top_e, peak = _top_phase(ext, pos, t, start, max(lower_end, start + 1), p)
        phases = []
        if f["start"] is not None:
            phases.append(("lift", start, top_s))
        phases.append(("top", top_s, top_e))
        phases.append(("lower", top_e, lower_end))
        if lower_end < end:
            phases.append(("bottom", lower_end, end))
        spans.append(
            Span(
                kind="rep" if f["start"] is not None else "partial",
                start=start if f["start"] is not None else 0,
                end=end,
                phases=tuple(phases),
                peak=peak,
                complete=f["lower_end"] is not None,
            )
        )
    return spans


def frame_time(t: np.ndarray, i: int) -> float:
    """Time of frame boundary ``i`` (an end index may be ``len(t)``: one frame past the last)."""
    n = int(t.size)
    if n == 0:
        return 0.0
    if i < n:
        return float(t[i])
    step = float(np.median(np.diff(t))) if n > 1 else 0.0
    return float(t[-1] + step * (i - n + 1))


def _split_on_dips(
    ext: np.ndarray, t: np.ndarray, a: int, b: int, p: SegmentParams, dt: float
) -> list[tuple[int, int]]:
    """Split hold [a, b) where the extension dips below the dip level for ``dip_min_s``."""
    x = ext[a:b]
    level = min(p.dip_deg, float(np.nanmedian(x)) - p.dip_margin_deg)
    dip = ~(x >= level)
    cuts = [(a + s, a + e) for s, e in runs(dip) if t[a + e - 1] - t[a + s] + dt >= p.dip_min_s]
    pieces, cur = [], a
    for s, e in cuts:
        pieces.append((cur, s))
        cur = e
    pieces.append((cur, b))
    return [(s, e) for s, e in pieces if e > s]


def _dt(t: np.ndarray) -> float:
    return float(np.median(np.diff(t))) if t.size > 1 else 0.0


def find_holds(
    t: np.ndarray,
    ext: np.ndarray,
    pos: np.ndarray | None = None,
    params: SegmentParams | None = None,
) -> list[Span]:
    """Hold segments: hips up (hip extension ≥ ``hold_min_deg``), split by long dips.

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
        pieces = [piece for s, e in runs(up) for piece in _split_on_dips(ext, t, s, e, p, dt)]
    elif pos is not None and (levels := _levels(pos, p)) is not None:
        lo, hi = levels
        state = _hysteresis(pos, lo + p.down_fraction * (hi - lo), lo + p.up_fraction * (hi - lo))
        pieces = [(s, e) for st, s, e in _episodes(state) if st == 1]
    else:
        return []
    return [
        Span(kind="hold", start=s, end=e, phases=(("top", s, e),))
        for s, e in pieces
        if frame_time(t, e) - t[s] >= p.min_hold_s
    ]


def find_single_leg(
    t: np.ndarray,
    lift_left_cm: np.ndarray,
    lift_right_cm: np.ndarray,
    within: list[Span],
    params: SegmentParams | None = None,
) -> list[Span]:
    """Single-leg phases inside the ``within`` spans: one foot lifted ≥ ``min_foot_lift_cm``.

    ``side`` is the working (stance) side; the lifted foot is the other one.
    """
    p = params or SegmentParams()
    t = np.asarray(t, dtype=np.float64)
    out: list[Span] = []
    left_up = lift_left_cm >= p.min_foot_lift_cm
    right_up = lift_right_cm >= p.min_foot_lift_cm
    for span in within:
        a, b = span.start, span.end
        for lifted, mask in (("left", left_up[a:b]), ("right", right_up[a:b])):
            mask = close_gaps(mask, t[a:b], 0.15)
            for s, e in runs(mask):
                if frame_time(t, a + e) - t[a + s] >= p.min_single_leg_s:
                    stance = "right" if lifted == "left" else "left"
                    out.append(Span(kind="single_leg", start=a + s, end=a + e, side=stance))
    return sorted(out, key=lambda s: s.start)
