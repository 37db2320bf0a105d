"""Live coaching: frames in one at a time, cues out while the athlete trains.

`LiveCoach.feed(frame, t)` runs the pose backend on the frame, keeps the last
``window_s`` seconds of landmarks (memory stays flat however long the session), and every
``reanalyse_every_s`` re-runs the same analysis as ``formcheck analyze`` on that window. A rep
is counted, and its cues shown, once it has finished; so are a table top's holds and
single-leg phases (`LiveState.finished` names each as it ends). `LiveCoach.finish` at the end
of the stream counts the rep the stream ended in, as ``formcheck analyze`` counts it (a rep
the end cut has its lowering cues not judged). The angles on screen are smoothed causally
(One Euro), so they never wait for the future.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from formcheck.drills import get_drill
from formcheck.pipeline import Analysis, analyze_track
from formcheck.pose.base import Landmarks, PoseBackend
from formcheck.report.model import CueResult, Report, Segment, Status
from formcheck.report.words import live_line, live_speech, screen_line
from formcheck.signals import compute_signals
from formcheck.types import PoseTrack

log = logging.getLogger(__name__)

#: how long the last finished rep's faults stay on screen
SHOW_FAULTS_S = 4.0
#: a rep is judged once two analyses in a row agree, within this, on when its bottom began:
#: while the hips are still coming down each new look moves the bottom later, and a rep
#: judged then reads as lowered too fast and short of the floor
SETTLED_S = 0.25


@dataclass(frozen=True, kw_only=True)
class Finished:
    """A rep, a hold or a single-leg phase that has just ended, with its cue results."""

    #: "rep", "hold" or "single_leg"
    kind: str
    #: 1 for the session's first of its kind, 2 for the second, …
    number: int
    #: the working side of a one-leg rep or phase, else None
    side: str | None = None
    duration_s: float = 0.0
    results: tuple[CueResult, ...] = ()

    @property
    def line(self) -> str:
        """Its faults in the coach's words, or that every key point was met (one line)."""
        return live_line(self.kind, self.number, self.side, self.duration_s, self.results)

    @property
    def speech(self) -> str:
        """What to say aloud as it ends ("" for nothing)."""
        return live_speech(self.kind, self.number, self.duration_s, self.results)


@dataclass(frozen=True, kw_only=True)
class LiveState:
    """What the live overlay shows after one frame."""

    t: float
    landmarks: np.ndarray | None
    hip_extension_deg: float | None = None
    head_neck_deg: float | None = None
    reps_done: int = 0
    #: the reps of a one-leg drill by working side ({"left": 2, "right": 1}); empty otherwise
    reps_by_side: dict[str, int] = field(default_factory=dict)
    drill: str = ""
    #: what the drill is counted in: "reps", or "holds" (table top: holds and one-leg phases)
    counts: str = "reps"
    view: str = ""
    #: seconds into the hold under way (table top), else None
    hold_s: float | None = None
    longest_hold_s: float = 0.0
    holds_done: int = 0
    #: "right leg 1.2 s" while a single-leg phase is under way (its working side), else None
    one_leg: str | None = None
    #: what ended with this frame (most frames: nothing)
    finished: tuple[Finished, ...] = ()
    #: plain-words lines for the faults of the last finished rep, while they are shown
    faults: tuple[str, ...] = ()
    #: every cue result of the last finished rep
    last_rep: tuple[CueResult, ...] = field(default_factory=tuple)


def _start(seg: Segment) -> float:
    return seg.start_s


def _finished_at(seg: Segment) -> float:
    bottom = [p.start_s for p in seg.phases if p.name == "bottom"]
    return bottom[0] if bottom else seg.end_s


