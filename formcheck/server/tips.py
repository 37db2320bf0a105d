"""Filming tips for the athlete's phone page: which camera view sees which key point.

Nothing here is written per cue. A drill's key points are its `Cue` definitions
(``formcheck/drills/``); whether a view sees one is what the engine itself decides when it
judges (`formcheck.cues.base.measurability`): the view must show every signal the cue
``needs`` (`formcheck.view.MEASURABLE`), and off the side the camera sweep must have found the
cue reliable at that angle (`formcheck.view.reliable_cues`, from ``camera_angles.json``). So
a tip changes when a drill, a view's signals or the sweep's table does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from formcheck.drills import DRILLS, Cue, Drill, get_drill
from formcheck.view import FRONT_MIN_YAW_DEG, MEASURABLE, SIDE_MAX_YAW_DEG, reliable_cues

#: the choice that lets formcheck recognise the drill (``--drill auto``)
AUTO = "auto"
AUTO_NAME = "auto — let formcheck recognise it"

#: the views a tip talks about: (view name, yaw range it is read in, degrees off side-on)
SIDE = "side-left"
OBLIQUE = "oblique"
FEET = "front-feet"
YAW_RANGES: dict[str, tuple[float, float]] = {
    SIDE: (0.0, SIDE_MAX_YAW_DEG),
    OBLIQUE: (SIDE_MAX_YAW_DEG, FRONT_MIN_YAW_DEG),
    FEET: (FRONT_MIN_YAW_DEG, 90.0),
}

GENERAL_TIPS: tuple[str, ...] = (
    "Whole body in frame, head to feet, for the whole clip: landscape (phone on its side) fits "
    "a body lying down best; portrait is fine if all of you fits.",
    "Phone steady at hip height (on a chair, a box or a stack of books), 2–4 m away — not held "
    "in the hand.",
    "Good, even light; no bright window behind you. Start recording before you get into "
    "position and stop after the last rep.",
    "Say which side is filmed: the left side when your left side faces the phone.",
)


def key_cues(drill: Drill) -> list[Cue]:
    """The key points the camera is asked about: every cue but the coach's, and for a drill
    done as reps not the cues of a floor bridge held (``applies_to="single_leg"``: the one-leg
    phases of a hold, which a rep drill only meets when the athlete holds the top)."""
    cues = [c for c in drill.cues if not c.coach_check]
    if drill.segments == "reps":
        cues = [c for c in cues if c.applies_to != "single_leg"]
    return cues


def sees(cue: Cue, view: str) -> bool:
    """Whether formcheck judges ``cue`` from ``view`` somewhere in the yaw that view is read in:
    the view shows the signals the cue needs, and (off the side) the camera sweep found the
    cue reliable at one of those angles, as `formcheck.cues.base.measurability` asks."""
    shown = [s in MEASURABLE[view] for s in cue.needs]
    if cue.needs and not (any(shown) if cue.needs_any else all(shown)):
        return False
    if view.startswith("side"):
        return True
    lo, hi = YAW_RANGES[view]
    for yaw in range(int(lo), int(hi) + 1):
        reliable = reliable_cues(float(yaw))
        if reliable is None or cue.id in reliable:
            return True
    return False


def _names(cues: Iterable[Cue]) -> str:
    """Key points in the article's words, each quoted: “Arms crossed”, “Shoes off” (only key
    points are quoted so)."""
    return ", ".join(f"\u201c{c.key_point}\u201d" for c in cues)


def _drill_tips(drill: Drill) -> list[str]:
    cues = key_cues(drill)
    side = [c for c in cues if sees(c, SIDE)]
    nowhere = [c for c in cues if not any(sees(c, v) for v in YAW_RANGES)]
    # what another view would add, and what filming from the feet loses (seen nowhere is said once)
    elsewhere = [c for c in cues if c not in side and c not in nowhere]
    blind_feet = [c for c in cues if not sees(c, FEET) and c not in nowhere]
    oblique = [c for c in cues if sees(c, OBLIQUE)]
    coach = [c for c in drill.cues if c.coach_check]
    amount = f"all {len(cues)}" if len(side) == len(cues) else f"{len(side)} of the {len(cues)}"
    tips = [
        "Film from the side (side-on), phone at hip height, whole body in frame: side-on sees "
        f"{amount} key points formcheck measures in the {drill.name}."
    ]
    if elsewhere:
        tips.append(f"From the side the camera cannot see: {_names(elsewhere)}.")
    if blind_feet:
        what = "any key point" if not any(sees(c, FEET) for c in cues) else "these key points"
        tips.append(
            f"From the feet the camera cannot see {what} of this drill: {_names(blind_feet)}."
        )
    if not oblique:
        tips.append("At an angle (between side-on and the feet) formcheck judges none of them.")
    elif len(oblique) < len(side):
        tips.append(
            f"At an angle (between side-on and the feet) formcheck judges only {_names(oblique)}."
        )
    if nowhere:
        them = "it" if len(nowhere) == 1 else "them"
        tips.append(
            f"No camera view judges {_names(nowhere)}, not even side-on: ask your coach to watch {them}."
        )
    if coach:
        tips.append(f"A camera cannot judge {_names(coach)}: your coach checks these.")
    return tips


def _auto_tips() -> list[str]:
    counts = []
    for drill in DRILLS.values():
        cues = key_cues(drill)
        counts.append(f"{sum(sees(c, SIDE) for c in cues)} of {len(cues)} in the {drill.name}")
    return [
        "Film from the side (side-on), phone at hip height, whole body in frame: side-on sees "
        f"the most key points of every drill ({'; '.join(counts)}).",
        "Choose your drill above to see what each camera position can and cannot see.",
    ]


def filming_tips(drill_id: str) -> list[str]:
    """The tips for filming ``drill_id`` (or ``"auto"``): where to put the camera and what each
    view sees, then the general tips. ``KeyError`` naming the valid ids for an unknown one."""
    specific = _auto_tips() if drill_id == AUTO else _drill_tips(get_drill(drill_id))
    return [*specific, *GENERAL_TIPS]


def drill_choices(drill_ids: Sequence[str] | None = None) -> list[dict[str, object]]:
    """The phone page's drill choices, auto first: ``{"id", "name", "tips"}`` each."""
    ids = list(drill_ids) if drill_ids is not None else list(DRILLS)
    choices: list[dict[str, object]] = [{"id": AUTO, "name": AUTO_NAME, "tips": filming_tips(AUTO)}]
    choices += [
        {"id": i, "name": get_drill(i).name, "tips": filming_tips(i)} for i in ids if i != AUTO
    ]
    return choices
