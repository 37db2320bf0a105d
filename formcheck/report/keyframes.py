"""Key-frame thumbnails: the frame at each rep's top (or each hold's middle), skeleton drawn.

The frames are decoded again from the clip with `formcheck.video` in one pass, and only the
frame nearest each wanted time is kept, so memory does not grow with clip length.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from formcheck.errors import FormcheckError
from formcheck.report.annotate import FrameStates, draw_skeleton
from formcheck.report.model import Segment

if TYPE_CHECKING:
    from formcheck.report.assemble import Analysis

log = logging.getLogger(__name__)

#: thumbnails are kept this wide (shown smaller on the page; a click shows them at this size)
THUMB_WIDTH_PX = 720
JPEG_QUALITY = 80
#: at most this many thumbnails in one report (a very long set keeps the page small)
MAX_THUMBNAILS = 60
#: the key frame is cropped to the athlete: their box plus this share of its larger side…
CROP_MARGIN = 0.15
#: …but never less than this share of the frame each way
MIN_CROP_FRACTION = 0.35
#: segment kinds that get a thumbnail (single-leg phases lie inside holds)
KEY_FRAME_KINDS = ("rep", "partial", "hold")
#: a thumbnail is taken from a frame at most this far from the wanted time
SEARCH_WINDOW_S = 0.5


@dataclass(frozen=True, kw_only=True)
class KeyFrame:
    segment_index: int
    t: float
    #: ``data:image/jpeg;base64,…``
    data_uri: str


def key_time(segment: Segment, t: np.ndarray, height: np.ndarray | None) -> float:
    """The moment to show: the middle of the top phase, else the highest point, else the middle."""
    tops = [p for p in segment.phases if p.name == "top"]
    if tops:
        return (tops[0].start_s + tops[0].end_s) / 2
    if height is not None and height.size == t.size:
        inside = (t >= segment.start_s) & (t < segment.end_s) & np.isfinite(height)
        if inside.any():
            return float(t[inside][np.argmax(height[inside])])
    return (segment.start_s + segment.end_s) / 2


def _encode(rgb: np.ndarray, width: int = THUMB_WIDTH_PX) -> str:
    h, w = rgb.shape[:2]
    if w > width:
        rgb = cv2.resize(rgb, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    )
    if not ok:
        raise ValueError("JPEG encoding failed")
    return "data:image/jpeg;base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def _wanted(analysis: Analysis) -> list[tuple[int, float]]:
    segs = [s for s in analysis.report.segments if s.kind in KEY_FRAME_KINDS][:MAX_THUMBNAILS]
    height = analysis.signals.series("bridge_height")
    t = np.asarray(analysis.signals.t, dtype=np.float64)
    return [(s.index, key_time(s, t, height)) for s in segs]


def crop_box(
    pts: np.ndarray, size: tuple[int, int], margin: float = CROP_MARGIN
) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the landmarks' box grown by ``margin`` of its larger side, within the
    frame, at least `MIN_CROP_FRACTION` of the frame each way (the whole frame without points)."""
    w, h = size
    ok = np.isfinite(pts[:, :2]).all(axis=1)
    if not ok.any():
        return 0, 0, w, h
    (x0, y0), (x1, y1) = pts[ok, :2].min(axis=0), pts[ok, :2].max(axis=0)
    grow = margin * max(x1 - x0, y1 - y0)
    half_w = max((x1 - x0) / 2 + grow, MIN_CROP_FRACTION * w / 2)
    half_h = max((y1 - y0) / 2 + grow, MIN_CROP_FRACTION * h / 2)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    return (
        max(0, int(box[0])),
        max(0, int(box[1])),
        min(w, int(np.ceil(box[2]))),
        min(h, int(np.ceil(box[3]))),
    )


@dataclass(frozen=True)
class _Still:
    """A frame kept for a thumbnail: its own copy of the picture (the video pass draws on the
    decoded frames)."""

    index: int
    t: float
    image: np.ndarray


def _thumbnail(states: FrameStates, still: _Still, idx: int) -> KeyFrame:
    img = still.image
    size = (img.shape[1], img.shape[0])
    state = states.at(still.index, still.t, size)
    if state.landmarks_px is not None:
        draw_skeleton(img, state.landmarks_px, scale=max(img.shape[:2]) / 720)
        x0, y0, x1, y1 = crop_box(state.landmarks_px, size)
        img = img[y0:y1, x0:x1]
    return KeyFrame(segment_index=idx, t=float(still.t), data_uri=_encode(img))


class KeyFrameCollector:
    """Picks each segment's key frame from frames offered in time order (one decoding pass,
    shared with the annotated video when both are written).

    Only frames within `SEARCH_WINDOW_S` of a wanted time are copied, and each thumbnail is
    made as soon as the frames have passed its window, so memory stays small.
    """

    def __init__(self, analysis: Analysis) -> None:
        self.pending = dict(_wanted(analysis))
        self.states = FrameStates(analysis)
        self.best: dict[int, tuple[float, _Still]] = {}
        self.out: dict[int, KeyFrame] = {}

    @property
    def done(self) -> bool:
        return not self.pending

    def offer(self, frame: Any) -> None:
        """Look at one decoded frame (``index``, ``t``, ``image``); it is not kept or changed."""
        for idx, tt in list(self.pending.items()):
            gap = abs(frame.t - tt)
            if gap <= SEARCH_WINDOW_S and (idx not in self.best or gap < self.best[idx][0]):
                self.best[idx] = (
                    gap,
                    _Still(frame.index, frame.t, np.array(frame.image, copy=True)),
                )
            elif frame.t - tt > SEARCH_WINDOW_S:
                del self.pending[idx]
                if idx in self.best:
                    self.out[idx] = _thumbnail(self.states, self.best.pop(idx)[1], idx)

    def result(self) -> dict[int, KeyFrame]:
        """The thumbnails by segment index (those near the clip's end included)."""
        for idx, (_, still) in self.best.items():
            self.out[idx] = _thumbnail(self.states, still, idx)
        self.best.clear()
        return dict(self.out)


def key_frames(analysis: Analysis, clip_path: str | Path | None = None) -> dict[int, KeyFrame]:
    """Thumbnails by segment index, decoding the clip again; empty (with a log line) when the
    clip cannot be read."""
    collector = KeyFrameCollector(analysis)
    if collector.done:
        return {}
    import av

    from formcheck.video import open_video

    clip = Path(clip_path or analysis.report.clip.path)
    try:
        with open_video(clip, image_fps=analysis.report.clip.fps or None) as source:
            for frame in source:
                collector.offer(frame)
                if collector.done:
                    break
    except (FormcheckError, OSError, av.FFmpegError) as err:
        log.warning("no key frames from %s: %s", clip, err)
        return {}
    return collector.result()
