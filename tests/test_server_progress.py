"""An athlete's progress across sessions (`formcheck.server.progress`), from real reports: the
sample clips' (cached tracks) and the synthetic athlete's tracks through the whole analysis."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, replace
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest

from formcheck.pipeline import analyze, analyze_track
from formcheck.report.csvout import rows_to_csv
from formcheck.report.model import ClipInfo, Detection, DrillInfo, Report, Status
from formcheck.report.serialize import report_from_dict, report_to_dict
from formcheck.server.progress import (
    HISTORY_COLUMNS,
    HistoryEntry,
    Progress,
    athlete_progress,
    history_rows,
)
from formcheck.server.progress_plots import progress_plots
from formcheck_synth import Faults, LegLift, SynthSpec, generate

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LIFT = (LegLift(side="left", at_s=3.0, duration_s=3.0),)
SVG = "{http://www.w3.org/2000/svg}"


@cache
def sample(name: str, variant: str = "") -> Report:
    """A sample clip's report (its track cached after the first run)."""
    return analyze(SAMPLES / f"{name}.mp4", drill="table-top", variant=variant).report


@cache
def synth(drill: str, **kw: object) -> Report:
    """The synthetic athlete's clip through the analysis (fps 10–15: fast, still judged)."""
    kw.setdefault("fps", 10.0 if drill == "table-top" else 15.0)
    spec = SynthSpec(drill=drill, **kw)  # type: ignore[arg-type]
    variant = "toe" if spec.toe_variant else ""
    return analyze_track(generate(spec).track, drill=drill, variant=variant).report


def table_top(hold_s: float, **kw: object) -> Report:
    return synth("table-top", hold_s=hold_s, **kw)


def bridge(**kw: object) -> Report:
    return synth("single-leg-bridge", reps=4, **kw)


def entry(clip_id: str, report: Report, days: float = 0, name: str = "") -> HistoryEntry:
    return HistoryEntry(
        clip_id=clip_id, recorded_at=DAY + timedelta(days=days), report=report, clip_name=name
    )


def nothing_found() -> Report:
    """A clip where nobody was found: no drill, nothing judged."""
    return Report(
        clip=ClipInfo(path="empty.mp4", name="empty.mp4"),
        detection=Detection(frames_total=30, frames_with_person=0, person_fraction=0.0),
    )


def not_a_bridge() -> Report:
    """A report of drill "none" that still carries results: none of them may count."""
    none = DrillInfo(id="none", name="not one of the three drills", not_a_bridge=["sit-up"])
    return replace(bridge(faults=Faults(lower_s=0.8)), drill=none)


# -- sessions ----------------------------------------------------------------------------------
def test_clips_group_into_utc_calendar_days_in_date_order() -> None:
    late_evening = datetime(2026, 3, 5, 1, 30, tzinfo=timezone(timedelta(hours=5)))  # 4th, UTC
    entries = [
        entry("c", bridge(), days=2.5),
        entry("a", table_top(6), days=0, name="monday.mp4"),
        HistoryEntry(clip_id="d", recorded_at=late_evening, report=table_top(15)),
        entry("b", bridge(), days=0.2),
        HistoryEntry(clip_id="e", recorded_at=datetime(2026, 3, 9, 8), report=table_top(6)),
    ]
    progress = athlete_progress(entries)
    assert [s.date for s in progress.sessions] == ["2026-03-02", "2026-03-04", "2026-03-09"]
    first, second, third = progress.sessions
    assert [c.clip_id for c in first.clips] == ["a", "b"]
    assert [c.clip_id for c in second.clips] == ["d", "c"]  # 20:30 UTC before 21:00 UTC
    assert third.clips[0].recorded_at == "2026-03-09T08:00:00+00:00"  # naive read as UTC
    assert first.clips[0].clip_name == "monday.mp4"
    assert first.drills == ["table-top", "single-leg-bridge"]
    assert first.reps == len(bridge().reps) == 4
    assert progress.clips == progress.judged_clips == 5


def test_a_clip_of_no_bridge_drill_or_without_a_drill_counts_for_nothing() -> None:
    progress = athlete_progress([entry("x", not_a_bridge()), entry("y", nothing_found())])
    (session,) = progress.sessions
    assert [(c.clip_id, c.judged) for c in session.clips] == [("x", False), ("y", False)]
    assert session.drills == [] and session.reps == 0 and session.key_points == []
    assert session.sides is None and session.longest_hold_s is None
    assert progress.judged_clips == 0 and progress.suggestion is None


