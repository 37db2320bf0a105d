"""Signals: cleaning (gates, gap filling, smoothing) and the per-frame measurements."""

from __future__ import annotations

import numpy as np
import pytest
from builders import (
    bridge_track,
    extension_for,
    hip_height_for_extension,
    hold_profile,
    make_track,
    rep_profile,
    table_top_track,
    top_hip_height,
)

from formcheck.signals import SIGNAL_NAMES, compute_signals
from formcheck.smoothing import (
    OneEuroFilter,
    fill_gaps,
    gate_visibility,
    one_euro,
    smooth_zero_phase,
)
from formcheck.types import PoseTrack

T30 = np.arange(60) / 30.0


# -- cleaning -------------------------------------------------------------------------------


def test_short_gaps_are_filled_and_long_ones_kept() -> None:
    x = np.arange(60, dtype=float)
    x[10:14] = np.nan  # 0.13 s
    x[30:50] = np.nan  # 0.67 s
    out = fill_gaps(x, T30, max_gap_s=0.3)
    assert np.allclose(out[10:14], np.arange(10, 14))
    assert np.isnan(out[30:50]).all()


def test_gaps_at_the_ends_are_not_invented() -> None:
    x = np.arange(20, dtype=float)
    x[:3] = np.nan
    x[-2:] = np.nan
    out = fill_gaps(x, T30[:20], max_gap_s=1.0)
    assert np.isnan(out[:3]).all() and np.isnan(out[-2:]).all()


def test_visibility_gate_blanks_low_visibility_points() -> None:
    xy = np.ones((4, 2, 2))
    vis = np.array([[0.9, 0.1], [0.9, 0.9], [np.nan, 0.9], [0.2, 0.2]])
    out = gate_visibility(xy, vis, 0.3)
    assert np.isnan(out[0, 1]).all() and np.isfinite(out[0, 0]).all()
    assert np.isnan(out[2, 0]).all() and np.isnan(out[3]).all()


def test_zero_phase_smoothing_keeps_the_peak_in_place() -> None:
    t = np.arange(300) / 30.0
    x = np.exp(-((t - 5.0) ** 2)) + np.random.default_rng(1).normal(0, 0.05, t.size)
    out = smooth_zero_phase(x, 30.0, 0.3)
    assert abs(t[np.argmax(out)] - 5.0) <= 0.1
    assert np.std(np.diff(out)) < np.std(np.diff(x)) / 3


def test_smoothing_never_invents_data() -> None:
    x = np.sin(np.arange(100) / 5.0)
    x[40:60] = np.nan
    out = smooth_zero_phase(x, 30.0, 0.2)
    assert np.isnan(out[40:60]).all() and np.isfinite(out[:40]).all()


def test_one_euro_is_causal() -> None:
    t = np.arange(100) / 30.0
    x = np.sin(t * 3)
    y = x.copy()
    y[60:] += 5.0  # change the future only
    a, b = one_euro(x, t), one_euro(y, t)
    assert np.allclose(a[:60], b[:60])
    assert np.abs(a - x).max() < 0.5  # follows the signal


def test_one_euro_passes_nan_without_losing_its_state() -> None:
    f = OneEuroFilter()
    f(np.array([1.0]), 0.0)
    assert np.isnan(f(np.array([np.nan]), 0.033)).all()
    assert np.isfinite(f(np.array([1.0]), 0.066)).all()


# -- signals --------------------------------------------------------------------------------


def test_every_signal_is_present_and_one_per_frame() -> None:
    track = bridge_track(2)
    sig = compute_signals(track)
    assert set(SIGNAL_NAMES) <= set(sig.values)
    assert all(v.shape == (len(track),) for v in sig.values.values())


@pytest.mark.parametrize("ext", [150.0, 165.0, 175.0])
@pytest.mark.parametrize("camera", ["side-left", "side-right", "oblique"])
def test_hip_extension_reads_the_pose_from_side_and_oblique(ext: float, camera: str) -> None:
    """An oblique camera does not foreshorten the lockout (world landmarks, sagittal plane)."""
    h = hip_height_for_extension(ext)
    track = make_track(np.full(30, h), camera=camera)
    got = np.nanmedian(compute_signals(track)["hip_extension_deg"])
    assert got == pytest.approx(extension_for(h), abs=3.0)


def test_bridge_height_is_scale_free() -> None:
    hip = rep_profile(reps=1)
    small = make_track(hip, size=(640, 360))
    big = make_track(hip, size=(1920, 1080))
    a, b = compute_signals(small)["bridge_height"], compute_signals(big)["bridge_height"]
    assert np.nanmax(np.abs(a - b)) < 0.02
    assert np.nanmax(a) - np.nanmin(a) > 0.2  # the hips really rise, in thigh lengths


def test_signals_a_view_cannot_show_are_nan() -> None:
    side = compute_signals(bridge_track(1, camera="side-left"))
    front = compute_signals(bridge_track(1, camera="front-feet"))
    assert np.isnan(side["knee_gap"]).all() and np.isnan(side["pelvic_tilt_deg"]).all()
    assert np.isnan(front["hip_extension_deg"]).all() and np.isnan(front["head_neck_deg"]).all()
    assert np.isfinite(front["knee_gap"]).any() and np.isfinite(side["hip_extension_deg"]).any()


