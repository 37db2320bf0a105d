"""The HTML report: one self-contained page a coach can open anywhere (no network, no CDN).

Inline CSS and JS from ``templates/``, hand-rolled SVG plots (`formcheck.report.svgplot`) and
base64 JPEG key frames (`formcheck.report.keyframes`). The page says: the verdict, the drill
and view (and what the view cannot measure), the signals over time with reps and faults
shaded, each rep with every cue (value, threshold, status), the whole-set cues, the holds
against the 10 s / 20 s / 2 min marks, the sides, and the coach checks.

Over 400 lines because it is one page, section by section, each a short function; the plots
(`svgplot.py`), key frames (`keyframes.py`) and words (`words.py`) are already apart.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

import numpy as np

from formcheck import __version__
from formcheck.fileio import write_text_atomic
from formcheck.report.keyframes import KeyFrame, key_frames
from formcheck.report.model import CueResult, Report, Status
from formcheck.report.svgplot import PlotSpec, svg_plot
from formcheck.report.units import format_limit, format_value, measure_unit
from formcheck.report.words import (
    UNJUDGED_KINDS,
    camera_limit_words,
    cue_words,
    hold_mark_words,
    judged_share_words,
    legend,
    mark_words,
    measure_label,
    nothing_judged_words,
    result_where,
    segment_label,
    short_label,
    side_words,
    verdict_class,
    verdict_words,
    view_angle_words,
)

if TYPE_CHECKING:
    from formcheck.report.assemble import Analysis

log = logging.getLogger(__name__)

#: the signals plotted, with their titles and units
PLOTS: tuple[tuple[str, str, str], ...] = (
    ("bridge_height", "Bridge height (thigh lengths above the floor line)", "thigh"),
    ("hip_extension_deg", "Hip extension (°, 180 = shoulder–hip–knee straight)", "deg"),
    ("pelvic_tilt_deg", "Pelvic tilt (°, hip line against the floor)", "deg"),
    ("head_neck_deg", "Head–neck angle (° from the trunk line)", "deg"),
)
#: plot titles that differ by drill: on a bench the shoulders, not the floor, are the zero
#: of the bridge height (the hips' height above the shoulders), so it is negative below them
TITLES_BY_DRILL: dict[str, dict[str, str]] = {
    "table-top": {
        "bridge_height": "Hip height (thigh lengths above the shoulders on the bench; "
        "0 = hips level with the shoulders)",
    },
}
#: one-leg work plots each leg's own line (a single line would jump from one leg's angle to
#: the other's where the working side changes); the reps' peaks are read on the working leg's
PER_SIDE: dict[str, tuple[tuple[str, str], ...]] = {
    "hip_extension_deg": (
        ("left hip", "hip_extension_left_deg"),
        ("right hip", "hip_extension_right_deg"),
    ),
}
#: the prefix every message of a result without a verdict starts with (the badge says it)
NOT_MEASURABLE_PREFIX = "not measurable: "


def _template(name: str) -> str:
    return (
        resources.files("formcheck.report")
        .joinpath("templates")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def _badge(r: CueResult) -> str:
    return f'<span class="badge {verdict_class(r)}">{escape(verdict_words(r)[1])}</span>'


def _threshold(r: CueResult) -> str:
    return escape(format_limit(r.comparison, r.threshold, r.unit))


def _value(r: CueResult) -> str:
    return escape(format_value(r.value, r.unit, against=r.threshold))


def _note(r: CueResult) -> str:
    """What the Measured and Threshold columns do not say: why there is no verdict, an info
    line, or the other measures a message names after its first ("…, lifting 0.8 s"); never
    the measured value and its limit again."""
    message = r.message
    if r.status is Status.NOT_MEASURABLE:
        return message.removeprefix(NOT_MEASURABLE_PREFIX)
    if r.status is Status.INFO or r.value is None or r.threshold is None:
        return message
    cuts = [i for i in (message.find(", "), message.find("; ")) if i >= 0]
    return message[min(cuts) + 2 :] if cuts else ""


# -- sections ------------------------------------------------------------------------------------


#: warnings that a drill the user gave does not match the movement (`analysis._mismatch`)
def _verdict(report: Report) -> str:
    faults = report.faults
    reps, holds = len(report.reps), [s for s in report.segments if s.kind == "hold"]
    parts = [f"{reps} rep{'s' * (reps != 1)}"] if reps or not holds else []
    parts += [f"{len(holds)} hold{'s' * (len(holds) != 1)}"] if holds else []
    what = " and ".join(parts)
    items = [
        f"<li><b>{escape(w)}</b></li>" for w in report.drill_warnings
    ]
    if report.drill is not None and not report.drill.is_bridge:
        cls, headline = "faults", "Not a bridge drill: nothing judged"
        items += [f"<li><b>{escape(w)}</b></li>" for w in report.drill.not_a_bridge]
        items.append("<li>choose a drill with <code>--drill</code> to judge it anyway</li>")
    elif not report.segments:
        cls, headline = "none", "No reps or holds found: nothing to judge"
    elif nothing := nothing_judged_words(report):
        cls, headline = "none", f"Nothing judged in {what}: {nothing[0].lower()}{nothing[1:]}"
    elif not faults:
        share = judged_share_words(report)
        headline = f"No faults in {what}: {share}" if share else f"Good form: no faults in {what}"
        cls = "good"
    else:
        cls, headline = "faults", f"{len(faults)} fault{'s' * (len(faults) != 1)} in {what}"
    items += [
        f"<li><b>{escape(cue_words(r.cue_id).key_point)}</b> — "
        f"{escape(result_where(report, r))}: "
        f"{escape(r.message) if r.message else f'{_value(r)}, needs {_threshold(r)}'}</li>"
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
    if drill is not None and not drill.is_bridge:
        drill_text = "none of the three drills (auto"
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
        facts.append(("Longest hold", format_value(longest, "s")))
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

    limit = camera_limit_words(v)
    why = f"<p class='muted small'>{escape(limit[0].upper() + limit[1:])}.</p>" if limit else ""
    return (
        '<section class="card" id="view"><h3>What this view can measure</h3>'
        f"<p>The camera view found is <b>{escape(v.name)}</b>{escape(view_angle_words(v))}"
        f" ({v.confidence:.0%} sure).</p>"
        f"<p><b>Measured:</b> {names(v.can_measure)}</p>"
        f"<p><b>Not measurable from this view:</b> {names(v.cannot_measure)}</p>{why}</section>"
    )


def _plot_specs(analysis: Analysis) -> list[PlotSpec]:
    report: Report = analysis.report
    t = np.asarray(analysis.signals.t, dtype=np.float64)

    def series(name: str) -> np.ndarray:
        y = analysis.signals.series(name)
        return y if y is not None and y.size == t.size else np.full(t.size, np.nan)

    reps = [
        (s.start_s, s.end_s, f"{short_label(s)} {side_words(s)}".strip())
        for s in report.segments
        if s.kind in ("rep", "hold", "partial")
    ]
    one_leg = any(s.side in ("left", "right") for s in report.segments)
    titles = TITLES_BY_DRILL.get(report.drill.id if report.drill else "", {})
    by_seg = {s.index: s for s in report.segments}
    specs: list[PlotSpec] = []
    for name, title, unit in PLOTS:
        sides = PER_SIDE.get(name, ()) if one_leg else ()
        lines = [(label, series(signal)) for label, signal in sides]
        if not any(np.isfinite(y).any() for _, y in lines):
            lines = []  # no per-side signal: the signal itself
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
        specs.append(
            PlotSpec(
                title=titles.get(name, title),
                unit=unit,
                t=t,
                y=series(name),
                reps=reps,
                faults=faults,
                thresholds=_thresholds(report, name, unit),
                lines=lines,
            )
        )
    return specs


#: signals whose limits apply to either sign (a tilt or pitch either way)
SYMMETRIC_SIGNALS = ("pelvic_tilt_deg", "head_neck_deg")


def _thresholds(report: Report, signal: str, unit: str) -> list[tuple[float, str]]:
    """Threshold lines for a plot: the parameters the drill's judged cues draw on this signal
    (`Cue.plot_lines`, e.g. ``min_peak_hip_extension_deg``), with the report's overrides."""
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
        param = cue.plot_lines.get(signal)
        if param is not None:
            value = float(report.settings.get(f"{cue.id}.{param}", cue.params[param]))
            comparison = {"min": ">=", "max": "<="}.get(param.split("_", 1)[0], "")
            label = f"{cue_words(cue.id).key_point}: {format_limit(comparison, value, unit)}"
            values = (value, -value) if signal in SYMMETRIC_SIGNALS and value > 0 else (value,)
            lines += [(v, label) for v in values if (v, label) not in lines]
    return lines


