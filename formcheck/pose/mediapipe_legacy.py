"""``mediapipe-legacy``: MediaPipe's ``solutions.pose`` with the bundled BlazePose full model.

The only model the mediapipe wheel ships is the full one (``model_complexity=1``); the lite
(0) and heavy (2) ones would be downloaded at first use, which formcheck never does. The
solution runs in video mode (``static_image_mode=False``): after a detection it tracks the
person from frame to frame and smooths the landmarks, which is what a clip needs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import ModelError
from formcheck.pose._mp import import_mediapipe, quiet_native_stderr, to_array
from formcheck.pose.base import QUIET_FRAMES, Landmarks

log = logging.getLogger(__name__)

BUNDLED_COMPLEXITY = 1


class MediapipeLegacyBackend:
    """BlazePose GHUM 3D (full) through ``mp.solutions.pose.Pose``; follows one person."""

    name = "mediapipe-legacy"
    model_name = "pose_landmark_full (bundled with mediapipe)"

    def __init__(
        self,
        model: Path | None = None,
        *,
        model_complexity: int = BUNDLED_COMPLEXITY,
        smooth_landmarks: bool = True,
        static_image_mode: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if model is not None:
            raise ModelError(
                "the mediapipe-legacy backend uses the model bundled with mediapipe; "
                "pass --model only with --backend mediapipe-tasks"
            )
        if model_complexity != BUNDLED_COMPLEXITY:
            raise ModelError(
                f"model_complexity={model_complexity} would download a model; only "
                f"{BUNDLED_COMPLEXITY} (full, bundled) works offline"
            )
        mp = import_mediapipe()
        #: frames with a person still to run with native logging silenced (see quiet_native_stderr)
        self._quiet_left = QUIET_FRAMES
        try:
            with quiet_native_stderr():
                self._pose: Any = mp.solutions.pose.Pose(
                    static_image_mode=static_image_mode,
                    model_complexity=model_complexity,
                    smooth_landmarks=smooth_landmarks,
                    enable_segmentation=False,
                    min_detection_confidence=min_detection_confidence,
                    min_tracking_confidence=min_tracking_confidence,
                )
                # the graph starts its calculators on worker threads, which log as they open;
                # one blank frame makes that happen here, inside the silenced block
                self._pose.process(np.zeros((64, 64, 3), dtype=np.uint8))
        except (RuntimeError, FileNotFoundError, ValueError) as err:
            raise ModelError(f"mediapipe could not load its bundled pose model: {err}") from None

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        """Landmarks of the person in ``frame_rgb`` (H, W, 3 uint8 RGB), or None."""
        if self._quiet_left > 0:  # the graph logs natively while its landmark model starts
            with quiet_native_stderr():
                result = self._pose.process(frame_rgb)
            self._quiet_left -= 1 if result.pose_landmarks else 0
        else:
            result = self._pose.process(frame_rgb)
        if result.pose_landmarks is None:
            return None
        image = to_array(result.pose_landmarks.landmark)
        if result.pose_world_landmarks is not None:
            world = to_array(result.pose_world_landmarks.landmark)
        else:
            world = np.full_like(image, np.nan)
        return Landmarks(image=image, world=world)

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None

    def __enter__(self) -> MediapipeLegacyBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