def test_longest_hold_of_each_session_and_the_mark_it_reached() -> None:
    entries = [
        entry("short", table_top(6)),
        entry("longer", table_top(15), days=0.1),
        entry("long", table_top(125), days=1),
        entry("reps", bridge(), days=2),
    ]
    s1, s2, s3 = athlete_progress(entries).sessions
    longer = table_top(15).holds
    assert longer is not None and 15 <= longer.longest_s < 20
    assert (s1.longest_hold_s, s1.longest_hold_clip_id, s1.hold_mark) == (
        longer.longest_s, "longer", "10s",
    )  # fmt: skip
    assert s1.hold_hips_up is True
    assert s2.hold_mark == "2min" and s2.longest_hold_s is not None and s2.longest_hold_s >= 120
    assert s3.longest_hold_s is None and s3.hold_mark is None and s3.progression is None


# -- progression reached -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "report, expected",
    [
        (lambda: sample("table_top_clean_side"), "two_leg"),
        (lambda: sample("table_top_leg_lift_side"), "one_leg"),
        # the toe variant asked, but the heel stays down: one leg lifted, not heel up
        (lambda: sample("table_top_heel_down_side", "toe"), "one_leg"),
        (lambda: table_top(15, leg_lifts=LIFT, toe_variant=True), "heel_up"),
        # hips sag on the lifted leg: "making sure hips stay up" not done
        (lambda: table_top(15, leg_lifts=LIFT, faults=Faults(hip_sag_deg=12)), "two_leg"),
    ],
    ids=["two-leg", "leg-lift", "toe-heel-down", "heel-up", "leg-lift-hips-sag"],
)
def test_the_table_top_progression_reached(report: object, expected: str) -> None:
    got = report()  # type: ignore[operator]
    (session,) = athlete_progress([entry("t", got)]).sessions
    assert session.progression == expected
    assert session.clips[0].progression == expected
    assert session.progression_words in (
        "Hold statically with both legs", "Lift one leg an inch off the ground",
        "come up on the toe and make sure the heel is off the ground",
    )  # fmt: skip


def test_the_hardest_progression_of_the_day_is_the_sessions() -> None:
    heel = table_top(15, leg_lifts=LIFT, toe_variant=True)
    entries = [entry("a", table_top(6)), entry("b", heel, days=0.1), entry("c", table_top(15))]
    assert athlete_progress(entries).sessions[0].progression == "heel_up"


# -- fault rates -------------------------------------------------------------------------------
def test_fault_rate_per_key_point_counts_pass_and_fault_only() -> None:
    one_fast = bridge(faults=Faults(lower_s=0.8, reps=(1,)))
    (session,) = athlete_progress([entry("a", one_fast)]).sessions
    rates = {c.cue_id: c for c in session.key_points}
    slow = rates["slgb.slow_down"]
    assert (slow.judged, slow.faults, slow.rate) == (4, 1, 0.25)
    assert slow.key_point == "Slow on the way down" and slow.drill == "single-leg-bridge"
    # the side view cannot see the pelvis: not measurable, so not a key point judged
    assert {r.status for r in one_fast.results if r.cue_id == "slgb.hips_level"} == {
        Status.NOT_MEASURABLE
    }
    assert "slgb.hips_level" not in rates
    # one passing rep turned "not measurable" leaves 1 fault in 3 judged
    i = next(
        k for k, r in enumerate(one_fast.results)
        if r.cue_id == "slgb.slow_down" and r.status is Status.PASS
    )  # fmt: skip
    results = list(one_fast.results)
    results[i] = replace(results[i], status=Status.NOT_MEASURABLE)
    fewer = replace(one_fast, results=results)
    (session,) = athlete_progress([entry("a", fewer)]).sessions
    slow = next(c for c in session.key_points if c.cue_id == "slgb.slow_down")
    assert (slow.judged, slow.faults, slow.rate) == (3, 1, 0.333)
    # info measures never count
    assert all(c.cue_id not in ("tth.duration", "tth.time_in_position")
               for s in athlete_progress([entry("t", table_top(6))]).sessions
               for c in s.key_points)  # fmt: skip


def test_fault_rates_pool_the_days_clips_and_follow_the_sessions() -> None:
    one_fast = bridge(faults=Faults(lower_s=0.8, reps=(1,)))
    entries = [entry("a", one_fast), entry("b", bridge(), days=0.1), entry("c", bridge(), days=1)]
    day1, day2 = athlete_progress(entries).sessions
    pick = {s.date: next(c for c in s.key_points if c.cue_id == "slgb.slow_down") for s in (day1, day2)}
    assert (pick["2026-03-02"].judged, pick["2026-03-02"].faults) == (8, 1)
    assert pick["2026-03-02"].rate == 0.125 and pick["2026-03-03"].rate == 0.0


