"""From a `PoseTrack` to the full `Report`: signals → view → drill → segments → cue verdicts.

Pure and fast (no pose model): a saved track can be re-analysed with new thresholds in
milliseconds. ``analyze_track(track, drill="auto", settings=None, clip=None)`` is the entry point.
"""

from __future__ import annotations

import bisect
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np

from formcheck import __version__
from formcheck.cues import CueContext, judge, mark_reached
from formcheck.drills import DRILLS, Drill, get_drill
from formcheck.drills.recognize import NOT_A_BRIDGE, Recognition, recognize_drill
from formcheck.errors import BadSettings
from formcheck.kinematics import nan_percentile
from formcheck.outliers import drop_identity_jumps, untangle_leg_swaps
from formcheck.report.model import (
    ClipInfo,
    CoachCheck,
    CueResult,
    Detection,
    DrillInfo,
    HoldSummary,
    Phase,
    Reason,
    Report,
    Segment,
    SideSummary,
    Status,
    TimeSpan,
    Timings,
    ViewInfo,
)
from formcheck.segment import (
    SegmentParams,
    Span,
    containing,
    find_floor_holds,
    find_floor_single_leg,
    find_holds,
    find_reps,
    find_reps_end_on,
    find_single_leg,
    frame_time,
    held_top,
    reps_or_holds,
    retop,
    runs,
    top_pause_s,
)
from formcheck.settings import Settings
from formcheck.signals import Signals, compute_signals
from formcheck.smoothing import smooth_zero_phase
from formcheck.track import PoseTrack
from formcheck.view import detect_view

log = logging.getLogger(__name__)

#: warn when the person is missing from at least this fraction of frames
MISSING_WARN_FRACTION = 0.1
#: slgb: the feet must differ by this many thigh lengths to name the working side
SIDE_MIN_FOOT_DIFF_THIGH = 0.1


@dataclass(frozen=True, kw_only=True)
class Analysis:
    """The report with what it was computed from; ``spans[i]`` is ``report.segments[i]``."""

    report: Report
    track: PoseTrack
    signals: Signals
    spans: tuple[Span, ...] = ()


#: the hip extension a coach is shown: the working leg's during one-leg segments (the lifted
#: leg's hip is flexed, so the mean of both sides would read ~30° low), both sides' elsewhere
#: (it changes legs at a side switch, so the HTML plots draw each leg's own line instead)
WORKING_HIP_EXTENSION = "hip_extension_working_deg"


def with_working_side(sig: Signals, spans: list[Span]) -> Signals:
    """``sig`` plus `WORKING_HIP_EXTENSION`, the series the video overlays show."""
    work = np.array(sig["hip_extension_deg"], dtype=np.float64, copy=True)
    for span in spans:
        if span.side in ("left", "right"):
            own = sig[f"hip_extension_{span.side}_deg"][span.start : span.end]
            part = work[span.start : span.end]
            part[np.isfinite(own)] = own[np.isfinite(own)]
    return replace(sig, values={**sig.values, WORKING_HIP_EXTENSION: work})


def _resolve_drill(drill: str, found: Recognition) -> tuple[Drill | None, DrillInfo]:
    """The drill to judge (None: none of the three, nothing to judge) and what the report says
    of it. A drill the user gave is judged as asked, whatever the clip looks like."""
    reasons = list(found.not_a_bridge)
    if drill == "auto" and not found.is_bridge:
        info = DrillInfo(
            id=NOT_A_BRIDGE, name=NOT_A_BRIDGE_NAME, source="auto",
            confidence=found.confidence, not_a_bridge=reasons,
        )  # fmt: skip
        return None, info
    if drill == "auto":
        d = get_drill(found.drill)
        return d, DrillInfo(id=d.id, name=d.name, source="auto", confidence=found.confidence)
    d = get_drill(drill)
    # how much the movement looks like the drill asked: the recognition's own confidence when
    # it found that drill; the share of hips-up frames that disagreed with what it found
    # otherwise (a crunch judged as a bridge: near 0, never 100 %)
    if not found.is_bridge:
        like = found.likeness
    elif found.drill == d.id:
        like = found.confidence
    else:
        like = found.likeness - found.confidence
    return d, DrillInfo(
        id=d.id, name=d.name, source="given", confidence=round(max(like, 0.0), 2),
        not_a_bridge=reasons,
    )  # fmt: skip


