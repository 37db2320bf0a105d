"""Stored-metrics regression test: the cue engine's accuracy on a quick synthetic suite.

A fixed-seed subset of `formcheck.synth.suite` is judged by the engine and its per-cue
precision / recall, rep-count accuracy and verdicts-where-unmeasurable are compared with the
figures stored in `benchmarks/metrics/cue_accuracy.json`. A cue that loses more than
`TOLERANCE` of precision or recall, a worse rep-count accuracy, a new verdict on a view that
cannot measure the cue, or a crash fails the test. After an intended change, refresh the
baseline with

    .venv/bin/python benchmarks/cue_accuracy.py --n 70 --save-metrics

and say in the commit why the figures moved.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
N_CLIPS = 70
BASE_SEED = 0
#: one more wrong verdict among ~15-40 scored faults per cue moves a rate by 0.02-0.07; the
#: suite is deterministic, so any drop beyond float noise is a real change: allow 0.02
TOLERANCE = 0.02


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
    if not path.exists():
        pytest.fail(f"{path} is missing: run benchmarks/cue_accuracy.py --n {N_CLIPS} "
                    "--save-metrics")
    data = json.loads(path.read_text())
    key = bench.suite_key(N_CLIPS, BASE_SEED)
    if key not in data:
        pytest.fail(f"{path} has no entry {key!r}: run benchmarks/cue_accuracy.py "
                    f"--n {N_CLIPS} --save-metrics")
    return data[key]


@pytest.fixture(scope="module")
def fresh(bench: ModuleType) -> dict[str, Any]:
    return bench.metrics(bench.run(N_CLIPS, BASE_SEED, verbose=False))


def regressions(stored: dict[str, Any], fresh: dict[str, Any],
                tolerance: float = TOLERANCE) -> list[str]:
    """Every figure of `fresh` worse than `stored` by more than the tolerance."""
    out = []
    if fresh["crashes"]:
        out.append(f"engine crashed on {fresh['crashes']} clips")
    if (stored["rep_accuracy"] is not None
            and (fresh["rep_accuracy"] or 0.0) < stored["rep_accuracy"] - tolerance):
        out.append(f"rep counts right {fresh['rep_accuracy']:.3f} < {stored['rep_accuracy']:.3f}")
    for cue_id, old in stored["cues"].items():
        new = fresh["cues"].get(cue_id)
        if new is None:
            out.append(f"{cue_id}: no longer scored")
            continue
        for rate in ("precision", "recall"):
            if old[rate] is not None and (new[rate] or 0.0) < old[rate] - tolerance:
                out.append(f"{cue_id} {rate} {new[rate] or 0.0:.3f} < stored {old[rate]:.3f}")
        if new["judged_unmeasurable"] > old["judged_unmeasurable"]:
            out.append(f"{cue_id}: {new['judged_unmeasurable']} verdicts where the view "
                       f"cannot measure it (stored {old['judged_unmeasurable']})")
    return out


def test_quick_suite_is_the_stored_suite(stored: dict[str, Any], fresh: dict[str, Any]) -> None:
    assert fresh["clips"] == stored["clips"] == N_CLIPS
    assert fresh["rep_clips"] == stored["rep_clips"]


def test_no_cue_regresses(stored: dict[str, Any], fresh: dict[str, Any]) -> None:
    bad = regressions(stored, fresh)
    assert not bad, "accuracy regressed:\n" + "\n".join(bad)


def _cue(precision: float | None, recall: float | None, judged_nm: int = 0) -> dict[str, Any]:
    return {"precision": precision, "recall": recall, "judged_unmeasurable": judged_nm}


@pytest.mark.parametrize(("new", "bad"), [
    (_cue(1.0, 0.9), []),
    (_cue(0.95, 0.9), ["c precision"]),
    (_cue(1.0, 0.85), ["c recall"]),
    (_cue(None, 0.9), ["c precision"]),
    (_cue(1.0, 0.9, judged_nm=1), ["c: 1 verdicts"]),
])
def test_regression_check_catches_a_worse_cue(new: dict[str, Any], bad: list[str]) -> None:
    """The comparison itself can fail: a cue falling past the tolerance is reported."""
    old = {"crashes": 0, "rep_accuracy": 1.0, "cues": {"c": _cue(1.0, 0.9)}}
    now = {"crashes": 0, "rep_accuracy": 1.0, "cues": {"c": new}}
    found = regressions(old, now)
    assert len(found) == len(bad)
    assert all(f.startswith(b) for f, b in zip(found, bad, strict=True))


def test_regression_check_catches_rep_counts_and_crashes() -> None:
    old = {"crashes": 0, "rep_accuracy": 1.0, "cues": {}}
    assert regressions(old, {"crashes": 0, "rep_accuracy": 0.95, "cues": {}})
    assert regressions(old, {"crashes": 1, "rep_accuracy": 1.0, "cues": {}})
    assert not regressions(old, {"crashes": 0, "rep_accuracy": 1.0, "cues": {}})
