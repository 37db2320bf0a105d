"""Plain words for each cue of CUES.md: the article's key point and what a fault means.

The renderings (HTML report, annotated video, CSV, live overlay) name a cue in the coach's words
rather than by its id. The key point comes from the drill definitions (``formcheck/drills/``,
the one place it is written); the fault line below is what the annotated video shows on screen
while the fault is happening.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from formcheck.report.model import CueResult, Reason, Report, Segment, Status, ViewInfo
from formcheck.report.units import format_limit, format_value

if TYPE_CHECKING:
    from formcheck.drills.base import Cue


@dataclass(frozen=True, kw_only=True)
class CueWords:
    cue_id: str
    #: the article's key point ("Drive hips up to bridge position")
    key_point: str
    #: a short on-screen line for a fault ("Hips not fully up")
    fault: str
    #: the signal a plot of this cue's fault spans belongs on, if any
    signal: str | None = None




@cache
def _cues() -> dict[str, Cue]:
    """Every drill's cues by id: the words of each are written in its drill (``formcheck/drills/``)."""
    from formcheck.drills import all_cues

    return {cue.id: cue for cue in all_cues()}


def cue_words(cue_id: str) -> CueWords:
    """The words for ``cue_id``, from its drill; an unknown id gets readable words made from
    the id itself."""
    label = cue_id.split(".")[-1].replace("_", " ").capitalize()
    cue = _cues().get(cue_id)
    if cue is None:
        return CueWords(cue_id=cue_id, key_point=label, fault=label)
    return CueWords(
        cue_id=cue_id, key_point=cue.key_point, fault=cue.fault_words or label,
        signal=cue.plot_signal,
    )  # fmt: skip


# -- verdict marks: one legend for the console, the HTML report and the CSV ----------------------

#: (mark, words) for each verdict a cue can have on a segment
STATUS_WORDS: dict[Status, tuple[str, str]] = {
    Status.PASS: ("✓", "met"),
    Status.FAULT: ("✗", "missed"),
    Status.ADVICE: ("!", "advice not followed"),
    Status.INFO: ("i", "measured, not judged"),
}
#: (mark, words) for each reason a cue has no verdict (the CSV's ``<cue>.reason`` is the value)
REASON_WORDS: dict[Reason, tuple[str, str]] = {
    Reason.VIEW: ("–", "not measurable from this view"),
    Reason.NOT_SEEN: ("?", "not seen (out of view or hidden)"),
    Reason.CUT: ("…", "rep cut by the clip"),
    Reason.NOTHING: ("○", "nothing to judge"),
}
#: a cue that does not apply to a segment (a single-leg cue on a hold) has an empty cell
NOT_APPLICABLE = ("", "does not apply")


def screen_line(r: CueResult) -> str:
    """The line a screen shows for a fault (the annotated video, `formcheck live`, the live
    page): the coach's words, then what was measured against what, short and in ASCII (OpenCV's
    fonts have no degree or ≥ signs); the report's longer line is `verdict_words.message`."""
    words = cue_words(r.cue_id).fault
    if r.value is None or r.threshold is None or r.comparison not in (">=", "<=", "within"):
        return words
    value = format_value(r.value, r.unit, against=r.threshold, ascii=True)
    need = format_limit(r.comparison, r.threshold, r.unit, ascii=True)
    return f"{words}: {value} (needs {need})"


def verdict_words(result: CueResult | None) -> tuple[str, str]:
    """(mark, words) for a result: its status, or for no verdict its reason (a result without
    one, from a 1.0 report, reads as the view's: what "–" meant there)."""
    if result is None:
        return NOT_APPLICABLE
    if result.status is Status.NOT_MEASURABLE:
        return REASON_WORDS[result.reason or Reason.VIEW]
    return STATUS_WORDS[result.status]


def verdict_class(result: CueResult) -> str:
    """The CSS class / CSV word of a result: its status, or ``not_measurable <reason>``."""
    if result.status is Status.NOT_MEASURABLE:
        return f"not_measurable {(result.reason or Reason.VIEW).value}"
    return result.status.value


def legend(*, blank: bool = True) -> list[tuple[str, str]]:
    """Every mark with its words, in the order the legends list them."""
    rows = [*STATUS_WORDS.values(), *REASON_WORDS.values()]
    return rows + ([("blank", NOT_APPLICABLE[1])] if blank else [])


