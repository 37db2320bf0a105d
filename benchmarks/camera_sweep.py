"""A rendered camera sweep: the digital athlete filmed from side-on to the feet, every 15°.

    .venv/bin/python benchmarks/camera_sweep.py --render     # render what is missing (synth extra)
    .venv/bin/python benchmarks/camera_sweep.py              # analyse (cached tracks), print tables
    .venv/bin/python benchmarks/camera_sweep.py --write      # also rewrite docs/camera_angles.md
                                                             # and formcheck/camera_angles.json

Each motion (a clean set and each drill's headline faults, hip drop included) is rendered once
per camera: azimuth 0° (side-on, the athlete's left side to the camera) to 90° (from the feet)
in 15° steps, at two camera heights: ``low`` (a phone propped on the floor, 0.35 m) and
``raised`` (held at chest height or on a chair, 1.1 m). The clips and their ground truth go to
``$FORMCHECK_SWEEP_DIR`` (default ``~/.cache/formcheck/camera_sweep``), never to the repository.

Per angle it reports the view found, reps right, the hold error and, per cue, how often the
engine's verdict agrees with the *physical* truth (what the rendered body did, whatever the
camera can see). It scores the engine twice:

- ``raw``: every cue judged at every angle (the view's can-measure lists switched off), which
  says where a cue *can* be judged: agreement ≥ 90 % at an angle at both heights counts it
  reliable there (``--write`` stores those angles per cue);
- ``shipped``: the engine as it ships; its agreement over the verdicts it gives.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formcheck.view import FRONT_MIN_YAW_DEG, SIDE_MAX_YAW_DEG  # noqa: E402

AZIMUTHS_DEG: tuple[int, ...] = (0, 15, 30, 45, 60, 75, 90)
#: camera heights, metres above the floor
HEIGHTS_M: dict[str, float] = {"low": 0.35, "raised": 1.1}
#: horizontal distance from the middle of the body to the camera, metres
DISTANCE_M = 2.6
SIZE = (640, 360)
FPS = 15.0
#: the joints span at most this share of the frame (the skin and the feet reach a little past)
FILL = 0.75
#: a cue is declared measurable at an angle where it agrees this often (issue 10)
MEASURABLE_AGREEMENT = 0.90
#: the bands of the yaw as formcheck reads it (its edges, degrees) that the engine's table is
#: kept in: from the side bound to the foot end, 15° wide as the sweep's steps
READ_YAW_BANDS_DEG = (15, 30, 45, 60, 75, 90)
#: fewer raw verdicts than this in a band is no evidence either way: not reliable there
MIN_BAND_VERDICTS = 4


@dataclass(frozen=True)
class Motion:
    name: str
    drill: str
    #: the cue this motion is about ("clean": no fault)
    headline: str
    faults: dict[str, Any] = field(default_factory=dict)
    reps: int = 2
    hold_s: float = 8.0
    leg_lifts: tuple[tuple[str, float, float], ...] = ()
    athlete: dict[str, Any] = field(default_factory=dict)
    seed: int = 0


MOTIONS: tuple[Motion, ...] = (
    Motion("slgb_clean", "single-leg-bridge", "clean",
           athlete={"sex": "female", "skin_tone": "medium", "clothes": "shorts"}, seed=21),
    Motion("slgb_hip_drop", "single-leg-bridge", "slgb.hips_level", {"pelvis_tilt_deg": 18.0},
           athlete={"sex": "male", "skin_tone": "tan", "clothes": "shorts"}, seed=22),
    Motion("slgb_no_squeeze", "single-leg-bridge", "slgb.squeeze_top", {"top_pause_s": 0.0},
           athlete={"sex": "female", "skin_tone": "dark", "clothes": "leggings"}, seed=23),
    Motion("sbb_clean", "banded-bridge", "clean",
           athlete={"sex": "male", "skin_tone": "light", "clothes": "tank", "build": "athletic"},
           seed=24),
    Motion("sbb_knees_cave", "banded-bridge", "sbb.knees_out", {"knee_gap_ratio": 0.65},
           athlete={"sex": "female", "skin_tone": "brown", "clothes": "shorts"}, seed=25),
    Motion("tth_leg_lift", "table-top", "clean", hold_s=8.0,
           leg_lifts=(("right", 2.0, 2.0), ("left", 5.0, 2.0)),
           athlete={"sex": "male", "skin_tone": "medium", "clothes": "shorts"}, seed=26),
    Motion("tth_hips_sag", "table-top", "tth.hips_stay_up", {"hip_sag_deg": 14.0}, hold_s=8.0,
           leg_lifts=(("right", 2.0, 2.0), ("left", 5.0, 2.0)),
           athlete={"sex": "female", "skin_tone": "light", "clothes": "leggings"}, seed=27),
)


def sweep_dir() -> Path:
    return Path(os.environ.get("FORMCHECK_SWEEP_DIR", Path.home() / ".cache/formcheck/camera_sweep"))


def clip_name(motion: Motion, azimuth: int, height: str) -> str:
    return f"{motion.name}_az{azimuth:02d}_{height}"


def view_class_at(azimuth: float) -> str:
    """The class the engine should find at this azimuth (side ≤ 15°, front ≥ 75°)."""
    return "side" if azimuth <= 15 else ("front" if azimuth >= 75 else "oblique")


# ---------------------------------------------------------------------------------- render


def _spec(motion: Motion, camera: str) -> Any:
    from formcheck_synth.spec import Faults, LegLift, SynthSpec

    return SynthSpec(
        drill=motion.drill, reps=motion.reps, hold_s=motion.hold_s,
        leg_lifts=tuple(LegLift(side=s, at_s=a, duration_s=d) for s, a, d in motion.leg_lifts),
        camera=camera, camera_side="left", seed=motion.seed, fps=FPS, resolution=SIZE,
        faults=Faults(**motion.faults), noise=0.0,
    )  # fmt: skip


def _camera(azimuth: int, height_m: float, joints: np.ndarray) -> Any:
    """A camera ``azimuth`` degrees round from the athlete's left side toward the feet, aimed
    at the middle of the body and zoomed so the athlete fills the frame as a person filming
    would frame them (the joints of the whole clip within `FILL` of the frame)."""
    from formcheck_synth.render.scene import CameraSpec

    lo, hi = joints.reshape(-1, 3).min(axis=0), joints.reshape(-1, 3).max(axis=0)
    centre = (lo + hi) / 2.0
    a = np.radians(azimuth)
    eye = (centre[0] + DISTANCE_M * np.sin(a), height_m, -DISTANCE_M * np.cos(a))
    target = (float(centre[0]), float(centre[1]), 0.0)
    probe = CameraSpec(eye=tuple(float(v) for v in eye), target=target, yfov_deg=90.0)
    px = probe.project(joints.reshape(-1, 3), *SIZE)
    # the 90° probe: tan(half-angle) of each joint off the axis, vertically and horizontally
    f = 0.5 * SIZE[1]
    tan_y = np.abs(px[:, 1] - SIZE[1] / 2.0) / f
    tan_x = np.abs(px[:, 0] - SIZE[0] / 2.0) / f * SIZE[1] / SIZE[0]
    half = float(max(tan_y.max(), tan_x.max())) / FILL
    return CameraSpec(eye=probe.eye, target=target, yfov_deg=float(np.degrees(2 * np.arctan(half))))


def _physical_cues(spec: Any, plan: Any, world_m: np.ndarray, thigh_m: float) -> list[dict[str, Any]]:
    """Every cue's verdict for what the body did, whatever a camera could see: the truth of
    a side camera, with the cues only a front camera measures taken from a front one."""
    from formcheck_synth.render.from_plan import plan_truth
    from formcheck_synth.render.make import truth_cues

    side = truth_cues(plan_truth(replace(spec, camera="side-left"), plan, world_m, thigh_m)[1])
    front = truth_cues(plan_truth(replace(spec, camera="front-feet"), plan, world_m, thigh_m)[1])
    fronts = {(c["cue"], c["segment"]): c for c in front}
    return [fronts.get((c["cue"], c["segment"]), c) if c["expected"] == "not_measurable" else c
            for c in side]


def render_motion(motion: Motion, heights: list[str], out_dir: Path) -> int:
    """Render ``motion`` from every sweep camera not yet on disk; returns clips written."""
    from formcheck_synth.motion import plan_motion
    from formcheck_synth.render.body import Athlete, load_body
    from formcheck_synth.render.clip import render_sequence
    from formcheck_synth.render.from_plan import PlanDriver, plan_truth
    from formcheck_synth.render.make import spec_dict, truth_segments
    from formcheck_synth.render.pose_rig import Rig
    from formcheck_synth.render.truth_json import truth_document, write_truth

    todo = [(a, h) for h in heights for a in AZIMUTHS_DEG
            if not (out_dir / f"{clip_name(motion, a, h)}.truth.json").exists()]
    if not todo:
        return 0
    spec = _spec(motion, "oblique")
    athlete = Athlete(seed=motion.seed, **motion.athlete)
    plan = plan_motion(spec)
    rig = Rig(load_body(athlete))
    seq = PlanDriver(rig, spec, plan).sequence()
    joints = np.stack([rig.pose(p).heads for p in seq.poses[::5]])
    cues: list[dict[str, Any]] | None = None
    segments: list[dict[str, Any]] | None = None
    for azimuth, height in todo:
        name = clip_name(motion, azimuth, height)
        camera = _camera(azimuth, HEIGHTS_M[height], joints)
        t0 = time.perf_counter()
        rendered = render_sequence(seq, athlete=athlete, camera=camera, size=SIZE, fps=FPS,
                                   out=out_dir / f"{name}.mp4", crf=26)
        if cues is None:
            cues = _physical_cues(spec, plan, rendered.world_m, rig.thigh_m["left"])
            segments = truth_segments(plan_truth(spec, plan, rendered.world_m, rig.thigh_m["left"])[1])
        doc = truth_document(
            rendered, clip_file=f"{name}.mp4", fps=FPS, phase=seq.phase,
            thigh_m=rig.thigh_m["left"], athlete=athlete.to_dict(),
            camera={"name": f"sweep-az{azimuth}-{height}", "azimuth_deg": azimuth,
                    "height_m": HEIGHTS_M[height], "facing": "left",
                    "eye": camera.eye, "target": camera.target, "yfov_deg": camera.yfov_deg},
            spec={**spec_dict(spec), "motion": motion.name, "headline": motion.headline},
            segments=segments, expected={"view_class": view_class_at(azimuth), "cues": cues},
        )  # fmt: skip
        write_truth(out_dir / f"{name}.truth.json", doc)
        print(f"rendered {name} ({len(seq.poses)} frames, {time.perf_counter() - t0:.0f} s)",
              flush=True)
    return len(todo)


# --------------------------------------------------------------------------------- analyse


@dataclass(kw_only=True)
class ClipResult:
    name: str
    motion: str
    headline: str
    drill: str
    azimuth: int
    height: str
    view: str = "?"
    yaw_deg: float = float("nan")
    confidence: float = 0.0
    reps_true: int = 0
    reps_found: int = 0
    hold_err_s: float | None = None
    #: engine − true top pause per matched rep, seconds
    top_err_s: list[float] = field(default_factory=list)
    #: mode ("raw" / "shipped") -> cue id -> [agreeing, judged-or-expected] verdicts
    agree: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    #: shipped engine: cue id -> verdicts it gave (pass/fault/advice) and of those agreeing
    shipped_judged: dict[str, list[int]] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def reps_ok(self) -> bool:
        return self.drill == "table-top" or self.reps_found == self.reps_true


def _all_signals_view(view: Any) -> Any:
    """``view`` with its can-measure list switched off: every signal shown, every cue judged."""
    from formcheck.view import MEASURABLE

    return replace(view, measurable=frozenset().union(*MEASURABLE.values()))


def _score(row: ClipResult, mode: str, tf: Any, report: Any) -> None:
    from accuracy import agrees
    from scoring import compare

    per = row.agree.setdefault(mode, {})
    clear = {(c.cue_id, c.segment): c.clear for c in tf.truth.cues}
    for c in compare(tf.truth, report):
        # a verdict the rendered body itself leaves in doubt (a magnitude at its threshold)
        # is no test of the camera angle
        if c.truth == "not_measurable" or not clear.get((c.cue_id, c.segment), True):
            continue
        ok = agrees(c)
        tally = per.setdefault(c.cue_id, [0, 0])
        tally[0] += ok
        tally[1] += 1
        if mode == "shipped" and c.engine in ("pass", "fault", "advice", "info"):
            judged = row.shipped_judged.setdefault(c.cue_id, [0, 0])
            judged[0] += ok
            judged[1] += 1
            if not ok:
                row.wrong.append(f"{c.cue_id}[{c.segment}] {c.engine}≠{c.truth}")


def _top_errors(tf: Any, report: Any) -> list[float]:
    from scoring import match_segments

    out = []
    matches = match_segments(tf.truth, report)
    for s in tf.truth.segments:
        j = matches.get(s.index)
        true = s.measures.get("top_pause_s")
        if j is None or true is None or s.kind != "rep":
            continue
        found = report.segments[j].measures.get("top_pause_s")
        if found is not None:
            out.append(float(found) - true)
    return out


def analyse_clip(mp4: Path) -> ClipResult:
    import formcheck.analysis as analysis
    from formcheck.pipeline import analyze_track, track_clip
    from formcheck_synth.render.truth_load import load_truth

    tf = load_truth(mp4.with_name(mp4.stem + ".truth.json"))
    cam, spec = tf.doc["camera"], tf.doc["spec"]
    row = ClipResult(name=mp4.stem, motion=spec["motion"], headline=spec["headline"],
                     drill=tf.drill, azimuth=int(cam["azimuth_deg"]),
                     height=next(k for k, v in HEIGHTS_M.items() if v == cam["height_m"]))
    variant = "toe" if spec.get("toe_variant") else ""
    track = track_clip(mp4).track
    result = analyze_track(track, drill=tf.drill, variant=variant)
    shipped, view = result.report, result.signals.view
    row.view, row.confidence, row.yaw_deg = view.name, view.confidence, view.yaw_deg
    row.reps_true, row.reps_found = len(tf.truth.reps), len(shipped.reps)
    if tf.drill == "table-top":
        found = shipped.holds.longest_s if shipped.holds else 0.0
        row.hold_err_s = found - tf.truth.longest_hold_s
    row.top_err_s = _top_errors(tf, shipped)
    _score(row, "shipped", tf, shipped)
    detect = analysis.detect_view
    analysis.detect_view = lambda t: _all_signals_view(detect(t))  # type: ignore[assignment]
    try:
        raw = analyze_track(track, drill=tf.drill, variant=variant, camera_limits=False).report
    finally:
        analysis.detect_view = detect  # type: ignore[assignment]
    _score(row, "raw", tf, raw)
    return row


def analyse_all(out_dir: Path, motions: list[Motion], heights: list[str]) -> list[ClipResult]:
    rows = []
    for motion in motions:
        for height in heights:
            for azimuth in AZIMUTHS_DEG:
                mp4 = out_dir / f"{clip_name(motion, azimuth, height)}.mp4"
                if not mp4.exists():
                    continue
                try:
                    rows.append(analyse_clip(mp4))
                except Exception as err:  # noqa: BLE001 - reported in the table, the run goes on
                    rows.append(ClipResult(name=mp4.stem, motion=motion.name, headline=motion.headline,
                                           drill=motion.drill, azimuth=azimuth, height=height,
                                           error=f"{type(err).__name__}: {err}"))
    return rows


def _frac(a: int, b: int) -> str:
    return "-" if b == 0 else f"{a}/{b}"


def render_table(head: list[str], body: list[list[str]], markdown: bool) -> str:
    from accuracy import render_table as render

    return render(head, body, markdown)


def angle_table(rows: list[ClipResult]) -> list[str]:
    """One line per (height, azimuth): views found, reps, hold and top-pause errors, agreement."""
    head = ["height", "azimuth", "views found (yaw °)", "reps right", "hold err s", "top err s",
            "raw agree", "shipped judged agree", "not judged"]
    body: list[list[str]] = []
    for height in HEIGHTS_M:
        for azimuth in AZIMUTHS_DEG:
            rs = [r for r in rows if r.height == height and r.azimuth == azimuth and not r.error]
            if not rs:
                continue
            views: dict[str, int] = {}
            for r in rs:
                views[r.view] = views.get(r.view, 0) + 1
            yaws = [r.yaw_deg for r in rs if np.isfinite(r.yaw_deg)]
            reps = [r for r in rs if r.drill != "table-top"]
            holds = [abs(r.hold_err_s) for r in rs if r.hold_err_s is not None]
            tops = [abs(e) for r in rs for e in r.top_err_s]
            raw = [sum(v[i] for r in rs for v in r.agree.get("raw", {}).values()) for i in (0, 1)]
            judged = [sum(v[i] for r in rs for v in r.shipped_judged.values()) for i in (0, 1)]
            expected = sum(v[1] for r in rs for v in r.agree.get("shipped", {}).values())
            body.append([
                height, f"{azimuth}°",
                ", ".join(f"{k} {n}" for k, n in sorted(views.items()))
                + (f" ({np.median(yaws):.0f})" if yaws else ""),
                _frac(sum(r.reps_ok for r in reps), len(reps)),
                f"{max(holds):.2f}" if holds else "-",
                f"{np.median(tops):.2f} / {max(tops):.2f}" if tops else "-",
                _frac(*raw), _frac(*judged), str(expected - judged[1]),
            ])
    return render_table(head, body, markdown=True).splitlines()


def cue_agreement(rows: list[ClipResult], mode: str) -> dict[str, dict[str, tuple[int, int]]]:
    """cue id -> "height/azimuth" -> (agreeing, verdicts) in ``mode``."""
    out: dict[str, dict[str, list[int]]] = {}
    for r in rows:
        for cue, (ok, n) in r.agree.get(mode, {}).items():
            cell = out.setdefault(cue, {}).setdefault(f"{r.height}/{r.azimuth}", [0, 0])
            cell[0] += ok
            cell[1] += n
    return {c: {k: (v[0], v[1]) for k, v in cells.items()} for c, cells in out.items()}


def cue_table(agreement: dict[str, dict[str, tuple[int, int]]]) -> list[str]:
    cols = [f"{h}/{a}" for h in HEIGHTS_M for a in AZIMUTHS_DEG]
    head = ["cue", *[c.replace("/", " ") + "°" for c in cols]]
    body = []
    for cue in sorted(agreement):
        cells = []
        for col in cols:
            ok, n = agreement[cue].get(col, (0, 0))
            cells.append("-" if n == 0 else f"{100 * ok / n:.0f}")
        body.append([cue, *cells])
    return render_table(head, body, markdown=True).splitlines()


def read_band(yaw_deg: float) -> int | None:
    """The lower edge of the `READ_YAW_BANDS_DEG` band a read yaw falls in, as the engine
    looks it up (`formcheck.view.yaw_band`); None for a side view."""
    from formcheck.view import yaw_band

    band = yaw_band(yaw_deg, READ_YAW_BANDS_DEG)
    return None if band is None else int(band)


def band_words(lo: int) -> str:
    """"15–30°": the read-yaw band whose lower edge is ``lo``."""
    return f"{lo}–{dict(pairwise(READ_YAW_BANDS_DEG))[lo]}°"


def band_agreement(rows: list[ClipResult]) -> dict[str, dict[str, tuple[int, int]]]:
    """cue id -> "height/band" -> (agreeing, verdicts), raw, by the band the clip's yaw read in
    (``height`` "all" pools both heights)."""
    out: dict[str, dict[str, list[int]]] = {}
    for r in rows:
        band = read_band(r.yaw_deg)
        if band is None:
            continue
        for cue, (ok, n) in r.agree.get("raw", {}).items():
            for key in (f"{r.height}/{band}", f"all/{band}"):
                cell = out.setdefault(cue, {}).setdefault(key, [0, 0])
                cell[0] += ok
                cell[1] += n
    return {c: {k: (v[0], v[1]) for k, v in cells.items()} for c, cells in out.items()}


def reliable_bands(bands: dict[str, dict[str, tuple[int, int]]]) -> dict[str, list[int]]:
    """Cue -> read-yaw bands where it agreed ≥ `MEASURABLE_AGREEMENT` at each camera height
    with clips there, on at least `MIN_BAND_VERDICTS` verdicts."""
    out: dict[str, list[int]] = {}
    for cue, cells in sorted(bands.items()):
        keep = []
        for lo in READ_YAW_BANDS_DEG[:-1]:
            shares = [ok / n for h in HEIGHTS_M for ok, n in [cells.get(f"{h}/{lo}", (0, 0))] if n]
            if cells.get(f"all/{lo}", (0, 0))[1] >= MIN_BAND_VERDICTS and min(shares) >= MEASURABLE_AGREEMENT:
                keep.append(lo)
        out[cue] = keep
    return out


def band_table(bands: dict[str, dict[str, tuple[int, int]]]) -> list[str]:
    head = ["cue", *[f"read {band_words(lo)}" for lo in READ_YAW_BANDS_DEG[:-1]]]
    body = [[cue, *[_frac(*bands[cue].get(f"all/{lo}", (0, 0))) for lo in READ_YAW_BANDS_DEG[:-1]]]
            for cue in sorted(bands)]
    return render_table(head, body, markdown=True).splitlines()


def summary(rows: list[ClipResult]) -> list[str]:
    ok = [r for r in rows if not r.error]
    reps = [r for r in ok if r.drill != "table-top"]
    judged = [sum(v[i] for r in ok for v in r.shipped_judged.values()) for i in (0, 1)]
    worst = []
    for height in HEIGHTS_M:
        for azimuth in AZIMUTHS_DEG:
            cell = [sum(v[i] for r in ok if (r.height, r.azimuth) == (height, azimuth)
                        for v in r.shipped_judged.values()) for i in (0, 1)]
            if cell[1]:
                worst.append((cell[0] / cell[1], f"{height} {azimuth}°"))
    drop = [r for r in ok if r.headline == "slgb.hips_level"]
    # right on every rep (a rep left not measurable is not right)
    drop_ok = [r for r in drop
               if (tally := r.agree.get("shipped", {}).get("slgb.hips_level")) and tally[0] == tally[1]]
    lines = [
        f"rep counts right: {sum(r.reps_ok for r in reps)}/{len(reps)} clips",
        f"shipped verdicts agreeing where judged: {_frac(*judged)}"
        + (f" = {100 * judged[0] / judged[1]:.1f} %" if judged[1] else ""),
    ]
    if worst:
        share, where = min(worst)
        lines.append(f"lowest agreement at one angle: {100 * share:.1f} % ({where})")
    lines.append("hip drop judged (and right) on: " + (", ".join(
        f"{r.height} {r.azimuth}°" for r in drop_ok) or "none") + f" of {len(drop)} clips")
    return lines


def write_outputs(raw: dict[str, dict[str, tuple[int, int]]],
                  bands: dict[str, dict[str, tuple[int, int]]], text: list[str]) -> None:
    reliable = reliable_bands(bands)
    doc = {
        "about": "Per cue, the bands of the yaw formcheck reads (degrees off side-on; "
                 "read_yaw_bands_deg are their edges, a band named by its lower edge) where its "
                 f"verdicts on the rendered camera sweep agreed with the truth >= {MEASURABLE_AGREEMENT:.0%} "
                 f"at each camera height, on at least {MIN_BAND_VERDICTS} verdicts, every cue judged "
                 "(benchmarks/camera_sweep.py --write).",
        "read_yaw_bands_deg": list(READ_YAW_BANDS_DEG),
        "reliable_in": reliable,
    }
    table = ROOT / "formcheck" / "camera_angles.json"
    table.write_text(json.dumps(doc, indent=2) + "\n")
    md = ROOT / "docs" / "camera_angles.md"
    md.write_text("\n".join([
        "# Camera angles: what each view can judge, measured",
        "",
        "Generated by `python benchmarks/camera_sweep.py --write` (renders with `--render` first;",
        "the clips stay outside the repository). The digital athlete (`formcheck synth`) does each",
        "drill clean and with its headline faults (" + ", ".join(m.name for m in MOTIONS) + "),",
        f"filmed from azimuth 0° (side-on) to 90° (from the feet) every 15°, with the camera {HEIGHTS_M['low']} m",
        f"(a phone on the floor) and {HEIGHTS_M['raised']} m (held, or on a chair) above the floor, the athlete",
        f"framed to fill the picture; {SIZE[0]}x{SIZE[1]}, {FPS:g} fps; tracked by the offline default model.",
        "",
        "## View classes",
        "",
        f"formcheck calls a view **side** below {SIDE_MAX_YAW_DEG:.0f}° of yaw, **front** (foot end"
        f" or head end) above {FRONT_MIN_YAW_DEG:.0f}°,",
        "and **oblique** in between (`formcheck/view.py`): the yaw is the larger of two readings,",
        "the hips' width across the picture against the trunk's length, and MediaPipe's world",
        "landmarks. The views found",
        "at each sweep angle are in the first table (the yaw read in brackets, median over the",
        "clips): side-on and 15° read side (at most 10°), 30° oblique (one clip side at 9°), 45–60°",
        "oblique, 75–90° front. Those bounds come from this table: at 30° the image-plane signals",
        "of a side view already time tops 0.6–1.1 s short, and the foot-end readings start at 75°.",
        "From the feet, a camera on the floor is often read as the head end: the near knees hide",
        "the hips and MediaPipe's depth of the two ends is a guess there.",
        "",
        "## Per angle",
        "",
        "*raw agree*: verdicts agreeing with what the body did with every cue judged at every angle;",
        "*shipped judged agree*: the engine as shipped, over the verdicts it gives; *not judged*:",
        "expected verdicts the shipped engine leaves not measurable. Top err: |engine − true| top",
        "pause, median / worst.",
        "",
        *text,
        "",
        "## Which cues each view judges",
        "",
        "A clip tells formcheck only the yaw it reads, and the reading is not the angle filmed",
        "from (`--verbose` lists each clip's: the 45° cameras read 34–55°, the 60° ones 50–83°, a",
        "75° one 40°). So the table the",
        "engine keeps (`formcheck/camera_angles.json`) is by the yaw as read: the clips are put in",
        f"bands of it ({', '.join(band_words(lo) for lo in READ_YAW_BANDS_DEG[:-1])}), and a cue counts as reliable in a band where",
        f"its raw verdicts there agree at least {MEASURABLE_AGREEMENT:.0%} at each camera height, on at least",
        f"{MIN_BAND_VERDICTS} verdicts. Off the side, formcheck judges a cue only in the bands listed here",
        "(`formcheck/view.py`, `reliable_cues`); side views keep their lists, which the labelled",
        "real clips measure. A cue no rendered motion shows (the floor holds' leg lifts, the",
        "heel-up progression) has no row, and is not judged off the side.",
        "",
        *[f"- `{c}`: " + (", ".join(f"read {band_words(lo)}" for lo in los) or "nowhere")
          for c, los in reliable.items()],
        "",
        "Raw verdicts agreeing per band of the yaw as read (both heights):",
        "",
        *band_table(bands),
        "",
        "## Raw agreement per cue and angle, %",
        "",
        *cue_table(raw),
        "",
    ]))
    print(f"wrote {table.relative_to(ROOT)} and {md.relative_to(ROOT)}")


def _load_torch_first() -> None:
    """Import torch's compiler stack (which Anny's dependencies touch) before the renderer's
    libraries: loaded later in the same process, triton's native module crashed here."""
    try:
        import torch._dynamo  # noqa: F401
    except ImportError:
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--render", action="store_true", help="render the clips not yet on disk")
    ap.add_argument("--heights", nargs="*", default=list(HEIGHTS_M), choices=list(HEIGHTS_M))
    ap.add_argument("--motions", nargs="*", default=[m.name for m in MOTIONS])
    ap.add_argument("--write", action="store_true",
                    help="rewrite formcheck/camera_angles.json and docs/camera_angles.md")
    ap.add_argument("--verbose", action="store_true", help="one line per clip")
    opts = ap.parse_args()
    out_dir = sweep_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    motions = [m for m in MOTIONS if m.name in opts.motions]
    if opts.render:
        os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
        _load_torch_first()
        for motion in motions:
            render_motion(motion, opts.heights, out_dir)
        return 0
    t0 = time.perf_counter()
    rows = analyse_all(out_dir, motions, opts.heights)
    angles = angle_table(rows)
    raw = cue_agreement(rows, "raw")
    lines = [*angles, "", *summary(rows)]
    print("\n".join(lines))
    print()
    print("raw agreement per cue, % (every cue judged at every angle):")
    print("\n".join(cue_table(raw)))
    bands = band_agreement(rows)
    print("raw verdicts agreeing per band of the yaw as read:")
    print("\n".join(band_table(bands)))
    print("reliable in (read yaw bands):", json.dumps(reliable_bands(bands)))
    if opts.write:
        write_outputs(raw, bands, lines)
    for r in rows:
        if r.error:
            print(f"ERROR {r.name}: {r.error}")
    if opts.verbose:
        for r in rows:
            print(r.name, r.view, r.yaw_deg, f"reps {r.reps_found}/{r.reps_true}",
                  [round(e, 2) for e in r.top_err_s], "; ".join(r.wrong))
    print(f"{len(rows)} clips, {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
