"""Which key points each camera view can judge, as the rendered camera sweep measured them.

`benchmarks/camera_sweep.py --write` renders the digital athlete from side-on to the feet
every 15°, at a floor-height and a raised camera, judges every cue at every angle with the
view's limits switched off, and keeps, per view class, the cues whose verdicts agreed with what
the body did at least 90 % of the time at every angle of that class (and both heights). It
writes them to ``camera_angles.json`` beside this module; `docs/camera_angles.md` has the
tables. A cue the sweep did not judge (it has no rendered truth) keeps the view's signal lists
(`formcheck.view.MEASURABLE`) alone.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("camera_angles.json")

#: the view classes of the sweep, and the views (`formcheck.view.VIEWS`) of each
CLASSES: dict[str, tuple[str, ...]] = {
    "side": ("side-left", "side-right"),
    "oblique": ("oblique",),
    "front": ("front-feet", "front-head"),
}


def view_class(view: str) -> str | None:
    """"side", "oblique" or "front" for a view name; None for "unknown"."""
    for name, views in CLASSES.items():
        if view in views:
            return name
    return None


@lru_cache(maxsize=1)
def _table() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(cues the sweep judged, view class -> cues it judged reliably)."""
    if not TABLE.exists():
        return frozenset(), {}
    doc = json.loads(TABLE.read_text())
    judged = {name: frozenset(cues) for name, cues in doc["reliable"].items()}
    return frozenset(doc["swept"]), judged


def reliable_from(cue_id: str, view: str) -> bool | None:
    """Whether the sweep found ``cue_id`` judged reliably from ``view``; None when the sweep
    did not test the cue (or the view is unknown)."""
    swept, reliable = _table()
    cls = view_class(view)
    if cue_id not in swept or cls is None:
        return None
    return cue_id in reliable.get(cls, frozenset())
