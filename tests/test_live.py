"""Live coaching on a stream: reps counted as they finish, their faults shown, memory bounded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.errors import InputNotFound, OutputError
from formcheck.live import LiveCoach, LiveState
from formcheck.pipeline import analyze_track
from formcheck.pose.replay import ReplayBackend
from formcheck.report.model import Status
from formcheck.types import PoseTrack
from formcheck_synth import Faults, LegLift, SynthSpec, Tempo, generate

BLANK = np.zeros((8, 8, 3), dtype=np.uint8)


def resting_after(track: PoseTrack, seconds: float = 1.0) -> PoseTrack:
    """The track, then the athlete lying still in the last pose for ``seconds``."""
    step = float(np.median(np.diff(track.t)))
    n = int(seconds / step)
    last = int(np.flatnonzero(track.detected)[-1])
    return PoseTrack(
        t=np.concatenate([track.t, track.t[-1] + step * np.arange(1, n + 1)]),
        image=np.concatenate([track.image, np.repeat(track.image[last : last + 1], n, 0)]),
        world=np.concatenate([track.world, np.repeat(track.world[last : last + 1], n, 0)]),
        size=track.size,
        fps=track.fps,
    )


def stream(track: PoseTrack, drill: str) -> list[LiveState]:
    track = resting_after(track)
    coach = LiveCoach(ReplayBackend(track=track), drill=drill, fps_hint=30)
    return [coach.feed(BLANK, float(t)) for t in track.t]


def test_live_counts_the_reps_offline_analysis_finds() -> None:
    clip = generate(SynthSpec(drill="banded-bridge", reps=4, camera="side-left", seed=3))
    offline = analyze_track(clip.track, drill="banded-bridge").report
    states = stream(clip.track, "banded-bridge")
    offline_reps = len([s for s in offline.segments if s.kind == "rep"])
    assert offline_reps == 4
    assert states[-1].reps_done == offline_reps
    # the count only ever goes up, one rep at a time
    counts = [s.reps_done for s in states]
    assert all(0 <= b - a <= 1 for a, b in zip(counts, counts[1:], strict=False))
    assert states[len(states) // 2].hip_extension_deg is not None


def test_live_shows_a_rep_fault_after_the_rep() -> None:
    spec = SynthSpec(
        drill="single-leg-bridge",
        reps=3,
        camera="side-left",
        seed=5,
        faults=Faults(lower_s=0.4),
        tempo=Tempo(),
    )
    clip = generate(spec)
    states = stream(clip.track, "single-leg-bridge")
    shown = {line for s in states for line in s.faults}
    assert any("lower" in line.lower() for line in shown), shown
    assert states[-1].reps_done >= 2


def test_a_fault_shows_for_a_while_then_the_screen_returns_to_normal() -> None:
    """The faults of a rep stay on screen (and the skeleton red) for SHOW_FAULTS_S, then go:
    an athlete resting after a faulty rep sees the normal overlay again."""
    from formcheck.cli.live import _frame_state
    from formcheck.live import SHOW_FAULTS_S
    from formcheck.report.annotate import GREEN, RED, SkeletonAnnotator

    spec = SynthSpec(
        drill="single-leg-bridge", reps=1, camera="side-left", seed=5,
        faults=Faults(lower_s=0.4), tempo=Tempo(),
    )
    track = resting_after(generate(spec).track, seconds=SHOW_FAULTS_S + 2.0)
    coach = LiveCoach(ReplayBackend(track=track), drill="single-leg-bridge", fps_hint=30)
    states = [coach.feed(BLANK, float(t)) for t in track.t]
    judged = next(i for i, s in enumerate(states) if s.finished)
    assert states[judged].faults, "the faulty rep's faults are shown as it is judged"
    assert states[judged].finished[0].speech == "Lower slower"
    assert not states[-1].faults, "the faults are gone once SHOW_FAULTS_S has passed"
    assert states[-1].t - states[judged].t > SHOW_FAULTS_S

    def bones_in(state: LiveState, colour: tuple[int, int, int]) -> bool:
        """Whether the skeleton's bones are drawn in ``colour`` (its hue, under antialiasing)."""
        pts = np.zeros((33, 4), np.float32)  # the joints spread over the frame
        pts[:, 0], pts[:, 1], pts[:, 3] = np.linspace(0.05, 0.95, 33), np.tile([0.2, 0.8], 17)[:33], 1
        shown = _frame_state(LiveState(t=state.t, landmarks=pts, faults=state.faults), 0, (400, 400))
        out = SkeletonAnnotator().annotate(np.zeros((400, 400, 3), np.uint8), shown)
        px = out.reshape(-1, 3).astype(int)
        px = px[px.max(axis=1) > 100]
        main = int(np.argmax(colour))
        return bool((px[:, main] > 1.5 * np.delete(px, main, axis=1).max(axis=1)).any())

    assert bones_in(states[judged], RED) and not bones_in(states[judged], GREEN)
    assert bones_in(states[-1], GREEN) and not bones_in(states[-1], RED)


