"""Reps with their phases, holds with dips, single-leg phases with their side."""

from __future__ import annotations

import numpy as np
import pytest
from builders import (
    bridge_track,
    hip_height_for_extension,
    make_track,
    rep_profile,
    single_leg_track,
    table_top_track,
    top_hip_height,
)

from formcheck.pipeline import analyze_track
from formcheck.segment import (
    SegmentParams,
    Span,
    close_gaps,
    find_reps,
    held_top,
    reps_or_holds,
    retop,
    swing_pivots,
    top_pause_s,
)
from formcheck.smoothing import runs


def _reps(track, drill: str = "banded-bridge"):
    return analyze_track(track, drill=drill).report


@pytest.mark.parametrize("n", [1, 3, 5])
def test_counts_reps(n: int) -> None:
    report = _reps(bridge_track(n, noise=0.003))
    assert len(report.reps) == n
    assert [s.kind for s in report.segments] == ["rep"] * n


def test_rep_phases_are_in_order_and_timed() -> None:
    report = _reps(bridge_track(2, lift_s=1.0, top_s=1.5, lower_s=2.2, rest_s=0.8))
    rep = report.reps[0]
    names = [p.name for p in rep.phases]
    assert names == ["lift", "top", "lower", "bottom"]
    for a, b in zip(rep.phases, rep.phases[1:], strict=False):
        assert a.end_s == pytest.approx(b.start_s)
    # "within 5° of the peak" also takes in the ends of the lift and of the lowering
    assert 1.5 <= rep.measures["top_pause_s"] <= 2.8
    # lowering runs from leaving the top band to 15 % of the range above the floor
    lower = next(p for p in rep.phases if p.name == "lower")
    assert rep.measures["lower_s"] == pytest.approx(lower.end_s - lower.start_s, abs=0.01)
    assert rep.measures["lift_s"] < rep.measures["lower_s"] < 2.2
    assert rep.measures["peak_hip_extension_deg"] > 170


def test_a_clip_starting_at_the_top_counts_its_first_lowering_and_lifting_as_rep_1() -> None:
    report = _reps(bridge_track(2, start_at_top=True))
    kinds = [s.kind for s in report.segments]
    assert kinds == ["partial", "rep", "rep"]
    assert len(report.reps) == 2
    assert report.segments[0].phases[0].name == "top"


def test_a_clip_ending_at_the_top_keeps_its_last_rep_unfinished() -> None:
    hip = rep_profile(reps=2, tail_s=0.0)
    top = np.full(45, hip.max())
    report = _reps(make_track(np.concatenate([hip, hip[:30], top])))
    assert len(report.reps) == 3
    assert report.reps[-1].measures["lower_s"] is None


def test_long_pauses_and_rests_do_not_split_or_merge_reps() -> None:
    report = _reps(bridge_track(3, top_s=6.0, rest_s=4.0, noise=0.004))
    assert len(report.reps) == 3


def test_a_short_rep_still_counts() -> None:
    """A rep that stops 20° short is a rep with a hips-up fault, not nothing."""
    short = hip_height_for_extension(158.0)
    hip = np.concatenate([rep_profile(reps=1), rep_profile(reps=1, high=short, lead_s=0.3)])
    report = _reps(make_track(hip, noise=0.002))
    assert len(report.reps) == 2
    assert report.reps[1].measures["peak_hip_extension_deg"] < 162


def test_jitter_alone_makes_no_rep() -> None:
    hip = np.full(300, 0.12)
    report = _reps(make_track(hip, noise=0.006, seed=3))
    assert report.reps == []
    assert "no rep found" in report.warnings


def test_swing_pivots_alternate_and_ignore_small_wiggles() -> None:
    x = np.concatenate(
        [np.linspace(0, 1, 20), np.linspace(1, 0.95, 5), np.linspace(0.95, 0, 20), np.zeros(10)]
    )
    piv = swing_pivots(x, 0.3)
    assert [k for k, _ in piv] == [-1, 1, -1]
    assert piv[1][1] == 19


def test_find_reps_on_nothing() -> None:
    assert find_reps(np.zeros(0), np.zeros(0)) == []
    assert find_reps(np.arange(2.0), np.array([np.nan, np.nan])) == []


