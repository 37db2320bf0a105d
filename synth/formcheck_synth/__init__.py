"""Synthetic pose tracks of the three drills, with faults on demand and their ground truth.

``generate(SynthSpec(drill=..., faults=Faults(...)))`` gives a `SynthClip`: the `PoseTrack` a
pose model would produce for a chosen camera, the `MotionPlan` that drove it, and the
`GroundTruth` of what every cue of the drill should say::

    from formcheck.pipeline import analyze_track
    from formcheck_synth import Faults, SynthSpec, generate

    clip = generate(SynthSpec(drill="single-leg-bridge", camera="oblique", reps=4,
                              faults=Faults(pelvis_tilt_deg=20, reps=(1, 2)), seed=3))
    report = analyze_track(clip.track, drill="single-leg-bridge").report
    clip.truth.expected("slgb.hips_level", 1)   # "fault" (rep 1), from the true motion

Modules: `spec` (what to generate), `schedule` and `motion` (the athlete's intent and the
`MotionPlan`), `skeleton` (the body's geometry), `blazepose` and `camera` (landmarks as a
phone and MediaPipe would see them), `tracks` (noise, dropouts, `generate`), `true_signals`,
`checks` and `truth` (ground truth from CUES.md), `render` (the rendered athlete, extra
``render``) and `cli` (`formcheck synth`). The accuracy benchmark's clips and tallies are the
benchmark's own: `benchmarks/synth_suite.py`, `benchmarks/borderline_suite.py`,
`benchmarks/scoring.py`. Conventions of the scene frame and angles: `motion`.

The names below are imported on first use, so that `formcheck --help`, which loads this
package's `cli` through its entry point, does not pay for the generator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formcheck_synth.motion import MotionPlan, plan_motion
    from formcheck_synth.schedule import PlannedPhase, PlannedSegment
    from formcheck_synth.spec import CAMERAS, DRILLS, Faults, LegLift, SynthSpec, Tempo
    from formcheck_synth.tracks import SynthClip, generate
    from formcheck_synth.truth import CueTruth, GroundTruth, SegmentTruth

#: public name -> the module that defines it
_HOMES = {
    "MotionPlan": "motion", "plan_motion": "motion",
    "PlannedPhase": "schedule", "PlannedSegment": "schedule",
    "CAMERAS": "spec", "DRILLS": "spec", "Faults": "spec", "LegLift": "spec",
    "SynthSpec": "spec", "Tempo": "spec",
    "SynthClip": "tracks", "generate": "tracks",
    "CueTruth": "truth", "GroundTruth": "truth", "SegmentTruth": "truth",
}  # fmt: skip

__all__ = [
    "CAMERAS", "DRILLS", "CueTruth", "Faults", "GroundTruth", "LegLift", "MotionPlan",
    "PlannedPhase", "PlannedSegment", "SegmentTruth", "SynthClip", "SynthSpec", "Tempo",
    "generate", "plan_motion",
]


def __getattr__(name: str) -> Any:  # lazy, as `formcheck.__getattr__`
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'formcheck_synth' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"formcheck_synth.{home}"), name)
    globals()[name] = value
    return value