def _plots(analysis: Analysis) -> str:
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
            f"<td class='num' title=\"{escape(r.message)}\">{_value(r)}</td><td class='num'>{_threshold(r)}</td>"
            f"<td>{_badge(r)}</td><td class='small'>{escape(_note(r))}</td></tr>"
        )
    head = (
        "<tr><th>Key point</th><th>Measured</th><th>Threshold</th><th>Status</th><th>Note</th></tr>"
    )
    return f"<table class='cues'>{head}{''.join(rows)}</table>"


def _overview(report: Report) -> str:
    """Segments × cues at a glance: one mark per verdict, the details below."""
    judged = [s for s in report.segments if report.results_of(s.index)]
    cues = list(dict.fromkeys(r.cue_id for r in report.results if r.segment_index is not None))
    if not judged or not cues:
        return ""
    head = "".join(f'<th title="{escape(c)}">{escape(cue_words(c).key_point)}</th>' for c in cues)
    rows = []
    for seg in judged:
        by_cue = {r.cue_id: r for r in report.results_of(seg.index)}
        cells = "".join(
            f'<td class="mark"><span class="badge {verdict_class(r)}" '
            f'title="{escape(verdict_words(r)[1])}: {escape(r.message)}">'
            f"{escape(verdict_words(r)[0])}</span></td>"
            if (r := by_cue.get(c))
            else '<td class="mark" title="does not apply"></td>'
            for c in cues
        )
        rows.append(
            f'<tr><td><a href="#seg-{seg.index}">{escape(segment_label(seg))}</a></td>{cells}</tr>'
        )
    return (
        '<section id="overview"><h2>At a glance</h2><div class="card" style="overflow-x:auto">'
        f'<table class="overview"><tr><th></th>{head}</tr>{"".join(rows)}</table>'
        f"{_legend()}</div></section>"
    )


