"""Video input: containers and codecs, phone rotation, true timestamps, subsampling, big
frames, image folders, the reader thread, and every kind of bad input."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from fixtures_video import marker_frame, simple_clip, stored_for_display, write_clip

from formcheck import errors
from formcheck.video import QUEUE_FRAMES, FrameGrid, open_video


def read_all(source: str | Path | int, **kwargs: object) -> tuple[list, object, list[str]]:
    with open_video(source, **kwargs) as video:  # type: ignore[arg-type]
        frames = list(video)
        return frames, video.info, video.warnings


# -- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "codec", "decoded_as"),
    [
        ("h264.mp4", "libx264", "h264"),
        ("hevc.mp4", "libx265", "hevc"),
        ("phone.mov", "libx264", "h264"),
        ("phone.m4v", "libx264", "h264"),
        ("old.avi", "mpeg4", "mpeg4"),
        ("web.webm", "libvpx-vp9", "vp9"),
    ],
)
def test_reads_each_container_and_codec(
    clip_dir: Path, name: str, codec: str, decoded_as: str
) -> None:
    clip = simple_clip(clip_dir / name, 12, height=48, width=64, codec=codec)
    frames, info, warnings = read_all(clip)
    assert len(frames) == 12
    assert info.codec == decoded_as
    assert (info.width, info.height) == (64, 48)
    assert info.fps == pytest.approx(30, rel=0.01)
    assert frames[0].image.shape == (48, 64, 3) and frames[0].image.dtype == np.uint8
    # RGB, not BGR: the marker is white and the background a dark grey
    assert frames[0].image[:8, :8].mean() > 200 and frames[0].image[-8:, -8:].mean() < 80
    assert [f.index for f in frames] == list(range(12))
    np.testing.assert_allclose([f.t for f in frames], np.arange(12) / 30, atol=2e-3)
    assert warnings == []


# -- rotation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rotation_cw", [0, 90, 180, 270])
def test_phone_rotation_is_applied(clip_dir: Path, rotation_cw: int) -> None:
    display = marker_frame(64, 48)  # portrait, marker top-left
    stored = stored_for_display(display, rotation_cw)
    clip = write_clip(clip_dir / f"rot{rotation_cw}.mp4", [stored] * 5, rotation_cw=rotation_cw)
    frames, info, _ = read_all(clip)
    assert info.rotation_deg == rotation_cw
    assert (info.width, info.height) == (48, 64)  # portrait, as displayed
    image = frames[0].image
    assert image.shape == (64, 48, 3)
    assert image.flags["C_CONTIGUOUS"]
    # up is up: the white block is in the top-left corner and nowhere else
    assert image[:16, :12].mean() > 200
    assert image[-16:, -12:].mean() < 80 and image[:16, -12:].mean() < 80


def test_rotation_agrees_with_opencv_orientation_auto(clip_dir: Path) -> None:
    cv2 = pytest.importorskip("cv2")
    stored = stored_for_display(marker_frame(64, 48), 90)
    clip = write_clip(clip_dir / "iphone.mov", [stored] * 3, rotation_cw=90)
    frames, _, _ = read_all(clip)
    cap = cv2.VideoCapture(str(clip))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, bgr = cap.read()
    cap.release()
    assert ok
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    assert rgb.shape == frames[0].image.shape
    assert np.abs(rgb.astype(int) - frames[0].image.astype(int)).mean() < 6


# -- timestamps and subsampling ---------------------------------------------------------------

VFR_PTS_MS = [0, 33, 50, 120, 130, 300, 310, 500, 533, 900]


def test_variable_frame_rate_clip_keeps_true_timestamps(clip_dir: Path) -> None:
    clip = simple_clip(clip_dir / "vfr.mp4", len(VFR_PTS_MS), pts_ms=VFR_PTS_MS)
    frames, info, _ = read_all(clip)
    np.testing.assert_allclose([f.t for f in frames], np.array(VFR_PTS_MS) / 1000, atol=1e-3)
    assert info.duration_s == pytest.approx(0.9, abs=0.1)


def test_subsampling_keeps_one_frame_per_time_slot(clip_dir: Path) -> None:
    clip = simple_clip(clip_dir / "long.mp4", 60)  # 2 s at 30 fps
    frames, info, _ = read_all(clip, fps=10)
    assert len(frames) == 20
    assert np.diff([f.t for f in frames]) == pytest.approx(0.1, abs=2e-3)
    assert [f.index for f in frames][:4] == [0, 3, 6, 9]  # source indices survive
    assert info.fps_requested == 10 and info.frame_count == 20


def test_subsampling_above_the_source_rate_keeps_every_frame(clip_dir: Path) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 15)
    frames, _, _ = read_all(clip, fps=60)
    assert len(frames) == 15


def test_subsampling_a_vfr_clip_uses_true_time(clip_dir: Path) -> None:
    clip = simple_clip(clip_dir / "vfr.mp4", len(VFR_PTS_MS), pts_ms=VFR_PTS_MS)
    frames, _, _ = read_all(clip, fps=5)  # 0.2 s slots
    # slots: [0,.2) → 0; [.2,.4) → 0.3; [.4,.6) → 0.5; [.8,1) → 0.9
    np.testing.assert_allclose([f.t for f in frames], [0.0, 0.3, 0.5, 0.9], atol=1e-3)


def test_frame_grid_rejects_nonsense_rates() -> None:
    for bad in (0, -5, float("nan")):
        with pytest.raises(ValueError):
            FrameGrid(bad)


# -- big frames --------------------------------------------------------------------------------


def test_4k_60fps_frames_are_scaled_down_before_inference(clip_dir: Path) -> None:
    frames_4k = [np.zeros((2160, 3840, 3), np.uint8) for _ in range(3)]
    for f in frames_4k:
        f[:540, :960] = 255
    clip = write_clip(clip_dir / "uhd.mp4", frames_4k, rate=60)
    frames, info, _ = read_all(clip, max_side=1280)
    assert (info.width, info.height) == (3840, 2160)
    assert info.fps == pytest.approx(60)
    assert info.scale == pytest.approx(1 / 3)
    assert info.frame_size == (1280, 720)
    assert frames[0].image.shape == (720, 1280, 3)
    assert frames[0].image[:170, :310].mean() > 200  # the corner block scaled with the frame
    np.testing.assert_allclose([f.t for f in frames], [0, 1 / 60, 2 / 60], atol=1e-3)


# -- image folders and webcams ------------------------------------------------------------------


def test_folder_of_images_in_name_order_at_the_given_rate(tmp_path: Path) -> None:
    cv2 = pytest.importorskip("cv2")
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in (2, 0, 1, 10):  # names sort as 000, 001, 002, 010
        image = marker_frame(40, 30, shade=i)
        image[-1, -1] = (i, i, i)
        cv2.imwrite(str(folder / f"{i:03d}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    (folder / "notes.txt").write_text("ignored")
    (folder / "005_broken.png").write_text("not a png")  # sorts before 010
    frames, info, warnings = read_all(folder, image_fps=10)
    assert info.kind == "images" and info.fps == 10
    assert [int(f.image[-1, -1, 0]) for f in frames] == [0, 1, 2, 10]
    assert [f.t for f in frames] == pytest.approx([0.0, 0.1, 0.2, 0.4])  # 005 keeps its slot
    assert any("could not be read" in w for w in warnings)


def _image_folder(tmp_path: Path, n: int) -> Path:
    cv2 = pytest.importorskip("cv2")
    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(n):
        cv2.imwrite(str(folder / f"{i:03d}.png"), marker_frame(30, 40, shade=i))
    return folder


def test_image_folder_fps_subsamples_at_the_given_image_rate(tmp_path: Path) -> None:
    folder = _image_folder(tmp_path, 12)
    frames, info, warnings = read_all(folder, image_fps=30, fps=10)
    assert info.fps == 30 and info.fps_requested == 10
    assert [f.index for f in frames] == [0, 3, 6, 9]
    assert [f.t for f in frames] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert warnings == []


def test_image_folder_without_a_rate_warns_that_30_fps_is_assumed(tmp_path: Path) -> None:
    frames, info, warnings = read_all(_image_folder(tmp_path, 3))
    assert info.fps == 30 and len(frames) == 3
    assert any("30 fps assumed" in w and "--image-fps" in w for w in warnings), warnings


def test_empty_image_folder(tmp_path: Path) -> None:
    with pytest.raises(errors.EmptyVideo, match="no images"):
        open_video(tmp_path)


def test_missing_webcam_is_a_clear_error() -> None:
    with pytest.raises(errors.InputNotFound, match="webcam 97"):
        open_video(97)


# -- the reader thread ------------------------------------------------------------------------


def test_reader_decodes_ahead_only_a_few_frames(clip_dir: Path) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 120)
    with open_video(clip) as video:
        frames = iter(video)
        first = next(frames)
        thread = video._thread
        assert thread is not None and thread.is_alive()
        for _ in range(50):  # give the reader every chance to run ahead
            if video.frames_read >= QUEUE_FRAMES + 2:
                break
            threading.Event().wait(0.01)
        assert video.frames_read <= QUEUE_FRAMES + 2, "the queue must bound memory"
        assert first.index == 0
    assert not thread.is_alive(), "closing stops the reader thread"


def test_a_source_is_iterated_once(clip_dir: Path) -> None:
    clip = simple_clip(clip_dir / "c.mp4", 3)
    with open_video(clip) as video:
        list(video)
        with pytest.raises(RuntimeError):
            list(video)



def test_a_closed_file_source_is_freed_without_the_garbage_collector(clip_dir: Path) -> None:
    """The web server opens every upload to probe it: a closed source must not wait for a full
    collection (which native decoder memory never triggers) to free its decoder."""
    import gc
    import weakref

    clip = simple_clip(clip_dir / "c.mp4", 3)
    gc.disable()
    try:
        with open_video(clip) as video:
            _ = video.info.duration_s
        gone = weakref.ref(video)
        del video
        assert gone() is None, "a closed source is freed as soon as nothing refers to it"
    finally:
        gc.enable()

# -- bad input -----------------------------------------------------------------------------------


def _one_line(err: BaseException, path_part: str) -> None:
    text = str(err)
    assert "\n" not in text and path_part in text


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(errors.InputNotFound) as info:
        open_video(tmp_path / "nope.mp4")
    _one_line(info.value, "nope.mp4")


def test_text_file_renamed_mp4_is_not_a_video(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are my training notes\nsets: 3\n")
    with pytest.raises(errors.NotAVideo) as info:
        open_video(fake)
    _one_line(info.value, "notes.mp4")


@pytest.mark.parametrize("image_suffix", [".jpg", ".png"])
def test_still_image_renamed_mp4_is_not_a_video(tmp_path: Path, image_suffix: str) -> None:
    cv2 = pytest.importorskip("cv2")
    image = tmp_path / f"photo{image_suffix}"
    cv2.imwrite(str(image), marker_frame(48, 64))
    fake = tmp_path / "photo.mp4"
    fake.write_bytes(image.read_bytes())
    with pytest.raises(errors.NotAVideo, match="still image") as info:
        open_video(fake)
    _one_line(info.value, "photo.mp4")


def test_a_one_frame_video_is_still_a_video(clip_dir: Path) -> None:
    frames, info, _ = read_all(simple_clip(clip_dir / "one.mp4", 1))
    assert len(frames) == 1 and info.codec == "h264"


def test_audio_only_file_is_not_a_video(tmp_path: Path) -> None:
    import av

    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=8000)
        samples = np.zeros((1, 8000), np.float32)
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode()]:
            container.mux(packet)
    with pytest.raises(errors.NotAVideo, match="no video stream"):
        open_video(path)


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    with pytest.raises(errors.EmptyVideo) as info:
        open_video(empty)
    _one_line(info.value, "empty.mp4")


def test_container_without_frames_is_empty(tmp_path: Path) -> None:
    import av

    path = tmp_path / "noframes.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = 64, 48
        container.start_encoding()  # a header, and not one frame
    with pytest.raises(errors.EmptyVideo, match="no frames"):
        open_video(path)


def test_truncated_file_that_decodes_nothing_is_an_error(clip_dir: Path) -> None:
    whole = simple_clip(clip_dir / "whole.mp4", 30)  # index (moov) written at the end
    cut = clip_dir / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(errors.TruncatedVideo) as info:
        open_video(cut)
    _one_line(info.value, "cut.mp4")


def test_truncated_file_that_decodes_some_frames_gives_them_with_a_warning(
    clip_dir: Path,
) -> None:
    frames = [np.random.default_rng(i).integers(0, 255, (96, 128, 3), np.uint8) for i in range(60)]
    whole = write_clip(clip_dir / "whole.mp4", frames, faststart=True)  # index first, as phones
    cut = clip_dir / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    decoded, info, warnings = read_all(cut)
    assert 5 < len(decoded) < 60
    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert any("truncated" in w for w in warnings), warnings


def test_bad_input_errors_have_distinct_exit_codes() -> None:
    kinds = [errors.InputNotFound, errors.NotAVideo, errors.EmptyVideo, errors.TruncatedVideo]
    codes = [k.exit_code for k in kinds]
    assert len(set(codes)) == len(codes) and all(c > 1 for c in codes)
