"""Frames from a video file, a webcam or a folder of images, with true timestamps.

``open_video(source)`` returns a :class:`VideoSource`: a context manager that yields
:class:`Frame` objects (RGB, the phone's rotation applied, ``t`` = the frame's presentation
time in seconds from the start of the stream). Decoding runs on a reader thread that fills a
small bounded queue, so it overlaps whatever the caller does with each frame (pose inference)
and memory stays flat however long the clip is.

Files are decoded with PyAV (it carries FFmpeg: H.264, HEVC, VP8/9, AV1, MPEG-4 in
mp4/mov/m4v/avi/webm/mkv). A webcam (an ``int`` index) is read with OpenCV. A folder of images
is read in file-name order, ``image_fps`` images a second (30 assumed, with a warning).

Example::

    with open_video("set1.mp4", fps=15) as video:
        print(video.info.width, video.info.height, video.info.rotation_deg)
        for frame in video:
            ...  # frame.index, frame.t, frame.image (H, W, 3) uint8 RGB
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import EmptyVideo, FormcheckError, InputNotFound, NotAVideo, TruncatedVideo

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
#: frames the reader thread may decode ahead of the consumer
QUEUE_FRAMES = 4
#: frame rate assumed (with a warning) for a folder of images when none is given
DEFAULT_IMAGE_FPS = 30.0
#: a stream that stops before this fraction of its declared duration is reported as truncated
TRUNCATED_FRACTION = 0.9
#: corrupt packets tolerated in a row before decoding gives up
MAX_BAD_PACKETS_IN_ROW = 50
#: the default cap on the frames a second sent to the pose model (`--max-fps`): a faster
#: source (a phone's 60 fps) is thinned to this on the grid of its true timestamps; see the
#: README's frame-rate table for why 30 changes no verdict
DEFAULT_MAX_FPS = 30.0
#: a source is thinned only when its declared rate exceeds the cap by this factor, so a
#: 30 fps (or 29.97, or jittery variable-rate ~30 fps) clip keeps every frame under a 30 cap
MAX_FPS_SLACK = 1.1


@dataclass(frozen=True, kw_only=True)
class VideoInfo:
    """What the source says about itself. ``width``/``height`` are the displayed size (after
    the phone's rotation); frames may be delivered smaller (``scale`` < 1, see ``max_side``)."""

    path: str
    width: int
    height: int
    fps: float
    #: an estimate (containers do not always say); the frames actually read may differ
    frame_count: int
    duration_s: float
    #: clockwise rotation applied to the stored frames to display them (a phone held upright
    #: records landscape frames with 90 here, as ffprobe's and OpenCV's "rotate" say)
    rotation_deg: int = 0
    codec: str = ""
    #: "file", "webcam" or "images"
    kind: str = "file"
    #: frames are delivered at ``round(width*scale) x round(height*scale)``
    scale: float = 1.0
    #: the subsampling frame rate asked for, if any
    fps_requested: float | None = None

    @property
    def frame_size(self) -> tuple[int, int]:
        """(width, height) of the delivered frames."""
        return _scaled(self.width, self.height, self.scale)


@dataclass(frozen=True, kw_only=True)
class Frame:
    """One decoded frame: ``index`` counts the source's frames from 0 (before subsampling),
    ``t`` is its presentation time in seconds, ``image`` is (H, W, 3) uint8 RGB."""

    index: int
    t: float
    image: np.ndarray = field(repr=False)


# --------------------------------------------------------------------------------------------
# small helpers


def _scaled(width: int, height: int, scale: float) -> tuple[int, int]:
    if scale >= 1.0:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))


def scale_for(width: int, height: int, max_side: int | None) -> float:
    """The factor that brings the longer side down to ``max_side`` (1.0 if already smaller)."""
    if not max_side or max(width, height) <= max_side:
        return 1.0
    return max_side / max(width, height)


