"""One live set on the live page: JPEG frames in, what to draw out, the set kept to save.

The page sends a frame (`parse_frame`: a 16-byte header, then the JPEG) whenever the last one
has been answered, so the rate is what this machine can take. `LiveSession.feed` runs it
through `formcheck.live.LiveCoach`, the engine `formcheck live` uses (causal smoothing on
screen, the offline analysis re-run on a bounded window), and returns the JSON message the
page draws (`frame_message`). The JPEGs it analysed are appended to a spool file on disk (so
memory stays flat however long the set), up to the service's clip length; `save` writes them
as an H.264 mp4 with their true times and hands it to the upload path, so the set becomes a
clip in the athlete's history, analysed offline like any upload.

A session is used from one thread at a time (the socket's own executor, `live_routes`).
"""

from __future__ import annotations

import logging
import secrets
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.live import Finished, LiveCoach, LiveState, open_coach, summary_line
from formcheck.report.model import CueResult, Status
from formcheck.report.words import cue_words, screen_line
from formcheck.server.config import ServerConfig

log = logging.getLogger(__name__)

#: a frame message: float64 ``sent`` (the page's clock, ms, echoed back for the round trip),
#: float64 ``t`` (seconds since the set started, when the frame was taken), then the JPEG
HEADER = struct.Struct("<dd")
#: a frame larger than this is refused (a 1080p JPEG is well under 1 MB)
MAX_FRAME_BYTES = 4 << 20
#: landmark coordinates are sent rounded to this many decimals (a 10th of a pixel at 1000 px)
DECIMALS = 4
_SPOOL_ROW = struct.Struct("<dI")


class BadFrame(ValueError):
    """A frame message the session cannot use (too short, too large, not a JPEG)."""


@dataclass(frozen=True)
class Frame:
    sent_ms: float
    t: float
    jpeg: bytes


def parse_frame(data: bytes) -> Frame:
    """A binary frame message from the page, or `BadFrame`."""
    if len(data) <= HEADER.size:
        raise BadFrame("a frame message needs its 16-byte header and a JPEG")
    if len(data) > MAX_FRAME_BYTES:
        raise BadFrame(f"a frame over {MAX_FRAME_BYTES >> 20} MB")
    sent_ms, t = HEADER.unpack_from(data)
    if not (np.isfinite(sent_ms) and np.isfinite(t)) or t < 0:
        raise BadFrame("a frame's times must be finite, and its t not negative")
    return Frame(sent_ms=sent_ms, t=t, jpeg=data[HEADER.size :])


def decode_jpeg(jpeg: bytes) -> np.ndarray:
    """RGB pixels of a JPEG (or any image OpenCV reads), or `BadFrame`."""
    import cv2

    bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None or bgr.ndim != 3:
        raise BadFrame("a frame that is not an image")
    return np.ascontiguousarray(bgr[..., ::-1])


def _num(value: float | None, digits: int = 1) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def cue_message(result: CueResult) -> dict[str, Any]:
    """A cue result as the page shows it, in the report's words."""
    return {
        "cue": result.cue_id,
        "status": result.status.value,
        "words": cue_words(result.cue_id).fault,
        "line": screen_line(result),
        "key_point": cue_words(result.cue_id).key_point,
    }


def finished_message(event: Finished) -> dict[str, Any]:
    """A rep, hold or single-leg phase that has just ended."""
    faults = [r for r in event.results if r.status is Status.FAULT]
    return {
        "kind": event.kind,
        "number": event.number,
        "side": event.side,
        "duration_s": round(event.duration_s, 2),
        "line": event.line,
        "speech": event.speech,
        "good": not faults and any(r.status is Status.PASS for r in event.results),
        "faults": [cue_message(r) for r in faults],
        "cues": [cue_message(r) for r in event.results],
    }


def frame_message(state: LiveState) -> dict[str, Any]:
    """What the page draws after one frame (the round-trip fields are added by the caller)."""
    landmarks = None
    if state.landmarks is not None:
        xyv = np.round(state.landmarks[:, [0, 1, 3]].astype(float), DECIMALS)
        landmarks = np.where(np.isfinite(xyv), xyv, -1.0).tolist()
    return {
        "type": "frame",
        "t": round(state.t, 3),
        "landmarks": landmarks,
        "hip_deg": _num(state.hip_extension_deg),
        "head_deg": _num(state.head_neck_deg),
        "counts": state.counts,
        "reps": state.reps_done,
        "reps_by_side": state.reps_by_side,
        "drill": state.drill,
        "view": state.view,
        "hold_s": _num(state.hold_s, 2),
        "longest_hold_s": _num(state.longest_hold_s, 2),
        "holds": state.holds_done,
        "one_leg": state.one_leg,
        "faults": list(state.faults),
        "finished": [finished_message(e) for e in state.finished],
    }