class LiveCoach:
    """Turns a stream of frames into live cues. Not thread-safe: feed from one thread."""

    def __init__(
        self,
        backend: PoseBackend,
        *,
        drill: str = "auto",
        variant: str = "",
        window_s: float = 30.0,
        reanalyse_every_s: float = 0.5,
        fps_hint: float = 30.0,
    ) -> None:
        self.backend = backend
        self.drill = drill
        #: how the athlete chose to do the drill (table top's "toe"), see `Drill.variants`
        self.variant = variant
        self.window_s = window_s
        self.reanalyse_every_s = reanalyse_every_s
        self.fps_hint = fps_hint
        # trimmed by time in feed(); the row cap only guards against a runaway camera clock
        maxlen = int(window_s * 240) + 1
        self._t: deque[float] = deque(maxlen=maxlen)
        self._image: deque[np.ndarray] = deque(maxlen=maxlen)
        self._world: deque[np.ndarray] = deque(maxlen=maxlen)
        self._size = (0, 0)
        self._last_analysis_t = -np.inf
        self._counted_until = -np.inf
        self._reps = 0
        self._reps_by_side: dict[str, int] = {}
        self._longest_hold = 0.0
        self._drill_name = ""
        #: the bridge drill this stream was last recognised as ("" before any)
        self._bridge_seen = ""
        self._counts = "reps"
        self._view = ""
        #: when the reps of the last analysis reached their bottom (see SETTLED_S)
        self._bottoms_seen: list[float] = []
        self._finished: list[Finished] = []
        self._holds = 0
        self._hold_end = -np.inf
        self._holds_counted_until = -np.inf
        self._single_legs = 0
        self._legs_counted_until = -np.inf
        self._one_leg: str | None = None
        self._last_rep: tuple[CueResult, ...] = ()
        self._faults_until = -np.inf
        self._hold_s: float | None = None
        #: start of the hold under way; kept here because a hold may outlast the window
        self._hold_start: float | None = None
        self.analysis: Analysis | None = None

    # -- frames in ------------------------------------------------------------------------------
    def feed(self, frame_rgb: np.ndarray, t: float) -> LiveState:
        """Process one frame taken at ``t`` seconds; returns what to show now."""
        if self._t and t <= self._t[-1]:
            t = self._t[-1] + 1e-3  # cameras repeat timestamps; keep them increasing
        self._size = (frame_rgb.shape[1], frame_rgb.shape[0])
        self._finished = []
        found = self.backend.process(frame_rgb, t)
        self._append(found, t)
        if t - self._last_analysis_t >= self.reanalyse_every_s and len(self._t) > 2:
            self._reanalyse(t)
        return self._state(t, found)

    def _append(self, found: Landmarks | None, t: float) -> None:
        nan = np.full((33, 4), np.nan, dtype=np.float32)
        self._t.append(t)
        self._image.append(found.image if found is not None else nan)
        self._world.append(found.world if found is not None else nan)
        while t - self._t[0] > self.window_s:  # keep the last window_s seconds
            self._t.popleft()
            self._image.popleft()
            self._world.popleft()

    def window(self, last: int | None = None) -> PoseTrack:
        """The kept frames (the last ``window_s`` seconds, or the last ``last`` frames)."""
        n = len(self._t) if last is None else min(last, len(self._t))
        start = len(self._t) - n
        return PoseTrack(
            t=np.fromiter(islice(self._t, start, None), float),
            image=np.stack(list(islice(self._image, start, None))),
            world=np.stack(list(islice(self._world, start, None))),
            size=self._size,
            fps=self.fps_hint,
        )

    # -- analysis -------------------------------------------------------------------------------
    def _reanalyse(self, now: float, ended: bool = False) -> None:
        self._last_analysis_t = now
        track = self.window()
        if ended and track.detected.any():
            # the stream ended after the athlete left the picture (a camera left running, a
            # clip played to its end): the rep under way was cut where they were last seen,
            # as offline analysis cuts the rep a clip ends in, not ended by their leaving
            last_seen = int(np.flatnonzero(track.detected)[-1]) + 1
            track = PoseTrack(t=track.t[:last_seen], image=track.image[:last_seen],
                              world=track.world[:last_seen], size=track.size, fps=track.fps)
        if track.detected.sum() < 3:
            return
        analysis = analyze_track(track, drill=self.drill, variant=self.variant)
        if analysis.report.drill is not None and not analysis.report.drill.is_bridge:
            if self._bridge_seen:
                # lying still between sets: this window shows no bridge, the stream did, and
                # the athlete is still at the same drill
                analysis = analyze_track(track, drill=self._bridge_seen, variant=self.variant)
        self.analysis = analysis
        report = analysis.report
        if report.drill is not None:
            self._drill_name = report.drill.name
            if report.drill.is_bridge:
                self._bridge_seen = report.drill.id
                self._counts = get_drill(report.drill.id).segments
        self._view = report.view.name
        self._count_finished(analysis, now, ended)
        self._update_hold(report, now)
        self._count_single_legs(report, now)

    def finish(self) -> LiveState | None:
        """The stream has ended: analyse the frames since the last analysis and count every
        rep offline analysis counts, the one the stream ended in too (None before any frame)."""
        if not self._t:
            return None
        now = self._t[-1]
        self._reanalyse(now, ended=True)
        return self._state(now, None)

    def _count_finished(self, analysis: Analysis, now: float, ended: bool = False) -> None:
        report = analysis.report
        # a rep is finished once the athlete is back down: its bottom phase has begun (a rep's
        # segment runs on through the rest on the floor until the next lift); at the end of
        # the stream nothing more will come, and every rep counts, settled or not
        edge = np.inf if ended else now - 0.25
        previous, self._bottoms_seen = self._bottoms_seen, []
        for seg in report.segments:
            bottom = _finished_at(seg)
            if seg.kind != "rep" or bottom >= edge:
                continue
            self._bottoms_seen.append(bottom)
            settled = any(abs(bottom - b) <= SETTLED_S for b in previous)
            if seg.start_s <= self._counted_until or not (settled or ended):
                continue
            self._reps += 1
            if seg.side in ("left", "right"):
                self._reps_by_side[seg.side] = self._reps_by_side.get(seg.side, 0) + 1
            self._counted_until = seg.start_s + 0.5 * (seg.end_s - seg.start_s)
            self._last_rep = tuple(report.results_of(seg.index))
            # a good rep clears the last one's faults (and the red skeleton) at once
            faulty = any(r.status is Status.FAULT for r in self._last_rep)
            self._faults_until = now + SHOW_FAULTS_S if faulty else -np.inf
            self._finished.append(
                Finished(
                    kind="rep",
                    number=self._reps,
                    side=seg.side,
                    duration_s=bottom - seg.start_s,
                    results=self._last_rep,
                )
            )

    def _going_on(self, seg: Segment, now: float) -> bool:
        return seg.end_s >= now - 2 * self.reanalyse_every_s

    def _update_hold(self, report: Report, now: float) -> None:
        holds = [s for s in report.segments if s.kind == "hold"]
        last = holds[-1] if holds else None
        going_on = last is not None and self._going_on(last, now)
        if self._hold_start is not None and (
            last is None or not going_on or last.start_s > self._hold_end
        ):
            self._finish_hold(report)
        if last is not None and going_on:
            # the hold goes on: its start is the earlier of what we saw and what the window
            # shows, never before the end of the hold already counted
            start = max(last.start_s, self._holds_counted_until)
            if self._hold_start is None or start < self._hold_start:
                self._hold_start = start
            self._hold_end = last.end_s
            self._hold_s = now - self._hold_start
        else:
            self._hold_start = None
            self._hold_s = None
        for s in holds:
            if s is not last or not going_on:  # the one under way counts through _hold_s
                self._longest_hold = max(self._longest_hold, s.end_s - s.start_s)

    def _finish_hold(self, report: Report) -> None:
        """The hold followed so far has ended: count it, with the results of its segment."""
        assert self._hold_start is not None
        start = self._hold_start
        seen = [
            s
            for s in report.segments
            if s.kind == "hold" and s.end_s >= start and s.start_s <= self._hold_end
        ]
        if seen:
            self._hold_end = seen[-1].end_s  # the latest look at its end is the best one
        self._holds += 1
        self._holds_counted_until = self._hold_end
        duration = self._hold_end - start
        self._longest_hold = max(self._longest_hold, duration)
        results = (
            tuple(report.results_of(seen[-1].index)) if seen else ()
        )
        self._finished.append(
            Finished(kind="hold", number=self._holds, duration_s=duration, results=results)
        )
        self._hold_start = None
        self._hold_s = None

    def _count_single_legs(self, report: Report, now: float) -> None:
        """Single-leg phases of a hold: shown while under way, counted once they end."""
        self._one_leg = None
        phases = sorted((s for s in report.segments if s.kind == "single_leg"), key=_start)
        for seg in phases:
            if seg.start_s <= self._legs_counted_until:
                continue
            if self._going_on(seg, now):
                self._one_leg = f"{seg.side or 'one'} leg {now - seg.start_s:.1f} s"
                continue
            self._single_legs += 1
            self._legs_counted_until = seg.end_s
            self._finished.append(
                Finished(
                    kind="single_leg",
                    number=self._single_legs,
                    side=seg.side,
                    duration_s=seg.end_s - seg.start_s,
                    results=tuple(report.results_of(seg.index)),
                )
            )

    # -- what to show ---------------------------------------------------------------------------
    def _angles(self) -> tuple[float | None, float | None]:
        """Hip and head angles now, from the last second smoothed causally (One Euro)."""
        if self.analysis is None or not self._t:
            return None, None
        tail = self.window(last=max(3, int(self.fps_hint)))
        if not tail.detected[-1]:
            return None, None
        sig = compute_signals(tail, causal=True, view=self.analysis.signals.view)
        out: list[float | None] = []
        for name in (self._hip_signal(), "head_neck_deg"):
            series = sig.values.get(name)
            value = float(series[-1]) if series is not None and len(series) else float("nan")
            out.append(value if np.isfinite(value) else None)
        return out[0], out[1]

    def _hip_signal(self) -> str:
        """The working leg's hip extension while a one-leg rep or phase is under way."""
        segments = self.analysis.report.segments if self.analysis is not None else []
        side = segments[-1].side if segments else None
        return f"hip_extension_{side}_deg" if side in ("left", "right") else "hip_extension_deg"

    def _state(self, t: float, found: Landmarks | None) -> LiveState:
        hip, head = self._angles()
        showing = t <= self._faults_until
        faults = tuple(screen_line(r) for r in self._last_rep if r.status is Status.FAULT)
        return LiveState(
            t=t,
            landmarks=found.image if found is not None else None,
            hip_extension_deg=hip,
            head_neck_deg=head,
            reps_done=self._reps,
            reps_by_side=dict(self._reps_by_side),
            drill=self._drill_name,
            counts=self._counts,
            view=self._view,
            hold_s=self._hold_s,
            longest_hold_s=max(self._longest_hold, self._hold_s or 0.0),
            holds_done=self._holds,
            one_leg=self._one_leg,
            finished=tuple(self._finished),
            faults=faults if showing else (),
            last_rep=self._last_rep,
        )

    def close(self) -> None:
        self.backend.close()


