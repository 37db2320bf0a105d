"""Pose backends behind one interface: ``get_backend(name, model=...)``.

- ``mediapipe-legacy`` (default): MediaPipe's bundled BlazePose full model; works offline.
- ``mediapipe-tasks``: MediaPipe's ``PoseLandmarker`` given a ``.task`` file (see
  ``formcheck models build-full`` and ``models/README.md``).
- ``replay``: rows of a saved ``PoseTrack`` (``.npz``), for tests and re-analysis.
"""

from __future__ import annotations

from formcheck.pose.base import (
    DEFAULT_BACKEND,
    Landmarks,
    PoseBackend,
    available_backends,
    get_backend,
    register_backend,
    unregister_backend,
)

__all__ = [
    "DEFAULT_BACKEND",
    "Landmarks",
    "PoseBackend",
    "available_backends",
    "get_backend",
    "register_backend",
    "unregister_backend",
]
