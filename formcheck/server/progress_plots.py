"""The plots of an athlete's progress (`formcheck.server.progress`) for the coach's page:
standalone SVG, scaled to the page's width, every text escaped.

- ``longest_hold``: the table top's longest hold per session, with the article's 10 s, 20 s
  and 2 min marks as lines;
- ``fault_rates``: faults per rep (or hold) per key point, per session;
- ``left_right``: the single-leg bridge's peak hip extension per side, per session.

A plot with no data is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from formcheck.report.svgplot import nice_ticks
from formcheck.server.progress import DEFAULT_MARKS_S, MARKS, Progress

# -------------------------------------------------------------------------------------

W, H = 360, 230
ML, MR, MT, MB = 50, 12, 28, 42  # ML: room for the y label beside ticks like "177.8"
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
Series = tuple[str, list[float | None]]


def _chart(
    title: str, y_label: str, dates: list[str], series: list[Series],
    lines: Sequence[tuple[float, str]] = (), y_min: float | None = None,
    y_max: float | None = None,
) -> str:  # fmt: skip
    """A line chart, one point per session (equally spaced), as a standalone ``<svg>``."""
    values = [v for _, ys in series for v in ys if v is not None] + [v for v, _ in lines]
    pad = (max(values) - min(values)) * 0.1 or 1.0  # an automatic range keeps points off the edge
    lo = min(values) - pad if y_min is None else y_min
    hi = max(values) + pad if y_max is None else y_max
    legend = len(series) > 1
    height = H + (14 * len(series) if legend else 0)
    x0, x1, yt, yb = ML, W - MR, MT, H - MB
    n = len(dates)

    def sx(i: int) -> float:
        return x0 + (i + 0.5) * (x1 - x0) / n

    def sy(v: float) -> float:
        return yb - (v - lo) / (hi - lo) * (yb - yt)

    p = [f'<text x="{W / 2}" y="16" text-anchor="middle" font-weight="bold">{escape(title)}</text>']
    for v in nice_ticks(lo, hi, 5):
        p.append(f'<line x1="{x0}" x2="{x1}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" stroke="#ddd"/>')
        p.append(f'<text x="{x0 - 4}" y="{sy(v) + 3:.1f}" text-anchor="end">{v:g}</text>')
    step = max(1, -(-n // 4))
    for i, d in enumerate(dates):
        if i % step == 0:
            p.append(f'<text x="{sx(i):.1f}" y="{yb + 14}" text-anchor="middle">{escape(d)}</text>')
    p += [
        f'<line x1="{x0}" x2="{x1}" y1="{yb}" y2="{yb}" stroke="#333"/>',
        f'<line x1="{x0}" x2="{x0}" y1="{yt}" y2="{yb}" stroke="#333"/>',
        f'<text x="{(x0 + x1) / 2}" y="{yb + 30}" text-anchor="middle">session (date, UTC)</text>',
        f'<text transform="translate(11 {(yt + yb) / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>",
    ]
    for v, label in lines:
        p.append(
            f'<line class="mark" x1="{x0}" x2="{x1}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" '
            f'stroke="#888" stroke-dasharray="4 3"><title>{escape(label)}</title></line>'
        )
        p.append(f'<text x="{x1 - 2}" y="{sy(v) - 2:.1f}" text-anchor="end" fill="#666">{escape(label)}</text>')
    for k, (name, ys) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        dash = ' stroke-dasharray="6 2"' if k >= len(COLOURS) else ""  # past the colours
        pts = [(sx(i), sy(v), d, v) for i, (d, v) in enumerate(zip(dates, ys, strict=True)) if v is not None]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
            p.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, y, d, v in pts:
            tip = escape(f"{name + ': ' if name else ''}{d}: {v:g}")
            p.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{tip}</title></circle>')
        if legend:
            ly = H + 14 * k
            p.append(f'<rect x="{x0}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>')
            p.append(f'<text x="{x0 + 14}" y="{ly + 1}">{escape(name)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="10">'
        f"<title>{escape(title)}</title>" + "".join(p) + "</svg>"
    )


def progress_plots(progress: Progress) -> dict[str, str]:
    """Plot name -> standalone SVG: ``longest_hold`` (with the 10 s, 20 s and 2 min marks),
    ``fault_rates`` (per key point) and ``left_right`` (single-leg bridge); a plot with no data
    is left out."""
    ss = progress.sessions
    plots: dict[str, str] = {}
    holds = [s.longest_hold_s for s in ss]
    if any(v is not None for v in holds):
        tops = [v for v in holds if v is not None]
        lines = [(m, w) for m, (_, w) in zip(DEFAULT_MARKS_S, MARKS, strict=True)]
        plots["longest_hold"] = _chart(
            "Table top: longest hold per session", "seconds", [s.date for s in ss],
            [("longest hold", holds)], lines, 0.0, max(max(tops), DEFAULT_MARKS_S[2]) * 1.08,
        )  # fmt: skip
    words = {c.cue_id: c.key_point for s in ss for c in s.key_points if c.rate is not None}
    if words:
        rates = [{c.cue_id: c.rate for c in s.key_points} for s in ss]
        series: list[Series] = [
            (w, [None if (v := r.get(cid)) is None else round(100 * v, 1) for r in rates])
            for cid, w in words.items()
        ]
        plots["fault_rates"] = _chart(
            "Faults per rep, by key point", "% of reps judged", [s.date for s in ss], series,
            y_min=0.0, y_max=100.0,
        )  # fmt: skip
    sided = [s for s in ss if s.sides is not None]
    peaks = {
        side: [getattr(s.sides, side).peak_hip_extension_deg_mean if s.sides else None for s in sided]
        for side in ("left", "right")
    }
    if any(v is not None for vs in peaks.values() for v in vs):
        plots["left_right"] = _chart(
            "Single-leg bridge: left vs right", "peak hip extension (°)",
            [s.date for s in sided], [(f"{k} leg", v) for k, v in peaks.items()],
        )  # fmt: skip
    return plots


