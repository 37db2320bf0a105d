"""Report types and their renderings (JSON, console, HTML, CSV, annotated video)."""

from formcheck.report.model import (
    SCHEMA_VERSION,
    ClipInfo,
    CoachCheck,
    CueResult,
    Detection,
    DrillInfo,
    HoldSummary,
    Phase,
    Report,
    Segment,
    SideSummary,
    Status,
    TimeSpan,
    Timings,
    ViewInfo,
)

__all__ = [
    "SCHEMA_VERSION",
    "ClipInfo",
    "CoachCheck",
    "CueResult",
    "Detection",
    "DrillInfo",
    "HoldSummary",
    "Phase",
    "Report",
    "Segment",
    "SideSummary",
    "Status",
    "TimeSpan",
    "Timings",
    "ViewInfo",
]
