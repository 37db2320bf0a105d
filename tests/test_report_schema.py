"""The report's JSON: the committed schema matches the dataclasses, and reports round-trip."""

from __future__ import annotations

import json

import jsonschema
import pytest

from formcheck.report.model import (
    ClipInfo,
    CoachCheck,
    CueResult,
    Detection,
    DrillInfo,
    HoldSummary,
    Phase,
    Reason,
    Report,
    Segment,
    SideSummary,
    Status,
    TimeSpan,
    ViewInfo,
)
from formcheck.report.serialize import (
    SCHEMA_PATH,
    read_report_json,
    report_from_dict,
    report_schema,
    report_to_dict,
    write_report_json,
)


def full_report() -> Report:
    return Report(
        clip=ClipInfo(path="/x/set1.mp4", name="set1.mp4", width=1080, height=1920, fps=30.0),
        detection=Detection(
            frames_total=300,
            frames_with_person=290,
            person_fraction=290 / 300,
            missing=[TimeSpan(start_s=4.0, end_s=4.3)],
        ),
        drill=DrillInfo(id="single-leg-bridge", name="Single Leg Glute Bridge", source="auto"),
        view=ViewInfo(name="side-left", confidence=0.9, can_measure=["slgb.hips_up"]),
        segments=[
            Segment(
                index=0,
                kind="rep",
                start_s=0.5,
                end_s=4.0,
                side="left",
                phases=[Phase(name="lift", start_s=0.5, end_s=1.2)],
                measures={"peak_hip_extension_deg": 171.2, "top_pause_s": None},
            )
        ],
        results=[
            CueResult(
                cue_id="slgb.hips_up",
                segment_index=0,
                status=Status.FAULT,
                value=158.0,
                threshold=165.0,
                comparison=">=",
                unit="deg",
                message="peak hip extension 158° < 165°",
                fault_spans=[TimeSpan(start_s=1.0, end_s=2.0)],
            ),
            CueResult(
                cue_id="slgb.hips_level",
                segment_index=None,
                status=Status.NOT_MEASURABLE,
                reason=Reason.VIEW,
            ),
        ],
        coach_checks=[CoachCheck(cue_id="slgb.shoes_off", key_point="Shoes off")],
        holds=HoldSummary(segments=1, longest_s=12.0, total_s=12.0, mark_reached="10s"),
        sides=[SideSummary(side="left", reps=1, peak_hip_extension_deg_mean=171.2)],
        warnings=["person out of frame 4.0–4.3 s"],
        settings={"slgb.hips_up.min_hip_extension_deg": 160.0},
        versions={"formcheck": "0.1.0"},
    )


def test_committed_schema_matches_the_dataclasses() -> None:
    committed = json.loads(SCHEMA_PATH.read_text())
    assert committed == report_schema(), (
        "report.schema.json is stale: run `python -m formcheck.report.serialize`"
    )


def test_report_validates_against_schema_and_round_trips(tmp_path) -> None:
    report = full_report()
    data = report_to_dict(report)
    jsonschema.validate(data, report_schema())
    assert data["results"][0]["status"] == "fault"
    path = write_report_json(report, tmp_path / "r.json")
    assert read_report_json(path) == report


def test_schema_rejects_an_unknown_status() -> None:
    data = report_to_dict(full_report())
    data["results"][0]["status"] = "ok"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema())


def test_nan_becomes_null() -> None:
    report = full_report()
    seg = report.segments[0]
    seg.measures["lift_s"] = float("nan")
    data = report_to_dict(report)
    assert data["segments"][0]["measures"]["lift_s"] is None
    json.dumps(data, allow_nan=False)


def test_other_major_schema_version_is_refused() -> None:
    data = report_to_dict(full_report())
    data["schema_version"] = "2.0"
    with pytest.raises(ValueError, match="schema"):
        report_from_dict(data)


def test_segments_are_numbered_for_users_within_their_kind() -> None:
    """``segment_index`` stays the 0-based position; ``Segment.number`` and ``CueResult.rep``
    are the 1-based numbers every rendering shows (rep 1 even after a partial rep; a table
    top's hold 1 and leg lifts 1, 2), filled in where not given and kept through JSON."""
    base = full_report()
    kinds = ["partial", "rep", "rep", "hold", "single_leg", "single_leg"]
    segments = [
        Segment(index=i, kind=k, start_s=float(i), end_s=i + 1.0) for i, k in enumerate(kinds)
    ]
    results = [
        CueResult(cue_id="slgb.hips_up", segment_index=i, status=Status.PASS) for i in range(6)
    ] + [CueResult(cue_id="tth.duration", segment_index=None, status=Status.INFO)]
    report = Report(
        clip=base.clip, detection=base.detection, segments=segments, results=results
    )
    assert [s.number for s in report.segments] == [1, 1, 2, 1, 1, 2]
    assert [s.index for s in report.segments] == list(range(6))
    assert [r.rep for r in report.results] == [1, 1, 2, 1, 1, 2, None]
    assert [r.segment_index for r in report.results] == [0, 1, 2, 3, 4, 5, None]
    data = report_to_dict(report)
    jsonschema.validate(data, report_schema())
    assert data["segments"][1]["number"] == 1 and data["results"][2]["rep"] == 2
    assert report_from_dict(data) == report


def test_a_1_0_report_still_reads_and_gets_its_numbers() -> None:
    data = report_to_dict(full_report())
    data["schema_version"] = "1.0"
    for seg in data["segments"]:
        del seg["number"]
    for r in data["results"]:
        del r["rep"], r["reason"]
    report = report_from_dict(data)
    assert report.segments[0].number == 1 and report.results[0].rep == 1
    assert report.results[1].reason is None
