"""``mediapipe-legacy``: MediaPipe's ``solutions.pose`` with a BlazePose landmark model.

``model`` names the landmark model: ``full`` (the default, bundled in the mediapipe wheel),
``lite`` or ``heavy`` (``model_complexity`` 0 and 2, added once by `formcheck models install`;
see ``formcheck.pose.legacy_models``). A missing lite or heavy file is refused
(``ModelNotInstalled``) before mediapipe is asked for it, since mediapipe would download it.
The solution runs in video mode (``static_image_mode=False``): after a detection it tracks the
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
from formcheck.pose.legacy_models import (
    DEFAULT_MODEL,
    LEGACY_MODELS,
    LegacyModel,
    by_complexity,
    require,
)

log = logging.getLogger(__name__)

BUNDLED_COMPLEXITY = LEGACY_MODELS[DEFAULT_MODEL].complexity


class MediapipeLegacyBackend:
    """BlazePose GHUM 3D (lite, full or heavy) through ``mp.solutions.pose.Pose``; follows one
    person."""

    name = "mediapipe-legacy"

    def __init__(
        self,
        model: Path | str | None = None,
        *,
        model_complexity: int | None = None,
        smooth_landmarks: bool = True,
        static_image_mode: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        chosen = _chosen_model(model, model_complexity)
        require(chosen.name)  # before mediapipe sees it: a missing file would be downloaded
        self.model = chosen
        self.model_name = model_label(chosen)
        mp = import_mediapipe()
        #: frames with a person still to run with native logging silenced (see quiet_native_stderr)
        self._quiet_left = QUIET_FRAMES
        try:
            with quiet_native_stderr():
                self._pose: Any = mp.solutions.pose.Pose(
                    static_image_mode=static_image_mode,
                    model_complexity=chosen.complexity,
                    smooth_landmarks=smooth_landmarks,
                    enable_segmentation=False,
                    min_detection_confidence=min_detection_confidence,
                    min_tracking_confidence=min_tracking_confidence,
                )
                # the graph starts its calculators on worker threads, which log as they open;
                # one blank frame makes that happen here, inside the silenced block
                self._pose.process(np.zeros((64, 64, 3), dtype=np.uint8))
        except (RuntimeError, FileNotFoundError, ValueError) as err:
            raise ModelError(f"mediapipe could not load the {chosen.name} pose model: {err}") from None

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


def model_label(model: LegacyModel) -> str:
    """The model's name in tracks and reports (the full one keeps the name it always had)."""
    if model.bundled:
        return f"pose_landmark_{model.name} (bundled with mediapipe)"
    return f"pose_landmark_{model.name} (installed by formcheck models install)"


def _chosen_model(model: Path | str | None, complexity: int | None) -> LegacyModel:
    """The landmark model from ``model`` (lite / full / heavy) or ``model_complexity``."""
    if model is None:
        return by_complexity(BUNDLED_COMPLEXITY if complexity is None else complexity)
    name = str(model)
    if name not in LEGACY_MODELS:
        raise ModelError(
            f"the mediapipe-legacy backend takes --model lite, full or heavy, not {name!r}; "
            "a .task file runs with --backend mediapipe-tasks"
        )
    chosen = LEGACY_MODELS[name]
    if complexity is not None and complexity != chosen.complexity:
        raise ModelError(f"--model {name} is model_complexity {chosen.complexity}, not {complexity}")
    return chosen
