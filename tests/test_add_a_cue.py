"""A worked example of adding a cue (ARCHITECTURE.md, "Adding a cue"): a check function, a cue in
a drill naming it, the words of its verdict, and the verdicts it gives, end to end through
`analyze_track`.

The cue here, "hips held high at the top", is an example only: it judges the median hip
extension over each rep's top phase against a threshold of its own.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from builders import HIP_REST_Y, bridge_track, top_hip_height

from formcheck.cues import CueContext
from formcheck.cues.base import extension, not_measurable, pct, result, span_time
from formcheck.drills import DRILLS, Cue
from formcheck.pipeline import analyze_track
from formcheck.report.units import measured
from formcheck.report.verdict_words import WORDS
from formcheck.types import CueResult, Reason, Status


# 1. the check, as it would be written in a family of formcheck/cues/ (here tempo.py)
def top_held_high(cue: Cue, ctx: CueContext) -> CueResult:
    """Median hip extension over the rep's top phase ≥ ``min_top_extension_deg``."""
    top = ctx.sp.phase("top") or (ctx.sp.start, ctx.sp.end)
    held = pct(extension(ctx)[top[0] - ctx.sp.start : top[1] - ctx.sp.start], 50.0)
    if not math.isfinite(held):
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "hip_extension_not_seen_at_top")
    lim = cue.params["min_top_extension_deg"]
    return result(
        cue, ctx, held >= lim, held, lim, ">=", "deg", "top_held_high", [span_time(ctx, *top)]
    )


# 2. the words of its verdict, as they would be written in formcheck/report/verdict_words.py's
# WORDS (the value against the threshold is formatted as every other verdict's)
def top_held_high_words(r: CueResult) -> str:
    return f"hips held at {measured(r.value or 0.0, r.comparison, r.threshold or 0.0, r.unit)} over the top"


# 3. the cue, as it would be written in formcheck/drills/banded_bridge.py's cues
TOP_HELD_HIGH = Cue(
    id="sbb.top_held_high",
    key_point="Hold the hips high at the top",
    fault_words="Hold the hips higher at the top",
    plot_signal="hip_extension_deg",
    check_text="median hip extension over the top ≥ {min_top_extension_deg}°",
    check=top_held_high,
    params={"min_top_extension_deg": 165.0},
    needs=("hip_extension_deg",),
)


@pytest.fixture()
def with_the_cue(monkeypatch: pytest.MonkeyPatch) -> None:
    drill = DRILLS["banded-bridge"]
    monkeypatch.setitem(DRILLS, drill.id, replace(drill, cues=(*drill.cues, TOP_HELD_HIGH)))
    monkeypatch.setitem(WORDS, "top_held_high", top_held_high_words)


def _verdicts(camera: str, **kw: object) -> list[CueResult]:
    track = bridge_track(2, camera=camera, noise=0.002, **kw)  # type: ignore[arg-type]
    report = analyze_track(track, drill="banded-bridge").report
    return [r for r in report.results if r.cue_id == TOP_HELD_HIGH.id]


@pytest.mark.usefixtures("with_the_cue")
def test_the_new_cue_is_judged_on_every_rep_from_the_side() -> None:
    verdicts = _verdicts("side-left")
    assert len(verdicts) == 2 and {r.status for r in verdicts} == {Status.PASS}
    assert all(r.value is not None and r.value >= 165.0 for r in verdicts)
    assert all(r.message.startswith("hips held at ") and "(needs ≥ 165°)" in r.message
               for r in verdicts)


@pytest.mark.usefixtures("with_the_cue")
def test_the_new_cue_faults_hips_held_low() -> None:
    """Hips that stop halfway to a straight line at the top fault it."""
    verdicts = _verdicts("side-left", high=(HIP_REST_Y + top_hip_height()) / 2)
    assert verdicts and {r.status for r in verdicts} == {Status.FAULT}
    assert all(r.value is not None and r.value < 165.0 for r in verdicts)


@pytest.mark.usefixtures("with_the_cue")
def test_the_new_cue_is_not_measurable_where_the_view_cannot_see_its_signal() -> None:
    verdicts = _verdicts("front-feet")
    assert verdicts and {r.status for r in verdicts} == {Status.NOT_MEASURABLE}
    assert {r.reason for r in verdicts} == {Reason.VIEW}
    assert all("cannot show the hip extension" in r.message for r in verdicts)


@pytest.mark.usefixtures("with_the_cue")
def test_its_check_text_follows_its_threshold() -> None:
    from formcheck.settings import Settings

    drill = Settings(overrides={"sbb.top_held_high.min_top_extension_deg": 170.0}).drill(
        DRILLS["banded-bridge"]
    )
    assert drill.cue(TOP_HELD_HIGH.id).check_line.endswith("≥ 170°")
    assert np.isclose(drill.param(TOP_HELD_HIGH.id, "min_top_extension_deg"), 170.0)
