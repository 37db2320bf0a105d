"""Accuracy of the whole pipeline (video → MediaPipe → cue engine) on rendered and real clips.

    .venv/bin/python benchmarks/accuracy.py                 # sample_videos/ + ../shared/clips/real
    .venv/bin/python benchmarks/accuracy.py --markdown      # the same table for a README
    .venv/bin/python benchmarks/accuracy.py --clips DIR --no-real

Every rendered clip (``*.mp4`` with a ``NAME.truth.json`` beside it, see `formcheck synth`) is
analysed by `formcheck.pipeline.analyze` (pose model included; tracks are cached, so a re-run
is fast) with the drill its truth names, and compared with its ground truth:

- reps: reps found against reps rendered (bridges);
- hold: longest hold found against the rendered one, seconds (table top);
- peak err: mean |peak hip extension found − true| over matched reps/holds, degrees;
- ext MAE: mean |hip extension signal − true| over frames where the engine measured it, per
  side, degrees (true = the sagittal shoulder–hip–knee angle of the rendered skeleton);
- cues: (clip, cue) pairs whose verdicts all match (pass / fault / not_measurable; advice as
  advice; info cues within 0.5 s), out of the pairs; verdicts: the same per (cue, segment);
- headline: the clip's headline fault (from ``sample_videos/make_samples.py``) judged right.

Real clips (``../shared/clips/real`` with ``labels.json``) get their rep count checked only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # shared_clips

from scoring import Comparison, compare, match_segments  # noqa: E402
from shared_clips import REAL_CLIPS  # noqa: E402

from formcheck_synth.render.truth_load import TruthFile, load_truth  # noqa: E402

HOLD_TOLERANCE_S = 0.5
INFO_TOLERANCE_S = 0.5


@dataclass(kw_only=True)
class Row:
    clip: str
    view: str
    reps: str = "-"
    reps_ok: bool | None = None
    hold_err_s: float | None = None
    peak_err_deg: float | None = None
    ext_mae_deg: float | None = None
    pairs_ok: int = 0
    pairs: int = 0
    #: cue id -> all of its verdicts on this clip agree
    cue_ok: dict[str, bool] = field(default_factory=dict)
    verdicts_ok: int = 0
    verdicts: int = 0
    headline: str = "-"
    headline_ok: bool | None = None
    wrong: list[str] = field(default_factory=list)
    error: str = ""


def headlines() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "sample_videos"))
    try:
        from make_samples import CLIPS  # type: ignore[import-not-found]
    except ImportError:
        return {}
    return {name: head for name, head, _, _ in CLIPS}


def agrees(c: Comparison) -> bool:
    """A verdict matches its truth (an info cue: its value within `INFO_TOLERANCE_S`)."""
    if c.truth == "info":
        return (c.engine_value is not None and c.truth_value is not None
                and abs(c.engine_value - c.truth_value) <= INFO_TOLERANCE_S)
    return c.engine == c.truth


def _angle_errors(tf: TruthFile, analysis) -> tuple[float | None, float | None]:  # noqa: ANN001
    sig = analysis.signals
    t_true = tf.truth.t
    errs = []
    for side in ("left", "right"):
        name = f"hip_extension_{side}_deg"
        if name not in sig.values:
            continue
        found = np.interp(t_true, sig.t, sig[name], left=np.nan, right=np.nan)
        true = tf.angle("hip_extension_deg", side)
        ok = np.isfinite(found) & np.isfinite(true)
        errs.append(np.abs(found[ok] - true[ok]))
    mae = float(np.mean(np.concatenate(errs))) if errs and sum(len(e) for e in errs) else None
    matches = match_segments(tf.truth, analysis.report)
    peaks = []
    for s in tf.truth.segments:
        j = matches.get(s.index)
        true_peak = s.measures.get("peak_hip_extension_deg")
        if j is None or true_peak is None:
            continue
        found_peak = analysis.report.segments[j].measures.get("peak_hip_extension_deg")
        if found_peak is not None:
            peaks.append(abs(found_peak - true_peak))
    return (float(np.mean(peaks)) if peaks else None), mae


def variant_for(tf: TruthFile) -> str:
    """What the athlete would tell formcheck: the toe variant is a choice, not a pose."""
    return "toe" if tf.doc["spec"].get("toe_variant") else ""


def rendered_row(mp4: Path, tf: TruthFile, headline: str | None, **analyze_opts: Any) -> Row:
    """One rendered clip scored against its truth; ``analyze_opts`` go to `analyze` (a model,
    a frame rate: benchmarks/models.py and frame_rate.py score the same way)."""
    from formcheck.pipeline import analyze

    analysis = analyze(mp4, drill=tf.drill, variant=variant_for(tf), **analyze_opts)
    report = analysis.report
    truth = tf.truth
    row = Row(clip=mp4.stem, view=truth.view_class)
    if truth.drill != "table-top":
        n_true, n_found = len(truth.reps), len(report.reps)
        row.reps, row.reps_ok = f"{n_found}/{n_true}", n_found == n_true
    else:
        found = report.holds.longest_s if report.holds else 0.0
        row.hold_err_s = found - truth.longest_hold_s
    row.peak_err_deg, row.ext_mae_deg = _angle_errors(tf, analysis)
    comps = compare(truth, report)
    by_cue: dict[str, list[bool]] = defaultdict(list)
    for c in comps:
        ok = agrees(c)
        by_cue[c.cue_id].append(ok)
        row.verdicts += 1
        row.verdicts_ok += ok
        if not ok:
            row.wrong.append(f"{c.cue_id}[{c.segment}] {c.engine}≠{c.truth}")
    row.pairs = len(by_cue)
    row.pairs_ok = sum(all(v) for v in by_cue.values())
    row.cue_ok = {cue: all(v) for cue, v in by_cue.items()}
    if headline and headline != "clean":
        row.headline = headline
        row.headline_ok = bool(by_cue.get(headline)) and all(by_cue[headline])
    elif headline == "clean":
        row.headline = "clean"
        faults = [c for c in comps if c.engine in ("fault",) and c.truth != "fault"]
        row.headline_ok = not faults
    return row


def _real_drill(text: str) -> str:
    text = text.lower()
    return "banded-bridge" if ("bridge" in text or "frog pump" in text) else "auto"


def real_rows(folder: Path) -> list[Row]:
    from formcheck.pipeline import analyze

    labels_path = folder / "labels.json"
    if not labels_path.exists():
        return []
    labels = json.loads(labels_path.read_text())["clips"]
    rows = []
    for name, lab in sorted(labels.items()):
        row = Row(clip=f"real:{Path(name).stem}", view=str(lab.get("view", "")).split(",")[0])
        try:
            report = analyze(folder / name, drill=_real_drill(lab.get("drill", ""))).report
        except Exception as err:  # noqa: BLE001 - reported in the table, the run goes on
            row.error = f"{type(err).__name__}: {err}"
            rows.append(row)
            continue
        n_found, n_true = len(report.reps), int(lab["reps"])
        row.reps, row.reps_ok = f"{n_found}/{n_true}", n_found == n_true
        rows.append(row)
    return rows


def _f(x: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


def _yes(x: bool | None) -> str:
    return "-" if x is None else ("ok" if x else "WRONG")


def render_table(head: list[str], body: list[list[str]], markdown: bool) -> str:
    """Rows of cells as a Markdown table, or as aligned plain-text columns."""
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(b) + " |" for b in body])
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in [head, *body]
    )


HEAD = ["clip", "view", "reps", "hold err s", "peak err °", "ext MAE °", "cues", "verdicts", "headline"]


def table(rows: list[Row], markdown: bool) -> str:
    body = [[r.clip, r.view, f"{r.reps} {_yes(r.reps_ok)}" if r.reps_ok is not None else "-",
             _f(r.hold_err_s, "{:+.2f}"), _f(r.peak_err_deg), _f(r.ext_mae_deg),
             f"{r.pairs_ok}/{r.pairs}" if r.pairs else "-",
             f"{r.verdicts_ok}/{r.verdicts}" if r.verdicts else "-",
             "-" if r.headline_ok is None else f"{r.headline} {_yes(r.headline_ok)}"]
            + ([f"ERROR {r.error}"] if r.error else []) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(HEAD) + " |", "|" + "|".join("---" for _ in HEAD) + "|"]
        return "\n".join(lines + ["| " + " | ".join(b[: len(HEAD)]) + " |" for b in body])
    widths = [max(len(str(x[i])) for x in [HEAD, *body]) for i in range(len(HEAD))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEAD, widths, strict=True))]
    lines += ["  ".join(str(v).ljust(w) for v, w in zip(b, [*widths, 0], strict=False)) for b in body]
    return "\n".join(lines)


def summary(rows: list[Row]) -> list[str]:
    synth = [r for r in rows if not r.clip.startswith("real:") and not r.error]
    side = [r for r in synth if r.view == "side"]
    rep_side = [r for r in side if r.reps_ok is not None]
    holds = [r.hold_err_s for r in synth if r.hold_err_s is not None]
    pairs_ok, pairs = sum(r.pairs_ok for r in synth), sum(r.pairs for r in synth)
    heads = [r for r in side if r.headline_ok is not None and r.headline != "clean"]
    real = [r for r in rows if r.clip.startswith("real:")]
    out = [
        f"rep counts right on side-view clips: {sum(bool(r.reps_ok) for r in rep_side)}/{len(rep_side)}",
        f"holds within {HOLD_TOLERANCE_S} s: {sum(abs(e) <= HOLD_TOLERANCE_S for e in holds)}/{len(holds)}",
        f"(clip, cue) pairs agreeing: {pairs_ok}/{pairs}" + (f" = {100 * pairs_ok / pairs:.1f} %" if pairs else ""),
        "(clip, cue) pairs agreeing on side views: "
        f"{sum(r.pairs_ok for r in side)}/{sum(r.pairs for r in side)}",
        f"side-view headline faults right: {sum(bool(r.headline_ok) for r in heads)}/{len(heads)}",
    ]
    if real:
        out.append(f"real clips, rep counts right: {sum(bool(r.reps_ok) for r in real)}/{len(real)}")
    per_cue: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in synth:
        for cue, ok in r.cue_ok.items():
            per_cue[cue][0] += ok
            per_cue[cue][1] += 1
    out.append("per cue (clips agreeing / clips): " + ", ".join(
        f"{cue} {a}/{b}" for cue, (a, b) in sorted(per_cue.items())))
    wrong = [f"  {r.clip}: {w}" for r in synth for w in r.wrong]
    if wrong:
        out += ["disagreements:", *wrong]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clips", type=Path, default=ROOT / "sample_videos")
    ap.add_argument("--no-real", action="store_true", help="skip ../shared/clips/real")
    ap.add_argument("--markdown", action="store_true")
    opts = ap.parse_args()
    heads = headlines()
    rows: list[Row] = []
    t0 = time.perf_counter()
    for mp4 in sorted(opts.clips.glob("*.mp4")):
        truth_path = mp4.with_name(mp4.stem + ".truth.json")
        if not truth_path.exists():
            continue
        try:
            rows.append(rendered_row(mp4, load_truth(truth_path), heads.get(mp4.stem)))
        except Exception as err:  # noqa: BLE001 - reported in the table, the run goes on
            rows.append(Row(clip=mp4.stem, view="?", error=f"{type(err).__name__}: {err}"))
    if not opts.no_real and REAL_CLIPS.exists():
        rows += real_rows(REAL_CLIPS)
    print(table(rows, opts.markdown))
    print()
    print("\n".join(summary(rows)))
    print(f"time: {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