def summary_line(state: LiveState | None, finished: list[Finished] | tuple[Finished, ...]) -> str:
    """What the session counted: reps, or a table top's holds (with their times) and
    single-leg phases."""
    if state is None or state.counts == "reps":
        return f"reps counted: {state.reps_done if state is not None else 0}"
    holds = [e.duration_s for e in finished if e.kind == "hold"]
    if state.hold_s is not None:
        holds.append(state.hold_s)  # still holding when the stream stopped
    legs = [e for e in finished if e.kind == "single_leg"]
    line = f"holds: {len(holds)}"
    if holds:
        line += " (" + ", ".join(f"{d:.1f} s" for d in holds) + ")"
    line += f"; single-leg phases: {len(legs)}"
    if legs:
        line += " (" + ", ".join(f"{e.side or 'one'} leg {e.duration_s:.1f} s" for e in legs) + ")"
    return line


def hold_marks_s(drill: str = "table-top") -> tuple[float, ...]:
    """The marks a held drill's hold is timed against (table top: 10 s, 20 s, 2 min)."""
    cue = "tth.duration"
    return tuple(get_drill(drill).param(cue, k) for k in ("mark_1_s", "mark_2_s", "mark_3_s"))


def open_coach(
    *,
    drill: str = "auto",
    variant: str = "",
    backend: str = "mediapipe-legacy",
    model: str | None = None,
    fps_hint: float = 30.0,
) -> LiveCoach:
    """A `LiveCoach` on the pose backend and model `formcheck analyze` would pick for these
    options (`formcheck live` and the service's live page both start one here)."""
    from formcheck.pose.base import get_backend
    from formcheck.pose.models import choose_pose_model

    backend, chosen = choose_pose_model(backend, model)
    return LiveCoach(
        get_backend(backend, model=chosen), drill=drill, variant=variant, fps_hint=fps_hint
    )
