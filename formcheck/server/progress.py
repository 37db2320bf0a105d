"""An athlete's progress across sessions, from their analysed clips: pure functions, no web.

- `athlete_progress`: the clips grouped into sessions (calendar days of the upload, UTC), with
  per session the drills, reps, longest table-top hold and its mark, the table-top progression
  reached, the fault rate of every key point and the single-leg bridge's left/right figures,
  and the article's next step (`Suggestion`).
- `progress_plots`: standalone SVG charts of it; `history_rows` / `HISTORY_COLUMNS`: the CSV.

The table-top line is the article's: "Hold statically with both legs for 10-20 seconds. Work up
to 2 minutes", then "Lift one leg an inch off the ground", then "come up on the toe". From a
`Report` (read in `_holds`): a hold segment is a hold with both legs; a one-leg phase is a
``single_leg`` segment inside a hold, reached when its ``tth.hips_stay_up`` is no fault; heel
up is such a phase whose ``tth.heel_up`` passed, which the check only judges in the toe
variant (``drill.variant == "toe"``). Hips up on a hold is no ``tth.hold_top`` fault on it.
Everything here is JSON-friendly: ``dataclasses.asdict(progress)`` is the API's answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from formcheck.drills import DRILLS
from formcheck.report.csvout import clip_row
from formcheck.report.model import Report, Segment, Status

TABLE_TOP, SINGLE_LEG = "table-top", "single-leg-bridge"
#: the table top's progressions, easiest first, and the article's words for each
PROGRESSIONS = ("two_leg", "one_leg", "heel_up")
PROGRESSION_WORDS = {
    "two_leg": "Hold statically with both legs",
    "one_leg": "Lift one leg an inch off the ground",
    "heel_up": "come up on the toe and make sure the heel is off the ground",
}
#: the article's marks for the longest hold (tth.duration's defaults; a report's own
#: ``holds.marks_s`` wins where it has them)
MARKS = (("10s", "10 s"), ("20s", "20 s"), ("2min", "2 min"))
DEFAULT_MARKS_S = tuple(
    next(c for c in DRILLS[TABLE_TOP].cues if c.id == "tth.duration").params[f"mark_{i}_s"]
    for i in (1, 2, 3)
)
_JUDGED = (Status.PASS, Status.FAULT)
_EPS_S = 0.05  # a one-leg phase lies inside its hold up to rounding of the times


@dataclass(frozen=True, kw_only=True)
class HistoryEntry:
    """One analysed clip of the athlete, as the service stores it."""

    clip_id: str
    recorded_at: datetime  # the upload, UTC, timezone-aware (a naive time is read as UTC)
    report: Report
    clip_name: str = ""  # the file name the athlete gave


@dataclass(frozen=True, kw_only=True)
class ClipRef:
    """A clip of a session; ``judged`` False (drill "none", or no drill): nothing counted."""

    clip_id: str
    clip_name: str
    recorded_at: str  # ISO 8601, UTC
    drill: str  # "" when the analysis gave no drill (nobody found)
    variant: str
    judged: bool
    reps: int
    longest_hold_s: float | None  # table top only
    progression: str | None  # table top only: one of `PROGRESSIONS`


@dataclass(frozen=True, kw_only=True)
class CueRate:
    """One key point in one session: ``faults`` among the ``judged`` (pass + fault; not
    measurable, info and advice never count) reps, holds and one-leg phases."""

    cue_id: str
    key_point: str  # the article's words, from the drill definitions
    drill: str
    judged: int
    faults: int
    rate: float | None  # faults / judged


@dataclass(frozen=True, kw_only=True)
class SideStats:
    """The single-leg bridge on one working side over a session: the reports' per-side means
    weighted by their reps, and the verdicts on that side's reps."""

    side: str
    reps: int
    peak_hip_extension_deg_mean: float | None = None
    lift_s_mean: float | None = None
    lower_s_mean: float | None = None
    judged: int = 0
    faults: int = 0
    fault_rate: float | None = None


@dataclass(frozen=True, kw_only=True)
class SideDifference:
    """Left minus right (None where a side lacks the figure)."""

    reps: int
    peak_hip_extension_deg: float | None = None
    lift_s: float | None = None
    lower_s: float | None = None
    fault_rate: float | None = None


@dataclass(frozen=True, kw_only=True)
class Sides:
    """A session's single-leg glute bridge, side by side."""

    left: SideStats
    right: SideStats
    difference: SideDifference


