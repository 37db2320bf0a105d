"""Stored-metrics regression test: the cue engine's verdicts on a quick synthetic suite.

A fixed-seed subset of `benchmarks/synth_suite.py` (clear-cut faults, noise with left/right swaps
and identity jumps) is judged by the engine, and its exact per-cue confusion counts (true and
false positives and negatives, agreements, verdicts not given, verdicts where the view cannot
measure), rep counts per view, segments, sides and crashes are compared with the counts stored
in `benchmarks/metrics/cue_accuracy.json`. The suite is deterministic, so any difference,
better or worse, fails: a change the engine did not mean, or one to explain and store with

    .venv/bin/python benchmarks/cue_accuracy.py --n 70 --borderline 0 --save-metrics

saying in the commit why the figures moved. The guard is itself guarded: the last tests plant
known regressions in the engine's checks and require the comparison to report them.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from synth_suite import suite

from formcheck.cues import CueContext
from formcheck.cues.base import not_measurable
from formcheck.drills.base import Cue
from formcheck.report.model import CueResult, Reason, Status
from formcheck_synth.tracks import SynthClip

ROOT = Path(__file__).resolve().parents[1]
N_CLIPS = 70
BASE_SEED = 0


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "cue_accuracy.py"
    spec = importlib.util.spec_from_file_location("cue_accuracy_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _benchmark()


@pytest.fixture(scope="module")
def stored(bench: ModuleType) -> dict[str, Any]:
    path: Path = bench.METRICS_PATH
    hint = f"run benchmarks/cue_accuracy.py --n {N_CLIPS} --borderline 0 --save-metrics"
    if not path.exists():
        pytest.fail(f"{path} is missing: {hint}")
    data = json.loads(path.read_text())
    key = bench.suite_key(N_CLIPS, BASE_SEED)
    if key not in data:
        pytest.fail(f"{path} has no entry {key!r}: {hint}")
    return data[key]


@pytest.fixture(scope="module")
def clips() -> list[SynthClip]:
    return list(suite(N_CLIPS, BASE_SEED))


@pytest.fixture(scope="module")
def fresh(bench: ModuleType, clips: list[SynthClip]) -> dict[str, Any]:
    return bench.metrics(bench.score(clips))


def test_quick_suite_repeats_the_stored_counts(bench: ModuleType, stored: dict[str, Any],
                                               fresh: dict[str, Any]) -> None:
    moved = bench.differences(stored, fresh)
    assert not moved, "the engine's verdicts changed:\n" + "\n".join(moved)


def test_the_suite_is_deterministic(bench: ModuleType, clips: list[SynthClip],
                                    fresh: dict[str, Any]) -> None:
    """Generated again, the first clips are the same arrays and truths; judged again, every
    clip gives the same counts (so an exact comparison is fair)."""
    for again, first in zip(suite(5, BASE_SEED), clips, strict=False):
        assert again.spec == first.spec
        assert np.array_equal(again.track.image, first.track.image, equal_nan=True)
        assert np.array_equal(again.track.world, first.track.world, equal_nan=True)
        assert again.truth.cues == first.truth.cues
    assert bench.metrics(bench.score(clips)) == fresh


def test_the_suite_has_swaps_and_identity_jumps(clips: list[SynthClip]) -> None:
    assert sum(c.spec.swap_rate > 0 for c in clips) >= N_CLIPS // 4
    assert sum(c.spec.jump_rate > 0 for c in clips) >= N_CLIPS // 8


# -- the guard of the guard ----------------------------------------------------------------------
Change = Callable[[Cue, CueContext, CueResult], CueResult]


def _always_fault(cue: Cue, ctx: CueContext, res: CueResult) -> CueResult:
    return replace(res, status=Status.FAULT) if res.status == Status.PASS else res


def _mostly_not_measurable(cue: Cue, ctx: CueContext, res: CueResult) -> CueResult:
    if ctx.index is not None and ctx.index % 4 != 0:
        return not_measurable(cue, ctx, Reason.NOT_SEEN, "not measurable: planted")
    return res


#: regressions planted in the engine's checks: (cue, what happens to its verdicts, the count
#: that must move)
PLANTS: dict[str, tuple[str, Change, str]] = {
    "squeeze_top faults every rep": ("slgb.squeeze_top", _always_fault, "fp"),
    "ball_squeeze faults every rep": ("sbb.ball_squeeze", _always_fault, "fp"),
    "arms_crossed not measurable on most reps": ("slgb.arms_crossed", _mostly_not_measurable,
                                                 "unjudged"),
}


def _plant(monkeypatch: pytest.MonkeyPatch, cue_id: str, change: Change) -> None:
    """Make ``change`` happen to ``cue_id``'s verdicts: its drill is replaced by one whose cue
    runs the planted check (the same function in other cues is left as it is)."""
    from formcheck.drills import DRILLS

    drill = next(d for d in DRILLS.values() if any(c.id == cue_id for c in d.cues))
    cue = drill.cue(cue_id)
    original = cue.check
    assert original is not None

    def planted(cue: Cue, ctx: CueContext) -> CueResult:
        return change(cue, ctx, original(cue, ctx))

    cues = tuple(replace(c, check=planted) if c.id == cue_id else c for c in drill.cues)
    monkeypatch.setitem(DRILLS, drill.id, replace(drill, cues=cues))


@pytest.mark.parametrize("plant", list(PLANTS))
def test_a_planted_regression_fails_the_comparison(
    plant: str, bench: ModuleType, clips: list[SynthClip], fresh: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cue_id, change, count = PLANTS[plant]
    _plant(monkeypatch, cue_id, change)
    moved = bench.differences(fresh, bench.metrics(bench.score(clips)))
    assert moved, f"planted '{plant}' went unnoticed"
    mine = [m for m in moved if m.startswith(cue_id + ":")]
    assert mine and f" {count} " in mine[0], moved
    assert all(m.startswith(cue_id + ":") or "rep" in m for m in moved), moved


def _suite_counts(**cue: int) -> dict[str, Any]:
    counts = {"measurable": 10, "faults": 3, "tp": 3, "fp": 0, "fn": 0, "tn": 7, "agree": 10,
              "unjudged": 0, "unmeasurable": 2, "judged_unmeasurable": 0, "info": 0,
              "info_ok": 0, "near": 0, "near_agree": 0, "precision": 1.0, "recall": 1.0}
    counts.update(cue)
    return {"clips": 5, "rep_clips": 5, "reps_right": 5, "segments": 10, "segments_found": 10,
            "sides_right": 4, "sides_total": 4, "crashes": 0, "reps_by_view": {"side": [5, 5]},
            "cues": {"c": counts}}


@pytest.mark.parametrize("change", ["fp", "fn", "tn", "agree", "unjudged", "judged_unmeasurable"])
def test_any_count_moved_either_way_is_reported(bench: ModuleType, change: str) -> None:
    old = _suite_counts()
    for step in (1, -1):
        new = _suite_counts(**{change: old["cues"]["c"][change] + step})
        found = bench.differences(old, new)
        assert len(found) == 1 and found[0].startswith(f"c: {change} "), found


def test_rates_are_not_compared_but_suite_counts_are(bench: ModuleType) -> None:
    old = _suite_counts()
    assert not bench.differences(old, _suite_counts(precision=0.5))
    assert bench.differences(old, {**_suite_counts(), "crashes": 1})
    assert bench.differences(old, {**_suite_counts(), "reps_by_view": {"side": [4, 5]}})
    assert bench.differences(old, {**_suite_counts(), "cues": {}}) == ["c: no longer scored"]
