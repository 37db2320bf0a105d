"""The annotated video: skeleton, live angles, rep counter, hold timer and faults on screen.

Overlays share one tiny interface, ``annotate(frame, state) -> frame`` (an `Annotator`), so
they compose: `Compose` runs several in order. `FrameStates` turns an analysis into the
per-frame `FrameState` the overlays read; `write_annotated_video` streams the source clip
through them into an H.264 mp4 (PyAV's libx264, yuv420p, even dimensions) that plays in a
browser, at the source's size and rotation-corrected orientation. Frames are processed one at
a time, so memory stays flat with clip length.

Frames are RGB (as `formcheck.video` yields them); colours here are RGB tuples.

Over 400 lines because the overlays, the per-frame state they read and the streaming writer
change together (one frame's drawing); `keyframes.py` and `svgplot.py` are already apart.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

import cv2
import numpy as np

from formcheck.errors import OutputError
from formcheck.fileio import check_target, discard, part_path, publish, reason
from formcheck.landmarks import SKELETON
from formcheck.report.model import Report, Status
from formcheck.report.words import screen_line

if TYPE_CHECKING:
    from formcheck.report.assemble import Analysis

log = logging.getLogger(__name__)

Color = tuple[int, int, int]
WHITE: Color = (255, 255, 255)
GREEN: Color = (60, 220, 120)
AMBER: Color = (255, 190, 40)
RED: Color = (235, 50, 50)
DARK: Color = (20, 20, 20)
#: landmarks below this visibility are not drawn
MIN_VISIBILITY = 0.3
#: a frame takes the landmarks of the nearest track row within this many track frame steps
MATCH_TOLERANCE_STEPS = 0.75


@dataclass(frozen=True, kw_only=True)
class FrameState:
    """What the overlays show on one frame."""

    index: int
    t: float
    #: (33, 3) pixel x, y and visibility of the frame's landmarks, or None when nobody is found
    landmarks_px: np.ndarray | None = None
    hip_extension_deg: float | None = None
    head_neck_deg: float | None = None
    reps_done: int = 0
    #: the clip's reps ("Reps: 2/5"); None live, where the total is not known and the counter
    #: counts the reps finished so far ("Reps done: 2")
    reps_total: int | None = 0
    #: live, a one-leg drill's finished reps by working side ("Reps done: 3 (left 2, right 1)")
    reps_by_side: tuple[tuple[str, int], ...] = ()
    #: seconds into the hold under way, or None when not holding
    hold_s: float | None = None
    longest_hold_s: float = 0.0
    #: "right leg 1.2 s" while a single-leg phase is under way (its working side), else None
    one_leg: str | None = None
    #: plain-words fault lines active at this moment
    faults: tuple[str, ...] = ()


class Annotator(Protocol):
    def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray: ...


def _scale(frame: np.ndarray) -> float:
    return max(frame.shape[0], frame.shape[1]) / 1280.0


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, color: Color) -> None:
    """Text with a dark outline so it reads on any background."""
    size = max(0.35, 0.8 * scale)
    thick = max(1, round(2 * scale))
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, DARK, thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, size, color, thick, cv2.LINE_AA)


def _line_height(scale: float) -> int:
    return max(12, round(34 * scale))


def draw_skeleton(
    img: np.ndarray, pts: np.ndarray, *, color: Color = GREEN, scale: float = 1.0
) -> np.ndarray:
    """Draw bones and joints of (33, 3) pixel landmarks (x, y, visibility) onto ``img``."""
    thick = max(1, round(3 * scale))
    ok = np.isfinite(pts).all(axis=1) & (np.nan_to_num(pts[:, 2]) >= MIN_VISIBILITY)
    for a, b in SKELETON:
        if ok[a] and ok[b]:
            pa = (int(pts[a, 0]), int(pts[a, 1]))
            pb = (int(pts[b, 0]), int(pts[b, 1]))
            cv2.line(img, pa, pb, color, thick, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        cv2.circle(img, (int(pts[i, 0]), int(pts[i, 1])), thick + 1, WHITE, -1, cv2.LINE_AA)
    return img


class SkeletonAnnotator:
    """The pose skeleton, red while a fault is on."""

    def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
        if state.landmarks_px is not None:
            color = RED if state.faults else GREEN
            draw_skeleton(frame, state.landmarks_px, color=color, scale=_scale(frame))
        return frame


class AngleAnnotator:
    """Live hip extension and head–neck angles, top left."""

    def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(frame)
        lh = _line_height(s)
        x, y = round(12 * s) + 4, lh
        for label, value in (("Hip", state.hip_extension_deg), ("Head", state.head_neck_deg)):
            shown = "--" if value is None else f"{value:.0f} deg"
            _text(frame, f"{label}: {shown}", (x, y), s, WHITE)
            y += lh
        return frame


class CounterAnnotator:
    """Rep counter and hold timer, top right."""

    def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
        s = _scale(frame)
        lh = _line_height(s)
        lines = [rep_count_text(state)] if state.reps_total != 0 else []
        if state.hold_s is not None:
            lines.append(f"Hold: {state.hold_s:4.1f} s")
        elif state.longest_hold_s > 0:
            lines.append(f"Best hold: {state.longest_hold_s:.1f} s")
        if state.one_leg:
            lines.append(f"On {state.one_leg}")
        y = lh
        for line in lines:
            (w, _), _ = cv2.getTextSize(
                line, cv2.FONT_HERSHEY_SIMPLEX, max(0.35, 0.8 * s), max(1, round(2 * s))
            )
            _text(frame, line, (frame.shape[1] - w - round(12 * s) - 4, y), s, WHITE)
            y += lh
        return frame


def rep_count_text(state: FrameState) -> str:
    if state.reps_total is None:  # live: the rep under way counts once it has ended
        sides = ", ".join(f"{side} {n}" for side, n in state.reps_by_side)
        return f"Reps done: {state.reps_done}" + (f" ({sides})" if sides else "")
    return f"Reps: {state.reps_done}/{state.reps_total}"


class FaultAnnotator:
    """Each fault under way, in plain words, on a red band at the bottom."""

    def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
        if not state.faults:
            return frame
        s = _scale(frame)
        lh = _line_height(s)
        h = frame.shape[0]
        top = max(0, h - lh * len(state.faults) - round(10 * s))
        band = frame[top:h]
        cv2.addWeighted(band, 0.4, np.full_like(band, RED), 0.6, 0.0, dst=band)
        y = top + lh - round(8 * s)
        for text in state.faults:
            _text(frame, text, (round(12 * s) + 4, y), s, WHITE)
            y += lh
        return frame


class Compose:
    """Several annotators applied in order: itself an annotator."""

    def __init__(self, annotators: Sequence[Annotator]) -> None:
        self.annotators = list(annotators)

    def annotate(self, frame: np.ndarray, state: FrameState) -> np.ndarray:
        for a in self.annotators:
            frame = a.annotate(frame, state)
        return frame


def default_annotator() -> Compose:
    return Compose([SkeletonAnnotator(), AngleAnnotator(), CounterAnnotator(), FaultAnnotator()])


# -- per-frame state from an analysis ------------------------------------------------------------


def _fault_spans(report: Report) -> list[tuple[float, float, str]]:
    """(start_s, end_s, text) for every fault: its spans, else its segment's time."""
    by_index = {s.index: s for s in report.segments}
    spans: list[tuple[float, float, str]] = []
    for r in report.results:
        if r.status is not Status.FAULT:
            continue
        text = screen_line(r)
        if r.fault_spans:
            spans += [(fs.start_s, fs.end_s, text) for fs in r.fault_spans]
        elif r.segment_index is not None and r.segment_index in by_index:
            seg = by_index[r.segment_index]
            spans.append((seg.start_s, seg.end_s, text))
    return spans


