"""The HTML report: one self-contained page a coach can open anywhere (no network, no CDN).

Inline CSS and JS from ``templates/``, hand-rolled SVG plots (`formcheck.report.svgplot`) and
base64 JPEG key frames (`formcheck.report.keyframes`). The page says: the verdict, the drill
and view (and what the view cannot measure), the signals over time with reps and faults
shaded, each rep with every cue (value, threshold, status), the whole-set cues, the holds
against the 10 s / 20 s / 2 min marks, the sides, and the coach checks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import numpy as np

from formcheck import __version__
from formcheck.report.atomic import write_text_atomic
from formcheck.report.keyframes import KeyFrame, key_frames
from formcheck.report.model import CueResult, Report, Segment, Status
from formcheck.report.svgplot import PlotSpec, svg_plot
from formcheck.report.words import cue_words

log = logging.getLogger(__name__)

#: the signals plotted, with their titles and units
PLOTS: tuple[tuple[str, str, str], ...] = (
    ("bridge_height", "Bridge height (thigh lengths above the floor line)", "thigh"),
    ("hip_extension_deg", "Hip extension (°, 180 = shoulder–hip–knee straight)", "deg"),
    ("pelvic_tilt_deg", "Pelvic tilt (°, hip line against the floor)", "deg"),
    ("head_neck_deg", "Head–neck angle (° from the trunk line)", "deg"),
)
#: the series drawn for a plotted signal where it differs: the working leg's hip extension
#: (formcheck.analysis.WORKING_HIP_EXTENSION), which the reps' peaks are measured on
DRAWN_FROM: dict[str, str] = {"hip_extension_deg": "hip_extension_working_deg"}
#: the article's hold marks, seconds
HOLD_MARKS_S: tuple[tuple[float, str], ...] = ((10.0, "10 s"), (20.0, "20 s"), (120.0, "2 min"))
STATUS_WORDS = {
    Status.PASS: "pass",
    Status.FAULT: "fault",
    Status.NOT_MEASURABLE: "not measurable",
    Status.INFO: "info",
    Status.ADVICE: "advice",
}


def _template(name: str) -> str:
    return (
        resources.files("formcheck.report").joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    )


def _num(v: float | None, unit: str = "", digits: int = 1) -> str:
    if v is None or not np.isfinite(v):
        return "—"
    if unit == "fraction":
        return f"{100 * v:.0f} %"
    unit = {"deg": "°"}.get(unit, f" {unit}" if unit else "")
    return f"{v:.{digits}f}{unit}"


def _badge(status: Status) -> str:
    return f'<span class="badge {status.value}">{STATUS_WORDS.get(status, status.value)}</span>'


def _threshold(r: CueResult) -> str:
    if r.threshold is None:
        return "—"
    value = _num(r.threshold, r.unit)
    if r.comparison == "within":
        return f"within ±{value}"
    comparison = {">=": "≥", "<=": "≤"}.get(r.comparison, r.comparison)
    return f"{escape(comparison)} {value}" if comparison and comparison != "info" else value


def _seg_label(seg: Segment) -> str:
    side = f" ({seg.side})" if seg.side else ""
    name = {
        "rep": "Rep",
        "hold": "Hold",
        "single_leg": "Single-leg phase",
        "partial": "Partial rep",
    }.get(seg.kind, seg.kind.replace("_", " ").capitalize())
    return f"{name} {seg.index + 1}{side}"


# -- sections ------------------------------------------------------------------------------------


def _verdict(report: Report) -> str:
    faults = report.faults
    reps, holds = len(report.reps), [s for s in report.segments if s.kind == "hold"]
    parts = [f"{reps} rep{'s' * (reps != 1)}"] if reps or not holds else []
    parts += [f"{len(holds)} hold{'s' * (len(holds) != 1)}"] if holds else []
    what = " and ".join(parts)
    if not report.segments:
        cls, headline = "none", "No reps or holds found: nothing to judge"
    elif not faults:
        cls, headline = "good", f"Good form: no faults in {what}"
    else:
        cls, headline = "faults", f"{len(faults)} fault{'s' * (len(faults) != 1)} in {what}"
    by_seg = {s.index: s for s in report.segments}
    items = [
        f"<li><b>{escape(cue_words(r.cue_id).key_point)}</b> — "
        f"{escape(_seg_label(by_seg[r.segment_index]) if r.segment_index in by_seg else 'whole set')}: "
        f"{escape(r.message) if r.message else f'{_num(r.value, r.unit)}, needs {_threshold(r)}'}</li>"
        for r in faults
    ]
    det = report.detection
    warn = "".join(f"<li>{escape(w)}</li>" for w in report.warnings)
    return (
        f'<section class="card verdict {cls}" id="verdict"><div class="headline">{escape(headline)}</div>'
        + (f'<ul class="plain">{"".join(items)}</ul>' if items else "")
        + f'<div class="facts">{_facts(report)}</div>'
        + f'<p class="small muted">Person found in {det.frames_with_person} of {det.frames_total} frames '
        f"({det.person_fraction:.0%}).</p>"
        + (
            f'<p class="small"><b>Warnings</b></p><ul class="plain small">{warn}</ul>'
            if warn
            else ""
        )
        + "</section>"
    )


def _facts(report: Report) -> str:
    drill = report.drill
    drill_text = "not recognised" if drill is None else f"{drill.name} ({drill.source}"
    if drill is not None:
        drill_text += f", {drill.confidence:.0%})" if drill.source == "auto" else ")"
    view = report.view
    longest = report.holds.longest_s if report.holds else None
    facts = [
        ("Drill", drill_text),
        ("Camera view", f"{view.name} ({view.confidence:.0%} sure)"),
        ("Reps", str(len(report.reps))),
        ("Faults", str(len(report.faults))),
    ]
    if longest:
        facts.append(("Longest hold", _num(longest, "s")))
    clip = report.clip
    declared = f" (the file says {clip.declared_duration_s:.1f} s)" if clip.declared_differs else ""
    facts.append(("Clip", f"{clip.duration_s:.1f} s{declared}, {clip.width}×{clip.height}"))
    return "".join(f"<div><b>{escape(k)}</b>{escape(v)}</div>" for k, v in facts)


def _view(report: Report) -> str:
    v = report.view

    def names(ids: Iterable[str]) -> str:
        return (
            ", ".join(
                f"{escape(cue_words(i).key_point)} <span class='muted small'>({escape(i)})</span>"
                for i in ids
            )
            or "—"
        )

    return (
        '<section class="card" id="view"><h3>What this view can measure</h3>'
        f"<p>The camera view found is <b>{escape(v.name)}</b> ({v.confidence:.0%} sure).</p>"
        f"<p><b>Measured:</b> {names(v.can_measure)}</p>"
        f"<p><b>Not measurable from this view:</b> {names(v.cannot_measure)}</p></section>"
    )


def _plot_specs(analysis: Any) -> list[PlotSpec]:
    from formcheck.report.annotate import _signal

    report: Report = analysis.report
    t = np.asarray(getattr(analysis.signals, "t", analysis.track.t), dtype=np.float64)
    prefix = {"rep": "R", "hold": "H", "partial": "P"}
    reps = [
        (s.start_s, s.end_s, f"{prefix[s.kind]}{s.index + 1}")
        for s in report.segments
        if s.kind in prefix
    ]
    by_seg = {s.index: s for s in report.segments}
    specs: list[PlotSpec] = []
    for name, title, unit in PLOTS:
        y = _signal(analysis.signals, DRAWN_FROM.get(name, name))
        if y is None:
            y = _signal(analysis.signals, name)
        if y is None or y.size != t.size:
            y = np.full(t.size, np.nan)
        faults = []
        for r in report.results:
            words = cue_words(r.cue_id)
            mine = words.signal == name or (words.signal is None and name == "bridge_height")
            if not mine:
                continue
            if r.status is Status.FAULT:
                spans = [(f.start_s, f.end_s) for f in r.fault_spans]
                if not spans and r.segment_index in by_seg:
                    spans = [(by_seg[r.segment_index].start_s, by_seg[r.segment_index].end_s)]
                faults += [(s, e, words.fault) for s, e in spans]
        thresholds = _thresholds(report, name)
        specs.append(
            PlotSpec(
                title=title, unit=unit, t=t, y=y, reps=reps, faults=faults, thresholds=thresholds
            )
        )
    return specs


#: signals whose limits apply to either sign (a tilt or pitch either way)
SYMMETRIC_SIGNALS = ("pelvic_tilt_deg", "head_neck_deg")


def _thresholds(report: Report, signal: str) -> list[tuple[float, str]]:
    """Threshold lines for a plot: the drill's cue parameters on this signal's own scale
    (e.g. ``min_peak_hip_extension_deg``), with the report's overrides applied."""
    if report.drill is None:
        return []
    try:
        from formcheck.drills import get_drill

        cues = get_drill(report.drill.id).cues
    except (ImportError, KeyError, ValueError) as err:
        log.debug("no thresholds for %s: %s", signal, err)
        return []
    judged = {r.cue_id for r in report.results}
    lines: list[tuple[float, str]] = []
    for cue in cues:
        if cue.id not in judged:
            continue
        for param, default in cue.params.items():
            if signal not in param:
                continue
            value = float(report.settings.get(f"{cue.id}.{param}", default))
            label = f"{cue_words(cue.id).key_point}: {param} = {value:g}"
            values = (value, -value) if signal in SYMMETRIC_SIGNALS and value > 0 else (value,)
            lines += [(v, label) for v in values if (v, label) not in lines]
    return lines


