"""From a clip to a ``PoseTrack``: decode, run the pose backend on every frame, cache the result.

``track_video(path)`` decodes on a reader thread (see ``formcheck.video``) while the pose model
runs here, so the two overlap. The finished track is saved as ``.npz`` in a cache keyed by the
clip's content hash and everything that shapes the track (backend, model, fps, frame size), so
a second run on the same clip skips decoding and inference entirely and says ``cached=True``.

Cache folder: ``cache_dir`` argument, else ``$FORMCHECK_CACHE_DIR``, else
``~/.cache/formcheck/tracks``. Webcams, image folders and the replay backend are not cached.

Over 400 lines because the cache key, the inference loop and the people check must agree on
what one tracked clip is; `formcheck.video` and `formcheck.pose` already hold the parts below.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import NoPersonFound, OutputError
from formcheck.fileio import content_hash
from formcheck.landmarks import LEFT_HIP, LEFT_SHOULDER, NUM_LANDMARKS, RIGHT_HIP, RIGHT_SHOULDER
from formcheck.memory import release_freed_memory
from formcheck.pose.base import DEFAULT_BACKEND, Landmarks, PoseBackend, get_backend
from formcheck.pose.legacy_models import LEGACY_MODELS
from formcheck.pose.people import PEOPLE_METHOD, PeopleFinder
from formcheck.types import NO_PERSON, TRACK_FORMAT_VERSION, PoseTrack, Timings, TrackSource
from formcheck.video import (
    DEFAULT_IMAGE_FPS,
    DEFAULT_MAX_FPS,
    Frame,
    FrameGrid,
    VideoInfo,
    VideoSource,
    capped_fps,
    open_video,
)

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, "int | None"], None]

#: frames are scaled down so their longer side is at most this before inference; MediaPipe
#: works on 224-256 px crops, and landmarks are normalised, so the track does not change
DEFAULT_MAX_SIDE_PX = 1280
#: hips moving more than this many torso lengths between frames < MAX_JUMP_GAP_S apart is not
#: something a body does in a bridge drill: the model has jumped to someone else
MAX_HIP_JUMP_TORSOS = 0.75
MAX_JUMP_GAP_S = 0.15
#: torso length changing by more than this factor between neighbouring frames: same reason
MAX_TORSO_RATIO = 1.6
#: fraction of frames with a person in which the backend saw two or more before warning
MULTI_PERSON_FRACTION = 0.1
#: the second-person check runs PoseLandmarker on one frame per this many seconds
PEOPLE_CHECK_EVERY_S = 1.0
_CHUNK_FRAMES = 1024
#: rows allowed beyond the container's frame-count estimate before the arrays grow
_SLACK_FRAMES = 64


@dataclass(frozen=True, kw_only=True)
class TrackResult:
    """A clip's track and how it was made. ``warnings`` are one-line notes for the report."""

    track: PoseTrack
    info: VideoInfo
    timings: Timings
    cached: bool
    warnings: list[str] = field(default_factory=list)
    #: seconds per stage: decode_thread (reader thread's work), wait (inference loop waiting
    #: for frames), pose (inference), other (everything else in the loop), hash, total
    stages_s: dict[str, float] = field(default_factory=dict)


