"""What the analysed frame rate changes: verdicts, rep counts, tops, holds and time, per rate.

    .venv/bin/python benchmarks/frame_rate.py --markdown   # the README's tables
    .venv/bin/python benchmarks/frame_rate.py --rates 10 15 --no-sixty

Each clip is tracked with the pose model run only on the frames kept at each rate (10, 15, 20,
30 frames a second and the source's own), on the grid of their true timestamps — as
``--fps N`` does, and as the ``--max-fps`` cap does for a faster clip — since MediaPipe's
tracking between frames depends on their spacing (subsampling a full-rate track would not be
the same). A rate at or above the clip's own is the source itself. Scored as the accuracy
benchmarks score (``real_accuracy.score_report``, ``accuracy.rendered_row``):

- real clips (``../shared/clips/real`` and ``field``): clips fully right, rep counts, labelled
  tops found within 0.3 s, the mean error of the found tops' ends, holds within 0.5 s, the
  coach's ``expect`` verdicts, and clips whose verdicts (every cue's result per segment)
  differ from the source rate's;
- rendered clips (``sample_videos``): rep counts, holds within 0.5 s, verdicts agreeing with
  the truth, and verdicts that changed from the source rate's.

Then the 60 fps figure: 30 fps clips copied to 60 fps (FFmpeg's ``framerate`` filter: the
source frames plus a blend between each two, in a temporary folder) are tracked afresh with
no cap and with the default cap, beside the 30 fps original: wall time of tracking, frames
sent to the model, and whether the report's verdicts match the original's. Shared 2-core
machine, run with nice: times are upper bounds, and close ones are within its noise.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # shared_clips
sys.path.insert(0, str(ROOT / "benchmarks"))

import accuracy  # noqa: E402
import real_accuracy  # noqa: E402
from shared_clips import FIELD_CLIPS, REAL_CLIPS, labelled_clips, retimed_copy  # noqa: E402

from formcheck.video import DEFAULT_MAX_FPS  # noqa: E402
from formcheck.video.sources import probe_fps  # noqa: E402
from formcheck_synth.render.truth_load import load_truth  # noqa: E402

RATES = (10.0, 15.0, 20.0, 30.0)
SOURCE = "source"
#: 30 fps clips copied to 60 fps for the issue's figure
SIXTY_FROM = (
    REAL_CLIPS / "physioplus_glute_bridge_side.mp4",
    FIELD_CLIPS / "lena_glute_bridge_side.mp4",
    FIELD_CLIPS / "lena_pelvic_tilt_side_negative.mp4",
)


def asked_rate(rate: float | str, clip: Path) -> float | None:
    """The ``fps`` to track at: None (every frame) for the source, or a rate at or above the
    clip's own (it keeps every frame anyway: the same track)."""
    if rate == SOURCE:
        return None
    src = probe_fps(clip) or math.inf
    return None if float(rate) >= src * 0.99 else float(rate)


@dataclass(kw_only=True)
class RateFigures:
    rate: float | str
    real: list[real_accuracy.ClipScore] = field(default_factory=list)
    #: per real clip: the verdict strings, and the found tops' end errors (s)
    real_verdicts: dict[str, list[str]] = field(default_factory=dict)
    top_errors: list[float] = field(default_factory=list)
    rendered: list[accuracy.Row] = field(default_factory=list)
    frames: int = 0


def top_errors(report: Any, label: dict[str, Any]) -> list[float]:
    """|start| and |end| errors (s) of each labelled top matched within 0.3 s."""
    found = list(real_accuracy.found_tops(report))
    errs = []
    for a, b in label.get("tops", []):
        near = [
            f
            for f in found
            if abs(f[0] - a) <= real_accuracy.TOP_TOLERANCE_S
            and abs(f[1] - b) <= real_accuracy.TOP_TOLERANCE_S
        ]
        if near:
            best = min(near, key=lambda f: abs(f[0] - a) + abs(f[1] - b))
            found.remove(best)
            errs += [abs(best[0] - a), abs(best[1] - b)]
    return errs


