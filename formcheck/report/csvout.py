"""CSV: one row per rep (or hold) with every measure and verdict; one row per clip for batches.

Per-rep columns: the clip and segment (``rep``: the number the console and HTML show, counted
within the kind: rep 1, 2…, hold 1, leg lift 1; ``segment_index``: the 0-based position the
JSON's ``segment_index`` points at; ``side``: the working, standing leg, which for a leg lift is
not the lifted one), every measure of the segments, then for every cue
``<cue_id>.status``, ``<cue_id>.reason`` (why a ``not_measurable`` cue has no verdict: ``view``,
``not_seen``, ``cut_by_clip`` or ``nothing_to_judge``, the console's and HTML's marks),
``<cue_id>.value`` and ``<cue_id>.threshold``, and the rep's fault count and verdict. Cues judged
over the whole set go on one extra row of kind ``set``. Numbers are in plain units (the unit is
in the column name) at the precision the reports show them (`formcheck.report.units`); an empty
cell is "not measured".
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from formcheck.fileio import write_text_atomic
from formcheck.report.model import CueResult, Report, Status
from formcheck.report.units import measure_unit, rounded, rounded_limit

REP_COLUMNS_HEAD = (
    "clip",
    "athlete",
    "drill",
    "view",
    "rep",
    "segment_index",
    "kind",
    "side",
    "start_s",
    "end_s",
)
REP_COLUMNS_TAIL = ("faults", "fault_cues", "verdict")
#: the columns of a batch's summary.csv, one row per clip
CLIP_COLUMNS = (
    "athlete", "clip", "status", "error", "drill", "drill_source", "view", "reps", "holds",
    "longest_hold_s", "hold_mark", "faults", "fault_cues", "not_measurable", "person_fraction",
    "duration_s", "report_html", "report_json", "reps_csv", "video", "warnings",
)  # fmt: skip


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if not math.isfinite(v) else round(v, 3)
    if isinstance(v, Status):
        return v.value
    return v


def _verdict(results: Sequence[CueResult]) -> str:
    judged = [r for r in results if r.status in (Status.PASS, Status.FAULT)]
    if any(r.status is Status.FAULT for r in results):
        return "fault"
    return "pass" if judged else "not_judged"


def _cue_ids(report: Report) -> list[str]:
    return list(dict.fromkeys(r.cue_id for r in report.results))


def _measure_names(report: Report) -> list[str]:
    return list(dict.fromkeys(k for s in report.segments for k in s.measures))


def rep_columns(report: Report) -> list[str]:
    parts = ("status", "reason", "value", "threshold")
    cues = [f"{c}.{part}" for c in _cue_ids(report) for part in parts]
    return [*REP_COLUMNS_HEAD, *_measure_names(report), *cues, *REP_COLUMNS_TAIL]


def _row(
    report: Report, athlete: str, base: dict[str, Any], results: Sequence[CueResult]
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "clip": report.clip.name,
        "athlete": athlete,
        "drill": report.drill.id if report.drill else "",
        "view": report.view.name,
        **base,
    }
    for r in results:
        row[f"{r.cue_id}.status"] = r.status.value
        row[f"{r.cue_id}.reason"] = r.reason.value if r.reason else ""
        row[f"{r.cue_id}.value"] = rounded(r.value, r.unit, against=r.threshold)
        row[f"{r.cue_id}.threshold"] = rounded_limit(r.threshold, r.unit)
    faults = [r.cue_id for r in results if r.status is Status.FAULT]
    row.update(faults=len(faults), fault_cues=";".join(faults), verdict=_verdict(results))
    return {k: _cell(v) for k, v in row.items()}


def rep_rows(report: Report, *, athlete: str = "") -> list[dict[str, Any]]:
    """One dict per segment (rep, hold, single-leg phase), plus one for whole-set cues."""
    rows = []
    for seg in report.segments:
        base = {
            "rep": seg.number,
            "segment_index": seg.index,
            "kind": seg.kind,
            "side": seg.side or "",
            "start_s": seg.start_s,
            "end_s": seg.end_s,
            **{k: rounded(v, measure_unit(k)) for k, v in seg.measures.items()},
        }
        rows.append(
            _row(report, athlete, base, report.results_of(seg.index))
        )
    whole = report.results_of(None)
    if whole:
        rows.append(_row(report, athlete, {"rep": "", "segment_index": "", "kind": "set"}, whole))
    return rows


def clip_row(
    report: Report, *, athlete: str = "", clip: str = "", links: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The summary row of one analysed clip (``links``: report_html, report_json, … paths)."""
    holds = report.holds
    faults = report.faults
    row = {
        "athlete": athlete,
        "clip": clip or report.clip.name,
        "status": "ok",
        "drill": report.drill.id if report.drill else "",
        "drill_source": report.drill.source if report.drill else "",
        "view": report.view.name,
        "reps": len(report.reps),
        "holds": sum(1 for s in report.segments if s.kind == "hold"),
        "longest_hold_s": holds.longest_s if holds else None,
        "hold_mark": holds.mark_reached if holds else "",
        "faults": len(faults),
        "fault_cues": ";".join(dict.fromkeys(r.cue_id for r in faults)),
        "not_measurable": sum(1 for r in report.results if r.status is Status.NOT_MEASURABLE),
        "person_fraction": report.detection.person_fraction,
        "duration_s": report.clip.duration_s,
        **(links or {}),
    }
    return {k: _cell(v) for k, v in row.items()}


def error_row(*, clip: str, athlete: str = "", error: str) -> dict[str, Any]:
    """The summary row of a clip that could not be analysed."""
    return {"athlete": athlete, "clip": clip, "status": "error", "error": error}


def rows_to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()


def write_csv(path: str | Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Path:
    """Write rows atomically (temporary file, then rename)."""
    return write_text_atomic(path, rows_to_csv(rows, columns))


def write_rep_csv(report: Report, path: str | Path, *, athlete: str = "") -> Path:
    """The per-rep CSV of one report."""
    return write_csv(path, rep_rows(report, athlete=athlete), rep_columns(report))
