"""A borderline suite: one fault per clip, its magnitude near its cue's threshold.

The randomised suite (`benchmarks/synth_suite.py`) keeps clear-cut clips only, so that its figures
measure the engine and not coin flips. This one shows the margins instead: each clip carries
one fault drawn so that the true value of the cue it moves lands within ±20 % of the cue's
threshold (`BAND`: the truth's ``margin``, the signed distance from the threshold as a fraction
of it; a hip angle's is of its bend from straight, 15° for 165°). Only those verdicts are
scored. Its figures are reported, not required to be perfect: near a threshold both the noise
and the engine's own estimates decide.

Cues whose faults have no magnitude in `formcheck_synth.spec.Faults` (arms crossed, hands on
the glutes, a drop onto the floor) or that report without judging are not in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from synth_suite import MAX_REDRAWS, Draw, _u, random_spec

from formcheck_synth.spec import CAMERAS, DRILLS, Faults, LegLift, SynthSpec
from formcheck_synth.tracks import SynthClip, generate

log = logging.getLogger(__name__)

#: a verdict is borderline when its true value is within this fraction of its threshold
BAND = 0.2
_SO, _FO, _S, _F, _O = ("side", "oblique"), ("front", "oblique"), ("side",), ("front",), (
    "oblique",)


@dataclass(frozen=True)
class Border:
    """A fault drawn near its cue's threshold: the cue (without the drill's prefix), the
    draw of its magnitude (spanning the band, from the truth's measured response), and the
    view classes where the cue is judged."""

    cue: str
    draw: Draw
    views: tuple[str, ...]


def _knee(r: np.random.Generator) -> dict[str, object]:
    """Near the low end (80°) or the high end (110°) of the knee range."""
    return {"knee_angle_deg": _u(r, 66, 96) if r.uniform() < 0.5 else _u(r, 92, 132)}


#: drill -> fault -> its borderline draw
BORDERS: dict[str, dict[str, Border]] = {
    "single-leg-bridge": {
        "hips_short": Border("hips_up", lambda r: {"extension_short_deg": _u(r, 11, 20)}, _SO),
        "no_pause": Border("squeeze_top", lambda r: {"top_pause_s": _u(r, 0.15, 0.6)}, _SO),
        "fast_lower": Border("slow_down", lambda r: {"lower_s": _u(r, 1.6, 2.8)}, _SO),
        "long_rest": Border("not_your_bone", lambda r: {"bottom_rest_s": _u(r, 0.4, 1.0)}, _SO),
        "hover": Border("touch_ground", lambda r: {"bottom_gap_frac": _u(r, 0.09, 0.16)}, _SO),
        "hip_drop": Border("hips_level", lambda r: {"pelvis_tilt_deg": _u(r, 9.5, 15.5)}, _FO),
        "foot_slides": Border("force_down", lambda r: {"support_slide_shin": _u(r, 0.11, 0.19)},
                              _S),
    },
    "banded-bridge": {
        "hips_short": Border("hips_up", lambda r: {"extension_short_deg": _u(r, 9, 21)}, _SO),
        "no_pause": Border("intent", lambda r: {"top_pause_s": _u(r, 0.0, 0.5),
                                                "lower_s": _u(r, 1.4, 2.0)}, _SO),
        "knees_cave": Border("knees_out", lambda r: {"knee_gap_ratio": _u(r, 0.7, 1.1)}, _F),
        "no_squeeze": Border("ball_squeeze", lambda r: {"knee_gap_wobble": _u(r, 0.09, 0.17)},
                             _F),
    },
    "table-top": {
        "head": Border("head_neutral", lambda r: {
            "head_pitch_deg": float(r.choice([-1, 1])) * _u(r, 17, 27)}, _S),
        "knee_angle": Border("hold_top", _knee, _SO),
        "hips_short": Border("hold_top", lambda r: {"extension_short_deg": _u(r, 5, 11.5)}, _SO),
        "off_bench": Border("setup", lambda r: {"shoulder_height_m": _u(r, 0.17, 0.25)}, _SO),
        "heels_up": Border("setup", lambda r: {"heels_up_cm": _u(r, 1.9, 3.1)}, _SO),
        "no_squeeze": Border("ball_squeeze", lambda r: {"knee_gap_wobble": _u(r, 0.09, 0.17)},
                             _F),
        "sag": Border("hips_stay_up", lambda r: {"hip_sag_deg": _u(r, 3.2, 5.3)}, _SO),
        "tilt": Border("hips_stay_up", lambda r: {"pelvis_tilt_deg": _u(r, 7.8, 12.2)}, _O),
        "toe_low": Border("heel_up", lambda r: {"toe_heel_cm": _u(r, 2.3, 3.7)}, _SO),
    },
}
#: table-top faults judged in single-leg phases, and the one asking for the toe variant
_NEEDS_LIFT = {"sag", "tilt", "toe_low"}


def _prefix(drill: str) -> str:
    return {"single-leg-bridge": "slgb", "banded-bridge": "sbb", "table-top": "tth"}[drill]


def border_cue(drill: str, fault: str) -> str:
    """The cue id a borderline fault of ``drill`` moves (e.g. ``"tth.setup"``)."""
    return f"{_prefix(drill)}.{BORDERS[drill][fault].cue}"


def _table_top(spec: SynthSpec, fault: str, rng: np.random.Generator) -> SynthSpec:
    """Single-leg phases where the fault needs them; the toe variant only for ``toe_low``
    (and never with heels up: that is the toe variant's own pose)."""
    lifts = spec.leg_lifts
    if fault in _NEEDS_LIFT and not lifts:
        lifts = (LegLift(side=str(rng.choice(["left", "right"])), at_s=_u(rng, 2.0, 3.0),
                         duration_s=_u(rng, 1.5, 3.0), height_cm=_u(rng, 5, 9)),)
    hold_s = max(spec.hold_s, max((x.at_s + x.duration_s for x in lifts), default=0.0) + 2.5)
    return replace(spec, leg_lifts=lifts, hold_s=hold_s, toe_variant=fault == "toe_low")


def borderline_spec(seed: int, drill: str, camera: str, fault: str) -> SynthSpec:
    """A random clip of ``drill`` from ``camera`` (as the randomised suite draws them) whose one
    fault is ``fault``, drawn near its threshold."""
    rng = np.random.default_rng([seed, 2025])
    spec = random_spec(seed, drill, camera)
    spec = replace(spec, faults=Faults(**BORDERS[drill][fault].draw(rng)))  # type: ignore[arg-type]
    return _table_top(spec, fault, rng) if drill == "table-top" else spec


def in_band(clip: SynthClip, cue_id: str) -> list[int | None]:
    """Segments (indices) where ``cue_id``'s true value lies within `BAND` of its threshold."""
    return [c.segment for c in clip.truth.cues
            if c.cue_id == cue_id and c.margin is not None and abs(c.margin) <= BAND]


@dataclass(frozen=True)
class BorderClip:
    clip: SynthClip
    #: the cue the fault moves, and its borderline segments
    cue_id: str
    segments: tuple[int | None, ...]


def borderline_clip(seed: int, drill: str, camera: str, fault: str) -> BorderClip | None:
    """The first clip from ``seed`` onward with a verdict of the fault's cue in the band."""
    cue_id = border_cue(drill, fault)
    for k in range(MAX_REDRAWS):
        clip = generate(borderline_spec(seed * 100 + k, drill, camera, fault))
        near = in_band(clip, cue_id)
        if near:
            return BorderClip(clip=clip, cue_id=cue_id, segments=tuple(near))
        log.debug("seed %d draw %d: no %s verdict near its threshold; redrawing", seed, k,
                  cue_id)
    return None


def _faults_seen_from(drill: str, camera: str) -> list[str]:
    view = "side" if camera.startswith("side") else ("oblique" if camera == "oblique" else "front")
    return [f for f, b in BORDERS[drill].items() if view in b.views]


def borderline_suite(n: int = 150, base_seed: int = 0) -> Iterator[BorderClip]:
    """``n`` borderline clips from fixed seeds, cycling through drills, cameras and the faults
    each camera can judge."""
    made, i = 0, 0
    combos = len(DRILLS) * len(CAMERAS)
    while made < n:
        drill, camera = DRILLS[i % len(DRILLS)], CAMERAS[(i // len(DRILLS)) % len(CAMERAS)]
        faults = _faults_seen_from(drill, camera)
        seed, visit = base_seed + i, i // combos  # the visit-th time at this drill and camera
        i += 1
        found = borderline_clip(seed, drill, camera, faults[visit % len(faults)])
        if found is not None:
            made += 1
            yield found
