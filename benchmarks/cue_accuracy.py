"""Per-cue accuracy of the cue engine on a randomised suite of generated tracks.

    .venv/bin/python benchmarks/cue_accuracy.py            # 300 clips, plain table
    .venv/bin/python benchmarks/cue_accuracy.py --n 60 --markdown
    .venv/bin/python benchmarks/cue_accuracy.py --n 70 --save-metrics   # regression baseline

Each clip comes from `formcheck.synth.suite` (fixed seeds: all drills, views, noise levels,
dropouts, frame rates, faults alone and combined, magnitudes clearly past or clearly inside
CUES.md's thresholds). The engine (`formcheck.analysis.analyze_track`) judges the track; its
verdicts are matched to the ground truth by segment overlap (`formcheck.synth.scoring`).

Columns: n = verdicts the view can measure; faults = of those, true faults; precision and
recall of the fault verdict (advice counts as the fault of an advice cue); agree = the exact
verdict matched; unjudged = the view could measure but the engine did not judge; n/m = cases
the view cannot measure; judged n/m = verdicts given there anyway (must be 0).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from formcheck.analysis import analyze_track
from formcheck.synth.scoring import Tally, compare
from formcheck.synth.suite import suite
from formcheck.synth.tracks import SynthClip

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


def render(tally: Tally, markdown: bool, elapsed: float, by_view: bool = False) -> str:
    table = rows(tally, by_view)
    lines = []
    if markdown:
        lines.append("| " + " | ".join(HEAD) + " |")
        lines.append("|" + "|".join("---" for _ in HEAD) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in table]
    else:
        widths = [max(len(r[i]) for r in [HEAD, *table]) for i in range(len(HEAD))]
        lines.append("  ".join(h.ljust(w) for h, w in zip(HEAD, widths, strict=True)))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in table]
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


def below_target(tally: Tally) -> list[str]:
    """Cues under the target precision or recall, or judged where the view cannot see."""
    return sorted(cue for cue, c in tally.cues.items()
                  if (c.precision is not None and c.precision < TARGET)
                  or (c.recall is not None and c.recall < TARGET) or c.judged_unmeasurable)


def suite_key(n: int, base_seed: int) -> str:
    """Key of one suite's figures in the metrics file (a suite is its size and first seed)."""
    return f"n{n}_seed{base_seed}"


def metrics(tally: Tally) -> dict[str, Any]:
    """The figures a regression test compares: per-cue counts and rates, rep counts, crashes."""
    cues: dict[str, dict[str, Any]] = {}
    for cue_id in sorted(tally.cues):
        c = tally.cues[cue_id]
        cues[cue_id] = {"measurable": c.measurable, "faults": c.faults, "tp": c.tp, "fp": c.fp,
                        "fn": c.fn, "precision": c.precision, "recall": c.recall,
                        "agree": c.agree, "judged_unmeasurable": c.judged_unmeasurable,
                        "info": c.info, "info_ok": c.info_ok}
    return {"clips": tally.clips, "rep_clips": tally.rep_clips, "reps_right": tally.reps_right,
            "rep_accuracy": tally.reps_right / tally.rep_clips if tally.rep_clips else None,
            "segments": tally.segments, "segments_found": tally.segments_found,
            "crashes": len(tally.crashes), "cues": cues}


def save_metrics(tally: Tally, n: int, base_seed: int, path: Path = METRICS_PATH) -> None:
    """Store this suite's figures under its key, keeping the other suites' entries."""
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    data[suite_key(n, base_seed)] = metrics(tally)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def run(n: int, base_seed: int, verbose: bool) -> Tally:
    tally = Tally()
    views: Counter[str] = Counter()
    for clip in suite(n, base_seed):
        try:
            report = analyze_track(clip.track, drill=clip.spec.drill,
                                   variant=variant_for(clip)).report
        except Exception as err:  # noqa: BLE001 - a crash is a result to count, not to stop on
            tally.crashes.append(f"seed {clip.spec.seed}: {type(err).__name__}: {err}")
            continue
        comparisons = compare(clip.truth, report)
        tally.add(clip.truth, report, comparisons)
        views[f"{clip.spec.drill}/{clip.spec.camera}"] += 1
        if verbose:
            for c in comparisons:
                wrong = (c.truth in ("fault", "advice")) != (c.engine in ("fault", "advice"))
                if c.truth not in ("info",) and (wrong or (c.truth == "not_measurable"
                                                           and c.engine not in ("not_measurable",
                                                                                "missing"))):
                    print(f"seed {clip.spec.seed} DRILL={clip.spec.drill} CAM={clip.spec.camera} "
                          f"noise {clip.spec.noise}: {c.cue_id}[{c.segment}] truth {c.truth} "
                          f"({c.truth_value}) engine {c.engine} ({c.engine_value})",
                          file=sys.stderr)
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="clips in the suite (default 300)")
    ap.add_argument("--seed", type=int, default=0, help="first seed of the suite")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
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
        save_metrics(tally, args.n, args.seed)
    return 1 if args.strict and (below_target(tally) or tally.crashes) else 0


if __name__ == "__main__":
    sys.exit(main())