@dataclass(frozen=True, kw_only=True)
class Session:
    """The clips of one calendar day (UTC); the hold figures are the table top's."""

    date: str  # YYYY-MM-DD
    clips: list[ClipRef]
    drills: list[str]  # judged drills, in the order first done
    reps: int
    longest_hold_s: float | None = None
    longest_hold_clip_id: str | None = None
    hold_mark: str | None = None  # that hold's mark: "none", "10s", "20s", "2min"
    hold_hips_up: bool | None = None  # no tth.hold_top fault on that hold
    progression: str | None = None  # the hardest of `PROGRESSIONS` done that day
    progression_words: str | None = None
    key_points: list[CueRate] = field(default_factory=list)
    sides: Sides | None = None


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """The article's next table-top step, from the latest session with a table-top clip."""

    kind: str  # "mark": hold longer; "progression": the next, harder progression
    target: str  # "10s" / "20s" / "2min", or "one_leg" / "heel_up"
    text: str
    date: str
    clip_id: str
    hold_s: float  # the best hold it is based on (0 when no hold was found)
    hips_up: bool
    progression: str  # the progression done then


@dataclass(frozen=True, kw_only=True)
class Progress:
    """An athlete's sessions in date order, and the next step (None: nothing to suggest)."""

    sessions: list[Session]
    clips: int
    judged_clips: int
    suggestion: Suggestion | None = None


@dataclass(frozen=True)
class _Hold:
    clip_id: str
    seconds: float
    hips_up: bool
    level: int  # index in PROGRESSIONS


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


def _r(v: float | None) -> float | None:
    return None if v is None else round(float(v), 3)


def _judged(report: Report) -> bool:
    return report.drill is not None and report.drill.is_bridge


def _of(report: Report, drill: str) -> bool:
    """The clip was judged as ``drill``."""
    return report.drill is not None and report.drill.id == drill


def _status(report: Report, index: int, cue_id: str) -> Status | None:
    return next((r.status for r in report.results_of(index) if r.cue_id == cue_id), None)


def _holds(entry: HistoryEntry) -> list[_Hold]:
    """The table-top holds of a clip, each with its progression reached (module docstring)."""
    report = entry.report
    if not _of(report, TABLE_TOP):
        return []
    legs = [s for s in report.segments if s.kind == "single_leg"]
    out = []
    for hold in (s for s in report.segments if s.kind == "hold"):
        inside = [
            p for p in legs
            if p.start_s >= hold.start_s - _EPS_S and p.end_s <= hold.end_s + _EPS_S
        ]  # fmt: skip
        up_on_one = [p for p in inside if _status(report, p.index, "tth.hips_stay_up") is not Status.FAULT]
        heel = any(_status(report, p.index, "tth.heel_up") is Status.PASS for p in up_on_one)
        level = 2 if heel else 1 if up_on_one else 0
        hips_up = _status(report, hold.index, "tth.hold_top") is not Status.FAULT
        out.append(_Hold(entry.clip_id, _seconds(hold), hips_up, level))
    return out


def _seconds(seg: Segment) -> float:
    d = seg.measures.get("duration_s")
    return float(d) if d is not None else seg.end_s - seg.start_s


def _clip_ref(entry: HistoryEntry) -> ClipRef:
    report, holds = entry.report, _holds(entry)
    judged = _judged(report)
    return ClipRef(
        clip_id=entry.clip_id,
        clip_name=entry.clip_name or report.clip.name,
        recorded_at=_utc(entry.recorded_at).isoformat(),
        drill=report.drill.id if report.drill else "",
        variant=report.drill.variant if report.drill else "",
        judged=judged,
        reps=len(report.reps) if judged else 0,
        longest_hold_s=_r(report.holds.longest_s) if _of(report, TABLE_TOP) and report.holds else None,
        progression=PROGRESSIONS[max(h.level for h in holds)] if holds else None,
    )


def _cue_rates(entries: Sequence[HistoryEntry]) -> list[CueRate]:
    """Every key point judged in ``entries``, in the drill definitions' order."""
    cues = {c.id: (c.key_point, d.id) for d in DRILLS.values() for c in d.cues}
    order = {cid: i for i, cid in enumerate(cues)}
    counts: dict[str, list[int]] = {}
    for r in (r for e in entries if _judged(e.report) for r in e.report.results):
        if r.status in _JUDGED:
            c = counts.setdefault(r.cue_id, [0, 0])
            c[0], c[1] = c[0] + 1, c[1] + (r.status is Status.FAULT)
    return [
        CueRate(cue_id=cid, key_point=cues.get(cid, (cid, ""))[0],
                drill=cues.get(cid, ("", cid.split(".")[0]))[1],
                judged=n, faults=f, rate=_r(f / n))
        for cid, (n, f) in sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    ]  # fmt: skip


