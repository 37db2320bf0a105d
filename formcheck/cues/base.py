"""What every check is built from: the `CueContext` a check sees, the verdict helpers
(`result`, `info`, `not_measurable`), the signal pickers, and `judge`, which decides whether a
cue can be measured before its check runs.

`judge(cue, ctx)` first asks whether the view can show the signals the cue needs and whether
they were visible enough in the segment; if not, the result is ``not_measurable`` with the
reason, and nothing is judged. Otherwise the cue's check (``cue.check``, a function of one of
the families beside this module) measures one value and compares it with the cue's threshold.
Thresholds come from the cue's params only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from formcheck.kinematics import nan_percentile
from formcheck.segment import Span, frame_time
from formcheck.signals import Signals
from formcheck.smoothing import runs
from formcheck.types import CueResult, Reason, Status, TimeSpan

if TYPE_CHECKING:
    from formcheck.drills.base import Cue

#: a segment whose needed signal is finite in less than this fraction of frames is not judged
MIN_VALID_FRACTION = 0.5


@dataclass(frozen=True, kw_only=True)
class CueContext:
    """What a check sees: the signals, the segment judged and the rest of the set."""

    signals: Signals
    span: Span | None
    #: the segment's index in the report (None for set-level cues)
    index: int | None
    #: every rep / hold of the set, in time order
    spans: tuple[Span, ...] = ()
    #: the hips-on-the-ground level of ``bridge_height`` for this clip (thigh lengths)
    ground_level: float = 0.0
    #: for a single-leg phase, the hold it belongs to
    parent: Span | None = None
    #: for a rep, the next rep of the set (None for the last)
    next_rep: Span | None = None
    #: the set's single-leg phases (a hold's checks leave them out of its two-leg frames)
    single_leg_spans: tuple[Span, ...] = ()
    #: the athlete chose the table top's toe variant (stance heel up, `Drill.variants`)
    toe_variant: bool = False

    @property
    def sp(self) -> Span:
        """The segment judged (for segment-level checks; set-level ones have none)."""
        if self.span is None:
            raise ValueError("this check judges a segment, and none was given")
        return self.span

    def seg(self, name: str, span: Span | None = None) -> NDArray[Any]:
        sp = span or self.span
        x = self.signals[name]
        return x if sp is None else x[sp.start : sp.end]

    def time(self, i: int) -> float:
        return frame_time(self.signals.t, i)

    def duration(self, a: int, b: int) -> float:
        """Seconds from frame boundary a to b, to the millisecond (no float dust at a limit)."""
        return round(max(0.0, self.time(b) - self.time(a)), 3)


#: a check: the cue (its thresholds in ``cue.params``) and the segment it judges → a verdict
Check = Callable[["Cue", CueContext], CueResult]


# -- result helpers -------------------------------------------------------------------------


Detail = float | str | None


def _details(values: dict[str, Detail]) -> dict[str, Detail]:
    return {k: finite(v) if isinstance(v, (int, float)) else v for k, v in values.items()}


def result(
    cue: Cue,
    ctx: CueContext,
    ok: bool,
    value: float | None,
    threshold: float | None,
    comparison: str,
    unit: str,
    what: str,
    fault_spans: list[TimeSpan] | None = None,
    **details: Detail,
) -> CueResult:
    """A judged result: pass when ``ok``; else fault (or advice for an advice cue). ``what``
    names what was measured and ``details`` the other numbers its words need
    (`formcheck.report.verdict_words`)."""
    bad = Status.ADVICE if cue.kind == "advice" else Status.FAULT
    return CueResult(
        cue_id=cue.id,
        segment_index=ctx.index,
        status=Status.PASS if ok else bad,
        value=finite(value),
        threshold=threshold,
        comparison=comparison,
        unit=unit,
        fault_spans=[] if ok else (fault_spans or []),
        what=what,
        details=_details(details),
    )


def info(
    cue: Cue, ctx: CueContext, value: float | None, unit: str, what: str, **details: Detail
) -> CueResult:
    """A measure reported without a verdict (``what`` and ``details`` as for `result`)."""
    return CueResult(
        cue_id=cue.id,
        segment_index=ctx.index,
        status=Status.INFO,
        value=finite(value),
        comparison="info",
        unit=unit,
        what=what,
        details=_details(details),
    )


def not_measurable(
    cue: Cue, ctx: CueContext, reason: Reason, what: str, **details: Detail
) -> CueResult:
    """No verdict: ``reason`` the kind of cause (its mark in every rendering), ``what`` the
    cause itself (the key of its words)."""
    return CueResult(
        cue_id=cue.id,
        segment_index=ctx.index,
        status=Status.NOT_MEASURABLE,
        reason=reason,
        what=what,
        details=_details(details),
    )


#: why a rep's lowering, bottom and touch-down are not judged when the clip cut the rep
#: (`formcheck.segment.Span.complete`): judging a part of a lowering would make up faults
CUT_BY_CLIP_END = "cut_by_clip_end"


def finite(v: float | None) -> float | None:
    """``v`` as a float, None when missing or not finite. Unrounded: the report rounds what it
    shows (`formcheck.report.verdict_words.with_message`), from the exact value."""
    if v is None or not math.isfinite(float(v)):
        return None
    return float(v)


def span_time(ctx: CueContext, a: int, b: int) -> TimeSpan:
    return TimeSpan(start_s=round(ctx.time(a), 3), end_s=round(ctx.time(b), 3))


def mask_spans(ctx: CueContext, mask: NDArray[Any], offset: int) -> list[TimeSpan]:
    """Time spans of the True runs of ``mask`` (indices relative to ``offset``)."""
    return [span_time(ctx, offset + a, offset + b) for a, b in runs(mask)]


def finite_fraction(x: NDArray[Any]) -> float:
    return float(np.isfinite(x).mean()) if x.size else 0.0


# -- measurability --------------------------------------------------------------------------


def measurability(cue: Cue, ctx: CueContext) -> tuple[Reason, str, dict[str, Detail]] | None:
    """Why the cue cannot be judged here (the kind of cause, the cause and its details), or
    None when it can."""
    view = ctx.signals.view
    if not cue.needs:
        return None
    shown = [s for s in cue.needs if view.can_measure(s)]
    if (cue.needs_any and not shown) or (not cue.needs_any and len(shown) < len(cue.needs)):
        missing = [s for s in cue.needs if s not in shown]
        return Reason.VIEW, "view_cannot_show", {
            "view": view.name, "signals": ",".join(missing), "views": ",".join(cue.views_needed),
        }  # fmt: skip
    if not view.judges(cue.id):
        return Reason.VIEW, "camera_sweep", {"yaw_deg": view.yaw_deg}
    if ctx.span is not None:
        seen = [finite_fraction(ctx.seg(s)) for s in shown]
        if max(seen) < MIN_VALID_FRACTION:
            return Reason.NOT_SEEN, "parts_not_seen", {}
    return None


def judge(cue: Cue, ctx: CueContext) -> CueResult:
    """The cue's verdict on the context's segment (or the whole set)."""
    why = measurability(cue, ctx)
    if why is not None:
        reason, what, details = why
        return not_measurable(cue, ctx, reason, what, **details)
    if cue.check is None:
        raise ValueError(f"{cue.id} has no check: a coach's key point is never judged")
    return cue.check(cue, ctx)


# -- signal pickers -------------------------------------------------------------------------


def extension(ctx: CueContext, span: Span | None = None) -> NDArray[Any]:
    """Hip extension over the segment: the working side's for single-leg work, else both."""
    sp = span or ctx.span
    if sp is not None and sp.side in ("left", "right"):
        own = ctx.seg(f"hip_extension_{sp.side}_deg", sp)
        if finite_fraction(own) >= MIN_VALID_FRACTION:
            return own
    return ctx.seg("hip_extension_deg", sp)


