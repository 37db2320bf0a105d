"""Identity jumps: frames where the pose model briefly locked onto someone or something else.

MediaPipe sometimes puts the whole skeleton on another person, a reflection or a poster for a
few frames, then comes back. The hips, which barely move in a bridge between two frames, then
sit far from where the frames around them put them. `drop_identity_jumps` turns such frames
into missing ones (NaN), which the signals already treat as "not seen" and fill when short.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import replace

import numpy as np

from formcheck.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER
from formcheck.smoothing import running_median
from formcheck.track import PoseTrack

log = logging.getLogger(__name__)

#: the frames around each frame that say where its hips should be (each side)
WINDOW_S = 0.25
#: a frame whose hip centre is further than this from the window's median, in trunk lengths
#: (mid-hip to mid-shoulder in the image), is another pose. A bridge's fastest movement, a
#: drop onto the floor, moves the hips ~0.4 thigh lengths in 0.12 s, and its bottom lies
#: well inside this of the window's median; a jump to another person lies far outside
MAX_OFFSET_TRUNK = 0.5


def _centre(image: np.ndarray, a: int, b: int) -> np.ndarray:
    return 0.5 * (image[:, a, :2] + image[:, b, :2])


def identity_jumps(track: PoseTrack) -> np.ndarray:
    """(N,) True where the frame's pose jumped away from where its neighbours put it."""
    hips = _centre(track.image, LEFT_HIP, RIGHT_HIP)
    if len(track) < 3:
        return np.zeros(len(track), dtype=bool)
    trunk_len = np.linalg.norm(_centre(track.image, LEFT_SHOULDER, RIGHT_SHOULDER) - hips, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        trunk = float(np.nanmedian(trunk_len)) if np.isfinite(trunk_len).any() else np.nan
    if not np.isfinite(trunk) or trunk <= 0:
        return np.zeros(len(track), dtype=bool)
    half = max(1, int(round(WINDOW_S * track.fps)))
    off = np.linalg.norm(hips - running_median(hips, half), axis=1) / trunk
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
