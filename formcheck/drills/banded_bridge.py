"""Serrano Banded Bridge (band over the hips) — CUES.md's second drill; the floor bridge."""

from __future__ import annotations

from formcheck.drills.base import Cue, Drill

DRILL = Drill(
    id="banded-bridge",
    name="Serrano Banded Bridge",
    segments="reps",
    description="A floor glute bridge with a band over the hips (any two-leg floor bridge).",
    cues=(
        Cue(
            id="sbb.hips_up",
            key_point="Drive hips up",
            check_text="peak hip extension ≥ {min_peak_hip_extension_deg}°",
            check="peak_hip_extension",
            params={"min_peak_hip_extension_deg": 165.0},
            needs=("hip_extension_deg",),
        ),
        Cue(
            id="sbb.intent",
            key_point="Intent matters (glute squeeze)",
            check_text="top pause ≥ {min_top_pause_s} s, as for slgb.squeeze_top",
            check="top_pause",
            params={"min_top_pause_s": 1.0},
            needs=("hip_extension_deg",),
        ),
        Cue(
            id="sbb.grab_glutes",
            key_point="Grab your own ass to enhance the mind body connection",
            check_text="hands-on-glutes signal for ≥ {min_fraction:pct} of the set (advice, not a fault)",
            check="hands_on_glutes",
            params={"min_fraction": 0.8},
            needs=("hands_on_glutes",),
            kind="advice",
            applies_to="set",
        ),
        Cue(
            id="sbb.knees_out",
            key_point="modification: mini band around the knees",
            check_text="knee gap ≥ {min_knee_gap_ratio} at the top of each rep",
            check="knee_gap_top",
            params={"min_knee_gap_ratio": 0.9},
            needs=("knee_gap",),
        ),
        Cue(
            id="sbb.ball_squeeze",
            key_point="modification: medicine ball between the knees",
            check_text="knee gap steady: its range within a rep ≤ {max_knee_gap_range}",
            check="knee_gap_steady",
            params={"max_knee_gap_range": 0.15},
            needs=("knee_gap",),
        ),
        Cue(
            id="sbb.band_setup",
            key_point="band tied, tension by moving back",
            check_text="coach check",
            kind="coach",
        ),
        Cue(id="sbb.manual", key_point="manual resistance", check_text="coach check", kind="coach"),
    ),
)
