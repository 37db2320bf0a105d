"""The report's data types: what formcheck tells an athlete or coach about one clip.

Plain frozen dataclasses; ``formcheck.report.serialize`` turns them into JSON (with a
``schema_version``) and back, and ``formcheck/report/report.schema.json`` is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# the stages' own types, re-exported: a report is made of them
from formcheck.types import (
    CueResult,
    Phase,
    Reason,
    Segment,
    Status,
    TimeSpan,
    Timings,
)

__all__ = [
    "SCHEMA_VERSION", "MISMATCH_PREFIXES", "ClipInfo", "CoachCheck", "CueResult", "Detection",
    "DrillInfo", "HoldSummary", "Phase", "Reason", "Report", "Segment", "SideSummary", "Status",
    "TimeSpan", "Timings", "ViewInfo", "numbered",
]  # fmt: skip

#: 1.1: ``Segment.number``, ``CueResult.rep`` and ``CueResult.reason``;
#: 1.2: ``ClipInfo.declared_duration_s``, the file's own length beside the decoded one;
#: 1.3: ``DrillInfo.variant`` (``"toe"`` for the table top's toe variant)
#: 1.4: ``DrillInfo.not_a_bridge``, and ``DrillInfo.id == "none"``: the clip shows none of the drills
#: 1.5: ``HoldSummary.marks_s``, the marks the longest hold is told against; a table top done as
#: reps has rep segments too (all added; older reports read as before)
#: 1.6: ``ViewInfo.yaw_deg``, the camera's angle off side-on that the view was read from
#: 1.7: ``CueResult.what`` and ``CueResult.details``: what a check measured (or why it could
#: not) and the numbers its words need; ``message`` is made from them
SCHEMA_VERSION = "1.7"


@dataclass(frozen=True, kw_only=True)
class ClipInfo:
    path: str
    name: str
    content_hash: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    #: the span of the frames decoded and analysed
    duration_s: float = 0.0
    frames: int = 0
    rotation_deg: int = 0
    codec: str = ""
    #: the length the file declares (0 when it does not say); longer than ``duration_s`` when
    #: the file is truncated
    declared_duration_s: float = 0.0

    @property
    def declared_differs(self) -> bool:
        """The file declares a length other than what was decoded (by more than a frame or two)."""
        slack = max(0.15, 2.0 / self.fps) if self.fps > 0 else 0.15
        off_by = abs(self.declared_duration_s - self.duration_s)
        return self.declared_duration_s > 0 and off_by > slack


@dataclass(frozen=True, kw_only=True)
class Detection:
    """How much of the clip had a person the pose model could follow."""

    frames_total: int
    frames_with_person: int
    person_fraction: float
    #: stretches of the clip with no person found (person out of frame, occluded, …)
    missing: list[TimeSpan] = field(default_factory=list)

    @property
    def nobody(self) -> bool:
        """Frames, and no person in any of them (the report's `PoseTrack.nobody`)."""
        return self.frames_total > 0 and self.frames_with_person == 0


@dataclass(frozen=True, kw_only=True)
class DrillInfo:
    id: str
    name: str
    #: "given" (chosen by the user) or "auto" (recognised from the pose)
    source: str = "given"
    #: how sure formcheck is that the clip shows this drill (0..1): recognised (auto), or how
    #: much the movement looks like the drill the user gave; with ``id == "none"``, how sure
    #: it is that the clip shows none of the three
    confidence: float = 1.0
    #: the way the athlete chose to do it ("toe" for table top on the toe; "" the standard way)
    variant: str = ""
    #: why the movement does not look like a bridge drill (words for the user); with
    #: ``id == "none"`` (`--drill auto`) nothing was judged, with a drill the user gave it was
    #: judged as asked, with a warning
    not_a_bridge: list[str] = field(default_factory=list)

    @property
    def is_bridge(self) -> bool:
        """False when the clip was found to show none of the three drills."""
        return self.id != "none"


#: how `formcheck.report.assemble` begins a warning that the clip does not look like the drill given
MISMATCH_PREFIXES = ("this does not look like", "this looks like")


@dataclass(frozen=True, kw_only=True)
class ViewInfo:
    """The camera view found from the track, and which cues it lets formcheck measure."""

    name: str = "unknown"
    confidence: float = 0.0
    can_measure: list[str] = field(default_factory=list)
    cannot_measure: list[str] = field(default_factory=list)
    #: the camera's angle off side-on, degrees (0 side-on, 90 from the feet or the head);
    #: None when unknown. Off the side, the cues judged follow docs/camera_angles.md
    yaw_deg: float | None = None


@dataclass(frozen=True, kw_only=True)
class CoachCheck:
    """A key point the camera cannot judge: listed so the athlete sees the whole drill."""

    cue_id: str
    key_point: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class HoldSummary:
    segments: int = 0
    longest_s: float = 0.0
    total_s: float = 0.0
    #: highest of the article's marks reached by the longest hold: "none", "10s", "20s", "2min";
    #: "" for a floor drill's holds (a floor bridge held), which the article gives no marks
    mark_reached: str = "none"
    #: the marks, seconds (the drill's tth.duration thresholds), for words such as "below the
    #: 10 s mark"; empty in reports written before they were kept
    marks_s: list[float] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class SideSummary:
    side: str
    reps: int
    peak_hip_extension_deg_mean: float | None = None
    lower_s_mean: float | None = None
    lift_s_mean: float | None = None


@dataclass(frozen=True, kw_only=True)
class Report:
    clip: ClipInfo
    detection: Detection
    drill: DrillInfo | None = None
    view: ViewInfo = field(default_factory=ViewInfo)
    segments: list[Segment] = field(default_factory=list)
    results: list[CueResult] = field(default_factory=list)
    coach_checks: list[CoachCheck] = field(default_factory=list)
    holds: HoldSummary | None = None
    sides: list[SideSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    #: thresholds that differ from the drill's defaults, "cue.id.param" -> value
    settings: dict[str, float] = field(default_factory=dict)
    #: versions of formcheck, the pose backend and model, and key libraries
    versions: dict[str, str] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION
    created_utc: str = ""

    def __post_init__(self) -> None:
        """Numbers the segments (and the results' ``rep``) where they were not given."""
        segments = numbered(self.segments)
        number = {s.index: s.number for s in segments}
        results = [
            r if r.rep is not None or r.segment_index not in number
            else replace(r, rep=number[r.segment_index])
            for r in self.results
        ]  # fmt: skip
        object.__setattr__(self, "segments", segments)
        object.__setattr__(self, "results", results)

    @property
    def reps(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "rep"]

    @property
    def faults(self) -> list[CueResult]:
        return [r for r in self.results if r.status is Status.FAULT]

    @property
    def drill_warnings(self) -> list[str]:
        """The warnings that the movement does not look like the drill the user gave: the ones
        a renderer must show where they cannot be missed."""
        return [w for w in self.warnings if w.startswith(MISMATCH_PREFIXES)]

    def results_of(self, index: int | None) -> list[CueResult]:
        """The cue results of the segment with ``index`` (None: the whole set's)."""
        return [r for r in self.results if r.segment_index == index]

    def segment(self, index: int | None) -> Segment | None:
        """The segment a result's ``segment_index`` points at (None for the whole set)."""
        return next((s for s in self.segments if s.index == index), None)


def numbered(segments: list[Segment]) -> list[Segment]:
    """``segments`` with every ``number`` given: 1, 2, … within each kind, in report order."""
    counts: dict[str, int] = {}
    out = []
    for seg in segments:
        counts[seg.kind] = counts.get(seg.kind, 0) + 1
        out.append(seg if seg.number else replace(seg, number=counts[seg.kind]))
    return out
