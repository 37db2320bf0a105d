"""Per-cue accuracy of the cue engine on generated tracks: a randomised suite and a borderline one.

    .venv/bin/python benchmarks/cue_accuracy.py --markdown     # 300 + 150 borderline clips
    .venv/bin/python benchmarks/cue_accuracy.py --n 60 --borderline 0
    .venv/bin/python benchmarks/cue_accuracy.py --save-metrics     # store both suites' counts
    .venv/bin/python benchmarks/cue_accuracy.py --n 70 --borderline 0 --save-metrics  # the test's

Each clip of the randomised suite comes from `benchmarks/synth_suite.py` (fixed seeds: all drills,
views, noise levels, dropouts, left/right swaps, identity jumps, frame rates, faults alone and
combined, magnitudes clearly past or clearly inside the drills' thresholds). The engine
(`formcheck.pipeline.analyze_track`) judges the track; its verdicts are matched to the ground
truth by segment overlap (`benchmarks/scoring.py`). The borderline suite
(`benchmarks/borderline_suite.py`) puts one fault per clip within ±20 % of its cue's threshold and
scores those verdicts only: its figures show the margins, and are not expected to be 1.0.

Columns: n = verdicts the view can measure; faults = of those, true faults; precision and
recall of the fault verdict (advice counts as the fault of an advice cue); agree = the exact
verdict matched; unjudged = the view could measure but the engine did not judge; n/m = cases
the view cannot measure; judged n/m = verdicts given there anyway (must be 0). Borderline:
agreement split into verdicts within 10 % of the threshold and those 10–20 % from it.

`--save-metrics` stores each suite's exact counts in benchmarks/metrics/cue_accuracy.json;
tests/test_accuracy_regression.py requires a fresh run of the 70-clip suite to repeat them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from borderline_suite import BAND, borderline_suite
from scoring import NEAR_MARGIN, POSITIVE, Comparison, Tally, compare
from synth_suite import suite

from formcheck.pipeline import analyze_track
from formcheck.report.model import Report
from formcheck_synth.tracks import SynthClip

TARGET = 0.95
#: stored figures that tests/test_accuracy_regression.py compares a fresh run against
METRICS_PATH = Path(__file__).resolve().parent / "metrics" / "cue_accuracy.json"


def variant_for(clip: SynthClip) -> str:
    """The toe variant is the athlete's choice, told to formcheck, not read from the pose."""
    return "toe" if clip.spec.drill == "table-top" and clip.spec.toe_variant else ""


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def rows(tally: Tally, by_view: bool = False) -> list[list[str]]:
    out = []
    table = tally.by_view if by_view else tally.cues
    for cue_id in sorted(table):
        c = table[cue_id]
        if c.info and not c.measurable:
            out.append([cue_id, str(c.info), "-", "-", "-", f"{c.info_ok / c.info:5.3f}", "-",
                        str(c.unmeasurable), str(c.judged_unmeasurable)])
            continue
        agree = c.agree / c.measurable if c.measurable else None
        out.append([cue_id, str(c.measurable), str(c.faults), _fmt(c.precision),
                    _fmt(c.recall), _fmt(agree), str(c.unjudged), str(c.unmeasurable),
                    str(c.judged_unmeasurable)])
    return out


HEAD = ["cue", "n", "faults", "precision", "recall", "agree", "unjudged", "n/m", "judged n/m"]
_NEAR, _BAND = f"{NEAR_MARGIN * 100:g}", f"{BAND * 100:g}"
BORDER_HEAD = ["cue", "n", "faults", "precision", "recall", "agree", f"agree ≤ {_NEAR} % off",
               f"agree {_NEAR}–{_BAND} % off", "unjudged"]


def border_rows(tally: Tally) -> list[list[str]]:
    """Per cue of the borderline suite: the rates, and agreement split by how near it was."""
    out = []
    for cue_id in sorted(tally.cues):
        c = tally.cues[cue_id]
        far = c.measurable - c.near
        out.append([cue_id, str(c.measurable), str(c.faults), _fmt(c.precision),
                    _fmt(c.recall), _fmt(c.agree / c.measurable if c.measurable else None),
                    _fmt(c.near_agree / c.near if c.near else None),
                    _fmt((c.agree - c.near_agree) / far if far else None), str(c.unjudged)])
    return out


def table(head: list[str], body: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        return ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|",
                *("| " + " | ".join(r) + " |" for r in body)]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in [head, *body]]


