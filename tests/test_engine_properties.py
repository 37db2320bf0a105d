"""Property tests: whatever the track, the engine never crashes and never invents a rep.

Tracks with NaNs, missing landmarks, no frames, one frame, constant poses and jitter around a
still pose, for every drill and for ``drill="auto"``.
"""

from __future__ import annotations

import numpy as np
from builders import hip_height_for_extension, make_track
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formcheck.drills import DRILL_CHOICES
from formcheck.pipeline import analyze_track
from formcheck.report.model import Status
from formcheck.report.serialize import report_to_json
from formcheck.signals import compute_signals
from formcheck.types import PoseTrack

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DRILL = st.sampled_from(DRILL_CHOICES)
CAMERA = st.sampled_from(["side-left", "side-right", "oblique", "front-feet", "front-head"])


def _random_track(seed: int, n: int, nan_frac: float, dead_landmarks: int) -> PoseTrack:
    rng = np.random.default_rng(seed)
    image = rng.uniform(0, 1, (n, 33, 4))
    world = rng.normal(0, 0.4, (n, 33, 4))
    world[..., 3] = image[..., 3]
    frames = rng.random(n) < nan_frac
    image[frames], world[frames] = np.nan, np.nan
    dead = rng.choice(33, size=dead_landmarks, replace=False)
    image[:, dead], world[:, dead] = np.nan, np.nan
    return PoseTrack(t=np.arange(n) / 30.0, image=image, world=world, size=(640, 480), fps=30.0)


def _check_report(track: PoseTrack, drill: str) -> None:
    a = analyze_track(track, drill=drill)
    report = a.report
    report_to_json(report)  # serialisable: no NaN or numpy leaks
    assert all(r.status in Status for r in report.results)
    for s in report.segments:
        assert s.end_s >= s.start_s
    for r in report.results:
        if r.status is Status.NOT_MEASURABLE:
            assert r.message


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(0, 90),
    nan_frac=st.floats(0, 1),
    dead=st.integers(0, 33),
    drill=DRILL,
)
def test_random_tracks_never_crash(
    seed: int, n: int, nan_frac: float, dead: int, drill: str
) -> None:
    _check_report(_random_track(seed, n, nan_frac, dead), drill)


@SETTINGS
@given(drill=DRILL, fps=st.sampled_from([1.0, 24.0, 30.0, 60.0]))
def test_zero_and_one_frame_tracks(drill: str, fps: float) -> None:
    empty = PoseTrack.empty(size=(640, 480), fps=fps)
    report = analyze_track(empty, drill=drill).report
    assert report.segments == [] and report.reps == []
    one = _random_track(1, 1, 0.0, 0)
    report = analyze_track(one, drill=drill).report
    assert report.reps == []


@SETTINGS
@given(
    ext=st.floats(100.0, 180.0),
    noise=st.floats(0.0, 0.006),
    seed=st.integers(0, 1000),
    n=st.integers(2, 240),
    camera=CAMERA,
    drill=DRILL,
)
def test_a_still_pose_makes_no_rep(
    ext: float, noise: float, seed: int, n: int, camera: str, drill: str
) -> None:
    """Constant poses, and jitter around them: the hips never move, so no rep is there."""
    hip = np.full(n, hip_height_for_extension(ext))
    track = make_track(hip, camera=camera, noise=noise, seed=seed)
    report = analyze_track(track, drill=drill).report
    assert report.reps == []
    assert not [s for s in report.segments if s.kind == "partial"]


@SETTINGS
@given(seed=st.integers(0, 1000), frac=st.floats(0.0, 0.9), camera=CAMERA)
def test_dropped_frames_and_landmarks_in_a_real_set(seed: int, frac: float, camera: str) -> None:
    """A real set with frames and landmarks knocked out: no crash, and never more reps than
    were done."""
    from builders import rep_profile

    rng = np.random.default_rng(seed)
    hip = rep_profile(reps=2)
    track = make_track(hip, camera=camera, missing=rng.random(hip.size) < frac, noise=0.003)
    image, world = track.image.copy(), track.world.copy()
    lost = rng.choice(33, size=int(rng.integers(0, 6)), replace=False)
    image[:, lost], world[:, lost] = np.nan, np.nan
    image[..., 3] = np.where(rng.random(image.shape[:2]) < 0.1, 0.05, image[..., 3])
    track = PoseTrack(t=track.t, image=image, world=world, size=track.size, fps=track.fps)
    for drill in ("auto", "single-leg-bridge"):
        report = analyze_track(track, drill=drill).report
        assert len(report.reps) <= 2


@SETTINGS
@given(seed=st.integers(0, 1000), n=st.integers(0, 60))
def test_signals_are_nan_where_nothing_is_seen(seed: int, n: int) -> None:
    track = _random_track(seed, n, 1.0, 0)  # no person in any frame
    sig = compute_signals(track)
    assert all(np.isnan(v).all() for v in sig.values.values())
    report = analyze_track(track).report
    assert report.segments == []
    assert all(r.status in (Status.NOT_MEASURABLE, Status.INFO) for r in report.results)
    if n:
        assert any("no person" in w for w in report.warnings)
