"""Hand-rolled SVG line plots of a signal over time, for the HTML report (no plotting library).

A plot shows one signal with the reps shaded and their boundaries dashed, fault spans in red,
and threshold lines. Long signals are reduced to at most `MAX_POINTS` points by keeping each
bucket's minimum and maximum, so a one-hour clip still gives a small page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np

MAX_POINTS = 1600
WIDTH, HEIGHT = 960, 200
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 56, 14, 26, 28


@dataclass(frozen=True, kw_only=True)
class PlotSpec:
    """One plot: the signal, the reps, the fault spans and threshold lines to draw."""

    title: str
    unit: str
    t: np.ndarray
    y: np.ndarray
    reps: Sequence[tuple[float, float, str]] = ()
    faults: Sequence[tuple[float, float, str]] = ()
    thresholds: Sequence[tuple[float, str]] = field(default_factory=tuple)


def decimate(
    t: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` samples keeping each bucket's extremes (NaN gaps survive)."""
    n = t.size
    if n <= max_points:
        return t, y
    buckets = max_points // 2
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep: list[int] = []
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        chunk = y[a:b]
        if not np.isfinite(chunk).any():
            keep.append(a)
            continue
        lo, hi = a + int(np.nanargmin(chunk)), a + int(np.nanargmax(chunk))
        keep += sorted({lo, hi})
    idx = np.array(keep)
    return t[idx], y[idx]


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(1, count - 1)
    mag = 10 ** math.floor(math.log10(raw))

    def ticks(step: float) -> list[float]:
        first = math.ceil(lo / step - 1e-9) * step
        return [round(first + i * step, 10) for i in range(int((hi - first) / step + 1e-9) + 1)]

    options = [ticks(m * mag) for m in (1, 2, 2.5, 5, 10)]
    return min(options, key=lambda ts: (abs(len(ts) - count), -len(ts)))


def _fmt(v: float) -> str:
    return f"{v:.0f}" if v == int(v) else f"{v:.3g}"


def _y_range(spec: PlotSpec) -> tuple[float, float]:
    finite = spec.y[np.isfinite(spec.y)]
    if not finite.size:
        return 0.0, 1.0
    values = list(finite) + [v for v, _ in spec.thresholds]
    lo, hi = float(min(values)), float(max(values))
    pad = (hi - lo) * 0.08 or max(1.0, abs(hi) * 0.1)
    return lo - pad, hi + pad


def _polylines(t: np.ndarray, y: np.ndarray, sx: object, sy: object) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for ti, yi in zip(t, y, strict=True):
        if np.isfinite(yi):
            run.append(f"{sx(ti):.1f},{sy(yi):.1f}")  # type: ignore[operator]
        elif run:
            out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return [f'<polyline class="line" points="{p}"/>' for p in out]


def svg_plot(spec: PlotSpec) -> str:
    """The plot as an inline ``<svg>`` element."""
    t, y = decimate(np.asarray(spec.t, float), np.asarray(spec.y, float))
    t0 = float(t[0]) if t.size else 0.0
    t1 = float(t[-1]) if t.size > 1 and t[-1] > t0 else t0 + 1.0
    lo, hi = _y_range(spec)
    measured = bool(np.isfinite(y).any())
    x0, x1, ytop, ybot = MARGIN_L, WIDTH - MARGIN_R, MARGIN_T, HEIGHT - MARGIN_B

    def sx(v: float) -> float:
        return x0 + (v - t0) / (t1 - t0) * (x1 - x0)

    def sy(v: float) -> float:
        return ybot - (v - lo) / (hi - lo) * (ybot - ytop)

    parts: list[str] = []
    for s, e, label in spec.reps:
        xs, xe = sx(max(s, t0)), sx(min(e, t1))
        parts.append(
            f'<rect class="rep" x="{xs:.1f}" y="{ytop}" width="{max(0.0, xe - xs):.1f}" height="{ybot - ytop}"/>'
        )
        parts.append(f'<line class="bound" x1="{xs:.1f}" x2="{xs:.1f}" y1="{ytop}" y2="{ybot}"/>')
        parts.append(f'<line class="bound" x1="{xe:.1f}" x2="{xe:.1f}" y1="{ytop}" y2="{ybot}"/>')
        parts.append(f'<text x="{xs + 3:.1f}" y="{ytop + 11}">{escape(label)}</text>')
    for v in nice_ticks(lo, hi, 5) if measured else []:
        parts.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{sy(v):.1f}" y2="{sy(v):.1f}"/>')
        parts.append(f'<text x="{x0 - 6}" y="{sy(v) + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
    for v in nice_ticks(t0, t1, 10):
        parts.append(f'<text x="{sx(v):.1f}" y="{ybot + 16}" text-anchor="middle">{_fmt(v)}</text>')
    for s, e, label in spec.faults:
        xs, xe = sx(max(s, t0)), sx(min(e, t1))
        parts.append(
            f'<rect class="fault" x="{xs:.1f}" y="{ytop}" width="{max(1.0, xe - xs):.1f}" '
            f'height="{ybot - ytop}"><title>{escape(label)}</title></rect>'
        )
    for v, label in spec.thresholds:
        if measured and lo <= v <= hi:
            parts.append(
                f'<line class="thr" x1="{x0}" x2="{x1}" y1="{sy(v):.1f}" y2="{sy(v):.1f}"><title>{escape(label)}</title></line>'
            )
    parts += _polylines(t, y, sx, sy)
    if not measured:
        parts.append(
            f'<text x="{(x0 + x1) / 2}" y="{(ytop + ybot) / 2}" text-anchor="middle">not measurable in this clip</text>'
        )
    parts.append(f'<line class="axis" x1="{x0}" x2="{x1}" y1="{ybot}" y2="{ybot}"/>')
    parts.append(f'<line class="axis" x1="{x0}" x2="{x0}" y1="{ytop}" y2="{ybot}"/>')
    parts.append(f'<line class="cursor" x1="{x0}" x2="{x0}" y1="{ytop}" y2="{ybot}"/>')
    parts.append(f'<text class="title" x="{x0}" y="16">{escape(spec.title)}</text>')
    parts.append(f'<text class="readout" x="{x1}" y="16" text-anchor="end"></text>')
    parts.append(f'<text x="{x1}" y="{HEIGHT - 2}" text-anchor="end">time (s)</text>')
    points = [
        [round(float(a), 3), None if not np.isfinite(b) else round(float(b), 3)]
        for a, b in zip(t, y, strict=True)
    ]
    box = {"x0": x0, "x1": x1, "t0": t0, "t1": t1}
    return (
        f'<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(spec.title)}" '
        f"data-unit=\"{escape(spec.unit)}\" data-box='{json.dumps(box)}' data-points='{json.dumps(points)}'>"
        + "".join(parts)
        + "</svg>"
    )
