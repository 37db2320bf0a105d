"""The console summary says what a coach would: key points met and missed, and what wasn't seen."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console
from test_report_schema import full_report

from formcheck.report.console import MAX_SEGMENT_COLUMNS, render_console
from formcheck.report.model import CueResult, Segment, Status


def rendered(report, width: int = 80) -> str:
    console = Console(record=True, width=width, color_system=None)
    render_console(report, console)
    return console.export_text()


def test_summary_names_faults_in_the_drills_words_and_fits_80_columns() -> None:
    text = rendered(full_report())
    assert "Single Leg Glute Bridge" in text
    assert "Drive hips up to bridge position" in text  # the article's words, from the drill
    assert "✗ slgb.hips_up (rep 1): peak hip extension 158° < 165°" in text
    assert "not measurable here: slgb.hips_level" in text
    assert "coach checks" in text and "Shoes off" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_many_reps_collapse_to_counts() -> None:
    report = full_report()
    n = MAX_SEGMENT_COLUMNS + 5
    segments = [replace(report.segments[0], index=i) for i in range(n)]
    results = [
        CueResult(
            cue_id="slgb.hips_up",
            segment_index=i,
            status=Status.FAULT if i < 3 else Status.PASS,
        )
        for i in range(n)
    ]
    text = rendered(replace(report, segments=segments, results=results))
    assert f"{n - 3}/{n}" in text


def test_no_reps_and_no_results_says_so() -> None:
    report = replace(full_report(), segments=[], results=[])
    text = rendered(report)
    assert "No reps or holds found." in text
    assert "No cue was checked." in text


def test_a_clean_set_says_every_key_point_was_met() -> None:
    report = full_report()
    seg: Segment = report.segments[0]
    ok = [CueResult(cue_id="slgb.hips_up", segment_index=seg.index, status=Status.PASS)]
    assert "Every measurable key point was met." in rendered(replace(report, results=ok))
