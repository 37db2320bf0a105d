"""Accuracy on the team's labelled real clips: ``../shared/clips/real`` and ``.../field``.

    .venv/bin/python benchmarks/real_accuracy.py             # every check of every clip
    .venv/bin/python benchmarks/real_accuracy.py --markdown  # the README's table
    .venv/bin/python benchmarks/real_accuracy.py --json      # and store the figures in
                                                             # benchmarks/metrics/real_accuracy.json

A worktree without ``../shared`` beside it points at the clips with
``FORMCHECK_REAL_CLIPS=/path/to/shared/clips/real`` (the field folder is found beside it).

Every labelled clip is analysed as a user would: ``formcheck.tracking.track_video`` (pose
tracks are cached by content hash, so a re-run takes seconds) and ``analyze_track`` with
``--drill auto``. Per clip it checks, against ``labels.json``:

- drill: a negative (``bridge: false``, or 0 reps and "not a bridge" in the drill text) must
  come out as ``none``; a bridge as the drill its label names (`expected_drills`);
- view: the camera view the label describes (negatives: not scored, a view is defined for a
  person on their back);
- reps: the rep count; tops: every labelled top found (start and end within 0.3 s), none extra;
- holds: ``hold_s`` against the hold segments (within 0.5 s), no hold where none is labelled;
- one-leg: ``single_leg`` phases against the single-leg segments (side and ends within 0.5 s);
- verdicts: each ``expect`` verdict (`EXPECT_CHECKS`), or for a negative: no verdict at all.

A clip is fully right when every check is. ``tests/test_real_accuracy.py`` fails when a check
stored as right in ``benchmarks/metrics/real_accuracy.json`` goes wrong.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # shared_clips

from shared_clips import LabelledClip, labelled_clips  # noqa: E402

from formcheck.cues import tempo  # noqa: E402
from formcheck.cues.base import Check as CueCheck  # noqa: E402
from formcheck.drills import all_cues  # noqa: E402
from formcheck.report.model import Reason, Report, Segment, Status  # noqa: E402

#: stored figures that tests/test_real_accuracy.py compares a fresh run against
METRICS_PATH = Path(__file__).resolve().parent / "metrics" / "real_accuracy.json"

#: labelled times are ±0.25 s (labels.json's `about`); a top's edge within 0.3 s is found
TOP_TOLERANCE_S = 0.3
#: holds and one-leg phases: the issue's figure ("within 0.5 s")
SEGMENT_TOLERANCE_S = 0.5
#: a duration is two labelled times apart (each about ±0.25 s, labels.json's `about`): 0.3 s
DURATION_TOLERANCE_S = 0.3
#: the longest hold against the label's "about N s"
LONGEST_HOLD_TOLERANCE_S = 0.5

#: the field labels' ``single_leg`` side is the leg that lifts (the marching clip's frames: at
#: 0.2 s the near, right leg is up); a single-leg segment names it as `Segment.lifted_side`
#: (its ``side`` is the stance leg)

#: a verdict: a cue's result that judges or measures (not "not measurable")
VERDICT = (Status.PASS, Status.FAULT, Status.ADVICE, Status.INFO)


def _cues_with(*checks: CueCheck) -> frozenset[str]:
    """The ids of every drill's cues that run one of ``checks`` (formcheck/drills/*.py)."""
    return frozenset(c.id for c in all_cues() if c.check in checks)


#: the rep's height: sbb.hips_up, slgb.hips_up
HIPS_UP_CUES = _cues_with(tempo.peak_hip_extension)
#: the squeeze at the top: sbb.intent, slgb.squeeze_top
TOP_PAUSE_CUES = _cues_with(tempo.top_pause)


@dataclass(frozen=True, kw_only=True)
class Check:
    """One thing scored on one clip: what the label wants, what the report has."""

    name: str
    ok: bool
    found: str
    want: str


@dataclass(kw_only=True)
class ClipScore:
    folder: str
    name: str
    negative: bool
    checks: list[Check] = field(default_factory=list)
    error: str = ""

    @property
    def key(self) -> str:
        return f"{self.folder}/{self.name}"

    @property
    def fully_right(self) -> bool:
        return not self.error and all(c.ok for c in self.checks)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)


@cache
def analyse(path: Path) -> Report:
    """The report ``formcheck analyze --drill auto`` gives, from the cached pose track (once
    per process: the regression test reuses it)."""
    from formcheck.pipeline import analyze_track
    from formcheck.tracking import track_video

    return analyze_track(track_video(path).track, drill="auto").report


