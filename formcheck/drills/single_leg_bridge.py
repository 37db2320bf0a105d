"""Single Leg Glute Bridge (foot on a kettlebell, arms crossed) — CUES.md's first drill.

Judged as reps; a floor bridge held (hips up and still ≥ 2 s) is also a hold segment with its
one-leg phases, which ``slgb.leg_lift`` and ``slgb.hips_stay_up`` report and judge
(`formcheck.segment`, "Holds on the floor").
"""

from __future__ import annotations

from formcheck.cues import body, ground, holds, tempo
from formcheck.drills.base import Cue, Drill

DRILL = Drill(
    id="single-leg-bridge",
    name="Single Leg Glute Bridge",
    segments="reps",
    single_leg=True,
    description="One foot on a kettlebell, the other leg off the floor, arms crossed.",
    cues=(
        Cue(
            id="slgb.hips_up",
            key_point="Drive hips up to bridge position",
            fault_words="Drive the hips all the way up",
            plot_signal="hip_extension_deg",
            check_text="peak hip extension of the rep ≥ {min_peak_hip_extension_deg}°",
            check=tempo.peak_hip_extension,
            params={"min_peak_hip_extension_deg": 165.0},
            plot_lines={"hip_extension_deg": "min_peak_hip_extension_deg"},
            needs=("hip_extension_deg",),
        ),
        Cue(
            id="slgb.squeeze_top",
            key_point="Squeeze glute at top",
            fault_words="Pause and squeeze at the top",
            plot_signal="hip_extension_deg",
            check_text=(
                "time within {segment.top_band_deg}° of the rep's peak ≥ {min_top_pause_s} s"
            ),
            check=tempo.top_pause,
            params={"min_top_pause_s": 1.0},
            needs=("hip_extension_deg",),
        ),
        Cue(
            id="slgb.slow_down",
            key_point="Slow on the way down",
            fault_words="Lower slower",
            plot_signal="bridge_height",
            check_text="lowering time ≥ {min_lower_s} s and ≥ {min_lower_to_lift_ratio} × lifting time",
            check=tempo.slow_lowering,
            params={"min_lower_s": 1.5, "min_lower_to_lift_ratio": 1.0},
            needs=("bridge_height",),
        ),
        Cue(
            id="slgb.touch_ground",
            key_point="touch your butt on the ground",
            fault_words="Touch the butt down",
            plot_signal="bridge_height",
            check_text="bridge height at the bottom returns to ≤ {max_bottom_fraction:pct} of the rep's range",
            check=ground.bottom_return,
            params={"max_bottom_fraction": 0.15, "max_ground_level_thigh": 0.15},
            needs=("bridge_height",),
        ),
        Cue(
            id="slgb.not_your_bone",
            key_point="but not your bone",
            fault_words="Don't drop or rest on the floor",
            plot_signal="bridge_height",
            check_text=(
                "no drop: downward hip speed in the last {contact_window_s} s before contact ≤ "
                "{max_contact_speed_thigh_per_s} thigh lengths/s, and no resting: time on the ground "
                "between reps ≤ {max_ground_rest_s} s"
            ),
            check=ground.no_drop_no_rest,
            params={
                "max_contact_speed_thigh_per_s": 0.5,
                "contact_window_s": 0.2,
                "max_ground_rest_s": 1.0,
            },
            needs=("bridge_height",),
        ),
        Cue(
            id="slgb.hips_level",
            key_point="hips stay level on one leg",
            fault_words="Keep the hips level",
            plot_signal="pelvic_tilt_deg",
            check_text="pelvic tilt ≤ {max_pelvic_tilt_deg}° through the rep",
            check=body.pelvic_tilt,
            params={"max_pelvic_tilt_deg": 10.0},
            plot_lines={"pelvic_tilt_deg": "max_pelvic_tilt_deg"},
            needs=("pelvic_tilt_deg",),
        ),
        Cue(
            id="slgb.arms_crossed",
            key_point="Arms crossed",
            fault_words="Cross the arms",
            check_text="arms-crossed signal true for ≥ {min_fraction:pct} of the rep",
            check=body.arms_crossed,
            params={"min_fraction": 0.9},
            needs=("arms_crossed",),
        ),
        Cue(
            id="slgb.force_down",
            key_point="force … pushed straight down (the kettlebell not moving)",
            fault_words="Push straight down: the support is moving",
            check_text="support-foot drift ≤ {max_support_drift_shin} shin lengths per rep",
            check=body.support_drift,
            params={"max_support_drift_shin": 0.15},
            needs=("support_drift",),
        ),
        # a floor bridge held (CUES.md, "When the clip is not what a drill expects"): hips up
        # and still ≥ segment.floor_hold_min_s is a hold; its one-leg phases are reported and
        # judged as the table top's (tth.leg_lift, tth.hips_stay_up), with the same thresholds
        Cue(
            id="slgb.leg_lift",
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
            id="slgb.hips_stay_up",
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
            id="slgb.shoes_off",
            key_point="Shoes off",
            fault_words="Shoes off",
            check_text="coach check",
            kind="coach",
        ),
        Cue(
            id="slgb.drive_toe",
            key_point="Drive toe down into the kettlebell",
            fault_words="Drive the toe down",
            check_text="coach check",
            kind="coach",
        ),
    ),
)