def test_live_memory_is_bounded_by_the_window() -> None:
    clip = generate(SynthSpec(drill="banded-bridge", reps=2, camera="side-left", seed=1))
    coach = LiveCoach(ReplayBackend(track=clip.track), window_s=1.0, reanalyse_every_s=0.5)
    for t in clip.track.t:
        coach.feed(BLANK, float(t))
    assert len(coach.window()) <= int(1.0 * 120) + 1


def test_no_person_gives_no_reps_and_no_angles() -> None:
    empty = PoseTrack(
        t=np.arange(60) / 30.0,
        image=np.full((60, 33, 4), np.nan),
        world=np.full((60, 33, 4), np.nan),
        size=(8, 8),
        fps=30.0,
    )
    coach = LiveCoach(ReplayBackend(track=empty))
    states = [coach.feed(BLANK, float(x)) for x in empty.t]
    assert states[-1].reps_done == 0 and states[-1].hip_extension_deg is None
    assert states[-1].landmarks is None


SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "banded_bridge_clean_side.mp4"


def test_live_command_plays_a_clip_and_records_the_overlay(tmp_path: Path) -> None:
    if not SAMPLE.is_file():
        pytest.skip(f"sample clip missing: {SAMPLE}")
    out = tmp_path / "live.mp4"
    result = CliRunner().invoke(
        app, ["live", "--source", str(SAMPLE), "--no-window", "--record", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "reps counted:" in result.output
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(stream)) > 100


def test_live_window_without_a_display_is_one_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    result = CliRunner().invoke(app, ["live", "--source", str(SAMPLE)])
    assert isinstance(result.exception, OutputError)
    assert "--no-window" in str(result.exception)


def test_a_hold_longer_than_the_window_keeps_counting_past_two_minutes() -> None:
    clip = generate(SynthSpec(drill="table-top", hold_s=150.0, camera="side-left", seed=4))
    coach = LiveCoach(
        ReplayBackend(track=clip.track), drill="table-top", fps_hint=30, reanalyse_every_s=2.0
    )
    states = [coach.feed(BLANK, float(t)) for t in clip.track.t]
    assert max(s.hold_s or 0.0 for s in states) > 125.0
    assert states[-1].longest_hold_s > 125.0
    assert coach.window().duration_s <= coach.window_s + 0.1


def test_no_camera_is_formcheck_s_one_line_without_opencv_noise() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "live", "--no-window",
         "--camera", "97"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == InputNotFound.exit_code
    assert result.stderr.strip() == "formcheck: webcam 97: could not be opened"


def test_a_good_rep_after_a_faulty_one_is_judged_good_and_clears_the_faults() -> None:
    # rep 1 lowered far too fast; reps 2 and 3 are clean (3.5 s lowering). A rep judged while
    # the hips are still on their way down reads as "lower slower" too: the red skeleton and
    # the old message would seem to stay up through the next good rep.
    spec = SynthSpec(
        drill="single-leg-bridge", reps=3, camera="side-left", seed=5,
        faults=Faults(lower_s=0.4, reps=(0,)), tempo=Tempo(),
    )
    clip = generate(spec)
    offline = analyze_track(clip.track, drill="single-leg-bridge").report
    states = stream(clip.track, "single-leg-bridge")
    reps = [e for s in states for e in s.finished if e.kind == "rep"]
    assert [e.number for e in reps] == [1, 2, 3]
    for event, seg in zip(reps, offline.reps, strict=True):
        live = {r.cue_id for r in event.results if r.status is Status.FAULT}
        judged = {r.cue_id for r in offline.results if r.segment_index == seg.index
                  and r.status is Status.FAULT}
        assert live == judged, (event.number, live, judged)
    assert any(s.faults for s in states if s.reps_done == 1)
    assert all(s.faults == () for s in states if s.reps_done >= 2)


def test_live_reports_a_table_top_s_hold_and_single_leg_phases() -> None:
    spec = SynthSpec(
        drill="table-top", hold_s=9.0, camera="side-left", seed=7,
        leg_lifts=(LegLift(side="right", at_s=2.0, duration_s=2.5),
                   LegLift(side="left", at_s=5.5, duration_s=2.5)),
    )
    clip = generate(spec)
    offline = analyze_track(clip.track, drill="table-top").report
    states = stream(clip.track, "table-top")
    assert states[-1].counts == "holds" and states[-1].reps_done == 0
    events = [e for s in states for e in s.finished]
    legs = sorted((s for s in offline.segments if s.kind == "single_leg"), key=lambda s: s.start_s)
    hold = next(s for s in offline.segments if s.kind == "hold")
    assert [(e.kind, e.side) for e in events] == [
        *(("single_leg", s.side) for s in legs), ("hold", None)
    ]
    for event, seg in zip(events, [*legs, hold], strict=True):
        assert event.duration_s == pytest.approx(seg.end_s - seg.start_s, abs=0.5)
        assert event.results, event
    assert states[-1].holds_done == 1
    assert any(s.one_leg and s.one_leg.startswith(legs[0].side) for s in states)


def _replayed_source(tmp_path: Path, track: PoseTrack) -> tuple[Path, Path]:
    """A blank clip with the track's timestamps, and the track saved for --backend replay."""
    from fixtures_video import write_clip

    step_ms = round(1000 * float(np.median(np.diff(track.t))))
    clip = write_clip(
        tmp_path / "blank.mp4", [np.zeros((48, 64, 3), np.uint8)] * len(track),
        pts_ms=[round(1000 * float(t)) for t in track.t], rate=round(1000 / step_ms),
    )
    return clip, track.save(tmp_path / "track.npz")


def _live(clip: Path, saved: Path, drill: str, *extra: str) -> list[str]:
    result = CliRunner().invoke(app, [
        "live", "--source", str(clip), "--no-window", "--drill", drill,
        "--backend", "replay", "--model", str(saved), *extra,
    ])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_live_without_a_window_prints_each_rep_s_cues(tmp_path: Path) -> None:
    spec = SynthSpec(
        drill="single-leg-bridge", reps=3, camera="side-left", seed=5,
        faults=Faults(lower_s=0.4, reps=(0,)), tempo=Tempo(),
    )
    lines = _live(
        *_replayed_source(tmp_path, resting_after(generate(spec).track)), "single-leg-bridge"
    )
    reps = [line for line in lines if line.startswith("rep ")]
    assert reps[0].startswith("rep 1 (") and "Lower slower" in reps[0], lines
    assert reps[1].startswith("rep 2 (") and reps[1].endswith("every key point met"), lines
    assert len(reps) == 3 and lines[-1] == "reps counted: 3"


def test_a_floor_hold_no_key_point_judges_prints_its_time_alone() -> None:
    """A floor drill's hold (a top held ≥ 2 s, a marching bridge) has no cue of its own: its
    line says how long it lasted, not that nothing was measurable."""
    from formcheck.live import Finished

    hold = Finished(kind="hold", number=1, duration_s=6.6)
    assert hold.line == "hold 1, 6.6 s"
    assert hold.speech == "Hold 1: 7 seconds"


def test_live_table_top_prints_holds_and_single_leg_phases(tmp_path: Path) -> None:
    spec = SynthSpec(
        drill="table-top", hold_s=9.0, camera="side-left", seed=7,
        leg_lifts=(LegLift(side="right", at_s=2.0, duration_s=2.5),),
    )
    lines = _live(*_replayed_source(tmp_path, resting_after(generate(spec).track)), "table-top")
    assert any(line.startswith("single-leg phase 1 (") for line in lines), lines
    assert any(line.startswith("hold 1, ") for line in lines), lines
    assert lines[-1].startswith("holds: 1 (") and "single-leg phases: 1 (" in lines[-1], lines


def test_live_judges_the_toe_variant_when_asked(tmp_path: Path) -> None:
    spec = SynthSpec(
        drill="table-top", hold_s=9.0, camera="side-left", seed=7, toe_variant=True,
        leg_lifts=(LegLift(side="right", at_s=2.0, duration_s=2.5),),
        faults=Faults(heel_down=True),
    )
    source = _replayed_source(tmp_path, resting_after(generate(spec).track))
    leg = next(line for line in _live(*source, "table-top", "--variant", "toe")
               if line.startswith("single-leg phase 1 ("))
    assert "Heel up" in leg, leg
    standard = next(line for line in _live(*source, "table-top")
                    if line.startswith("single-leg phase 1 ("))
    assert "Heel up" not in standard, standard


def test_live_overlay_counts_reps_without_a_total() -> None:
    from formcheck.cli.live import _frame_state
    from formcheck.report.annotate import rep_count_text

    shown = _frame_state(LiveState(t=1.0, landmarks=None, reps_done=1), 0, (8, 8))
    assert rep_count_text(shown) == "Reps done: 1"
    one_leg = LiveState(t=1.0, landmarks=None, reps_done=3, reps_by_side={"right": 1, "left": 2})
    assert rep_count_text(_frame_state(one_leg, 0, (8, 8))) == "Reps done: 3 (left 2, right 1)"
    table_top = LiveState(t=1.0, landmarks=None, counts="holds")
    assert _frame_state(table_top, 0, (8, 8)).reps_total == 0  # no rep counter at all
