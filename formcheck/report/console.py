"""The console summary `formcheck analyze` prints: what a coach would say, in a table."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from formcheck.report.model import CueResult, Reason, Report, Segment, Status
from formcheck.report.units import format_value, measure_unit
from formcheck.report.words import (
    REASON_WORDS,
    UNJUDGED_KINDS,
    camera_limit_words,
    cue_words,
    held_drill_done_as_reps,
    hold_mark_words,
    judged_share_words,
    legend_line,
    nothing_judged_words,
    result_where,
    segment_label,
    short_label,
    side_words,
    verdict_words,
    view_angle_words,
)
from formcheck.settings import overrides_line

#: the colour of each verdict's mark (the marks and their words: `formcheck.report.words`)
STATUS_STYLE: dict[Status, str] = {
    Status.PASS: "green",
    Status.FAULT: "bold red",
    Status.NOT_MEASURABLE: "dim",
    Status.INFO: "cyan",
    Status.ADVICE: "yellow",
}


#: below this, an auto-recognised drill is shown as a guess
LOW_DRILL_CONFIDENCE = 0.5


def _percent_floor(fraction: float) -> str:
    """A percentage that never rounds a miss up to 100 % (99.6 % of frames is not all)."""
    pct = 100.0 * fraction
    return f"{min(round(pct), 99) if pct < 100.0 else 100}%"


def _header(report: Report) -> Text:
    clip, det = report.clip, report.detection
    text = Text()
    text.append(f"{clip.name}", style="bold")
    text.append(f"  {clip.duration_s:.1f} s")
    if clip.declared_differs:
        text.append(f" (the file says {clip.declared_duration_s:.1f} s)", style="yellow")
    text.append(f" · {clip.width}×{clip.height} · {clip.fps:.0f} fps · {clip.frames} frames")
    if clip.rotation_deg:
        text.append(f" · rotated {clip.rotation_deg}°")
    text.append(f"\nperson found in {_percent_floor(det.person_fraction)} of frames")
    if det.missing:
        spans = ", ".join(
            f"{m.start_s:.1f}–{m.end_s:.1f} s"
            if m.end_s - m.start_s >= 0.1
            else f"at {m.start_s:.1f} s"
            for m in det.missing[:4]
        )
        more = f" (+{len(det.missing) - 4} more)" if len(det.missing) > 4 else ""
        text.append(f" (missing {spans}{more})", style="yellow")
    if report.drill and not report.drill.is_bridge:
        text.append("\nnot a bridge drill", style="bold red")
        text.append(
            f" (none of the three drills; confidence {report.drill.confidence:.0%}): nothing judged"
        )
        for why in report.drill.not_a_bridge:
            text.append(f"\n  · {why}", style="red")
    elif report.drill:
        how = "recognised" if report.drill.source == "auto" else "given"
        if report.drill.source == "auto" and report.drill.confidence < LOW_DRILL_CONFIDENCE:
            how = "not recognised: judged as this one; choose with --drill"
        variant = f", {report.drill.variant} variant" if report.drill.variant else ""
        text.append(f"\ndrill: {report.drill.name}{variant} ({how}")
        if report.drill.source == "auto":
            text.append(f", confidence {report.drill.confidence:.0%}")
        text.append(")")
        # a movement unlike the drill the user gave: said where it cannot be missed
        for warning in report.drill_warnings:
            text.append(f"\nwarning: {warning}", style="bold red")
    view = report.view
    text.append(
        f"\ncamera view: {view.name}{view_angle_words(view)} (confidence {view.confidence:.0%})"
    )
    if view.cannot_measure:
        text.append(f"\nthis view cannot measure: {', '.join(view.cannot_measure)}", style="dim")
    if (limit := camera_limit_words(view)) is not None:
        text.append(f"\n({limit})", style="dim")
    if report.settings:
        text.append(f"\n{overrides_line(report.settings)}", style="yellow")
    return text


#: (column, the measure it shows, the segment kinds it is shown for)
MEASURE_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("duration", "duration_s", ("hold", "single_leg")),
    ("peak hip ext", "peak_hip_extension_deg", ("rep", "partial")),
    ("hip ext", "median_hip_extension_deg", ("hold", "single_leg")),
    ("top pause", "top_pause_s", ("rep", "partial")),
    ("lift", "lift_s", ("rep", "partial")),
    ("lower", "lower_s", ("rep", "partial")),
    ("foot lift", "foot_lift_cm", ("single_leg",)),
)


def _segment_table(report: Report) -> Table | None:
    """One row per rep, hold or single-leg phase, with the measures its kind has."""
    if not report.segments:
        return None
    kinds = {s.kind for s in report.segments}
    columns = [c for c in MEASURE_COLUMNS if kinds & set(c[2])]
    sides = any(side_words(s) for s in report.segments)
    table = Table(title="Reps and holds", header_style="bold", title_justify="left")
    table.add_column("", no_wrap=True)
    if sides:
        table.add_column("side")
    table.add_column("time", justify="right")
    for name, _, _ in columns:
        table.add_column(name, justify="right")
    for seg in report.segments:
        table.add_row(*_segment_cells(seg, columns, sides))
    return table


def _segment_cells(
    seg: Segment, columns: list[tuple[str, str, tuple[str, ...]]], sides: bool
) -> list[str]:
    cells = [
        segment_label(seg, capital=False, side=False),
        *([side_words(seg)] if sides else []),
        f"{seg.start_s:.1f}–{seg.end_s:.1f} s",
    ]
    for _, measure, kinds in columns:
        value = seg.measures.get(measure) if seg.kind in kinds else None
        cells.append(format_value(value, measure_unit(measure)) if seg.kind in kinds else "")
    return cells


#: more segments than this and the key-point table shows counts instead of one column each
MAX_SEGMENT_COLUMNS = 10


def _cue_table(report: Report) -> Table | None:
    """Key points as rows, segments as columns, a mark in each cell (the legend below)."""
    if not report.results:
        return None
    by_cue: dict[str, dict[int | None, CueResult]] = defaultdict(dict)
    for r in report.results:
        by_cue[r.cue_id][r.segment_index] = r
    table = Table(title="Key points", header_style="bold", title_justify="left")
    table.add_column("key point")
    judged_segments = [s for s in report.segments if s.index in {r.segment_index for r in report.results}]
    indices = [s.index for s in judged_segments]
    wide = len(indices) <= MAX_SEGMENT_COLUMNS
    if wide:
        for seg in judged_segments:
            table.add_column(short_label(seg), justify="center")
    else:
        table.add_column("met / judged", justify="right")
    table.add_column("set", justify="center")
    for cue_id, results in by_cue.items():
        label = Text(cue_id.split(".", 1)[-1].replace("_", " "), style="bold")
        label.append(f"  {cue_words(cue_id).key_point}", style="dim")
        if wide:
            cells = [_mark(results.get(i)) for i in indices]
        else:
            judged = [r for k, r in results.items() if k is not None and r.status in _JUDGED]
            met = sum(r.status is Status.PASS for r in judged)
            first = next(iter(results.values()))
            cells = [Text(f"{met}/{len(judged)}") if judged else _mark(first)]
        table.add_row(label, *cells, _mark(results.get(None)))
    return table


_JUDGED = (Status.PASS, Status.FAULT)


def _mark(result: CueResult | None) -> Text:
    if result is None:
        return Text("")
    return Text(verdict_words(result)[0], style=STATUS_STYLE[result.status])


def _findings(report: Report) -> Text:
    text = Text()
    faults = [r for r in report.results if r.status in (Status.FAULT, Status.ADVICE)]
    nothing = nothing_judged_words(report)
    if not report.results:
        text.append("No cue was checked.\n", style="yellow")
    elif nothing:
        text.append(f"{nothing}.\n", style="yellow")
    elif not faults:
        share = judged_share_words(report)
        met = f"Every measurable key point was met ({share})" if share else "Every measurable key point was met"
        text.append(f"{met}.\n", style="bold green")
    for r in faults:
        text.append(f"{verdict_words(r)[0]} {r.cue_id}", style=STATUS_STYLE[r.status])
        text.append(f" ({result_where(report, r)}): {r.message}\n")
    unjudged = _unjudged(report) + [
        f"{segment_label(s, capital=False)}: {UNJUDGED_KINDS[s.kind]}"
        for s in report.segments
        if s.kind in UNJUDGED_KINDS
    ]
    if unjudged:
        text.append("\n" + "\n".join(unjudged), style="dim")
    return text


def _unjudged(report: Report) -> list[str]:
    """One line per reason some results have no verdict: the mark, its words, the cues (with
    the segments, unless the cue was judged nowhere)."""
    lines = []
    for reason, (mark, words) in REASON_WORDS.items():
        hits = [
            r
            for r in report.results
            if r.status is Status.NOT_MEASURABLE and (r.reason or Reason.VIEW) is reason
        ]
        if not hits:
            continue
        cues: dict[str, list[str]] = defaultdict(list)
        for r in hits:
            cues[r.cue_id].append(result_where(report, r))
        judged_somewhere = {
            r.cue_id for r in report.results if r.status is not Status.NOT_MEASURABLE
        }
        items = [
            cue if cue not in judged_somewhere else f"{cue} ({', '.join(where)})"
            for cue, where in cues.items()
        ]
        lines.append(f"{mark} {words}: {'; '.join(items)}")
    return lines


def _extras(report: Report) -> Text:
    text = Text()
    if report.holds and (report.holds.segments or held_drill_done_as_reps(report)):
        h = report.holds
        if h.mark_reached:
            text.append(
                f"holds: {f'{h.segments}, ' if h.segments else ''}"
                f"{hold_mark_words(h.longest_s, h.marks_s)}; "
                f"mark reached: {h.mark_reached} (article: 10–20 s, work up to 2 min)\n"
            )
        else:  # a floor bridge held: the article's marks are the table top's
            text.append(
                f"holds: {h.segments}, longest {format_value(h.longest_s, 's')}, "
                f"{format_value(h.total_s, 's')} in all (hips up and still)\n"
            )
    for side in report.sides:
        text.append(
            f"{side.side} leg: {side.reps} rep{'s' if side.reps != 1 else ''}, peak extension "
            f"{format_value(side.peak_hip_extension_deg_mean, 'deg')}, lowering "
            f"{format_value(side.lower_s_mean, 's')}\n"
        )
    if report.coach_checks:
        text.append("coach checks (not judged by the camera): ", style="bold")
        text.append("; ".join(c.key_point for c in report.coach_checks) + "\n")
    for warning in report.warnings:
        if warning not in report.drill_warnings:  # those are in the header
            text.append(f"warning: {warning}\n", style="yellow")
    t = report.timings
    cached = " (pose track from cache)" if t.track_cached else ""
    text.append(
        f"time: {t.total_s:.1f} s total, pose {t.pose_s:.1f} s, analysis "
        f"{t.analysis_s * 1000:.0f} ms{cached}",
        style="dim",
    )
    return text


def render_console(report: Report, console: Console | None = None) -> None:
    """Print the report's summary to the terminal."""
    console = console or Console()
    parts: list = [_header(report)]
    if report.drill and not report.drill.is_bridge:
        hint = "Choose a drill with --drill to judge this clip anyway."
        console.print(Group(*parts, Text(hint, style="dim"), _extras(report)))
        return
    table = _segment_table(report)
    if table is not None:
        parts.append(table)
    elif report.drill:
        parts.append(Text("No reps or holds found.", style="yellow"))
    cues = _cue_table(report)
    if cues is not None:
        parts += [cues, Text(legend_line(), style="dim")]
    parts.append(_findings(report))
    parts.append(_extras(report))
    console.print(Group(*parts))
