"""Segments of a set: reps with their phases, holds with their dips, single-leg phases.

Reps
----
Found on ``hip_lift`` (mid-hip height above the shoulders' floor line, thigh lengths) with a
hysteresis between two levels of the clip's own range (robust percentiles), so jitter cannot
make a rep and a clip's size or camera distance does not matter. A clip whose hips never move
by ``min_amplitude_thigh`` has no reps (a dead bug, a constant pose).

A rep is lift → top → lower → bottom, counted when a lift reaches the top; a clip that opens
at the top gives a ``partial`` segment (its top and lowering) that is not counted as a rep.
A rep's lowering ends where the hips come down into its bottom band: ``bottom_fraction`` of
the rep's height above the trough after it. A rep the clip ends in has no trough the hips rose
from again: it is complete once its hips are back down (`_back_down`: within
``bottom_fraction`` of its height above the clip's low level and stopped falling, or resting
most of the way down), and its lowering and touch-down are judged. A clip that ends before
that (at the top, mid-lowering, or paused part-way down) cuts the rep: ``complete=False``; it
still counts as a rep, and its lowering, touch-down and bottom are not judged.

The top phase is the time the hip extension stays within ``top_band_deg`` of the rep's peak
in a side view; in other views (whose 3-D hip angle is too noisy to time a 5° band) and where
no hip extension is seen, the hips within ``top_band_lift_fraction`` of the rep's height.
A single-leg rep's band is read again on the working hip (`retop`) in a side view: the mean of
both sides moves half as far. A table top's rep has its top read as its holds are (`held_top`).

Holds
-----
Frames with hip extension at least ``hold_min_deg`` make a hold; a dip below
``min(dip_deg, hold median − dip_margin_deg)`` lasting ``dip_min_s`` or more splits it.
Single-leg phases are stretches inside a hold where one foot is lifted by ``min_foot_lift_cm``
(`find_single_leg`; ``foot_rise_*_cm`` in `formcheck.signals` says when a view's foot heights
are read against the image).

Holds on the floor
------------------
CUES.md: "A floor bridge held: hips up and still for ≥ 2 s on the floor is a hold segment,
with its duration and any one-leg phases inside it, whichever floor drill it is judged as."
In the rep drills (`find_floor_holds`) hips up is the hips at least
``floor_hold_min_lift_thigh`` above the shoulders' floor line with the higher side's hip
extension at least ``hold_min_deg`` (a lifted leg's hip flexes, the planted one's stays
open); still is as for any hold (trimmed to its level, split by long dips); held is
``floor_hold_min_s`` or more. How a hold and the reps share the hips:

- a rep stays a rep whatever its top: a rep with a 4 s top is one rep with a 4 s top pause,
  counted and judged as a rep. Its top is its squeeze, not a hold, unless the hips are held
  there (still, and within ``floor_hold_top_band_fraction`` of the rep's height of its peak)
  for ``floor_hold_min_s`` and for most of the rep: longer than the rest of it, lift and
  lowering (`_held_in_rep`). Then the top is also a hold inside the rep: a bridge lifted
  into, held and lowered out of, or a held bridge whose hips sagged a rep's swing. The hips
  ease into and out of a squeeze: a 1.5 s squeeze with a slow lowering reads still for over
  2 s, and the rendered sample reps would all be holds by 2 s still alone;
- a clip that starts and ends at the top, without a lowering, has no rep (the hips never move
  a rep's swing): its hips-up stretch is a hold;
- a clip that opens at the top and then lowers gives its opening ``partial`` and the reps as
  before; the partial's top is a hold only on the same terms as a rep's (held longer than
  its lowering);
- a rep's lift, lowering and bottom are never part of a hold, and the rep count is reps only.

A hold's one-leg phases (`find_floor_single_leg`) are those of `find_single_leg`, timed by the
leg held up: from where the lifted foot is ``floor_leg_up_fraction`` of its peak lift on the
way up to the same on the way down (the foot's travel either side, ~0.4 s for a knee lifted
high, is a leg on its way; the smoothing of foot heights spreads it further).

A held drill done as reps
-------------------------
Athletes often do hip thrusts in the table-top position: lift, a brief squeeze, lower, again.
`reps_or_holds` tells that set from a hold. A held top is a hold when it lasts ``held_top_s``
or more; a rep whose top holds no such hold is a *brief* rep. With `MIN_BRIEF_REPS` brief reps
or more the set was done as reps: every rep is counted, with its tops and tempo as in the rep
drills, and the holds are its long still tops only (a hold may be a rep's top: a last rep held
4 s is both). Fewer, and the set is held as the article means it, exactly as before: one lift
into a 10–20 s hold is one cycle with a long top, and a hold that sags and recovers in the
middle is two cycles whose tops are both long (or one short, before the sag) — holds, no reps.
"""

from __future__ import annotations

from formcheck.segment.base import (
    SegmentParams,
    Span,
    close_gaps,
    containing,
    frame_time,
    top_pause_s,
)
from formcheck.segment.holds import (
    LIFT_EDGE_FRACTION,
    MIN_BRIEF_REPS,
    find_floor_holds,
    find_floor_single_leg,
    find_holds,
    find_single_leg,
    reps_or_holds,
)
from formcheck.segment.reps import (
    REST_MIN_LOWERED,
    find_reps,
    find_reps_end_on,
    held_top,
    retop,
    swing_pivots,
)

__all__ = [
    "LIFT_EDGE_FRACTION", "MIN_BRIEF_REPS", "REST_MIN_LOWERED", "SegmentParams", "Span",
    "close_gaps", "containing", "find_floor_holds", "find_floor_single_leg", "find_holds",
    "find_reps", "find_reps_end_on", "find_single_leg", "frame_time", "held_top",
    "reps_or_holds", "retop", "swing_pivots", "top_pause_s",
]  # fmt: skip