def _mean(pairs: Iterable[tuple[float | None, int]]) -> float | None:
    kept = [(v, n) for v, n in pairs if v is not None and n > 0]
    total = sum(n for _, n in kept)
    return _r(sum(v * n for v, n in kept) / total) if total else None


#: the per-side means a report's `SideSummary` carries (``<name>_mean``)
_SIDE_MEANS = ("peak_hip_extension_deg", "lift_s", "lower_s")


def _side_stats(reports: Sequence[Report], side: str) -> SideStats:
    summaries = [s for r in reports for s in r.sides if s.side == side]
    verdicts = [
        res.status for r in reports for seg in r.reps if seg.side == side
        for res in r.results_of(seg.index) if res.status in _JUDGED
    ]  # fmt: skip
    faults = sum(v is Status.FAULT for v in verdicts)
    means = {f"{m}_mean": _mean((getattr(s, f"{m}_mean"), s.reps) for s in summaries) for m in _SIDE_MEANS}
    return SideStats(
        side=side, reps=sum(s.reps for s in summaries), judged=len(verdicts), faults=faults,
        fault_rate=_r(faults / len(verdicts)) if verdicts else None, **means,
    )  # fmt: skip


def _sides(entries: Sequence[HistoryEntry]) -> Sides | None:
    reports = [e.report for e in entries if _of(e.report, SINGLE_LEG)]
    if not any(r.sides for r in reports):
        return None
    left, right = _side_stats(reports, "left"), _side_stats(reports, "right")

    def minus(name: str) -> float | None:
        a, b = getattr(left, name), getattr(right, name)
        return None if a is None or b is None else _r(a - b)

    diff = SideDifference(
        reps=left.reps - right.reps, fault_rate=minus("fault_rate"),
        **{m: minus(f"{m}_mean") for m in _SIDE_MEANS},
    )  # fmt: skip
    return Sides(left=left, right=right, difference=diff)


def _session(day: str, entries: Sequence[HistoryEntry]) -> Session:
    refs = [_clip_ref(e) for e in entries]
    holds = [h for e in entries for h in _holds(e)]
    tops = [e for e in entries if _of(e.report, TABLE_TOP) and e.report.holds is not None]
    best = max(tops, key=lambda e: e.report.holds.longest_s if e.report.holds else 0.0, default=None)
    best_hold = max((h for h in holds if best and h.clip_id == best.clip_id), key=lambda h: h.seconds, default=None)
    level = PROGRESSIONS[max(h.level for h in holds)] if holds else None
    return Session(
        date=day,
        clips=refs,
        drills=list(dict.fromkeys(r.drill for r in refs if r.judged)),
        reps=sum(r.reps for r in refs),
        longest_hold_s=_r(best.report.holds.longest_s) if best and best.report.holds else None,
        longest_hold_clip_id=best.clip_id if best else None,
        hold_mark=best.report.holds.mark_reached if best and best.report.holds else None,
        hold_hips_up=best_hold.hips_up if best_hold else None,
        progression=level,
        progression_words=PROGRESSION_WORDS[level] if level else None,
        key_points=_cue_rates(entries),
        sides=_sides(entries),
    )


def _by_day(entries: Sequence[HistoryEntry]) -> dict[str, list[HistoryEntry]]:
    days: dict[str, list[HistoryEntry]] = {}
    for e in sorted(entries, key=lambda e: _utc(e.recorded_at)):
        days.setdefault(_utc(e.recorded_at).date().isoformat(), []).append(e)
    return days


def athlete_progress(entries: Sequence[HistoryEntry]) -> Progress:
    """The athlete's sessions in date order, and the article's next step for the table top."""
    days = _by_day(entries)
    return Progress(
        sessions=[_session(day, group) for day, group in days.items()],
        clips=len(entries),
        judged_clips=sum(_judged(e.report) for e in entries),
        suggestion=_suggestion(days),
    )


