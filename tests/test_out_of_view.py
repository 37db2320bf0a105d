"""A person who leaves the frame mid-rep: that rep's cues are not judged across the gap."""

from __future__ import annotations

import numpy as np

from formcheck.pipeline import analyze_track
from formcheck.report.model import Reason, Status
from formcheck.types import PoseTrack
from formcheck_synth import SynthSpec, generate


def with_gap(track: PoseTrack, start_s: float, end_s: float) -> PoseTrack:
    image, world = track.image.copy(), track.world.copy()
    gone = (track.t >= start_s) & (track.t < end_s)
    image[gone] = np.nan
    world[gone] = np.nan
    return PoseTrack(t=track.t, image=image, world=world, size=track.size, fps=track.fps)


def test_cues_of_a_rep_with_the_person_out_of_view_are_not_measurable() -> None:
    clip = generate(SynthSpec(drill="single-leg-bridge", reps=3, camera="side-left", seed=1))
    whole = analyze_track(clip.track, drill="single-leg-bridge").report
    rep2 = whole.reps[1]
    mid = 0.5 * (rep2.start_s + rep2.end_s)
    report = analyze_track(
        with_gap(clip.track, mid - 1.0, mid + 1.0), drill="single-leg-bridge"
    ).report
    hit = [s for s in report.segments if s.start_s < mid + 1.0 and s.end_s > mid - 1.0]
    assert hit
    for seg in hit:
        judged = [r for r in report.results if r.segment_index == seg.index]
        assert judged and all(r.status is Status.NOT_MEASURABLE for r in judged)
        assert sum("out of view" in r.message for r in judged) >= 5
        gone = [r for r in judged if "out of view" in r.message]
        assert {r.reason for r in gone} == {Reason.NOT_SEEN}, "not the view's fault"
    # reps the person was fully seen in are still judged
    seen = [s for s in report.reps if s.end_s < mid - 1.0]
    assert seen and any(
        r.status is Status.PASS for r in report.results if r.segment_index == seen[0].index
    )
    assert "no person in" in " ".join(report.warnings) or report.detection.missing


def test_no_set_no_advice() -> None:
    """A clip with no reps or holds gets no 'grab your glutes' advice: there was no set."""
    clip = generate(SynthSpec(drill="banded-bridge", reps=1, camera="side-left", seed=1))
    still = clip.track[:10]  # lying still before the first lift
    report = analyze_track(still, drill="banded-bridge").report
    assert not report.segments
    grab = [r for r in report.results if r.cue_id == "sbb.grab_glutes"]
    assert grab and grab[0].status is Status.NOT_MEASURABLE
    assert grab[0].reason is Reason.NOTHING
