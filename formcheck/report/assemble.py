"""An `Assessment` (what the stages judged) made into the `Report` every rendering reads: the
segments with their measures, the view and drill as the report says them, the holds against the
article's marks, per-side summaries and the warnings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np

from formcheck import __version__
from formcheck.analysis import Assessment, DrillChoice
from formcheck.cues import mark_reached
from formcheck.drills import Drill, get_drill
from formcheck.drills.recognize import NOT_A_BRIDGE, Recognition
from formcheck.judging import missing_spans
from formcheck.kinematics import nan_percentile
from formcheck.report.model import (
    ClipInfo,
    CoachCheck,
    Detection,
    DrillInfo,
    HoldSummary,
    Phase,
    Report,
    Segment,
    SideSummary,
    Timings,
    ViewInfo,
)
from formcheck.report.verdict_words import with_message
from formcheck.segment import Span, frame_time, top_pause_s
from formcheck.settings import Settings
from formcheck.signals import WORKING_HIP_EXTENSION, Signals
from formcheck.types import NO_PERSON, PoseTrack


@dataclass(frozen=True, kw_only=True)
class Analysis:
    """The report with what it was computed from; ``spans[i]`` is ``report.segments[i]``: what
    every rendering (HTML plots, key frames, the annotated video) draws from."""

    report: Report
    track: PoseTrack
    signals: Signals
    spans: tuple[Span, ...] = ()


#: warn when the person is missing from at least this fraction of frames
MISSING_WARN_FRACTION = 0.1


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
    if track.nobody:
        out.append(NO_PERSON)
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


def _variant_left_out(variant: str, drill: Drill) -> list[str]:
    if not variant or drill.variant == variant:
        return []
    return [f"--variant {variant} is not a way of doing {drill.name}: judged the standard way"]


def _detection(track: PoseTrack) -> Detection:
    n = len(track)
    det = track.detected
    return Detection(
        frames_total=n,
        frames_with_person=int(det.sum()),
        person_fraction=round(float(det.mean()), 4) if n else 0.0,
        missing=missing_spans(track),
    )


def drill_info(choice: DrillChoice) -> DrillInfo:
    """What the report says of the drill judged and how it was chosen."""
    if choice.drill is None:
        return DrillInfo(
            id=NOT_A_BRIDGE, name=NOT_A_BRIDGE_NAME, source="auto",
            confidence=choice.confidence, not_a_bridge=list(choice.not_a_bridge),
        )  # fmt: skip
    return DrillInfo(
        id=choice.drill.id, name=choice.drill.name, source=choice.source,
        confidence=choice.confidence, variant=choice.drill.variant,
        not_a_bridge=list(choice.not_a_bridge),
    )  # fmt: skip


def clip_info(track: PoseTrack) -> ClipInfo:
    """The clip as the track knows it (`formcheck.pipeline.clip_info_from` knows the video)."""
    return ClipInfo(
        path=track.source.path,
        name=track.source.path.rsplit("/", 1)[-1],
        content_hash=track.source.content_hash,
        width=track.size[0],
        height=track.size[1],
        fps=track.fps,
        duration_s=track.duration_s,
        frames=len(track),
    )


def build_report(
    assessment: Assessment,
    *,
    settings: Settings,
    clip: ClipInfo | None = None,
    variant: str = "",
    started: float | None = None,
) -> Report:
    """The report of ``assessment``; ``variant`` as the user asked for it (the judged drill's
    may differ, and the report says so); ``started`` (`time.perf_counter`) times the analysis."""
    track, sig, choice = assessment.track, assessment.signals, assessment.choice
    started = time.perf_counter() if started is None else started
    info = drill_info(choice)
    # what every report says; a clip that shows none of the drills says only this and why
    report = Report(
        clip=clip or clip_info(track),
        detection=_detection(track),
        drill=info,
        view=ViewInfo(name=sig.view.name, confidence=sig.view.confidence),
        results=[with_message(r) for r in assessment.results],
        warnings=_track_warnings(track, sig),
        settings=settings.changed(),
        versions={"formcheck": __version__, "numpy": np.__version__},
        created_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    d = choice.drill
    if d is not None:
        segments = [_report_segment(sig, s, i, _hold_extension(d)) for i, s in enumerate(assessment.spans)]
        report = replace(
            report,
            view=_view_info(sig, d),
            segments=segments,
            coach_checks=[
                CoachCheck(
                    cue_id=c.id, key_point=c.key_point, note="not judged from video: a coach's eye"
                )
                for c in d.coach_checks
            ],
            holds=_holds(d, segments),
            sides=_sides(d, segments),
            warnings=_mismatch(info, choice.recognition)
            + _warnings(track, sig, info, d, segments)
            + _variant_left_out(variant, d),
        )
    return replace(report, timings=Timings(analysis_s=round(time.perf_counter() - started, 4)))
