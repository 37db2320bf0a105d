"""track_video: the track it builds, its cache, what it says about people in view, bad input,
and one end-to-end run of the real default backend on a real clip."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fixtures_video import (
    marker_frame,
    real_clip,
    real_frames,
    simple_clip,
    stored_for_display,
    write_clip,
)

from formcheck import errors
from formcheck.landmarks import LEFT_HIP, LEFT_SHOULDER, NUM_LANDMARKS, RIGHT_HIP, RIGHT_SHOULDER
from formcheck.pose import Landmarks, register_backend, unregister_backend
from formcheck.pose.people import distinct, windows
from formcheck.tracking import (
    default_cache_dir,
    identity_jumps,
    person_warnings,
    track_video,
)
from formcheck.types import PoseTrack


class Counting:
    """A fake backend: a person whose hips sit at x = 0.5 in every frame except those whose time
    falls in ``absent``; counts its constructions and calls."""

    name = "counting"
    model_name = "fake-v1"
    made = 0
    calls = 0
    absent: tuple[float, float] | None = None
    nobody = False

    def __init__(self, model: Path | None = None) -> None:
        type(self).made += 1

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        type(self).calls += 1
        if self.nobody or (self.absent and self.absent[0] <= t < self.absent[1]):
            return None
        image = np.full((NUM_LANDMARKS, 4), 0.5, np.float32)
        image[[LEFT_SHOULDER, RIGHT_SHOULDER], 1] = 0.3  # torso 0.2 frame heights long
        image[:, 0] += frame_rgb[0, 0, 0] / 2550.0  # moves a little with the pixels
        return Landmarks(image=image, world=image)

    def close(self) -> None:
        pass


@pytest.fixture
def counting() -> Iterator[type[Counting]]:
    Counting.made = Counting.calls = 0
    Counting.absent = None
    Counting.nobody = False
    register_backend("counting", Counting)
    yield Counting
    unregister_backend("counting")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


# -- the track ------------------------------------------------------------------------------


def test_track_has_one_row_per_frame_at_true_times(clip_dir: Path, counting, cache) -> None:
    pts = [0, 40, 70, 150, 160, 300]
    clip = simple_clip(clip_dir / "vfr.mp4", len(pts), pts_ms=pts)
    result = track_video(clip, backend="counting", cache_dir=cache)
    track = result.track
    assert len(track) == len(pts) == counting.calls
    np.testing.assert_allclose(track.t, np.array(pts) / 1000, atol=1e-3)
    assert track.detected.all()
    assert track.size == (64, 48)
    assert track.source.backend == "counting" and track.source.model == "fake-v1"
    assert track.source.content_hash and track.source.frames_decoded == len(pts)
    assert result.cached is False and result.warnings == []
    assert result.timings.pose_s > 0 and result.timings.frames_per_s > 0


def test_rotated_clip_gives_the_displayed_frame_size(clip_dir: Path, counting, cache) -> None:
    stored = stored_for_display(marker_frame(64, 48), 90)
    clip = write_clip(clip_dir / "portrait.mp4", [stored] * 4, rotation_cw=90)
    result = track_video(clip, backend="counting", cache_dir=cache)
    assert result.track.size == (48, 64)
    assert result.info.rotation_deg == 90 == result.track.source.rotation_deg


def test_subsampled_track(clip_dir: Path, counting, cache) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 30)
    result = track_video(clip, backend="counting", fps=10, cache_dir=cache)
    assert len(result.track) == 10 == counting.calls
    assert result.track.fps == 10
    assert result.track.source.fps_requested == 10 and result.track.source.frames_decoded == 30


def test_progress_is_reported(clip_dir: Path, counting, cache) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 8)
    seen: list[tuple[int, int | None]] = []
    track_video(
        clip, backend="counting", cache_dir=cache, progress=lambda d, t: seen.append((d, t))
    )
    assert [d for d, _ in seen] == list(range(1, 9)) and seen[-1][1] == 8


# -- the cache -------------------------------------------------------------------------------


def test_second_run_comes_from_the_cache_without_the_backend(
    clip_dir: Path, counting, cache
) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 12)
    first = track_video(clip, backend="counting", cache_dir=cache)
    assert (counting.made, counting.calls) == (1, 12)
    second = track_video(clip, backend="counting", cache_dir=cache)
    assert second.cached is True and second.timings.track_cached is True
    assert (counting.made, counting.calls) == (1, 12), "a cache hit runs no inference"
    np.testing.assert_array_equal(second.track.image, first.track.image)
    np.testing.assert_array_equal(second.track.t, first.track.t)
    assert second.info == first.info
    assert len(list(cache.glob("*.npz"))) == 1


def test_cache_key_follows_what_shapes_the_track(clip_dir: Path, counting, cache) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 12)
    track_video(clip, backend="counting", cache_dir=cache)
    assert track_video(clip, backend="counting", fps=10, cache_dir=cache).cached is False
    assert track_video(clip, backend="counting", max_side=32, cache_dir=cache).cached is False
    assert track_video(clip, backend="counting", use_cache=False, cache_dir=cache).cached is False
    assert track_video(clip, backend="counting", fps=10, cache_dir=cache).cached is True
    other = clip_dir / "other.mp4"
    other.write_bytes(clip.read_bytes() + b"\0")  # other bytes, other clip
    assert track_video(other, backend="counting", cache_dir=cache).cached is False


def test_cache_dir_from_the_environment(clip_dir: Path, counting, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(tmp_path / "envcache"))
    assert default_cache_dir() == tmp_path / "envcache"
    clip = simple_clip(clip_dir / "c.mp4", 3)
    track_video(clip, backend="counting")
    assert track_video(clip, backend="counting").cached is True
    assert len(list((tmp_path / "envcache").glob("*.npz"))) == 1
    monkeypatch.delenv("FORMCHECK_CACHE_DIR")
    assert default_cache_dir() == Path.home() / ".cache" / "formcheck" / "tracks"


def test_a_damaged_cache_file_is_rebuilt(clip_dir: Path, counting, cache) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 5)
    track_video(clip, backend="counting", cache_dir=cache)
    (cached,) = cache.glob("*.npz")
    cached.write_bytes(b"garbage")
    again = track_video(clip, backend="counting", cache_dir=cache)
    assert again.cached is False and len(again.track) == 5
    assert track_video(clip, backend="counting", cache_dir=cache).cached is True


def damage_member(npz: Path, member: str) -> None:
    """Flip bytes inside one zip member's compressed data; the zip directory stays valid."""
    with zipfile.ZipFile(npz) as archive:
        info = archive.getinfo(member)
    blob = bytearray(npz.read_bytes())
    name_len, extra_len = struct.unpack(
        "<HH", blob[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 2, start + min(info.compress_size, 40)):
        blob[i] ^= 0x5A
    npz.write_bytes(bytes(blob))


@pytest.mark.parametrize("member", ["image.npy", "meta.npy"])
def test_a_damaged_compressed_member_is_ignored_tracked_again_and_rewritten(
    clip_dir: Path, counting, cache, member: str
) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 5)
    track_video(clip, backend="counting", cache_dir=cache)
    (cached,) = cache.glob("*.npz")
    damage_member(cached, member)
    with pytest.raises(ValueError, match="damaged"):
        PoseTrack.load(cached)
    again = track_video(clip, backend="counting", cache_dir=cache)
    assert again.cached is False and len(again.track) == 5
    assert len(PoseTrack.load(cached)) == 5  # rewritten whole
    assert track_video(clip, backend="counting", cache_dir=cache).cached is True