def legend_line(*, blank: bool = True) -> str:
    """The legend in one line: "✓ met · ✗ missed · … · blank does not apply"."""
    return " · ".join(f"{mark} {words}" for mark, words in legend(blank=blank))


# -- segments ------------------------------------------------------------------------------------

SEGMENT_NAMES = {
    "rep": "rep",
    "hold": "hold",
    "single_leg": "leg lift",
    "partial": "partial rep",
}
#: the short labels of plots and table columns: R1, H1, L2 (a leg lift), P1
SEGMENT_LETTERS = {"rep": "R", "hold": "H", "single_leg": "L", "partial": "P"}
#: what each kind of segment that gets no verdicts is, and why
UNJUDGED_KINDS = {
    "partial": "the clip starts during this rep (at its top), so it is not counted or judged",
}


def side_words(seg: Segment) -> str:
    """The side as a coach names it: the working leg of a rep ("left"); for a single-leg phase
    of a hold, the leg lifted ("right lifted"), which is the one the article's cue names."""
    if seg.side not in ("left", "right"):
        return ""
    if seg.lifted_side is not None:
        return f"{seg.lifted_side} lifted"
    return seg.side


def segment_label(seg: Segment, *, capital: bool = True, side: bool = True) -> str:
    """"Rep 2 (left)", "Hold 1", "Leg lift 1 (right lifted)": a segment as the reports name it."""
    name = SEGMENT_NAMES.get(seg.kind, seg.kind.replace("_", " "))
    label = f"{name} {seg.number}"
    where = side_words(seg) if side else ""
    label += f" ({where})" if where else ""
    return label[:1].upper() + label[1:] if capital else label


