"""Reps counted from the feet or the head (`find_reps_end_on`), where MediaPipe's hips jitter."""

from __future__ import annotations

import numpy as np

from formcheck.segment import find_reps, find_reps_end_on

FPS = 15.0


def _rep(t: np.ndarray, start: float, lift_s: float, top_s: float, lower_s: float) -> np.ndarray:
    """0 → 1 over ``lift_s``, held ``top_s``, back to 0 over ``lower_s`` (cosine ramps)."""
    up = np.clip((t - start) / lift_s, 0.0, 1.0)
    down = np.clip((t - start - lift_s - top_s) / lower_s, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * up) - (0.5 - 0.5 * np.cos(np.pi * down))


def _count(reps: list) -> int:
    return sum(r.kind == "rep" for r in reps)


def test_an_end_on_hip_overshoot_and_wander_makes_no_extra_rep() -> None:
    # the camera sweep's end-on single-leg clips: a 1 s lift, a slow 3 s lowering, and the
    # image hips overshooting on the way up, sinking back and wobbling through the lowering
    t = np.arange(0.0, 11.0, 1.0 / FPS)
    clean = _rep(t, 0.8, 1.0, 0.3, 3.3) + _rep(t, 5.6, 1.0, 0.3, 3.3)
    wander = 0.3 * np.sin(2 * np.pi * t / 1.4) * (clean > 0.2)
    lift = 0.8 * (clean + wander)  # thigh lengths
    assert _count(find_reps(t, lift)) > 2  # the shoulders' rule counts the wobble
    assert _count(find_reps_end_on(t, lift, FPS)) == 2


def test_a_fast_tempo_still_counts_every_rep_end_on() -> None:
    # the fastest labelled real reps: about 1.95 s a cycle, lowering 0.55 s, no pause
    t = np.arange(0.0, 10.5, 1.0 / FPS)
    lift = sum(_rep(t, 0.3 + 1.95 * k, 0.7, 0.2, 0.55) for k in range(5))
    assert _count(find_reps_end_on(t, 0.6 * lift, FPS)) == 5