def test_runs_and_close_gaps() -> None:
    m = np.array([1, 1, 0, 1, 0, 0, 0, 1], bool)
    assert runs(m) == [(0, 2), (3, 4), (7, 8)]
    t = np.arange(8) * 0.1
    assert runs(close_gaps(m, t, 0.25)) == [(0, 4), (7, 8)]


# -- holds ----------------------------------------------------------------------------------


def test_a_table_top_hold_and_its_duration() -> None:
    report = analyze_track(table_top_track(hold_s=12.0, noise=0.003), drill="table-top").report
    holds = [s for s in report.segments if s.kind == "hold"]
    assert len(holds) == 1
    assert holds[0].end_s - holds[0].start_s == pytest.approx(12.0, abs=1.0)
    assert report.holds is not None and report.holds.mark_reached == "10s"


def test_a_long_dip_ends_a_hold_and_a_short_one_does_not() -> None:
    long_dip = table_top_track(hold_s=12.0, dips=((4.0, 1.5, 0.2),))
    short_dip = table_top_track(hold_s=12.0, dips=((4.0, 0.3, 0.2),))
    kinds = lambda t: [s.kind for s in analyze_track(t, drill="table-top").report.segments]  # noqa: E731
    assert kinds(long_dip).count("hold") == 2
    assert kinds(short_dip).count("hold") == 1


def test_single_leg_phases_with_their_side() -> None:
    track = table_top_track(hold_s=12.0, lifts=(("left", 2.0, 2.5), ("right", 7.0, 2.0)))
    report = analyze_track(track, drill="table-top").report
    legs = [s for s in report.segments if s.kind == "single_leg"]
    assert [s.side for s in legs] == ["right", "left"]  # the stance side: the other foot is up
    assert legs[0].end_s - legs[0].start_s == pytest.approx(2.5, abs=0.5)
    assert legs[0].measures["foot_lift_cm"] > 3.0


# -- single-leg bridge sides ----------------------------------------------------------------


def test_left_and_right_reps_are_counted_apart() -> None:
    left = single_leg_track(2, working="left")
    right = single_leg_track(3, working="right", lead_s=0.5)
    hip_track = make_track(
        np.concatenate([left.world[:, 23, 1] * 0 + 0, right.world[:, 23, 1] * 0]), fps=30.0
    )
    del hip_track  # the sides come from joining two real sets below
    from formcheck.types import PoseTrack

    both = PoseTrack(
        t=np.arange(len(left) + len(right)) / 30.0,
        image=np.concatenate([left.image, right.image]),
        world=np.concatenate([left.world, right.world]),
        size=left.size,
        fps=30.0,
    )
    report = analyze_track(both, drill="single-leg-bridge").report
    assert [r.side for r in report.reps] == ["left"] * 2 + ["right"] * 3
    sides = {s.side: s.reps for s in report.sides}
    assert sides == {"left": 2, "right": 3}


def test_segment_params_are_settable() -> None:
    params = SegmentParams(min_amplitude_thigh=5.0)  # nothing moves that much
    track = bridge_track(2)
    from formcheck.signals import compute_signals

    sig = compute_signals(track)
    assert find_reps(sig.t, sig["hip_lift"], sig["hip_extension_deg"], params) == []


def _lift(t: np.ndarray, t0: float, t1: float, height_cm: float) -> np.ndarray:
    """A foot raised ``height_cm`` between t0 and t1 with 0.3 s ramps."""
    up = np.clip((t - t0) / 0.3, 0.0, 1.0) * np.clip((t1 - t) / 0.3, 0.0, 1.0)
    return height_cm * up


def _hold(n: int) -> list:
    from formcheck.segment import Span

    return [Span(kind="hold", start=0, end=n)]


def test_both_feet_read_lifted_gives_one_phase_of_the_near_foot() -> None:
    """From the side MediaPipe drags the hidden far foot up with the near one: one phase."""
    from formcheck.segment import find_single_leg

    t = np.arange(0.0, 6.0, 1 / 30)
    near_left = _lift(t, 2.0, 4.0, 4.0)
    far_right = _lift(t, 2.0, 4.0, 4.5)  # read even higher than the lifted near foot
    legs = find_single_leg(t, near_left, far_right, _hold(t.size), near="left")
    assert [s.side for s in legs] == ["right"]  # the working side: the left foot is up
    assert t[legs[0].start] == pytest.approx(2.1, abs=0.1)
    # no view told: the higher foot is the lifted one
    legs = find_single_leg(t, near_left, far_right, _hold(t.size))
    assert [s.side for s in legs] == ["left"]