def render(tally: Tally, markdown: bool, elapsed: float, by_view: bool = False) -> str:
    lines = table(HEAD, rows(tally, by_view), markdown)
    lines.append("")
    lines.append(f"clips: {tally.clips}; rep counts right: {tally.reps_right}/{tally.rep_clips}"
                 + "".join(f"; {v}: {a}/{b}" for v, (a, b) in sorted(tally.reps_by_view.items())))
    lines.append(f"segments found: {tally.segments_found}/{tally.segments}; "
                 f"sides right: {tally.sides_right}/{tally.sides_total}; "
                 f"time: {elapsed:.1f} s")
    misses = below_target(tally)
    if tally.crashes:
        lines.append(f"engine crashed on {len(tally.crashes)} clips, e.g. {tally.crashes[0]}")
    lines.append("below target (precision/recall < 0.95 or verdicts where unmeasurable): "
                 + (", ".join(misses) or "none"))
    return "\n".join(lines)


def render_borderline(tally: Tally, markdown: bool, elapsed: float) -> str:
    lines = table(BORDER_HEAD, border_rows(tally), markdown)
    lines.append("")
    lines.append(f"borderline clips: {tally.clips}; verdicts within ±{BAND * 100:g} % of the "
                 f"threshold: {sum(c.measurable for c in tally.cues.values())}; "
                 f"time: {elapsed:.1f} s")
    if tally.crashes:
        lines.append(f"engine crashed on {len(tally.crashes)} clips, e.g. {tally.crashes[0]}")
    return "\n".join(lines)


def below_target(tally: Tally) -> list[str]:
    """Cues under the target precision or recall, or judged where the view cannot see."""
    return sorted(cue for cue, c in tally.cues.items()
                  if (c.precision is not None and c.precision < TARGET)
                  or (c.recall is not None and c.recall < TARGET) or c.judged_unmeasurable)


def suite_key(n: int, base_seed: int, borderline: bool = False) -> str:
    """Key of one suite's figures in the metrics file (a suite is its size and first seed)."""
    return f"{'borderline_' if borderline else ''}n{n}_seed{base_seed}"


#: the exact counts stored per cue (rates are stored beside them for reading, not compared)
CUE_COUNTS = ("measurable", "faults", "tp", "fp", "fn", "tn", "agree", "unjudged",
              "unmeasurable", "judged_unmeasurable", "info", "info_ok", "near", "near_agree")
#: the exact counts stored per suite
SUITE_COUNTS = ("clips", "rep_clips", "reps_right", "segments", "segments_found", "sides_right",
                "sides_total", "crashes")


def metrics(tally: Tally) -> dict[str, Any]:
    """The figures a regression test compares: exact per-cue confusion counts (true and false
    positives and negatives, agreements, verdicts not given, verdicts where the view cannot
    see), rep counts per view, segments, sides and crashes; rates beside them for reading."""
    cues: dict[str, dict[str, Any]] = {}
    for cue_id in sorted(tally.cues):
        c = tally.cues[cue_id]
        cues[cue_id] = {k: getattr(c, k) for k in CUE_COUNTS}
        cues[cue_id].update(precision=c.precision, recall=c.recall)
    out: dict[str, Any] = {k: (len(tally.crashes) if k == "crashes" else getattr(tally, k))
                           for k in SUITE_COUNTS}
    out["reps_by_view"] = {v: list(ab) for v, ab in sorted(tally.reps_by_view.items())}
    out["rep_accuracy"] = tally.reps_right / tally.rep_clips if tally.rep_clips else None
    out["cues"] = cues
    return out


