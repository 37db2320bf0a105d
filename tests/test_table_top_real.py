"""A table top done as reps, on the team's labelled field clip (``../shared/clips/field``).

CUES.md: "Athletes often do hip thrusts in the table-top position. The hold cues still apply to
any hold; the reps are counted and reported with their tops and tempo, and the hold summary
says honestly that the longest hold fell short of the 10 s mark." The barbell hip thrust filmed
from the feet on a portrait phone: six reps with the labelled tops (within 0.3 s, as
benchmarks/real_accuracy.py scores them), the last top held ~4.2 s is the one hold, and no
single-leg phase (no leg is ever lifted: the plates, blur and far leg must not read as one).
Skipped when the shared clips are absent.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from shared_clips import REAL_CLIPS

from formcheck.pipeline import analyze_track
from formcheck.report.model import Report

FIELD = REAL_CLIPS.parent / "field"
HIP_THRUST = "pygif_barbell_hip_thrust_footend_portrait.mp4"
#: labelled times are ±0.25 s: a top's edge within 0.3 s is found (benchmarks/real_accuracy.py)
TOP_TOLERANCE_S = 0.3
#: the longest hold against the label's "about 4.2 s" (benchmarks/real_accuracy.py)
LONGEST_HOLD_TOLERANCE_S = 0.5

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(
        not (FIELD / HIP_THRUST).is_file() or not (FIELD / "labels.json").is_file(),
        reason=f"field clips not found at {FIELD}",
    ),
]


def _label() -> dict[str, Any]:
    return dict(json.loads((FIELD / "labels.json").read_text())["clips"][HIP_THRUST])


@cache
def _track() -> Any:  # PoseTrack, imported lazily with mediapipe
    from formcheck.tracking import track_video

    return track_video(FIELD / HIP_THRUST).track


@cache
def _report(drill: str) -> Report:
    return analyze_track(_track(), drill=drill).report


@pytest.mark.parametrize("drill", ["auto", "table-top"])
def test_the_hip_thrust_is_a_table_top_done_as_reps_with_its_tops(drill: str) -> None:
    label = _label()
    report = _report(drill)
    assert report.drill is not None and report.drill.id == "table-top"
    assert len(report.reps) == label["reps"] == 6
    tops = [(p.start_s, p.end_s) for r in report.reps for p in r.phases if p.name == "top"]
    assert tops == [
        (pytest.approx(a, abs=TOP_TOLERANCE_S), pytest.approx(b, abs=TOP_TOLERANCE_S))
        for a, b in label["tops"]
    ]
    for rep in report.reps:  # the tempo and the height of every rep
        assert rep.measures["lift_s"] is not None and rep.measures["lift_s"] < 1.0
        # "fast lowering about 0.3-0.5 s": well under a second, read past the whole top
        assert rep.measures["lower_s"] is not None and rep.measures["lower_s"] < 1.0
        assert 160.0 <= (rep.measures["peak_hip_extension_deg"] or 0.0) <= 180.0
    assert "no hold found" not in report.warnings


@pytest.mark.parametrize("drill", ["auto", "table-top"])
def test_the_hip_thrust_s_held_last_top_is_its_one_hold_below_the_10_s_mark(drill: str) -> None:
    report = _report(drill)
    (hold,) = [s for s in report.segments if s.kind == "hold"]
    last_top = next(p for p in report.reps[-1].phases if p.name == "top")
    assert last_top.start_s <= hold.start_s < hold.end_s <= last_top.end_s
    assert report.holds is not None
    assert report.holds.longest_s == pytest.approx(4.2, abs=LONGEST_HOLD_TOLERANCE_S)
    assert report.holds.mark_reached == "none"
    # filmed ~58° off side-on: the camera sweep found the table top's hold length and height
    # unreliable from 60° (docs/camera_angles.md), so those key points are not judged, saying
    # why, while the hold itself is still measured (above)
    (duration,) = [r for r in report.results if r.cue_id == "tth.duration"]
    (top,) = [r for r in report.results_of(hold.index) if r.cue_id == "tth.hold_top"]
    for result in (duration, top):
        assert result.status.value == "not_measurable"
        assert "camera sweep" in result.message
    # judged as the view's signals show it, the hold is held high enough and below the 10 s mark
    free = analyze_track(_track(), drill=drill, camera_limits=False).report
    (duration,) = [r for r in free.results if r.cue_id == "tth.duration"]
    assert duration.message.startswith("longest hold ")
    assert "below the 10 s mark" in duration.message
    (free_hold,) = [s for s in free.segments if s.kind == "hold"]
    (top,) = [r for r in free.results_of(free_hold.index) if r.cue_id == "tth.hold_top"]
    assert top.status.value == "pass"


@pytest.mark.parametrize("drill", ["auto", "table-top"])
def test_the_hip_thrust_from_the_feet_lifts_no_leg(drill: str) -> None:
    """No foot leaves the floor (the label): the world landmarks' depth error lifted both
    planted feet 5–11 cm at every top; the image, where they stay put, says no."""
    report = _report(drill)
    assert _label()["expect"]["single_leg_phases"] == "none"
    assert [s for s in report.segments if s.kind == "single_leg"] == []
    assert not [r for r in report.results if r.cue_id in ("tth.leg_lift", "tth.hips_stay_up")]