# --- what a label asks for ------------------------------------------------------------------


def is_negative(label: dict[str, Any]) -> bool:
    """A clip of something that is not a bridge (field: ``bridge: false``; real: 0 reps and
    "not a bridge" in the drill text, the dead bug)."""
    if "bridge" in label:
        return label["bridge"] is False
    return label.get("reps") == 0 and "not a bridge" in str(label.get("drill", "")).lower()


def _text(label: dict[str, Any]) -> str:
    return f"{label.get('exercise', '')} {label.get('drill', '')}".lower()


def expected_drills(label: dict[str, Any]) -> tuple[str, ...]:
    """The drill ids that are right for this clip, first rule that applies:
    a negative → none; ``expect.drill`` or the exercise naming a bench / table top → table-top;
    naming a single leg → single-leg-bridge; a floor hold with one-leg phases → either floor
    drill (the issue: "whichever bridge drill it is judged as"); else a two-leg floor bridge →
    banded-bridge (the floor bridge drill, "any two-leg floor bridge")."""
    if is_negative(label):
        return ("none",)
    words = f"{_text(label)} {label.get('expect', {}).get('drill', '')}".lower()
    if "table top" in words or "bench" in words:
        return ("table-top",)
    if "single-leg" in words or "single leg" in words:
        return ("single-leg-bridge",)
    if label.get("single_leg") or label.get("hold_s"):
        return ("banded-bridge", "single-leg-bridge")
    return ("banded-bridge",)


def expected_views(label: dict[str, Any]) -> tuple[str, ...]:
    """The view names the label's ``view`` text allows; () when it names none formcheck has.
    A side view's facing side is the label's "(left|right) side to camera", else read from
    where the head is: lying on the back with the head at the image's left, the athlete's right
    side faces the camera."""
    text = str(label.get("view", "")).lower()
    if text.startswith("side"):
        said = re.search(r"\b(left|right) side to camera", text)
        if said:
            return (f"side-{said.group(1)}",)
        head = re.search(r"head (?:at|to) the (left|right)", text)
        feet = re.search(r"feet (?:at|to) the (left|right)", text)
        if head:
            return ("side-right" if head.group(1) == "left" else "side-left",)
        if feet:
            return ("side-left" if feet.group(1) == "left" else "side-right",)
        return ("side-left", "side-right")
    if text.startswith("from the feet"):
        return ("front-feet", "oblique") if "oblique" in text else ("front-feet",)
    if text.startswith("from the head"):
        return ("front-head", "oblique") if "oblique" in text else ("front-head",)
    return ("oblique",) if text.startswith("oblique") else ()


# --- what the report has ---------------------------------------------------------------------


def found_tops(report: Report) -> list[tuple[float, float]]:
    """The top phases of the reps and partial reps, in order."""
    return [
        (p.start_s, p.end_s)
        for s in report.segments
        if s.kind in ("rep", "partial")
        for p in s.phases
        if p.name == "top"
    ]


def _near(a: tuple[float, float], b: tuple[float, float], tol: float) -> bool:
    return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol


def match_spans(
    want: list[tuple[float, float]], found: list[tuple[float, float]], tol: float
) -> tuple[int, int]:
    """(labelled spans found within ``tol`` at both ends, found spans left over); each found
    span matches at most one labelled span."""
    free = list(found)
    hit = 0
    for w in want:
        j = next((i for i, f in enumerate(free) if _near(w, f, tol)), None)
        if j is not None:
            hit += 1
            free.pop(j)
    return hit, len(free)


def _count_check(
    name: str, want: list[tuple[float, float]], found: list[tuple[float, float]], tol: float
) -> Check:
    hit, extra = match_spans(want, found, tol)
    shown = f"{hit}/{len(want)}" + (f" +{extra}" if extra else "")
    return Check(
        name=name,
        ok=hit == len(want) and not extra,
        found=shown,
        want=", ".join(f"{a:g}-{b:g}" for a, b in want) or "none",
    )


def _holds(report: Report) -> list[Segment]:
    return [s for s in report.segments if s.kind == "hold"]


def _single_legs(report: Report) -> list[Segment]:
    return [s for s in report.segments if s.kind == "single_leg"]


