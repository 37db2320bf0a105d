"""``mediapipe-tasks``: MediaPipe's ``PoseLandmarker`` from a ``.task`` model bundle.

Runs in VIDEO mode, which needs strictly increasing integer-millisecond timestamps; this
backend owns that bookkeeping (two frames less than 1 ms apart still get distinct stamps).
With ``num_poses`` > 1 it reports how many people it saw (``Landmarks.persons``) and keeps
following the one nearest to the person it followed before.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import ModelError
from formcheck.landmarks import LEFT_HIP, RIGHT_HIP
from formcheck.pose._mp import import_mediapipe, quiet_native_stderr, to_array
from formcheck.pose.base import QUIET_FRAMES, Landmarks

log = logging.getLogger(__name__)


class MillisecondClock:
    """Strictly increasing integer-millisecond stamps for frame times in seconds, as
    PoseLandmarker's video mode demands (frames < 1 ms apart, or repeated, still advance)."""

    def __init__(self) -> None:
        self.last_ms = -1

    def __call__(self, t: float) -> int:
        ms = max(int(round(t * 1000.0)), self.last_ms + 1)
        self.last_ms = ms
        return ms


class MediapipeTasksBackend:
    """PoseLandmarker (lite, full or heavy, whichever ``.task`` is given) in video mode."""

    name = "mediapipe-tasks"

    def __init__(
        self,
        model: Path | None = None,
        *,
        num_poses: int = 1,
        min_pose_detection_confidence: float = 0.5,
        min_pose_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if model is None:
            raise ModelError(
                "the mediapipe-tasks backend needs a .task model: pass --model "
                "(build the full one offline with `formcheck models build-full`)"
            )
        model = Path(model)
        if not model.is_file():
            raise ModelError(f"{model}: model file not found")
        self.model_name = model.name
        self._landmarker: Any = _create_landmarker(
            model,
            num_poses=num_poses,
            min_pose_detection_confidence=min_pose_detection_confidence,
            min_pose_presence_confidence=min_pose_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._mp = import_mediapipe()
        self.timestamp_ms = MillisecondClock()
        #: frames with a person still to run with native logging silenced (see quiet_native_stderr)
        self._quiet_left = QUIET_FRAMES
        self._last_hips: np.ndarray | None = None

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        mp = self._mp
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame_rgb))
        if self._quiet_left > 0:  # the graph logs natively while its landmark model starts
            with quiet_native_stderr():
                result = self._landmarker.detect_for_video(image, self.timestamp_ms(t))
            self._quiet_left -= 1 if result.pose_landmarks else 0
        else:
            result = self._landmarker.detect_for_video(image, self.timestamp_ms(t))
        people = result.pose_landmarks
        if not people:
            return None
        pick = self._pick(people)
        image_lm = to_array(people[pick])
        worlds = result.pose_world_landmarks
        world_lm = to_array(worlds[pick]) if worlds else np.full_like(image_lm, np.nan)
        self._last_hips = image_lm[[LEFT_HIP, RIGHT_HIP], :2].mean(axis=0)
        return Landmarks(image=image_lm, world=world_lm, persons=len(people))

    def _pick(self, people: list[Any]) -> int:
        if len(people) == 1 or self._last_hips is None:
            return 0
        hips = np.array(
            [
                [(p[LEFT_HIP].x + p[RIGHT_HIP].x) / 2, (p[LEFT_HIP].y + p[RIGHT_HIP].y) / 2]
                for p in people
            ]
        )
        return int(np.argmin(np.linalg.norm(hips - self._last_hips, axis=1)))

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> MediapipeTasksBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _create_landmarker(model: Path, *, video: bool = True, **options: Any) -> Any:
    """A PoseLandmarker: in video mode (tracks between frames) or, with ``video=False``, in
    image mode (the person detector runs on every image, as a people count needs)."""
    import_mediapipe()
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
        output_segmentation_masks=False,
        **options,
    )
    try:
        with quiet_native_stderr():
            return vision.PoseLandmarker.create_from_options(opts)
    except (RuntimeError, ValueError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelError(
            f"{model}: not a pose landmarker model mediapipe can load ({first})"
        ) from None