def pct(x: NDArray[Any], q: float) -> float:
    return nan_percentile(x, q)


def phase_len(ctx: CueContext, name: str) -> float | None:
    ph = ctx.sp.phase(name) if ctx.span else None
    return None if ph is None else ctx.duration(*ph)



def set_frames(ctx: CueContext, exclude: tuple[Span, ...] = ()) -> NDArray[Any]:
    """Frame mask of the context's segment (else the set's segments, else all frames), minus
    ``exclude``."""
    n = len(ctx.signals)
    mask = np.zeros(n, dtype=bool)
    spans = (ctx.span,) if ctx.span is not None else ctx.spans
    for s in spans:
        mask[s.start : s.end] = True
    if not spans:
        mask[:] = True
    for s in exclude:
        mask[s.start : s.end] = False
    return mask


def fraction_check(
    cue: Cue, ctx: CueContext, x: NDArray[Any], what: str, offset: int, **details: Detail
) -> CueResult:
    """Fraction of frames where the 0/1 signal ``x`` is 1 ≥ ``min_fraction``."""
    ok_frames = x[np.isfinite(x)]
    frac = float(np.mean(ok_frames > 0.5)) if ok_frames.size else float("nan")
    lim = cue.params["min_fraction"]
    spans = mask_spans(ctx, x < 0.5, offset)
    return result(cue, ctx, frac >= lim, frac, lim, ">=", "fraction", what, spans, **details)
