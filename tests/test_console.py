"""The console summary says what a coach would: key points met and missed, and what wasn't seen."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console
from test_report_schema import full_report

from formcheck.report.console import MAX_SEGMENT_COLUMNS, render_console
from formcheck.report.model import CueResult, HoldSummary, Reason, Segment, Status
from formcheck.report.words import REASON_WORDS, hold_mark_words, legend


def rendered(report, width: int = 80) -> str:
    console = Console(record=True, width=width, color_system=None)
    render_console(report, console)
    return console.export_text()


def test_summary_names_faults_in_the_drills_words_and_fits_80_columns() -> None:
    text = rendered(full_report())
    assert "Single Leg Glute Bridge" in text
    assert "Drive hips up to bridge position" in text  # the article's words, from the drill
    assert "✗ slgb.hips_up (rep 1): peak hip extension 158° < 165°" in text
    assert "– not measurable from this view: slgb.hips_level" in text
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


def test_a_clean_set_says_how_many_key_points_the_camera_judged() -> None:
    report = full_report()
    seg: Segment = report.segments[0]
    results = [
        CueResult(cue_id="slgb.hips_up", segment_index=seg.index, status=Status.PASS),
        CueResult(cue_id="slgb.hips_level", segment_index=seg.index, status=Status.NOT_MEASURABLE,
                  reason=Reason.VIEW),
    ]  # fmt: skip
    text = " ".join(rendered(replace(report, results=results)).split())
    assert "Every measurable key point was met (1 of 2 key points judged)." in text


def test_the_legend_names_every_mark_the_table_can_show() -> None:
    """i (measured, not judged) and the blank cell of a cue that does not apply included."""
    text = " ".join(rendered(full_report(), width=200).split())
    for mark, words in legend():
        assert f"{mark} {words}" in text
    assert "i measured, not judged" in text and "blank does not apply" in text


def _why_not(report, reasons: dict[str, Reason]):
    """``report`` with one rep and a not-measurable result per cue, for these reasons."""
    seg = report.segments[0]
    results = [
        CueResult(cue_id=cue, segment_index=seg.index, status=Status.NOT_MEASURABLE, reason=why,
                  message=f"not measurable: {why.value}")
        for cue, why in reasons.items()
    ] + [CueResult(cue_id="slgb.arms_crossed", segment_index=seg.index, status=Status.PASS)]
    return replace(report, results=results)  # fmt: skip


def test_each_reason_for_no_verdict_has_its_own_mark_and_words() -> None:
    """'–' meant "not measurable from this view" even where the view could measure but the
    rep was cut or nothing happened: each reason now has its own mark, in the table and below."""
    reasons = {
        "slgb.hips_level": Reason.VIEW,
        "slgb.hips_up": Reason.NOT_SEEN,
        "slgb.slow_down": Reason.CUT,
        "slgb.not_your_bone": Reason.NOTHING,
    }
    text = rendered(_why_not(full_report(), reasons), width=120)
    lines = text.splitlines()
    for cue, why in reasons.items():
        mark, words = REASON_WORDS[why]
        label = cue.split(".")[1].replace("_", " ")
        row = next(line for line in lines if line.startswith(f"│ {label}  "))
        assert row.split("│")[2].strip() == mark, (cue, row)
        assert f"{mark} {words}: {cue}" in text
    assert len({m for m, _ in REASON_WORDS.values()}) == len(REASON_WORDS)


def _table_top_report():
    report = full_report()
    hold = Segment(index=0, kind="hold", start_s=1.0, end_s=13.0,
                   measures={"duration_s": 12.0, "median_hip_extension_deg": 171.6,
                             "median_knee_angle_deg": 92.0})
    legs = [
        Segment(index=i, kind="single_leg", start_s=s, end_s=s + 3.0, side=stance,
                measures={"duration_s": 3.0, "foot_lift_cm": 4.2,
                          "median_hip_extension_deg": 168.0})
        for i, s, stance in ((1, 4.0, "right"), (2, 8.0, "left"))
    ]
    results = [
        CueResult(cue_id="tth.hold_top", segment_index=0, status=Status.PASS),
        CueResult(cue_id="tth.hips_stay_up", segment_index=1, status=Status.PASS),
        CueResult(cue_id="tth.hips_stay_up", segment_index=2, status=Status.FAULT,
                  message="hip extension fell 8° on one leg (needs ≤ 5°)"),
    ]
    return replace(report, segments=[hold, *legs], results=results)  # fmt: skip


def test_holds_show_duration_and_hip_extension_and_leg_lifts_name_the_lifted_leg() -> None:
    text = rendered(_table_top_report(), width=100)
    rows = [line for line in text.splitlines() if line.startswith("│ ")]
    hold = next(r for r in rows if "hold 1" in r)
    assert "12.0 s" in hold and "172°" in hold and "—" not in hold
    first = next(r for r in rows if "leg lift 1" in r)
    second = next(r for r in rows if "leg lift 2" in r)
    assert "left lifted" in first and "4.2 cm" in first, "standing on the right, left leg up"
    assert "right lifted" in second
    assert "(leg lift 2): hip extension fell" in text and "rep 2" not in text and "rep 3" not in text


def test_the_chosen_variant_is_said_with_the_drill() -> None:
    report = full_report()
    assert report.drill is not None and "variant" not in rendered(report)
    toe = replace(report, drill=replace(report.drill, variant="toe"))
    assert f"drill: {report.drill.name}, toe variant (" in rendered(toe, width=200)


def test_an_overridden_threshold_is_said_in_the_summary() -> None:
    assert "overridden" not in rendered(replace(full_report(), settings={}))
    report = replace(full_report(), settings={"slgb.hips_up.min_peak_hip_extension_deg": 150.0})
    assert "thresholds overridden: slgb.hips_up.min_peak_hip_extension_deg=150" in rendered(
        report, width=200
    )


def test_the_hold_summary_tells_the_longest_hold_against_the_marks() -> None:
    """A table top done as reps: "longest hold 4.2 s, below the 10 s mark" (CUES.md)."""
    short = HoldSummary(
        segments=1, longest_s=4.2, total_s=4.2, mark_reached="none", marks_s=[10.0, 20.0, 120.0]
    )
    text = rendered(replace(_table_top_report(), holds=short), width=120)
    assert "holds: 1, longest hold 4.2 s, below the 10 s mark; mark reached: none" in text
    past = replace(short, longest_s=25.0, total_s=25.0, mark_reached="20s")
    text = rendered(replace(_table_top_report(), holds=past), width=120)
    assert "longest hold 25.0 s, past the 20 s mark, below the 2 min mark" in text


def test_hold_mark_words() -> None:
    marks = (10.0, 20.0, 120.0)
    assert hold_mark_words(0.0, marks) == "no hold, so below the 10 s mark"
    assert hold_mark_words(10.0, marks) == (
        "longest hold 10.0 s, past the 10 s mark, below the 20 s mark"
    )
    assert hold_mark_words(130.0, marks) == "longest hold 130.0 s, past the 2 min mark"
    assert hold_mark_words(5.0, (12.5,)) == "longest hold 5.0 s, below the 12.5 s mark"
    assert hold_mark_words(5.0, ()) == "longest hold 5.0 s"


def test_a_table_top_done_as_reps_without_a_hold_says_so() -> None:
    """Reps and no top held long enough to be a hold: the summary says the hold cues had no
    hold to judge and that no hold reached the 10 s mark, not that nothing was measurable."""
    report = full_report()
    reps = [s for s in report.segments if s.kind == "rep"]
    assert reps
    none = HoldSummary(
        segments=0, longest_s=0.0, total_s=0.0, mark_reached="none", marks_s=[10.0, 20.0, 120.0]
    )
    duration = CueResult(cue_id="tth.duration", segment_index=None, status=Status.INFO)
    text = rendered(replace(report, segments=reps, results=[duration], holds=none), width=120)
    assert "No hold to judge: the reps are counted" in text
    assert "No key point could be measured" not in text
    assert "holds: no hold, so below the 10 s mark; mark reached: none" in text


def test_an_oblique_view_says_its_angle_and_why_key_points_are_left_out() -> None:
    from formcheck.report.model import ViewInfo

    view = ViewInfo(name="oblique", confidence=0.7, can_measure=["slgb.touch_ground"],
                    cannot_measure=["slgb.hips_level"], yaw_deg=46.8)  # fmt: skip
    text = rendered(replace(full_report(), view=view), width=200)
    assert "camera view: oblique, about 47° off side-on (confidence 70%)" in text
    assert "docs/camera_angles.md" in text and "film from the side" in text
    side = ViewInfo(name="side-left", confidence=0.9, cannot_measure=["slgb.hips_level"],
                    yaw_deg=4.0)  # fmt: skip
    text = rendered(replace(full_report(), view=side), width=200)
    assert "about 4° off side-on" in text and "docs/camera_angles.md" not in text
