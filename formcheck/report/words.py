"""Plain words for each cue of CUES.md: the article's key point and what a fault means.

The renderings (HTML report, annotated video, CSV, live overlay) name a cue in the coach's words
rather than by its id. The key point comes from the drill definitions (``formcheck/drills/``,
the one place it is written); the fault line below is what the annotated video shows on screen
while the fault is happening.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, kw_only=True)
class CueWords:
    cue_id: str
    #: the article's key point ("Drive hips up to bridge position")
    key_point: str
    #: a short on-screen line for a fault ("Hips not fully up")
    fault: str
    #: the signal a plot of this cue's fault spans belongs on, if any
    signal: str | None = None


#: cue id -> (the on-screen line for its fault, the plotted signal its fault spans belong on)
_FAULT_WORDS: dict[str, tuple[str, str | None]] = {
    "slgb.hips_up": ("Drive the hips all the way up", "hip_extension_deg"),
    "slgb.squeeze_top": ("Pause and squeeze at the top", "hip_extension_deg"),
    "slgb.slow_down": ("Lower slower", "bridge_height"),
    "slgb.touch_ground": ("Touch the butt down", "bridge_height"),
    "slgb.not_your_bone": ("Don't drop or rest on the floor", "bridge_height"),
    "slgb.hips_level": ("Keep the hips level", "pelvic_tilt_deg"),
    "slgb.arms_crossed": ("Cross the arms", None),
    "slgb.force_down": ("Push straight down: the support is moving", None),
    "slgb.shoes_off": ("Shoes off", None),
    "slgb.drive_toe": ("Drive the toe down", None),
    "sbb.hips_up": ("Drive the hips all the way up", "hip_extension_deg"),
    "sbb.intent": ("Pause and squeeze at the top", "hip_extension_deg"),
    "sbb.grab_glutes": ("Try hands on the glutes", None),
    "sbb.knees_out": ("Push the knees out", "knee_gap"),
    "sbb.ball_squeeze": ("Keep squeezing the ball", "knee_gap"),
    "sbb.band_setup": ("Band set-up", None),
    "sbb.manual": ("Manual resistance", None),
    "tth.setup": ("Shoulders on the bench, feet flat", None),
    "tth.head_neutral": ("Head neutral", "head_neck_deg"),
    "tth.hold_top": ("Hips up: hold the bridge", "hip_extension_deg"),
    "tth.duration": ("Hold longer", None),
    "tth.ball_squeeze": ("Keep squeezing the ball", "knee_gap"),
    "tth.leg_lift": ("Lift one leg an inch", None),
    "tth.hips_stay_up": ("Hips sagging: keep them up", "hip_extension_deg"),
    "tth.heel_up": ("Heel up: come onto the toe", None),
}  # fmt: skip


@cache
def _key_points() -> dict[str, str]:
    """The article's words for every cue, from the drill definitions (the one place they live)."""
    from formcheck.drills import all_cues

    return {cue.id: cue.key_point for cue in all_cues()}


def cue_words(cue_id: str) -> CueWords:
    """The words for ``cue_id``; an unknown id gets readable words made from the id itself."""
    label = cue_id.split(".")[-1].replace("_", " ").capitalize()
    fault, signal = _FAULT_WORDS.get(cue_id, (label, None))
    return CueWords(
        cue_id=cue_id, key_point=_key_points().get(cue_id, label), fault=fault, signal=signal
    )
