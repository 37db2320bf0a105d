"""How many people are in view: PoseLandmarker in image mode, on the whole frame and on
overlapping windows of it.

BlazePose's person detector sees the frame shrunk to 224 × 224. Two people lying side by side
across a landscape frame are then small and thin, and it often finds one or none of them (the
clip beside itself, 2560 × 720: one body found in 4 of 6 frames). Each window along the long
side is nearer the detector's square, so each body is found at a useful size; bodies found in
several windows are merged by how much their boxes overlap. A body that reaches a window's cut
edge is left to the other window and the whole frame, where it is seen whole: a cut body's
part would otherwise count as someone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.pose._mp import import_mediapipe, quiet_native_stderr
from formcheck.pose.mediapipe_tasks import _create_landmarker

#: names how people are counted, in the track cache's key: a new method re-counts cached clips
PEOPLE_METHOD = "image-mode-windows-1"
#: each window spans this share of the frame's long side (two windows, overlapping in the middle)
WINDOW_SHARE = 0.6
#: two boxes are one body when their overlap covers this share of the smaller box
SAME_BODY_OVERLAP = 0.5
#: landmarks this visible make a body's box (its hidden, guessed landmarks stretch it)
BOX_VISIBILITY = 0.5
#: a box this near a window's cut edge (share of the window's long side) is a cut body
CUT_MARGIN = 0.03

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the whole frame


class PeopleFinder:
    """Counts the distinct people in one RGB frame."""

    def __init__(self, model: Path, *, max_people: int = 2) -> None:
        self._landmarker: Any = _create_landmarker(Path(model), video=False, num_poses=max_people)
        self._mp = import_mediapipe()

    def count(self, frame_rgb: np.ndarray) -> int:
        boxes: list[Box] = []
        for window in windows(frame_rgb):
            for box in self._bodies(window.pixels):
                if not window.cuts(box):
                    boxes.append(window.to_frame(box))
        return len(distinct(boxes))

    def _bodies(self, image: np.ndarray) -> list[Box]:
        mp = self._mp
        picture = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image))
        with quiet_native_stderr():
            result = self._landmarker.detect(picture)
        h, w = image.shape[:2]
        boxes = []
        for person in result.pose_landmarks:
            pts = [(p.x * w, p.y * h) for p in person if (p.visibility or 0) >= BOX_VISIBILITY]
            if len(pts) >= 4:
                xs, ys = zip(*pts, strict=True)
                boxes.append((min(xs), min(ys), max(xs), max(ys)))
        return boxes

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None


@dataclass(frozen=True)
class Window:
    """A part of the frame: its offset, its pixels, and which of its edges cut the frame."""

    x0: int
    y0: int
    pixels: np.ndarray
    cut_low: bool = False  # its left (or top) edge is inside the frame
    cut_high: bool = False  # its right (or bottom) edge is inside the frame
    across: bool = True  # the cut edges are vertical lines (a landscape frame's windows)

    def cuts(self, box: Box) -> bool:
        h, w = self.pixels.shape[:2]
        lo, hi, size = (box[0], box[2], w) if self.across else (box[1], box[3], h)
        margin = CUT_MARGIN * size
        return (self.cut_low and lo < margin) or (self.cut_high and hi > size - margin)

    def to_frame(self, box: Box) -> Box:
        return (box[0] + self.x0, box[1] + self.y0, box[2] + self.x0, box[3] + self.y0)


def windows(frame: np.ndarray) -> list[Window]:
    """The whole frame, then two overlapping windows along its long side."""
    h, w = frame.shape[:2]
    out = [Window(0, 0, frame)]
    if max(w, h) < 1.25 * min(w, h):
        return out  # near square already: the detector sees it whole at a useful size
    if w >= h:
        span = int(round(w * WINDOW_SHARE))
        out += [
            Window(0, 0, frame[:, :span], cut_high=True),
            Window(w - span, 0, frame[:, w - span :], cut_low=True),
        ]
    else:
        span = int(round(h * WINDOW_SHARE))
        out += [
            Window(0, 0, frame[:span], cut_high=True, across=False),
            Window(0, h - span, frame[h - span :], cut_low=True, across=False),
        ]
    return out


def distinct(boxes: list[Box]) -> list[Box]:
    """Boxes of different bodies: a box mostly inside or over one kept already is that body
    (a window cuts a body, so its box there is a part of the whole one)."""
    kept: list[Box] = []
    for box in sorted(boxes, key=_area):
        if all(_overlap_of_smaller(box, other) < SAME_BODY_OVERLAP for other in kept):
            kept.append(box)
    return kept


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _overlap_of_smaller(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min(_area(a), _area(b))
    return ix * iy / smaller if smaller > 0 else 1.0
