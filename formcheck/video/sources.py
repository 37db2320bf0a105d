"""The three kinds of frame source behind :func:`formcheck.video.open_video`.

Each ``open_*`` function checks the input up front (so bad input fails with a clear one-line
``FormcheckError`` before any thread starts), builds a :class:`~formcheck.video.VideoInfo`,
and returns a :class:`~formcheck.video.VideoSource` whose producer runs on the reader thread.

Over 400 lines because the three sources (file, image folder, camera) share their checks and
their producer protocol; apart, each would repeat them.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import EmptyVideo, InputNotFound, NotAVideo, TruncatedVideo
from formcheck.video import (
    DEFAULT_IMAGE_FPS,
    IMAGE_SUFFIXES,
    MAX_BAD_PACKETS_IN_ROW,
    TRUNCATED_FRACTION,
    Pixels,
    VideoInfo,
    VideoSource,
    rotate_image,
    scale_for,
)

log = logging.getLogger(__name__)

#: magic bytes of the containers we read, with the extension each stands for: a file that has
#: them but will not open is damaged
_CONTAINER_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftyp", ".mp4"),  # mp4 / mov / m4v / 3gp
    (4, b"moov", ".mov"),
    (4, b"mdat", ".mov"),
    (4, b"wide", ".mov"),
    (4, b"free", ".mov"),
    (0, b"\x1a\x45\xdf\xa3", ".mkv"),  # matroska / webm
    (0, b"RIFF", ".avi"),
)
#: FFmpeg demuxers that will "open" almost any text file: never a phone video
_TEXT_FORMATS = {"tty", "ansi", "txt"}
#: FFmpeg's demuxers for still images (these two and every ``*_pipe``: jpeg_pipe, png_pipe, …):
#: a photo, never a video, whatever its name says (yuv4mpegpipe, raw video, is not one of them)
_IMAGE_DEMUXERS = {"image2", "image2pipe"}
#: swscale filter for scaling big frames down: the cheapest one (4K → 1280 px in ~7 ms on one
#: core, against ~16 ms for AREA); the pose model resamples to 256 px crops anyway
SCALE_INTERPOLATION = "FAST_BILINEAR"


def container_suffix(path: Path) -> str | None:
    """The extension of the container (mp4/mov, matroska/webm or avi) the file starts like, by
    its bytes alone; None when it starts like none of them."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    for offset, magic, suffix in _CONTAINER_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return suffix
    return None


def looks_like_container(path: Path) -> bool:
    """True when the file starts like an mp4/mov, matroska/webm or avi container."""
    return container_suffix(path) is not None


# --------------------------------------------------------------------------------------------
# files (PyAV)


@dataclass
class _DecodeState:
    bad_packets: int = 0
    duplicates: int = 0
    stopped_early: str = ""
    last_t: float = -math.inf