# -- left and right ----------------------------------------------------------------------------
def test_left_and_right_of_the_single_leg_bridge_and_their_difference() -> None:
    fast_right = bridge(faults=Faults(lower_s=0.8, reps=(1, 3)))  # reps 2 and 4: the right leg
    sides = {s.side: s for s in fast_right.sides}
    (session,) = athlete_progress([entry("a", fast_right)]).sessions
    got = session.sides
    assert got is not None
    assert (got.left.reps, got.right.reps) == (sides["left"].reps, sides["right"].reps) == (2, 2)
    assert got.left.lower_s_mean == sides["left"].lower_s_mean
    assert got.right.peak_hip_extension_deg_mean == sides["right"].peak_hip_extension_deg_mean
    right_lower = sides["right"].lower_s_mean
    assert right_lower is not None and got.left.lower_s_mean is not None
    assert got.difference.lower_s == pytest.approx(got.left.lower_s_mean - right_lower, abs=1e-3)
    assert (got.difference.lower_s or 0.0) > 0.5  # the right leg lowers fast
    assert got.left.faults == 0 and got.right.faults >= 2
    assert got.right.fault_rate is not None and got.right.fault_rate > 0
    assert got.difference.fault_rate == pytest.approx(-got.right.fault_rate, abs=1e-3)
    assert got.difference.reps == 0


def test_per_side_means_over_a_days_clips_weigh_each_by_its_reps() -> None:
    a, b = bridge(), synth("single-leg-bridge", reps=2, seed=3)
    (session,) = athlete_progress([entry("a", a), entry("b", b, days=0.1)]).sessions
    assert session.sides is not None
    left = [s for r in (a, b) for s in r.sides if s.side == "left"]
    peaks = [(s.peak_hip_extension_deg_mean or 0.0, s.reps) for s in left]
    want = sum(v * n for v, n in peaks) / sum(n for _, n in peaks)
    assert session.sides.left.reps == sum(s.reps for s in left) == 3
    assert session.sides.left.peak_hip_extension_deg_mean == pytest.approx(want, abs=1e-3)


# -- the next progression ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "hold_s, kw, kind, target, words",
    [
        (6, {}, "mark", "10s", "10 s mark"),
        (15, {}, "mark", "20s", "20 s mark"),
        (30, {}, "mark", "2min", "Work up to 2 minutes"),
        (125, {}, "progression", "one_leg", "Lift one leg an inch off the ground"),
        (125, {"leg_lifts": LIFT}, "progression", "heel_up", "come up on the toe"),
        # 2 minutes, hips not up (hold_top fault): still the 2 min mark, with the hips up
        (125, {"faults": Faults(extension_short_deg=20)}, "mark", "2min", "with the hips up"),
    ],
    ids=["below-10s", "below-20s", "below-2min", "2min", "2min-one-leg", "2min-hips-low"],
)
def test_the_next_step_follows_the_article(
    hold_s: float, kw: dict[str, object], kind: str, target: str, words: str
) -> None:
    report = table_top(hold_s, **kw)
    suggestion = athlete_progress([entry("old", bridge()), entry("t", report, days=1)]).suggestion
    assert suggestion is not None
    assert (suggestion.kind, suggestion.target) == (kind, target)
    assert words in suggestion.text and suggestion.date == "2026-03-03"
    assert suggestion.clip_id == "t"
    assert report.holds is not None and suggestion.hold_s == pytest.approx(report.holds.longest_s)
    assert suggestion.hips_up is ("faults" not in kw)


def test_no_suggestion_without_a_table_top_or_past_the_hardest_progression() -> None:
    assert athlete_progress([entry("a", bridge())]).suggestion is None
    assert athlete_progress([]).suggestion is None
    hardest = table_top(125, leg_lifts=LIFT, toe_variant=True)
    assert athlete_progress([entry("a", hardest)]).suggestion is None


def test_the_suggestion_reads_the_latest_table_top_session() -> None:
    entries = [entry("long", table_top(125)), entry("short", table_top(6), days=3)]
    suggestion = athlete_progress(entries).suggestion
    assert suggestion is not None and (suggestion.clip_id, suggestion.target) == ("short", "10s")


