"""The frame-rate cap (`--max-fps`, default 30): a faster clip sends only the capped rate to the
pose model, at true timestamps, rotated and variable-rate clips included, and a 60 fps clip
gets the verdicts of its 30 fps copy. Speed is measured in benchmarks/frame_rate.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from fixtures_video import marker_frame, stored_for_display, write_clip
from shared_clips import retimed_copy

from formcheck.pose import Landmarks, get_backend, register_backend, unregister_backend
from formcheck.tracking import track_video
from formcheck.video import DEFAULT_MAX_FPS, capped_fps

ROOT = Path(__file__).resolve().parents[1]
#: a sample clip whose measures sit clear of their thresholds: re-encoding alone moves a
#: measure by a few hundredths (single_leg_bridge_fast_lowering_side's slgb.not_your_bone,
#: 0.46 against 0.5, flips between the clip and its own 30 fps copy, cap or no cap)
SAMPLE = ROOT / "sample_videos" / "banded_bridge_no_squeeze_side.mp4"


@pytest.mark.parametrize(
    ("fps", "max_fps", "source", "want"),
    [
        (None, 30, 60, 30),  # a phone's 60 fps: thinned to the cap
        (None, 30, 48, 30),
        (None, 30, 30, None),  # at the cap: every frame
        (None, 30, 29.97, None),
        (None, 30, 32, None),  # a jittery ~30 fps phone clip is not thinned
        (None, 30, 25, None),
        (15, 30, 60, 15),  # --fps below the cap wins
        (45, 30, 60, 30),  # the lower of the two
        (15, 30, 25, 15),  # --fps applies to any clip
        (None, None, 60, None),  # --max-fps 0: no cap
        (None, 30, None, None),  # a rate the container does not declare
    ],
)
def test_the_cap_applies_to_sources_faster_than_it(
    fps: float | None, max_fps: float | None, source: float | None, want: float | None
) -> None:
    assert capped_fps(fps, max_fps, source) == want


class Sees:
    """A fake backend that records the frames it is given (time, size, top-left pixel)."""

    name = "sees"
    model_name = "sees-v1"
    seen: list[tuple[float, tuple[int, int], int]] = []

    def __init__(self, model: Path | None = None) -> None:
        pass

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        type(self).seen.append((t, frame_rgb.shape[:2], int(frame_rgb[0, 0].mean())))
        return Landmarks(image=np.full((33, 4), 0.5), world=np.full((33, 4), 0.5))

    def close(self) -> None:
        pass


@pytest.fixture
def sees() -> Iterator[type[Sees]]:
    Sees.seen = []
    register_backend("sees", Sees)
    yield Sees
    unregister_backend("sees")


def _times(clip: Path) -> np.ndarray:
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        return np.array([float(f.pts * f.time_base) for f in container.decode(stream)])


def test_a_rotated_variable_rate_60_fps_clip_sends_half_its_frames_at_true_times(
    clip_dir: Path, sees: type[Sees], tmp_path: Path
) -> None:
    rng = np.random.default_rng(3)
    n = 120  # 2 s at about 60 fps, each frame 14-19 ms after the last
    pts = np.cumsum(np.r_[0, rng.integers(14, 20, n - 1)]).tolist()
    display = marker_frame(64, 48)  # portrait, white block top-left as shown
    clip = write_clip(
        clip_dir / "phone60.mp4",
        [stored_for_display(display, 90)] * n,
        pts_ms=pts,
        rotation_cw=90,
    )
    result = track_video(clip, backend="sees", cache_dir=tmp_path / "cache")
    track = result.track
    sent = len(sees.seen)
    assert sent == len(track) and result.track.source.frames_decoded == n
    assert abs(sent - n * DEFAULT_MAX_FPS / 60.0) <= 0.1 * sent, f"{sent} of {n} frames sent"
    source_times = _times(clip)
    assert all(np.isclose(source_times, t, atol=1e-6).any() for t in track.t), "true times"
    assert np.all(np.diff(track.t) > 1 / 60)  # no two frames of one 1/30 s slot
    assert np.all(np.diff(track.t) <= 2 / DEFAULT_MAX_FPS)  # and no slot skipped
    assert {shape for _, shape, _ in sees.seen} == {(64, 48)}  # turned upright
    assert all(pixel > 200 for *_, pixel in sees.seen)  # the marker is at the top-left
    assert track.fps == DEFAULT_MAX_FPS and track.source.fps_requested == DEFAULT_MAX_FPS


def test_no_cap_sends_every_frame(clip_dir: Path, sees: type[Sees], tmp_path: Path) -> None:
    clip = write_clip(clip_dir / "c60.mp4", [marker_frame(32, 32)] * 30, rate=60)
    result = track_video(clip, backend="sees", max_fps=None, cache_dir=tmp_path / "cache")
    assert len(sees.seen) == len(result.track) == 30


def test_a_clip_at_the_cap_keeps_the_track_and_cache_entry_it_had(
    clip_dir: Path, sees: type[Sees], tmp_path: Path
) -> None:
    """A 30 fps clip under the 30 cap is tracked as before the cap existed: the same cache
    entry (nothing cached before the cap is invalidated) and every frame."""
    clip = write_clip(clip_dir / "c30.mp4", [marker_frame(32, 32)] * 12, rate=30)
    cache = tmp_path / "cache"
    first = track_video(clip, backend="sees", max_fps=None, cache_dir=cache)
    again = track_video(clip, backend="sees", cache_dir=cache)
    assert len(first.track) == 12 and again.cached


class CountingLegacy:
    """The real default backend, counting the frames it is given."""

    name = "mediapipe-legacy"

    def __init__(self) -> None:
        self.inner = get_backend("mediapipe-legacy")
        self.model_name = self.inner.model_name
        self.calls = 0

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        self.calls += 1
        return self.inner.process(frame_rgb, t)

    def close(self) -> None:
        self.inner.close()


def test_a_60_fps_clip_gets_the_verdicts_of_its_30_fps_copy(tmp_path: Path) -> None:
    """The issue's figure, without the timing: a sample clip at 30 fps and at 60 (its frames
    plus a blend between each two, as a faster camera adds frames between), the 60 capped,
    sends the model what the 30 does and gets the same reps and verdicts."""
    from formcheck.pipeline import analyze_track

    copy30 = retimed_copy(SAMPLE, tmp_path / "copy30.mp4", 30)
    copy60 = retimed_copy(copy30, tmp_path / "copy60.mp4", 60)
    reports, calls = [], []
    for clip in (copy30, copy60):
        backend = CountingLegacy()
        try:
            tracked = track_video(clip, backend=backend, use_cache=False)
        finally:
            backend.close()
        calls.append(backend.calls)
        assert tracked.track.source.frames_decoded == len(_times(clip))
        reports.append(analyze_track(tracked.track, drill="auto").report)
    assert abs(calls[1] - calls[0]) <= 1, f"60 fps sent {calls[1]} frames, 30 fps {calls[0]}"
    assert len(_times(copy60)) >= 1.9 * calls[1]

    def verdicts(report):  # noqa: ANN001, ANN202
        return [(r.cue_id, r.segment_index, r.status) for r in report.results]

    assert len(reports[0].reps) == len(reports[1].reps) == 2
    assert verdicts(reports[1]) == verdicts(reports[0])


@pytest.mark.parametrize("command", ["analyze", "track", "batch"])
def test_max_fps_is_an_option_where_clips_are_tracked(command: str) -> None:
    import typer
    from typer.testing import CliRunner

    from formcheck.cli import app
    from formcheck.cli.options import no_cap_if_zero

    text = " ".join(CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output.split())
    assert "--max-fps" in text and "0 analyses every frame" in text
    assert no_cap_if_zero(0) is None and no_cap_if_zero(60) == 60
    for bad in (0.5, float("inf")):
        with pytest.raises(typer.BadParameter):
            no_cap_if_zero(bad)