def _plots(analysis: Any) -> str:
    legend = (
        '<div class="legend"><span><i style="background:#eef3f9;border:1px dashed #8fa3ba"></i>rep / hold</span>'
        '<span><i style="background:rgba(198,40,40,.3)"></i>fault</span>'
        '<span><i style="border-top:2px dashed #b26a00;height:0"></i>threshold</span></div>'
    )
    plots = "".join(f'<div class="card">{svg_plot(s)}</div>' for s in _plot_specs(analysis))
    return f'<section id="plots"><h2>Over time</h2>{legend}{plots}</section>'


def _cue_rows(results: Iterable[CueResult]) -> str:
    rows = []
    for r in results:
        words = cue_words(r.cue_id)
        cls = ' class="fault"' if r.status is Status.FAULT else ""
        rows.append(
            f"<tr{cls}><td>{escape(words.key_point)}<br><span class='muted small'>{escape(r.cue_id)}</span></td>"
            f"<td class='num'>{_num(r.value, r.unit)}</td><td class='num'>{_threshold(r)}</td>"
            f"<td>{_badge(r.status)}</td><td class='small'>{escape(r.message)}</td></tr>"
        )
    head = (
        "<tr><th>Key point</th><th>Measured</th><th>Threshold</th><th>Status</th><th>Note</th></tr>"
    )
    return f"<table class='cues'>{head}{''.join(rows)}</table>"


