"""The one line every rendering shows for a cue's verdict, made from what the check measured.

A check returns numbers (`formcheck.types.CueResult`: value, threshold, comparison, unit, and
``what`` it measured with the ``details`` the words need); `message` turns them into the
athlete's line ("top pause 0.8 s (needs ≥ 1.0 s)"), and `formcheck.report.assemble` writes it
into every result of a report, so the console, the HTML page, the JSON, the video overlay and
the live coach all read the same words. A ``what`` with no words here keeps the result's own
message (a report read back from JSON, or a result made by hand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from formcheck.report.model import CueResult
from formcheck.report.units import format_limit, format_value, measured, needs
from formcheck.report.words import hold_mark_words, mark_words, signal_words, views_words

Words = Callable[[CueResult], str]


def _num(r: CueResult, name: str) -> float:
    value = r.details.get(name)
    return float(value) if isinstance(value, (int, float)) else float("nan")


def _text(r: CueResult, name: str) -> str:
    value = r.details.get(name)
    return value if isinstance(value, str) else ""


def _measured(r: CueResult) -> str:
    """"0.8 s (needs ≥ 1.0 s)": the value against the threshold, as compared."""
    return measured(_value(r), r.comparison, _limit(r), r.unit)


def _value(r: CueResult) -> float:
    return float("nan") if r.value is None else r.value


def _limit(r: CueResult) -> float:
    return float("nan") if r.threshold is None else r.threshold


def _against(r: CueResult) -> str:
    """The value alone, at the precision that never shows a miss as the threshold."""
    return format_value(_value(r), r.unit, against=_limit(r))


def _slow_lowering(r: CueResult) -> str:
    return (
        f"lowering {_against(r)} {needs('>=', _limit(r), 's')}, "
        f"lifting {format_value(_num(r, 'lift_s'), 's')} (the lowering needs "
        f"{format_limit('>=', _num(r, 'min_lower_s'), 's')} and ≥ the lifting)"
    )


def _no_drop_no_rest(r: CueResult) -> str:
    text = f"hips met the ground at {_measured(r)}"
    rest, rmax = r.details.get("rest_s"), _num(r, "max_rest_s")
    if isinstance(rest, (int, float)):
        text += f", {format_value(rest, 's', against=rmax)} on the ground {needs('<=', rmax, 's')}"
    return text


def _fraction(what: str) -> Words:
    return lambda r: f"{what} {_against(r)} of the time {needs('>=', _limit(r), 'fraction')}"


def _head_neutral(r: CueResult) -> str:
    within = format_value(_num(r, "max_head_neck_deg"), "deg")
    return _fraction(f"head within {within} of the trunk line")(r)


def _setup(r: CueResult) -> str:
    text = f"shoulders {_against(r)} above the feet {needs('>=', _limit(r), 'trunk')}"
    heel, heel_lim = r.details.get("heel_cm"), _num(r, "max_heel_cm")
    if isinstance(heel, (int, float)):
        heel_txt = format_value(heel, "cm", against=heel_lim)
        text += f"; heels {heel_txt} above the toes (mean; needs {format_limit('<=', heel_lim, 'cm')})"
    return text


def _hold_top(r: CueResult) -> str:
    text = f"hip extension {_measured(r)}"
    knee = r.details.get("knee_deg")
    if isinstance(knee, (int, float)):
        lo, hi = format_value(_num(r, "min_knee_deg"), "deg"), format_value(_num(r, "max_knee_deg"), "deg")
        text += f", knee angle {format_value(knee, 'deg')} (needs {lo}–{hi})"
    return text


def _hold_duration(r: CueResult) -> str:
    marks = [_num(r, f"mark_{i}_s") for i in (1, 2, 3)]
    return f"{hold_mark_words(_value(r), marks)} (marks {' / '.join(mark_words(m) for m in marks)})"


def _time_in_position(r: CueResult) -> str:
    hold, longest = format_value(_num(r, "hold_s"), "s"), format_value(_num(r, "longest_s"), "s")
    share = r.details.get("fraction")
    of = f" ({format_value(share, 'fraction')})" if isinstance(share, (int, float)) else ""
    return f"in position {format_value(_value(r), 's')} of the {hold} hold{of}, longest stretch {longest}"


def _leg_lift(r: CueResult) -> str:
    return (
        f"{_text(r, 'lifted_side')} foot lifted {format_value(_num(r, 'height_cm'), 'cm')}"
        f" for {format_value(_value(r), 's')} (standing on the {_text(r, 'stance_side')} leg)"
    )


def _hips_stay_up(r: CueResult) -> str:
    parts = []
    drop, drop_lim = r.details.get("drop_deg"), _num(r, "max_drop_deg")
    if isinstance(drop, (int, float)):
        how = " (from hip height: the far leg is hidden)" if _text(r, "drop_from") == "height" else ""
        fell = format_value(drop, "deg", against=drop_lim)
        parts.append(f"hip extension fell {fell} on one leg{how} {needs('<=', drop_lim, 'deg')}")
    tilt, tilt_lim = r.details.get("tilt_deg"), _num(r, "max_tilt_deg")
    if isinstance(tilt, (int, float)):
        parts.append(f"pelvis tilted {measured(tilt, '<=', tilt_lim, 'deg')}")
    return "; ".join(parts)


def _heel_up(r: CueResult) -> str:
    side = _text(r, "stance_side")
    return f"{side} heel {_against(r)} above the toe line at its lowest {needs('>=', _limit(r), 'cm')}"


def _view_cannot_show(r: CueResult) -> str:
    missing = " or ".join(signal_words(s) for s in _text(r, "signals").split(",") if s)
    views = tuple(v for v in _text(r, "views").split(",") if v)
    where = views_words(views)
    return (
        f"not measurable: a {_text(r, 'view')} view cannot show the {missing}"
        + (f" (film from {where})" if where else "")
    )


def _camera_sweep(r: CueResult) -> str:
    return (
        f"not measurable: {_num(r, 'yaw_deg'):.0f}° off side-on, where the camera sweep"
        " (docs/camera_angles.md) did not judge it reliably; film from the side"
    )


def _out_of_view(r: CueResult) -> str:
    return (
        f"not measurable: the person was out of view "
        f"{_num(r, 'from_s'):.1f}–{_num(r, 'to_s'):.1f} s"
    )


#: a rep the clip cut: its lowering, bottom and touch-down (`formcheck.cues.base.CUT_BY_CLIP_END`)
CUT_BY_CLIP_END_WORDS = "not measurable: cut by the clip end before the lowering finished"

#: what a check measured, or why it could not → its words
WORDS: dict[str, Words] = {
    # measured
    "peak_hip_extension": lambda r: f"peak hip extension {_measured(r)}",
    "top_pause": lambda r: f"top pause {_measured(r)}",
    "slow_lowering": _slow_lowering,
    "bottom_return": lambda r: (
        f"hips came down to {_against(r)} of the rep's height {needs('<=', _limit(r), 'fraction')}"
    ),
    "no_drop_no_rest": _no_drop_no_rest,
    "pelvic_tilt": lambda r: f"pelvis tilted up to {_measured(r)}",
    "arms_crossed": _fraction("arms crossed"),
    "hands_on_glutes": lambda r: (
        f"hands on the glutes {_against(r)} of the set"
        f" (advised {format_limit('>=', _limit(r), 'fraction')})"
    ),
    "support_drift": lambda r: f"support foot moved {_measured(r)}",
    "knee_gap_top": lambda r: f"knees {_against(r)} apart at the top {needs('>=', _limit(r), 'ratio')}",
    "knee_gap_steady": lambda r: f"knee gap varied by {_measured(r)}",
    "setup": _setup,
    "head_neutral": _head_neutral,
    "hold_top": _hold_top,
    "hold_duration": _hold_duration,
    "time_in_position": _time_in_position,
    "leg_lift": _leg_lift,
    "hips_stay_up": _hips_stay_up,
    "heel_up": _heel_up,
    "toe_variant_not_chosen": lambda r: "toe variant not chosen (analyze --variant toe to check it)",
    # not measurable
    "view_cannot_show": _view_cannot_show,
    "camera_sweep": _camera_sweep,
    "parts_not_seen": lambda r: "not measurable: the body parts it needs were not seen clearly",
    "out_of_view": _out_of_view,
    "cut_by_clip_end": lambda r: CUT_BY_CLIP_END_WORDS,
    "hip_extension_not_seen_at_top": lambda r: "not measurable: hip extension not visible at the top",
    "no_top_phase": lambda r: "not measurable: no top phase found",
    "clip_ended_in_top": lambda r: "not measurable: the clip ended during the top pause",
    "no_bottom": lambda r: "not measurable: the rep has no bottom in the clip",
    "no_contact": lambda r: "not measurable: no contact with the ground found",
    "hips_not_seen_at_contact": lambda r: "not measurable: hips not visible at the contact",
    "no_segments": lambda r: "not measurable: no reps or holds in the clip",
    "wrists_not_seen": lambda r: "not measurable: the wrists were not visible enough",
    "knees_not_seen_at_top": lambda r: "not measurable: knees not visible at the top",
    "shoulders_not_seen": lambda r: "not measurable: shoulders or heels not visible",
    "no_two_leg_level": lambda r: "not measurable: no two-leg level or tilt to compare",
    "stance_heel_not_seen": lambda r: "not measurable: the stance heel was not visible",
}  # fmt: skip


def message(r: CueResult) -> str:
    """The athlete's line for ``r``: from its ``what`` and numbers, else its own message."""
    words = WORDS.get(r.what)
    return words(r) if words is not None else r.message


#: decimals a report keeps of a verdict's numbers
DECIMALS = 3


def _rounded(v: float | str | None) -> float | str | None:
    return round(v, DECIMALS) if isinstance(v, float) else v


def with_message(r: CueResult) -> CueResult:
    """``r`` as a report keeps it: its line written in (`message`) from the exact numbers the
    check measured, then those numbers rounded to `DECIMALS`."""
    return replace(
        r,
        message=message(r),
        value=None if r.value is None else round(r.value, DECIMALS),
        details={k: _rounded(v) for k, v in r.details.items()},
    )
