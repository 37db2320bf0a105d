"""The segments of a drill in its signals: reps (with an opening partial) or holds, and their
one-leg phases, as `formcheck.segment`'s rules find them on the signals the drill and the view
call for.

``find_segments(signals, drill, params)`` is the stage; ``segment_params(drill, base)`` the
thresholds the drill's own data owns; ``with_working_side`` adds the working leg's hip
extension the renderings show.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.drills import Drill
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
    held_top,
    reps_or_holds,
    retop,
)
from formcheck.signals import WORKING_HIP_EXTENSION, Signals
from formcheck.smoothing import smooth_zero_phase

#: slgb: the feet must differ by this many thigh lengths to name the working side
SIDE_MIN_FOOT_DIFF_THIGH = 0.1


def with_working_side(sig: Signals, spans: list[Span]) -> Signals:
    """``sig`` plus `WORKING_HIP_EXTENSION`, the series the video overlays show."""
    work = np.array(sig["hip_extension_deg"], dtype=np.float64, copy=True)
    for span in spans:
        if span.side in ("left", "right"):
            own = sig[f"hip_extension_{span.side}_deg"][span.start : span.end]
            part = work[span.start : span.end]
            part[np.isfinite(own)] = own[np.isfinite(own)]
    return replace(sig, values={**sig.values, WORKING_HIP_EXTENSION: work})


def segment_params(drill: Drill, base: SegmentParams) -> SegmentParams:
    """``base`` with the segmentation thresholds the drill's own cues hold
    (`Drill.segment_settings`: a table top's hold dips and leg-lift height)."""
    return replace(base, **drill.segment_values())


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
    sig: Signals, rep: Span, mean: NDArray[Any] | None, params: SegmentParams
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


def _top_signal(ext: NDArray[Any], fps: float, params: SegmentParams) -> NDArray[Any]:
    """The hip extension the top band is read on."""
    return smooth_zero_phase(ext, fps, params.top_smooth_s) if params.top_smooth_s > 0 else ext


def find_segments(sig: Signals, drill: Drill, params: SegmentParams) -> list[Span]:
    """Reps (with an opening partial) or holds with their single-leg phases, in report order."""
    ext: NDArray[Any] | None = sig["hip_extension_deg"]
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


def _find_reps(sig: Signals, ext: NDArray[Any] | None, params: SegmentParams) -> list[Span]:
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