def check_holds(report: Report, label: dict[str, Any]) -> Check | None:
    """``hold_s`` against the hold segments; no label: no hold, unless the clip's holds are
    scored by an ``expect.longest_hold`` (a table top done as reps); None then."""
    if "hold_s" not in label and "longest_hold" in label.get("expect", {}):
        return None
    want = [tuple(label["hold_s"])] if "hold_s" in label else []
    found = [(s.start_s, s.end_s) for s in _holds(report)]
    return _count_check("holds", want, found, SEGMENT_TOLERANCE_S)  # type: ignore[arg-type]


def check_single_leg(report: Report, label: dict[str, Any]) -> Check:
    """Each labelled one-leg phase found with its side and both ends within 0.5 s; no others."""
    want = [(side, float(a), float(b)) for side, a, b in label.get("single_leg", [])]
    free = [(s.lifted_side, s.start_s, s.end_s) for s in _single_legs(report)]
    hit = 0
    for side, a, b in want:
        j = next(
            (
                i
                for i, (fs, fa, fb) in enumerate(free)
                if fs == side and _near((a, b), (fa, fb), SEGMENT_TOLERANCE_S)
            ),
            None,
        )
        if j is not None:
            hit += 1
            free.pop(j)
    shown = f"{hit}/{len(want)}" + (f" +{len(free)}" if free else "")
    lifted = ", ".join(f"{s} leg up {a:g}-{b:g}" for s, a, b in label.get("single_leg", []))
    return Check(
        name="single_leg", ok=hit == len(want) and not free, found=shown, want=lifted or "none"
    )


def _verdicts(report: Report) -> list[str]:
    return [
        f"{r.cue_id}[{r.segment_index}] {r.status.value}"
        for r in report.results
        if r.status in VERDICT
    ]


# --- the coach's expected verdicts (labels.json "expect") -------------------------------------


def _verdict_word(text: str) -> Status | None:
    """The first "pass" or "fault" in an expect text."""
    m = re.search(r"\b(pass|fault)", text.lower())
    return None if m is None else Status(m.group(1))


def _about_s(text: str) -> float | None:
    """The N of "about N s" in an expect text."""
    m = re.search(r"about (\d+(?:\.\d+)?) s", text)
    return None if m is None else float(m.group(1))


def _every_rep(report: Report, cues: frozenset[str], text: str) -> tuple[bool, str]:
    """Every rep has the text's verdict from one of ``cues`` (a rep cut by the clip may be not
    measurable: it is not judged, which is honest)."""
    want = _verdict_word(text)
    reps = report.reps
    got = []
    ok = bool(reps) and want is not None
    for rep in reps:
        res = [r for r in report.results_of(rep.index) if r.cue_id in cues]
        statuses = {r.status for r in res}
        cut = all(r.status is Status.NOT_MEASURABLE and r.reason is Reason.CUT for r in res)
        ok = ok and bool(res) and (statuses == {want} or cut)
        got.append("/".join(sorted(s.value for s in statuses)) or "none")
    return ok, ", ".join(got) or "no reps"


