"""The cues of a drill judged on its segments: one verdict per (cue, segment it applies to),
and per cue judged over the whole set.

``judge_all(drill, signals, spans, missing)`` is the stage. Each check sees a `CueContext`
(`formcheck.cues`): the signals, its segment, the set's other segments and the clip's ground
level. Measurability is decided here and in the checks only: a view that cannot show a cue's
signals, a segment the person was out of view in.
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.cues import CueContext, judge
from formcheck.drills import Drill
from formcheck.segment import Span, frame_time
from formcheck.signals import Signals
from formcheck.smoothing import runs
from formcheck.types import CueResult, PoseTrack, Reason, Status, TimeSpan


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
    toe = drill.variant == "toe"
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
                    single_leg_spans=legs,
                    toe_variant=toe,
                ),
            )
        )
    out.append(
        (
            "set",
            CueContext(
                signals=sig, span=None, index=None, spans=main, ground_level=ground,
                single_leg_spans=legs, toe_variant=toe,
            ),  # fmt: skip
        )
    )
    return out


#: a person missing for longer than this inside a segment: its cues cannot be judged (gap
#: filling bridges only short dropouts; across a longer absence the segment may join two reps)
MAX_UNSEEN_IN_SEGMENT_S = 0.5


def missing_spans(track: PoseTrack) -> list[TimeSpan]:
    """The stretches of the clip with no person found, seconds to the millisecond."""
    return [
        TimeSpan(start_s=round(frame_time(track.t, a), 3), end_s=round(frame_time(track.t, b), 3))
        for a, b in runs(~track.detected)
    ]


def _out_of_view(
    results: list[CueResult], t: NDArray[Any], spans: list[Span], missing: list[TimeSpan]
) -> list[CueResult]:
    """Results of segments during which the person was out of view (or not found) for longer
    than `MAX_UNSEEN_IN_SEGMENT_S` become not measurable, saying when."""
    gaps = [m for m in missing if m.end_s - m.start_s > MAX_UNSEEN_IN_SEGMENT_S]
    if not gaps:
        return results
    unseen: dict[int, TimeSpan] = {}
    for index, span in enumerate(spans):
        start_s, end_s = round(frame_time(t, span.start), 3), round(frame_time(t, span.end), 3)
        for g in gaps:
            if g.start_s < end_s and g.end_s > start_s:
                unseen.setdefault(index, g)
    out = []
    for r in results:
        gap = unseen.get(r.segment_index) if r.segment_index is not None else None
        if gap is not None and r.status in (Status.PASS, Status.FAULT, Status.ADVICE):
            r = replace(
                r, status=Status.NOT_MEASURABLE, value=None, threshold=None, fault_spans=[],
                reason=Reason.NOT_SEEN, what="out_of_view",
                details={"from_s": gap.start_s, "to_s": gap.end_s},
            )  # fmt: skip
        out.append(r)
    return out


def judge_all(
    drill: Drill, sig: Signals, spans: list[Span], missing: list[TimeSpan]
) -> list[CueResult]:
    """Every judged cue of ``drill`` on every segment (``spans``, the report's order) it
    applies to, and on the set; a segment the person was out of view in for longer than
    `MAX_UNSEEN_IN_SEGMENT_S` (``missing``, `missing_spans`) is not measurable, saying when."""
    results: list[CueResult] = []
    contexts = _contexts(drill, sig, spans)
    for cue in drill.judged:
        for kind, ctx in contexts:
            if kind == cue.applies_to:
                results.append(judge(cue, ctx))
    results.sort(key=lambda r: (r.segment_index is None, r.segment_index or 0))
    return _out_of_view(results, sig.t, spans, missing)
