"""`--drill auto`: is the clip one of the three drills, and which one?

First, is it a bridge at all? Each of these checks scores the clip from 1 (as a bridge drill
looks) to 0 (clearly not), on a ramp between two values of a posture signal (`signals.py`),
so a clip near a limit gets a middling score rather than a confident answer:

- **upright**: the trunk's median elevation above the floor; a standing or sitting body is
  upright, a bridge lies (a floor bridge's top is 20–45° up, a table top's ~0°);
- **on the side**: the median tilt of the shoulder and hip lines out of the floor; 0° on the
  back, 90° on the side (a clamshell); a camera raised 30° tilts a supine body's lines ~30–35°
  in the world landmarks, so the ramp starts at 40°;
- **hands overhead**: the wrists past the shoulders, the shoulders pushed up off them and the
  hips far above the shoulders while the hips are up (a wheel or back bend; a table top's arms
  may reach overhead on the bench, but its hips are level with the shoulders at the top);
- **trunk rises**: the shoulders rise off the feet's level while the hips do not (a crunch, a
  sit-up); a bridge moves the hips at least as far as the shoulders;
- **hips never rise**: the hips move less than `MIN_HIP_RISE` thigh lengths against the
  shoulders and are not held up either (a pelvic tilt, a dead bug).

The lowest score is the clip's bridge likeness. Below one half the answer is "none of the
three drills" with the failing checks' reasons; its confidence is one minus the likeness.

Then, which drill, looked at only while the hips are up (the top third of the clip's hip-lift
range, or the whole clip when the hips never move but are extended, as in a hold filmed from
the top):

- shoulders on a bench: the shoulders sit ≥ ``TABLE_TOP_MIN_SHOULDER_TRUNK`` trunk lengths above
  the lower heel → table top;
- a foot on a raised support (the lower foot ≥ ``RAISED_FOOT_MIN_THIGH`` thigh lengths above the
  shoulders' floor level) or one leg lifted (feet ≥ ``LIFTED_FOOT_MIN_THIGH`` apart in height)
  → single-leg bridge;
- otherwise a floor bridge → banded bridge.

The drill's confidence is the fraction of hips-up frames that agree, times the bridge
likeness.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.signals import Signals

TABLE_TOP_MIN_SHOULDER_TRUNK = 0.3
RAISED_FOOT_MIN_THIGH = 0.3
LIFTED_FOOT_MIN_THIGH = 0.4
MIN_HIP_RANGE_THIGH = 0.2
STILL_MIN_HIP_EXTENSION_DEG = 150.0

#: the id of the answer "none of the three drills"
NOT_A_BRIDGE = "none"

#: (fully bridge-like, clearly not) ends of each check's ramp, in its signal's units.
#: upright: median trunk elevation (deg); bridges measured ≤ 48° (a foot-end view, whose
#: world depth flattens less well), standing ~90°
UPRIGHT_DEG = (55.0, 75.0)
#: on the side: median shoulder/hip-line tilt (deg); supine clips 1–18° level, 28–36° from a
#: camera raised 30°; the side-lying clamshell 72°
ON_SIDE_DEG = (40.0, 60.0)
#: hips never rise: hip-lift range (3rd–97th percentile, thigh lengths); bridges 0.29–1.0,
#: a pelvic tilt 0.02, a dead bug 0.06
MIN_HIP_RISE = (0.2, 0.1)
#: a hold instead: the fraction of frames with the hips held up
HELD_UP_FRACTION = (0.6, 0.3)
#: …with the hips this far above the shoulders' floor line (thigh lengths: a floor bridge's
#: top is 0.3–0.8) or, on a bench, extended this far
HELD_UP_MIN_LIFT_THIGH = 0.2
#: trunk rises: hips' rise over the shoulders' rise above the feet, once the shoulders rise
#: at least ``TRUNK_RISE_MIN_THIGH``; bridges measured ≥ 0.95, a crunch lifts the shoulders alone
TRUNK_RISE_RATIO = (0.8, 0.4)
TRUNK_RISE_MIN_THIGH = 0.2
#: hands overhead: the fraction of hips-up frames in a wheel-like pose
OVERHEAD_FRACTION = (0.2, 0.5)
#: …wrists ≥ this many trunk lengths past the shoulders, shoulders ≥ this far above them
#: (floor bridges' arms: 0.2–0.3 below, body thickness), hips ≥ this far above the shoulders
OVERHEAD_WRISTS_TRUNK = 0.5
OVERHEAD_SHOULDERS_UP_TRUNK = 0.5
OVERHEAD_HIPS_UP_THIGH = 0.3
#: below this likeness the clip is not a bridge drill
MIN_LIKENESS = 0.5

#: what each failed check tells the user, in the order they are given
REASONS: dict[str, str] = {
    "upright": "no one lies on their back: the body is upright (standing or sitting)",
    "on_side": "the athlete lies on the side, not on the back",
    "hands_overhead": "the hands are on the floor overhead (a wheel or back bend)",
    "trunk_rises": "the trunk rises instead of the hips (a crunch or sit-up)",
    "hips_never_rise": "the hips never rise off the floor",
}


@dataclass(frozen=True, kw_only=True)
class Recognition:
    """What `recognize_drill` found: a drill id (or `NOT_A_BRIDGE`), how sure, and why not."""

    drill: str
    confidence: float
    #: how much the clip looks like a bridge drill at all (0..1)
    likeness: float = 1.0
    #: the reasons the clip does not look like a bridge drill (words for the user), if any
    not_a_bridge: tuple[str, ...] = ()

    @property
    def is_bridge(self) -> bool:
        return self.drill != NOT_A_BRIDGE


def _ramp(value: float, ends: tuple[float, float]) -> float:
    """1 at ``ends[0]`` (bridge-like), 0 at ``ends[1]``, linear between; 1 for NaN (unseen)."""
    good, bad = ends
    if not np.isfinite(value):
        return 1.0
    return float(np.clip((value - bad) / (good - bad), 0.0, 1.0))


def _median(x: NDArray[Any]) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _range(x: NDArray[Any]) -> float:
    x = x[np.isfinite(x)]
    if x.size < 3:
        return float("nan")
    lo, hi = np.percentile(x, [3.0, 97.0])
    return float(hi - lo)


def _hips_up(sig: Signals) -> NDArray[Any]:
    """Frames with the hips up: the top third of the hip-lift range, or all frames when the
    hips stay still (a hold filmed from the start); none when nothing is measurable."""
    lift = sig["hip_lift"]
    ok = np.isfinite(lift)
    if ok.sum() < 3:
        return np.zeros_like(ok)
    lo, hi = np.percentile(lift[ok], [3.0, 97.0])
    if hi - lo < MIN_HIP_RANGE_THIGH:  # still hips: up only if the hips are extended
        ext = sig["hip_extension_deg"]
        still_up = ok & np.isfinite(ext) & (ext >= STILL_MIN_HIP_EXTENSION_DEG)
        return still_up if still_up.sum() >= 0.5 * ok.sum() else np.zeros_like(ok)
    return np.asarray(ok & (lift >= lo + (hi - lo) * 2.0 / 3.0))


def _fraction(mask: NDArray[Any], where: NDArray[Any]) -> float:
    where = where & np.isfinite(mask)
    return float(np.mean(mask[where] > 0.5)) if where.any() else float("nan")


def bridge_checks(sig: Signals) -> dict[str, float]:
    """Each check's score, 1 = as a bridge drill looks, 0 = clearly not (see the docstring)."""
    lift = sig["hip_lift"]
    if not np.isfinite(lift).any() and not np.isfinite(sig["trunk_upright_deg"]).any():
        return {}  # nobody seen: the "no person" answer, not this one
    scores = {
        "upright": _ramp(_median(sig["trunk_upright_deg"]), UPRIGHT_DEG),
        "on_side": _ramp(_median(sig["body_roll_deg"]), ON_SIDE_DEG),
    }
    # hands on the floor overhead, while the hips are up
    up = _hips_up(sig) if np.isfinite(lift).sum() >= 3 else np.zeros(len(sig), bool)
    with np.errstate(invalid="ignore"):
        wheel = (
            (sig["wrists_overhead"] >= OVERHEAD_WRISTS_TRUNK)
            & (sig["shoulders_above_wrists"] >= OVERHEAD_SHOULDERS_UP_TRUNK)
            & (lift >= OVERHEAD_HIPS_UP_THIGH)
        )
    seen = up & np.isfinite(sig["wrists_overhead"]) & np.isfinite(sig["shoulders_above_wrists"])
    overhead = float(np.mean(wheel[seen])) if seen.sum() >= 3 else float("nan")
    scores["hands_overhead"] = _ramp(overhead, OVERHEAD_FRACTION)
    # the trunk rises instead of the hips
    hips, shoulders = _range(sig["hips_above_feet"]), _range(sig["shoulders_above_feet"])
    if np.isfinite(hips) and np.isfinite(shoulders) and shoulders >= TRUNK_RISE_MIN_THIGH:
        scores["trunk_rises"] = _ramp(hips / shoulders, TRUNK_RISE_RATIO)
    else:
        scores["trunk_rises"] = 1.0
    # the hips rise, or are held up the whole time
    rise = _ramp(_range(lift), MIN_HIP_RISE)
    ext = np.fmax(sig["hip_extension_left_deg"], sig["hip_extension_right_deg"])
    with np.errstate(invalid="ignore"):
        on_bench = (sig["shoulder_height"] >= TABLE_TOP_MIN_SHOULDER_TRUNK) & (
            ext >= STILL_MIN_HIP_EXTENSION_DEG
        )
        held = (lift >= HELD_UP_MIN_LIFT_THIGH) | on_bench
    ok = np.isfinite(lift)
    held_score = _ramp(float(np.mean(held[ok])), HELD_UP_FRACTION) if ok.sum() >= 3 else 0.0
    scores["hips_never_rise"] = max(rise, held_score) if ok.sum() >= 3 else 0.0
    return scores