def test_warnings_survive_the_cache(clip_dir: Path, counting, cache) -> None:
    counting.nobody = True
    clip = simple_clip(clip_dir / "c.mp4", 4)
    first = track_video(clip, backend="counting", cache_dir=cache)
    second = track_video(clip, backend="counting", cache_dir=cache)
    assert second.cached and second.warnings == first.warnings != []


# -- people in view ---------------------------------------------------------------------------


def test_no_person_gives_an_empty_track_or_an_error_on_request(
    clip_dir: Path, counting, cache
) -> None:
    counting.nobody = True
    clip = simple_clip(clip_dir / "c.mp4", 6)
    result = track_video(clip, backend="counting", cache_dir=cache)
    assert len(result.track) == 6 and not result.track.detected.any()
    assert np.isnan(result.track.image).all()
    assert result.warnings == ["no person was found in any frame"]
    with pytest.raises(errors.NoPersonFound):
        track_video(clip, backend="counting", cache_dir=cache, require_person=True)


def test_person_leaving_the_frame_leaves_nan_rows(clip_dir: Path, counting, cache) -> None:
    counting.absent = (0.1, 0.2)  # frames 3, 4, 5 at 30 fps
    clip = simple_clip(clip_dir / "c.mp4", 10)
    track = track_video(clip, backend="counting", cache_dir=cache).track
    assert track.detected.tolist() == [True] * 3 + [False] * 3 + [True] * 4
    assert np.isnan(track.image[3:6]).all() and np.isfinite(track.image[6:]).all()


