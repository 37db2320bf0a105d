"""Synthetic pose tracks of the three drills, with faults on demand and their ground truth.

``generate(SynthSpec(drill=..., faults=Faults(...)))`` gives a `SynthClip`: the `PoseTrack` a
pose model would produce for a chosen camera, the `MotionPlan` that drove it, and the
`GroundTruth` of what every cue of the drill should say::

    from formcheck.analysis import analyze_track
    from formcheck.synth import Faults, SynthSpec, generate

    clip = generate(SynthSpec(drill="single-leg-bridge", camera="oblique", reps=4,
                              faults=Faults(pelvis_tilt_deg=20, reps=(1, 2)), seed=3))
    report = analyze_track(clip.track, drill="single-leg-bridge").report
    clip.truth.expected("slgb.hips_level", 1)   # "fault" (rep 1), from the true motion

Modules: `spec` (what to generate), `schedule` and `motion` (the athlete's intent and the
`MotionPlan`), `skeleton` (the body's geometry), `blazepose` and `camera` (landmarks as a
phone and MediaPipe would see them), `tracks` (noise, dropouts, `generate`), `true_signals`,
`checks` and `truth` (ground truth from CUES.md), `suite` and `scoring` (the accuracy
benchmark's clips and tallies). Conventions of the scene frame and angles: `motion`.
"""

from __future__ import annotations

from formcheck.synth.motion import MotionPlan, plan_motion
from formcheck.synth.schedule import PlannedPhase, PlannedSegment
from formcheck.synth.spec import CAMERAS, DRILLS, Faults, LegLift, SynthSpec, Tempo
from formcheck.synth.tracks import SynthClip, generate
from formcheck.synth.truth import CueTruth, GroundTruth, SegmentTruth

__all__ = [
    "CAMERAS", "DRILLS", "CueTruth", "Faults", "GroundTruth", "LegLift", "MotionPlan",
    "PlannedPhase", "PlannedSegment", "SegmentTruth", "SynthClip", "SynthSpec", "Tempo",
    "generate", "plan_motion",
]