def test_single_leg_phase_edges_do_not_hang_on_the_lift_read() -> None:
    """A foot read half as high as it is (a far foot) keeps the same phase timing."""
    from formcheck.segment import find_single_leg

    t = np.arange(0.0, 6.0, 1 / 30)
    zero = np.zeros_like(t)
    spans = {
        h: find_single_leg(t, _lift(t, 2.0, 4.0, h), zero, _hold(t.size))[0] for h in (6.0, 3.0)
    }
    d = {h: t[s.end - 1] - t[s.start] for h, s in spans.items()}
    assert d[6.0] == pytest.approx(d[3.0], abs=0.1)


def test_a_single_leg_top_band_is_read_on_the_working_leg() -> None:
    # a sharp top (no pause), then a slow lowering at 20°/s: 5° of the working hip is ~0.25 s
    # of lowering; the lifted leg's hip stays flexed at 95°, so the mean of both sides moves
    # half as far and its 5° band spans twice the time
    fps = 20.0
    t = np.arange(0, 8.0, 1 / fps)
    own = np.full(t.size, 90.0)
    up = (t >= 1.0) & (t < 2.0)
    own[up] = 90.0 + 87.0 * (t[up] - 1.0)
    down = t >= 2.0
    own[down] = np.maximum(177.0 - 20.0 * (t[down] - 2.0), 90.0)
    pos = (own - 90.0) / 87.0
    mean = (own + 95.0) / 2.0
    (rep,) = find_reps(t, pos, mean)
    fixed = retop(rep, own, pos, t)
    assert top_pause_s(rep, t) >= 0.6  # the mean's band: ~0.65 s
    assert top_pause_s(fixed, t) <= 0.4  # the working hip's: ~0.35 s (0.25 s plus the lift)
    assert fixed.kind == rep.kind and fixed.start == rep.start and fixed.end == rep.end
    assert fixed.phase("lift")[1] == fixed.phase("top")[0]
    assert fixed.phase("top")[1] == fixed.phase("lower")[0]
    assert fixed.phase("lower")[1] == rep.phase("lower")[1]
    assert fixed.phase("bottom") == rep.phase("bottom")


# -- a rep the clip ends in ------------------------------------------------------------------