def differences(stored: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Every stored count that a fresh run of the same (deterministic) suite does not repeat
    exactly, better or worse: either is a change to explain and store."""
    out = [f"{k}: {fresh.get(k)} (stored {stored[k]})" for k in SUITE_COUNTS
           if k in stored and fresh.get(k) != stored[k]]
    if "reps_by_view" in stored and fresh.get("reps_by_view") != stored["reps_by_view"]:
        out.append(f"rep counts right per view: {fresh.get('reps_by_view')} "
                   f"(stored {stored['reps_by_view']})")
    for cue_id in sorted(set(stored["cues"]) | set(fresh["cues"])):
        old, new = stored["cues"].get(cue_id), fresh["cues"].get(cue_id)
        if old is None or new is None:
            out.append(f"{cue_id}: {'newly' if old is None else 'no longer'} scored")
            continue
        moved = [f"{k} {new.get(k)} (stored {old[k]})" for k in CUE_COUNTS
                 if k in old and new.get(k) != old[k]]
        if moved:
            out.append(f"{cue_id}: " + ", ".join(moved))
    return out


def save_metrics(tally: Tally, key: str, path: Path = METRICS_PATH) -> None:
    """Store one suite's figures under ``key``, keeping the other suites' entries."""
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data[key] = metrics(tally)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def judge(clip: SynthClip) -> tuple[list[Comparison], Report]:
    """The engine's verdicts on one clip, compared with its ground truth, and its report."""
    # the sweep's camera limits are the pose model's (`View.reliable`); these landmarks are
    # exact plus modelled noise, so every cue their view shows is judged
    report = analyze_track(
        clip.track, drill=clip.spec.drill, variant=variant_for(clip), camera_limits=False
    ).report
    return compare(clip.truth, report), report


def _print_misses(clip: SynthClip, comparisons: list[Comparison]) -> None:
    for c in comparisons:
        wrong = (c.truth in POSITIVE) != (c.engine in POSITIVE)
        judged_nm = c.truth == "not_measurable" and c.engine not in ("not_measurable", "missing")
        if c.truth != "info" and (wrong or judged_nm):
            s = clip.spec
            print(f"seed {s.seed} DRILL={s.drill} CAM={s.camera} noise {s.noise} swaps "
                  f"{s.swap_rate} jumps {s.jump_rate}: {c.cue_id}[{c.segment}] truth {c.truth} "
                  f"({c.truth_value}) engine {c.engine} ({c.engine_value})", file=sys.stderr)


def score(clips: Iterable[SynthClip], verbose: bool = False,
          keep: Callable[[SynthClip, Comparison], bool] | None = None) -> Tally:
    """Judge every clip and tally its verdicts (only those ``keep`` accepts, when given)."""
    tally = Tally()
    for clip in clips:
        try:
            comparisons, report = judge(clip)
        except Exception as err:  # noqa: BLE001 - a crash is a result to count, not to stop on
            tally.crashes.append(f"seed {clip.spec.seed}: {type(err).__name__}: {err}")
            continue
        if keep is not None:
            comparisons = [c for c in comparisons if keep(clip, c)]
        tally.add(clip.truth, report, comparisons)
        if verbose:
            _print_misses(clip, comparisons)
    return tally


def run(n: int, base_seed: int, verbose: bool) -> Tally:
    """The randomised (clear-cut) suite of ``n`` clips from ``base_seed``, judged."""
    return score(suite(n, base_seed), verbose)


def run_borderline(n: int, base_seed: int, verbose: bool) -> Tally:
    """The borderline suite: each clip's one fault near its cue's threshold; only those
    verdicts (the cue the fault moves, on its segments within the band) are tallied."""
    borders = list(borderline_suite(n, base_seed))
    wanted = {(b.clip.spec.seed, b.cue_id, seg) for b in borders for seg in b.segments}
    return score((b.clip for b in borders), verbose,
                 keep=lambda clip, c: (clip.spec.seed, c.cue_id, c.segment) in wanted)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="clips in the suite (default 300)")
    ap.add_argument("--borderline", type=int, default=150, metavar="N",
                    help="clips in the borderline suite (default 150; 0: none)")
    ap.add_argument("--seed", type=int, default=0, help="first seed of the suites")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument("--verbose", action="store_true", help="list every disagreement on stderr")
    ap.add_argument("--by-view", action="store_true", help="one row per view class and cue")
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 when a cue misses the target or the engine crashed")
    ap.add_argument("--save-metrics", action="store_true",
                    help=f"store the figures in {METRICS_PATH.relative_to(METRICS_PATH.parents[2])}"
                         " (the regression test's baseline)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    tally = run(args.n, args.seed, args.verbose)
    print(render(tally, args.markdown, time.perf_counter() - t0, args.by_view))
    if args.save_metrics:
        save_metrics(tally, suite_key(args.n, args.seed))
    if args.borderline:
        t0 = time.perf_counter()
        border = run_borderline(args.borderline, args.seed, args.verbose)
        print(f"\nBorderline suite (true values within ±{BAND * 100:g} % of the threshold):\n")
        print(render_borderline(border, args.markdown, time.perf_counter() - t0))
        if args.save_metrics:
            save_metrics(border, suite_key(args.borderline, args.seed, borderline=True))
    return 1 if args.strict and (below_target(tally) or tally.crashes) else 0


if __name__ == "__main__":
    sys.exit(main())
