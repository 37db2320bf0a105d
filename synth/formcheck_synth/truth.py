"""`GroundTruth`: the segments of a generated clip and what every cue of its drill should say.

Verdicts come from the true motion (the noiseless 3D landmarks the faults produced) measured
as CUES.md defines each check, against the thresholds of the drill definition
(`formcheck.drills`: the same cue parameters the engine reads, so the two cannot drift apart)
— never from the engine's signals or checks.
A cue the camera view cannot measure (CUES.md's "needs view") is expected `not_measurable`.

Every verdict also says whether it is *clear*: the true value sits well past the threshold
(a fault clearly over, a pass clearly under, by the margins written beside each check in
`formcheck_synth.checks`), and its ``margin``: the signed distance from the threshold as a
fraction of it. The randomised benchmark uses clear clips only, so its figure measures the
engine, not coin flips at a threshold; the borderline suite (`benchmarks/borderline_suite.py`)
scores the verdicts within ±20 % of the threshold.

Conventions that CUES.md leaves open, chosen here:
- a rep runs from the start of its lift to the end of its lowering (contact); its bottom
  phase is the rest after it, and "resting too long" is charged to the rep before the rest;
  the rest after the last rep is not "between reps";
- table-top holds are the hold split at dips below tth.hold_top's ``dip_below_deg`` (160°)
  lasting ≥ its ``min_dip_s`` (0.5 s) (a hold whose median is under the line stays one
  segment, judged too low by tth.hold_top); single-leg phases are the runs with a foot ≥
  tth.leg_lift's ``min_foot_lift_cm`` (2.5 cm) above its resting level; ``side`` is the
  stance (working) side, as for single-leg-bridge reps, and ``lifted`` the other;
- tth.hips_stay_up judges what the view shows: hip sag from the side, pelvic tilt from the
  front, both when oblique; without a side or oblique view no single-leg phase is found;
- tth.heel_up has an expectation only when the spec asks for the toe variant, and tth.setup
  judges the heels only when it does not (the higher heel decides: "both heels down").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from formcheck.drills import get_drill
from formcheck.drills.base import APPLIES, Drill
from formcheck.segment import SegmentParams
from formcheck_synth.checks import EVALUATORS, VIEWS, Context
from formcheck_synth.geometry import runs
from formcheck_synth.motion import MotionPlan
from formcheck_synth.schedule import PlannedPhase
from formcheck_synth.spec import SynthSpec
from formcheck_synth.true_signals import floor_bridge_height, true_signals

#: hips "on the ground": within this share of the rep's range of the floor
REST_BAND_FRAC = 0.05
CLEAR_HOLD_S = 1.5


def truth_cues(drill: Drill) -> dict[str, tuple[str, ...]]:
    """The cues the truth judges, by the segment kind they apply to: every cue of the drill
    definition but its coach checks (each has its evaluator in `formcheck_synth.checks`)."""
    by_kind: dict[str, tuple[str, ...]] = {}
    for kind in APPLIES:
        ids = tuple(c.id for c in drill.cues if c.applies_to == kind and c.kind != "coach")
        if ids:
            by_kind[kind] = ids
    return by_kind


@dataclass(frozen=True, kw_only=True)
class SegmentTruth:
    index: int
    #: "rep", "hold", "single_leg", or "partial" (the unfinished rep of a clip starting at top)
    kind: str
    start_s: float
    end_s: float
    #: working side: the support foot's (single-leg bridge rep, table-top single-leg phase)
    side: str | None = None
    #: table-top single-leg phase: the foot that left the floor
    lifted: str | None = None
    phases: tuple[PlannedPhase, ...] = ()
    measures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CueTruth:
    cue_id: str
    #: index into GroundTruth.segments, or None for a cue judged over the whole set
    segment: int | None
    #: "pass", "fault", "advice", "info" or "not_measurable"
    expected: str
    value: float | None
    clear: bool
    #: signed distance from the threshold as a fraction of it (> 0: the passing side)
    margin: float | None = None
    #: view classes that can measure the cue
    views: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class GroundTruth:
    drill: str
    camera: str
    view_class: str
    t: np.ndarray
    segments: tuple[SegmentTruth, ...]
    cues: tuple[CueTruth, ...]
    #: per-frame true signals (see `formcheck_synth.true_signals`)
    signals: dict[str, np.ndarray]
    #: the segments themselves are clear-cut (table top: no hold hovering near the 160° line)
    segments_clear: bool = True

    @property
    def reps(self) -> list[SegmentTruth]:
        return [s for s in self.segments if s.kind == "rep"]

    @property
    def clear(self) -> bool:
        return self.segments_clear and all(c.clear for c in self.cues)

    @property
    def longest_hold_s(self) -> float:
        holds = [s.end_s - s.start_s for s in self.segments if s.kind == "hold"]
        return max(holds, default=0.0)

    def expected(self, cue_id: str, segment: int | None = None) -> str | None:
        for c in self.cues:
            if c.cue_id == cue_id and c.segment == segment:
                return c.expected
        return None



def _rep_measures(ctx: Context, seg: SegmentTruth, last: bool) -> dict[str, float]:
    """Peak, top pause, lift/lower times (top = within the segment settings' top band of the
    peak, bottom = bridge height within their bottom fraction of the rep's range of the
    floor), bottom position, and the rest on the ground before the next lift (hips within 5 %
    of the range of the floor, ~1.5 cm)."""
    plan, sig = ctx.plan, ctx.sig
    rest = next(p for p in seg.phases if p.name == "bottom")
    m = ctx.mask(seg.start_s, seg.end_s)
    idx = np.flatnonzero(m)
    ext, bh = sig["hip_extension_deg"], sig["bridge_height"]
    peak = float(ext[m].max())
    top = idx[ext[m] >= peak - ctx.segment.top_band_deg]
    floor = floor_bridge_height(ctx.scene, plan, float(np.interp(seg.end_s, plan.t,
                                                                 plan.pelvis_m[:, 0])))
    low = floor + ctx.segment.bottom_fraction * (float(bh[m].max()) - floor)
    before = idx[(idx < top[0]) & (bh[idx] <= low)]
    after = np.flatnonzero((plan.t > plan.t[top[-1]]) & (plan.t < rest.end_s) & (bh <= low))
    t_up = plan.t[before[-1]] if before.size else seg.start_s
    t_down = plan.t[after[0]] if after.size else seg.end_s
    bottom = ctx.at("bridge_height", seg.end_s)
    ground = floor + REST_BAND_FRAC * (float(bh[m].max()) - floor)
    resting = (plan.t >= seg.start_s) & (plan.t < rest.end_s) & (bh <= ground)
    resting &= plan.t > plan.t[top[-1]]
    return {
        "peak_hip_extension_deg": peak,
        "top_pause_s": float(top.size / plan.fps),
        "lift_s": float(plan.t[top[0]] - t_up),
        "lower_s": float(t_down - plan.t[top[-1]]),
        "bottom_rest_s": 0.0 if last else float(resting.sum() / plan.fps),
        "bottom_frac": (bottom - floor) / max(float(bh[m].max()) - floor, 1e-6),
    }


def _rep_segments(ctx: Context) -> list[SegmentTruth]:
    out: list[SegmentTruth] = []
    reps = [s for s in ctx.plan.segments if s.kind == "rep"]
    for p in ctx.plan.segments:
        seg = SegmentTruth(index=len(out), kind=p.kind, start_s=p.start_s, end_s=p.end_s,
                           side=p.side, phases=p.phases)
        if p.kind == "rep":
            seg = SegmentTruth(**{**seg.__dict__, "measures": _rep_measures(
                ctx, seg, last=p is reps[-1])})
        out.append(seg)
    return out


def _close_short_gaps(mask: np.ndarray, max_gap: int) -> np.ndarray:
    out = mask.copy()
    for a, b in runs(~mask):
        if 0 < a and b < mask.size and b - a < max_gap:
            out[a:b] = True
    return out


def _tth_segments(ctx: Context) -> list[SegmentTruth]:
    """Holds: hip extension ≥ the dip line (dips shorter than the dip time bridged; both are
    tth.hold_top's) around the planned hold; a hold held too low (median under the line) is
    the planned hold itself. Then single-leg phases (a foot ≥ tth.leg_lift's height up)."""
    plan, sig = ctx.plan, ctx.sig
    hold = plan.segments[0]
    m = ctx.mask(hold.start_s, hold.end_s)
    ext = sig["hip_extension_deg"]
    dip_deg, dip_s = ctx.param("tth.hold_top", "dip_below_deg"), ctx.param("tth.hold_top",
                                                                          "min_dip_s")
    up = _close_short_gaps(ext >= dip_deg, int(round(dip_s * plan.fps)))
    spans = [(a, b) for a, b in runs(up) if m[a:b].any()]
    if np.median(ext[m]) < dip_deg or not spans:
        idx = np.flatnonzero(m)
        spans = [(int(idx[0]), int(idx[-1]) + 1)]
    out: list[SegmentTruth] = []
    level = float(np.median(ext[m & ~ctx.single_leg]))
    for a, b in spans:
        out.append(SegmentTruth(index=len(out), kind="hold", start_s=float(plan.t[a]),
                                end_s=float(plan.t[b - 1]) + 1.0 / plan.fps))
    for side in ("left", "right"):
        lifted = sig[f"foot_lift_{side}_cm"] >= ctx.param("tth.leg_lift", "min_foot_lift_cm")
        for a, b in runs(m & lifted):
            t0, t1 = float(plan.t[a]), float(plan.t[b - 1]) + 1.0 / plan.fps
            stance = "right" if side == "left" else "left"
            out.append(SegmentTruth(index=len(out), kind="single_leg", start_s=t0, end_s=t1,
                                    side=stance, lifted=side, measures={
                                        "duration_s": t1 - t0,
                                        "hip_sag_deg": level - float(ext[a:b].min())}))
    return out


def _holds_clear(ctx: Context, segments: list[SegmentTruth]) -> bool:
    """Hold frames stay 6° over the dip line, every dip goes 3° under it for 0.2 s longer than
    the dip time, every hold lasts ≥ 1.5 s: no hold or dip that a fair measurement could call
    either way at tth.hold_top's dip rule (160° / 0.5 s by default)."""
    if ctx.spec.drill != "table-top":
        return True
    plan, ext = ctx.plan, ctx.sig["hip_extension_deg"]
    hold = plan.segments[0]
    inner = ctx.mask(hold.start_s, hold.end_s)
    held = np.zeros_like(inner)
    for seg in segments:
        if seg.kind == "hold":
            held |= ctx.mask(seg.start_s + 0.3, seg.end_s - 0.3)
    dip_deg, dip_s = ctx.param("tth.hold_top", "dip_below_deg"), ctx.param("tth.hold_top",
                                                                          "min_dip_s")
    if np.median(ext[inner]) < dip_deg:
        return True
    ok = bool(np.all(ext[held & inner] >= dip_deg + 6.0))
    holds = [s for s in segments if s.kind == "hold"]
    ok &= all(h.end_s - h.start_s >= CLEAR_HOLD_S for h in holds)
    for a, b in zip(holds[:-1], holds[1:], strict=False):
        dip = ctx.mask(a.end_s, b.start_s)
        ok &= bool(ext[dip].min() <= dip_deg - 3.0) and (b.start_s - a.end_s) >= dip_s + 0.2
    return ok


def _single_leg_mask(spec: SynthSpec, plan: MotionPlan, sig: dict[str, np.ndarray],
                     drill: Drill) -> np.ndarray:
    if spec.drill != "table-top":
        return np.zeros(len(plan), dtype=bool)
    lifted = np.maximum(sig["foot_lift_left_cm"], sig["foot_lift_right_cm"])
    return lifted >= drill.param("tth.leg_lift", "min_foot_lift_cm")


def _cue_truths(ctx: Context) -> list[CueTruth]:
    spec = ctx.spec
    out: list[CueTruth] = []
    for kind, cue_ids in truth_cues(ctx.drill).items():
        targets: list[SegmentTruth | None] = (
            [None] if kind == "set" else [s for s in ctx.segments if s.kind == kind])
        for cue_id in cue_ids:
            key = cue_id.split(".", 1)[1]
            if key == "heel_up" and not spec.toe_variant:
                continue
            views = VIEWS[key]
            for seg in targets:
                index = None if seg is None else seg.index
                if spec.view_class not in views:
                    out.append(CueTruth(cue_id=cue_id, segment=index, expected="not_measurable",
                                        value=None, clear=True, views=views))
                    continue
                check = EVALUATORS[key](ctx, seg, ctx.drill.cue(cue_id).params)  # type: ignore[arg-type]
                out.append(CueTruth(cue_id=cue_id, segment=index, expected=check.verdict,
                                    value=check.value, clear=check.clear, margin=check.margin,
                                    views=views))
    return out


def truth_context(spec: SynthSpec, plan: MotionPlan, scene: np.ndarray,
                  drill: Drill | None = None) -> Context:
    """The true signals and segments of a clip, with the thresholds of ``drill`` (by default
    the spec's drill as `formcheck.drills` defines it)."""
    drill = drill or get_drill(spec.drill)
    sig = true_signals(scene, plan)
    ctx = Context(spec, plan, scene, sig, (), _single_leg_mask(spec, plan, sig, drill), drill,
                  SegmentParams())
    segments = _tth_segments(ctx) if spec.drill == "table-top" else _rep_segments(ctx)
    return replace(ctx, segments=tuple(segments))


def ground_truth(spec: SynthSpec, plan: MotionPlan, scene: np.ndarray,
                 drill: Drill | None = None) -> GroundTruth:
    """Segments and expected verdicts of a generated clip (see the module's conventions);
    ``drill`` overrides the drill definition whose thresholds apply."""
    ctx = truth_context(spec, plan, scene, drill)
    return GroundTruth(drill=spec.drill, camera=spec.camera, view_class=spec.view_class,
                       t=plan.t, segments=ctx.segments, cues=tuple(_cue_truths(ctx)),
                       signals=ctx.sig, segments_clear=_holds_clear(ctx, list(ctx.segments)))