class FrameSpool:
    """The set's JPEGs on disk, with their times, up to ``max_s`` seconds of set."""

    def __init__(self, path: Path, *, max_s: float, max_bytes: int) -> None:
        self.path = path
        self.max_s = max_s
        self.max_bytes = max_bytes
        self.frames = 0
        self.bytes = 0
        self.first_t: float | None = None
        self.last_t = 0.0
        #: why the spool stopped keeping frames ("" while it keeps them)
        self.full = ""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._out = path.open("wb")

    def add(self, t: float, jpeg: bytes) -> None:
        if self.full:
            return
        if self.first_t is None:
            self.first_t = t
        if t - self.first_t > self.max_s:
            self.full = f"the set is longer than the service's {self.max_s:.0f} s clip limit"
        elif self.bytes + len(jpeg) > self.max_bytes:
            self.full = "the set is larger than the service's upload limit"
        if self.full:
            return
        self._out.write(_SPOOL_ROW.pack(t, len(jpeg)) + jpeg)
        self.frames += 1
        self.bytes += len(jpeg)
        self.last_t = t

    def read(self) -> Any:
        """(t, jpeg) of each kept frame, in order."""
        self._out.flush()
        with self.path.open("rb") as src:
            while head := src.read(_SPOOL_ROW.size):
                t, n = _SPOOL_ROW.unpack(head)
                yield t, src.read(n)

    def write_mp4(self, path: Path) -> int:
        """The kept frames as an H.264 mp4 at their own times; returns the frames written."""
        from formcheck.report.annotate import VideoSink

        span = max(self.last_t - (self.first_t or 0.0), 1e-3)
        fps = (self.frames - 1) / span if self.frames > 1 else 30.0
        first = self.first_t or 0.0
        written = 0
        with VideoSink(path, fps=fps) as sink:
            for t, jpeg in self.read():
                sink.write(decode_jpeg(jpeg), t - first)
                written += 1
        return written

    def close(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)


class LiveSession:
    """A live set: one `LiveCoach`, the frames kept to save it, what ended so far."""

    def __init__(self, config: ServerConfig, *, drill: str = "auto", variant: str = "") -> None:
        self.config = config
        self.drill = drill
        self.variant = variant
        self.coach: LiveCoach = open_coach(drill=drill, variant=variant, model=config.model or None)
        self.id = secrets.token_hex(8)
        self.spool = FrameSpool(
            config.data_dir / "live" / f"{self.id}.frames",
            max_s=config.max_duration_s,
            max_bytes=config.max_upload_bytes,
        )
        self.finished: list[Finished] = []
        self.state: LiveState | None = None
        self.ended = False
        self.frames = 0

    def feed(self, frame: Frame) -> dict[str, Any]:
        """Analyse one frame; the message for the page (`BadFrame` for a frame that is not
        an image: the set goes on)."""
        if self.ended:
            raise BadFrame("the set has ended: start a new one")
        rgb = decode_jpeg(frame.jpeg)
        began = time.perf_counter()
        self.state = self.coach.feed(rgb, frame.t)
        self.frames += 1
        self.finished.extend(self.state.finished)
        self.spool.add(frame.t, frame.jpeg)
        message = frame_message(self.state)
        message["size"] = [int(rgb.shape[1]), int(rgb.shape[0])]
        message["server_ms"] = round(1000 * (time.perf_counter() - began), 1)
        return message

    def end(self) -> dict[str, Any]:
        """The set is over: count the rep it ended in, as offline analysis does."""
        last = self.coach.finish() if not self.ended else None
        self.ended = True
        if last is not None:
            self.state = last
            self.finished.extend(last.finished)
        message = frame_message(self.state) if self.state is not None else {"finished": []}
        message.update(
            type="set_end",
            summary=summary_line(self.state, self.finished),
            lines=[e.line for e in self.finished],
            analysed_frames=self.frames,
            saveable=self.spool.frames > 1 and not self.spool.full,
            not_saveable_because=self.spool.full
            or ("" if self.spool.frames > 1 else "no frames were kept"),
        )
        return message

    def write_clip(self, folder: Path) -> Path:
        """The set as an mp4 in ``folder`` (for the upload path to take)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"live-{self.id}"
        written = self.spool.write_mp4(path.with_suffix(".mp4"))
        path.with_suffix(".mp4").replace(path)  # the upload folder's files have no suffix
        log.info("live set %s: %d frames written for saving", self.id, written)
        return path

    def close(self) -> None:
        try:
            self.coach.close()
        finally:
            self.spool.close()