STATUS_MARKS = {
    Status.PASS: "✓",
    Status.FAULT: "✗",
    Status.NOT_MEASURABLE: "–",
    Status.INFO: "i",
    Status.ADVICE: "!",
}


def _overview(report: Report) -> str:
    """Segments × cues at a glance: one mark per verdict, the details below."""
    judged = [s for s in report.segments if any(r.segment_index == s.index for r in report.results)]
    cues = list(dict.fromkeys(r.cue_id for r in report.results if r.segment_index is not None))
    if not judged or not cues:
        return ""
    head = "".join(f'<th title="{escape(c)}">{escape(cue_words(c).key_point)}</th>' for c in cues)
    rows = []
    for seg in judged:
        by_cue = {r.cue_id: r for r in report.results if r.segment_index == seg.index}
        cells = "".join(
            f'<td class="mark"><span class="badge {r.status.value}" title="{escape(r.message)}">'
            f"{STATUS_MARKS.get(r.status, '?')}</span></td>"
            if (r := by_cue.get(c))
            else "<td></td>"
            for c in cues
        )
        rows.append(
            f'<tr><td><a href="#seg-{seg.index}">{escape(_seg_label(seg))}</a></td>{cells}</tr>'
        )
    return (
        '<section id="overview"><h2>At a glance</h2><div class="card" style="overflow-x:auto">'
        f'<table class="overview"><tr><th></th>{head}</tr>{"".join(rows)}</table>'
        '<p class="small muted">✓ pass · ✗ fault · – not measurable from this clip · i measured, not judged '
        "· ! advice</p></div></section>"
    )


