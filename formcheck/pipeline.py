"""The whole job on one clip: video → PoseTrack → assessment → Report.

``analyze(path)`` is what ``formcheck analyze`` runs; ``analyze_track(track)`` the same from a
pose track. Each stage is its own module (`formcheck.tracking`, `formcheck.analysis`); this file
only joins them to the report (`formcheck.report.assemble`) and records how long each took.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.analysis import assess
from formcheck.pose.models import choose_pose_model
from formcheck.report.assemble import Analysis, build_report
from formcheck.report.model import ClipInfo
from formcheck.settings import Settings
from formcheck.types import PoseTrack
from formcheck.video import DEFAULT_MAX_FPS

if TYPE_CHECKING:
    from formcheck.tracking import TrackResult

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, "int | None"], None]


def analyze_track(
    track: PoseTrack,
    *,
    drill: str = "auto",
    settings: Settings | None = None,
    clip: ClipInfo | None = None,
    variant: str = "",
    camera_limits: bool = True,
) -> Analysis:
    """Analyse a pose track: the full report, with the signals and segments behind it.
    ``variant``: how the athlete chose to do the drill (table top's "toe"), see `Drill.variants`.
    ``camera_limits=False`` judges every cue whose signals the view shows, also where the camera
    sweep found the pose model unreliable at that angle (`View.reliable`): for tracks whose
    landmarks are exact (the synthetic suite) and for the sweep's own raw scoring."""
    t0 = time.perf_counter()
    settings = settings or Settings()
    judged = assess(
        track, drill=drill, settings=settings, variant=variant, camera_limits=camera_limits
    )
    report = build_report(judged, settings=settings, clip=clip, variant=variant, started=t0)
    log.debug("analysed %d frames in %.3f s", len(track), report.timings.analysis_s)
    return Analysis(report=report, track=track, signals=judged.signals, spans=judged.spans)


def clip_info_from(result: TrackResult, path: str | Path | None = None) -> ClipInfo:
    """ClipInfo for the report from what tracking learnt of the video. ``path``: the clip as
    the user named it (a cached track remembers where the same bytes were first seen)."""
    info = result.info
    track = result.track
    shown = Path(path) if path is not None else Path(str(info.path))
    return ClipInfo(
        path=str(shown),
        name=shown.name,
        content_hash=track.source.content_hash,
        width=int(info.width),
        height=int(info.height),
        fps=float(info.fps),
        duration_s=float(track.duration_s if len(track) else info.duration_s),
        frames=len(track),
        rotation_deg=int(info.rotation_deg),
        codec=str(info.codec),
        declared_duration_s=float(info.duration_s),
    )


def analyze(
    path: str | Path,
    *,
    drill: str = "auto",
    backend: str = "mediapipe-legacy",
    model: str | Path | None = None,
    fps: float | None = None,
    max_fps: float | None = DEFAULT_MAX_FPS,
    settings: Settings | None = None,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    progress: ProgressFn | None = None,
    image_fps: float | None = None,
    variant: str = "",
) -> Analysis:
    """Analyse one clip: track the body (or reuse the cached track), then judge every cue.
    ``image_fps`` is the rate a folder of images was taken at (30 assumed, with a warning).
    ``max_fps``: a clip faster than this sends only that many frames a second to the pose
    model (default 30; None: every frame); ``fps`` subsamples any clip.

    Example::

        from formcheck import analyze
        result = analyze("set1.mp4", drill="single-leg-bridge")
        for cue in result.report.faults:
            print(cue.cue_id, cue.message)
    """
    t0 = time.perf_counter()
    tracked = track_clip(
        path,
        backend=backend,
        model=model,
        fps=fps,
        max_fps=max_fps,
        use_cache=use_cache,
        cache_dir=cache_dir,
        progress=progress,
        image_fps=image_fps,
    )
    t1 = time.perf_counter()
    analysis = analyze_track(
        tracked.track,
        drill=drill,
        settings=settings,
        clip=clip_info_from(tracked, path),
        variant=variant,
    )
    t2 = time.perf_counter()
    timings = replace(
        tracked.timings,
        analysis_s=t2 - t1,
        total_s=t2 - t0,
        track_cached=tracked.cached,
    )
    report = replace(
        analysis.report,
        timings=timings,
        # tracking and analysis may both notice the same thing: say it once
        warnings=list(dict.fromkeys([*tracked.warnings, *analysis.report.warnings])),
        versions={**analysis.report.versions, **_versions(tracked)},
    )
    return replace(analysis, report=report)


def track_clip(
    path: str | Path,
    *,
    backend: str = "mediapipe-legacy",
    model: str | Path | None = None,
    fps: float | None = None,
    max_fps: float | None = DEFAULT_MAX_FPS,
    use_cache: bool = True,
    cache_dir: Path | None = None,
    progress: ProgressFn | None = None,
    image_fps: float | None = None,
) -> TrackResult:
    """The tracking half of `analyze`, which `formcheck track` runs alone: the same model
    names (lite / full / heavy), people count and cache entry, so a track made first is the
    one a later analysis reads from the cache."""
    from formcheck.tracking import track_video

    backend, chosen = choose_pose_model(backend, model)
    return track_video(
        path,
        backend=backend,
        model=chosen,
        fps=fps,
        max_fps=max_fps,
        cache_dir=cache_dir,
        use_cache=use_cache,
        progress=progress,
        count_people_with=people_model(),
        image_fps=image_fps,
    )


def people_model() -> Path | None:
    """The full ``.task`` model when it has been built (``formcheck models build-full``): with
    it, tracking also counts the people in view once a second and warns when there are two.
    Without it, a second person is still caught by the jumps it causes in the track."""
    from formcheck.pose.models import DEFAULT_MODELS_DIR, KNOWN_TASKS

    path = DEFAULT_MODELS_DIR / KNOWN_TASKS["full"]
    return path if path.is_file() else None


def _versions(tracked: TrackResult) -> dict[str, str]:
    from formcheck import __version__

    source = tracked.track.source
    return {
        "formcheck": __version__,
        "pose_backend": source.backend,
        "pose_model": source.model,
    }
