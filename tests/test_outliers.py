"""Identity jumps are found and dropped; a bridge's own movement, a drop included, is not."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.outliers import drop_identity_jumps, identity_jumps
from formcheck.synth import Faults, SynthSpec, generate


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