def rotate_image(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Rotate a stored frame clockwise by ``rotation_deg`` (a multiple of 90) to show it as the
    phone meant; returns a C-contiguous array."""
    k = -round(rotation_deg / 90) % 4
    if k == 0:
        return image
    return np.ascontiguousarray(np.rot90(image, k))


def capped_fps(
    fps: float | None, max_fps: float | None, source_fps: float | None
) -> float | None:
    """The subsampling rate to ask for: ``fps`` when given; and ``max_fps`` (when lower) if the
    source's declared rate is above it by more than ``MAX_FPS_SLACK``. None: every frame."""
    if max_fps is None or not max_fps > 0 or not source_fps or source_fps <= max_fps * MAX_FPS_SLACK:
        return fps
    return max_fps if fps is None else min(fps, max_fps)


class FrameGrid:
    """Subsampling on a time grid: keeps the first frame in each ``1/fps`` slot, using the
    frames' true timestamps, so variable-frame-rate clips subsample evenly."""

    def __init__(self, fps: float | None) -> None:
        if fps is not None and not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be a positive number, got {fps}")
        self.fps = fps
        self._last_slot: int | None = None

    def keep(self, t: float) -> bool:
        if self.fps is None:
            return True
        slot = math.floor(t * self.fps + 1e-6)
        if self._last_slot is not None and slot <= self._last_slot:
            return False
        self._last_slot = slot
        return True


# --------------------------------------------------------------------------------------------
# the source: a reader thread behind a bounded queue

_END = object()

#: a decoded frame's pixels, or a function making them (colour conversion, scaling, rotation):
#: called only for frames the grid keeps, so a thinned 60 fps clip converts only what it sends
Pixels = np.ndarray | Callable[[], np.ndarray]
Producer = Callable[[threading.Event], Iterator[tuple[int, float, Pixels]]]


def _no_frames(_stop: threading.Event) -> Iterator[tuple[int, float, Pixels]]:
    return iter(())


class VideoSource:
    """Frames from one source, decoded ahead on a reader thread. Iterate once; close (or use
    ``with``) to stop the thread early. ``warnings`` collects what the reader noticed (a
    truncated file, corrupt packets, duplicate timestamps), filled as frames are read."""

    def __init__(
        self,
        info: VideoInfo,
        producer: Producer,
        *,
        fps: float | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.info = info
        self.warnings: list[str] = []
        #: seconds the reader thread spent decoding and converting frames
        self.decode_s = 0.0
        self.frames_read = 0
        self._producer = producer
        self._grid = FrameGrid(fps)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._stop = threading.Event()
        self._on_close = on_close
        self._thread: threading.Thread | None = None
        self._started = False

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Frame]:
        if self._started:
            raise RuntimeError("a VideoSource can be iterated only once")
        self._started = True
        self._thread = threading.Thread(target=self._run, name="formcheck-reader", daemon=True)
        self._thread.start()
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _run(self) -> None:
        try:
            frames = self._producer(self._stop)
            while not self._stop.is_set():
                t0 = time.perf_counter()
                item = next(frames, None)
                if item is None:
                    self.decode_s += time.perf_counter() - t0
                    break
                index, t, pixels = item
                self.frames_read += 1
                if not self._grid.keep(t):
                    self.decode_s += time.perf_counter() - t0
                    continue
                image = pixels() if callable(pixels) else pixels
                self.decode_s += time.perf_counter() - t0
                self._put(Frame(index=index, t=t, image=image))
        except FormcheckError as err:
            self._put(err)
        except Exception as err:  # a reader crash must reach the consumer, not vanish
            log.exception("video reader failed")
            self._put(err)
        finally:
            self._put(_END)

    def _put(self, item: Any) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Stop the reader thread and release the file or camera."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        if self._on_close is not None:
            self._on_close()
            self._on_close = None
        # a file's producer is a closure over this source and its decoder (a reference cycle):
        # dropped here, the decoder and its frame threads' buffers are freed when the source
        # is, not at the next full garbage collection, which native memory never triggers (the
        # web server, probing each upload, grew about 1.5 MB an upload until one ran)
        self._producer = _no_frames


# --------------------------------------------------------------------------------------------
# entry point


def open_video(
    source: str | Path | int,
    fps: float | None = None,
    *,
    max_side: int | None = None,
    image_fps: float | None = None,
) -> VideoSource:
    """Open a video file, a folder of images, or a webcam index.

    ``fps`` subsamples any source to at most that many frames per second (on a grid of the
    true timestamps). ``image_fps`` is the rate a folder of images was taken at (when not
    given, 30 is assumed and ``warnings`` says so).
    ``max_side`` scales frames down so that their longer side is at most that many pixels
    (pose landmarks are normalised, so they do not change; inference gets cheaper).

    Raises ``InputNotFound``, ``NotAVideo``, ``EmptyVideo`` or ``TruncatedVideo``.
    """
    if isinstance(source, int) or (
        isinstance(source, str) and source.isdigit() and not Path(source).exists()
    ):
        from formcheck.video.sources import open_webcam

        return open_webcam(int(source), fps=fps, max_side=max_side)
    path = Path(source).expanduser()
    if not path.exists():
        raise InputNotFound(f"{path}: no such file or folder")
    if path.is_dir():
        from formcheck.video.sources import open_image_folder

        return open_image_folder(path, fps=fps, max_side=max_side, image_fps=image_fps)
    from formcheck.video.sources import open_file

    return open_file(path, fps=fps, max_side=max_side)


__all__ = [
    "DEFAULT_MAX_FPS",
    "EmptyVideo",
    "Frame",
    "FrameGrid",
    "InputNotFound",
    "NotAVideo",
    "TruncatedVideo",
    "VideoInfo",
    "capped_fps",
    "VideoSource",
    "open_video",
    "rotate_image",
    "scale_for",
]