def _body_track(hip_x: np.ndarray, torso: float = 0.2, fps: float = 30.0) -> PoseTrack:
    n = len(hip_x)
    image = np.full((n, NUM_LANDMARKS, 4), 0.5, np.float32)
    image[:, [LEFT_HIP, RIGHT_HIP], 0] = hip_x[:, None]
    image[:, [LEFT_SHOULDER, RIGHT_SHOULDER], 0] = hip_x[:, None] - torso
    return PoseTrack(t=np.arange(n) / fps, image=image, world=image, size=(640, 640), fps=fps)


def test_identity_switch_is_found_where_the_body_jumps() -> None:
    smooth = 0.3 + 0.002 * np.arange(60)  # hips drifting slowly, as in a bridge
    assert identity_jumps(_body_track(smooth)) == []
    switched = smooth.copy()
    switched[30:] += 0.4  # another person, two torso lengths away
    assert identity_jumps(_body_track(switched)) == pytest.approx([1.0])
    warning = person_warnings(_body_track(switched))
    assert len(warning) == 1 and "1.00 s" in warning[0] and "another person" in warning[0]


def test_a_jump_across_a_gap_without_a_person_is_not_a_switch() -> None:
    x = np.r_[np.full(20, 0.3), np.full(20, 0.8)]
    track = _body_track(x)
    track.image[15:25] = np.nan  # out of frame for a third of a second, back elsewhere
    assert identity_jumps(track) == []


def test_several_people_seen_by_the_backend_give_a_warning() -> None:
    track = _body_track(np.full(20, 0.4))
    persons = np.r_[np.ones(10), np.full(10, 2)].astype(np.int16)
    (warning,) = person_warnings(track, persons)
    assert "two or more people" in warning and "50%" in warning
    assert person_warnings(track, np.ones(20, np.int16)) == []


def test_a_second_person_is_counted_with_the_task_model(
    clip_dir: Path, counting, cache, full_task: Path
) -> None:
    frames, fps = real_frames(n=40)
    twins = [np.ascontiguousarray(np.concatenate([f, f], axis=1)) for f in frames]
    clip = write_clip(clip_dir / "two.mp4", twins, rate=round(fps))
    result = track_video(clip, backend="counting", cache_dir=cache, count_people_with=full_task)
    assert any("two or more people" in w for w in result.warnings), result.warnings
    assert result.stages_s["people"] > 0
    alone = write_clip(clip_dir / "one.mp4", frames, rate=round(fps))
    single = track_video(alone, backend="counting", cache_dir=cache, count_people_with=full_task)
    assert single.warnings == []


@pytest.mark.parametrize("name", ["stock_frog_pump_side.mp4", "musclewiki_dead_bug_side.mp4"])
def test_two_people_lying_side_by_side_in_a_wide_frame_give_a_warning(
    clip_dir: Path, counting, cache, full_task: Path, name: str
) -> None:
    """A real clip beside its mirror image: two people on the floor across a frame about 2.5
    times as wide as high, each small for the detector's square input when seen whole."""
    frames, fps = real_frames(name, n=90)
    pairs = [np.ascontiguousarray(np.concatenate([f, f[:, ::-1]], axis=1)) for f in frames[::3]]
    clip = write_clip(clip_dir / "pair.mp4", pairs, rate=max(1, round(fps / 3)))
    result = track_video(clip, backend="counting", cache_dir=cache, count_people_with=full_task)
    assert any("two or more people" in w for w in result.warnings), result.warnings
    alone = write_clip(clip_dir / "one.mp4", frames[::3], rate=max(1, round(fps / 3)))
    single = track_video(alone, backend="counting", cache_dir=cache, count_people_with=full_task)
    assert single.warnings == []


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda d: d / "missing.mp4", errors.InputNotFound),
        (lambda d: (d / "t.mp4").write_text("hello") and d / "t.mp4", errors.NotAVideo),
        (lambda d: (d / "e.mp4").touch() or d / "e.mp4", errors.EmptyVideo),
    ],
)
def test_bad_input_fails_before_any_model_loads(
    clip_dir: Path, counting, cache, make, error
) -> None:
    with pytest.raises(error):
        track_video(make(clip_dir), backend="counting", cache_dir=cache)
    assert counting.made == 0


