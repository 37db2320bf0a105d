"""The phone page's filming tips (`formcheck.server.tips`) say which camera view sees which key
point, derived from the drills' cues and what each view measures (`formcheck.view.MEASURABLE`),
never written per cue: a tip names real key points, recommends the side view, and names as
unseen from the feet a key point whose signals the feet view cannot show."""

from __future__ import annotations

import re

import pytest

from formcheck import view
from formcheck.drills import DRILL_IDS, DRILLS, Cue
from formcheck.server import tips
from formcheck.server.tips import drill_choices, filming_tips, key_cues

QUOTED = re.compile("\u201c(.+?)\u201d")


def _shows(cue: Cue, view_name: str) -> bool:
    """Whether the view shows every signal the cue needs (MEASURABLE alone)."""
    return all(s in view.MEASURABLE[view_name] for s in cue.needs)


def _tip(drill_id: str, start: str) -> str:
    found = [t for t in filming_tips(drill_id) if t.startswith(start)]
    assert found, f"no tip of {drill_id} starts with {start!r}: {filming_tips(drill_id)}"
    return found[0]


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_every_quoted_key_point_is_one_of_the_drills_own(drill_id: str) -> None:
    own = {c.key_point for c in DRILLS[drill_id].cues}
    quoted = [q for t in filming_tips(drill_id) for q in QUOTED.findall(t)]
    assert quoted
    assert set(quoted) <= own, set(quoted) - own


@pytest.mark.parametrize("drill_id", [*DRILL_IDS, "auto"])
def test_the_side_view_is_recommended_first(drill_id: str) -> None:
    first = filming_tips(drill_id)[0]
    assert first.startswith("Film from the side (side-on)")
    assert "hip height" in first and "whole body in frame" in first


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_the_side_tip_counts_the_key_points_side_on_shows(drill_id: str) -> None:
    cues = key_cues(DRILLS[drill_id])
    shown = sum(_shows(c, "side-left") for c in cues)
    first = filming_tips(drill_id)[0]
    want = f"all {len(cues)}" if shown == len(cues) else f"{shown} of the {len(cues)}"
    assert f"side-on sees {want} key points" in first


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_a_key_point_the_feet_cannot_show_is_named_as_unseen_from_the_feet(drill_id: str) -> None:
    # a key point side-on shows and the feet view cannot (its signals, by MEASURABLE)
    blind = [
        c
        for c in key_cues(DRILLS[drill_id])
        if _shows(c, "side-left") and not _shows(c, "front-feet")
    ]
    assert blind, "every drill has a key point only a side view shows (hip extension)"
    feet = _tip(drill_id, "From the feet the camera cannot see")
    for cue in blind:
        assert f"\u201c{cue.key_point}\u201d" in feet


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_a_key_point_side_on_cannot_show_is_never_counted_as_seen_side_on(drill_id: str) -> None:
    for cue in key_cues(DRILLS[drill_id]):
        if _shows(cue, "side-left"):
            continue
        named = [
            t
            for t in filming_tips(drill_id)
            if f"\u201c{cue.key_point}\u201d" in t
            and t.startswith(("From the side the camera cannot see", "No camera view judges"))
        ]
        assert named, f"{cue.id} is not said to be unseen side-on"


def test_coach_checks_are_named_as_the_coachs(drill_id: str = "single-leg-bridge") -> None:
    coach = [c for c in DRILLS[drill_id].cues if c.coach_check]
    tip = _tip(drill_id, "A camera cannot judge")
    assert all(f"\u201c{c.key_point}\u201d" in tip for c in coach)


def test_the_tips_follow_what_the_views_measure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Derived, not written: a feet view that showed hip extension, with no camera-sweep limit,
    would see the squeeze at the top, and the tip would stop naming it as unseen."""
    squeeze = next(c for c in DRILLS["single-leg-bridge"].cues if c.id == "slgb.squeeze_top")
    before = _tip("single-leg-bridge", "From the feet the camera cannot see")
    assert f"\u201c{squeeze.key_point}\u201d" in before
    monkeypatch.setitem(
        view.MEASURABLE, "front-feet", view.MEASURABLE["front-feet"] | {"hip_extension_deg"}
    )
    monkeypatch.setattr(tips, "reliable_cues", lambda yaw: None)
    after = _tip("single-leg-bridge", "From the feet the camera cannot see")
    assert f"\u201c{squeeze.key_point}\u201d" not in after


def test_off_the_side_the_camera_sweep_limits_what_is_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The camera sweep (`view.reliable_cues`) decides off the side: with no cue reliable at any
    angle, the angle tip says nothing is judged there."""
    monkeypatch.setattr(tips, "reliable_cues", lambda yaw: frozenset())
    assert "judges none of them" in _tip("table-top", "At an angle")


def test_drill_choices_put_auto_first_then_the_three_drills() -> None:
    choices = drill_choices()
    assert [c["id"] for c in choices] == ["auto", *DRILL_IDS]
    assert choices[0]["name"] == tips.AUTO_NAME
    for choice in choices[1:]:
        assert choice["name"] == DRILLS[str(choice["id"])].name
    for choice in choices:
        assert isinstance(choice["tips"], list) and choice["tips"]
        assert all(isinstance(t, str) and t for t in choice["tips"])


def test_general_tips_come_with_every_drill() -> None:
    for drill_id in [*DRILL_IDS, "auto"]:
        assert filming_tips(drill_id)[-len(tips.GENERAL_TIPS) :] == list(tips.GENERAL_TIPS)
    assert any("2–4 m" in t for t in tips.GENERAL_TIPS)


def test_an_unknown_drill_names_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="single-leg-bridge"):
        filming_tips("plank")
