"""Identity jumps are found and dropped, swapped legs swapped back; a bridge's own movement, a
drop or a leg lifted past the other included, is neither."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.landmarks import LEFT_KNEE, RIGHT_KNEE, SIDE
from formcheck.outliers import (
    LEG_PARTS,
    drop_identity_jumps,
    identity_jumps,
    leg_swaps,
    untangle_leg_swaps,
)
from formcheck_synth import Faults, SynthSpec, generate


@pytest.mark.parametrize("camera", ["side-left", "oblique", "front-feet"])
def test_a_clean_bridge_has_no_jumps_even_when_it_drops(camera: str) -> None:
    spec = SynthSpec(drill="single-leg-bridge", camera=camera, seed=3, noise=0.005,
                     faults=Faults(drop=True))
    assert not identity_jumps(generate(spec).track).any()


def test_jumped_frames_are_found_and_made_missing() -> None:
    spec = SynthSpec(drill="banded-bridge", camera="side-left", seed=5, jump_rate=0.03)
    clip = generate(spec)
    base = generate(SynthSpec(drill="banded-bridge", camera="side-left", seed=5)).track
    moved = np.linalg.norm(clip.track.image[:, 23, :2] - base.image[:, 23, :2], axis=1) > 0.05
    found = identity_jumps(clip.track)
    assert found[moved].mean() > 0.8 and not found[~moved].any()
    cleaned = drop_identity_jumps(clip.track)
    assert np.isnan(cleaned.image[found]).all() and np.isfinite(cleaned.image[~found]).all()


@pytest.mark.parametrize("camera", ["side-left", "oblique", "front-feet"])
def test_a_clean_single_leg_bridge_has_no_leg_swaps(camera: str) -> None:
    """The lifted leg passing the working one is movement, not a swap."""
    spec = SynthSpec(drill="single-leg-bridge", camera=camera, seed=4, noise=0.005)
    assert not leg_swaps(generate(spec).track).any()


def test_legs_swapped_for_a_few_frames_get_their_names_back() -> None:
    """A single-leg bridge's lifted leg crossing the other, as MediaPipe swaps them 15° off the
    side (the rendered camera sweep): each leg returns to its own name, the rest untouched."""
    track = generate(SynthSpec(drill="single-leg-bridge", camera="side-left", seed=4)).track
    lifted = np.abs(track.image[:, LEFT_KNEE, 1] - track.image[:, RIGHT_KNEE, 1]) > 0.05
    start = int(np.flatnonzero(lifted)[len(np.flatnonzero(lifted)) // 2])
    frames = np.arange(start, start + 3)  # 0.1 s at 30 fps
    legs = [SIDE[s][p] for s in ("left", "right") for p in LEG_PARTS]
    mirror = [SIDE[s][p] for s in ("right", "left") for p in LEG_PARTS]
    image, world = track.image.copy(), track.world.copy()
    for arr in (image, world):
        rows = arr[frames]
        rows[:, legs] = rows[:, mirror]
        arr[frames] = rows
    swapped = replace(track, image=image, world=world)
    found = leg_swaps(swapped)
    assert set(np.flatnonzero(found)) == set(frames)
    fixed = untangle_leg_swaps(swapped)
    assert np.array_equal(fixed.image, track.image) and np.array_equal(fixed.world, track.world)
    assert untangle_leg_swaps(track) is track
