"""Importing mediapipe quietly, and turning its landmark lists into arrays."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from formcheck.errors import ModelError


def import_mediapipe() -> Any:
    """``import mediapipe`` with its C++ (glog/absl) and TensorFlow Lite chatter turned down.

    The environment variables only take effect before mediapipe's first import; a user who
    sets them differently keeps theirs.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import mediapipe as mp
    except ImportError as err:
        raise ModelError(
            f"mediapipe is not installed ({err}); install formcheck's dependencies"
        ) from None
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # absl comes with mediapipe; tolerate its absence
        pass
    logging.getLogger("mediapipe").setLevel(logging.WARNING)
    return mp


def to_array(landmarks: Any) -> np.ndarray:
    """(33, 4) float32 from a sequence of MediaPipe landmarks: x, y, z, visibility (NaN where
    the model left visibility unset, as the tasks API may)."""
    rows = [
        (p.x, p.y, p.z, p.visibility if p.visibility is not None else np.nan) for p in landmarks
    ]
    return np.array(rows, dtype=np.float32)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence what mediapipe's C++ side writes straight to file descriptor 2 while a graph
    starts (absl/glog warnings that no environment variable turns off). Python exceptions
    still carry the errors; with ``FORMCHECK_DEBUG_NATIVE=1`` nothing is hidden."""
    if os.environ.get("FORMCHECK_DEBUG_NATIVE") == "1":
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (embedded interpreters, some test runners)
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