def real_at(rate: float | str, figs: RateFigures) -> None:
    from formcheck.pipeline import analyze_track
    from formcheck.tracking import track_video

    for clip in labelled_clips():
        if not clip.path.is_file():
            continue
        score = real_accuracy.ClipScore(
            folder=clip.folder, name=clip.name, negative=real_accuracy.is_negative(clip.label)
        )
        track = track_video(clip.path, fps=asked_rate(rate, clip.path), max_fps=None).track
        report = analyze_track(track, drill="auto").report
        score.checks = real_accuracy.score_report(report, clip.label)
        figs.real.append(score)
        figs.real_verdicts[score.key] = real_accuracy._verdicts(report)
        figs.top_errors += top_errors(report, clip.label)
        figs.frames += len(track)


def rendered_at(rate: float | str, figs: RateFigures) -> None:
    heads = accuracy.headlines()
    for mp4 in sorted((ROOT / "sample_videos").glob("*.mp4")):
        truth = mp4.with_name(mp4.stem + ".truth.json")
        if truth.exists():
            row = accuracy.rendered_row(
                mp4, load_truth(truth), heads.get(mp4.stem), fps=asked_rate(rate, mp4), max_fps=None
            )
            figs.rendered.append(row)


def at_rate(rate: float | str) -> RateFigures:
    figs = RateFigures(rate=rate)
    real_at(rate, figs)
    rendered_at(rate, figs)
    return figs


# --- the rate table ----------------------------------------------------------------------------


def _pair(ok: int, n: int) -> str:
    return f"{ok}/{n}" if n else "-"


def rate_cells(f: RateFigures, source: RateFigures) -> list[str]:
    s = real_accuracy.summary(f.real)

    def checks(name: str) -> tuple[int, int]:
        found = [c for sc in f.real for c in sc.checks if c.name == name]
        return sum(c.ok for c in found), len(found)

    expect = [c for sc in f.real for c in sc.checks if c.name.startswith("expect.")]
    changed = sum(f.real_verdicts[k] != source.real_verdicts.get(k) for k in f.real_verdicts)
    rows = [r for r in f.rendered if not r.error]
    src_rows = {r.clip: r for r in source.rendered}
    reps = [r for r in rows if r.reps_ok is not None]
    holds = [r.hold_err_s for r in rows if r.hold_err_s is not None]
    flipped = sum(len(set(r.wrong) ^ set(src_rows[r.clip].wrong)) for r in rows if r.clip in src_rows)
    err = f"{statistics.mean(f.top_errors):.2f}" if f.top_errors else "-"
    return [
        f"{f.rate:g}" if isinstance(f.rate, float) else "source",
        _pair(s["fully_right"], s["clips"]),
        _pair(*checks("reps")),
        _pair(*checks("tops")),
        err,
        _pair(*checks("holds")),
        _pair(sum(c.ok for c in expect), len(expect)),
        str(changed),
        _pair(sum(bool(r.reps_ok) for r in reps), len(reps)),
        _pair(sum(abs(e) <= accuracy.HOLD_TOLERANCE_S for e in holds), len(holds)),
        _pair(sum(r.verdicts_ok for r in rows), sum(r.verdicts for r in rows)),
        str(flipped),
        str(f.frames),
    ]


RATE_HEAD = [
    "analysed fps",
    "real: clips fully right",
    "real: reps",
    "real: tops ±0.3 s",
    "real: top end error s",
    "real: holds ±0.5 s",
    "real: `expect` verdicts",
    "real: clips with verdicts changed",
    "rendered: reps",
    "rendered: holds ±0.5 s",
    "rendered: verdicts agree",
    "rendered: verdicts changed",
    "real: frames to the model",
]


