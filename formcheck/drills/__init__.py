"""The three drills of the article, as data: `get_drill(id)` and the cue catalogue.

Thresholds live here (in each drill's cues) and nowhere else; `formcheck.settings` overrides
them by ``"cue.id.param=value"``.
"""

from __future__ import annotations

from formcheck.drills.banded_bridge import DRILL as BANDED_BRIDGE
from formcheck.drills.base import Cue, Drill
from formcheck.drills.single_leg_bridge import DRILL as SINGLE_LEG_BRIDGE
from formcheck.drills.table_top import DRILL as TABLE_TOP

DRILLS: dict[str, Drill] = {d.id: d for d in (SINGLE_LEG_BRIDGE, BANDED_BRIDGE, TABLE_TOP)}
DRILL_IDS: tuple[str, ...] = tuple(DRILLS)
#: what ``--drill`` accepts
DRILL_CHOICES: tuple[str, ...] = (*DRILL_IDS, "auto")


def get_drill(drill_id: str) -> Drill:
    """The drill with this id; ``KeyError`` naming the valid ids otherwise."""
    try:
        return DRILLS[drill_id]
    except KeyError:
        raise KeyError(f"unknown drill {drill_id!r}; valid: {', '.join(DRILL_IDS)}") from None


def all_cues() -> list[Cue]:
    return [c for d in DRILLS.values() for c in d.cues]


__all__ = ["Cue", "Drill", "DRILLS", "DRILL_IDS", "DRILL_CHOICES", "get_drill", "all_cues"]