def _segments(report: Report, thumbs: Mapping[int, KeyFrame], thumb_note: str) -> str:
    cards = []
    for seg in report.segments:
        results = [r for r in report.results if r.segment_index == seg.index]
        kf = thumbs.get(seg.index)
        img = (
            f'<img src="{kf.data_uri}" alt="{escape(_seg_label(seg))} at {kf.t:.2f} s">'
            f'<div class="small muted">frame at {kf.t:.2f} s</div>'
            if kf
            else f'<div class="nothumb">{escape(thumb_note)}</div>'
        )
        measures = "".join(
            f"<span><b>{escape(_measure_label(k))}</b>: {_num(v, _unit_of(k), 2 if k.endswith('_s') else 1)}</span>"
            for k, v in seg.measures.items()
        )
        cards.append(
            f'<div class="card rep-card" id="seg-{seg.index}"><div>{img}</div><div>'
            f"<h3>{escape(_seg_label(seg))} <span class='muted small'>{seg.start_s:.2f}–{seg.end_s:.2f} s</span></h3>"
            f'<div class="measures small">{measures}</div>{_cue_rows(results) if results else ""}</div></div>'
        )
    if not cards:
        return (
            '<section id="reps"><h2>Reps and holds</h2><p class="muted">None found.</p></section>'
        )
    return f'<section id="reps"><h2>Reps and holds</h2>{"".join(cards)}</section>'


