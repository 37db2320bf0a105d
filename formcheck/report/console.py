"""The console summary `formcheck analyze` prints: what a coach would say, in a table."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from formcheck.report.model import CueResult, Report, Segment, Status
from formcheck.report.words import cue_words

STATUS_MARK: dict[Status, tuple[str, str]] = {
    Status.PASS: ("✓", "green"),
    Status.FAULT: ("✗", "bold red"),
    Status.NOT_MEASURABLE: ("–", "dim"),
    Status.INFO: ("i", "cyan"),
    Status.ADVICE: ("!", "yellow"),
}


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}{unit}"


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
    if report.drill:
        how = "recognised" if report.drill.source == "auto" else "given"
        if report.drill.source == "auto" and report.drill.confidence < LOW_DRILL_CONFIDENCE:
            how = "not recognised: judged as this one; choose with --drill"
        text.append(f"\ndrill: {report.drill.name} ({how}")
        if report.drill.source == "auto":
            text.append(f", confidence {report.drill.confidence:.0%}")
        text.append(")")
    view = report.view
    text.append(f"\ncamera view: {view.name} (confidence {view.confidence:.0%})")
    if view.cannot_measure:
        text.append(f"\nthis view cannot measure: {', '.join(view.cannot_measure)}", style="dim")
    return text


def _segment_table(report: Report) -> Table | None:
    if not report.segments:
        return None
    table = Table(title="Reps and holds", header_style="bold", title_justify="left")
    for col in ("#", "kind", "side", "time", "peak hip ext", "top pause", "lift", "lower"):
        table.add_column(col, justify="left" if col in ("kind", "side") else "right")
    for seg in report.segments:
        table.add_row(*_segment_cells(seg))
    return table


def _segment_cells(seg: Segment) -> list[str]:
    m = seg.measures
    return [
        str(seg.index + 1),
        seg.kind.replace("_", "-"),
        seg.side or "",
        f"{seg.start_s:.1f}–{seg.end_s:.1f}s",
        _fmt(m.get("peak_hip_extension_deg"), "°"),
        _fmt(m.get("top_pause_s"), "s"),
        _fmt(m.get("lift_s"), "s"),
        _fmt(m.get("lower_s"), "s"),
    ]


#: more segments than this and the key-point table shows counts instead of one column each
MAX_SEGMENT_COLUMNS = 10


def _cue_table(report: Report) -> Table | None:
    """Key points as rows, segments as columns: ✓ met, ✗ missed, – not measurable."""
    if not report.results:
        return None
    by_cue: dict[str, dict[int | None, CueResult]] = defaultdict(dict)
    for r in report.results:
        by_cue[r.cue_id][r.segment_index] = r
    table = Table(title="Key points", header_style="bold", title_justify="left")
    table.add_column("key point")
    indices = [s.index for s in report.segments]
    wide = len(indices) <= MAX_SEGMENT_COLUMNS
    if wide:
        for i in indices:
            table.add_column(str(i + 1), justify="center")
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
            cells = [Text(f"{met}/{len(judged)}" if judged else "–")]
        table.add_row(label, *cells, _mark(results.get(None)))
    return table


_JUDGED = (Status.PASS, Status.FAULT)


def _mark(result: CueResult | None) -> Text:
    if result is None:
        return Text("")
    mark, style = STATUS_MARK[result.status]
    return Text(mark, style=style)


def _findings(report: Report) -> Text:
    text = Text()
    faults = [r for r in report.results if r.status in (Status.FAULT, Status.ADVICE)]
    judged_any = any(r.status in (Status.PASS, Status.FAULT) for r in report.results)
    if not report.results:
        text.append("No cue was checked.\n", style="yellow")
    elif not judged_any:
        text.append("No key point could be measured in this clip.\n", style="yellow")
    elif not faults:
        text.append("Every measurable key point was met.\n", style="bold green")
    for r in faults:
        where = "whole set" if r.segment_index is None else f"rep {r.segment_index + 1}"
        mark, style = STATUS_MARK[r.status]
        text.append(f"{mark} {r.cue_id}", style=style)
        text.append(f" ({where}): {r.message}\n")
    judged = {r.cue_id for r in report.results if r.status is not Status.NOT_MEASURABLE}
    unmeasured = sorted({r.cue_id for r in report.results} - judged)
    if unmeasured:
        text.append(f"\nnot measurable here: {', '.join(unmeasured)}", style="dim")
    return text


def _extras(report: Report) -> Text:
    text = Text()
    if report.holds and report.holds.segments:
        h = report.holds
        text.append(
            f"holds: {h.segments}, longest {h.longest_s:.1f} s, "
            f"mark reached: {h.mark_reached} (article: 10–20 s, work up to 2 min)\n"
        )
    for side in report.sides:
        text.append(
            f"{side.side} leg: {side.reps} rep{'s' if side.reps != 1 else ''}, peak extension "
            f"{_fmt(side.peak_hip_extension_deg_mean, '°')}, lowering "
            f"{_fmt(side.lower_s_mean, ' s')}\n"
        )
    if report.coach_checks:
        text.append("coach checks (not judged by the camera): ", style="bold")
        text.append("; ".join(c.key_point for c in report.coach_checks) + "\n")
    for warning in report.warnings:
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
    table = _segment_table(report)
    if table is not None:
        parts.append(table)
    elif report.drill:
        parts.append(Text("No reps or holds found.", style="yellow"))
    cues = _cue_table(report)
    if cues is not None:
        parts.append(cues)
    parts.append(Text("✓ met  ✗ missed  – not measurable from this view  ! advice", style="dim"))
    parts.append(_findings(report))
    parts.append(_extras(report))
    console.print(Group(*parts))
