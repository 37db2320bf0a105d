"""`--drill auto`: recognise the drill from the pose.

Looked at only while the hips are up (the top third of the clip's hip-lift range, or the whole
clip when the hips never move but are extended, as in a hold filmed from the top):

- shoulders on a bench: the shoulders sit ≥ ``TABLE_TOP_MIN_SHOULDER_TRUNK`` trunk lengths above
  the lower heel → table top;
- a foot on a raised support (the lower foot ≥ ``RAISED_FOOT_MIN_THIGH`` thigh lengths above the
  shoulders' floor level) or one leg lifted (feet ≥ ``LIFTED_FOOT_MIN_THIGH`` apart in height)
  → single-leg bridge;
- otherwise a floor bridge → banded bridge.
"""

from __future__ import annotations

import numpy as np

from formcheck.signals import Signals

TABLE_TOP_MIN_SHOULDER_TRUNK = 0.3
RAISED_FOOT_MIN_THIGH = 0.3
LIFTED_FOOT_MIN_THIGH = 0.4
MIN_HIP_RANGE_THIGH = 0.2
STILL_MIN_HIP_EXTENSION_DEG = 150.0


def _hips_up(sig: Signals) -> np.ndarray:
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
    return ok & (lift >= lo + (hi - lo) * 2.0 / 3.0)


def _fraction(mask: np.ndarray, where: np.ndarray) -> float:
    where = where & np.isfinite(mask)
    return float(np.mean(mask[where] > 0.5)) if where.any() else float("nan")


def recognize_drill(sig: Signals) -> tuple[str, float]:
    """(drill id, confidence 0..1) from the signals of a clip."""
    up = _hips_up(sig)
    if not up.any():
        return "banded-bridge", 0.0
    sh = sig["shoulder_height"]
    table = _fraction((sh >= TABLE_TOP_MIN_SHOULDER_TRUNK).astype(float), up & np.isfinite(sh))
    if np.isfinite(table) and table >= 0.5:
        return "table-top", round(table, 2)
    fl, fr = sig["foot_height_left"], sig["foot_height_right"]
    both = np.isfinite(fl) & np.isfinite(fr)
    lower = np.fmin(fl, fr)
    single = (np.abs(fl - fr) >= LIFTED_FOOT_MIN_THIGH) | (lower >= RAISED_FOOT_MIN_THIGH)
    frac = _fraction(single.astype(float), up & both)
    if np.isfinite(frac) and frac >= 0.5:
        return "single-leg-bridge", round(frac, 2)
    conf = 1.0 - max(frac if np.isfinite(frac) else 0.0, table if np.isfinite(table) else 0.0)
    return "banded-bridge", round(conf, 2)