#: the report's name for a clip that shows none of the drills
NOT_A_BRIDGE_NAME = "not a bridge drill"


def _mismatch(info: DrillInfo, found: Recognition) -> list[str]:
    """The prominent warning when a drill the user gave does not match the movement."""
    if info.source != "given":
        return []
    if info.not_a_bridge:
        return [
            f"this does not look like {info.name} or any bridge drill: "
            + "; ".join(info.not_a_bridge) + f"; judged as {info.name} because --drill asked"
        ]  # fmt: skip
    if found.drill != info.id and found.confidence >= MISMATCH_MIN_CONFIDENCE:
        other = get_drill(found.drill).name
        return [f"this looks like {other}, not {info.name}: judged as {info.name} as asked"]
    return []


#: a given drill is warned about when another is recognised at least this surely
MISMATCH_MIN_CONFIDENCE = 0.8


def _segment_params(drill: Drill, base: SegmentParams) -> SegmentParams:
    """Segmentation thresholds that the drill's data owns (hold dips, leg-lift height)."""
    if drill.id != "table-top":
        return base
    return replace(
        base,
        dip_deg=drill.param("tth.hold_top", "dip_below_deg"),
        dip_min_s=drill.param("tth.hold_top", "min_dip_s"),
        min_foot_lift_cm=drill.param("tth.leg_lift", "min_foot_lift_cm"),
    )


def _working_side(sig: Signals, span: Span) -> str | None:
    """The leg whose foot stays down (on the support) at the top of a single-leg rep."""
    a, b = span.phase("top") or (span.start, span.end)
    fl = sig["foot_height_left"][a:b]
    fr = sig["foot_height_right"][a:b]
    ok = np.isfinite(fl) & np.isfinite(fr)
    if not ok.any():
        return None
    diff = float(np.median(fl[ok] - fr[ok]))
    if abs(diff) < SIDE_MIN_FOOT_DIFF_THIGH:
        return None
    return "right" if diff > 0 else "left"


def _on_working_leg(
    sig: Signals, rep: Span, mean: np.ndarray | None, params: SegmentParams
) -> Span:
    """A single-leg rep with its top band read on the working leg's own hip extension.

    The mean of both sides moves half as far (the lifted leg's hip stays flexed), so 5° of it
    spans ~10° of the working hip and a no-pause top reads twice as long. A side view's far
    leg is read through a hidden knee, whose error can tilt the plateau by more than the band:
    there the mean of both sides (``mean``, as `_top_signal` made it) stays (it halves that
    error), on a band narrowed by ``far_leg_band_fraction``. For side views only.
    """
    if rep.side not in ("left", "right"):
        return rep
    if sig.view.facing not in (None, rep.side):
        narrow = replace(params, top_band_deg=params.top_band_deg * params.far_leg_band_fraction)
        return retop(rep, mean, sig["hip_lift"], sig.t, narrow)
    own = sig[f"hip_extension_{rep.side}_deg"]
    if np.isfinite(own[rep.start : rep.end]).sum() < 3:
        return rep
    return retop(rep, _top_signal(own, sig.fps, params), sig["hip_lift"], sig.t, params)


def _top_signal(ext: np.ndarray, fps: float, params: SegmentParams) -> np.ndarray:
    """The hip extension the top band is read on."""
    return smooth_zero_phase(ext, fps, params.top_smooth_s) if params.top_smooth_s > 0 else ext


