"""Pose backends behind one interface: ``get_backend(name, model=...)``.

- ``mediapipe-legacy`` (default): MediaPipe's BlazePose, ``model="full"`` (bundled, offline;
  the default), ``"lite"`` or ``"heavy"`` (after `formcheck models install`; see
  ``formcheck.pose.legacy_models``).
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