def _legend() -> str:
    """The marks' legend, the console's own (`formcheck.report.words.legend`)."""
    items = " · ".join(
        f"<b>{escape(mark)}</b> {escape(words)}" if mark != "blank" else f"blank: {escape(words)}"
        for mark, words in legend()
    )
    return f'<p class="small muted legend-marks">{items}</p>'


def _segments(report: Report, thumbs: Mapping[int, KeyFrame], thumb_note: str) -> str:
    cards = []
    for seg in report.segments:
        results = report.results_of(seg.index)
        kf = thumbs.get(seg.index)
        label = segment_label(seg)
        img = (
            f'<img src="{kf.data_uri}" class="keyframe" alt="{escape(label)} at {kf.t:.2f} s" '
            'title="click to enlarge">'
            f'<div class="small muted">frame at {kf.t:.2f} s · click to enlarge</div>'
            if kf
            else f'<div class="nothumb">{escape(thumb_note)}</div>'
        )
        measures = "".join(
            f"<span><b>{escape(measure_label(k))}</b>: {escape(format_value(v, measure_unit(k)))}</span>"
            for k, v in seg.measures.items()
        )
        unjudged = (
            f'<p class="small muted unjudged">Not judged: {escape(UNJUDGED_KINDS[seg.kind])}.</p>'
            if seg.kind in UNJUDGED_KINDS
            else ""
        )
        cards.append(
            f'<div class="card rep-card" id="seg-{seg.index}"><div>{img}</div><div>'
            f"<h3>{escape(label)} <span class='muted small'>{seg.start_s:.2f}–{seg.end_s:.2f} s</span></h3>"
            f'<div class="measures small">{measures}</div>{unjudged}'
            # the table scrolls inside its card on a phone, rather than widen the page
            + (f'<div class="scroll-x">{_cue_rows(results)}</div>' if results else "")
            + "</div></div>"
        )
    if not cards:
        return (
            '<section id="reps"><h2>Reps and holds</h2><p class="muted">None found.</p></section>'
        )
    return f'<section id="reps"><h2>Reps and holds</h2>{"".join(cards)}</section>'


