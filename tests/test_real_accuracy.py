"""Stored-metrics regression test: formcheck on the team's labelled real and field clips.

`benchmarks/real_accuracy.py` checks every labelled clip against its label (drill, view, reps,
tops, holds, one-leg phases, each ``expect`` verdict); `benchmarks/metrics/real_accuracy.json`
stores which checks are right. A check stored as right that goes wrong fails this test; one
stored as wrong that comes right is progress, not a failure. After an intended change, store
the figures again with

    .venv/bin/python benchmarks/real_accuracy.py --json

and say in the commit why they moved. The clip tests skip when the shared clips are absent; the
comparison itself is tested on a corrupted copy of the stored figures, which needs no clip.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from shared_clips import labelled_clips

ROOT = Path(__file__).resolve().parents[1]

#: the clip tests need ../shared/clips (FORMCHECK_REAL_CLIPS); the comparison tests do not
CLIPS_PRESENT = any(c.path.is_file() for c in labelled_clips())


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "real_accuracy.py"
    spec = importlib.util.spec_from_file_location("real_accuracy_benchmark", path)
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
    if not path.exists():
        pytest.fail(f"{path} is missing: run benchmarks/real_accuracy.py --json")
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _a_right_check(stored: dict[str, Any]) -> tuple[str, str]:
    return next(
        (key, name)
        for key, clip in sorted(stored["clips"].items())
        for name, check in sorted(clip["checks"].items())
        if check["ok"]
    )


# --- the comparison (no clips needed) --------------------------------------------------------


def test_identical_figures_have_no_regression(bench: ModuleType, stored: dict[str, Any]) -> None:
    assert bench.regressions(stored, copy.deepcopy(stored)) == []


def test_a_right_check_gone_wrong_is_a_regression(
    bench: ModuleType, stored: dict[str, Any]
) -> None:
    key, name = _a_right_check(stored)
    broken = copy.deepcopy(stored)
    broken["clips"][key]["checks"][name].update(ok=False, found="corrupted")
    found = bench.regressions(stored, broken)
    assert len(found) == 1 and key in found[0] and name in found[0] and "corrupted" in found[0]


def test_a_dropped_check_a_lost_clip_and_a_crash_are_regressions(
    bench: ModuleType, stored: dict[str, Any]
) -> None:
    key, name = _a_right_check(stored)
    dropped = copy.deepcopy(stored)
    del dropped["clips"][key]["checks"][name]
    assert bench.regressions(stored, dropped) == [f"{key}: {name} is no longer checked"]
    lost = copy.deepcopy(stored)
    del lost["clips"][key]
    assert bench.regressions(stored, lost) == [f"{key}: not scored any more"]
    crashed = copy.deepcopy(stored)
    crashed["clips"][key]["error"] = "ValueError: boom"
    assert bench.regressions(stored, crashed) == [f"{key}: ValueError: boom"]


def test_a_wrong_check_come_right_is_progress(bench: ModuleType, stored: dict[str, Any]) -> None:
    better = copy.deepcopy(stored)
    for clip in better["clips"].values():
        for check in clip["checks"].values():
            check["ok"] = True
    assert bench.regressions(stored, better) == []


def test_the_stored_summary_counts_the_stored_checks(stored: dict[str, Any]) -> None:
    clips = stored["clips"].values()
    checks = [c for clip in clips for c in clip["checks"].values()]
    assert stored["summary"] == {
        "clips": len(clips),
        "fully_right": sum(clip["fully_right"] for clip in clips),
        "checks": len(checks),
        "checks_right": sum(c["ok"] for c in checks),
    }


# --- the clips ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh(bench: ModuleType) -> dict[str, Any]:
    data: dict[str, Any] = bench.to_metrics(bench.run())
    return data


@pytest.mark.real
@pytest.mark.skipif(
    not CLIPS_PRESENT,
    reason="labelled clips not found (../shared/clips/real, ../shared/clips/field)",
)
class TestOnTheClips:
    def test_no_check_stored_as_right_goes_wrong(
        self, bench: ModuleType, stored: dict[str, Any], fresh: dict[str, Any]
    ) -> None:
        assert bench.regressions(stored, fresh) == []

    def test_every_labelled_clip_is_stored(
        self, stored: dict[str, Any], fresh: dict[str, Any]
    ) -> None:
        new = sorted(set(fresh["clips"]) - set(stored["clips"]))
        assert not new, f"labelled but not stored (run benchmarks/real_accuracy.py --json): {new}"

    def test_a_label_that_disagrees_is_scored_wrong(self, bench: ModuleType) -> None:
        """The checks can fail on a real report: one more rep, a top moved by 0.5 s, and the
        marching clip's lifted sides swapped (the stance leg is not the labelled side)."""
        for clip in labelled_clips():
            report = bench.analyse(clip.path)
            label = copy.deepcopy(clip.label)
            label["reps"] = int(label.get("reps", 0)) + 1
            wrong = {c.name for c in bench.score_report(report, label) if not c.ok}
            assert "reps" in wrong, clip.name
            if label.get("tops"):
                label["tops"][0] = [t + 0.5 for t in label["tops"][0]]
                wrong = {c.name for c in bench.score_report(report, label) if not c.ok}
                assert "tops" in wrong, clip.name
            if label.get("single_leg"):
                swap = {"left": "right", "right": "left"}
                label["single_leg"] = [[swap[s], a, b] for s, a, b in label["single_leg"]]
                wrong = {c.name for c in bench.score_report(report, label) if not c.ok}
                assert "single_leg" in wrong, clip.name