def landmarks_px(row: np.ndarray, size: tuple[int, int]) -> np.ndarray | None:
    """(33, 3) pixel x, y and visibility from one frame's normalised image landmarks, or None
    when nobody was found in it."""
    if not np.isfinite(row[:, :2]).any():
        return None
    w, h = size
    return np.stack([row[:, 0] * w, row[:, 1] * h, row[:, 3]], axis=1)


class FrameStates:
    """Looks up the `FrameState` of a frame at time ``t`` from an analysis."""

    def __init__(self, analysis: Analysis) -> None:
        self.report: Report = analysis.report
        self.track = analysis.track
        # the working leg's hip extension, as the reps' peaks are measured (two-leg: both sides)
        self.hip = analysis.signals.series("hip_extension_working_deg")
        if self.hip is None:
            self.hip = analysis.signals.series("hip_extension_deg")
        self.head = analysis.signals.series("head_neck_deg")
        self.sig_t = np.asarray(analysis.signals.t, dtype=np.float64)
        # a rep counts at its end; the last one ends with the clip, one frame past its last
        # frame's time: it counts on that last frame, so the counter reaches the total
        last_t = float(self.track.t[-1]) if len(self.track.t) else np.inf
        self.rep_ends = np.sort([min(s.end_s, last_t) for s in self.report.reps])
        self.holds = [(s.start_s, s.end_s) for s in self.report.segments if s.kind == "hold"]
        self.one_leg = [
            (s.start_s, s.end_s, s.side or "one")
            for s in self.report.segments
            if s.kind == "single_leg"
        ]
        self.faults = _fault_spans(self.report)
        dt = np.diff(self.track.t)
        step = float(np.median(dt)) if dt.size else 1.0 / max(self.track.fps, 1.0)
        self.tolerance_s = MATCH_TOLERANCE_STEPS * step + 1e-6

    def _nearest(self, times: np.ndarray, t: float) -> int | None:
        if times.size == 0:
            return None
        i = int(np.clip(np.searchsorted(times, t), 1, times.size - 1)) if times.size > 1 else 0
        if times.size > 1 and abs(times[i - 1] - t) <= abs(times[i] - t):
            i -= 1
        return i if abs(times[i] - t) <= self.tolerance_s else None

    def _value(self, arr: np.ndarray | None, i: int | None) -> float | None:
        if arr is None or i is None or i >= arr.size or not np.isfinite(arr[i]):
            return None
        return float(arr[i])

    def _landmarks(self, i: int | None, size: tuple[int, int]) -> np.ndarray | None:
        return None if i is None else landmarks_px(self.track.image[i], size)

    def _hold(self, t: float) -> tuple[float | None, float]:
        current, longest = None, 0.0
        for start, end in self.holds:
            if start <= t < end:
                current = t - start
            if end <= t:
                longest = max(longest, end - start)
        return current, max(longest, current or 0.0)

    def at(self, index: int, t: float, size: tuple[int, int]) -> FrameState:
        """The state of frame ``index`` at ``t`` seconds; ``size`` is the frame's (w, h)."""
        ti = self._nearest(self.track.t, t)
        si = self._nearest(self.sig_t, t)
        hold, longest = self._hold(t)
        faults = tuple(dict.fromkeys(w for s, e, w in self.faults if s <= t < e))
        return FrameState(
            index=index,
            t=t,
            landmarks_px=self._landmarks(ti, size),
            hip_extension_deg=self._value(self.hip, si),
            head_neck_deg=self._value(self.head, si),
            reps_done=int(np.searchsorted(self.rep_ends, t, side="right")),
            reps_total=int(self.rep_ends.size),
            hold_s=hold,
            longest_hold_s=longest,
            one_leg=next(
                (f"{side} leg {t - a:.1f} s" for a, b, side in self.one_leg if a <= t < b), None
            ),
            faults=faults,
        )


