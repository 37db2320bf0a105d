"""Plain words for each cue of CUES.md: the article's key point and what a fault means.

The renderings (HTML report, annotated video, CSV) name a cue in the coach's words rather than
by its id. The key point comes from the drill definitions when they are available
(``formcheck.drills.get_drill``) and from the table below otherwise; the fault line is what the
annotated video shows on screen while the fault is happening.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class CueWords:
    cue_id: str
    #: the article's key point ("Drive hips up to bridge position")
    key_point: str
    #: a short on-screen line for a fault ("Hips not fully up")
    fault: str
    #: the signal a plot of this cue's fault spans belongs on, if any
    signal: str | None = None


def _w(cue_id: str, key_point: str, fault: str, signal: str | None = None) -> CueWords:
    return CueWords(cue_id=cue_id, key_point=key_point, fault=fault, signal=signal)


_TABLE: dict[str, CueWords] = {
    w.cue_id: w
    for w in (
        _w("slgb.hips_up", "Drive hips up to bridge position", "Drive the hips all the way up", "hip_extension_deg"),
        _w("slgb.squeeze_top", "Squeeze glute at top", "Pause and squeeze at the top", "hip_extension_deg"),
        _w("slgb.slow_down", "Slow on the way down", "Lower slower", "bridge_height"),
        _w("slgb.touch_ground", "Touch your butt on the ground", "Touch the butt down", "bridge_height"),
        _w("slgb.not_your_bone", "…but not your bone", "Don't drop or rest on the floor", "bridge_height"),
        _w("slgb.hips_level", "Hips stay level on one leg", "Keep the hips level", "pelvic_tilt_deg"),
        _w("slgb.arms_crossed", "Arms crossed", "Cross the arms"),
        _w("slgb.force_down", "Force pushed straight down (kettlebell not moving)", "Push straight down: the support is moving"),
        _w("slgb.shoes_off", "Shoes off", "Shoes off"),
        _w("slgb.drive_toe", "Drive toe down into the kettlebell", "Drive the toe down"),
        _w("sbb.hips_up", "Drive hips up", "Drive the hips all the way up", "hip_extension_deg"),
        _w("sbb.intent", "Intent matters (squeeze the glutes)", "Pause and squeeze at the top", "hip_extension_deg"),
        _w("sbb.grab_glutes", "Grab your own ass to enhance the mind body connection", "Try hands on the glutes"),
        _w("sbb.knees_out", "Mini band around the knees: knees out", "Push the knees out", "knee_gap"),
        _w("sbb.ball_squeeze", "Medicine ball between the knees: keep squeezing", "Keep squeezing the ball", "knee_gap"),
        _w("sbb.band_setup", "Band tied, tension by moving back", "Band set-up"),
        _w("sbb.manual", "Manual resistance", "Manual resistance"),
        _w("tth.setup", "Shoulders on bench, feet flat on ground", "Shoulders on the bench, feet flat"),
        _w("tth.head_neutral", "Keep the head NEUTRAL", "Head neutral", "head_neck_deg"),
        _w("tth.hold_top", "Hold the bridge position while squeezing glutes at the top", "Hips up: hold the bridge", "hip_extension_deg"),
        _w("tth.duration", "10–20 seconds; work up to 2 minutes", "Hold longer"),
        _w("tth.ball_squeeze", "Hold med ball between knees, constantly squeezing", "Keep squeezing the ball", "knee_gap"),
        _w("tth.leg_lift", "Lift one leg an inch off the ground", "Lift one leg an inch"),
        _w("tth.hips_stay_up", "Making sure hips stay up (one leg lifted)", "Hips sagging: keep them up", "hip_extension_deg"),
        _w("tth.heel_up", "Come up on the toe, heel off the ground", "Heel up: come onto the toe"),
    )
}  # fmt: skip


@cache
def _drill_key_points() -> dict[str, str]:
    """Key points as the drill definitions word them, when the drills package is present."""
    try:
        from formcheck.drills import get_drill  # type: ignore[attr-defined]
    except ImportError:
        return {}
    out: dict[str, str] = {}
    for drill_id in ("single-leg-bridge", "banded-bridge", "table-top"):
        try:
            for cue in get_drill(drill_id).cues:
                text = getattr(cue, "key_point", "")
                if text:
                    out[str(cue.id)] = str(text)
        except (KeyError, ValueError, AttributeError) as err:  # a drill not defined yet
            log.debug("no key points for %s: %s", drill_id, err)
    return out


def cue_words(cue_id: str) -> CueWords:
    """The words for ``cue_id``; an unknown id gets readable words made from the id itself."""
    known = _TABLE.get(cue_id)
    key_point = _drill_key_points().get(cue_id)
    if known is not None:
        return known if not key_point else _w(cue_id, key_point, known.fault, known.signal)
    label = cue_id.split(".")[-1].replace("_", " ").capitalize()
    return _w(cue_id, key_point or label, label)