def measure_label(measure: str) -> str:
    """A segment's measure by name: ``peak_hip_extension_deg`` → "Peak hip extension"."""
    stem = measure
    for suffix in ("_deg", "_s", "_cm"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem.replace("_", " ").capitalize()


def short_label(seg: Segment) -> str:
    """"R2", "H1", "L1", "P1": a segment where there is room for little."""
    return f"{SEGMENT_LETTERS.get(seg.kind, seg.kind[:1].upper())}{seg.number}"


def result_where(report: Report, result: CueResult) -> str:
    """Where a result belongs, in words: "rep 2", "leg lift 1", "whole set"."""
    seg = report.segment(result.segment_index) if result.segment_index is not None else None
    return "whole set" if seg is None else segment_label(seg, capital=False, side=False)


# -- signals and views, for "cannot show" lines ---------------------------------------------------

SIGNAL_WORDS = {
    "hip_extension_deg": "hip extension",
    "bridge_height": "hip height",
    "pelvic_tilt_deg": "pelvic tilt",
    "head_neck_deg": "head–neck line",
    "knee_gap": "knee gap",
    "foot_lift_left_cm": "foot lift",
    "foot_lift_right_cm": "foot lift",
    "support_drift": "support foot's travel",
    "arms_crossed": "arms",
    "hands_on_glutes": "hands",
    "shoulder_height": "shoulders' height",
}
VIEW_WORDS = {
    "side-left": "the side",
    "side-right": "the side",
    "front-feet": "the feet",
    "front-head": "the head end",
    "oblique": "about 45°",
}


def view_angle_words(view: ViewInfo) -> str:
    """", about 47° off side-on" after a view's name, when its angle is known."""
    return f", about {view.yaw_deg:.0f}° off side-on" if view.yaw_deg is not None else ""


def camera_limit_words(view: ViewInfo) -> str | None:
    """Why a view off the side leaves key points out (None for a side or unknown view, or
    when it leaves none out): the camera sweep's limits (`formcheck.view.reliable_cues`)."""
    if view.name in ("side-left", "side-right", "unknown") or not view.cannot_measure:
        return None
    return (
        "off the side, formcheck judges only the key points the rendered camera sweep found"
        " right at this angle (docs/camera_angles.md); film from the side for every key point"
    )


def held_drill_done_as_reps(report: Report) -> bool:
    """A table top (a held drill: its holds have the article's marks) done as reps only."""
    h = report.holds
    return bool(h and h.mark_reached and not h.segments and report.reps)


def nothing_judged_words(report: Report) -> str | None:
    """Why no key point has a verdict, when none has (None when some were judged): a table top
    done as reps has no hold for its key points to judge; otherwise the camera saw none of what
    they need. A headline must not call such a clip good form."""
    if not report.results or any(r.status in (Status.PASS, Status.FAULT) for r in report.results):
        return None
    if held_drill_done_as_reps(report):
        return "No hold to judge: the reps are counted; the drill's key points judge its holds"
    return "No key point could be measured in this clip"


def judged_share_words(report: Report) -> str | None:
    """"2 of 8 key points judged" when some of the clip's key points got no verdict on any
    rep or hold (not measurable, not seen): a "no faults" headline must not read as a clean
    bill where the camera saw a quarter of what the coach asks. None when every one was."""
    cue_ids = {r.cue_id for r in report.results if r.status is not Status.INFO}
    judged = {r.cue_id for r in report.results if r.status in (Status.PASS, Status.FAULT, Status.ADVICE)}
    if not judged or judged >= cue_ids:
        return None
    return f"{len(judged)} of {len(cue_ids)} key points judged"


def mark_words(mark_s: float) -> str:
    """A hold mark as the article says it: "10 s", "2 min"; other marks as set ("12.5 s")."""
    if mark_s >= 60 and mark_s % 60 == 0:
        return f"{int(mark_s // 60)} min"
    if mark_s == int(mark_s):
        return f"{int(mark_s)} s"
    return format_limit("", mark_s, "s")


def hold_mark_words(longest_s: float, marks_s: list[float] | tuple[float, ...]) -> str:
    """The longest hold against the article's marks, honestly: "longest hold 4.2 s, below the
    10 s mark", "longest hold 25.0 s, past the 20 s mark, below the 2 min mark", "no hold, so
    below the 10 s mark"."""
    marks = sorted(float(m) for m in marks_s)
    if longest_s <= 0:
        return f"no hold, so below the {mark_words(marks[0])} mark" if marks else "no hold"
    text = f"longest hold {format_value(longest_s, 's')}"
    past = [m for m in marks if longest_s >= m]
    below = [m for m in marks if longest_s < m]
    if past:
        text += f", past the {mark_words(past[-1])} mark"
    if below:
        text += f", below the {mark_words(below[0])} mark"
    return text


def signal_words(signal: str) -> str:
    """A signal in plain words (``knee_gap`` → "knee gap")."""
    return SIGNAL_WORDS.get(signal, signal.replace("_", " "))


def views_words(views: tuple[str, ...]) -> str:
    """Camera views in plain words, each once: "the feet, the head end or about 45°"."""
    words = list(dict.fromkeys(VIEW_WORDS.get(v, v) for v in views))
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


# -- live coaching: a rep, hold or single-leg phase the moment it ends --------------------------

#: what each kind of finished segment is called on a live screen and in the terminal
LIVE_KIND_WORDS = {"rep": "rep", "hold": "hold", "single_leg": "single-leg phase"}
#: a finished rep (or phase) whose judged key points were all met
ALL_MET = "every key point met"
#: a finished rep on which the camera could judge nothing
NONE_MEASURABLE = "no key point measurable"


def live_line(
    kind: str, number: int, side: str | None, duration_s: float, results: tuple[CueResult, ...]
) -> str:
    """One line for a rep, hold or single-leg phase that has just ended (`formcheck live`'s
    terminal, the live page's log): its faults as `screen_line` says them, or that every key
    point was met."""
    what = LIVE_KIND_WORDS.get(kind, kind)
    head = f"{what} {number}{f' ({side} leg)' if side else ''}, {duration_s:.1f} s"
    if not results:  # a floor drill's hold: no key point judges it, its time is the news
        return head
    faults = [screen_line(r) for r in results if r.status is Status.FAULT]
    if faults:
        return f"{head}: " + "; ".join(faults)
    judged = any(r.status is Status.PASS for r in results)
    return f"{head}: " + (ALL_MET if judged else NONE_MEASURABLE)


def live_speech(kind: str, number: int, duration_s: float, results: tuple[CueResult, ...]) -> str:
    """What the live page says aloud when a rep (hold, phase) ends: a fault's short words (the
    first fault: one cue at a time), "Good rep" when every judged key point was met, a hold's
    time; "" when there is nothing worth saying (nothing judged)."""
    faults = [r for r in results if r.status is Status.FAULT]
    if faults:
        return cue_words(faults[0].cue_id).fault
    if kind == "hold" and not results:
        return f"Hold {number}: {duration_s:.0f} seconds"
    if any(r.status is Status.PASS for r in results):
        return {"rep": "Good rep", "hold": "Good hold"}.get(kind, "Good")
    return ""
