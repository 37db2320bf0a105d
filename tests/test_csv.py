"""CSV: one row per rep with every measure and verdict; one row per clip."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
import report_fakes as rf

from formcheck.report.csvout import (
    CLIP_COLUMNS,
    clip_row,
    error_row,
    rep_columns,
    rep_rows,
    write_csv,
    write_rep_csv,
)
from formcheck.report.model import CueResult, HoldSummary, Reason, Status
from formcheck.report.units import format_value
from formcheck.report.words import REASON_WORDS


@pytest.fixture()
def report():
    return rf.fake_analysis().report


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_one_row_per_rep_with_every_measure_and_cue(report, tmp_path: Path) -> None:
    rows = _read(write_rep_csv(report, tmp_path / "reps.csv", athlete="ana"))
    assert len(rows) == 3
    for row, seg in zip(rows, report.reps, strict=True):
        assert (
            row["athlete"] == "ana" and row["drill"] == "single-leg-bridge" and row["kind"] == "rep"
        )
        assert int(row["rep"]) == seg.number and int(row["segment_index"]) == seg.index
        for name, value in seg.measures.items():
            assert float(row[name]) == pytest.approx(value, abs=0.5)
        for r in (r for r in report.results if r.segment_index == seg.index):
            assert row[f"{r.cue_id}.status"] == r.status.value
            assert float(row[f"{r.cue_id}.threshold"] or "nan") == pytest.approx(
                r.threshold if r.threshold is not None else float("nan"), nan_ok=True
            )
            assert row[f"{r.cue_id}.value"] == ("" if r.value is None else str(r.value))
    assert [r["verdict"] for r in rows] == ["pass", "fault", "pass"]
    assert rows[1]["faults"] == "1" and rows[1]["fault_cues"] == "slgb.slow_down"
    assert rows[0]["slgb.hips_level.value"] == "", "not measurable: an empty cell, not a number"


def test_columns_are_stable_and_complete(report) -> None:
    cols = rep_columns(report)
    assert cols[:3] == ["clip", "athlete", "drill"] and cols[-1] == "verdict"
    assert {"peak_hip_extension_deg", "lower_s", "slgb.slow_down.status"} <= set(cols)
    assert len(cols) == len(set(cols))


def test_whole_set_cues_get_their_own_row(report) -> None:
    extra = CueResult(
        cue_id="tth.duration", segment_index=None, status=Status.INFO, value=25.0, unit="s"
    )
    rows = rep_rows(replace(report, results=[*report.results, extra]))
    assert rows[-1]["kind"] == "set" and rows[-1]["tth.duration.status"] == "info"
    assert rows[-1]["verdict"] == "not_judged"


def test_clip_rows_and_error_rows(report, tmp_path: Path) -> None:
    report = replace(
        report, holds=HoldSummary(segments=1, longest_s=12.5, total_s=12.5, mark_reached="10s")
    )
    ok = clip_row(
        report, athlete="ana", clip="ana/set1.mp4", links={"report_html": "ana/set1/report.html"}
    )
    bad = error_row(clip="bob/broken.mp4", athlete="bob", error="not a video")
    rows = _read(write_csv(tmp_path / "summary.csv", [ok, bad], CLIP_COLUMNS))
    assert [r["status"] for r in rows] == ["ok", "error"]
    assert (
        rows[0]["reps"] == "3" and rows[0]["faults"] == "1" and rows[0]["longest_hold_s"] == "12.5"
    )
    assert rows[0]["report_html"] == "ana/set1/report.html" and rows[0]["hold_mark"] == "10s"
    assert rows[1]["error"] == "not a video" and rows[1]["reps"] == ""
    assert list(rows[0]) == list(CLIP_COLUMNS)


def test_no_segments_gives_a_header_only(report, tmp_path: Path) -> None:
    rows = _read(write_rep_csv(replace(report, segments=[], results=[]), tmp_path / "r.csv"))
    assert rows == []
    assert (tmp_path / "r.csv").read_text().startswith("clip,athlete,drill")


def test_numbers_at_the_precision_the_reports_show(report) -> None:
    """The CSV rounds as the console and HTML write: 0.06 shin lengths against a 0.15 limit,
    a 164.6° peak that misses 165° kept apart from it, whole degrees elsewhere."""
    seg = report.segments[0]
    results = [
        CueResult(cue_id="slgb.force_down", segment_index=seg.index, status=Status.PASS,
                  value=0.0634, threshold=0.15, comparison="<=", unit="shin"),
        CueResult(cue_id="slgb.hips_up", segment_index=seg.index, status=Status.FAULT,
                  value=164.62, threshold=165.0, comparison=">=", unit="deg"),
    ]  # fmt: skip
    seg = replace(seg, measures={"peak_hip_extension_deg": 171.24, "lower_s": 1.26})
    row = rep_rows(replace(report, segments=[seg], results=results))[0]
    assert (row["slgb.force_down.value"], row["slgb.force_down.threshold"]) == (0.06, 0.15)
    assert row["slgb.hips_up.value"] == 164.6 and row["slgb.hips_up.threshold"] == 165.0
    assert row["peak_hip_extension_deg"] == 171.0 and row["lower_s"] == 1.3
    assert format_value(row["lower_s"], "s") == format_value(seg.measures["lower_s"], "s")


def test_reason_columns_say_why_there_is_no_verdict(report) -> None:
    seg = report.segments[0]
    results = [
        CueResult(cue_id="slgb.slow_down", segment_index=seg.index,
                  status=Status.NOT_MEASURABLE, reason=Reason.CUT),
        CueResult(cue_id="slgb.hips_up", segment_index=seg.index, status=Status.PASS),
    ]  # fmt: skip
    report = replace(report, segments=[seg], results=results)
    assert "slgb.slow_down.reason" in rep_columns(report)
    row = rep_rows(report)[0]
    assert row["slgb.slow_down.reason"] == "cut_by_clip" and row["slgb.hips_up.reason"] == ""
    assert {r.value for r in REASON_WORDS} == {"view", "not_seen", "cut_by_clip", "nothing_to_judge"}