def _held(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s" if m else f"{s} s"


def _suggestion(days: dict[str, list[HistoryEntry]]) -> Suggestion | None:
    """From the latest day with a table-top clip judged: its best hold with the hips up (else
    its best hold) below 2 min gives the next mark, at 2 min the next progression."""
    tables = [(day, e) for day, group in days.items() for e in group if _of(e.report, TABLE_TOP)]
    if not tables:
        return None
    day = tables[-1][0]
    clips = [e for d, e in tables if d == day]
    holds = [h for e in clips for h in _holds(e)]
    up = [h for h in holds if h.hips_up]
    best = max(up or holds, key=lambda h: h.seconds, default=_Hold(clips[-1].clip_id, 0.0, True, 0))
    report = next(e.report for e in clips if e.clip_id == best.clip_id)
    marks = tuple(report.holds.marks_s) if report.holds and len(report.holds.marks_s) == 3 else DEFAULT_MARKS_S
    level = max((h.level for h in holds), default=0)
    kind, target, text = _next_step(best, level, marks, day)
    if not kind:
        return None  # the hardest progression, held 2 min: the article goes no further
    return Suggestion(
        kind=kind, target=target, text=text, date=day, clip_id=best.clip_id,
        hold_s=_r(best.seconds) or 0.0, hips_up=best.hips_up, progression=PROGRESSIONS[level],
    )  # fmt: skip


def _next_step(
    best: _Hold, level: int, marks: Sequence[float], day: str
) -> tuple[str, str, str]:
    """(kind, target, words) of the step after ``best``; kind "" when there is none."""
    if best.hips_up and best.seconds >= marks[2]:
        if level + 1 >= len(PROGRESSIONS):
            return "", "", ""
        nxt = PROGRESSIONS[level + 1]
        return "progression", nxt, (
            f"Next progression: “{_NEXT_WORDS[nxt]}” ({_held(best.seconds)} held with the hips "
            f"up on {day}: the 2 min mark is reached)"
        )  # fmt: skip
    i = next(i for i, m in enumerate(marks) if best.seconds < m or i == 2)
    key, words = MARKS[i]
    hips = "" if best.hips_up else " with the hips up (“Hold the bridge position”)"
    quote = "Work up to 2 minutes" if i == 2 else "Hold statically with both legs for 10-20 seconds"
    return "mark", key, (
        f"Work up to the {words} mark{hips}: the longest hold on {day} was "
        f"{_held(best.seconds)} (the article: “{quote}”)"
    )  # fmt: skip


#: the article's sentence for each harder progression, as a suggestion quotes it
_NEXT_WORDS = {
    "one_leg": "Lift one leg an inch off the ground making sure hips stay up and glutes are engaged.",
    "heel_up": (
        "To make it even harder. For the leg that’s on the ground come up on the toe and make "
        "sure the heel is off the ground."
    ),
}

# -- CSV ---------------------------------------------------------------------------------------

#: the history CSV's columns (`formcheck.report.csvout.rows_to_csv(rows, HISTORY_COLUMNS)`)
HISTORY_COLUMNS = [
    "date", "recorded_at", "athlete", "clip_id", "clip", "drill", "variant", "drill_source",
    "view", "judged", "reps", "holds", "longest_hold_s", "hold_mark", "progression", "faults",
    "fault_cues", "not_measurable", "left_reps", "right_reps", "left_peak_hip_extension_deg",
    "right_peak_hip_extension_deg", "left_lower_s", "right_lower_s", "person_fraction",
    "duration_s",
]  # fmt: skip


def history_rows(entries: Sequence[HistoryEntry], *, athlete: str = "") -> list[dict[str, Any]]:
    """One row per clip, oldest first: `clip_row`'s summary with the date, the variant, the
    progression reached and the single-leg bridge's per-side figures."""
    rows = []
    for e in sorted(entries, key=lambda e: _utc(e.recorded_at)):
        ref, report = _clip_ref(e), e.report
        sides = {s.side: s for s in report.sides}
        row = clip_row(report, athlete=athlete, clip=ref.clip_name)
        row.update(date=ref.recorded_at[:10], recorded_at=ref.recorded_at, clip_id=e.clip_id,
                   variant=ref.variant, judged=ref.judged, progression=ref.progression or "")  # fmt: skip
        for side in ("left", "right"):
            s = sides.get(side)
            row[f"{side}_reps"] = s.reps if s else ""
            row[f"{side}_peak_hip_extension_deg"] = _r(s.peak_hip_extension_deg_mean) if s else ""
            row[f"{side}_lower_s"] = _r(s.lower_s_mean) if s else ""
        rows.append({k: ("" if row.get(k) is None else row.get(k, "")) for k in HISTORY_COLUMNS})
    return rows