def open_file(path: Path, *, fps: float | None, max_side: int | None) -> VideoSource:
    import av

    if path.stat().st_size == 0:
        raise EmptyVideo(f"{path}: the file is empty (0 bytes)")
    damaged_container = looks_like_container(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as err:
        if damaged_container:
            raise TruncatedVideo(
                f"{path}: the video is damaged or truncated and cannot be opened ({_why(err)})"
            ) from None
        raise NotAVideo(f"{path}: not a video file FFmpeg can read ({_why(err)})") from None
    try:
        return _source_for(container, path, fps=fps, max_side=max_side)
    except BaseException:
        container.close()
        raise


def probe_fps(path: Path) -> float | None:
    """The frame rate a video file declares (its average rate), read from the container's
    header without decoding; None when it does not say or cannot be opened (opening it for
    real then gives the proper error)."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            rate = stream.average_rate or stream.guessed_rate
            return float(rate) if rate else None
    except (av.error.FFmpegError, OSError, ValueError):
        return None


def _is_still_image(demuxer: str) -> bool:
    """True for FFmpeg's demuxers of single images (a JPEG or PNG however it is named)."""
    return demuxer in _IMAGE_DEMUXERS or demuxer.endswith("_pipe")


def _why(err: Exception) -> str:
    text = getattr(err, "strerror", None) or str(err)
    return str(text).splitlines()[0][:120]


def _source_for(
    container: Any, path: Path, *, fps: float | None, max_side: int | None
) -> VideoSource:
    if container.format.name in _TEXT_FORMATS:
        raise NotAVideo(f"{path}: not a video file (FFmpeg reads it as text)")
    if _is_still_image(container.format.name):
        raise NotAVideo(
            f"{path}: a still image, not a video (put a set's frames in a folder to analyse them)"
        )
    if not container.streams:
        raise EmptyVideo(f"{path}: the video has no frames (the container is empty)")
    if not container.streams.video:
        raise NotAVideo(f"{path}: not a video file (no video stream)")
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    state = _DecodeState()
    frames = _decoded_frames(container, stream, state)
    first = next(frames, None)
    if first is None:
        if _declared_frames(stream, container) > 0 or state.stopped_early or state.bad_packets:
            detail = f" ({state.stopped_early})" if state.stopped_early else ""
            raise TruncatedVideo(
                f"{path}: no frame could be decoded; the file looks truncated or damaged{detail}"
            )
        raise EmptyVideo(f"{path}: the video has no frames")
    info = _file_info(container, stream, first, path, fps=fps, max_side=max_side)
    source: VideoSource

    def producer(stop: threading.Event) -> Iterator[tuple[int, float, Pixels]]:
        yield from _file_frames(first, frames, stream, state, info, stop)
        if not stop.is_set():
            _report_truncation(source, state, info)

    source = VideoSource(info, producer, fps=fps, on_close=container.close)
    return source


def _declared_frames(stream: Any, container: Any) -> int:
    if stream.frames:
        return int(stream.frames)
    duration = _duration_s(stream, container)
    rate = stream.average_rate or stream.guessed_rate
    return int(round(duration * float(rate))) if rate and duration > 0 else 0


def _duration_s(stream: Any, container: Any) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000
    return 0.0


def _file_info(
    container: Any, stream: Any, first: Any, path: Path, *, fps: float | None, max_side: int | None
) -> VideoInfo:
    rotation = (-round(first.rotation / 90) * 90) % 360 if first.rotation else 0
    width, height = first.width, first.height
    if rotation in (90, 270):
        width, height = height, width
    rate = stream.average_rate or stream.guessed_rate or Fraction(30)
    declared = _declared_frames(stream, container)
    duration = _duration_s(stream, container)
    if fps is not None and duration > 0:
        declared = min(declared, int(math.ceil(duration * fps)))
    return VideoInfo(
        path=str(path),
        width=width,
        height=height,
        fps=float(rate),
        frame_count=declared,
        duration_s=duration,
        rotation_deg=rotation,
        codec=stream.codec_context.name,
        kind="file",
        scale=scale_for(width, height, max_side),
        fps_requested=fps,
    )


def _decoded_frames(container: Any, stream: Any, state: _DecodeState) -> Iterator[Any]:
    """Decoded frames in presentation order, skipping corrupt packets (and stopping after too
    many in a row, or when the demuxer hits the end of a truncated file)."""
    import av

    packets = container.demux(stream)
    bad_in_row = 0
    while True:
        try:
            packet = next(packets)
        except StopIteration:
            return
        except av.error.FFmpegError as err:
            state.stopped_early = _why(err)
            return
        try:
            decoded = packet.decode()
        except av.error.FFmpegError as err:
            state.bad_packets += 1
            bad_in_row += 1
            if bad_in_row > MAX_BAD_PACKETS_IN_ROW:
                state.stopped_early = _why(err)
                return
            continue
        bad_in_row = 0
        yield from decoded


def _file_frames(
    first: Any,
    rest: Iterator[Any],
    stream: Any,
    state: _DecodeState,
    info: VideoInfo,
    stop: threading.Event,
) -> Iterator[tuple[int, float, Pixels]]:
    base = stream.start_time if stream.start_time is not None else first.pts
    step = 1.0 / info.fps if info.fps > 0 else 1.0 / 30
    stored_w, stored_h = first.width, first.height
    out_w, out_h = (
        (max(1, round(stored_w * info.scale)), max(1, round(stored_h * info.scale)))
        if info.scale < 1.0
        else (stored_w, stored_h)
    )
    index = 0
    for frame in _chain(first, rest):
        if stop.is_set():
            return
        t = _frame_time(frame, base, state.last_t, step)
        if t <= state.last_t:
            state.duplicates += 1
            index += 1
            continue
        state.last_t = t
        yield index, t, partial(_pixels, frame, (stored_w, stored_h), (out_w, out_h), info)
        index += 1


def _pixels(
    frame: Any, stored: tuple[int, int], out: tuple[int, int], info: VideoInfo
) -> np.ndarray:
    """A decoded frame as RGB, scaled to ``out`` and turned as the phone meant."""
    if (frame.width, frame.height) == stored and info.scale < 1.0:
        image = frame.to_ndarray(
            format="rgb24", width=out[0], height=out[1], interpolation=SCALE_INTERPOLATION
        )
    elif (frame.width, frame.height) != stored:
        image = frame.to_ndarray(format="rgb24", width=out[0], height=out[1])
    else:
        image = frame.to_ndarray(format="rgb24")
    return rotate_image(image, info.rotation_deg)


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _frame_time(frame: Any, base: int | None, last_t: float, step: float) -> float:
    pts = frame.pts if frame.pts is not None else frame.dts
    if pts is None or frame.time_base is None:
        return last_t + step if math.isfinite(last_t) else 0.0
    return float((pts - (base or 0)) * frame.time_base)


def _report_truncation(source: VideoSource, state: _DecodeState, info: VideoInfo) -> None:
    if state.bad_packets:
        source.warnings.append(f"{state.bad_packets} corrupt packet(s) were skipped while decoding")
    if state.duplicates:
        source.warnings.append(
            f"{state.duplicates} frame(s) with a repeated timestamp were dropped"
        )
    last = state.last_t if math.isfinite(state.last_t) else 0.0
    shortfall = (
        info.duration_s > 0
        and last + 1.0 / max(info.fps, 1.0) < TRUNCATED_FRACTION * info.duration_s
    )
    if state.stopped_early or shortfall:
        source.warnings.append(
            f"the video looks truncated: frames stop at {last:.2f} s of {info.duration_s:.2f} s;"
            " analysed what could be decoded"
        )


# --------------------------------------------------------------------------------------------
# folder of images (OpenCV; imread applies the EXIF orientation)


def open_image_folder(
    folder: Path, *, fps: float | None, max_side: int | None, image_fps: float | None = None
) -> VideoSource:
    """The folder's images in name order, taken ``image_fps`` a second (30 assumed, with a
    warning, when not given); ``fps`` subsamples them as it does a video."""
    import cv2

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise EmptyVideo(f"{folder}: the folder has no images ({', '.join(IMAGE_SUFFIXES)})")
    first = cv2.imread(str(files[0]), cv2.IMREAD_COLOR)
    if first is None:
        raise NotAVideo(f"{files[0]}: not an image OpenCV can read")
    if image_fps is not None and not (math.isfinite(image_fps) and image_fps > 0):
        raise ValueError(f"image_fps must be a positive number, got {image_fps}")
    rate = float(image_fps) if image_fps else DEFAULT_IMAGE_FPS
    height, width = first.shape[:2]
    duration = len(files) / rate
    info = VideoInfo(
        path=str(folder),
        width=width,
        height=height,
        fps=rate,
        frame_count=min(len(files), math.ceil(duration * fps)) if fps else len(files),
        duration_s=duration,
        codec="images",
        kind="images",
        scale=scale_for(width, height, max_side),
        fps_requested=fps,
    )
    source: VideoSource

    def producer(stop: threading.Event) -> Iterator[tuple[int, float, np.ndarray]]:
        skipped = 0
        for index, file in enumerate(files):
            if stop.is_set():
                return
            bgr = cv2.imread(str(file), cv2.IMREAD_COLOR)
            if bgr is None:
                skipped += 1
                continue
            yield index, index / rate, _to_rgb(bgr, info.scale)
        if skipped:
            source.warnings.append(
                f"{skipped} file(s) in {folder.name} could not be read as images"
            )

    source = VideoSource(info, producer, fps=fps)
    if image_fps is None:
        source.warnings.append(
            f"{folder.name}: the images' frame rate is not known, {rate:.0f} fps assumed"
            " (give it with --image-fps; tempo and hold times scale with it)"
        )
    return source


def _to_rgb(bgr: np.ndarray, scale: float) -> np.ndarray:
    import cv2

    if scale < 1.0:
        h, w = bgr.shape[:2]
        bgr = cv2.resize(
            bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
        )
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


# --------------------------------------------------------------------------------------------
# webcam (OpenCV)


#: OpenCV's log level while probing a camera: its WARN/ERROR lines about a missing camera
#: would come before formcheck's own one-line message
_OPENCV_SILENT = 0


def _probe_camera(index: int) -> Any:
    """``cv2.VideoCapture(index)`` without OpenCV's own log lines."""
    import cv2

    level = cv2.getLogLevel()
    cv2.setLogLevel(_OPENCV_SILENT)
    try:
        return cv2.VideoCapture(index)
    finally:
        cv2.setLogLevel(level)


def open_webcam(index: int, *, fps: float | None, max_side: int | None) -> VideoSource:
    import cv2

    cap = _probe_camera(index)
    if not cap.isOpened():
        raise InputNotFound(f"webcam {index}: could not be opened")
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    rate = float(cap.get(cv2.CAP_PROP_FPS) or 30.0)
    info = VideoInfo(
        path=f"webcam:{index}",
        width=width,
        height=height,
        fps=rate,
        frame_count=0,
        duration_s=0.0,
        codec="webcam",
        kind="webcam",
        scale=scale_for(width, height, max_side),
        fps_requested=fps,
    )

    def producer(stop: threading.Event) -> Iterator[tuple[int, float, np.ndarray]]:
        start = time.monotonic()
        index_ = 0
        while not stop.is_set():
            ok, bgr = cap.read()
            if not ok:
                return
            yield index_, time.monotonic() - start, _to_rgb(bgr, info.scale)
            index_ += 1

    return VideoSource(info, producer, fps=fps, on_close=cap.release)
