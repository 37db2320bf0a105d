"""The HTML report: self-contained, says everything CUES.md asks, and loads in a real browser."""

from __future__ import annotations

import base64
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import report_fakes as rf

from formcheck.report.html import render_html, write_html
from formcheck.report.keyframes import crop_box
from formcheck.report.model import CueResult, HoldSummary, Reason, Report, Segment, Status
from formcheck.report.svgplot import PlotSpec, decimate, nice_ticks, svg_plot
from formcheck.report.words import REASON_WORDS, cue_words, legend

rf.ensure_video_module()


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory):
    clip = tmp_path_factory.mktemp("html") / "bridge.mp4"
    a = rf.fake_analysis(clip_path=str(clip))
    rf.render_clip(a.track, clip)
    return a


@pytest.fixture(scope="module")
def page(analysis) -> str:
    return render_html(analysis)


def test_page_is_self_contained(page: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "no network references"
    assert '<link rel="stylesheet"' not in page and "<script src" not in page
    for src in re.findall(r'src="([^"]*)"', page):
        assert src.startswith("data:"), src
    assert "<style>" in page and "<script>" in page


def test_verdict_drill_view_and_what_cannot_be_measured(page: str) -> None:
    assert "1 fault in 3 reps" in page
    assert "Single Leg Glute Bridge" in page and "side-left" in page
    view = page[page.index('id="view"') :]
    view = view[: view.index("</section>")]
    assert (
        "Not measurable from this view" in view and cue_words("slgb.hips_level").key_point in view
    )


def test_a_clean_headline_says_how_many_key_points_were_judged(analysis) -> None:
    """An oblique view judging 2 of 8 key points once read "Good form: no faults in 2 reps"."""
    seg = analysis.report.segments[0].index
    results = [
        CueResult(cue_id="slgb.hips_up", segment_index=seg, status=Status.PASS),
        CueResult(cue_id="slgb.hips_level", segment_index=seg, status=Status.NOT_MEASURABLE,
                  reason=Reason.VIEW),
    ]  # fmt: skip
    headline = re.search(r'class="headline">([^<]*)', render_html(_with_results(analysis, results)))
    assert headline and headline[1] == "No faults in 3 reps: 1 of 2 key points judged"
    every = [r for r in results if r.status is Status.PASS]
    headline = re.search(r'class="headline">([^<]*)', render_html(_with_results(analysis, every)))
    assert headline and headline[1] == "Good form: no faults in 3 reps"
    none = [r for r in results if r.status is Status.NOT_MEASURABLE]
    page = render_html(_with_results(analysis, none))
    headline = re.search(r'class="headline">([^<]*)', page)
    assert headline and headline[1] == (
        "Nothing judged in 3 reps: no key point could be measured in this clip"
    ), "an oblique view that judged nothing once read 'Good form: no faults in 2 reps'"
    assert 'class="card verdict none"' in page


def test_an_oblique_view_says_its_angle_and_why_key_points_are_left_out(analysis) -> None:
    from formcheck.report.model import ViewInfo

    view = ViewInfo(name="oblique", confidence=0.7, can_measure=["slgb.touch_ground"],
                    cannot_measure=["slgb.hips_level"], yaw_deg=46.8)  # fmt: skip
    oblique = replace(analysis, report=replace(analysis.report, view=view))
    card = render_html(oblique)
    card = card[card.index('id="view"') :]
    card = card[: card.index("</section>")]
    assert "about 47° off side-on" in card and "camera sweep" in card
    side = render_html(analysis)
    side = side[side.index('id="view"') :]
    assert "camera sweep" not in side[: side.index("</section>")]


def test_every_cue_of_every_rep_with_value_threshold_and_status(page: str, analysis) -> None:
    reps = page[page.index('id="reps"') :]
    cards = reps.split('class="card rep-card"')[1:]
    assert len(cards) == 3
    for card, seg in zip(cards, analysis.report.reps, strict=True):
        results = [r for r in analysis.report.results if r.segment_index == seg.index]
        assert card.count("<tr") == len(results) + 1
        for r in results:
            assert r.cue_id in card
        assert f"{seg.measures['peak_hip_extension_deg']:.0f}°" in card
        assert "≥ 165°" in card and "≤ 10°" in card
    assert cards[1].count("badge fault") == 1 and cards[0].count("badge fault") == 0
    assert reps.count("badge not_measurable") == 3
    assert cue_words("slgb.slow_down").key_point in cards[1]


def test_overview_marks_each_rep_and_cue(page: str) -> None:
    overview = page[page.index('id="overview"') :]
    overview = overview[: overview.index("</table>")]
    rows = overview.split("<tr>")[2:]
    assert len(rows) == 3
    assert [row.count("badge fault") for row in rows] == [0, 1, 0]
    assert all(
        row.count("badge pass") == 2 and row.count("badge not_measurable") == 1
        for row in (rows[0], rows[2])
    )


def test_plots_with_reps_faults_and_thresholds(page: str, analysis) -> None:
    svgs = re.findall(r"<svg class=\"plot\".*?</svg>", page, flags=re.S)
    assert len(svgs) == 4
    titles = ["Bridge height", "Hip extension", "Pelvic tilt", "Head–neck"]
    for svg, title in zip(svgs, titles, strict=True):
        assert title in svg
        assert svg.count('class="rep"') == 3 and svg.count('class="bound"') == 6
    assert svgs[0].count('class="fault"') == 1, "the slow-down fault is shaded on bridge height"
    assert 'class="thr"' in svgs[1], "the 165° threshold on hip extension"
    assert "not measurable in this clip" in svgs[2] and "<polyline" not in svgs[2]
    assert svgs[1].count("<polyline") == 1


def test_key_frames_are_jpegs_with_the_skeleton(page: str) -> None:
    uris = re.findall(r'<img src="data:image/jpeg;base64,([^"]+)"', page)
    assert len(uris) == 3
    img = cv2.imdecode(np.frombuffer(base64.b64decode(uris[0]), np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and 100 < img.shape[1] < 320, "cropped to the athlete"
    b, g, r = (img[:, :, i].astype(int) for i in range(3))
    assert ((g > 150) & (g > r + 60) & (g > b + 30)).sum() > 50, "green skeleton drawn"
    assert "frame at 1.60 s" in page, "rep 1's top phase is 1.1–2.1 s"


def test_crop_box_holds_the_athlete_within_the_frame() -> None:
    pts = np.array([[400.0, 300.0, 1.0], [600.0, 380.0, 1.0], [np.nan, np.nan, 0.0]])
    x0, y0, x1, y1 = crop_box(pts, (1280, 720))
    assert x0 <= 400 - 30 and x1 >= 600 + 30 and y0 <= 300 and y1 >= 380
    assert 0 <= x0 and x1 <= 1280 and 0 <= y0 and y1 <= 720
    assert (y1 - y0) >= 0.35 * 720 - 1, "a flat pose still gets a usable height"
    assert crop_box(np.full((33, 3), np.nan), (640, 480)) == (0, 0, 640, 480)
    assert crop_box(np.array([[5.0, 5.0, 1.0], [1270.0, 715.0, 1.0]]), (1280, 720)) == (
        0,
        0,
        1280,
        720,
    )


def test_coach_checks_warnings_escaped(page: str) -> None:
    coach = page[page.index('id="coach"') :]
    assert "Shoes off" in coach and "Drive toe down into the kettlebell" in coach
    assert "&lt;b&gt;escaped&lt;/b&gt;" in page and "<b>escaped</b>" not in page


def test_hold_progression_marks(analysis) -> None:
    report = replace(
        analysis.report,
        holds=HoldSummary(segments=2, longest_s=25.0, total_s=40.0, mark_reached="20s"),
    )
    html = render_html(replace(analysis, report=report), thumbnails=False)
    holds = html[html.index('id="holds"') :]
    assert holds.count('class="mark reached"') == 2 and holds.count('class="mark"') == 1
    assert "25.0 s" in holds and "20s" in holds


def test_unreadable_clip_still_gives_a_page(analysis, tmp_path: Path) -> None:
    html = render_html(analysis, clip_path=tmp_path / "gone.mp4")
    assert "key frame unavailable" in html and "data:image/jpeg" not in html


def test_nothing_found(analysis) -> None:
    empty: Report = replace(analysis.report, segments=[], results=[])
    html = render_html(replace(analysis, report=empty), thumbnails=False)
    assert "No reps or holds found" in html


def test_hold_segments_are_shaded(analysis) -> None:
    report = replace(
        analysis.report,
        segments=[Segment(index=0, kind="hold", start_s=1.0, end_s=8.0)],
        results=[],
    )
    html = render_html(replace(analysis, report=report), thumbnails=False)
    assert "Hold 1" in html and html.count('class="rep"') == 4


def test_write_html_is_atomic(analysis, tmp_path: Path) -> None:
    out = write_html(analysis, tmp_path / "sub" / "r.html", thumbnails=False)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(out.parent.glob(".*part"))


# -- plots ---------------------------------------------------------------------------------------


def test_decimate_keeps_extremes_and_bounds_size() -> None:
    t = np.linspace(0, 3600, 108_000)
    y = np.sin(t)
    y[50_000] = 9.0
    y[60_000:60_100] = np.nan
    td, yd = decimate(t, y, 1600)
    assert td.size <= 1600 and np.all(np.diff(td) > 0)
    assert np.nanmax(yd) == 9.0 and np.nanmin(yd) == pytest.approx(-1.0, abs=1e-3)


def test_nice_ticks() -> None:
    assert nice_ticks(0, 10, 5) == [0, 2.5, 5, 7.5, 10]
    assert nice_ticks(121.3, 179.2, 5) == [130, 140, 150, 160, 170]
    assert nice_ticks(1, 1) == [1]


def test_nan_gaps_break_the_line() -> None:
    y = np.array([1.0, 2.0, np.nan, np.nan, 3.0, 4.0, np.nan, 5.0])
    svg = svg_plot(PlotSpec(title="x", unit="", t=np.arange(8.0), y=y))
    assert svg.count("<polyline") == 3


# -- a real browser ------------------------------------------------------------------------------

CHROMIUM = rf.CHROMIUM
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian package 'chromium' not installed (apt-get install chromium)"
)
#: dispatched after the report's own script: hover each plot and log the readout
PROBE = """<script>
var svgs = document.querySelectorAll("svg.plot");
for (var i = 0; i < svgs.length; i++) {
  var r = svgs[i].getBoundingClientRect();
  svgs[i].dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + r.width * 0.3, clientY: r.top + 20, bubbles: true}));
  console.log("PROBE " + i + " " + svgs[i].querySelector(".readout").textContent);
}
</script>"""


_chromium = rf.run_chromium
_console = rf.console_lines


@needs_chromium
def test_console_check_catches_errors(tmp_path: Path) -> None:
    """The browser harness itself: a page with a script error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><link rel=icon href='data:,'><script>nope();</script>")
    assert any(
        "ReferenceError" in line for line in _console(_chromium(bad, tmp_path, "--dump-dom").stderr)
    )


@needs_chromium
def test_report_loads_in_chromium_without_console_errors(analysis, tmp_path: Path) -> None:
    path = write_html(analysis, tmp_path / "report.html")
    probed = tmp_path / "probed.html"
    probed.write_text(
        path.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    run = _chromium(probed, tmp_path, "--dump-dom")
    console = _console(run.stderr)
    assert 'data-plots-ready="4"' in run.stdout, "the report's script ran to its end"
    probes = [line for line in console if "PROBE" in line]
    assert len(probes) == 4 and all("t = " in line for line in probes)
    assert [line for line in console if "PROBE" not in line] == []


@needs_chromium
def test_screenshot_shows_summary_and_plots(analysis, tmp_path: Path) -> None:
    path = write_html(analysis, tmp_path / "report.html")
    shot = tmp_path / "report.png"
    run = _chromium(path, tmp_path, f"--screenshot={shot}", "--window-size=1200,1500")
    assert shot.is_file(), run.stderr[-2000:]
    if os.environ.get("FORMCHECK_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["FORMCHECK_SCREENSHOT_DIR"]) / "html_report.png")
    img = cv2.imread(str(shot))
    assert img.shape[:2] == (1500, 1200)

    def has(rgb: tuple[int, int, int], region: np.ndarray, min_px: int) -> bool:
        target = np.array(rgb[::-1])
        return int((np.abs(region.astype(int) - target).max(axis=2) < 30).sum()) >= min_px

    assert has((198, 40, 40), img[:400], 100), "the verdict card's fault border at the top"
    assert has((31, 95, 168), img[500:], 400), "plot lines below the summary"
    assert has((198, 40, 40), img[500:], 50) or has((236, 169, 169), img[500:], 200), (
        "fault span shaded"
    )


INDEX_PROBE = """<script>
var th = document.querySelectorAll("#clips thead th")[3];
function first() { return document.querySelector("#clips tbody tr td:nth-child(2)").textContent; }
th.click(); console.log("ASC " + first());
th.click(); console.log("DESC " + first());
</script>"""


@needs_chromium
def test_batch_index_sorts_in_chromium(tmp_path: Path) -> None:
    import batch_fakes

    from formcheck.batch import BatchOptions, run_batch

    root = tmp_path / "session"
    for rel, text in {
        "ana/a.mp4": "reps=2",
        "bob/b.mp4": "reps=5",
        "cy/c.mp4": "reps=1",
        "dee/d.mp4": "bad",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    result = run_batch(
        root,
        tmp_path / "out",
        options=BatchOptions(analyze_fn=batch_fakes.fake_analyze),
        executor="serial",
    )
    page = result.index_html.read_text(encoding="utf-8")
    probed = tmp_path / "out" / "probed.html"
    probed.write_text(page.replace("</body>", INDEX_PROBE + "</body>"), encoding="utf-8")
    run = _chromium(probed, tmp_path, "--dump-dom")
    console = _console(run.stderr)
    assert 'data-sortable="9"' in run.stdout
    assert any('"ASC dee/d.mp4"' in line for line in console), console
    assert any('"DESC bob/b.mp4"' in line for line in console), console
    assert [line for line in console if "ASC" not in line and "DESC" not in line] == []


def test_real_clip_report(tmp_path: Path) -> None:
    from shared_clips import REAL_CLIPS, real_clips_available

    if not real_clips_available():
        pytest.skip(f"real clips not found at {REAL_CLIPS}")
    from formcheck.pipeline import analyze
    analysis = analyze(
        REAL_CLIPS / "physioplus_glute_bridge_side.mp4", cache_dir=tmp_path / "cache"
    )
    page = render_html(analysis)
    shown = [s for s in analysis.report.segments if s.kind in ("rep", "partial", "hold")]
    assert page.count('<img src="data:image/jpeg;base64,') == len(shown) >= 1
    assert page.count('<svg class="plot"') == 4
    for r in analysis.report.results:
        assert r.cue_id in page
    for c in analysis.report.coach_checks:
        assert c.cue_id in page


def test_table_top_holds_from_a_synthetic_track() -> None:
    from formcheck.pipeline import analyze_track
    from formcheck.report.model import ClipInfo
    from formcheck_synth.spec import Faults, LegLift, SynthSpec
    from formcheck_synth.tracks import generate

    spec = SynthSpec(
        drill="table-top",
        hold_s=14.0,
        leg_lifts=(LegLift(side="left", at_s=6.0, duration_s=3.0),),
        faults=Faults(head_pitch_deg=-35.0),
    )
    track = generate(spec).track
    clip = ClipInfo(path="missing.mp4", name="missing.mp4", duration_s=track.duration_s)
    analysis = analyze_track(track, drill="table-top", clip=clip)
    report = analysis.report
    page = render_html(analysis, thumbnails=False)
    holds = [s for s in report.segments if s.kind == "hold"]
    assert holds and report.holds is not None
    for seg in holds:
        assert f"Hold {seg.number}" in page
    marks = page[page.index('id="holds"') :]
    reached = sum(report.holds.longest_s >= s for s in (10.0, 20.0, 120.0))
    assert marks.count('class="mark reached"') == reached
    head = re.findall(r"<svg class=\"plot\".*?</svg>", page, flags=re.S)[3]
    assert head.count('class="thr"') == 2, "±20° around the trunk line"
    assert head.count('class="fault"') >= 1, "the head fault is shaded"
    if any(s.kind == "single_leg" for s in report.segments):
        assert "Leg lift 1" in page


# -- issue 8: values, marks, notes, numbering, plots, key frames -----------------------------------


def _with_results(analysis, results, segments=None):
    report = replace(analysis.report, results=results, segments=segments or analysis.report.segments)
    return replace(analysis, report=report)


def _cue_row(page: str, cue_id: str) -> list[str]:
    """The cells of the first cue-table row of ``cue_id``."""
    row = next(r for r in page.split("<tr") if f">{cue_id}</span>" in r and "<td" in r)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)


def test_values_and_thresholds_at_the_precision_their_unit_needs(analysis) -> None:
    """A 0.15 shin-length limit was written "≤ 0.1 shin", a measured 0.06 as "0.1 shin"."""
    seg = analysis.report.segments[0].index
    results = [
        CueResult(cue_id="slgb.force_down", segment_index=seg, status=Status.PASS,
                  value=0.06, threshold=0.15, comparison="<=", unit="shin",
                  message="support foot moved 0.06 shin lengths (needs ≤ 0.15 shin lengths)"),
        CueResult(cue_id="slgb.squeeze_top", segment_index=seg, status=Status.FAULT,
                  value=0.96, threshold=1.0, comparison=">=", unit="s", message="top pause"),
    ]  # fmt: skip
    page = render_html(_with_results(analysis, results), thumbnails=False)
    cells = _cue_row(page, "slgb.force_down")
    assert (cells[1], cells[2]) == ("0.06 shin lengths", "≤ 0.15 shin lengths")
    cells = _cue_row(page, "slgb.squeeze_top")
    assert (cells[1], cells[2]) == ("0.96 s", "≥ 1.0 s"), "a miss never reads as the limit"
    assert "0.1 shin" not in page


def test_no_verdict_says_why_with_the_consoles_marks(analysis) -> None:
    seg = analysis.report.segments[0].index
    why = {"slgb.hips_level": Reason.VIEW, "slgb.hips_up": Reason.NOT_SEEN,
           "slgb.slow_down": Reason.CUT, "slgb.not_your_bone": Reason.NOTHING}  # fmt: skip
    results = [
        CueResult(cue_id=c, segment_index=seg, status=Status.NOT_MEASURABLE, reason=r,
                  message=f"not measurable: because {r.value}")
        for c, r in why.items()
    ]  # fmt: skip
    page = render_html(_with_results(analysis, results), thumbnails=False)
    overview = page[page.index('id="overview"') : page.index('id="reps"')]
    for cue, reason in why.items():
        mark, words = REASON_WORDS[reason]
        assert f'badge not_measurable {reason.value}" title="{words}: ' in overview
        assert f">{mark}</span>" in overview
        cells = _cue_row(page, cue)
        assert words in cells[3] and cells[4] == f"because {reason.value}", cells
    legend_text = re.sub(r"<[^>]+>", "", overview[overview.index("legend-marks") :])
    for mark, words in legend():
        assert (f"{mark} {words}" if mark != "blank" else f"blank: {words}") in legend_text


def test_notes_add_to_measured_and_threshold_never_repeat_them(analysis) -> None:
    seg = analysis.report.segments[0].index
    results = [
        CueResult(cue_id="slgb.hips_up", segment_index=seg, status=Status.PASS, value=170.0,
                  threshold=165.0, comparison=">=", unit="deg",
                  message="peak hip extension 170° (needs ≥ 165°)"),
        CueResult(cue_id="slgb.slow_down", segment_index=seg, status=Status.PASS, value=2.0,
                  threshold=1.5, comparison=">=", unit="s",
                  message="lowering 2.0 s (needs ≥ 1.5 s), lifting 0.8 s (the lowering needs "
                          "≥ 1.5 s and ≥ the lifting)"),
    ]  # fmt: skip
    page = render_html(_with_results(analysis, results), thumbnails=False)
    assert _cue_row(page, "slgb.hips_up")[4] == ""
    note = _cue_row(page, "slgb.slow_down")[4]
    assert note.startswith("lifting 0.8 s") and "2.0 s" not in note


def test_a_view_that_cannot_measure_says_so_in_words_not_signal_names() -> None:
    from formcheck.pipeline import analyze_track
    from formcheck_synth.spec import SynthSpec
    from formcheck_synth.tracks import generate

    analysis = analyze_track(generate(SynthSpec(drill="banded-bridge", reps=1)).track,
                             drill="banded-bridge")  # fmt: skip
    knees = [r for r in analysis.report.results if r.cue_id == "sbb.knees_out"]
    assert knees and all(r.reason is Reason.VIEW for r in knees)
    assert "knee_gap" not in knees[0].message and "knee gap" in knees[0].message
    page = render_html(analysis, thumbnails=False)
    note = _cue_row(page, "sbb.knees_out")[4]
    assert "knee gap" in note and "film from the feet" in note and "_" not in note


def test_the_footer_names_formcheck_once(analysis) -> None:
    report = replace(analysis.report, versions={"formcheck": "0.1.0", "numpy": "2.0"})
    page = render_html(replace(analysis, report=report), thumbnails=False)
    footer = page.split("<footer>")[1].split("</footer>")[0]
    assert footer.count("formcheck") == 1 and "numpy 2.0" in footer


def test_a_partial_rep_says_why_it_is_not_judged(analysis) -> None:
    partial = Segment(index=0, kind="partial", start_s=0.0, end_s=0.5)
    reps = [replace(s, index=s.index + 1, number=0) for s in analysis.report.segments]
    results = [replace(r, segment_index=r.segment_index + 1, rep=None)
               for r in analysis.report.results]  # fmt: skip
    page = render_html(_with_results(analysis, results, [partial, *reps]), thumbnails=False)
    card = page[page.index('id="seg-0"') : page.index('id="seg-1"')]
    assert "Partial rep 1" in card and "Not judged: the clip starts during this rep" in card
    assert "Rep 1 (left)" in page and "Rep 3 (left)" in page and "Rep 4" not in page


def test_table_top_hip_height_is_measured_from_the_shoulders(analysis) -> None:
    """On a bench the bridge height is the hips' height above the shoulders, so it is
    negative at the bottom and about 0 at the top: the plot says so instead of "floor"."""
    from formcheck.report.model import DrillInfo

    report = replace(analysis.report, drill=DrillInfo(id="table-top", name="Table Top Holds"))
    page = render_html(replace(analysis, report=report), thumbnails=False)
    first = re.findall(r"<svg class=\"plot\".*?</svg>", page, flags=re.S)[0]
    assert "above the shoulders" in first and "above the floor" not in first


def _one_leg_analysis(analysis):
    """Reps on the left, right, left leg; the right hip reads 25° below the left."""
    sig = analysis.signals
    hip = np.asarray(sig["hip_extension_deg"], float)
    left, right = hip, hip - 25.0
    t = np.asarray(sig.t)
    sides = ["left", "right", "left"]
    segs = [replace(s, side=sides[s.index]) for s in analysis.report.segments]
    working = hip.copy()
    for s in segs:
        inside = (t >= s.start_s) & (t < s.end_s)
        working[inside] = (left if s.side == "left" else right)[inside]
    values = {**sig.values, "hip_extension_left_deg": left, "hip_extension_right_deg": right,
              "hip_extension_working_deg": working}  # fmt: skip
    signals = rf.make_signals_object(t, values)
    return replace(analysis, signals=signals, report=replace(analysis.report, segments=segs))


def test_one_leg_hip_extension_is_one_line_per_leg_with_no_jump_at_the_side_switch(
    analysis,
) -> None:
    import json

    page = render_html(_one_leg_analysis(analysis), thumbnails=False)
    hip = re.findall(r"<svg class=\"plot\".*?</svg>", page, flags=re.S)[1]
    points = np.array(
        json.loads(re.search(r"data-points='([^']*)'", hip).group(1)), dtype=float
    )
    for col in range(1, points.shape[1]):
        y = points[:, col]
        steps = np.abs(np.diff(y[np.isfinite(y)]))
        assert steps.max() < 10.0, f"line {col} jumps {steps.max():.0f}° between samples"
    assert "left hip" in hip and "right hip" in hip and 'class="line s1"' in hip
    assert "R2 right" in hip, "each rep says which leg's line to read"


def test_key_frames_are_kept_large_enough_to_enlarge() -> None:
    from formcheck.report.keyframes import _encode

    uri = _encode(np.zeros((720, 1280, 3), np.uint8))
    img = cv2.imdecode(np.frombuffer(base64.b64decode(uri.split(",")[1]), np.uint8), 1)
    assert img.shape[1] == 720, "a 360-pixel thumbnail had no larger view"


ZOOM_PROBE = """<script>
var img = document.querySelector("img.keyframe");
img.click();
var box = document.getElementById("zoom");
console.log("ZOOM " + box.open + " " + (box.querySelector("img").src === img.src));
box.click();
console.log("CLOSED " + !box.open);
</script>"""


@needs_chromium
def test_a_key_frame_opens_large_on_click_in_chromium(analysis, tmp_path: Path) -> None:
    path = write_html(analysis, tmp_path / "report.html")
    probed = tmp_path / "probed.html"
    probed.write_text(path.read_text().replace("</body>", ZOOM_PROBE + "</body>"))
    run = _chromium(probed, tmp_path, "--dump-dom")
    console = _console(run.stderr)
    assert 'data-zoom-ready="3"' in run.stdout
    assert any('"ZOOM true true"' in line for line in console), console
    assert any('"CLOSED true"' in line for line in console), console
    assert [line for line in console if "ZOOM" not in line and "CLOSED" not in line] == []


LINES_PROBE = """<script>
var td = document.querySelector("#clips tbody tr td:nth-child(3)");
var range = document.createRange();
range.selectNodeContents(td.firstChild);
console.log("LINES " + range.getClientRects().length);
</script>"""


@needs_chromium
def test_batch_index_keeps_a_drill_id_on_one_line(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from formcheck.report.index import render_index

    row = {"athlete": "ana", "clip": "ana/a-very-long-clip-name-of-a-session.mp4",
           "drill": "single-leg-bridge", "view": "side-left", "reps": 3, "faults": 1,
           "fault_cues": "slgb.hips_up", "status": "ok", "warnings": "a long note " * 8}  # fmt: skip
    outcome = SimpleNamespace(row=row, status="ok")
    result = SimpleNamespace(outcomes=[outcome], analysed=[outcome], skipped=[], failed=[],
                             ignored=[], executor="serial", workers=1, seconds=1.0)  # fmt: skip
    page = tmp_path / "index.html"
    page.write_text(render_index(result).replace("</body>", LINES_PROBE + "</body>"))
    run = _chromium(page, tmp_path, "--dump-dom", "--window-size=900,600")
    lines = [line for line in _console(run.stderr) if "LINES" in line]
    assert lines and '"LINES 1"' in lines[0], lines