def _segments(sig: Signals, drill: Drill, params: SegmentParams) -> list[Span]:
    """Reps (with an opening partial) or holds with their single-leg phases, in report order."""
    ext: np.ndarray | None = sig["hip_extension_deg"]
    # the top band is a plateau: judged on a further-smoothed extension, so a jittery hidden
    # knee cannot cut a pause short
    if ext is not None and np.isfinite(ext).any():
        ext = _top_signal(ext, sig.fps, params)
    else:
        ext = None
    if drill.segments == "reps":
        # off the side, MediaPipe's 3-D hip angle wobbles by more than the squeeze's 5° band
        # (the camera sweep: tops 1–2 s short from 30° on), while the hips' height keeps its
        # shape: the top is timed on the hips there (`SegmentParams.top_band_lift_fraction`)
        reps = _find_reps(sig, ext if sig.view.is_side else None, params)
        if drill.single_leg:
            reps = [replace(r, side=_working_side(sig, r)) for r in reps]
            if sig.view.is_side:  # the top band read again on the working hip (`retop`)
                reps = [_on_working_leg(sig, r, ext, params) for r in reps]
        return _with_floor_holds(sig, reps, params)
    # on one leg the lifted leg's hip flexes: the hold's level is the higher side's extension
    both = np.fmax(sig["hip_extension_left_deg"], sig["hip_extension_right_deg"])
    holds = find_holds(sig.t, both, sig["hip_lift"], params)
    # done as reps (hip thrusts in the table-top position): the reps too, and the long tops
    # as holds (`reps_or_holds`)
    reps, holds = reps_or_holds(sig.t, _find_reps(sig, ext, params), holds, params)
    if ext is not None:  # a table top's rep is at the top while it holds there (`held_top`)
        reps = [held_top(r, ext, params) for r in reps]
    legs = find_single_leg(
        sig.t,
        sig["foot_rise_left_cm"],
        sig["foot_rise_right_cm"],
        holds,
        params,
        near=sig.view.facing if sig.view.is_side else None,
    )
    # reps and holds in time order (a hold inside a rep's top after its rep), then the legs
    main = sorted(reps + holds, key=lambda s: (s.start, s.kind == "hold"))
    return main + legs


def _find_reps(sig: Signals, ext: np.ndarray | None, params: SegmentParams) -> list[Span]:
    """Reps on the hip lift; from the feet or the head by `find_reps_end_on`."""
    if sig.view.name.startswith("front"):
        return find_reps_end_on(sig.t, sig["hip_lift"], sig.fps, ext, params)
    return find_reps(sig.t, sig["hip_lift"], ext, params)


def _with_floor_holds(sig: Signals, reps: list[Span], params: SegmentParams) -> list[Span]:
    """A floor drill's reps, then its holds, then their one-leg phases (CUES.md: "A floor bridge
    held"; the rules in `formcheck.segment`), each in time order: the reps keep the positions
    they have without holds, and the holds and phases follow as a table top's do."""
    # on one leg the lifted leg's hip flexes: the hold's level is the higher side's extension
    both = np.fmax(sig["hip_extension_left_deg"], sig["hip_extension_right_deg"])
    holds = find_floor_holds(sig.t, both, sig["hip_lift"], reps, params)
    if not holds:
        return reps
    legs = find_floor_single_leg(
        sig.t,
        sig["foot_rise_left_cm"],
        sig["foot_rise_right_cm"],
        holds,
        params,
        near=sig.view.facing if sig.view.is_side else None,
    )
    # a single-leg rep's top is on one leg throughout, and the rep names it (its side): a hold
    # there has no one-leg phase of its own
    starts = [r.start for r in reps]
    legs = [
        g
        for g in legs
        if (rep := containing(reps, starts, g.start)) is None or rep.side not in ("left", "right")
    ]
    return [*reps, *holds, *legs]


def _pct(x: np.ndarray, q: float) -> float | None:
    v = nan_percentile(x, q)
    return round(v, 3) if np.isfinite(v) else None


