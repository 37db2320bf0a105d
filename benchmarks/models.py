"""The lite, full and heavy pose models side by side: speed and accuracy in one run.

    .venv/bin/python benchmarks/models.py --markdown   # the README's table
    .venv/bin/python benchmarks/models.py --models lite full

Needs `formcheck models install` for lite and heavy (a model not installed is left out, and
the run says so). Accuracy is scored exactly as the two accuracy benchmarks score it:

- real clips (``../shared/clips/real`` and ``field``, labelled): ``real_accuracy.score_report``
  on ``track_video`` + ``analyze_track --drill auto``; fully right clips, checks right, rep
  counts, labelled tops found within 0.3 s, holds within 0.5 s, the coach's ``expect`` verdicts;
- rendered clips (``sample_videos/*.mp4`` with truth): ``accuracy.rendered_row``; rep counts,
  holds within 0.5 s, verdicts agreeing with the truth, headline faults, hip-extension MAE.

Speed: each model tracks two clips afresh (no cache; one real 640×480, one rendered 960×540),
and the table gives the pose model's milliseconds per frame and the whole tracking's (decode,
model, bookkeeping). The machine is a shared 2-core box: timings are upper bounds. Pose tracks
for accuracy are cached per model (``~/.cache/formcheck/tracks``), so a re-run takes seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # shared_clips
sys.path.insert(0, str(ROOT / "benchmarks"))

import accuracy  # noqa: E402
import real_accuracy  # noqa: E402
from shared_clips import REAL_CLIPS, labelled_clips  # noqa: E402

from formcheck.pose.legacy_models import LEGACY_MODELS, MODEL_NAMES, is_installed  # noqa: E402
from formcheck_synth.render.truth_load import load_truth  # noqa: E402

#: the clips each model tracks afresh for its speed
SPEED_CLIPS = (
    REAL_CLIPS / "physioplus_glute_bridge_side.mp4",
    ROOT / "sample_videos" / "single_leg_bridge_fast_lowering_side.mp4",
)


@dataclass(kw_only=True)
class ModelFigures:
    model: str
    pose_ms: float = float("nan")
    track_ms: float = float("nan")
    real: list[real_accuracy.ClipScore] = field(default_factory=list)
    rendered: list[accuracy.Row] = field(default_factory=list)


def _arg(model: str) -> str | None:
    """What ``track_video`` takes for a model (None: the bundled full one, its usual key)."""
    return None if LEGACY_MODELS[model].bundled else model


def speed(model: str) -> tuple[float, float]:
    """(pose ms/frame, tracking ms/frame) over ``SPEED_CLIPS``, tracked with no cache."""
    from formcheck.tracking import track_video

    pose_s = total_s = 0.0
    frames = 0
    with tempfile.TemporaryDirectory() as tmp:
        for clip in SPEED_CLIPS:
            if not clip.is_file():
                continue
            result = track_video(clip, model=_arg(model), use_cache=False, cache_dir=Path(tmp))
            pose_s += result.timings.pose_s
            total_s += result.timings.total_s
            frames += len(result.track)
    return (1000 * pose_s / frames, 1000 * total_s / frames) if frames else (float("nan"),) * 2


def real_scores(model: str) -> list[real_accuracy.ClipScore]:
    from formcheck.pipeline import analyze_track
    from formcheck.tracking import track_video

    scores = []
    for clip in labelled_clips():
        if not clip.path.is_file():
            continue
        score = real_accuracy.ClipScore(
            folder=clip.folder, name=clip.name, negative=real_accuracy.is_negative(clip.label)
        )
        try:
            track = track_video(clip.path, model=_arg(model)).track
            report = analyze_track(track, drill="auto").report
            score.checks = real_accuracy.score_report(report, clip.label)
        except Exception as err:  # noqa: BLE001 - a crash is a result to show, the run goes on
            score.error = f"{type(err).__name__}: {err}"
        scores.append(score)
    return scores


def rendered_rows(model: str) -> list[accuracy.Row]:
    heads = accuracy.headlines()
    rows = []
    for mp4 in sorted((ROOT / "sample_videos").glob("*.mp4")):
        truth = mp4.with_name(mp4.stem + ".truth.json")
        if not truth.exists():
            continue
        try:
            rows.append(
                accuracy.rendered_row(mp4, load_truth(truth), heads.get(mp4.stem), model=model)
            )
        except Exception as err:  # noqa: BLE001 - reported in the table, the run goes on
            rows.append(accuracy.Row(clip=mp4.stem, view="?", error=f"{type(err).__name__}: {err}"))
    return rows


def figures(model: str) -> ModelFigures:
    pose_ms, track_ms = speed(model)
    return ModelFigures(
        model=model,
        pose_ms=pose_ms,
        track_ms=track_ms,
        real=real_scores(model),
        rendered=rendered_rows(model),
    )


# --- the table ---------------------------------------------------------------------------------


def _checks(scores: list[real_accuracy.ClipScore], name: str) -> tuple[int, int]:
    found = [c for s in scores for c in s.checks if c.name == name]
    return sum(c.ok for c in found), len(found)


def _expect(scores: list[real_accuracy.ClipScore]) -> tuple[int, int]:
    found = [c for s in scores for c in s.checks if c.name.startswith("expect.")]
    return sum(c.ok for c in found), len(found)


def _frac(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def row_cells(f: ModelFigures) -> list[str]:
    s = real_accuracy.summary(f.real) if f.real else None
    good = [r for r in f.rendered if not r.error]
    reps = [r for r in good if r.reps_ok is not None]
    holds = [r.hold_err_s for r in good if r.hold_err_s is not None]
    heads = [r for r in good if r.headline_ok is not None]
    mae = [r.ext_mae_deg for r in good if r.ext_mae_deg is not None and r.view == "side"]
    size = LEGACY_MODELS[f.model].size_bytes / 1e6
    return [
        f"{f.model}" + (" (default)" if LEGACY_MODELS[f.model].bundled else ""),
        f"{size:.1f}",
        f"{f.pose_ms:.1f}",
        f"{f.track_ms:.1f}",
        f"{s['fully_right']}/{s['clips']}" if s else "-",
        f"{s['checks_right']}/{s['checks']}" if s else "-",
        _frac(_checks(f.real, "reps")),
        _frac(_checks(f.real, "tops")),
        _frac(_checks(f.real, "holds")),
        _frac(_expect(f.real)),
        _frac((sum(bool(r.reps_ok) for r in reps), len(reps))),
        _frac((sum(abs(e) <= accuracy.HOLD_TOLERANCE_S for e in holds), len(holds))),
        _frac((sum(r.verdicts_ok for r in good), sum(r.verdicts for r in good))),
        _frac((sum(bool(r.headline_ok) for r in heads), len(heads))),
        f"{sum(mae) / len(mae):.1f}" if mae else "-",
    ]


HEAD = [
    "model",
    "MB",
    "pose ms/frame",
    "tracking ms/frame",
    "real: clips fully right",
    "real: checks",
    "real: reps",
    "real: tops ±0.3 s",
    "real: holds ±0.5 s",
    "real: `expect` verdicts",
    "rendered: reps",
    "rendered: holds ±0.5 s",
    "rendered: verdicts",
    "rendered: headline",
    "rendered side: ext MAE °",
]


def table(figs: list[ModelFigures], markdown: bool) -> str:
    return accuracy.render_table(HEAD, [row_cells(f) for f in figs], markdown)


def differences(figs: list[ModelFigures], base: str = "full") -> list[str]:
    """Each real check and rendered verdict a model gets otherwise than the base model."""
    ref = next((f for f in figs if f.model == base), None)
    if ref is None:
        return []
    out = []
    ref_real = {s.key: s for s in ref.real}
    ref_rows = {r.clip: r for r in ref.rendered}
    for f in figs:
        if f is ref:
            continue
        for s in f.real:
            other = ref_real.get(s.key)
            for c in s.checks:
                was = other.check(c.name) if other else None
                if was is not None and was.ok != c.ok:
                    mark = "right" if c.ok else "WRONG"
                    out.append(
                        f"  {f.model} {s.key}: {c.name} {mark} ({c.found}; {base}: {was.found})"
                    )
        for r in f.rendered:
            other_row = ref_rows.get(r.clip)
            if other_row is None:
                continue
            gained = sorted(set(other_row.wrong) - set(r.wrong))
            lost = sorted(set(r.wrong) - set(other_row.wrong))
            out += [f"  {f.model} {r.clip}: right where {base} is not: {w}" for w in gained]
            out += [f"  {f.model} {r.clip}: WRONG: {w}" for w in lost]
            if r.reps_ok is not None and r.reps_ok != other_row.reps_ok:
                out.append(f"  {f.model} {r.clip}: reps {r.reps} ({base}: {other_row.reps})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (README)")
    ap.add_argument("--models", nargs="+", choices=MODEL_NAMES, default=list(MODEL_NAMES))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    missing = [m for m in args.models if not is_installed(m)]
    if missing:
        print(f"not installed, left out: {', '.join(missing)} (formcheck models install)")
    figs = [figures(m) for m in args.models if m not in missing]
    print(table(figs, args.markdown))
    print()
    diffs = differences(figs)
    print("differences from the full model:" if diffs else "no differences from the full model")
    print("\n".join(diffs))
    print(f"time: {time.perf_counter() - t0:.0f} s (shared 2-core machine, run with nice)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
