"""The coach-facing files of one analysed clip: HTML report, annotated video, per-rep CSV.

``formcheck analyze --html/--video/--csv`` and the batch both call `write_outputs`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formcheck.report.assemble import Analysis

log = logging.getLogger(__name__)


def write_outputs(
    analysis: Analysis,
    *,
    html: str | Path | None = None,
    video: str | Path | None = None,
    csv: str | Path | None = None,
    clip_path: str | Path | None = None,
    athlete: str = "",
    progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, Path]:
    """Write each requested file (atomically) and return them by kind: html, video, csv.

    ``analysis`` is a `formcheck.pipeline.Analysis` (report, track, signals); ``clip_path``
    defaults to the clip its report names (decoded again for the video and key frames).
    Raises `formcheck.errors.OutputError` with the reason when a file cannot be written.
    """
    written: dict[str, Path] = {}
    if csv is not None:
        from formcheck.report.csvout import write_rep_csv

        written["csv"] = write_rep_csv(analysis.report, csv, athlete=athlete)
    collector = None
    if video is not None:
        from formcheck.report.annotate import write_annotated_video
        from formcheck.report.keyframes import KeyFrameCollector

        # one decoding pass serves the video and the HTML report's key frames
        collector = KeyFrameCollector(analysis) if html is not None else None
        written["video"] = write_annotated_video(
            analysis,
            video,
            clip_path=clip_path,
            progress=progress,
            on_frame=collector.offer if collector is not None else None,
        )
    if html is not None:
        from formcheck.report.html import write_html

        frames = collector.result() if collector is not None else None
        written["html"] = write_html(analysis, html, clip_path=clip_path, frames=frames)
    for kind, path in written.items():
        log.info("%s written: %s", kind, path)
    return written