def expect_hips_up(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """hips_up ⇔ the drill's rep-height cue (sbb.hips_up / slgb.hips_up) on every rep."""
    return _every_rep(report, HIPS_UP_CUES, text)


def expect_top_pause(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """top_pause ⇔ the drill's squeeze cue (sbb.intent / slgb.squeeze_top) on every rep."""
    return _every_rep(report, TOP_PAUSE_CUES, text)


def expect_lowering(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """lowering "about N s" ⇔ every finished rep's measured ``lower_s`` within 0.3 s of N."""
    want = _about_s(text)
    lows = [r.measures.get("lower_s") for r in report.reps]
    lows_f = [x for x in lows if x is not None]
    ok = (
        want is not None
        and bool(lows_f)
        and all(abs(x - want) <= DURATION_TOLERANCE_S for x in lows_f)
    )
    return ok, ", ".join(f"{x:.2f}" for x in lows_f) or "none"


#: the words of an ``expect.drill`` text, and the drill id they name
DRILL_WORDS = {
    "table top": "table-top",
    "single leg": "single-leg-bridge",
    "banded": "banded-bridge",
    "floor bridge": "banded-bridge",
}


def expect_drill(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """drill ⇔ the drill the words name; "done as reps": reps are counted too."""
    want = next((d for w, d in DRILL_WORDS.items() if w in text.lower()), None)
    got = report.drill.id if report.drill else "none"
    ok = got == want and (len(report.reps) > 0 if "as reps" in text else True)
    return ok, f"{got}, {len(report.reps)} reps"


def expect_single_leg_phases(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """single_leg_phases "none" ⇔ no single-leg segment; else the labelled phases, as listed."""
    check = check_single_leg(report, label if text.strip() != "none" else {})
    return check.ok, check.found


def expect_longest_hold(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """longest_hold "about N s" ⇔ ``report.holds.longest_s`` within 0.5 s of N."""
    want = _about_s(text)
    got = report.holds.longest_s if report.holds else None
    ok = want is not None and got is not None and abs(got - want) <= LONGEST_HOLD_TOLERANCE_S
    return ok, "no hold summary" if got is None else f"{got:.2f} s"


def expect_hold(report: Report, text: str, label: dict[str, Any]) -> tuple[bool, str]:
    """hold "one hold of the whole clip" ⇔ exactly the labelled ``hold_s`` (within 0.5 s)."""
    want = [tuple(label["hold_s"])] if "hold_s" in label else []
    check = _count_check(
        "hold",
        want,
        [(s.start_s, s.end_s) for s in _holds(report)],  # type: ignore[arg-type]
        SEGMENT_TOLERANCE_S,
    )
    return check.ok and len(want) == 1, check.found


ExpectCheck = Callable[[Report, str, dict[str, Any]], tuple[bool, str]]

#: each ``expect`` key of labels.json and the check on the report it means
EXPECT_CHECKS: dict[str, ExpectCheck] = {
    "hips_up": expect_hips_up,
    "top_pause": expect_top_pause,
    "lowering": expect_lowering,
    "drill": expect_drill,
    "single_leg_phases": expect_single_leg_phases,
    "longest_hold": expect_longest_hold,
    "hold": expect_hold,
}


# --- one clip ----------------------------------------------------------------------------------


def score_report(report: Report, label: dict[str, Any]) -> list[Check]:
    """Every check of one clip's report against its label."""
    negative = is_negative(label)
    drills = expected_drills(label)
    got = report.drill.id if report.drill else "none"
    checks = [Check(name="drill", ok=got in drills, found=got, want=" or ".join(drills))]
    views = () if negative else expected_views(label)
    if views:
        checks.append(
            Check(
                name="view",
                ok=report.view.name in views,
                found=report.view.name,
                want=" or ".join(views),
            )
        )
    n = int(label.get("reps", 0))
    checks.append(
        Check(name="reps", ok=len(report.reps) == n, found=str(len(report.reps)), want=str(n))
    )
    want_tops = [(float(a), float(b)) for a, b in label.get("tops", [])]
    checks.append(_count_check("tops", want_tops, found_tops(report), TOP_TOLERANCE_S))
    holds = check_holds(report, label)
    if holds is not None:
        checks.append(holds)
    checks.append(check_single_leg(report, label))
    if negative:
        given = _verdicts(report)
        checks.append(
            Check(name="no_verdicts", ok=not given, found=f"{len(given)} verdicts", want="none")
        )
    for key, text in label.get("expect", {}).items():
        fn = EXPECT_CHECKS.get(key)
        if fn is None:
            checks.append(
                Check(name=f"expect.{key}", ok=False, found="no check for this key", want=text)
            )
            continue
        ok, found = fn(report, text, label)
        checks.append(Check(name=f"expect.{key}", ok=ok, found=found, want=text))
    return checks


def score_clip(clip: LabelledClip) -> ClipScore:
    score = ClipScore(folder=clip.folder, name=clip.name, negative=is_negative(clip.label))
    try:
        report = analyse(clip.path)
    except Exception as err:  # noqa: BLE001 - a crash is a result to show, the run goes on
        score.error = f"{type(err).__name__}: {err}"
        return score
    score.checks = score_report(report, clip.label)
    return score


def run() -> list[ClipScore]:
    """Every labelled clip of both folders that is on disk, scored; [] when none is."""
    return [score_clip(c) for c in labelled_clips() if c.path.is_file()]


# --- the stored figures and the regression comparison ------------------------------------------


def to_metrics(scores: list[ClipScore]) -> dict[str, Any]:
    """The figures stored in ``benchmarks/metrics/real_accuracy.json``: every check of every
    clip (right or not, what was found, what the label wants) and the summary."""
    return {
        "summary": summary(scores),
        "clips": {
            s.key: {
                "fully_right": s.fully_right,
                "error": s.error,
                "checks": {
                    c.name: {"ok": c.ok, "found": c.found, "want": c.want} for c in s.checks
                },
            }
            for s in scores
        },
    }


def summary(scores: list[ClipScore]) -> dict[str, int]:
    checks = [c for s in scores for c in s.checks]
    return {
        "clips": len(scores),
        "fully_right": sum(s.fully_right for s in scores),
        "checks": len(checks),
        "checks_right": sum(c.ok for c in checks),
    }


def regressions(stored: dict[str, Any], fresh: dict[str, Any]) -> list[str]:
    """Every check stored as right that is now wrong, missing, or whose clip crashed or is gone
    (a check stored as wrong that is now right is progress: not listed)."""
    out = []
    for key, clip in stored.get("clips", {}).items():
        now = fresh.get("clips", {}).get(key)
        if now is None:
            out.append(f"{key}: not scored any more")
            continue
        if now.get("error"):
            out.append(f"{key}: {now['error']}")
            continue
        for name, check in clip.get("checks", {}).items():
            if not check.get("ok"):
                continue
            got = now.get("checks", {}).get(name)
            if got is None:
                out.append(f"{key}: {name} is no longer checked")
            elif not got.get("ok"):
                out.append(
                    f"{key}: {name} was right ({check['found']}), now {got['found']}"
                    f" (want {got['want']})"
                )
    return out


def save_metrics(scores: list[ClipScore], path: Path = METRICS_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_metrics(scores), indent=1, sort_keys=True) + "\n")


# --- the table -----------------------------------------------------------------------------------

#: the table's columns: heading and the check it shows
COLUMNS = (
    ("drill", "drill"),
    ("view", "view"),
    ("reps", "reps"),
    ("tops ±0.3 s", "tops"),
    ("holds ±0.5 s", "holds"),
    ("one-leg ±0.5 s", "single_leg"),
)


def _cell(check: Check | None, mark: Callable[[bool], str]) -> str:
    if check is None:
        return "–"
    if check.ok:
        return f"{mark(True)} {check.found}"
    counted = check.name in ("tops", "holds", "single_leg")
    return f"{mark(False)} {check.found}" + ("" if counted else f" (want {check.want})")


def _verdict_cell(score: ClipScore, mark: Callable[[bool], str]) -> str:
    """Each ``expect`` verdict, or a negative's "no verdicts"; – when the label asks none."""
    shown = [c for c in score.checks if c.name.startswith("expect.") or c.name == "no_verdicts"]
    return ", ".join(f"{mark(c.ok)} {c.name.removeprefix('expect.')}" for c in shown) or "–"


def render(scores: list[ClipScore], markdown: bool, seconds: float) -> str:
    s = summary(scores)
    line = (
        f"Fully right: {s['fully_right']}/{s['clips']} clips "
        f"({s['checks_right']}/{s['checks']} checks right; {seconds:.1f} s)"
    )
    if markdown:
        mark: Callable[[bool], str] = lambda ok: "✓" if ok else "✗"  # noqa: E731
        head = ["clip", *(h for h, _ in COLUMNS), "verdicts (`expect`)", "right"]
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for sc in scores:
            cells = (
                [f"{sc.folder}/{sc.name}"]
                + (
                    [f"crashed: {sc.error}"] * (len(head) - 2)
                    if sc.error
                    else [_cell(sc.check(n), mark) for _, n in COLUMNS] + [_verdict_cell(sc, mark)]
                )
                + ["**yes**" if sc.fully_right else "no"]
            )
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows + ["", line])
    mark = lambda ok: "ok" if ok else "WRONG"  # noqa: E731
    out = []
    for sc in scores:
        out.append(f"{sc.key}: {'fully right' if sc.fully_right else 'NOT fully right'}")
        if sc.error:
            out.append(f"    crashed: {sc.error}")
        for c in sc.checks:
            out.append(f"    {mark(c.ok):5} {c.name:26} found {c.found}   want {c.want}")
    return "\n".join(out + [line])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (README)")
    ap.add_argument(
        "--json",
        type=Path,
        nargs="?",
        const=METRICS_PATH,
        default=None,
        metavar="PATH",
        help="store the figures (default benchmarks/metrics/real_accuracy.json, "
        "the regression test's baseline)",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 unless every clip is fully right")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    scores = run()
    if not scores:
        print(
            "no labelled clips found (../shared/clips/real, ../shared/clips/field; "
            "FORMCHECK_REAL_CLIPS, FORMCHECK_FIELD_CLIPS)",
            file=sys.stderr,
        )
        return 2
    print(render(scores, args.markdown, time.perf_counter() - t0))
    if args.json is not None:
        save_metrics(scores, args.json)
    return 1 if args.strict and not all(s.fully_right for s in scores) else 0


if __name__ == "__main__":
    sys.exit(main())