def changed_lines(figs: list[RateFigures], source: RateFigures) -> list[str]:
    out = []
    for f in figs:
        if f is source:
            continue
        for k, v in f.real_verdicts.items():
            before = source.real_verdicts.get(k, [])
            if v != before:
                gone, new = sorted(set(before) - set(v)), sorted(set(v) - set(before))
                out.append(f"  {f.rate:g} fps {k}: source {gone or '-'} → {new or '-'}")
        for sc in f.real:
            for c in sc.checks:
                if not c.ok:
                    out.append(f"  {f.rate:g} fps {sc.key}: {c.name} wrong ({c.found}; want {c.want})")
        src_rows = {r.clip: r for r in source.rendered}
        for r in f.rendered:
            was = src_rows.get(r.clip)
            if was is not None:
                for w in sorted(set(r.wrong) - set(was.wrong)):
                    out.append(f"  {f.rate:g} fps {r.clip}: now wrong {w}")
                for w in sorted(set(was.wrong) - set(r.wrong)):
                    out.append(f"  {f.rate:g} fps {r.clip}: now right (wrong at source: {w})")
                if r.reps != was.reps:
                    out.append(f"  {f.rate:g} fps {r.clip}: reps {r.reps} (source {was.reps})")
    return out


# --- the 60 fps figure ---------------------------------------------------------------------------


@dataclass(kw_only=True)
class SixtyRow:
    clip: str
    runs: dict[str, tuple[float, int, int]] = field(default_factory=dict)  # wall s, sent, decoded
    same: dict[str, bool] = field(default_factory=dict)
    right: dict[str, str] = field(default_factory=dict)


def sixty(clips: tuple[Path, ...] = SIXTY_FROM) -> list[SixtyRow]:
    from formcheck.pipeline import analyze_track
    from formcheck.tracking import track_video

    labels = {c.path: c.label for c in labelled_clips()}
    rows = []
    with tempfile.TemporaryDirectory(prefix="formcheck-60-") as tmp:
        for src in clips:
            if not src.is_file():
                continue
            copy = retimed_copy(src, Path(tmp) / f"{src.stem}_60.mp4", 60)
            row = SixtyRow(clip=src.stem)
            verdicts = {}
            for tag, clip, cap in (
                ("30 fps original", src, None),
                ("60 fps, no cap", copy, None),
                (f"60 fps, cap {DEFAULT_MAX_FPS:g}", copy, DEFAULT_MAX_FPS),
            ):
                t0 = time.perf_counter()
                result = track_video(clip, max_fps=cap, use_cache=False)
                wall = time.perf_counter() - t0
                report = analyze_track(result.track, drill="auto").report
                row.runs[tag] = (wall, len(result.track), result.track.source.frames_decoded)
                verdicts[tag] = real_accuracy._verdicts(report)
                label = labels.get(src)
                if label is not None:
                    checks = real_accuracy.score_report(report, label)
                    row.right[tag] = f"{sum(c.ok for c in checks)}/{len(checks)}"
            first = next(iter(verdicts.values()))
            row.same = {tag: v == first for tag, v in verdicts.items()}
            rows.append(row)
    return rows


def sixty_table(rows: list[SixtyRow], markdown: bool) -> str:
    head = ["clip", "run", "frames decoded", "frames to the model", "tracking s",
            "verdicts as the 30 fps original", "label checks right"]
    body = []
    for r in rows:
        for tag, (wall, sent, decoded) in r.runs.items():
            body.append([r.clip, tag, str(decoded), str(sent), f"{wall:.1f}",
                         "yes" if r.same[tag] else "NO", r.right.get(tag, "-")])
    return accuracy.render_table(head, body, markdown)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables (README)")
    ap.add_argument("--rates", nargs="+", type=float, default=list(RATES))
    ap.add_argument("--no-sixty", action="store_true", help="skip the 60 fps copies")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    source = at_rate(SOURCE)
    figs = [at_rate(r) for r in sorted(args.rates)] + [source]
    print(accuracy.render_table(RATE_HEAD, [rate_cells(f, source) for f in figs], args.markdown))
    print()
    lines = changed_lines(figs, source)
    print("what differs from the source rate, and every wrong check:" if lines else "nothing differs")
    print("\n".join(lines))
    if not args.no_sixty:
        print()
        print(sixty_table(sixty(), args.markdown))
    print(f"\ntime: {time.perf_counter() - t0:.0f} s (shared 2-core machine, run with nice)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