# -- H.264 writing -------------------------------------------------------------------------------


#: x264 settings: "ultrafast" keeps the annotated video cheap next to the analysis (about 3 ms
#: a 720p frame here against 12 ms for "veryfast"); files are larger, quality at CRF 23 is fine
DEFAULT_PRESET = "ultrafast"
DEFAULT_CRF = 23
#: frames queued between drawing and encoding
QUEUE_FRAMES = 4


class VideoSink:
    """An H.264 (libx264, yuv420p) mp4 written frame by frame, atomically on close.

    Odd widths or heights are padded by one pixel (yuv420p needs even sizes). Frames are
    timed by their ``t`` (seconds), so a variable-frame-rate source keeps its timing.
    """

    TIME_BASE = Fraction(1, 90000)

    def __init__(
        self,
        path: str | Path,
        *,
        fps: float,
        width: int | None = None,
        height: int | None = None,
        crf: int = DEFAULT_CRF,
        preset: str = DEFAULT_PRESET,
    ) -> None:
        self.path = Path(path)
        self.fps = fps if fps and fps > 0 else 30.0
        self.crf = crf
        self.preset = preset
        self.width = 0 if width is None else width + width % 2
        self.height = 0 if height is None else height + height % 2
        self._tmp = part_path(self.path)
        self._container: Any = None
        self._stream: Any = None
        self._last_pts = -1
        self.frames = 0
        #: frames waiting for the writer thread (a few, so memory stays flat)
        self._queue: queue.Queue[tuple[np.ndarray, int] | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._thread: threading.Thread | None = None
        self._error: Exception | None = None

    def __enter__(self) -> VideoSink:
        import av

        check_target(self.path, "video")  # a folder is refused before any frame is encoded
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._container = av.open(
                str(self._tmp), "w", format="mp4", options={"movflags": "+faststart"}
            )
        except (OSError, av.FFmpegError) as err:
            discard(self._tmp)
            raise OutputError(f"cannot write video {self.path}: {reason(err)}") from err
        return self

    def _open_stream(self, w: int, h: int) -> None:
        """The stream is made at the first frame, so its size is the frames' own (rotated) size."""
        if not self.width:
            self.width, self.height = w + w % 2, h + h % 2
        rate = Fraction(round(self.fps * 1000), 1000)
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        stream.codec_context.time_base = self.TIME_BASE
        stream.options = {"crf": str(self.crf), "preset": self.preset}
        self._stream = stream

    def write(self, rgb: np.ndarray, t: float | None = None) -> None:
        """Queue one RGB frame shown at ``t`` seconds; encoding runs on a writer thread.

        The caller must not modify ``rgb`` afterwards (it is encoded later).
        """
        if self._error is not None:
            raise OutputError(
                f"cannot write video {self.path}: {reason(self._error)}"
            ) from self._error
        h, w = rgb.shape[:2]
        if self._stream is None:
            self._open_stream(w, h)
            self._thread = threading.Thread(
                target=self._encode_loop, name="formcheck-x264", daemon=True
            )
            self._thread.start()
        t = self.frames / self.fps if t is None else t
        pts = max(self._last_pts + 1, round(t / self.TIME_BASE))
        self._last_pts = pts
        self._queue.put((rgb, pts))
        self.frames += 1

    def _fit(self, rgb: np.ndarray) -> np.ndarray:
        h, w = rgb.shape[:2]
        if w > self.width or h > self.height:
            size = (min(w, self.width), min(h, self.height))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
            h, w = rgb.shape[:2]
        if (w, h) != (self.width, self.height):
            rgb = cv2.copyMakeBorder(
                rgb, 0, self.height - h, 0, self.width - w, cv2.BORDER_REPLICATE
            )
        return np.ascontiguousarray(rgb)

    def _encode(self, rgb: np.ndarray, pts: int) -> None:
        import av

        # OpenCV's RGB→I420 is several times faster than the encoder's own conversion
        yuv = np.asarray(cv2.cvtColor(self._fit(rgb), cv2.COLOR_RGB2YUV_I420), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts, frame.time_base = pts, self.TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def _encode_loop(self) -> None:
        """Writer thread: convert and encode queued frames (PyAV releases the GIL meanwhile)."""
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._encode(*item)
                except Exception as err:  # handed to the caller's next write or close
                    self._error = err

    def _stop_thread(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _finish(self) -> bool:
        """Flush the encoder and close the file; True when a complete video was written."""
        import av

        ok = False
        try:
            if self._error is None and self._stream is not None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
                ok = self.frames > 0
        except (OSError, av.FFmpegError) as err:
            self._error = err
        try:
            self._container.close()
        except (OSError, av.FFmpegError) as err:
            self._error = self._error or err
            ok = False
        return ok

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop_thread()
        if self._container is None:  # never opened: nothing written, nothing to clean up
            return
        ok = self._finish() if exc_type is None else False
        if exc_type is not None:
            try:
                self._container.close()
            except Exception:  # already failing: the caller's error is the one to report
                log.debug("closing the half-written video failed", exc_info=True)
        if ok:
            publish(self._tmp, self.path, "video")
            return
        discard(self._tmp)
        if exc_type is None and self._error is not None:
            raise OutputError(
                f"cannot write video {self.path}: {reason(self._error)}"
            ) from self._error
        if exc_type is None:
            raise OutputError(f"no frames to write to {self.path}")


def annotate_frames(
    frames: Iterable[Any],
    analysis: Analysis,
    annotator: Annotator | None = None,
    on_frame: Callable[[Any], None] | None = None,
) -> Iterable[tuple[Any, np.ndarray]]:
    """Yield (frame, annotated RGB image) for each `formcheck.video.Frame`; ``on_frame`` sees
    each frame before anything is drawn on it."""
    states = FrameStates(analysis)
    annotator = annotator or default_annotator()
    for frame in frames:
        if on_frame is not None:
            on_frame(frame)
        # decoded frames are not reused, so overlays draw on them (a copy only if not contiguous)
        img = np.ascontiguousarray(frame.image)
        if not img.flags.writeable:
            img = img.copy()
        state = states.at(frame.index, frame.t, (img.shape[1], img.shape[0]))
        yield frame, annotator.annotate(img, state)


def write_annotated_video(
    analysis: Analysis,
    out_path: str | Path,
    *,
    clip_path: str | Path | None = None,
    annotator: Annotator | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    on_frame: Callable[[Any], None] | None = None,
) -> Path:
    """Render the analysed clip with overlays to ``out_path`` (H.264 mp4); returns the path.

    ``clip_path`` defaults to the clip the report names. Raises `OutputError` when the file
    cannot be written; a half-written video never replaces an existing one.
    """
    from formcheck.video import open_video

    clip = Path(clip_path or analysis.report.clip.path)
    # a folder of images plays at the rate it was analysed at
    with open_video(clip, image_fps=analysis.report.clip.fps or None) as source:
        info = source.info
        with VideoSink(out_path, fps=info.fps) as sink:
            for i, (frame, img) in enumerate(
                annotate_frames(source, analysis, annotator, on_frame)
            ):
                sink.write(img, frame.t)
                if progress is not None:
                    progress(i + 1, info.frame_count or None)
    log.info("annotated video: %s (%d frames)", out_path, sink.frames)
    return Path(out_path)
