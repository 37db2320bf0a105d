"""A rep at the very end of a clip or stream, on the team's real clips (``../shared/clips/real``).

A rep the clip ends in counts the same offline, live (`LiveCoach.finish` at the end of the
stream) and on the annotated video's counter (on the last frame at the latest). Cut before its
hips are back down, its lowering, bottom and touch-down are not judged ("cut by the clip end"),
never faults; back down, they are judged as in the whole clip. Tracks come from
``test_analysis_real`` (cached, so the pose model runs at most once per clip). Skipped when the
shared clips are absent.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from shared_clips import REAL_CLIPS, real_clips_available
from test_analysis_real import CLIPS, LABELS, _analysis, _track
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.live import LiveCoach
from formcheck.pipeline import analyze_track
from formcheck.pose.replay import ReplayBackend
from formcheck.report.annotate import FrameStates
from formcheck.report.model import Report, Status
from formcheck.report.verdict_words import CUT_BY_CLIP_END_WORDS as CUT_BY_CLIP_END
from formcheck.types import PoseTrack

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(not real_clips_available(), reason=f"real clips not found at {REAL_CLIPS}"),
]

BLANK = np.zeros((8, 8, 3), dtype=np.uint8)
#: the cues that judge a rep's lowering, bottom and touch-down (single-leg bridge)
LOWERING_CUES = ("slgb.slow_down", "slgb.touch_ground", "slgb.not_your_bone")
#: clips whose reps lower from a full top to the floor (the pexels clip ends at a top)
LOWERING_CLIPS = ("physioplus_glute_bridge_side.mp4", "stock_frog_pump_side.mp4")


def _stream(track: PoseTrack) -> LiveCoach:
    coach = LiveCoach(ReplayBackend(track=track), fps_hint=track.fps)
    for t in track.t:
        coach.feed(BLANK, float(t))
    return coach


@pytest.mark.parametrize("name", CLIPS)
def test_live_counts_the_rep_the_clip_ends_in(name: str) -> None:
    """physio 0 vs 1, pexels 1 vs 2, frog pump 2 vs 3 before the end of the stream counted."""
    final = _stream(_track(name)).finish()
    assert final is not None
    assert final.reps_done == LABELS[name]["reps"] == len(_analysis(name).report.reps)


def test_live_command_counts_the_rep_the_clip_ends_in(tmp_path: Path) -> None:
    name = "stock_frog_pump_side.mp4"
    saved = _track(name).save(tmp_path / "track.npz")
    result = CliRunner().invoke(
        app,
        ["live", "--source", str(REAL_CLIPS / name), "--no-window", "--backend", "replay",
         "--model", str(saved)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"reps counted: {LABELS[name]['reps']}" in result.output


@pytest.mark.parametrize("name", CLIPS)
def test_the_annotated_counter_reaches_the_total_on_the_last_frame(name: str) -> None:
    analysis = _analysis(name)
    last = len(analysis.track) - 1
    state = FrameStates(analysis).at(last, float(analysis.track.t[last]), analysis.track.size)
    assert state.reps_done == state.reps_total == LABELS[name]["reps"]


def _lowering_cues(track: PoseTrack, rep: int) -> dict[str, tuple[Status, str]]:
    report = analyze_track(track, drill="single-leg-bridge").report
    index = report.reps[rep].index
    return {
        r.cue_id: (r.status, r.message)
        for r in report.results
        if r.segment_index == index and r.cue_id in LOWERING_CUES
    }


def _held(track: PoseTrack, seconds: float) -> PoseTrack:
    """The track, then its last pose held still for ``seconds`` (a pause where it was cut)."""
    step = float(np.median(np.diff(track.t)))
    n = int(round(seconds / step))
    return PoseTrack(
        t=np.concatenate([track.t, track.t[-1] + step * np.arange(1, n + 1)]),
        image=np.concatenate([track.image, np.repeat(track.image[-1:], n, 0)]),
        world=np.concatenate([track.world, np.repeat(track.world[-1:], n, 0)]),
        size=track.size,
        fps=track.fps,
    )


@pytest.mark.parametrize("pause_s", [0.0, 0.3])
@pytest.mark.parametrize("part", [0.5, 0.75, 0.9])
@pytest.mark.parametrize("name", LOWERING_CLIPS)
def test_a_clip_cut_late_in_a_lowering_judges_no_lowering_fault(
    name: str, part: float, pause_s: float
) -> None:
    """Cut ``part`` of the way through each rep's lowering (and the athlete still for
    ``pause_s`` there before the clip ends): the cut rep still counts, and its lowering,
    bottom and touch-down are not judged rather than judged as a fast lowering that never
    touched down."""
    track, reps = _track(name), _analysis(name).report.reps
    for i, rep in enumerate(reps):
        lower = next(p for p in rep.phases if p.name == "lower")
        cut = track.between(0.0, lower.start_s + part * (lower.end_s - lower.start_s))
        cues = _lowering_cues(_held(cut, pause_s) if pause_s else cut, i)
        assert cues == dict.fromkeys(LOWERING_CUES, (Status.NOT_MEASURABLE, CUT_BY_CLIP_END))


def _verdicts(report: Report, index: int) -> dict[str, tuple[Status, float | None]]:
    return {r.cue_id: (r.status, r.value) for r in report.results if r.segment_index == index}


@pytest.mark.parametrize("name", LOWERING_CLIPS)
def test_a_clip_cut_once_the_hips_are_down_judges_the_lowering_as_the_whole_clip(
    name: str,
) -> None:
    """Cut 0.35 s after a rep's hips reached the bottom (still before the next lift): its
    lowering and bottom are judged, with the times and verdicts of the whole clip."""
    track, whole = _track(name), _analysis(name, "single-leg-bridge").report
    for i, rep in enumerate(whole.reps):
        bottom = next(p for p in rep.phases if p.name == "bottom")
        cut = analyze_track(track.between(0.0, bottom.start_s + 0.35), drill="single-leg-bridge")
        cut_rep = cut.report.reps[i]
        assert cut.spans[cut_rep.index].complete
        assert cut_rep.measures["lower_s"] == pytest.approx(rep.measures["lower_s"], abs=0.05)
        for cue in LOWERING_CUES[:2]:
            assert _verdicts(cut.report, cut_rep.index)[cue][0] is _verdicts(whole, rep.index)[cue][0]
