"""Hand-rolled SVG line plots of a signal over time, for the HTML report (no plotting library).

A plot shows one signal (or one named line per leg) with the reps shaded and their boundaries
dashed, fault spans in red, and threshold lines. Long signals are reduced to at most
`MAX_POINTS` points a line by keeping each bucket's minimum and maximum, so a one-hour clip
still gives a small page. The hover readout writes values as `formcheck.report.units` does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np

from formcheck.report.units import unit_of

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
    #: named lines drawn in place of ``y`` ("left hip", "right hip"), each its own colour
    lines: Sequence[tuple[str, np.ndarray]] = ()

    @property
    def series(self) -> list[tuple[str, np.ndarray]]:
        """The lines drawn: the named ones, else ``y`` alone."""
        return list(self.lines) or [("", self.y)]


def _kept(y: np.ndarray, max_points: int) -> np.ndarray:
    """Indices of at most ``max_points`` samples of ``y``: each bucket's extremes."""
    n = y.size
    if n <= max_points:
        return np.arange(n)
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
    return np.array(keep)


def decimate(
    t: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` samples keeping each bucket's extremes (NaN gaps survive)."""
    idx = _kept(y, max_points)
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
    ys = np.concatenate([np.asarray(y, float) for _, y in spec.series])
    finite = ys[np.isfinite(ys)]
    if not finite.size:
        return 0.0, 1.0
    values = list(finite) + [v for v, _ in spec.thresholds]
    lo, hi = float(min(values)), float(max(values))
    pad = (hi - lo) * 0.08 or max(1.0, abs(hi) * 0.1)
    return lo - pad, hi + pad


def _polylines(
    t: np.ndarray,
    y: np.ndarray,
    sx: Callable[[float], float],
    sy: Callable[[float], float],
    cls: str = "line",
) -> list[str]:
    """One polyline per run of measured samples: a gap (NaN) breaks the line."""
    out: list[str] = []
    run: list[str] = []
    for ti, yi in zip(t, y, strict=True):
        if np.isfinite(yi):
            run.append(f"{sx(ti):.1f},{sy(yi):.1f}")
        elif run:
            out.append(" ".join(run))
            run = []
    if run:
        out.append(" ".join(run))
    return [f'<polyline class="{cls}" points="{p}"/>' for p in out]


@dataclass(frozen=True)
class _Axes:
    """Data → SVG coordinates of one plot."""

    t0: float
    t1: float
    lo: float
    hi: float
    x0: float = MARGIN_L
    x1: float = WIDTH - MARGIN_R
    ytop: float = MARGIN_T
    ybot: float = HEIGHT - MARGIN_B

    def sx(self, v: float) -> float:
        return self.x0 + (v - self.t0) / (self.t1 - self.t0) * (self.x1 - self.x0)

    def sy(self, v: float) -> float:
        return self.ybot - (v - self.lo) / (self.hi - self.lo) * (self.ybot - self.ytop)

    def span(self, s: float, e: float) -> tuple[float, float]:
        return self.sx(max(s, self.t0)), self.sx(min(e, self.t1))


def _rep_parts(spec: PlotSpec, ax: _Axes) -> list[str]:
    parts = []
    h = ax.ybot - ax.ytop
    for s, e, label in spec.reps:
        xs, xe = ax.span(s, e)
        parts += [
            f'<rect class="rep" x="{xs:.1f}" y="{ax.ytop}" width="{max(0.0, xe - xs):.1f}" height="{h}"/>',
            f'<line class="bound" x1="{xs:.1f}" x2="{xs:.1f}" y1="{ax.ytop}" y2="{ax.ybot}"/>',
            f'<line class="bound" x1="{xe:.1f}" x2="{xe:.1f}" y1="{ax.ytop}" y2="{ax.ybot}"/>',
            f'<text x="{xs + 3:.1f}" y="{ax.ytop + 11}">{escape(label)}</text>',
        ]
    return parts


def _grid_parts(ax: _Axes, measured: bool) -> list[str]:
    parts = []
    for v in nice_ticks(ax.lo, ax.hi, 5) if measured else []:
        y = ax.sy(v)
        parts.append(f'<line class="grid" x1="{ax.x0}" x2="{ax.x1}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{ax.x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
    for v in nice_ticks(ax.t0, ax.t1, 10):
        parts.append(
            f'<text x="{ax.sx(v):.1f}" y="{ax.ybot + 16}" text-anchor="middle">{_fmt(v)}</text>'
        )
    return parts


def _marks(spec: PlotSpec, ax: _Axes, measured: bool) -> list[str]:
    """Fault spans and threshold lines."""
    parts = []
    for s, e, label in spec.faults:
        xs, xe = ax.span(s, e)
        parts.append(
            f'<rect class="fault" x="{xs:.1f}" y="{ax.ytop}" width="{max(1.0, xe - xs):.1f}" '
            f'height="{ax.ybot - ax.ytop}"><title>{escape(label)}</title></rect>'
        )
    for v, label in spec.thresholds:
        if measured and ax.lo <= v <= ax.hi:
            y = ax.sy(v)
            parts.append(
                f'<line class="thr" x1="{ax.x0}" x2="{ax.x1}" y1="{y:.1f}" y2="{y:.1f}">'
                f"<title>{escape(label)}</title></line>"
            )
    return parts


def _title(spec: PlotSpec) -> str:
    """The title, with a key to the named lines after it."""
    keys = "".join(
        f'<tspan class="key s{i}" dx="14">━ {escape(name)}</tspan>'
        for i, (name, _) in enumerate(spec.lines)
    )
    return f"{escape(spec.title)}{keys}"


def _frame_parts(spec: PlotSpec, ax: _Axes, measured: bool) -> list[str]:
    """Axes, title, hover cursor and readout (filled by the page's script)."""
    parts = []
    if not measured:
        parts.append(
            f'<text x="{(ax.x0 + ax.x1) / 2}" y="{(ax.ytop + ax.ybot) / 2}" '
            'text-anchor="middle">not measurable in this clip</text>'
        )
    return parts + [
        f'<line class="axis" x1="{ax.x0}" x2="{ax.x1}" y1="{ax.ybot}" y2="{ax.ybot}"/>',
        f'<line class="axis" x1="{ax.x0}" x2="{ax.x0}" y1="{ax.ytop}" y2="{ax.ybot}"/>',
        f'<line class="cursor" x1="{ax.x0}" x2="{ax.x0}" y1="{ax.ytop}" y2="{ax.ybot}"/>',
        f'<text class="title" x="{ax.x0}" y="16">{_title(spec)}</text>',
        f'<text class="readout" x="{ax.x1}" y="16" text-anchor="end"></text>',
        f'<text x="{ax.x1}" y="{HEIGHT - 2}" text-anchor="end">time (s)</text>',
    ]


def _value(v: float) -> float | None:
    return None if not np.isfinite(v) else round(float(v), 3)


def svg_plot(spec: PlotSpec) -> str:
    """The plot as an inline ``<svg>`` element (hover data in its ``data-`` attributes)."""
    t_all = np.asarray(spec.t, float)
    ys_all = [np.asarray(y, float) for _, y in spec.series]
    idx = np.unique(np.concatenate([_kept(y, MAX_POINTS) for y in ys_all]))
    t, ys = t_all[idx], [y[idx] for y in ys_all]
    t0 = float(t[0]) if t.size else 0.0
    t1 = float(t[-1]) if t.size > 1 and t[-1] > t0 else t0 + 1.0
    ax = _Axes(t0, t1, *_y_range(spec))
    measured = any(bool(np.isfinite(y).any()) for y in ys)
    lines = [
        part
        for i, y in enumerate(ys)
        for part in _polylines(t, y, ax.sx, ax.sy, "line" if i == 0 else f"line s{i}")
    ]
    parts = (
        _rep_parts(spec, ax)
        + _grid_parts(ax, measured)
        + _marks(spec, ax, measured)
        + lines
        + _frame_parts(spec, ax, measured)
    )
    points = [[round(float(a), 3), *(_value(y[k]) for y in ys)] for k, a in enumerate(t)]
    box = {"x0": ax.x0, "x1": ax.x1, "t0": t0, "t1": t1}
    unit = unit_of(spec.unit)
    names = [name for name, _ in spec.lines]
    return (
        f'<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(spec.title)}" '
        f'data-unit="{escape(spec.unit)}" data-digits="{unit.digits}" data-suffix="{escape(unit.suffix)}" '
        f"data-names='{escape(json.dumps(names))}' "
        f"data-box='{json.dumps(box)}' data-points='{json.dumps(points)}'>"
        + "".join(parts)
        + "</svg>"
    )
