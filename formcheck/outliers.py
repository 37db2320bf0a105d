"""The pose model's brief gross errors, repaired before any signal is read from the track.

- **Identity jumps**: MediaPipe sometimes puts the whole skeleton on another person, a
  reflection or a poster for a few frames, then comes back. The hips, which barely move in a
  bridge between two frames, then sit far from where the frames around them put them.
  `drop_identity_jumps` turns such frames into missing ones (NaN), which the signals already
  treat as "not seen" and fill when short.
- **Leg swaps**: where one leg crosses the other (a single-leg bridge's lifted leg, seen a
  little off the side), MediaPipe gives each leg the other's name for a few frames.
  `untangle_leg_swaps` gives them back: a frame's legs are swapped where each then sits much
  nearer where the frames around it put that leg.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER, SIDE
from formcheck.smoothing import running_median
from formcheck.types import PoseTrack

log = logging.getLogger(__name__)

#: the frames around each frame that say where its hips should be (each side)
WINDOW_S = 0.25
#: a frame whose hip centre is further than this from the window's median, in trunk lengths
#: (mid-hip to mid-shoulder in the image), is another pose. A bridge's fastest movement, a
#: drop onto the floor, moves the hips ~0.4 thigh lengths in 0.12 s, and its bottom lies
#: well inside this of the window's median; a jump to another person lies far outside
MAX_OFFSET_TRUNK = 0.5


def _centre(image: NDArray[Any], a: int, b: int) -> NDArray[Any]:
    return np.asarray(0.5 * (image[:, a, :2] + image[:, b, :2]))


def _trunk_length(points: NDArray[Any]) -> float | None:
    """The clip's median trunk length (mid-shoulder to mid-hip) in ``points``' own units, the
    scale both repairs measure in; None when no frame shows it."""
    trunk_len = np.linalg.norm(
        _centre(points, LEFT_SHOULDER, RIGHT_SHOULDER) - _centre(points, LEFT_HIP, RIGHT_HIP), axis=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        trunk = float(np.nanmedian(trunk_len)) if np.isfinite(trunk_len).any() else np.nan
    return trunk if np.isfinite(trunk) and trunk > 0 else None


def _half_window(track: PoseTrack) -> int:
    """`WINDOW_S` in frames of ``track``."""
    return max(1, int(round(WINDOW_S * track.fps)))


def identity_jumps(track: PoseTrack) -> NDArray[Any]:
    """(N,) True where the frame's pose jumped away from where its neighbours put it."""
    hips = _centre(track.image, LEFT_HIP, RIGHT_HIP)
    trunk = _trunk_length(track.image)
    if len(track) < 3 or trunk is None:
        return np.zeros(len(track), dtype=bool)
    off = np.linalg.norm(hips - running_median(hips, _half_window(track)), axis=1) / trunk
    return np.where(np.isfinite(off), off > MAX_OFFSET_TRUNK, False)


def drop_identity_jumps(track: PoseTrack) -> PoseTrack:
    """The track with its identity-jump frames made missing (NaN landmarks)."""
    jumped = identity_jumps(track)
    if not jumped.any():
        return track
    log.debug("%d frames jumped to another pose; treated as not seen", int(jumped.sum()))
    image, world = track.image.copy(), track.world.copy()
    image[jumped] = np.nan
    world[jumped] = np.nan
    return replace(track, image=image, world=world)


#: the landmarks of each leg below the hip: the ones a crossing leg takes the name of
LEG_PARTS = ("knee", "ankle", "heel", "toe")
#: a swap is undone where it brings the two legs this much nearer (in trunk lengths, summed
#: over both legs' mean landmark distance) to where their neighbours put them. Legs side by
#: side gain nothing from a swap and are left alone; on the rendered camera sweep's 15°
#: single-leg bridges the swapped frames gain 0.5–1.5 trunk lengths
MIN_SWAP_GAIN_TRUNK = 0.3


def leg_swaps(track: PoseTrack) -> NDArray[Any]:
    """(N,) True where the frame's left and right legs sit where the frames around it put the
    other leg (module doc)."""
    n = len(track)
    if n < 3:
        return np.zeros(n, dtype=bool)
    px = track.image_px[:, :, :2].astype(np.float64)
    left = px[:, [SIDE["left"][p] for p in LEG_PARTS]]
    right = px[:, [SIDE["right"][p] for p in LEG_PARTS]]
    trunk = _trunk_length(px)
    if trunk is None:
        return np.zeros(n, dtype=bool)
    half = _half_window(track)
    shape = left.shape
    at_left = running_median(left.reshape(n, -1), half).reshape(shape)
    at_right = running_median(right.reshape(n, -1), half).reshape(shape)

    def off(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
        return np.asarray(np.nanmean(np.linalg.norm(a - b, axis=-1), axis=1))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gain = (off(left, at_left) + off(right, at_right)) - (off(left, at_right) + off(right, at_left))
    return np.where(np.isfinite(gain), gain / trunk > MIN_SWAP_GAIN_TRUNK, False)


def untangle_leg_swaps(track: PoseTrack) -> PoseTrack:
    """The track with each leg given its own name back where MediaPipe swapped them."""
    swapped = leg_swaps(track)
    if not swapped.any():
        return track
    log.debug("%d frames with the legs swapped; swapped back", int(swapped.sum()))
    pairs = [(SIDE["left"][p], SIDE["right"][p]) for p in LEG_PARTS]
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    image, world = track.image.copy(), track.world.copy()
    for arr in (image, world):
        rows = arr[swapped]
        rows[:, a + b] = rows[:, b + a]
        arr[swapped] = rows
    return replace(track, image=image, world=world)
