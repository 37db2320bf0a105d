"""formcheck: rep-by-rep form checking for glute-bridge drills from video.

Pipeline: frames → PoseTrack → Signals → Segments → CueResults → Report.
"""

from __future__ import annotations

__version__ = "0.1.0"

from formcheck.track import PoseTrack, TrackSource

__all__ = ["PoseTrack", "TrackSource", "__version__"]
