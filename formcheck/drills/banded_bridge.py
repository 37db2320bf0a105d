"""Serrano Banded Bridge (band over the hips) — CUES.md's second drill; the floor bridge.

Judged as reps; a floor bridge held (hips up and still ≥ 2 s, e.g. a marching bridge) is also a
hold segment with its one-leg phases, which ``sbb.leg_lift`` and ``sbb.hips_stay_up`` report
and judge (`formcheck.segment`, "Holds on the floor").
"""

from __future__ import annotations

from formcheck.cues import body, holds, tempo
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
            fault_words="Drive the hips all the way up",
            plot_signal="hip_extension_deg",
            check_text="peak hip extension ≥ {min_peak_hip_extension_deg}°",
            check=tempo.peak_hip_extension,
            params={"min_peak_hip_extension_deg": 165.0},
            plot_lines={"hip_extension_deg": "min_peak_hip_extension_deg"},
            needs=("hip_extension_deg",),
        ),
        Cue(
            id="sbb.intent",
            key_point="Intent matters (glute squeeze)",
            fault_words="Pause and squeeze at the top",
            plot_signal="hip_extension_deg",
            check_text="top pause ≥ {min_top_pause_s} s, as for slgb.squeeze_top",
            check=tempo.top_pause,
            params={"min_top_pause_s": 1.0},
            needs=("hip_extension_deg",),
        ),
        Cue(
            id="sbb.grab_glutes",
            key_point="Grab your own ass to enhance the mind body connection",
            fault_words="Try hands on the glutes",
            check_text="hands-on-glutes signal for ≥ {min_fraction:pct} of the set (advice, not a fault)",
            check=body.hands_on_glutes,
            params={"min_fraction": 0.8},
            needs=("hands_on_glutes",),
            kind="advice",
            applies_to="set",
        ),
        Cue(
            id="sbb.knees_out",
            key_point="modification: mini band around the knees",
            fault_words="Push the knees out",
            plot_signal="knee_gap",
            check_text="knee gap ≥ {min_knee_gap_ratio} at the top of each rep",
            check=body.knee_gap_top,
            params={"min_knee_gap_ratio": 0.9},
            needs=("knee_gap",),
        ),
        Cue(
            id="sbb.ball_squeeze",
            key_point="modification: medicine ball between the knees",
            fault_words="Keep squeezing the ball",
            plot_signal="knee_gap",
            check_text="knee gap steady: its range within a rep ≤ {max_knee_gap_range}",
            check=body.knee_gap_steady,
            params={"max_knee_gap_range": 0.15},
            needs=("knee_gap",),
        ),
        # a floor bridge held (CUES.md, "When the clip is not what a drill expects"): hips up
        # and still ≥ segment.floor_hold_min_s is a hold; its one-leg phases are reported and
        # judged as the table top's (tth.leg_lift, tth.hips_stay_up), with the same thresholds
        Cue(
            id="sbb.leg_lift",
            key_point="A floor bridge held: one leg lifted",
            fault_words="One leg lifted",
            check_text=(
                "in a hold (hips up and still ≥ {segment.floor_hold_min_s} s), a foot lifted "
                "≥ {segment.min_foot_lift_cm} cm is a one-leg phase; report its side and duration"
            ),
            check=holds.leg_lift,
            needs=("foot_lift_left_cm",),
            kind="info",
            applies_to="single_leg",
        ),
        Cue(
            id="sbb.hips_stay_up",
            key_point="A floor bridge held: hips stay up on one leg",
            fault_words="Hips sagging: keep them up",
            plot_signal="hip_extension_deg",
            check_text=(
                "during a one-leg phase of a hold, hip extension falls ≤ {max_hip_drop_deg}° "
                "below the two-leg level and pelvic tilt ≤ {max_pelvic_tilt_deg}°"
            ),
            check=holds.hips_stay_up,
            params={"max_hip_drop_deg": 5.0, "max_pelvic_tilt_deg": 10.0},
            plot_lines={"pelvic_tilt_deg": "max_pelvic_tilt_deg"},
            # judged where the view shows hip extension; pelvic tilt joins when it shows that too
            needs=("hip_extension_deg",),
            applies_to="single_leg",
        ),
        Cue(
            id="sbb.band_setup",
            key_point="band tied, tension by moving back",
            fault_words="Band set-up",
            check_text="coach check",
            kind="coach",
        ),
        Cue(
            id="sbb.manual",
            key_point="manual resistance",
            fault_words="Manual resistance",
            check_text="coach check",
            kind="coach",
        ),
    ),
)
