"""Live coaching on a stream: reps counted as they finish, their faults shown, memory bounded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from formcheck.analysis import analyze_track
from formcheck.cli import app
from formcheck.errors import InputNotFound, OutputError
from formcheck.live import LiveCoach, LiveState
from formcheck.pose.replay import ReplayBackend
from formcheck.synth import Faults, SynthSpec, Tempo, generate
from formcheck.track import PoseTrack

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