def _measures(
    sig: Signals, span: Span, hold_extension: str = "hip_extension_deg"
) -> dict[str, float | None]:
    """Named measures of a segment, units in the names; a hold's hip extension is read on
    ``hold_extension`` (see `_hold_extension`)."""
    t = sig.t

    def dur(name: str) -> float | None:
        ph = span.phase(name)
        return None if ph is None else round(frame_time(t, ph[1]) - frame_time(t, ph[0]), 3)

    out: dict[str, float | None] = {
        "duration_s": round(frame_time(t, span.end) - frame_time(t, span.start), 3)
    }
    ext_name = f"hip_extension_{span.side}_deg" if span.side else "hip_extension_deg"
    ext = (
        sig[ext_name]
        if np.isfinite(sig[ext_name][span.start : span.end]).any()
        else sig["hip_extension_deg"]
    )
    if span.kind in ("rep", "partial"):
        top = span.phase("top") or (span.start, span.end)
        out["peak_hip_extension_deg"] = _pct(ext[top[0] : top[1]], 90.0)
        out["top_pause_s"] = round(top_pause_s(span, t), 3)
        out["lift_s"] = dur("lift")
        out["lower_s"] = dur("lower") if span.complete else None
        out["bottom_s"] = dur("bottom")
        out["peak_bridge_height"] = _pct(sig["bridge_height"][span.start : span.end], 99.0)
    elif span.kind == "hold":
        held = sig.values.get(hold_extension, ext)
        out["median_hip_extension_deg"] = _pct(held[span.start : span.end], 50.0)
        out["median_knee_angle_deg"] = _pct(sig["knee_angle_deg"][span.start : span.end], 50.0)
    else:
        lifted = "left" if span.side == "right" else "right"
        out["foot_lift_cm"] = _pct(sig[f"foot_lift_{lifted}_cm"][span.start : span.end], 90.0)
        out["median_hip_extension_deg"] = _pct(ext[span.start : span.end], 50.0)
    return out


def _hold_extension(drill: Drill) -> str:
    """The hip extension a hold's median is read on. A table top's: both sides, as
    tth.hold_top judges it. A floor bridge held (no cue judges its level): the legs on the floor,
    both sides and the stance side's in one-leg phases, as the video shows it (the lifted leg's
    hip flexes: a marching bridge's mean of both sides reads ~12° low over the hold)."""
    return WORKING_HIP_EXTENSION if drill.segments == "reps" else "hip_extension_deg"


def _report_segment(
    sig: Signals, span: Span, index: int, hold_extension: str = "hip_extension_deg"
) -> Segment:
    t = sig.t
    phases = [
        Phase(name=n, start_s=round(frame_time(t, a), 3), end_s=round(frame_time(t, b), 3))
        for n, a, b in span.phases
    ]
    return Segment(
        index=index,
        kind=span.kind,
        start_s=round(frame_time(t, span.start), 3),
        end_s=round(frame_time(t, span.end), 3),
        side=span.side,
        phases=phases,
        measures=_measures(sig, span, hold_extension),
    )


def _containing(spans: tuple[Span, ...], starts: list[int], frame: int) -> Span | None:
    """The span of ``spans`` (sorted by start) that contains ``frame``, if any."""
    i = bisect.bisect_right(starts, frame) - 1
    return spans[i] if i >= 0 and spans[i].start <= frame < spans[i].end else None


def _next_rep(main: tuple[Span, ...], k: int) -> Span | None:
    """The first rep of ``main`` from position ``k`` on (past the holds of a rep's top)."""
    return next((main[j] for j in range(k, len(main)) if main[j].kind == "rep"), None)