def _which_bridge(sig: Signals) -> tuple[str, float]:
    """(drill id, fraction of hips-up frames that agree) among the three drills."""
    up = _hips_up(sig)
    if not up.any():
        return "banded-bridge", 0.0
    sh = sig["shoulder_height"]
    if not np.isfinite(sh[up]).any():
        # a view that gates the shoulders' height (from the feet or the head): the same height
        # from the world landmarks, ungated (`signals._posture`), which agrees with it within
        # 0.04 trunk lengths on every labelled real clip and synthetic view where both exist
        sh = sig["shoulders_above_feet"] * sig.lengths["thigh"] / sig.lengths["trunk"]
    table = _fraction((sh >= TABLE_TOP_MIN_SHOULDER_TRUNK).astype(float), up & np.isfinite(sh))
    if np.isfinite(table) and table >= 0.5:
        return "table-top", table
    fl, fr = sig["foot_height_left"], sig["foot_height_right"]
    both = np.isfinite(fl) & np.isfinite(fr)
    lower = np.fmin(fl, fr)
    single = (np.abs(fl - fr) >= LIFTED_FOOT_MIN_THIGH) | (lower >= RAISED_FOOT_MIN_THIGH)
    frac = _fraction(single.astype(float), up & both)
    if np.isfinite(frac) and frac >= 0.5:
        return "single-leg-bridge", frac
    return "banded-bridge", 1.0 - max(
        frac if np.isfinite(frac) else 0.0, table if np.isfinite(table) else 0.0
    )


def recognize_drill(sig: Signals) -> Recognition:
    """Which of the three drills the clip shows, or `NOT_A_BRIDGE` with the reasons."""
    scores = bridge_checks(sig)
    likeness = min(scores.values(), default=1.0)
    reasons = tuple(REASONS[k] for k in REASONS if scores.get(k, 1.0) < MIN_LIKENESS)
    if likeness < MIN_LIKENESS:
        return Recognition(
            drill=NOT_A_BRIDGE,
            confidence=round(1.0 - likeness, 2),
            likeness=round(likeness, 2),
            not_a_bridge=reasons,
        )
    drill, agree = _which_bridge(sig)
    return Recognition(
        drill=drill, confidence=round(agree * likeness, 2), likeness=round(likeness, 2)
    )
