"""The pose-backend interface and the registry of backends by name.

A backend turns one RGB frame into BlazePose-33 landmarks (or ``None`` when it finds no one).
Any model that can give landmarks in that order works with the rest of formcheck: register a
factory with :func:`register_backend` and pass its name to ``track_video`` or ``--backend``.

Backends import their model library lazily (inside the factory), so importing formcheck and
running the replay backend never load mediapipe.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from formcheck.errors import BadSettings
from formcheck.landmarks import NUM_LANDMARKS


@dataclass(frozen=True, kw_only=True)
class Landmarks:
    """One person's landmarks in one frame.

    ``image``: (33, 4) float32 — x, y normalised to the frame (0..1, y down), z in x's scale,
    visibility 0..1. ``world``: (33, 4) float32 — metres about the hips' centre, visibility.
    ``persons``: how many people the backend saw in the frame (1 when it can follow only one).
    """

    image: np.ndarray
    world: np.ndarray
    persons: int = 1

    def __post_init__(self) -> None:
        image = np.asarray(self.image, dtype=np.float32).reshape(NUM_LANDMARKS, 4)
        world = np.asarray(self.world, dtype=np.float32).reshape(NUM_LANDMARKS, 4)
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "world", world)


@runtime_checkable
class PoseBackend(Protocol):
    """What ``track_video`` needs from a pose model. ``t`` is the frame's time in seconds and
    increases from call to call within one clip; a backend that tracks across frames (video
    mode) relies on that."""

    name: str
    model_name: str

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None: ...

    def close(self) -> None: ...


BackendFactory = Callable[..., PoseBackend]

#: built-in backends as "module:callable", imported on first use (keeps mediapipe lazy)
_BUILTIN: dict[str, str] = {
    "mediapipe-legacy": "formcheck.pose.mediapipe_legacy:MediapipeLegacyBackend",
    "mediapipe-tasks": "formcheck.pose.mediapipe_tasks:MediapipeTasksBackend",
    "replay": "formcheck.pose.replay:ReplayBackend",
}
_REGISTRY: dict[str, BackendFactory | str] = dict(_BUILTIN)

DEFAULT_BACKEND = "mediapipe-legacy"
#: MediaPipe backends silence native stderr until this many frames had a person (its graph
#: logs start-up warnings from worker threads, sometimes just after the call returns)
QUIET_FRAMES = 5


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``factory(model=..., **opts)`` available as backend ``name`` (replaces any)."""
    _REGISTRY[name] = factory


def unregister_backend(name: str) -> None:
    """Forget a registered backend; a built-in one returns to its default."""
    if name in _BUILTIN:
        _REGISTRY[name] = _BUILTIN[name]
    else:
        _REGISTRY.pop(name, None)


def available_backends() -> list[str]:
    """Names accepted by :func:`get_backend`, the default first."""
    return sorted(_REGISTRY, key=lambda n: (n != DEFAULT_BACKEND, n))


def _resolve(name: str) -> BackendFactory:
    entry = _REGISTRY.get(name)
    if entry is None:
        raise BadSettings(
            f"unknown pose backend {name!r}; choose one of: {', '.join(available_backends())}"
        )
    if isinstance(entry, str):
        module_name, attr = entry.split(":")
        entry = getattr(importlib.import_module(module_name), attr)
    return entry


def get_backend(
    name: str = DEFAULT_BACKEND, model: Path | str | None = None, **opts: Any
) -> PoseBackend:
    """A ready pose backend. ``model`` is a model file where the backend takes one (a ``.task``
    for ``mediapipe-tasks``, a saved track ``.npz`` for ``replay``); ``opts`` go to it.

    Raises ``BadSettings`` for an unknown name and ``ModelError`` when the model cannot load.
    """
    factory = _resolve(name)
    return factory(model=Path(model) if model is not None else None, **opts)


def empty_landmarks() -> np.ndarray:
    """A (33, 4) row of NaN: how a frame without a person is stored in a track."""
    return np.full((NUM_LANDMARKS, 4), np.nan, dtype=np.float32)