def _ending(tail: np.ndarray, fps: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """(t, hip lift): 1 s on the floor, a 0.5 s lift, 1 s at the top, then ``tail``."""
    pos = np.concatenate([np.zeros(30), np.linspace(0, 1, 15), np.ones(30), tail])
    return np.arange(pos.size) / fps, pos


LOWER = np.linspace(1, 0, 30)  # a 1 s lowering to the floor


@pytest.mark.parametrize(
    ("tail", "complete"),
    [
        (np.concatenate([LOWER, np.zeros(12)]), True),  # back on the floor, 0.4 s still
        (LOWER, False),  # reaches the floor on the last frame, still falling fast
        (LOWER[:18], False),  # cut 60 % of the way down, still moving
        (np.concatenate([LOWER[:15], np.full(9, LOWER[14])]), False),  # paused halfway 0.3 s
        (np.concatenate([LOWER[:20], np.full(24, LOWER[19])]), True),  # hovering at a third
    ],
)
def test_a_rep_the_clip_ends_in_is_complete_once_back_down(
    tail: np.ndarray, complete: bool
) -> None:
    """Back down: near the floor and stopped falling, or resting most of the way down. Else
    the clip cut the rep: it still counts, with no bottom phase to judge."""
    t, pos = _ending(tail)
    (rep,) = find_reps(t, pos)
    assert rep.kind == "rep"
    assert rep.complete is complete
    assert (rep.phase("bottom") is not None) is complete
    if complete:  # the lowering ends as a rep's followed by another does: 15 % above its low
        low = float(tail.min())
        end = rep.phase("lower")[1]
        assert pos[end] <= low + 0.15 * (1 - low) < pos[end - 1]


# -- a floor bridge held (holds in the rep drills) --------------------------------------------


def _floor_holds(report) -> list:  # noqa: ANN001 - a Report
    return [s for s in report.segments if s.kind == "hold"]


def _marching_track(
    *,
    lifts: tuple[tuple[str, float, float], ...],
    seconds: float = 8.0,
    lift_m: float = 0.25,
    camera: str = "side-left",
    noise: float = 0.002,
):  # noqa: ANN202 - a PoseTrack
    """Hips held up at the top the whole clip; ``lifts``: (lifted side, start s, end s) of a
    foot raised ``lift_m`` with 0.3 s ramps (a marching bridge)."""
    fps = 30.0
    t = np.arange(int(seconds * fps)) / fps
    feet = {"left": np.zeros(t.size), "right": np.zeros(t.size)}
    for side, a, b in lifts:
        feet[side] += lift_m * np.clip((t - a) / 0.3, 0, 1) * np.clip((b - t) / 0.3, 0, 1)
    hip = np.full(t.size, top_hip_height())
    return make_track(hip, fps=fps, camera=camera, noise=noise, arms="sides", foot_lift_m=feet)


@pytest.mark.parametrize("drill", ["banded-bridge", "single-leg-bridge"])
def test_a_clip_held_at_the_top_throughout_is_a_hold_and_no_rep(drill: str) -> None:
    """No lift, no lowering: no rep; the hips up and still the whole clip are one hold."""
    report = _reps(_marching_track(lifts=()), drill)
    assert report.reps == []
    (hold,) = _floor_holds(report)
    assert hold.start_s <= 0.2 and hold.end_s >= 7.8
    assert hold.measures["median_hip_extension_deg"] > 170
    assert report.holds is not None and report.holds.longest_s == pytest.approx(8.0, abs=0.3)
    assert report.holds.mark_reached == ""  # the article's marks are the table top's
    assert not any("no rep" in w for w in report.warnings)


@pytest.mark.parametrize("drill", ["banded-bridge", "single-leg-bridge"])
def test_one_leg_phases_of_a_floor_hold_name_the_stance_leg_and_are_judged(drill: str) -> None:
    """A marching bridge: each lifted foot is a one-leg phase inside the hold, timed by the
    leg held up, its side the stance leg (as the table top's), judged for the hips staying up."""
    lifts = (("right", 1.0, 2.5), ("left", 4.0, 6.0))
    report = _reps(_marching_track(lifts=lifts), drill)
    legs = [s for s in report.segments if s.kind == "single_leg"]
    assert [s.lifted_side for s in legs] == ["right", "left"]
    assert [s.side for s in legs] == ["left", "right"]
    for leg, (_, a, b) in zip(legs, lifts, strict=True):
        # half-way up to half-way down: the 0.3 s ramps' middles
        assert leg.start_s == pytest.approx(a + 0.15, abs=0.15)
        assert leg.end_s == pytest.approx(b - 0.15, abs=0.15)
    prefix = "sbb" if drill == "banded-bridge" else "slgb"
    for leg in legs:
        by_cue = {r.cue_id: r for r in report.results_of(leg.index)}
        assert by_cue[f"{prefix}.hips_stay_up"].status.value == "pass"
        assert f"{leg.lifted_side} foot lifted" in by_cue[f"{prefix}.leg_lift"].message
    assert [s.kind for s in report.segments] == ["hold", "single_leg", "single_leg"]


def test_hips_sagging_on_one_leg_in_a_floor_hold_is_a_fault() -> None:
    fps, n = 30.0, 240
    t = np.arange(n) / fps
    lift = 0.25 * np.clip((t - 3.0) / 0.3, 0, 1) * np.clip((5.5 - t) / 0.3, 0, 1)
    hip = np.full(n, top_hip_height()) - 0.16 * lift  # the hips sink 4 cm (~10°) on one leg
    track = make_track(
        hip, fps=fps, noise=0.002, arms="sides", foot_lift_m={"left": np.zeros(n), "right": lift}
    )
    report = _reps(track)
    (leg,) = [s for s in report.segments if s.kind == "single_leg"]
    (sag,) = [r for r in report.results_of(leg.index) if r.cue_id == "sbb.hips_stay_up"]
    assert sag.status.value == "fault" and sag.value is not None and sag.value > 5.0


def test_a_rep_with_a_long_top_is_still_one_rep_and_its_top_a_hold() -> None:
    """A 4 s top: counted and judged as a rep (its top pause), and held still ≥ 2 s, a hold
    inside it; the rep count is reps only."""
    report = _reps(bridge_track(2, top_s=4.0, noise=0.003))
    assert len(report.reps) == 2
    holds = _floor_holds(report)
    assert len(holds) == 2
    for rep, hold in zip(report.reps, holds, strict=True):
        top = next(p for p in rep.phases if p.name == "top")
        assert top.start_s <= hold.start_s < hold.end_s <= top.end_s
        assert hold.end_s - hold.start_s == pytest.approx(4.0, abs=0.5)
        assert rep.measures["top_pause_s"] >= 4.0
    # the reps keep their places (rep i is segment i); the holds follow, as a table top's do
    assert [s.kind for s in report.segments] == ["rep", "rep", "hold", "hold"]
    # the next rep of a rep is found past the hold of its top (slgb.not_your_bone's rest)
    assert sum(r.cue_id == "sbb.intent" for r in report.results) == 2


@pytest.mark.parametrize("top_s", [0.5, 1.0, 1.5])
def test_a_squeeze_shorter_than_a_hold_is_no_hold(top_s: float) -> None:
    """Reps with the squeeze the article asks for (≥ 1 s) stay reps alone: the top's band
    takes in the ends of the lift and lowering, the hold only the hips still."""
    report = _reps(bridge_track(3, top_s=top_s, noise=0.003))
    assert len(report.reps) == 3
    assert _floor_holds(report) == [] and report.holds is None


@pytest.mark.parametrize(("lead_s", "holds"), [(1.0, 0), (3.5, 1)])
def test_a_clip_opening_at_the_top_and_lowering_is_a_partial_and_reps(
    lead_s: float, holds: int
) -> None:
    """The opening top stays a partial (not counted) and the reps follow, as before; an
    opening top held ≥ 2 s is also a hold."""
    report = _reps(bridge_track(2, start_at_top=True, lead_s=lead_s, noise=0.003))
    assert [s.kind for s in report.segments if s.kind != "hold"] == ["partial", "rep", "rep"]
    assert len(report.reps) == 2
    found = _floor_holds(report)
    assert len(found) == holds
    if found:
        assert found[0].start_s == 0.0 and found[0].end_s <= report.segments[0].end_s


def test_a_held_bridge_whose_hips_sag_once_keeps_its_holds_either_side() -> None:
    """An 8 cm sag in a 12 s hold moves the hips a rep's swing (an opening partial, then a rep
    the clip ends in): the hips held for most of each are holds inside them."""
    fps = 30.0
    t = np.arange(int(12 * fps)) / fps
    sag = 0.08 * np.clip(1 - np.abs(t - 6.0) / 0.6, 0, 1)
    report = _reps(make_track(np.full(t.size, top_hip_height()) - sag, fps=fps, noise=0.002))
    holds = [(h.start_s, h.end_s) for h in _floor_holds(report)]
    assert len(holds) == 2
    assert holds[0][0] == 0.0 and 5.0 <= holds[0][1] <= 5.6
    assert 6.4 <= holds[1][0] <= 7.0 and holds[1][1] == pytest.approx(12.0, abs=0.05)


def test_lying_flat_on_the_floor_is_no_hold() -> None:
    """Hips on the floor (legs long: hip extension near 180°) are not hips up."""
    hip = np.full(240, 0.02)  # the hips' centre 2 cm up: on the mat, level with the shoulders
    report = _reps(make_track(hip, noise=0.002))
    assert report.segments == [] and "no rep found" in report.warnings


def test_find_floor_holds_on_signals() -> None:
    """Hips up and still ≥ 2 s, outside a rep's lift, lowering and bottom (its top may be)."""
    from formcheck.segment import Span, find_floor_holds

    fps = 20.0
    t = np.arange(0, 10.0, 1 / fps)
    ext = np.full(t.size, 172.0)
    up = np.full(t.size, 0.45)
    assert [(h.start, h.end) for h in find_floor_holds(t, ext, up)] == [(0, t.size)]
    # too low to be up; moving too fast to be still; up for too short a time
    assert find_floor_holds(t, ext, np.full(t.size, 0.1)) == []
    assert find_floor_holds(t, ext, 0.45 + 0.15 * np.sin(2 * np.pi * t / 2.0)) == []
    short = np.where((t >= 3.0) & (t < 4.5), 0.45, 0.0)
    assert find_floor_holds(t, ext, short) == []
    # a rep over frames 40–120 with its top at 60–110: the hold keeps out of its lift and lower
    rep = Span(
        kind="rep",
        start=40,
        end=120,
        phases=(("lift", 40, 60), ("top", 60, 110), ("lower", 110, 120)),
    )
    spans = [(h.start, h.end) for h in find_floor_holds(t, ext, up, [rep])]
    assert spans == [(0, 40), (60, 110), (120, t.size)]
    # no hip extension (a view that cannot show it): hips up and still alone
    assert len(find_floor_holds(t, np.full(t.size, np.nan), up)) == 1


def test_floor_one_leg_phases_are_timed_by_the_leg_held_up() -> None:
    """Half-way up to half-way down, whatever the height the lift is read at."""
    from formcheck.segment import find_floor_single_leg

    t = np.arange(0.0, 6.0, 1 / 30)
    zero = np.zeros_like(t)
    for height in (8.0, 60.0):  # a low lift and a knee lifted high (a marching bridge)
        lifted = _lift(t, 2.0, 4.0, height)  # 0.3 s ramps
        (leg,) = find_floor_single_leg(t, lifted, zero, _hold(t.size))
        assert leg.side == "right"  # the stance leg
        assert t[leg.start] == pytest.approx(2.15, abs=0.05)
        assert t[leg.end - 1] == pytest.approx(3.85, abs=0.05)


# -- a table top done as reps ---------------------------------------------------------------


def _span(kind: str, a: int, b: int) -> Span:
    return Span(kind=kind, start=a, end=b)


T30 = np.arange(900) / 30.0  # 30 s at 30 fps


def test_brief_tops_make_a_set_of_reps_and_only_long_tops_stay_holds() -> None:
    """Hip thrusts in the table-top position: five 1.5 s squeezes and a last top held 4 s.
    Every rep is counted; the holds are the long top only."""
    reps = [_span("rep", 90 * i, 90 * (i + 1)) for i in range(6)]
    holds = [_span("hold", 90 * i + 20, 90 * i + 65) for i in range(5)]
    holds.append(_span("hold", 470, 590))  # 4 s
    counted, kept = reps_or_holds(T30, reps, holds)
    assert counted == reps
    assert kept == [holds[-1]]


@pytest.mark.parametrize(
    ("reps", "holds"),
    [
        ([], [_span("hold", 30, 400)]),  # no swing at all
        # one lift into a long hold and back down: the hold's own cycle
        ([_span("rep", 0, 500)], [_span("hold", 30, 400)]),
        # a hold that sags once and recovers: two cycles whose tops are both long
        (
            [_span("partial", 0, 200), _span("rep", 200, 500)],
            [_span("hold", 0, 180), _span("hold", 230, 480)],
        ),
        # one squeeze first, then the hold
        (
            [_span("rep", 0, 120), _span("rep", 120, 600)],
            [_span("hold", 20, 70), _span("hold", 140, 480)],
        ),
    ],
)
def test_a_held_set_stays_holds_without_reps(reps: list[Span], holds: list[Span]) -> None:
    """Fewer than two brief tops: the set is held as the article means it, every hold kept."""
    assert reps_or_holds(T30, reps, holds) == ([], holds)


def test_the_held_top_threshold_is_a_setting() -> None:
    """Tops of 2 s are holds with ``held_top_s`` = 1.5: no brief rep is left, no reps."""
    reps = [_span("rep", 90 * i, 90 * (i + 1)) for i in range(3)]
    holds = [_span("hold", 90 * i + 15, 90 * i + 75) for i in range(3)]
    assert reps_or_holds(T30, reps, holds)[0] == reps
    assert reps_or_holds(T30, reps, holds, SegmentParams(held_top_s=1.5)) == ([], holds)


def test_a_table_top_rep_is_at_the_top_while_it_holds_there() -> None:
    """A hip thrust's extension overshoots to 172° as the hips arrive, then holds 163° for
    1.5 s: the top is the whole held plateau (the hold's dip rule), not the 0.2 s overshoot
    that 5° of the peak would give."""
    fps = 30.0
    ext = np.concatenate(
        [
            np.linspace(100, 172, 12),  # the lift
            np.full(6, 172.0),  # the overshoot
            np.full(45, 163.0),  # held
            np.linspace(163, 100, 15),  # the lowering
            np.full(12, 100.0),
        ]
    )
    n = ext.size
    t = np.arange(n) / fps
    rep = find_reps(t, (ext - 100) / 72, ext)[0]
    narrow = rep.phase("top")
    assert narrow is not None and (narrow[1] - narrow[0]) / fps < 0.5
    held = held_top(rep, ext)
    top = held.phase("top")
    assert top is not None
    assert top[0] <= 12 and top[1] >= 63  # from the overshoot to the end of the plateau
    assert top_pause_s(held, t) >= 1.7
    lift, lower = held.phase("lift"), held.phase("lower")
    assert lift is not None and lower is not None
    assert lift[1] == top[0] and lower[0] == top[1]
    # a rep that never reaches a hold's extension keeps its top
    low = np.minimum(ext, 130.0)
    low_rep = find_reps(t, (low - 100) / 30, low)[0]
    assert held_top(low_rep, low) == low_rep


def _table_top_reps_track(
    tops_s: tuple[float, ...], noise: float = 0.003, camera: str = "side-left"
):
    """Hip thrusts in the table-top position (the table top's hip heights), one top each."""
    fps = 30.0
    parts = [np.full(int(fps), 0.25)]
    for top in tops_s:
        parts.append(rep_profile(reps=1, fps=fps, lift_s=0.6, top_s=top, lower_s=0.7, rest_s=0.4,
                                 low=0.25, high=0.5, lead_s=0.0, tail_s=0.0))  # fmt: skip
    parts.append(np.full(int(fps), 0.25))
    return make_track(
        np.concatenate(parts), fps=fps, camera=camera, noise=noise, shoulder_y=0.5, arms="sides"
    )


@pytest.mark.parametrize("camera", ["side-left", "oblique"])
def test_a_table_top_done_as_reps_counts_them_with_an_honest_hold_summary(camera: str) -> None:
    # the stick figure's landmarks are exact: judged without the camera sweep's limits
    report = analyze_track(
        _table_top_reps_track((1.5, 1.5, 1.5, 1.5, 4.0), camera=camera),
        drill="table-top",
        camera_limits=False,
    ).report
    assert len(report.reps) == 5
    for rep in report.reps:
        assert rep.measures["lift_s"] and rep.measures["lower_s"]
        assert (rep.measures["peak_hip_extension_deg"] or 0.0) > 165.0
    tops = [p.end_s - p.start_s for r in report.reps for p in r.phases if p.name == "top"]
    assert tops[:4] == [pytest.approx(1.5, abs=0.5)] * 4 and tops[4] == pytest.approx(4.0, abs=0.5)
    (hold,) = [s for s in report.segments if s.kind == "hold"]
    assert hold.end_s - hold.start_s == pytest.approx(4.0, abs=0.5)
    assert report.holds is not None and report.holds.mark_reached == "none"
    (duration,) = [r for r in report.results if r.cue_id == "tth.duration"]
    assert "below the 10 s mark" in duration.message
    assert not [s for s in report.segments if s.kind == "single_leg"]
    assert "no hold found" not in report.warnings


@pytest.mark.parametrize("dips", [((4.0, 1.5, 0.2),), ((3.0, 1.0, 0.2), (7.0, 1.0, 0.2))])
def test_a_table_top_hold_that_dips_stays_holds(dips: tuple) -> None:
    """A held set whose hips sag and recover is holds, never reps (the dips are no set)."""
    report = analyze_track(
        table_top_track(hold_s=12.0, dips=dips, noise=0.003), drill="table-top"
    ).report
    assert report.reps == []
    assert len([s for s in report.segments if s.kind == "hold"]) == len(dips) + 1