def _contexts(drill: Drill, sig: Signals, spans: list[Span]) -> list[tuple[str, CueContext]]:
    """One context per (segment kind, segment), plus the set as a whole."""
    lift = sig["bridge_height"]  # the hips' level above the ground (`bottom_return`)
    ground = float(np.percentile(lift[np.isfinite(lift)], 2.0)) if np.isfinite(lift).any() else 0.0
    # in time order (a floor drill lists its holds after its reps; a hold may lie in a rep's top)
    main = tuple(sorted((s for s in spans if s.kind in ("rep", "hold")), key=lambda s: s.start))
    legs = tuple(s for s in spans if s.kind == "single_leg")
    extra = {"single_leg_spans": legs, "toe_variant": drill.variant == "toe"}
    out: list[tuple[str, CueContext]] = []
    starts = [h.start for h in main]
    for i, s in enumerate(spans):
        if s.kind == "partial":
            continue
        parent = _containing(main, starts, s.start)
        later = _next_rep(main, bisect.bisect_right(starts, s.start)) if s.kind == "rep" else None
        out.append(
            (
                s.kind,
                CueContext(
                    signals=sig,
                    span=s,
                    index=i,
                    spans=legs if s.kind == "single_leg" else main,
                    ground_level=ground,
                    parent=parent,
                    next_rep=later,
                    extra=extra,
                ),
            )
        )
    out.append(
        (
            "set",
            CueContext(
                signals=sig, span=None, index=None, spans=main, ground_level=ground, extra=extra
            ),
        )
    )
    return out


def _judge_all(drill: Drill, sig: Signals, spans: list[Span]) -> list[CueResult]:
    results: list[CueResult] = []
    contexts = _contexts(drill, sig, spans)
    for cue in drill.judged:
        for kind, ctx in contexts:
            if kind == cue.applies_to:
                results.append(judge(cue, ctx))
    results.sort(key=lambda r: (r.segment_index is None, r.segment_index or 0))
    return results


#: a person missing for longer than this inside a segment: its cues cannot be judged (gap
#: filling bridges only short dropouts; across a longer absence the segment may join two reps)
MAX_UNSEEN_IN_SEGMENT_S = 0.5


def out_of_view(
    results: list[CueResult], segments: list[Segment], missing: list[TimeSpan]
) -> list[CueResult]:
    """Results of segments during which the person was out of view (or not found) for longer
    than `MAX_UNSEEN_IN_SEGMENT_S` become not measurable, saying when."""
    gaps = [m for m in missing if m.end_s - m.start_s > MAX_UNSEEN_IN_SEGMENT_S]
    if not gaps:
        return results
    unseen: dict[int, TimeSpan] = {}
    for seg in segments:
        for g in gaps:
            if g.start_s < seg.end_s and g.end_s > seg.start_s:
                unseen.setdefault(seg.index, g)
    out = []
    for r in results:
        gap = unseen.get(r.segment_index) if r.segment_index is not None else None
        if gap is not None and r.status in (Status.PASS, Status.FAULT, Status.ADVICE):
            why = f"not measurable: the person was out of view {gap.start_s:.1f}–{gap.end_s:.1f} s"
            r = replace(
                r, status=Status.NOT_MEASURABLE, value=None, threshold=None, message=why,
                fault_spans=[], reason=Reason.NOT_SEEN,
            )  # fmt: skip
        out.append(r)
    return out


def _detection(track: PoseTrack) -> Detection:
    n = len(track)
    det = track.detected
    missing = [
        TimeSpan(start_s=round(frame_time(track.t, a), 3), end_s=round(frame_time(track.t, b), 3))
        for a, b in runs(~det)
    ]
    return Detection(
        frames_total=n,
        frames_with_person=int(det.sum()),
        person_fraction=round(float(det.mean()), 4) if n else 0.0,
        missing=missing,
    )


def _view_info(sig: Signals, drill: Drill) -> ViewInfo:
    """The view with the judged cues of this drill it can and cannot measure."""
    can: list[str] = []
    cannot: list[str] = []
    for cue in drill.judged:
        shown = sig.view.name in cue.views_needed and sig.view.judges(cue.id)
        (can if shown else cannot).append(cue.id)
    yaw = sig.view.yaw_deg
    return ViewInfo(
        name=sig.view.name,
        confidence=sig.view.confidence,
        can_measure=can,
        cannot_measure=cannot,
        yaw_deg=round(float(yaw), 1) if np.isfinite(yaw) else None,
    )


