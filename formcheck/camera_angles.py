"""Which key points each camera view can judge, as the rendered camera sweep measured them.

`benchmarks/camera_sweep.py --write` renders the digital athlete from side-on to the feet
every 15°, at a floor-height and a raised camera, judges every cue at every angle with the
view's limits switched off, and keeps, per cue, the angles where its verdicts agreed with what
the body did at least 90 % of the time at both heights. It writes them to
``camera_angles.json`` beside this module; `docs/camera_angles.md` has the tables.
`reliable_at` answers whether a swept cue is reliable at the sweep angles either side of a
view's yaw. The views' can-measure lists do not follow it yet: MediaPipe's depth reads a 30–45°
camera as 10–25° off side-on, so a yaw-keyed gate needs the view read from the image first
(issue 10, in progress).

Side views (yaw under 20°) keep those lists: their cues were validated on the labelled real
clips and the rendered samples (README), and the sweep's side-on cells rest on four to six
verdicts each, where one miss already reads 83 %.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("camera_angles.json")
#: the sweep gates views from this yaw on (`formcheck.view.SIDE_MAX_YAW_DEG`)
SIDE_FROM_DEG = 20.0

#: yaw the sweep's angles stand for when only a view's name is known (`formcheck.view.make_view`)
NOMINAL_YAW_DEG: dict[str, float] = {"oblique": 45.0, "front-feet": 90.0, "front-head": 90.0}


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[int, ...], dict[str, frozenset[int]]]:
    """(the sweep's angles, cue id -> angles where it was judged reliably)."""
    if not TABLE.exists():
        return (), {}
    doc = json.loads(TABLE.read_text())
    return tuple(doc["angles_deg"]), {c: frozenset(a) for c, a in doc["reliable_at_deg"].items()}


def reliable_at(cue_id: str, yaw_deg: float) -> bool | None:
    """Whether the sweep judged ``cue_id`` reliably at both of its angles either side of
    ``yaw_deg`` (a view's yaw, `formcheck.view.View.yaw_deg`); None when it did not sweep the
    cue or the yaw is unknown. Side views (under `SIDE_FROM_DEG`) are not gated: see below."""
    angles, reliable = _table()
    if cue_id not in reliable or not angles or not math.isfinite(yaw_deg):
        return None
    if yaw_deg < SIDE_FROM_DEG:
        return None
    below = max((a for a in angles if a <= yaw_deg), default=angles[0])
    above = min((a for a in angles if a >= yaw_deg), default=angles[-1])
    return below in reliable[cue_id] and above in reliable[cue_id]


def reliable_from(cue_id: str, view: str) -> bool | None:
    """`reliable_at` for a view known by name only (the docs' and `formcheck drills`' lists)."""
    yaw = NOMINAL_YAW_DEG.get(view)
    return None if yaw is None else reliable_at(cue_id, yaw)
