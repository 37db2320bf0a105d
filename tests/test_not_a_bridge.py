"""`--drill auto` says when a clip is none of the three drills (CUES.md: "When the clip is not
what a drill expects"), with the reason in words, and judges nothing; a drill the user names is
judged as asked, with a warning. Synthetic movements that are not bridges, seen from the side,
at 45° and from the feet; the team's real negatives and bridges when ``../shared`` is present.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from builders import (
    NOT_BRIDGES,
    bridge_track,
    not_a_bridge_track,
    single_leg_track,
    table_top_track,
)
from shared_clips import REAL_CLIPS

from formcheck.drills import DRILL_IDS
from formcheck.drills.recognize import NOT_A_BRIDGE, REASONS, recognize_drill
from formcheck.errors import EXIT_CODES
from formcheck.pipeline import analyze_track
from formcheck.signals import compute_signals

CAMERAS = ("side-left", "oblique", "front-feet")
#: the reason each synthetic movement must be given (REASONS' keys)
EXPECTED_REASON = {
    "standing": "upright",
    "side-lying": "on_side",
    "crunch": "trunk_rises",
    "sit-up": "trunk_rises",
    "wheel": "hands_overhead",
    "pelvic-tilt": "hips_never_rise",
}
FIELD = REAL_CLIPS.parent / "field"


@pytest.mark.parametrize("camera", CAMERAS)
@pytest.mark.parametrize("kind", NOT_BRIDGES)
def test_a_movement_that_is_not_a_bridge_is_none_of_the_drills(kind: str, camera: str) -> None:
    found = recognize_drill(compute_signals(not_a_bridge_track(kind, camera=camera, noise=0.002)))
    assert found.drill == NOT_A_BRIDGE
    assert REASONS[EXPECTED_REASON[kind]] in found.not_a_bridge
    assert found.confidence >= 0.5 and found.likeness < 0.5


@pytest.mark.parametrize("camera", CAMERAS)
@pytest.mark.parametrize(
    ("drill", "make"),
    [
        ("banded-bridge", lambda camera: bridge_track(3, camera=camera, noise=0.002)),
        ("single-leg-bridge", lambda camera: single_leg_track(3, camera=camera, noise=0.002)),
        ("table-top", lambda camera: table_top_track(camera=camera, noise=0.002)),
    ],
)
def test_the_three_drills_still_look_like_bridges(drill: str, make, camera: str) -> None:  # noqa: ANN001
    found = recognize_drill(compute_signals(make(camera)))
    assert found.is_bridge and found.not_a_bridge == ()
    assert found.likeness == 1.0
    assert found.drill == drill
    assert 0.5 < found.confidence <= 1.0


@pytest.mark.parametrize("kind", NOT_BRIDGES)
def test_auto_judges_nothing_and_says_why(kind: str) -> None:
    report = analyze_track(not_a_bridge_track(kind), drill="auto").report
    assert report.drill is not None and not report.drill.is_bridge
    assert report.drill.id == "none" and report.drill.source == "auto"
    assert REASONS[EXPECTED_REASON[kind]] in report.drill.not_a_bridge
    assert report.segments == [] and report.results == [] and report.reps == []
    assert report.holds is None and report.sides == []


@pytest.mark.parametrize("drill", DRILL_IDS)
def test_a_given_drill_is_judged_as_asked_with_a_warning(drill: str) -> None:
    report = analyze_track(not_a_bridge_track("crunch"), drill=drill).report
    assert report.drill is not None and report.drill.id == drill
    assert report.drill.not_a_bridge == [REASONS["trunk_rises"]]
    warning = [w for w in report.warnings if w.startswith("this does not look like")]
    assert len(warning) == 1 and REASONS["trunk_rises"] in warning[0]
    assert report.results, "judged as asked"
    assert report.drill.confidence < 0.5, "a crunch is not 100 % a bridge because the user said so"


def test_a_given_drill_that_is_another_bridge_is_warned_about() -> None:
    report = analyze_track(bridge_track(3), drill="table-top").report
    warned = [w for w in report.warnings if w.startswith("this looks like")]
    assert len(warned) == 1 and "Banded Bridge, not Table Top" in warned[0], report.warnings
    assert report.drill is not None and report.drill.confidence < 0.5
    same = analyze_track(bridge_track(3), drill="banded-bridge").report
    assert not [w for w in same.warnings if w.startswith("this ")]
    assert same.drill is not None and same.drill.confidence > 0.9


# -- the team's real clips ------------------------------------------------------------------------


def _labels(folder: Path) -> dict[str, dict]:
    path = folder / "labels.json"
    return dict(json.loads(path.read_text())["clips"]) if path.is_file() else {}


REAL = {REAL_CLIPS / n: lab for n, lab in _labels(REAL_CLIPS).items()}
REAL.update({FIELD / n: lab for n, lab in _labels(FIELD).items()})


def _is_bridge(label: dict) -> bool:
    text = label.get("drill", "") + label.get("exercise", "")
    return bool(label.get("bridge", "not a bridge" not in text))


NEGATIVES = sorted(p for p, lab in REAL.items() if not _is_bridge(lab))
BRIDGES = sorted(p for p, lab in REAL.items() if _is_bridge(lab))


@cache
def _track(path: Path):  # noqa: ANN202 - PoseTrack, imported lazily with mediapipe
    from formcheck.tracking import track_video

    return track_video(path).track


@pytest.mark.parametrize("path", NEGATIVES, ids=lambda p: p.name)
@pytest.mark.real
def test_real_negatives_are_not_bridges(path: Path) -> None:
    report = analyze_track(_track(path), drill="auto").report
    assert report.drill is not None and report.drill.id == "none", report.drill
    assert report.drill.not_a_bridge and report.drill.confidence >= 0.5
    assert report.segments == [] and report.results == []


@pytest.mark.parametrize("path", BRIDGES, ids=lambda p: p.name)
@pytest.mark.real
def test_every_real_bridge_is_a_bridge_drill(path: Path) -> None:
    report = analyze_track(_track(path), drill="auto").report
    assert report.drill is not None and report.drill.is_bridge, report.drill.not_a_bridge
    assert not [w for w in report.warnings if w.startswith("this does not look like")]


def _clamshell() -> Path:
    found = [p for p in NEGATIVES if "side" in REAL[p].get("exercise", "")]
    if not found:
        pytest.skip("no side-lying negative among the real clips")
    return found[0]


@pytest.mark.real
def test_analyze_exits_with_its_own_code_and_keeps_the_report(tmp_path: Path) -> None:
    clip = _clamshell()
    _track(clip)  # fills the cache the command reads
    out = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", "analyze", str(clip),
         "-q", "--json", "-", "--html", str(out)],
        capture_output=True, text=True, timeout=300, check=False, env=dict(os.environ),
    )  # fmt: skip
    assert result.returncode == EXIT_CODES["NotABridge"] == 12, result.stderr
    assert "not a bridge drill" in result.stderr and "lies on the side" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    report = json.loads(result.stdout)
    assert report["drill"]["id"] == "none" and report["segments"] == []
    assert "Not a bridge drill" in out.read_text()


@pytest.mark.real
def test_a_batch_records_not_a_bridge_and_goes_on(tmp_path: Path) -> None:
    from formcheck.batch import NOT_A_BRIDGE_STATUS, BatchOptions, run_batch

    clip = _clamshell()
    bridge = next(p for p in BRIDGES if REAL[p]["reps"] > 0)
    for p in (clip, bridge):
        _track(p)
    root = tmp_path / "session" / "ana"
    root.mkdir(parents=True)
    (root / clip.name).symlink_to(clip)
    (root / bridge.name).symlink_to(bridge)
    run_batch(root.parent, tmp_path / "out", options=BatchOptions(), executor="local", workers=1)
    with open(tmp_path / "out" / "summary.csv", newline="", encoding="utf-8") as fh:
        summary = {row["clip"]: row for row in csv.DictReader(fh)}
    row = summary[f"ana/{clip.name}"]
    assert row["status"] == NOT_A_BRIDGE_STATUS and "lies on the side" in row["error"]
    assert summary[f"ana/{bridge.name}"]["status"] == "ok"


# -- how the reports say it -----------------------------------------------------------------------


def _console(report) -> str:  # noqa: ANN001
    from rich.console import Console

    from formcheck.report.console import render_console

    console = Console(record=True, width=100, color_system=None)
    render_console(report, console)
    return console.export_text()


def test_the_console_says_not_a_bridge_and_shows_no_table() -> None:
    text = _console(analyze_track(not_a_bridge_track("side-lying"), drill="auto").report)
    assert "not a bridge drill" in text and REASONS["on_side"] in text
    assert "Reps and holds" not in text and "rep 1" not in text


def test_the_mismatch_warning_comes_before_the_tables() -> None:
    text = _console(analyze_track(not_a_bridge_track("crunch"), drill="banded-bridge").report)
    warning = text.index("warning: this does not look like")
    assert warning < text.index("Reps and holds")
    assert text.count("this does not look like") == 1


def test_the_html_report_says_not_a_bridge_and_why() -> None:
    from formcheck.report.html import render_html

    page = render_html(analyze_track(not_a_bridge_track("wheel"), drill="auto"), thumbnails=False)
    assert "Not a bridge drill" in page and REASONS["hands_overhead"] in page
    judged = render_html(
        analyze_track(not_a_bridge_track("wheel"), drill="table-top"), thumbnails=False
    )
    assert "this does not look like Table Top Holds" in judged