def _holds(drill: Drill, segments: list[Segment]) -> HoldSummary | None:
    """The holds of the set: a table top's against the article's marks; a floor drill's (a
    floor bridge held) only when it has any, without marks (the article gives none for it)."""
    durations = [s.end_s - s.start_s for s in segments if s.kind == "hold"]
    longest = max(durations, default=0.0)
    marks: tuple[float, ...] = ()
    if drill.segments != "holds":
        if not durations:
            return None
        mark = ""
    else:
        marks = tuple(drill.param("tth.duration", k) for k in ("mark_1_s", "mark_2_s", "mark_3_s"))
        mark = mark_reached(longest, marks)  # type: ignore[arg-type]
    return HoldSummary(
        segments=len(durations),
        longest_s=round(longest, 3),
        total_s=round(sum(durations), 3),
        mark_reached=mark,
        marks_s=list(marks),
    )


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return round(float(np.mean(vals)), 3) if vals else None


def _sides(drill: Drill, segments: list[Segment]) -> list[SideSummary]:
    """Per-side rep counts and means for single-leg drills (left and right counted apart)."""
    if not drill.single_leg:
        return []
    out = []
    for side in ("left", "right"):
        reps = [s for s in segments if s.kind == "rep" and s.side == side]
        out.append(
            SideSummary(
                side=side,
                reps=len(reps),
                peak_hip_extension_deg_mean=_mean(
                    [r.measures.get("peak_hip_extension_deg") for r in reps]
                ),
                lower_s_mean=_mean([r.measures.get("lower_s") for r in reps]),
                lift_s_mean=_mean([r.measures.get("lift_s") for r in reps]),
            )
        )
    return out


def _track_warnings(track: PoseTrack, sig: Signals) -> list[str]:
    """What the track and its view leave out, whatever the drill."""
    out: list[str] = []
    if len(track) == 0:
        return ["the track has no frames"]
    missing = 1.0 - float(track.detected.mean())
    if missing == 1.0:
        out.append("no person was found in any frame")
    elif missing >= MISSING_WARN_FRACTION:
        out.append(f"no person in {100 * missing:.0f}% of frames")
    if sig.view.name == "unknown":
        out.append("camera view unknown: no cue could be measured")
    elif sig.view.confidence < 0.6:
        out.append(f"camera view uncertain ({sig.view.name}, confidence {sig.view.confidence:.2f})")
    return out


def _warnings(
    track: PoseTrack, sig: Signals, info: DrillInfo, drill: Drill, segs: list[Segment]
) -> list[str]:
    if len(track) == 0:
        return ["the track has no frames"]
    out = _track_warnings(track, sig)
    if info.source == "auto" and info.confidence < 0.6:
        out.append(
            f"drill recognised with low confidence ({info.id}, {info.confidence:.2f}); choose it with --drill"
        )
    kind = "rep" if drill.segments == "reps" else "hold"
    # a floor drill's hold (a floor bridge held) is something found, though not a rep; a held
    # drill may be done as reps
    if not any(s.kind in ("rep", "hold") for s in segs):
        out.append(f"no {kind} found")
    if drill.single_leg and any(s.kind == "rep" and s.side is None for s in segs):
        out.append("working side not found for some reps (feet at the same height)")
    return out


def _with_variant(drill: Drill, variant: str, info: DrillInfo) -> Drill:
    """The drill done the ``variant`` way. A recognised drill without that variant (another
    drill's) is judged the standard way, as a batch of mixed drills asks for table top's toe on
    every clip; a drill the user gave without it, or a variant of no drill, is `BadSettings`."""
    some_drills_have_it = any(variant in d.variants for d in DRILLS.values())
    if info.source == "auto" and some_drills_have_it and variant not in drill.variants:
        return drill
    try:
        return drill.with_variant(variant)
    except ValueError as err:
        raise BadSettings(f"--variant: {err}") from None


