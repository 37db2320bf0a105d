"""``replay``: a saved ``PoseTrack`` played back as if a model were running.

``process(frame, t)`` returns the saved row whose timestamp is nearest to ``t`` (within half a
frame), or None where the saved track had no person or no frame near ``t``. The frame itself
is ignored, so tests and re-analysis run without any pose model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck.errors import ModelError
from formcheck.pose.base import Landmarks
from formcheck.types import PoseTrack


class ReplayBackend:
    """Plays back a ``PoseTrack`` given as ``track=`` or loaded from ``model=`` (an ``.npz``)."""

    name = "replay"

    def __init__(self, model: Path | None = None, *, track: PoseTrack | None = None) -> None:
        if track is None:
            if model is None:
                raise ModelError("the replay backend needs a saved track: pass --model TRACK.npz")
            track = _load(Path(model))
        self.track = track
        self.model_name = Path(model).name if model is not None else "in-memory track"
        steps = np.diff(track.t)
        self._tolerance_s = (
            0.5 * float(np.median(steps)) if len(steps) else 0.5 / max(track.fps, 1.0)
        )
        self._detected = track.detected
        self.calls = 0

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        self.calls += 1
        if len(self.track) == 0:
            return None
        i = (
            int(np.clip(np.searchsorted(self.track.t, t), 1, len(self.track) - 1))
            if len(self.track) > 1
            else 0
        )
        if i > 0 and abs(self.track.t[i - 1] - t) <= abs(self.track.t[i] - t):
            i -= 1
        if abs(self.track.t[i] - t) > self._tolerance_s + 1e-9 or not self._detected[i]:
            return None
        return Landmarks(image=self.track.image[i], world=self.track.world[i])

    def close(self) -> None:
        """Nothing to release."""


def _load(path: Path) -> PoseTrack:
    if not path.is_file():
        raise ModelError(f"{path}: saved track not found")
    try:
        return PoseTrack.load(path)
    except (OSError, ValueError, KeyError) as err:
        raise ModelError(f"{path}: not a formcheck track file ({err})") from None
