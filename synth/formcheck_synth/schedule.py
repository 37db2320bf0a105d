"""The timeline of a generated clip: phases, segments and the per-frame targets of the motion.

`build_schedule` turns a `SynthSpec` into what the athlete *intends* frame by frame (hip
extension, leg lifts, pelvis roll, knee gap, head pitch …); `formcheck_synth.motion` then solves
the body's geometry that realises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from formcheck_synth.geometry import ease_in, smooth_step
from formcheck_synth.spec import SynthSpec

if TYPE_CHECKING:
    from formcheck_synth.skeleton import SagittalTable

OTHER = {"left": "right", "right": "left"}
SETUP_S = 0.8  # rest on the floor before the first rep (≤ 1.0 s: not a "rest too long")
TAIL_S = 0.7  # rest after the last rep
DROP_S = 0.12  # the fall of a "drop onto the floor"
DROP_FRAC = 0.35  # share of the range covered by the fall
LEG_RAMP_S = 0.35  # raising / lowering a free foot
TTH_MOVE_S = 1.2  # table top: sitting to the top and back
DIP_RAMP_S = 0.25
NO_PAUSE_S = 0.5  # a top pause shorter than this comes with a sharp turn at the top
#: share of a lowering (lift) spent slowing down into (speeding up from) the floor: a controlled
#: rep touches down at a steady speed and goes; a quick lowering (< 1.2 s) still lands softly
TOUCH_AND_GO, SOFT_LANDING = 0.12, 0.5
MAX_EXT_DEG = 179.3  # keep clear of the straight line, where the unsigned angle folds back


@dataclass(frozen=True, kw_only=True)
class PlannedPhase:
    #: "lift", "top", "lower", "bottom" (reps); "hold"; "single_leg"
    name: str
    start_s: float
    end_s: float


@dataclass(frozen=True, kw_only=True)
class PlannedSegment:
    """A rep, the hold, a single-leg phase, or the partial rep of a clip that starts at the top.

    ``side``: for a single-leg-bridge rep the working (support) side; for a table-top
    single-leg phase the side of the lifted foot.
    """

    index: int
    kind: str
    start_s: float
    end_s: float
    side: str | None = None
    phases: tuple[PlannedPhase, ...] = ()
    #: the spec's rep faults apply to this segment
    faulty: bool = False
    #: intended values: peak_hip_extension_deg, lift_s, top_pause_s, lower_s, bottom_rest_s …
    intent: dict[str, float] = field(default_factory=dict)


@dataclass(kw_only=True)
class Schedule:
    t: np.ndarray
    ext_deg: np.ndarray
    phase: np.ndarray
    segment: np.ndarray
    working: np.ndarray  # "left"/"right"/"" per frame (single-leg bridge)
    free_w: dict[str, np.ndarray]  # single-leg bridge: free foot raised 0..1
    lift_w: dict[str, np.ndarray]  # table top: foot lifted 0..1
    lift_cm: dict[str, np.ndarray]
    roll_deg: np.ndarray  # + left hip higher
    slide_shin: dict[str, np.ndarray]
    gap: np.ndarray
    head_deg: np.ndarray
    heel_raise_cm: dict[str, np.ndarray]
    segments: list[PlannedSegment]


def _sides(spec: SynthSpec) -> list[str]:
    n = spec.reps
    if spec.sides == "alternate":
        return ["left" if i % 2 == 0 else "right" for i in range(n)]
    if spec.sides in ("left", "right"):
        return [spec.sides] * n
    first, second = spec.sides.split("-then-")
    return [first] * ((n + 1) // 2) + [second] * (n // 2)


class _Builder:
    """Fills per-frame arrays piece by piece."""

    def __init__(self, t: np.ndarray, ext0: float, table: SagittalTable) -> None:
        self.t = t
        self.table = table
        self.ext = np.full(t.shape, ext0)
        self.phase = np.full(t.shape, "setup", dtype="<U10")
        self.segment = np.full(t.shape, -1)

    def mask(self, t0: float, t1: float) -> np.ndarray:
        return (self.t >= t0) & (self.t < t1)

    def move(self, t0: float, t1: float, e0: float, e1: float, kind: str = "smooth",
             blends: tuple[float, float] = (0.3, 0.3)) -> None:
        m = self.mask(t0, t1)
        tau = (self.t[m] - t0) / max(t1 - t0, 1e-9)
        shape = ease_in(tau) if kind == "fall" else smooth_step(tau, *blends)
        # the hips move smoothly in height: interpolate the trunk's pitch, not the hip angle
        a0, a1 = (np.interp(e, self.table.ext_deg, self.table.alpha_deg) for e in (e0, e1))
        self.ext[m] = np.interp(a0 + (a1 - a0) * shape, self.table.alpha_deg, self.table.ext_deg)
        self.ext[self.t >= t1] = e1

    def label(self, t0: float, t1: float, name: str, seg: int) -> None:
        m = self.mask(t0, t1)
        self.phase[m] = name
        self.segment[m] = seg


def _jitter(rng: np.random.Generator, value: float, rel: float = 0.05) -> float:
    return float(value * rng.uniform(1 - rel, 1 + rel))


def rep_intent(spec: SynthSpec, rng: np.random.Generator, i: int) -> dict[str, float]:
    """Planned durations and peak of rep ``i`` (faults applied where the spec says)."""
    f, tp = spec.faults, spec.tempo
    faulty = f.applies_to(i)
    pick = (lambda fault, clean: fault if (faulty and fault is not None) else clean)  # noqa: E731
    return {
        "lift_s": _jitter(rng, tp.lift_s),
        "top_pause_s": _jitter(rng, pick(f.top_pause_s, tp.top_pause_s)),
        "lower_s": _jitter(rng, pick(f.lower_s, tp.lower_s)),
        "bottom_rest_s": _jitter(rng, pick(f.bottom_rest_s, tp.bottom_rest_s)),
        "peak_hip_extension_deg": float(rng.uniform(174.0, 179.0))
        - (pick(f.extension_short_deg, 0.0) or 0.0),
        "bottom_gap_frac": pick(f.bottom_gap_frac, 0.0) or 0.0,
        "drop": float(bool(faulty and f.drop)),
        "faulty": float(faulty),
    }


def _top_blend(pause_s: float) -> float:
    """No squeeze at the top means bouncing off it: a sharp turn instead of a gentle one."""
    return 0.05 if pause_s < NO_PAUSE_S else 0.3


def _lower(b: _Builder, t0: float, dur: float, peak: float, bottom: float, drop: bool,
           top_blend: float = 0.3) -> float:
    if not drop:  # a quick but controlled lowering still lands softly
        b.move(t0, t0 + dur, peak, bottom,
               blends=(top_blend, SOFT_LANDING if dur < 1.2 else TOUCH_AND_GO))
        return t0 + dur
    mid = bottom + DROP_FRAC * (peak - bottom)
    b.move(t0, t0 + dur - DROP_S, peak, mid, blends=(top_blend, 0.3))
    b.move(t0 + dur - DROP_S, t0 + dur, mid, bottom, kind="fall")
    return t0 + dur


def duration_s(spec: SynthSpec, intents: list[dict[str, float]]) -> float:
    if spec.drill == "table-top":
        lead = 0.0 if spec.starts_at_top else SETUP_S + TTH_MOVE_S
        return lead + spec.hold_s + TTH_MOVE_S + TAIL_S
    total = 0.0 if spec.starts_at_top else SETUP_S
    if spec.starts_at_top:
        total += intents[0]["top_pause_s"] + intents[0]["lower_s"] + intents[0]["bottom_rest_s"]
    for i, it in enumerate(intents):
        rest = it["bottom_rest_s"] if i < len(intents) - 1 else TAIL_S
        total += it["lift_s"] + it["top_pause_s"] + it["lower_s"] + rest
    return total


def time_axis(spec: SynthSpec, total_s: float) -> np.ndarray:
    return np.arange(int(np.ceil(total_s * spec.fps))) / spec.fps


def _level(ext: np.ndarray, floor: float, top: float) -> np.ndarray:
    return np.clip((ext - floor) / max(top - floor, 1e-6), 0.0, 1.0)


def _rep_timeline(
    spec: SynthSpec, b: _Builder, intents: list[dict[str, float]], floor: float
) -> list[PlannedSegment]:
    """Lift / top / lower / bottom of every rep into the builder; returns the planned reps."""
    sides = _sides(spec) if spec.drill == "single-leg-bridge" else [None] * spec.reps
    segs: list[PlannedSegment] = []
    t = 0.0
    if spec.starts_at_top:
        it = intents[0]
        bottom = floor + it["bottom_gap_frac"] * (it["peak_hip_extension_deg"] - floor)
        b.ext[:] = it["peak_hip_extension_deg"]
        b.label(0.0, it["top_pause_s"], "top", -2)
        end = _lower(b, it["top_pause_s"], it["lower_s"], it["peak_hip_extension_deg"], bottom,
                     bool(it["drop"]), _top_blend(it["top_pause_s"]))
        b.label(it["top_pause_s"], end, "lower", -2)
        b.label(end, end + it["bottom_rest_s"], "bottom", -2)
        segs.append(PlannedSegment(index=-1, kind="partial", start_s=0.0, end_s=end,
                                   side=sides[0], intent=dict(it)))
        t = end + it["bottom_rest_s"]
        b.ext[b.t >= end] = bottom
    else:
        t = SETUP_S
    last_bottom = floor if not spec.starts_at_top else b.ext[-1]
    for i, it in enumerate(intents):
        peak = it["peak_hip_extension_deg"]
        bottom = floor + it["bottom_gap_frac"] * (peak - floor)
        rest = it["bottom_rest_s"] if i < len(intents) - 1 else TAIL_S
        t_top = t + it["lift_s"]
        t_low = t_top + it["top_pause_s"]
        turn = _top_blend(it["top_pause_s"])
        b.move(t, t_top, last_bottom, peak, blends=(TOUCH_AND_GO, turn))
        end = _lower(b, t_low, it["lower_s"], peak, bottom, bool(it["drop"]), turn)
        phases = (
            PlannedPhase(name="lift", start_s=t, end_s=t_top),
            PlannedPhase(name="top", start_s=t_top, end_s=t_low),
            PlannedPhase(name="lower", start_s=t_low, end_s=end),
            PlannedPhase(name="bottom", start_s=end, end_s=end + rest),
        )
        for ph in phases:
            b.label(ph.start_s, ph.end_s, ph.name, i)
        segs.append(PlannedSegment(index=i, kind="rep", start_s=t, end_s=end, side=sides[i],
                                   phases=phases, faulty=bool(it["faulty"]), intent=dict(it)))
        t, last_bottom = end + rest, bottom
    return segs


def _free_leg(t: np.ndarray, segs: list[PlannedSegment]) -> dict[str, np.ndarray]:
    """Single-leg bridge: weight 0..1 of the free (non-working) foot being up. Consecutive reps
    on one side keep the free foot up; at a change of side the feet swap within the rest, so
    the working foot is planted for the whole of its rep."""
    w = {"left": np.zeros_like(t), "right": np.zeros_like(t)}
    blocks: list[list[float | str]] = []  # [free side, start, end]
    for s in (s for s in segs if s.side is not None):
        free = OTHER[str(s.side)]
        if blocks and blocks[-1][0] == free:
            blocks[-1][2] = s.end_s
        else:
            blocks.append([free, s.start_s, s.end_s])
    for k, (free_side, t0, t1) in enumerate(blocks):
        free = str(free_side)
        before = float(t0) - (float(blocks[k - 1][2]) if k else 0.0)
        after = (float(blocks[k + 1][1]) if k + 1 < len(blocks) else float(t[-1])) - float(t1)
        r0 = max(min(LEG_RAMP_S, before), 1e-3)
        r1 = max(min(LEG_RAMP_S, after), 1e-3)
        up = smooth_step((t - (float(t0) - r0)) / r0)
        down = 1.0 - smooth_step((t - float(t1)) / r1)
        w[str(free)] = np.maximum(w[str(free)], np.minimum(up, down))
    return w


def _rep_channels(spec: SynthSpec, s: Schedule, floor: float, rng: np.random.Generator) -> None:
    f = spec.faults
    for seg in s.segments:
        m = (s.t >= seg.start_s) & (s.t < seg.end_s)
        level = _level(s.ext_deg[m], floor, seg.intent["peak_hip_extension_deg"])
        if seg.side is not None:
            tilt = f.pelvis_tilt_deg if (seg.faulty and f.pelvis_tilt_deg) else rng.uniform(0, 3)
            s.roll_deg[m] = (1.0 if seg.side == "left" else -1.0) * tilt * level
            if seg.faulty and f.support_slide_shin:
                s.slide_shin[seg.side][m] = f.support_slide_shin * level
        if seg.faulty and f.knee_gap_wobble:
            tau = (s.t[m] - seg.start_s) / max(seg.end_s - seg.start_s, 1e-6)
            s.gap[m] += f.knee_gap_wobble * np.sin(np.pi * tau) ** 2
    s.free_w.update(_free_leg(s.t, s.segments))
    sided = [seg for seg in s.segments if seg.side is not None]
    if sided:  # the working side changes when the next rep's lift starts
        s.working[:] = str(sided[0].side)
        for seg in sided:
            s.working[s.t >= seg.start_s] = str(seg.side)


def _tth_timeline(
    spec: SynthSpec, b: _Builder, floor: float, rng: np.random.Generator
) -> tuple[list[PlannedSegment], float]:
    """Sit → lift → hold (dips, single-leg phases) → lower → rest. Returns segments, hold ext."""
    f = spec.faults
    hold_ext = float(rng.uniform(173.0, 178.0)) - (f.extension_short_deg or 0.0)
    t0 = 0.0 if spec.starts_at_top else SETUP_S + TTH_MOVE_S
    t1 = t0 + spec.hold_s
    if spec.starts_at_top:
        b.ext[:] = hold_ext
    else:
        b.move(SETUP_S, t0, floor, hold_ext)
        b.label(SETUP_S, t0, "lift", 0)
    b.label(t0, t1, "hold", 0)
    _lower(b, t1, TTH_MOVE_S, hold_ext, floor, False)
    b.label(t1, t1 + TTH_MOVE_S, "lower", 0)
    b.label(t1 + TTH_MOVE_S, b.t[-1] + 1.0, "bottom", -1)
    if f.hold_dip is not None:
        at, dur, depth = f.hold_dip
        d0 = t0 + at
        b.move(d0, d0 + DIP_RAMP_S, hold_ext, depth)
        b.move(d0 + DIP_RAMP_S + dur, d0 + 2 * DIP_RAMP_S + dur, depth, hold_ext)
        b.ext[b.t >= d0 + 2 * DIP_RAMP_S + dur] = hold_ext
        _lower(b, t1, TTH_MOVE_S, hold_ext, floor, False)
    segs = [PlannedSegment(index=0, kind="hold", start_s=t0, end_s=t1,
                           intent={"hip_extension_deg": hold_ext})]
    for k, lift in enumerate(spec.leg_lifts):
        s0 = t0 + lift.at_s
        s1 = min(s0 + lift.duration_s, t1)
        segs.append(PlannedSegment(
            index=k + 1, kind="single_leg", start_s=s0, end_s=s1, side=lift.side,
            phases=(PlannedPhase(name="single_leg", start_s=s0, end_s=s1),),
            faulty=True, intent={"height_cm": lift.height_cm}))
        b.label(s0, s1, "single_leg", 0)
    return segs, hold_ext


#: how high the stance heel rises on the toe (the rendered clips: 5 cm)
TOE_HEEL_CM = 5.0
#: the athlete comes up on the toe this long before the other foot leaves the floor (and
#: stays up as long after it is back), so the heel is up for the whole single-leg phase
TOE_LEAD_S = 0.4


def _on_toe(t: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """0→1→0: up on the toe from before the leg lift until after the foot is back down."""
    up = smooth_step((t - (start_s - TOE_LEAD_S)) / 0.3)
    down = 1.0 - smooth_step((t - (end_s + TOE_LEAD_S)) / 0.3)
    return np.minimum(up, down)


def _tth_channels(spec: SynthSpec, s: Schedule, rng: np.random.Generator) -> None:
    f = spec.faults
    hold = s.segments[0]
    for seg in s.segments[1:]:
        w = np.minimum(smooth_step((s.t - seg.start_s) / 0.3),
                       1.0 - smooth_step((s.t - seg.end_s) / 0.3))
        w = np.where(s.t >= seg.start_s - 0.3, w, 0.0)
        lifted, stance = str(seg.side), OTHER[str(seg.side)]
        s.lift_w[lifted] = np.maximum(s.lift_w[lifted], w)
        s.working[w > 0] = stance
        s.lift_cm[lifted] = np.where(w > 0, seg.intent["height_cm"], s.lift_cm[lifted])
        s.ext_deg -= (f.hip_sag_deg or float(rng.uniform(0.0, 1.5))) * w
        tilt = f.pelvis_tilt_deg or float(rng.uniform(0.0, 3.0))
        s.roll_deg += (-1.0 if lifted == "left" else 1.0) * tilt * w
        toe_heel = TOE_HEEL_CM if f.toe_heel_cm is None else f.toe_heel_cm
        if spec.toe_variant and not f.heel_down:
            s.heel_raise_cm[stance] = np.maximum(s.heel_raise_cm[stance], toe_heel * _on_toe(
                s.t, seg.start_s, seg.end_s))
    if f.knee_gap_wobble:
        m = (s.t >= hold.start_s) & (s.t < hold.end_s)
        s.gap[m] += 0.5 * f.knee_gap_wobble * (1 - np.cos(2 * np.pi * (s.t[m] - hold.start_s) / 3))
    if f.heels_up_cm and not spec.toe_variant:
        for side in ("left", "right"):
            s.heel_raise_cm[side] = np.maximum(s.heel_raise_cm[side], f.heels_up_cm)


def build_schedule(spec: SynthSpec, table: SagittalTable, rng: np.random.Generator) -> Schedule:
    """The per-frame intent of the clip; ``table`` maps hip extension to trunk pitch."""
    floor_ext = float(table.ext_deg[0])
    intents = [rep_intent(spec, rng, i) for i in range(max(spec.reps, 1))]
    t = time_axis(spec, duration_s(spec, intents))
    b = _Builder(t, floor_ext, table)
    if spec.drill == "table-top":
        segs, _ = _tth_timeline(spec, b, floor_ext, rng)
    else:
        segs = _rep_timeline(spec, b, intents, floor_ext)
    f = spec.faults
    zeros = {"left": np.zeros_like(t), "right": np.zeros_like(t)}
    head = f.head_pitch_deg if f.head_pitch_deg is not None else float(rng.uniform(-5, 5))
    gap = f.knee_gap_ratio if f.knee_gap_ratio is not None else float(rng.uniform(1.05, 1.25))
    wander = np.sin(2 * np.pi * (t / 7.0 + rng.uniform()))
    s = Schedule(
        t=t, ext_deg=np.minimum(b.ext + 0.6 * wander, MAX_EXT_DEG), phase=b.phase, segment=b.segment,
        working=np.full(t.shape, "", dtype="<U5"),
        free_w={k: v.copy() for k, v in zeros.items()},
        lift_w={k: v.copy() for k, v in zeros.items()},
        lift_cm={k: v.copy() for k, v in zeros.items()},
        roll_deg=np.zeros_like(t),
        slide_shin={k: v.copy() for k, v in zeros.items()},
        gap=gap + 0.01 * wander, head_deg=head + 1.5 * wander,
        heel_raise_cm={k: v.copy() for k, v in zeros.items()},
        segments=segs,
    )
    if spec.drill == "table-top":
        _tth_channels(spec, s, rng)
    else:
        _rep_channels(spec, s, floor_ext, rng)
    return s
