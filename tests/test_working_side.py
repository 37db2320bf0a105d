"""What a coach is shown of hip extension agrees with the reps' measured peaks, on one leg too."""

from __future__ import annotations

import numpy as np

from formcheck.analysis import WORKING_HIP_EXTENSION, analyze_track
from formcheck.synth import SynthSpec, generate


def test_plotted_hip_extension_is_the_working_legs_on_single_leg_reps() -> None:
    clip = generate(SynthSpec(drill="single-leg-bridge", reps=2, camera="side-left", seed=2))
    analysis = analyze_track(clip.track, drill="single-leg-bridge")
    sig = analysis.signals
    reps = analysis.report.reps
    assert len(reps) == 2 and all(r.side in ("left", "right") for r in reps)
    for rep in reps:
        inside = (sig.t >= rep.start_s) & (sig.t < rep.end_s)
        shown = np.nanpercentile(sig[WORKING_HIP_EXTENSION][inside], 90)
        both = np.nanpercentile(sig["hip_extension_deg"][inside], 90)
        peak = rep.measures["peak_hip_extension_deg"]
        assert abs(shown - peak) < 3.0
        # the mean of both hips reads low with the free leg's hip flexed
        assert both < peak - 10.0


def test_two_leg_drills_show_both_sides() -> None:
    clip = generate(SynthSpec(drill="banded-bridge", reps=2, camera="side-left", seed=2))
    sig = analyze_track(clip.track, drill="banded-bridge").signals
    np.testing.assert_allclose(
        sig[WORKING_HIP_EXTENSION], sig["hip_extension_deg"], equal_nan=True
    )
