"""The types the pipeline's stages pass on: a cue's verdict on a segment, the segments found, how
long each stage took.

frames → `PoseTrack` (`formcheck.track`) → `Signals` (`formcheck.signals`) → spans
(`formcheck.segment`) → the `Segment` and `CueResult` here → `formcheck.report.model.Report`.
They belong to the core, not to the report: every stage may use them, and the report layer
(`formcheck.report`) only renders them (`formcheck.report.model` re-exports them beside the
report's own types).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    """A cue's verdict on one segment."""

    PASS = "pass"
    FAULT = "fault"
    #: the camera view, visibility or the segment does not allow the check
    NOT_MEASURABLE = "not_measurable"
    #: the cue reports a measure without judging it (e.g. hold duration against marks)
    INFO = "info"
    #: a recommendation that was not followed; never counted as a fault
    ADVICE = "advice"


class Reason(str, Enum):
    """Why a cue has no verdict (``Status.NOT_MEASURABLE``): each has its own mark and words in
    every rendering (`formcheck.report.words.REASON_WORDS`)."""

    #: the camera view cannot show what the cue needs (film from another side)
    VIEW = "view"
    #: the view can, but the person was out of view or the body part hidden or unclear
    NOT_SEEN = "not_seen"
    #: the rep was cut by the clip's start or end before the measured part finished
    CUT = "cut_by_clip"
    #: nothing happened to judge (no top phase, no contact with the ground, no reps)
    NOTHING = "nothing_to_judge"


@dataclass(frozen=True, kw_only=True)
class TimeSpan:
    start_s: float
    end_s: float


@dataclass(frozen=True, kw_only=True)
class Phase:
    #: "lift", "top", "lower" or "bottom"
    name: str
    start_s: float
    end_s: float


@dataclass(frozen=True, kw_only=True)
class Segment:
    """A rep, a hold, or a single-leg phase of a hold."""

    #: 0-based position in ``Report.segments`` (what ``CueResult.segment_index`` points at)
    index: int
    #: "rep", "hold" or "single_leg"
    kind: str
    start_s: float
    end_s: float
    #: working side for single-leg work ("left"/"right"), else None: for a single-leg phase the
    #: stance leg, whose foot stays down (the lifted one is `lifted_side`)
    side: str | None = None
    phases: list[Phase] = field(default_factory=list)
    #: named measures, units in the names: peak_hip_extension_deg, top_pause_s, lift_s, lower_s…
    measures: dict[str, float | None] = field(default_factory=dict)
    #: the 1-based number every rendering shows, counted within the kind: rep 1, 2, …; hold 1;
    #: single-leg phase 1, 2; partial rep 1 (0: not given, numbered by the `Report`)
    number: int = 0

    @property
    def lifted_side(self) -> str | None:
        """For a single-leg phase, the leg lifted (the other of ``side``, the stance leg): the
        one a coach names ("right leg up"), as the article's leg-lift cue does; else None."""
        if self.kind != "single_leg" or self.side not in ("left", "right"):
            return None
        return "left" if self.side == "right" else "right"


@dataclass(frozen=True, kw_only=True)
class CueResult:
    cue_id: str
    #: the segment judged, or None for a cue judged over the whole set
    segment_index: int | None
    status: Status
    value: float | None = None
    threshold: float | None = None
    #: how value is compared with threshold: ">=", "<=", "within", "info"
    comparison: str = ""
    unit: str = ""
    #: one line for the athlete: what was measured, against what, or why it was not
    #: measurable. Made by the report layer from ``what`` and ``details``
    #: (`formcheck.report.verdict_words`); a check leaves it empty
    message: str = ""
    fault_spans: list[TimeSpan] = field(default_factory=list)
    #: why there is no verdict, for ``not_measurable`` results (None otherwise)
    reason: Reason | None = None
    #: the judged segment's ``Segment.number`` as every rendering shows it ("rep 2"; for a
    #: table top, hold 1 or single-leg phase 2); None for a cue judged over the whole set
    rep: int | None = None
    #: what the check measured, or why it could not ("top_pause", "no_top_phase"): the key
    #: of the words every rendering shows for it
    what: str = ""
    #: the other numbers and names those words need beside ``value`` and ``threshold`` (the
    #: lifting time beside the lowering, the side of a lifted foot), units in the names
    details: dict[str, float | str | None] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Timings:
    decode_s: float = 0.0
    pose_s: float = 0.0
    analysis_s: float = 0.0
    total_s: float = 0.0
    frames_per_s: float = 0.0
    #: True when the pose track came from the cache and no inference ran
    track_cached: bool = False