def test_knee_gap_is_the_knee_distance_over_the_hip_distance() -> None:
    hip = np.full(40, top_hip_height())
    wide = compute_signals(make_track(hip, camera="front-feet", knee_gap=1.3))["knee_gap"]
    caved = compute_signals(make_track(hip, camera="front-feet", knee_gap=0.6))["knee_gap"]
    assert np.nanmedian(wide) == pytest.approx(1.3, abs=0.1)
    assert np.nanmedian(caved) == pytest.approx(0.6, abs=0.1)


def test_pelvic_tilt_from_the_foot_end() -> None:
    hip = np.full(40, top_hip_height())
    level = compute_signals(make_track(hip, camera="front-feet"))["pelvic_tilt_deg"]
    tilted = compute_signals(make_track(hip, camera="front-feet", pelvic_tilt_deg=15.0))
    assert np.nanmedian(level) < 3.0
    assert np.nanmedian(tilted["pelvic_tilt_deg"]) == pytest.approx(15.0, abs=3.0)


def test_head_neck_angle_follows_the_head() -> None:
    track = table_top_track(hold_s=3.0, head_pitch_deg=35.0)
    sig = compute_signals(track)
    up = sig["hip_extension_deg"] > 170
    assert np.nanmedian(sig["head_neck_deg"][up]) == pytest.approx(35.0, abs=4.0)
    neutral = compute_signals(table_top_track(hold_s=3.0))
    assert np.nanmedian(neutral["head_neck_deg"][up]) < 5.0


@pytest.mark.parametrize(
    ("arms", "crossed", "glutes"), [("crossed", 1, 0), ("glutes", 0, 1), ("sides", 0, 0)]
)
def test_arm_signals(arms: str, crossed: int, glutes: int) -> None:
    sig = compute_signals(bridge_track(1, arms=arms))
    assert np.nanmean(sig["arms_crossed"]) == pytest.approx(crossed, abs=0.05)
    assert np.nanmean(sig["hands_on_glutes"]) == pytest.approx(glutes, abs=0.05)


def test_foot_lift_is_measured_in_centimetres_above_rest() -> None:
    track = table_top_track(hold_s=8.0, lifts=(("left", 2.0, 3.0),), lift_m=0.06)
    sig = compute_signals(track)
    lifted = np.nanmax(sig["foot_lift_left_cm"])
    # the builder's thigh is 43 cm; signals assume 42 cm: a 6 cm lift reads about 6 cm
    assert 4.5 < lifted < 8.0
    assert np.nanmax(sig["foot_lift_right_cm"]) < 2.0


def test_shoulders_on_a_bench_are_seen() -> None:
    bench = compute_signals(table_top_track(hold_s=3.0))["shoulder_height"]
    floor = compute_signals(bridge_track(1))["shoulder_height"]
    assert np.nanmedian(bench) > 0.5 > np.nanmedian(floor)


def test_missing_frames_stay_missing() -> None:
    hip = rep_profile(reps=1)
    missing = np.zeros(hip.size, bool)
    missing[50:80] = True  # one second without a person
    sig = compute_signals(make_track(hip, missing=missing))
    assert np.isnan(sig["hip_extension_deg"][55:75]).all()


def test_causal_signals_follow_the_offline_ones() -> None:
    track = bridge_track(1, noise=0.003)
    off = compute_signals(track)["hip_extension_deg"]
    live = compute_signals(track, causal=True)["hip_extension_deg"]
    assert np.nanmedian(np.abs(off - live)) < 5.0


def test_no_person_gives_all_nan_signals() -> None:
    sig = compute_signals(PoseTrack.empty(size=(640, 480)))
    assert all(v.size == 0 for v in sig.values.values())


def test_gap_filling_works_on_strided_landmark_arrays() -> None:
    """Landmark arrays picked with fancy indexing are not C-ordered; the fill must still land."""
    x = np.random.default_rng(0).normal(size=(40, 33, 2))[:, [11, 12, 23]]
    x[10, 1] = np.nan
    assert not x.flags["C_CONTIGUOUS"]
    assert np.isfinite(fill_gaps(x, T30[:40], 0.3)).all()


@pytest.mark.parametrize("camera", ["front-feet", "oblique"])
def test_a_foot_rises_from_the_feet_only_as_far_as_the_image_shows(camera: str) -> None:
    """Views read in world landmarks: the pose model's depth guess can lift both planted feet
    with the hips (a foot-end hip thrust: 5-11 cm at every top); the image, where they stay
    put, caps the rise single-leg phases are found on. A lifted foot rises in both."""
    track = table_top_track(hold_s=8.0, lifts=(("left", 2.0, 3.0),), lift_m=0.06, camera=camera)
    lifted = compute_signals(track)
    assert 4.0 < np.nanmax(lifted["foot_rise_left_cm"]) < 8.0
    assert np.nanmax(lifted["foot_rise_right_cm"]) < 2.0
    planted = table_top_track(hold_s=8.0, camera=camera)
    world = np.array(planted.world)
    hip = hold_profile(hold_s=8.0)
    up = (hip - hip.min()) / (hip.max() - hip.min())  # 0 lying down, 1 at the top
    for foot in (27, 28, 29, 30, 31, 32):  # ankles, heels, toes: 8 cm up with the hips
        world[:, foot, 1] += 0.08 * up
    misread = PoseTrack(
        t=planted.t, image=planted.image, world=world, size=planted.size, fps=planted.fps
    )
    sig = compute_signals(misread)
    if camera == "oblique":  # a view that shows foot lifts: the world's guess, as it was
        assert np.nanmax(sig["foot_lift_right_cm"]) > 4.0
    assert np.nanmax(np.fmax(sig["foot_rise_left_cm"], sig["foot_rise_right_cm"])) < 2.5
