"""The synthetic track generator: geometry, camera conventions, noise, and its ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.landmarks import INDEX, SIDE
from formcheck_synth import CAMERAS, DRILLS, Faults, LegLift, SynthSpec, generate, plan_motion
from formcheck_synth.motion import arm_positions

LIFTS = (LegLift(side="left", at_s=3.0, duration_s=2.5), LegLift(side="right", at_s=7.0,
                                                                     duration_s=2.0))


def spec(drill: str = "single-leg-bridge", **kw: object) -> SynthSpec:
    if drill == "table-top":
        kw.setdefault("leg_lifts", LIFTS)
    return SynthSpec(drill=drill, **kw)  # type: ignore[arg-type]


def angle_2d(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def image_hip_extension(clip, side: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    px = clip.track.image_px[:, :, :2].astype(np.float64)
    j = SIDE[side]
    return angle_2d(px[:, j["shoulder"]], px[:, j["hip"]], px[:, j["knee"]])


# -- determinism and shapes ---------------------------------------------------------------------
def test_same_seed_same_track_and_other_seed_differs() -> None:
    a, b = generate(spec(seed=7)), generate(spec(seed=7))
    c = generate(spec(seed=8))
    np.testing.assert_array_equal(a.track.image, b.track.image)
    np.testing.assert_array_equal(a.track.world, b.track.world)
    assert a.truth.cues == b.truth.cues
    assert not np.array_equal(a.track.image[:10], c.track.image[:10])


@pytest.mark.parametrize("drill", DRILLS)
def test_track_shapes_times_and_range(drill: str) -> None:
    clip = generate(spec(drill, fps=25.0, resolution=(960, 540)))
    tr = clip.track
    assert tr.image.shape == (len(tr), 33, 4) and tr.world.shape == (len(tr), 33, 4)
    assert tr.size == (960, 540) and tr.fps == 25.0
    np.testing.assert_allclose(np.diff(tr.t), 1 / 25.0)
    xy = tr.image[:, :, :2]
    assert xy.min() > 0.0 and xy.max() < 1.0, "the athlete stays inside the frame"
    assert ((tr.image[:, :, 3] >= 0) & (tr.image[:, :, 3] <= 1)).all()


# -- geometry ------------------------------------------------------------------------------------
@pytest.mark.parametrize("camera,side", [("side-left", "left"), ("side-right", "right")])
def test_side_view_hip_extension_matches_the_plan(camera: str, side: str) -> None:
    clean = generate(spec("banded-bridge", camera=camera, noise=0.0, seed=3))
    measured = image_hip_extension(clean, side)
    truth = clean.plan.hip_extension_deg[side]
    assert np.max(np.abs(measured - truth)) < 4.0  # perspective of a camera ~2 m away
    assert truth.max() > 170 and truth.min() < 150, "the clip goes through full reps"
    noisy = generate(spec("banded-bridge", camera=camera, noise=0.004, seed=3))
    err = image_hip_extension(noisy, side) - truth
    assert np.median(np.abs(err)) < 3.0
    assert np.abs(err).max() > 0.5, "noise is there"


def test_plan_arm_angles_rebuild_the_joints() -> None:
    for arms in ("crossed", "sides", "glutes"):
        plan = plan_motion(spec("banded-bridge", faults=Faults(arms=arms)))
        for side in ("left", "right"):
            elbow, wrist = arm_positions(plan, side)
            np.testing.assert_allclose(elbow, plan.joints_m[f"{side}_elbow"], atol=1e-6)
            np.testing.assert_allclose(wrist, plan.joints_m[f"{side}_wrist"], atol=1e-6)


def test_plan_limbs_keep_their_lengths_and_feet_stay_planted() -> None:
    plan = plan_motion(spec("banded-bridge", seed=11))
    j, body = plan.joints_m, plan.body
    for side in ("left", "right"):
        thigh = np.linalg.norm(j[f"{side}_knee"] - j[f"{side}_hip"], axis=1)
        shin = np.linalg.norm(j[f"{side}_ankle"] - j[f"{side}_knee"], axis=1)
        np.testing.assert_allclose(thigh, body.thigh_m, atol=1e-6)
        np.testing.assert_allclose(shin, body.shin_m, atol=1e-6)
        assert np.ptp(j[f"{side}_heel"], axis=0).max() < 1e-6
    assert plan.pelvis_height_m.min() == pytest.approx(body.hip_rest_m, abs=0.01)


def test_single_leg_bridge_lifts_the_free_foot_of_each_rep() -> None:
    clip = generate(spec(sides="alternate", reps=4))
    sig = clip.truth.signals
    for seg in clip.truth.reps:
        top = next(p for p in seg.phases if p.name == "top")
        m = (clip.plan.t >= top.start_s) & (clip.plan.t < top.end_s)
        free = "right" if seg.side == "left" else "left"
        assert sig[f"foot_lift_{free}_cm"][m].min() > 10.0
        assert np.abs(sig[f"foot_lift_{seg.side}_cm"][m]).max() < 0.5
    assert [s.side for s in clip.truth.reps] == ["left", "right", "left", "right"]


# -- camera conventions --------------------------------------------------------------------------
@pytest.mark.parametrize("camera,near", [("side-left", "left"), ("side-right", "right")])
def test_side_views_see_the_near_side_better_and_nearer(camera: str, near: str) -> None:
    tr = generate(spec("banded-bridge", camera=camera, noise=0.0)).track
    far = "right" if near == "left" else "left"
    vis = tr.image[:, :, 3].mean(axis=0)
    for joint in ("hip", "knee", "ankle", "shoulder", "wrist"):
        n, f = SIDE[near][joint], SIDE[far][joint]
        assert (tr.image[:, n, 2] < tr.image[:, f, 2]).all(), "near side has smaller z"
    # as MediaPipe does on the real clips: far limbs fade, the far hip and shoulder do not
    for joint, lost in (("knee", 0.2), ("ankle", 0.1), ("wrist", 0.5)):
        assert vis[SIDE[near][joint]] > vis[SIDE[far][joint]] + lost
    for joint in ("hip", "shoulder"):
        assert vis[SIDE[far][joint]] > 0.9
    # lying on the back seen from the left, the head is on the image's right (and vice versa)
    head_right = tr.image[:, INDEX["nose"], 0].mean() > tr.image[:, INDEX["left_ankle"], 0].mean()
    assert head_right == (near == "left")


def test_front_view_mirrors_left_and_right_like_a_person_facing_you() -> None:
    tr = generate(spec("banded-bridge", camera="front-feet", noise=0.0)).track
    assert (tr.image[:, INDEX["left_hip"], 0] > tr.image[:, INDEX["right_hip"], 0]).all()
    assert (tr.image[:, INDEX["left_knee"], 0] > tr.image[:, INDEX["right_knee"], 0]).all()


def test_world_landmarks_are_metres_about_the_hips_with_y_down() -> None:
    clip = generate(spec("banded-bridge", camera="side-left", noise=0.0))
    w = clip.track.world
    hips = 0.5 * (w[:, INDEX["left_hip"], :3] + w[:, INDEX["right_hip"], :3])
    np.testing.assert_allclose(hips, 0.0, atol=1e-6)
    top = int(np.argmax(clip.plan.pelvis_height_m))
    assert w[top, INDEX["left_ankle"], 1] > 0.15, "feet are below the raised hips (y down)"
    thigh = np.linalg.norm(w[:, INDEX["left_knee"], :3] - w[:, INDEX["left_hip"], :3], axis=1)
    np.testing.assert_allclose(thigh, clip.plan.body.thigh_m, atol=1e-5)


def test_dropouts_give_whole_nan_rows() -> None:
    tr = generate(spec(dropout=0.1, seed=2)).track
    lost = ~tr.detected
    assert 0.08 < lost.mean() < 0.13
    assert np.isnan(tr.image[lost]).all() and np.isnan(tr.world[lost]).all()
    assert np.isfinite(tr.image[~lost]).all()
    assert not (~generate(spec(dropout=0.0)).track.detected).any()


# -- ground truth --------------------------------------------------------------------------------
@pytest.mark.parametrize("drill", DRILLS)
@pytest.mark.parametrize("camera", CAMERAS)
def test_clean_clip_passes_every_measurable_cue(drill: str, camera: str) -> None:
    truth = generate(spec(drill, camera=camera, seed=5)).truth
    view = truth.view_class
    assert truth.clear
    for cue in truth.cues:
        if view in cue.views:
            assert cue.expected in ("pass", "info"), cue
        else:
            assert cue.expected == "not_measurable", cue


FAULTS = [
    ("single-leg-bridge", "side-left", Faults(extension_short_deg=25), "slgb.hips_up"),
    ("single-leg-bridge", "side-left", Faults(top_pause_s=0.0), "slgb.squeeze_top"),
    ("single-leg-bridge", "side-right", Faults(lower_s=0.9), "slgb.slow_down"),
    ("single-leg-bridge", "side-left", Faults(drop=True), "slgb.not_your_bone"),
    ("single-leg-bridge", "side-left", Faults(bottom_rest_s=2.5, reps=(0,)),
     "slgb.not_your_bone"),
    ("single-leg-bridge", "oblique", Faults(bottom_gap_frac=0.45), "slgb.touch_ground"),
    ("single-leg-bridge", "front-feet", Faults(pelvis_tilt_deg=20), "slgb.hips_level"),
    ("single-leg-bridge", "oblique", Faults(arms="sides"), "slgb.arms_crossed"),
    ("single-leg-bridge", "side-left", Faults(support_slide_shin=0.35), "slgb.force_down"),
    ("banded-bridge", "side-elevated", Faults(extension_short_deg=25), "sbb.hips_up"),
    ("banded-bridge", "oblique", Faults(top_pause_s=0.0), "sbb.intent"),
    ("banded-bridge", "front-feet", Faults(knee_gap_ratio=0.55), "sbb.knees_out"),
    ("banded-bridge", "front-feet", Faults(knee_gap_wobble=0.35), "sbb.ball_squeeze"),
    ("banded-bridge", "side-left", Faults(arms="sides"), "sbb.grab_glutes"),
    ("table-top", "side-left", Faults(head_pitch_deg=35), "tth.head_neutral"),
    ("table-top", "side-right", Faults(head_pitch_deg=-35), "tth.head_neutral"),
    ("table-top", "side-left", Faults(knee_angle_deg=135), "tth.hold_top"),
    ("table-top", "side-left", Faults(shoulder_height_m=0.12), "tth.setup"),
    ("table-top", "side-left", Faults(heels_up_cm=5.0), "tth.setup"),
    ("table-top", "front-feet", Faults(knee_gap_wobble=0.35), "tth.ball_squeeze"),
    ("table-top", "side-left", Faults(hip_sag_deg=12), "tth.hips_stay_up"),
    ("table-top", "oblique", Faults(pelvis_tilt_deg=20), "tth.hips_stay_up"),
]


@pytest.mark.parametrize("drill,camera,faults,cue_id", FAULTS)
def test_a_fault_fails_its_cue_and_nothing_else(
    drill: str, camera: str, faults: Faults, cue_id: str
) -> None:
    clip = generate(spec(drill, camera=camera, faults=faults, seed=9))
    bad = {c.cue_id for c in clip.truth.cues if c.expected in ("fault", "advice")}
    assert bad == {cue_id}
    assert all(c.clear for c in clip.truth.cues if c.cue_id == cue_id and c.expected != "pass")


def test_fast_lowering_faults_slow_down_per_rep_only_where_asked() -> None:
    truth = generate(spec(faults=Faults(lower_s=0.9, reps=(1,)), reps=3)).truth
    got = [truth.expected("slgb.slow_down", s.index) for s in truth.reps]
    assert got == ["pass", "fault", "pass"]


def test_the_view_that_cannot_see_a_fault_expects_not_measurable() -> None:
    truth = generate(spec(camera="side-left", faults=Faults(pelvis_tilt_deg=20))).truth
    assert {c.expected for c in truth.cues if c.cue_id == "slgb.hips_level"} == {"not_measurable"}
    truth = generate(spec("banded-bridge", camera="side-left",
                          faults=Faults(knee_gap_ratio=0.5))).truth
    assert {c.expected for c in truth.cues if c.cue_id == "sbb.knees_out"} == {"not_measurable"}


def test_toe_variant_heel_up_and_heel_down() -> None:
    good = generate(spec("table-top", toe_variant=True)).truth
    bad = generate(spec("table-top", toe_variant=True, faults=Faults(heel_down=True))).truth
    assert {c.expected for c in good.cues if c.cue_id == "tth.heel_up"} == {"pass"}
    assert {c.expected for c in bad.cues if c.cue_id == "tth.heel_up"} == {"fault"}
    assert not [c for c in generate(spec("table-top")).truth.cues if c.cue_id == "tth.heel_up"]


def test_single_leg_phases_have_stance_side_lifted_foot_and_duration() -> None:
    truth = generate(spec("table-top")).truth
    legs = [s for s in truth.segments if s.kind == "single_leg"]
    assert [(s.lifted, s.side) for s in legs] == [("left", "right"), ("right", "left")]
    assert [round(s.end_s - s.start_s, 1) for s in legs] == pytest.approx([2.5, 2.0], abs=0.35)


def test_a_long_dip_splits_the_hold_and_a_short_one_does_not() -> None:
    long = generate(spec("table-top", leg_lifts=(), faults=Faults(hold_dip=(4.0, 1.5, 145.0))))
    short = generate(spec("table-top", leg_lifts=(), faults=Faults(hold_dip=(4.0, 0.1, 155.0))))
    assert [s.kind for s in long.truth.segments] == ["hold", "hold"]
    assert [s.kind for s in short.truth.segments] == ["hold"]


def test_clip_starting_at_the_top() -> None:
    clip = generate(spec("banded-bridge", starts_at_top=True, reps=2))
    assert clip.plan.hip_extension_deg["left"][0] > 170
    kinds = [s.kind for s in clip.truth.segments]
    assert kinds == ["partial", "rep", "rep"]
    assert all(c.segment != 0 for c in clip.truth.cues), "the partial rep is not judged"


# -- scoring against a report --------------------------------------------------------------------
def _report_from_truth(truth, flip: str | None = None, shift_s: float = 0.2):  # type: ignore[no-untyped-def]
    """A report that says exactly what the truth says (segments shifted a little), except
    that cue ``flip`` gets the opposite verdict."""
    from formcheck.report.model import ClipInfo, CueResult, Detection, Report, Segment, Status

    segs = [Segment(index=s.index + 10, kind=s.kind, start_s=s.start_s + shift_s,
                    end_s=s.end_s + shift_s, side=s.side) for s in truth.segments]
    results = []
    for c in truth.cues:
        status = c.expected
        if c.cue_id == flip:
            status = {"pass": "fault", "fault": "pass"}.get(status, status)
        results.append(CueResult(cue_id=c.cue_id, status=Status(status),
                                 segment_index=None if c.segment is None else c.segment + 10))
    return Report(clip=ClipInfo(path="", name=""), segments=segs, results=results,
                  detection=Detection(frames_total=1, frames_with_person=1, person_fraction=1.0))


def test_scoring_matches_segments_by_overlap_and_counts_errors() -> None:
    from scoring import Tally, compare

    truth = generate(spec("banded-bridge", camera="front-feet", reps=3)).truth
    perfect = compare(truth, _report_from_truth(truth))
    assert all(c.truth == c.engine for c in perfect)
    flipped = compare(truth, _report_from_truth(truth, flip="sbb.knees_out"))
    tally = Tally()
    tally.add(truth, _report_from_truth(truth, flip="sbb.knees_out"), flipped)
    knees = tally.cues["sbb.knees_out"]
    assert (knees.measurable, knees.fp, knees.precision) == (3, 3, 0.0)
    assert tally.cues["sbb.hips_up"].unmeasurable == 3
    assert tally.cues["sbb.hips_up"].judged_unmeasurable == 0
    assert tally.reps_right == 1 and tally.segments_found == 3
    far = compare(truth, _report_from_truth(truth, shift_s=30.0))
    assert {c.engine for c in far if c.truth != "info" and c.cue_id != "sbb.grab_glutes"} == {
        "missing"}


def test_left_right_swaps_exchange_the_sides_in_some_frames() -> None:
    base = generate(spec(seed=4)).track
    swapped = generate(spec(seed=4, swap_rate=0.1)).track
    same = np.isclose(base.image[:, INDEX["left_knee"], 0], swapped.image[:, INDEX["left_knee"], 0])
    assert 0.05 < 1 - same.mean() < 0.15
    flipped = ~same
    np.testing.assert_allclose(swapped.image[flipped, INDEX["left_knee"]],
                               base.image[flipped, INDEX["right_knee"]])


def test_bias_is_a_constant_offset_per_landmark() -> None:
    plain = generate(spec("banded-bridge", seed=6, noise=0.002)).track
    biased = generate(spec("banded-bridge", seed=6, noise=0.002, bias=0.01)).track
    shift = biased.image_px[:, :, :2] - plain.image_px[:, :, :2]
    assert np.abs(shift).mean() > 1.0, "landmarks moved"
    assert np.ptp(shift, axis=0).max() < 1e-2, "by the same amount in every frame"


def test_the_model_puts_the_foot_index_on_top_of_the_toes() -> None:
    clip = generate(spec("banded-bridge", camera="side-left", noise=0.0))
    px = clip.track.image_px
    toe = INDEX["left_foot_index"]
    joint_px, _ = clip.camera.project(clip.scene[:, toe])
    assert (px[:, toe, 1] < joint_px[:, 1] - 1.0).all(), "the toe point reads higher (y down)"
    assert np.abs(clip.truth.signals["heel_above_toe_left_cm"]).max() < 0.1, "truth is anatomy"


def test_identity_jumps_put_another_pose_elsewhere_for_a_few_frames() -> None:
    base = generate(spec(seed=4)).track
    jumped = generate(spec(seed=4, jump_rate=0.03)).track
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    moved = np.linalg.norm(jumped.image[:, hips, :2].mean(axis=1)
                           - base.image[:, hips, :2].mean(axis=1), axis=1)
    off = moved > 0.05
    assert 0.01 < off.mean() < 0.06, "about the rate asked, in runs"
    assert np.isclose(moved[~off], 0.0).all(), "the other frames are untouched"
    assert not np.allclose(jumped.world[off], base.world[off]), "another posture"