def test_truncated_clip_gives_a_track_and_a_warning(clip_dir: Path, counting, cache) -> None:
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (96, 128, 3), np.uint8) for _ in range(60)]
    whole = write_clip(clip_dir / "whole.mp4", frames, faststart=True)
    cut = clip_dir / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    result = track_video(cut, backend="counting", cache_dir=cache)
    assert 5 < len(result.track) < 60
    assert any("truncated" in w for w in result.warnings)


# -- the real default backend ----------------------------------------------------------------


def test_end_to_end_real_clip_finds_the_person(cache: Path) -> None:
    clip = real_clip()
    result = track_video(clip, cache_dir=cache)
    track = result.track
    assert len(track) >= 80  # 91 frames, about 3 s
    assert track.detected.mean() >= 0.95
    assert track.source.backend == "mediapipe-legacy"
    assert result.warnings == []
    hips_world = track.world[track.detected][:, [LEFT_HIP, RIGHT_HIP], :3].mean(axis=1)
    assert np.abs(hips_world).max() < 0.2, "world landmarks are about the hips' centre, in m"
    assert track_video(clip, cache_dir=cache).cached is True


def test_rotated_phone_clip_gives_the_same_landmarks(clip_dir: Path, cache: Path) -> None:
    frames, fps = real_frames(n=12)
    upright = write_clip(clip_dir / "upright.mp4", frames, rate=round(fps))
    stored = [stored_for_display(f, 90) for f in frames]
    rotated = write_clip(clip_dir / "rotated.mp4", stored, rate=round(fps), rotation_cw=90)
    a = track_video(upright, cache_dir=cache).track
    b = track_video(rotated, cache_dir=cache).track
    assert b.size == a.size
    both = a.detected & b.detected
    assert both.sum() >= 10
    diff = np.abs(a.image[both][:, :, :2] - b.image[both][:, :, :2]).mean()
    assert diff < 0.02, f"landmarks moved by {diff:.3f} of the frame"


def test_track_buffer_grows_past_a_short_frame_count_estimate() -> None:
    from formcheck.tracking import _TrackBuffer
    from formcheck.types import TrackSource
    from formcheck.video import VideoInfo

    buffer = _TrackBuffer(capacity_hint=3)  # the container said 3 frames; 2000 come
    for i in range(2000):
        image = np.full((NUM_LANDMARKS, 4), i, np.float32)
        buffer.add(i / 30, None if i % 7 == 0 else Landmarks(image=image, world=image))
    info = VideoInfo(path="x", width=4, height=3, fps=30, frame_count=3, duration_s=0.1)
    track, persons = buffer.finish(info, TrackSource())
    assert len(track) == 2000 and persons.shape == (2000,)
    assert track.image[1999, 0, 0] == 1999 and np.isnan(track.image[1995]).all()
    assert track.detected.sum() == persons.sum() == 2000 - len(range(0, 2000, 7))


def test_a_body_cut_by_a_window_edge_is_left_to_the_window_that_sees_it_whole() -> None:
    frame = np.zeros((100, 300, 3), np.uint8)
    whole, left, right = windows(frame)
    assert left.pixels.shape[1] == right.pixels.shape[1] == 180 and right.x0 == 120
    assert left.cuts((100.0, 10.0, 179.0, 90.0))  # reaches the left window's right edge
    assert not left.cuts((10.0, 10.0, 120.0, 90.0))
    assert right.cuts((1.0, 10.0, 50.0, 90.0)) and not whole.cuts((0.0, 0.0, 300.0, 100.0))
    # one body seen whole and as a part: one; two bodies apart: two
    assert len(distinct([(10, 10, 140, 90), (60, 20, 139, 80)])) == 1
    assert len(distinct([(10, 10, 140, 90), (160, 10, 290, 90)])) == 2
