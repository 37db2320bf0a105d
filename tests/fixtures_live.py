"""The live page driven as an athlete would use it, for its tests and `benchmarks/live_page.py`.

- ``clip_to_y4m(clip, y4m)``: a clip as the file Chromium's fake camera plays, upright (a
  phone's rotation applied), scaled to a webcam's size, with a few seconds of an empty picture
  after it: the fake camera loops its file, and the page must not see the set start again.
- ``run_set(page, url, seconds)``: open the live page, press Start, train for ``seconds``,
  press End set; returns what the page saw (`LiveSet`).
- ``fault_agreement(live, offline)``: the share of (rep, cue) pairs on which a live set and the
  offline report of the same clip agree about a fault.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from fixtures_browser import write_y4m

#: the long side of the fake camera's picture (a laptop webcam's 640 × 480 or 640 × 360)
CAMERA_LONG_SIDE = 640
#: an empty picture after the clip, seconds
TAIL_S = 2.0
#: the set ends this long after the clip's end (a page's frame in flight, the camera's start)
END_AFTER_S = 0.8


def clip_to_y4m(clip: Path, y4m: Path, *, long_side: int = CAMERA_LONG_SIDE,
                tail_s: float = TAIL_S) -> float:
    """Write ``clip`` as a y4m for the fake camera; returns the clip's duration in seconds."""
    import cv2

    from formcheck.video import open_video

    with open_video(clip) as src:
        rate = round(src.info.fps or 30.0)
        counted = 0

        def frames() -> Iterator[np.ndarray]:
            nonlocal counted
            last = None
            for frame in src:
                h, w = frame.image.shape[:2]
                scale = long_side / max(h, w)
                size = (round(w * scale) // 2 * 2, round(h * scale) // 2 * 2)
                last = cv2.resize(frame.image, size, interpolation=cv2.INTER_AREA)
                counted += 1
                yield last
            assert last is not None, f"no frames in {clip}"
            yield from [np.zeros_like(last)] * round(tail_s * rate)

        write_y4m(y4m, frames(), fps=rate)
    return counted / rate


@dataclass
class LiveSet:
    """What the page showed during one set, read back from `window.fcLive`."""

    stats: dict[str, Any]
    #: every rep, hold or single-leg phase that ended, as the server sent it
    finished: list[dict[str, Any]]
    #: the set_end message
    summary: dict[str, Any]
    spoken: list[dict[str, Any]]
    #: the hold timer's text, sampled during the set
    hold_texts: list[str]
    #: whether the skeleton was drawn on the overlay at some point ("ok" or "fault")
    skeletons: set[str]

    @property
    def reps(self) -> list[dict[str, Any]]:
        return [e for e in self.finished if e["kind"] == "rep"]


def run_set(page: Any, url: str, seconds: float, *, drill: str = "auto",
            screenshot: Path | None = None) -> LiveSet:
    """Train a set of ``seconds`` on the live page at ``url`` (the fake camera's clip)."""
    page.goto(url)
    if drill != "auto":
        page.select_option("#drill", drill)
    page.click("#start-btn")
    page.wait_for_function("() => window.fcLive.state.analysed > 0", timeout=30_000)
    hold_texts: list[str] = []
    skeletons: set[str] = set()
    shot_at = seconds / 2
    shot = screenshot is None
    while True:
        now = page.evaluate("() => (performance.now() - window.fcLive.state.setStart) / 1000")
        if now >= seconds + END_AFTER_S:
            break
        skeletons.add(page.get_attribute("#overlay", "data-skeleton") or "")
        if page.is_visible("#hold"):
            hold_texts.append(page.inner_text("#hold-time"))
        if not shot and now >= shot_at:
            assert screenshot is not None
            page.screenshot(path=str(screenshot))
            shot = True
        time.sleep(0.2)
    page.click("#end-btn")
    page.wait_for_function("() => window.fcLive.state.summary", timeout=60_000)
    return LiveSet(
        stats=page.evaluate("() => window.fcLive.stats()"),
        finished=page.evaluate("() => window.fcLive.state.finished"),
        summary=page.evaluate("() => window.fcLive.state.summary"),
        spoken=page.evaluate("() => window.fcLive.state.spoken"),
        hold_texts=hold_texts,
        skeletons=skeletons - {""},
    )


def fault_agreement(live: LiveSet, offline: Any) -> tuple[int, int]:
    """(agreeing, compared) (rep, cue) pairs: rep k of the live set against rep k of the offline
    report, on every cue either judged, a fault or not a fault."""
    from formcheck.report.model import Status

    offline_reps = [s for s in offline.segments if s.kind == "rep"]
    agree = compared = 0
    for event, seg in zip(live.reps, offline_reps, strict=False):
        live_faults = {c["cue"] for c in event["cues"] if c["status"] == Status.FAULT.value}
        results = offline.results_of(seg.index)
        offline_faults = {r.cue_id for r in results if r.status is Status.FAULT}
        for cue in {c["cue"] for c in event["cues"]} | {r.cue_id for r in results}:
            compared += 1
            agree += (cue in live_faults) == (cue in offline_faults)
    return agree, compared
