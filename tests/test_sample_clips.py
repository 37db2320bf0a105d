"""The committed sample clips through the whole pipeline, pose model included: on every side-view
clip the rep count is right and the headline fault (the one the clip was rendered with) is found,
and a clean clip shows none. This guards the figures of sample_videos/ACCURACY.md in CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.pipeline import analyze
from formcheck.report.model import Status

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
SIDE_CLIPS = sorted(
    p.name.removesuffix(".truth.json")
    for p in SAMPLES.glob("*.truth.json")
    if json.loads(p.read_text())["expected"]["view_class"] == "side"
)


@pytest.mark.parametrize("name", SIDE_CLIPS)
def test_side_view_sample_clip_counts_reps_and_finds_its_headline_fault(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())
    spec = truth["spec"]
    variant = "toe" if spec.get("toe_variant") else ""
    cache = tmp_path_factory.getbasetemp() / "sample-tracks"
    report = analyze(
        SAMPLES / f"{name}.mp4", drill=spec["drill"], variant=variant, cache_dir=cache
    ).report
    expected_faults = {c["cue"] for c in truth["expected"]["cues"] if c["expected"] == "fault"}
    found_faults = {r.cue_id for r in report.results if r.status is Status.FAULT}
    reps = [s for s in truth["segments"] if s["kind"] == "rep"]
    assert len(report.reps) == len(reps)
    assert expected_faults <= found_faults, f"missed: {expected_faults - found_faults}"
    if not expected_faults:
        assert not found_faults, f"false faults on a clean clip: {found_faults}"
    # every rep of a headline fault shows it (not just one of them)
    for cue in expected_faults:
        for seg in {
            c["segment"]
            for c in truth["expected"]["cues"]
            if c["cue"] == cue and c["expected"] == "fault"
        }:
            got = [r for r in report.results if r.cue_id == cue and r.segment_index == seg]
            assert got and got[0].status is Status.FAULT, (cue, seg, got)
