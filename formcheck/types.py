"""The types the pipeline's stages pass on: the pose track, a cue's verdict on a segment, the
segments found, how long each stage took.

frames → `PoseTrack` (below) → `Signals` (`formcheck.signals`) → spans
(`formcheck.segment`) → the `Segment` and `CueResult` here → `formcheck.report.model.Report`.
They belong to the core, not to the report: every stage may use them, and the report layer
(`formcheck.report`) only renders them (`formcheck.report.model` re-exports them beside the
report's own types).
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.fileio import writing
from formcheck.landmarks import NUM_LANDMARKS


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


# -- the pose track: frames → PoseTrack -----------------------------------------------------

TRACK_FORMAT_VERSION = 1


#: the words for a track with frames and no person in any (`PoseTrack.nobody`)
NO_PERSON = "no person was found in any frame"


@dataclass(frozen=True, kw_only=True)
class TrackSource:
    """Where a track came from: enough to tell whether a cached track is still valid."""

    path: str = ""
    content_hash: str = ""
    backend: str = ""
    model: str = ""
    rotation_deg: int = 0
    fps_requested: float | None = None
    frames_decoded: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PoseTrack:
    """The landmarks of one clip, frame by frame: the type between pose and analysis. Slicing
    by frame (``track[10:50]``) gives a track again.

    - ``t``: presentation time of each frame in seconds from the clip start (true timestamps,
      so variable-frame-rate clips time correctly).
    - ``image``: (N, 33, 4) float32: x, y normalised to the frame's width and height (0..1,
      origin top-left, y down), z in the same scale as x (MediaPipe's convention), visibility
      0..1. Frames where no person was found are NaN throughout.
    - ``world``: (N, 33, 4) float32: x, y, z in metres about the hips' centre (y down, as
      MediaPipe gives it), visibility 0..1. NaN where no person was found.
    - ``size``: (width, height) of the frames in pixels, after the phone's rotation was applied.
    """

    t: NDArray[Any]
    image: NDArray[Any]
    world: NDArray[Any]
    size: tuple[int, int]
    fps: float
    source: TrackSource = field(default_factory=TrackSource)

    def __post_init__(self) -> None:
        t = np.asarray(self.t, dtype=np.float64).reshape(-1)
        n = t.shape[0]
        image = np.asarray(self.image, dtype=np.float32).reshape(n, NUM_LANDMARKS, 4)
        world = np.asarray(self.world, dtype=np.float32).reshape(n, NUM_LANDMARKS, 4)
        if n > 1 and np.any(np.diff(t) <= 0):
            raise ValueError("PoseTrack timestamps must increase strictly")
        w, h = (int(v) for v in self.size)
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "world", world)
        object.__setattr__(self, "size", (w, h))
        object.__setattr__(self, "fps", float(self.fps))

    # -- basic facts -------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.t.shape[0])

    def __getitem__(self, key: slice | NDArray[Any]) -> PoseTrack:
        if isinstance(key, int):
            key = slice(key, key + 1)
        return replace(self, t=self.t[key], image=self.image[key], world=self.world[key])

    @property
    def detected(self) -> NDArray[Any]:
        """(N,) bool: a person was found in the frame."""
        return np.asarray(~np.isnan(self.image[:, :, 0]).all(axis=1))

    @property
    def nobody(self) -> bool:
        """The track has frames and no person in any of them (`NO_PERSON`): the one test of
        it, for tracking, the report and the commands' exit code."""
        return len(self) > 0 and not self.detected.any()

    @property
    def duration_s(self) -> float:
        if len(self) == 0:
            return 0.0
        if len(self) == 1:
            return 1.0 / self.fps if self.fps > 0 else 0.0
        return float(self.t[-1] - self.t[0] + np.median(np.diff(self.t)))

    @property
    def image_px(self) -> NDArray[Any]:
        """(N, 33, 3) image landmarks in pixels: x·width, y·height, z·width."""
        w, h = self.size
        return self.image[:, :, :3] * np.array([w, h, w], dtype=np.float32)

    def between(self, start_s: float, end_s: float) -> PoseTrack:
        """The frames with ``start_s <= t < end_s``."""
        mask = (self.t >= start_s) & (self.t < end_s)
        return self[mask]

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the track as a compressed ``.npz`` (atomically: temp file, then rename);
        `OutputError` with the reason when it cannot be written."""
        path = Path(path)
        meta = {
            "format_version": TRACK_FORMAT_VERSION,
            "size": list(self.size),
            "fps": self.fps,
            "source": {
                k: getattr(self.source, k) for k in self.source.__dataclass_fields__
            },
        }
        # the part file is per process: batch workers may write the same track
        with writing(path, "track") as part, open(part, "wb") as fh:
            np.savez_compressed(
                fh, t=self.t, image=self.image, world=self.world, meta=np.array(json.dumps(meta))
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> PoseTrack:
        """Read a track saved by `save`; ``ValueError`` if the file is not one or is damaged
        (a member whose compressed bytes or checksum are wrong reads as damaged too)."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format_version") != TRACK_FORMAT_VERSION:
                    version = meta.get("format_version")
                    raise ValueError(f"{path}: unsupported track format {version}")
                return cls(
                    t=data["t"],
                    image=data["image"],
                    world=data["world"],
                    size=tuple(meta["size"]),
                    fps=meta["fps"],
                    source=TrackSource(**meta["source"]),
                )
        except (zlib.error, zipfile.BadZipFile, EOFError) as err:
            raise ValueError(f"{path}: damaged track file ({err})") from err

    @classmethod
    def empty(cls, size: tuple[int, int] = (0, 0), fps: float = 30.0) -> PoseTrack:
        return cls(
            t=np.zeros(0),
            image=np.zeros((0, NUM_LANDMARKS, 4)),
            world=np.zeros((0, NUM_LANDMARKS, 4)),
            size=size,
            fps=fps,
        )