def _whole_set(report: Report) -> str:
    results = [r for r in report.results if r.segment_index is None]
    if not results:
        return ""
    return f'<section id="set"><h2>Whole set</h2><div class="card">{_cue_rows(results)}</div></section>'


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _holds(report: Report) -> str:
    h = report.holds
    if h is None:
        return ""
    if not h.mark_reached:  # a floor bridge held: the article's marks are the table top's
        return (
            '<section id="holds"><h2>Holds</h2><div class="card">'
            f"<p>Longest hold <b>{format_value(h.longest_s, 's')}</b> of {h.segments} hold "
            f"segment(s), {format_value(h.total_s, 's')} in all: hips up and still on the floor."
            "</p></div></section>"
        )
    # the drill's marks (tth.duration's), as the report keeps them; a report written before it
    # kept them has the article's
    marks_s = sorted(h.marks_s) or [10.0, 20.0, 120.0]
    top = marks_s[-1] * 1.05
    fill = min(100.0, h.longest_s / top * 100)
    marks = "".join(
        f'<div class="mark{" reached" if h.longest_s >= s else ""}" style="left:{s / top * 100:.2f}%"><span>{mark_words(s)}</span></div>'
        for s in marks_s
    )
    honest = hold_mark_words(h.longest_s, h.marks_s) if h.marks_s else ""
    return (
        '<section id="holds"><h2>Holds</h2><div class="card">'
        f"<p>Longest hold <b>{format_value(h.longest_s, 's')}</b> of {h.segments} hold segment(s), "
        f"{format_value(h.total_s, 's')} in all. Mark reached: <b>{escape(h.mark_reached)}</b> "
        "(the article: hold 10–20 s, work up to 2 minutes).</p>"
        + (f"<p>{escape(_capital(honest))}.</p>" if honest else "")
        + '<div class="holdbar" role="img" aria-label="longest hold against the marks">'
        f'<div class="fill" style="width:{fill:.2f}%"></div>{marks}</div></div></section>'
    )


def _sides(report: Report) -> str:
    if not report.sides:
        return ""
    rows = "".join(
        f"<tr><td>{escape(s.side)}</td><td class='num'>{s.reps}</td>"
        f"<td class='num'>{format_value(s.peak_hip_extension_deg_mean, 'deg')}</td>"
        f"<td class='num'>{format_value(s.lift_s_mean, 's')}</td>"
        f"<td class='num'>{format_value(s.lower_s_mean, 's')}</td></tr>"
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
    # formcheck's own version opens the footer: the list holds the others
    versions = ", ".join(
        f"{escape(k)} {escape(v)}" for k, v in sorted(report.versions.items()) if k != "formcheck"
    )
    return (
        f"<footer>formcheck {escape(__version__)} · report schema {escape(report.schema_version)}"
        f"{' · ' + escape(report.created_utc) if report.created_utc else ''}"
        f" · analysis {tm.total_s:.1f} s{' (pose track from cache)' if tm.track_cached else ''}"
        f"{' · ' + versions if versions else ''}</footer>"
    )


# -- the page ------------------------------------------------------------------------------------


def render_html(
    analysis: Analysis,
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
        + (_view(report) if report.drill is None or report.drill.is_bridge else "")
        + _plots(analysis)
        + _overview(report)
        + _segments(report, thumbs, note)
        + _whole_set(report)
        + _holds(report)
        + _sides(report)
        + _coach(report)
        + _footer(report)
        + '<dialog class="zoom" id="zoom"><img alt=""></dialog>'
    )
    return Template(_template("report.html")).substitute(
        title=escape(title),
        version=escape(__version__),
        css=_template("report.css"),
        js=_template("report.js"),
        body=body,
    )


def write_html(
    analysis: Analysis,
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
