"""Compare an engine `Report` with a generated clip's `GroundTruth`, and tally per cue.

Segments are matched by time overlap (same kind, largest overlap, at least 30 % of the true
segment). A cue judged over the whole set in the report (``segment_index`` None) stands for
every segment of that cue, and a truth judged over the set takes the report's set-level
result or, failing that, the worst of its per-segment results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from formcheck.report.model import CueResult, Report, Segment
from formcheck_synth.truth import GroundTruth, SegmentTruth

MIN_OVERLAP_FRACTION = 0.3
POSITIVE = ("fault", "advice")
JUDGED = ("pass", "fault", "advice")
#: a verdict is "near" its threshold within this fraction of it (the borderline table's split)
NEAR_MARGIN = 0.1
#: info cues: value tolerance (seconds) for a correct report
INFO_TOLERANCE_S = {"tth.duration": 0.5, "tth.leg_lift": 0.5}


@dataclass(frozen=True, kw_only=True)
class Comparison:
    cue_id: str
    truth: str  # expected verdict
    engine: str  # "pass", "fault", "advice", "info", "not_measurable" or "missing"
    truth_value: float | None = None
    engine_value: float | None = None
    segment: int | None = None
    #: the truth's signed distance from the threshold, as a fraction of it (> 0: passing side)
    margin: float | None = None


@dataclass(kw_only=True)
class CueTally:
    measurable: int = 0
    faults: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    #: truth pass, engine pass (or not judged): ``measurable = tp + fp + fn + tn``
    tn: int = 0
    agree: int = 0
    #: verdicts whose true value lies within `NEAR_MARGIN` of the threshold, and of those agreed
    near: int = 0
    near_agree: int = 0
    #: the view could measure it, but the engine said not measurable (or said nothing)
    unjudged: int = 0
    unmeasurable: int = 0
    #: verdicts (pass/fault/advice) given where the view cannot measure: must be 0
    judged_unmeasurable: int = 0
    info: int = 0
    info_ok: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, c: Comparison) -> None:
        if c.truth == "info":
            self.info += 1
            tol = INFO_TOLERANCE_S.get(c.cue_id, 0.5)
            if c.engine_value is not None and c.truth_value is not None:
                self.info_ok += abs(c.engine_value - c.truth_value) <= tol
            return
        if c.truth == "not_measurable":
            self.unmeasurable += 1
            self.judged_unmeasurable += c.engine in JUDGED
            return
        self.measurable += 1
        pos_t, pos_e = c.truth in POSITIVE, c.engine in POSITIVE
        self.faults += pos_t
        self.tp += pos_t and pos_e
        self.fp += pos_e and not pos_t
        self.fn += pos_t and not pos_e
        self.tn += not pos_t and not pos_e
        self.agree += c.engine == c.truth
        self.unjudged += c.engine not in JUDGED
        if c.margin is not None and abs(c.margin) <= NEAR_MARGIN:
            self.near += 1
            self.near_agree += c.engine == c.truth


@dataclass(kw_only=True)
class Tally:
    cues: dict[str, CueTally] = field(default_factory=lambda: defaultdict(CueTally))
    #: the same per view class ("side", "oblique", "front"), keyed "view/cue"
    by_view: dict[str, CueTally] = field(default_factory=lambda: defaultdict(CueTally))
    clips: int = 0
    rep_clips: int = 0
    reps_right: int = 0
    reps_by_view: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    segments: int = 0
    segments_found: int = 0
    sides_right: int = 0
    sides_total: int = 0
    #: clips where the engine raised, with the error
    crashes: list[str] = field(default_factory=list)

    def add(self, truth: GroundTruth, report: Report, comparisons: list[Comparison]) -> None:
        self.clips += 1
        for c in comparisons:
            self.cues[c.cue_id].add(c)
            self.by_view[f"{truth.view_class}/{c.cue_id}"].add(c)
        if truth.drill != "table-top":
            self.rep_clips += 1
            ok = len(truth.reps) == len(report.reps)
            self.reps_right += ok
            self.reps_by_view[truth.view_class][0] += ok
            self.reps_by_view[truth.view_class][1] += 1
        matches = match_segments(truth, report)
        scored = [s for s in truth.segments if s.kind != "partial"]
        self.segments += len(scored)
        self.segments_found += sum(matches.get(s.index) is not None for s in scored)
        for s in scored:
            found = matches.get(s.index)
            if s.side is not None and found is not None:
                self.sides_total += 1
                self.sides_right += report.segments[found].side == s.side


def _overlap(a: SegmentTruth, b: Segment) -> float:
    return min(a.end_s, b.end_s) - max(a.start_s, b.start_s)


def match_segments(truth: GroundTruth, report: Report) -> dict[int, int | None]:
    """Truth segment index -> report segment position (its list index), by time overlap."""
    pairs = []
    for s in truth.segments:
        for j, r in enumerate(report.segments):
            ov = _overlap(s, r)
            if r.kind == s.kind and ov >= MIN_OVERLAP_FRACTION * (s.end_s - s.start_s):
                pairs.append((ov, s.index, j))
    out: dict[int, int | None] = {s.index: None for s in truth.segments}
    used: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if out[i] is None and j not in used:
            out[i] = j
            used.add(j)
    return out


def _status(r: CueResult | None) -> str:
    return "missing" if r is None else r.status.value


def _worst(results: list[CueResult]) -> CueResult | None:
    for status in ("fault", "advice", "pass", "info", "not_measurable"):
        for r in results:
            if r.status.value == status:
                return r
    return None


def compare(truth: GroundTruth, report: Report) -> list[Comparison]:
    """One `Comparison` per expected cue verdict of the truth."""
    matches = match_segments(truth, report)
    by_key: dict[tuple[str, int | None], CueResult] = {}
    by_cue: dict[str, list[CueResult]] = defaultdict(list)
    for r in report.results:
        by_key[(r.cue_id, r.segment_index)] = r
        by_cue[r.cue_id].append(r)
    out = []
    for cue in truth.cues:
        if cue.segment is None:
            found = by_key.get((cue.cue_id, None)) or _worst(by_cue[cue.cue_id])
        else:
            j = matches.get(cue.segment)
            seg_index = None if j is None else report.segments[j].index
            found = by_key.get((cue.cue_id, seg_index)) if j is not None else None
            found = found or by_key.get((cue.cue_id, None))
        out.append(Comparison(cue_id=cue.cue_id, truth=cue.expected, engine=_status(found),
                              truth_value=cue.value, segment=cue.segment, margin=cue.margin,
                              engine_value=None if found is None else found.value))
    return out
