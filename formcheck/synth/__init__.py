"""Synthetic pose tracks of the three drills, with faults on demand and their ground truth.

``generate(SynthSpec(drill=..., faults=Faults(...)))`` gives a `SynthClip`: the `PoseTrack` a
pose model would produce for a chosen camera, the `MotionPlan` that drove it, and the
`GroundTruth` of what every cue of the drill should say.
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