# -- JSON --------------------------------------------------------------------------------------
def test_progress_is_plain_json_and_the_same_from_reports_read_back() -> None:
    entries = [
        entry("a", table_top(15, leg_lifts=LIFT, toe_variant=True)),
        entry("b", bridge(faults=Faults(lower_s=0.8, reps=(1,))), days=1),
        entry("c", not_a_bridge(), days=1),
    ]
    progress = athlete_progress(entries)
    plain = asdict(progress)
    assert json.loads(json.dumps(plain, allow_nan=False)) == plain
    read_back = [replace(e, report=report_from_dict(report_to_dict(e.report))) for e in entries]
    assert athlete_progress(read_back) == progress


# -- plots -------------------------------------------------------------------------------------
def _plots(entries: list[HistoryEntry]) -> dict[str, ET.Element]:
    return {k: ET.fromstring(v) for k, v in progress_plots(athlete_progress(entries)).items()}


def _texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def test_plots_are_standalone_svg_with_titles_axes_and_the_hold_marks() -> None:
    entries = [
        entry("a", table_top(6)), entry("b", bridge(faults=Faults(lower_s=0.8, reps=(1,))), days=1),
        entry("c", table_top(30), days=2),
    ]  # fmt: skip
    plots = _plots(entries)
    assert set(plots) == {"longest_hold", "fault_rates", "left_right"}
    for svg in plots.values():
        assert svg.tag == f"{SVG}svg" and svg.get("viewBox", "").startswith("0 0 ")
        assert svg.get("width") == "100%" and svg.find(f"{SVG}title") is not None
        assert "session (date, UTC)" in _texts(svg)
    hold = plots["longest_hold"]
    marks = [m for m in hold.iter(f"{SVG}line") if m.get("class") == "mark"]
    assert [m.findtext(f"{SVG}title") for m in marks] == ["10 s", "20 s", "2 min"]
    assert {"10 s", "20 s", "2 min", "seconds"} <= set(_texts(hold))
    # a point per session with a hold, the session without none
    assert len(list(hold.iter(f"{SVG}circle"))) == 2
    assert "Slow on the way down" in _texts(plots["fault_rates"])
    assert {"left leg", "right leg"} <= set(_texts(plots["left_right"]))


def test_plot_text_is_escaped() -> None:
    report = bridge()
    odd = [replace(r, cue_id="coach.<b>&") if r.cue_id == "slgb.hips_up" else r for r in report.results]
    svg = progress_plots(athlete_progress([entry("a", replace(report, results=odd))]))["fault_rates"]
    assert "coach.&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert "coach.<b>&" in _texts(ET.fromstring(svg))


def test_a_plot_without_data_is_left_out() -> None:
    assert set(_plots([entry("a", table_top(6))])) == {"longest_hold", "fault_rates"}
    assert "longest_hold" not in _plots([entry("a", bridge())])
    assert _plots([entry("x", not_a_bridge())]) == {}
    assert progress_plots(Progress(sessions=[], clips=0, judged_clips=0)) == {}


# -- CSV ---------------------------------------------------------------------------------------
def test_history_rows_have_every_column_one_row_per_clip_oldest_first() -> None:
    entries = [
        entry("b", bridge(), days=1, name="bridge, right then left.mp4"),
        entry("a", table_top(15, leg_lifts=LIFT, toe_variant=True)),
        entry("y", nothing_found(), days=2),
    ]
    rows = history_rows(entries, athlete="Sam")
    assert [r["clip_id"] for r in rows] == ["a", "b", "y"]
    assert all(list(r) == HISTORY_COLUMNS for r in rows)
    table = list(csv.DictReader(io.StringIO(rows_to_csv(rows, HISTORY_COLUMNS))))
    assert list(table[0]) == HISTORY_COLUMNS and len(table) == 3
    top, slgb, empty = table
    assert (top["date"], top["athlete"], top["drill"], top["variant"]) == (
        "2026-03-02", "Sam", "table-top", "toe",
    )  # fmt: skip
    assert top["progression"] == "heel_up" and top["hold_mark"] == "10s"
    assert float(top["longest_hold_s"]) >= 10 and top["holds"] == "1"
    assert slgb["clip"] == "bridge, right then left.mp4" and slgb["reps"] == "4"
    assert (slgb["left_reps"], slgb["right_reps"]) == ("2", "2")
    assert float(slgb["left_peak_hip_extension_deg"]) > 165
    assert (empty["judged"], empty["drill"], empty["reps"]) == ("False", "", "0")