def default_cache_dir() -> Path:
    """``$FORMCHECK_CACHE_DIR`` or ``~/.cache/formcheck/tracks``."""
    env = os.environ.get("FORMCHECK_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "formcheck" / "tracks"


def cache_key(
    clip_hash: str,
    *,
    backend: str,
    model: str,
    fps: float | None,
    max_side: int | None,
    opts: dict[str, Any] | None = None,
) -> str:
    """A short hash of everything that shapes a track besides the clip's bytes."""
    parts = {
        "clip": clip_hash,
        "backend": backend,
        "model": model,
        "fps": fps,
        "max_side": max_side,
        "opts": opts or {},
        "format": TRACK_FORMAT_VERSION,
        "mediapipe": _mediapipe_version() if backend.startswith("mediapipe") else "",
    }
    blob = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _mediapipe_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mediapipe")
    except PackageNotFoundError:
        return ""


def _model_identity(model: Path | str | None, backend: str = "") -> str:
    if model is None:
        return "bundled"
    if backend == DEFAULT_BACKEND and str(model) in LEGACY_MODELS:
        return LEGACY_MODELS[str(model)].identity
    path = Path(model)
    return f"{path.name}:{content_hash(path)}" if path.is_file() else str(path)


# --------------------------------------------------------------------------------------------
# the entry point


def track_video(
    path: str | Path | int,
    *,
    backend: str | PoseBackend = DEFAULT_BACKEND,
    model: Path | str | None = None,
    fps: float | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: ProgressFn | None = None,
    max_side: int | None = DEFAULT_MAX_SIDE_PX,
    require_person: bool = False,
    backend_opts: dict[str, Any] | None = None,
    count_people_with: Path | None = None,
    image_fps: float | None = None,
    max_fps: float | None = DEFAULT_MAX_FPS,
) -> TrackResult:
    """Track the body through a clip (file, image folder or webcam index).

    ``backend`` is a registered name (see ``formcheck.pose.available_backends()``) or a ready
    ``PoseBackend``. ``fps`` subsamples; ``max_fps`` caps a file or image folder whose declared
    rate is above it (a 60 fps clip sends 30 frames a second to the model: every frame is
    decoded, the rest are not converted or analysed, the kept ones keep their true
    timestamps); None analyses every frame. ``max_side`` scales big frames down before inference.
    ``image_fps``: the rate a folder of images was taken at (30 assumed, with a warning).
    ``require_person=True`` raises ``NoPersonFound`` when no frame had a person (otherwise the
    track just has no detections and a warning says so). ``count_people_with``: a pose
    landmarker ``.task`` (e.g. ``models/pose_landmarker_full.task``) run on one frame a second
    to count the people in view, since the default backend follows only one; a warning says
    when there were several.

    Example::

        result = track_video("set1.mp4")
        print(result.cached, result.track.detected.mean(), result.warnings)
    """
    t_start = time.perf_counter()
    clip_hash = "" if isinstance(path, int) or not Path(path).is_file() else content_hash(path)
    hash_s = time.perf_counter() - t_start
    fps = capped_fps(fps, max_fps, _declared_fps(path, image_fps))
    backend_name = backend if isinstance(backend, str) else backend.name
    cache_file: Path | None = None
    if use_cache and clip_hash and backend_name != "replay":
        model_id = (
            _model_identity(model, backend_name)
            if isinstance(backend, str)
            else backend.model_name
        )
        key = cache_key(
            clip_hash,
            backend=backend_name,
            model=model_id,
            fps=fps,
            max_side=max_side,
            opts={
                **(backend_opts or {}),
                "people": _model_identity(count_people_with),
                "people_method": PEOPLE_METHOD,
            }
            if count_people_with
            else backend_opts,
        )
        cache_file = Path(cache_dir or default_cache_dir()) / f"{clip_hash}-{key}.npz"
        hit = _from_cache(cache_file, t_start)
        if hit is not None:
            return _checked(hit, require_person)
    with open_video(path, fps=fps, max_side=max_side, image_fps=image_fps) as video:
        people = PeopleCounter(count_people_with) if count_people_with else None
        try:
            result = _run(video, backend, model, backend_opts, progress, people, clip_hash)
        finally:
            if people is not None:
                people.close()
    release_freed_memory()  # a worker tracking clip after clip stays flat (formcheck.memory)
    result = _with_setup_time(result, t_start, hash_s)
    if cache_file is not None:
        _save(result, cache_file)
    return _checked(result, require_person)


def _declared_fps(path: str | Path | int, image_fps: float | None) -> float | None:
    """The rate a file or image folder declares, before it is opened; None for a webcam (its
    frames come as fast as it gives them) or a path that is neither (opening it says why)."""
    if isinstance(path, int) or (isinstance(path, str) and path.isdigit()):
        return None
    path = Path(path).expanduser()
    if path.is_dir():
        return image_fps or DEFAULT_IMAGE_FPS
    if path.is_file():
        from formcheck.video.sources import probe_fps

        return probe_fps(path)
    return None


def _checked(result: TrackResult, require_person: bool) -> TrackResult:
    if require_person and result.track.nobody:
        raise NoPersonFound(f"{result.info.path}: no person was found in any frame")
    return result


def _run(
    video: VideoSource,
    backend: str | PoseBackend,
    model: Path | str | None,
    backend_opts: dict[str, Any] | None,
    progress: ProgressFn | None,
    people: PeopleCounter | None,
    clip_hash: str,
) -> TrackResult:
    # the backend is made after the video opened, so bad input fails before a model loads
    pose = (
        get_backend(backend, model, **(backend_opts or {})) if isinstance(backend, str) else backend
    )
    buffer = _TrackBuffer(video.info.frame_count)
    wait_s = pose_s = people_s = 0.0
    loop_start = time.perf_counter()
    total = video.info.frame_count or None
    try:
        frames: Iterator[Frame] = iter(video)
        while True:
            t0 = time.perf_counter()
            frame = next(frames, None)
            t1 = time.perf_counter()
            wait_s += t1 - t0
            if frame is None:
                break
            landmarks = pose.process(frame.image, frame.t)
            t2 = time.perf_counter()
            pose_s += t2 - t1
            if people is not None:
                people.observe(frame)
                people_s += time.perf_counter() - t2
            buffer.add(frame.t, landmarks)
            if progress is not None:
                progress(len(buffer), total)
    finally:
        if isinstance(backend, str):
            pose.close()
    loop_s = time.perf_counter() - loop_start
    track, persons = buffer.finish(video.info, _source(video, pose, clip_hash))
    warnings = [*video.warnings, *person_warnings(track, persons)]
    if people is not None and (several := people.warning()):
        warnings.append(several)
    timings = Timings(decode_s=video.decode_s, pose_s=pose_s, track_cached=False)
    stages = {
        "decode_thread": video.decode_s,
        "wait": wait_s,
        "pose": pose_s,
        "people": people_s,
        "other": loop_s - wait_s - pose_s - people_s,
    }
    track = _with_extra(track, video.info, warnings)
    return TrackResult(
        track=track,
        info=video.info,
        timings=timings,
        cached=False,
        warnings=warnings,
        stages_s=stages,
    )


def _with_setup_time(result: TrackResult, t_start: float, hash_s: float) -> TrackResult:
    from dataclasses import replace

    total_s = time.perf_counter() - t_start
    n = len(result.track)
    timings = replace(
        result.timings, total_s=total_s, frames_per_s=n / total_s if total_s > 0 else 0.0
    )
    stages = {**result.stages_s, "hash": hash_s, "total": total_s}
    return replace(result, timings=timings, stages_s=stages)


def _source(video: VideoSource, pose: PoseBackend, clip_hash: str) -> TrackSource:
    info = video.info
    return TrackSource(
        path=info.path,
        content_hash=clip_hash,
        backend=pose.name,
        model=pose.model_name,
        rotation_deg=info.rotation_deg,
        fps_requested=info.fps_requested,
        frames_decoded=video.frames_read,
    )


def _with_extra(track: PoseTrack, info: VideoInfo, warnings: list[str]) -> PoseTrack:
    """Keep the video's facts and the warnings in the track, so a cache hit can give them."""
    from dataclasses import replace

    extra = {**track.source.extra, "video": asdict(info), "warnings": list(warnings)}
    return replace(track, source=replace(track.source, extra=extra))


# --------------------------------------------------------------------------------------------
# cache


def _from_cache(cache_file: Path, t_start: float) -> TrackResult | None:
    if not cache_file.is_file():
        return None
    try:
        track = PoseTrack.load(cache_file)
        info = VideoInfo(**track.source.extra["video"])
        warnings = [str(w) for w in track.source.extra.get("warnings", [])]
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as err:
        # a damaged file (cut short, half-written by a killed run): drop it and track again
        log.warning("ignoring unreadable cached track %s (%s)", cache_file, err)
        cache_file.unlink(missing_ok=True)
        return None
    total_s = time.perf_counter() - t_start
    log.info("pose track from cache: %s", cache_file)
    timings = Timings(total_s=total_s, track_cached=True)
    return TrackResult(
        track=track,
        info=info,
        timings=timings,
        cached=True,
        warnings=warnings,
        stages_s={"total": total_s},
    )


def _save(result: TrackResult, cache_file: Path) -> None:
    try:
        result.track.save(cache_file)
    except (OSError, OutputError) as err:  # a read-only or full cache must not fail the analysis
        log.warning("could not cache the track in %s (%s)", cache_file.parent, err)


# --------------------------------------------------------------------------------------------
# accumulating rows without holding per-frame objects


class _TrackBuffer:
    """The track's arrays, sized from the clip's frame-count estimate and filled row by row.

    Pages are touched only as rows are written, and the finished track is a view of these
    arrays (no copy at the end), so peak memory is the track itself, ~1 KB per frame. When the
    estimate is short (or unknown, as for a webcam) the arrays grow by a quarter at a time.
    """

    def __init__(self, capacity_hint: int = 0) -> None:
        capacity = capacity_hint + _SLACK_FRAMES if capacity_hint > 0 else _CHUNK_FRAMES
        self._t = np.empty(capacity)
        self._image = np.empty((capacity, NUM_LANDMARKS, 4), np.float32)
        self._world = np.empty((capacity, NUM_LANDMARKS, 4), np.float32)
        self._persons = np.empty(capacity, np.int16)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, t: float, landmarks: Landmarks | None) -> None:
        if self._count == len(self._t):
            self._grow(max(_CHUNK_FRAMES, len(self._t) // 4))
        i = self._count
        self._t[i] = t
        if landmarks is None:
            self._image[i] = np.nan
            self._world[i] = np.nan
            self._persons[i] = 0
        else:
            self._image[i] = landmarks.image
            self._world[i] = landmarks.world
            self._persons[i] = landmarks.persons
        self._count += 1

    def _grow(self, extra: int) -> None:
        def grown(a: np.ndarray) -> np.ndarray:
            return np.concatenate([a, np.empty((extra, *a.shape[1:]), a.dtype)])

        self._t, self._image = grown(self._t), grown(self._image)
        self._world, self._persons = grown(self._world), grown(self._persons)

    def finish(self, info: VideoInfo, source: TrackSource) -> tuple[PoseTrack, np.ndarray]:
        """The track (views of the filled rows) and the per-frame count of people seen."""
        n = self._count
        track_fps = min(info.fps, info.fps_requested) if info.fps_requested else info.fps
        track = PoseTrack(
            t=self._t[:n],
            image=self._image[:n],
            world=self._world[:n],
            size=(info.width, info.height),
            fps=track_fps,
            source=source,
        )
        return track, self._persons[:n]


# --------------------------------------------------------------------------------------------
# what the track says about the people in view


class PeopleCounter:
    """Counts people in view on a sparse grid of frames with a model that can see several
    (PoseLandmarker in image mode, on the frame and windows of it: see `PeopleFinder`),
    alongside a backend that follows only one."""

    def __init__(self, model: Path, every_s: float = PEOPLE_CHECK_EVERY_S) -> None:
        self._finder = PeopleFinder(model)
        self._grid = FrameGrid(1.0 / every_s)
        self.frames_checked = 0
        self.frames_with_several = 0

    def observe(self, frame: Frame) -> None:
        if not self._grid.keep(frame.t):
            return
        self.frames_checked += 1
        if self._finder.count(frame.image) >= 2:
            self.frames_with_several += 1

    def warning(self) -> str | None:
        if not self.frames_checked:
            return None
        share = self.frames_with_several / self.frames_checked
        if share < MULTI_PERSON_FRACTION:
            return None
        return (
            f"two or more people were in view in {share:.0%} of the frames checked;"
            " formcheck follows one, and may have followed the wrong one at times"
        )

    def close(self) -> None:
        self._finder.close()


def identity_jumps(track: PoseTrack) -> list[float]:
    """Times (s) where the followed body jumps implausibly between neighbouring frames: the
    hips' centre moves more than ``MAX_HIP_JUMP_TORSOS`` torso lengths, or the torso length
    changes by more than ``MAX_TORSO_RATIO`` — the sign of the model switching people."""
    if len(track) < 2:
        return []
    w, h = track.size
    aspect = np.array([w, h], dtype=np.float64) / max(w, h, 1)
    xy = track.image[:, [LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER], :2] * aspect
    hips = xy[:, :2].mean(axis=1)
    shoulders = xy[:, 2:].mean(axis=1)
    torso = np.linalg.norm(shoulders - hips, axis=1)
    ok = np.isfinite(torso) & (torso > 1e-3)
    a, b = np.arange(len(track) - 1), np.arange(1, len(track))
    pair = ok[a] & ok[b] & (np.diff(track.t) <= MAX_JUMP_GAP_S)
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = np.linalg.norm(hips[b] - hips[a], axis=1) / torso[a]
        ratio = torso[b] / torso[a]
    jump = pair & (
        (moved > MAX_HIP_JUMP_TORSOS) | (ratio > MAX_TORSO_RATIO) | (ratio < 1 / MAX_TORSO_RATIO)
    )
    return [float(track.t[i]) for i in b[jump]]


def person_warnings(track: PoseTrack, persons: np.ndarray | None = None) -> list[str]:
    """One-line warnings about who is in view: nobody, several people, a switch of person."""
    if track.nobody:
        return [NO_PERSON]
    detected = track.detected
    warnings: list[str] = []
    if persons is not None and detected.any():
        several = float(np.mean(persons[detected] >= 2))
        if several >= MULTI_PERSON_FRACTION:
            warnings.append(
                f"two or more people were in view in {several:.0%} of the frames with a person;"
                " formcheck follows one (the one it found first)"
            )
    jumps = identity_jumps(track)
    if jumps:
        at = ", ".join(f"{t:.2f} s" for t in jumps[:5]) + (" …" if len(jumps) > 5 else "")
        warnings.append(
            f"the tracked body jumped suddenly at {at}: another person may be in view"
            " (formcheck follows one person); film one person at a time"
        )
    return warnings