def _variant_left_out(variant: str, drill: Drill) -> list[str]:
    if not variant or drill.variant == variant:
        return []
    return [f"--variant {variant} is not a way of doing {drill.name}: judged the standard way"]


def _not_a_bridge(
    track: PoseTrack, sig: Signals, info: DrillInfo, clip: ClipInfo, settings: Settings, t0: float
) -> Analysis:
    """The report of a clip that shows none of the drills: why, and nothing judged."""
    report = Report(
        clip=clip,
        detection=_detection(track),
        drill=info,
        view=ViewInfo(name=sig.view.name, confidence=sig.view.confidence),
        warnings=_track_warnings(track, sig),
        timings=Timings(analysis_s=round(time.perf_counter() - t0, 4)),
        settings=settings.changed(),
        versions={"formcheck": __version__, "numpy": np.__version__},
        created_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    return Analysis(report=report, track=track, signals=sig)


def analyze_track(
    track: PoseTrack,
    *,
    drill: str = "auto",
    settings: Settings | None = None,
    clip: ClipInfo | None = None,
    variant: str = "",
    camera_limits: bool = True,
) -> Analysis:
    """Analyse a pose track: the full report, with the signals and segments behind it.
    ``variant``: how the athlete chose to do the drill (table top's "toe"), see `Drill.variants`.
    ``camera_limits=False`` judges every cue whose signals the view shows, also where the camera
    sweep found the pose model unreliable at that angle (`View.reliable`): for tracks whose
    landmarks are exact (the synthetic suite) and for the sweep's own raw scoring."""
    t0 = time.perf_counter()
    settings = settings or Settings()
    # a few frames on another person are not the athlete; a leg crossing the other keeps its name
    seen = untangle_leg_swaps(drop_identity_jumps(track))
    view = detect_view(seen)
    if not camera_limits:
        view = replace(view, reliable=None)
    sig = compute_signals(seen, view=view, params=settings.signal_params())
    found = recognize_drill(sig)
    base, info = _resolve_drill(drill, found)
    clip = clip or ClipInfo(
        path=track.source.path,
        name=track.source.path.rsplit("/", 1)[-1],
        content_hash=track.source.content_hash,
        width=track.size[0],
        height=track.size[1],
        fps=track.fps,
        duration_s=track.duration_s,
        frames=len(track),
    )
    if base is None:
        return _not_a_bridge(track, sig, info, clip, settings, t0)
    d = _with_variant(settings.drill(base), variant, info)
    info = replace(info, variant=d.variant)
    spans = _segments(sig, d, _segment_params(d, settings.segment_params()))
    sig = with_working_side(sig, spans)
    segments = [_report_segment(sig, s, i, _hold_extension(d)) for i, s in enumerate(spans)]
    results = out_of_view(_judge_all(d, sig, spans), segments, _detection(track).missing)
    report = Report(
        clip=clip,
        detection=_detection(track),
        drill=info,
        view=_view_info(sig, d),
        segments=segments,
        results=results,
        coach_checks=[
            CoachCheck(
                cue_id=c.id, key_point=c.key_point, note="not judged from video: a coach's eye"
            )
            for c in d.coach_checks
        ],
        holds=_holds(d, segments),
        sides=_sides(d, segments),
        warnings=_mismatch(info, found)
        + _warnings(track, sig, info, d, segments)
        + _variant_left_out(variant, d),
        timings=Timings(analysis_s=round(time.perf_counter() - t0, 4)),
        settings=settings.changed(),
        versions={"formcheck": __version__, "numpy": np.__version__},
        created_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    log.debug("analysed %d frames in %.3f s", len(track), report.timings.analysis_s)
    return Analysis(report=report, track=track, signals=sig, spans=tuple(spans))
