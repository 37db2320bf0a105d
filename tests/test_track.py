"""PoseTrack: shapes checked on creation, slicing keeps the type, save/load round-trips."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.fileio import content_hash
from formcheck.types import PoseTrack, TrackSource


def make_track(n: int = 10, missing: tuple[int, ...] = ()) -> PoseTrack:
    rng = np.random.default_rng(0)
    image = rng.random((n, 33, 4)).astype(np.float32)
    world = rng.normal(size=(n, 33, 4)).astype(np.float32)
    for i in missing:
        image[i] = np.nan
        world[i] = np.nan
    return PoseTrack(
        t=np.arange(n) / 30.0,
        image=image,
        world=world,
        size=(640, 480),
        fps=30.0,
        source=TrackSource(path="clip.mp4", content_hash="abc", backend="test"),
    )


def test_slicing_gives_a_track_with_the_same_metadata() -> None:
    track = make_track(10)
    part = track[2:5]
    assert isinstance(part, PoseTrack)
    assert len(part) == 3
    assert part.size == track.size and part.source == track.source
    np.testing.assert_array_equal(part.t, track.t[2:5])
    assert len(track.between(0.1, 0.2)) == 3  # frames at 0.1, 0.133, 0.167


def test_detected_marks_frames_without_a_person() -> None:
    track = make_track(6, missing=(1, 4))
    assert track.detected.tolist() == [True, False, True, True, False, True]


def test_save_and_load_round_trip(tmp_path) -> None:
    track = make_track(8, missing=(3,))
    loaded = PoseTrack.load(track.save(tmp_path / "t.npz"))
    np.testing.assert_array_equal(loaded.t, track.t)
    np.testing.assert_array_equal(loaded.image, track.image)  # NaN == NaN here
    assert loaded.size == track.size and loaded.fps == track.fps
    assert loaded.source == track.source
    assert not list(tmp_path.glob("*.part"))


def test_bad_shapes_and_timestamps_are_refused() -> None:
    with pytest.raises(ValueError):
        PoseTrack(t=np.arange(3.0), image=np.zeros((3, 32, 4)), world=np.zeros((3, 33, 4)),
                  size=(1, 1), fps=30)  # fmt: skip
    with pytest.raises(ValueError, match="increase"):
        PoseTrack(t=np.array([0.0, 0.1, 0.1]), image=np.zeros((3, 33, 4)),
                  world=np.zeros((3, 33, 4)), size=(1, 1), fps=30)  # fmt: skip


def test_image_px_scales_by_frame_size() -> None:
    track = make_track(2)
    px = track.image_px
    np.testing.assert_allclose(px[..., 0], track.image[..., 0] * 640, rtol=1e-6)
    np.testing.assert_allclose(px[..., 1], track.image[..., 1] * 480, rtol=1e-6)


def test_empty_track_and_content_hash(tmp_path) -> None:
    empty = PoseTrack.empty()
    assert len(empty) == 0 and empty.duration_s == 0.0 and empty.detected.shape == (0,)
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"x" * 10)
    b.write_bytes(b"x" * 10)
    assert content_hash(a) == content_hash(b)
    b.write_bytes(b"y" * 10)
    assert content_hash(a) != content_hash(b)
