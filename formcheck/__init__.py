"""formcheck: rep-by-rep form checking for glute-bridge drills from video.

Pipeline: frames → PoseTrack → Signals → Segments → CueResults → Report.
"""

from __future__ import annotations

__version__ = "0.1.0"

from formcheck.types import PoseTrack, TrackSource

__all__ = ["PoseTrack", "TrackSource", "__version__"]


def __getattr__(name: str):  # lazy: importing formcheck stays light
    if name == "analyze":
        from formcheck.pipeline import analyze

        return analyze
    if name == "analyze_track":
        from formcheck.pipeline import analyze_track

        return analyze_track
    raise AttributeError(f"module 'formcheck' has no attribute {name!r}")