def _measure_label(measure: str) -> str:
    """``peak_hip_extension_deg`` → ``Peak hip extension``."""
    stem = measure
    for suffix in ("_deg", "_s", "_cm"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem.replace("_", " ").capitalize()


def _unit_of(measure: str) -> str:
    for suffix, unit in (("_deg", "deg"), ("_s", "s"), ("_cm", "cm")):
        if measure.endswith(suffix):
            return unit
    return ""


def _whole_set(report: Report) -> str:
    results = [r for r in report.results if r.segment_index is None]
    if not results:
        return ""
    return f'<section id="set"><h2>Whole set</h2><div class="card">{_cue_rows(results)}</div></section>'


def _holds(report: Report) -> str:
    h = report.holds
    if h is None:
        return ""
    top = HOLD_MARKS_S[-1][0] * 1.05
    fill = min(100.0, h.longest_s / top * 100)
    marks = "".join(
        f'<div class="mark{" reached" if h.longest_s >= s else ""}" style="left:{s / top * 100:.2f}%"><span>{label}</span></div>'
        for s, label in HOLD_MARKS_S
    )
    return (
        '<section id="holds"><h2>Holds</h2><div class="card">'
        f"<p>Longest hold <b>{_num(h.longest_s, 's')}</b> of {h.segments} hold segment(s), "
        f"{_num(h.total_s, 's')} in all. Mark reached: <b>{escape(h.mark_reached)}</b> "
        "(the article: hold 10–20 s, work up to 2 minutes).</p>"
        f'<div class="holdbar" role="img" aria-label="longest hold against the marks">'
        f'<div class="fill" style="width:{fill:.2f}%"></div>{marks}</div></div></section>'
    )


def _sides(report: Report) -> str:
    if not report.sides:
        return ""
    rows = "".join(
        f"<tr><td>{escape(s.side)}</td><td class='num'>{s.reps}</td>"
        f"<td class='num'>{_num(s.peak_hip_extension_deg_mean, 'deg')}</td>"
        f"<td class='num'>{_num(s.lift_s_mean, 's', 2)}</td><td class='num'>{_num(s.lower_s_mean, 's', 2)}</td></tr>"
        for s in report.sides
    )
    head = (
        "<tr><th>Side</th><th>Reps</th><th>Peak hip extension</th><th>Lift</th><th>Lower</th></tr>"
    )
    return f'<section id="sides"><h2>Left and right</h2><div class="card"><table>{head}{rows}</table></div></section>'


def _coach(report: Report) -> str:
    items = "".join(
        f"<li><b>{escape(c.key_point)}</b> <span class='muted small'>({escape(c.cue_id)})</span>"
        + (f" — {escape(c.note)}" if c.note else "")
        + "</li>"
        for c in report.coach_checks
    )
    body = (
        f'<ul class="plain">{items}</ul>' if items else '<p class="muted">None for this drill.</p>'
    )
    return (
        '<section id="coach"><h2>Coach checks</h2><div class="card">'
        '<p class="small muted">Key points a camera cannot judge: listed, not checked.</p>'
        f"{body}</div></section>"
    )


def _footer(report: Report) -> str:
    tm = report.timings
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in sorted(report.versions.items()))
    return (
        f"<footer>formcheck {escape(__version__)} · report schema {escape(report.schema_version)}"
        f"{' · ' + escape(report.created_utc) if report.created_utc else ''}"
        f" · analysis {tm.total_s:.1f} s{' (pose track from cache)' if tm.track_cached else ''}"
        f"{' · ' + versions if versions else ''}</footer>"
    )


# -- the page ------------------------------------------------------------------------------------


def render_html(
    analysis: Any,
    *,
    clip_path: str | Path | None = None,
    thumbnails: bool = True,
    frames: Mapping[int, KeyFrame] | None = None,
) -> str:
    """The report page for an `Analysis` (report, track, signals) as one HTML string.

    ``clip_path`` (default: the clip the report names) is decoded again for the key frames,
    unless ``frames`` brings them (from a `KeyFrameCollector` fed by another pass over the
    clip); with ``thumbnails=False`` or an unreadable clip the page says why there are none.
    """
    report: Report = analysis.report
    thumbs: Mapping[int, KeyFrame] = {}
    note = "key frames not requested"
    if thumbnails:
        thumbs = frames if frames is not None else key_frames(analysis, clip_path)
        note = (
            "no key frame for this segment"
            if thumbs
            else "key frame unavailable (clip not readable)"
        )
    title = f"formcheck — {report.clip.name}"
    body = (
        f"<header><h1>{escape(report.clip.name)}</h1>"
        f'<div class="muted small">{escape(report.clip.path)}</div></header>'
        + _verdict(report)
        + _view(report)
        + _plots(analysis)
        + _overview(report)
        + _segments(report, thumbs, note)
        + _whole_set(report)
        + _holds(report)
        + _sides(report)
        + _coach(report)
        + _footer(report)
    )
    return Template(_template("report.html")).substitute(
        title=escape(title),
        version=escape(__version__),
        css=_template("report.css"),
        js=_template("report.js"),
        body=body,
    )


def write_html(
    analysis: Any,
    path: str | Path,
    *,
    clip_path: str | Path | None = None,
    thumbnails: bool = True,
    frames: Mapping[int, KeyFrame] | None = None,
) -> Path:
    """Render and write the report page atomically; returns the path."""
    page = render_html(analysis, clip_path=clip_path, thumbnails=thumbnails, frames=frames)
    out = write_text_atomic(path, page)
    log.info("HTML report: %s (%d kB)", out, len(page) // 1024)
    return out
