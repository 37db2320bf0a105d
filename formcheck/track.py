"""`PoseTrack`: the landmarks of one clip, frame by frame — the type between pose and analysis.

Conventions
-----------
- ``t``: presentation time of each frame in seconds from the clip start (true timestamps,
  so variable-frame-rate clips time correctly).
- ``image``: (N, 33, 4) float32 — x, y normalised to the frame's width and height (0..1, origin
  top-left, y down), z in the same scale as x (MediaPipe's convention), visibility 0..1.
  Frames where no person was found are NaN throughout.
- ``world``: (N, 33, 4) float32 — x, y, z in metres about the hips' centre (y down, as
  MediaPipe gives it), visibility 0..1. NaN where no person was found.
- ``size``: (width, height) of the frames in pixels, after the phone's rotation was applied.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.fileio import writing
from formcheck.landmarks import NUM_LANDMARKS

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
    """Landmarks of one clip. Slicing by frame (``track[10:50]``) gives a track again."""

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


def content_hash(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes (hex, first 16 chars), the key of the track cache."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()[:16]
