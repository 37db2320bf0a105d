"""`formcheck live`: cues on a webcam (or a clip played as if live) while the athlete trains."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import typer

from formcheck.cli.options import (
    BACKEND_HELP,
    MODEL_HELP,
    VARIANT_HELP,
    DrillChoice,
    check_variant,
    parse_drill,
)
from formcheck.errors import OutputError

if TYPE_CHECKING:
    from formcheck.live import Finished, LiveState
    from formcheck.report.annotate import FrameState

WINDOW_TITLE = "formcheck live (q to quit)"


def _frame_state(state: LiveState, index: int, size: tuple[int, int]) -> FrameState:
    from formcheck.report.annotate import FrameState, landmarks_px

    return FrameState(
        index=index,
        t=state.t,
        landmarks_px=None if state.landmarks is None else landmarks_px(state.landmarks, size),
        hip_extension_deg=state.hip_extension_deg,
        head_neck_deg=state.head_neck_deg,
        reps_done=state.reps_done,
        # a running count where the drill has reps (the total is not known live)
        reps_total=None if state.counts == "reps" else 0,
        reps_by_side=tuple(sorted(state.reps_by_side.items())),
        hold_s=state.hold_s,
        longest_hold_s=state.longest_hold_s,
        one_leg=state.one_leg,
        faults=state.faults,
    )


def _note_finished(state: LiveState, finished: list[Finished]) -> None:
    """Keep what has just ended and print its cues as a line each, as they are judged (with
    the window open too: the terminal keeps the set's record)."""
    finished.extend(state.finished)
    for event in state.finished:
        typer.echo(event.line)


def _has_display() -> bool:
    return sys.platform in ("win32", "darwin") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def live_command(
    camera: int = typer.Option(0, "--camera", "-c", help="Webcam index (0 is the default camera)."),
    source: Path | None = typer.Option(None, "--source", help="Play a video file as if it were live, instead of a webcam."),
    drill: DrillChoice = typer.Option(DrillChoice.auto, "--drill", "-d", parser=parse_drill, help="The drill being trained; auto recognises it."),
    variant: str = typer.Option("", "--variant", help=VARIANT_HELP),
    record: Path | None = typer.Option(None, "--record", help="Also save the annotated stream as an H.264 mp4."),
    window: bool = typer.Option(True, "--window/--no-window", help="Show the camera with the overlay in a window."),
    backend: str = typer.Option("mediapipe-legacy", "--backend", help=BACKEND_HELP),
    model: str | None = typer.Option(None, "--model", help=MODEL_HELP),
) -> None:
    """Train in front of a webcam and see the cues live: skeleton, hip and head angle, a rep
    counter (the reps finished so far, by side on a one-leg drill), and each finished rep's
    faults in plain words, on screen (the skeleton red while they show) and in the terminal.

    [bold]Examples[/bold]

      formcheck live --drill single-leg-bridge

      formcheck live --source set1.mp4 --no-window --record set1_live.mp4

    Film from the side at hip height, the whole body in frame. Press q in the window to stop.
    Each rep (a table top: each hold and single-leg phase) prints one line in the terminal,
    its faults or "every key point met", as it ends. No Python on the training machine? The
    live page of `formcheck serve` does the same in a browser (docs/serve.md).
    """
    from formcheck.live import open_coach, summary_line
    from formcheck.report.annotate import VideoSink, default_annotator
    from formcheck.video import open_video

    check_variant(drill, variant)
    if window and not _has_display():
        raise OutputError("no display to show a window: use --no-window (with --record PATH)")
    # the model first: a model that is not installed stops before the camera opens
    coach = open_coach(drill=drill.value, variant=variant, backend=backend, model=model)
    try:
        src = open_video(source if source is not None else camera)
    except BaseException:
        coach.close()
        raise
    coach.fps_hint = src.info.fps or 30.0
    overlay = default_annotator()
    sink: VideoSink | None = None
    state = None
    finished: list[Finished] = []
    try:
        if record:
            # entered first: a recording that cannot be written stops the session at once
            sink = VideoSink(record, fps=src.info.fps or 30.0).__enter__()
        with src:
            for frame in src:
                state = coach.feed(frame.image, frame.t)
                _note_finished(state, finished)
                size = (frame.image.shape[1], frame.image.shape[0])
                shown = overlay.annotate(frame.image.copy(), _frame_state(state, frame.index, size))
                if sink is not None:
                    sink.write(shown, frame.t)
                if window and not _show(shown):
                    break
        last = coach.finish()  # the rep the clip ended in counts too
        if last is not None:
            state = last
            _note_finished(state, finished)
    finally:
        if sink is not None:
            sink.__exit__(None, None, None)
        coach.close()
        if window:
            _close_windows()
    typer.echo(summary_line(state, finished) + (f"; recorded {record}" if record else ""))


def _show(rgb: np.ndarray) -> bool:
    import cv2

    cv2.imshow(WINDOW_TITLE, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return (cv2.waitKey(1) & 0xFF) != ord("q")


def _close_windows() -> None:
    import cv2

    cv2.destroyAllWindows()


def register(app: typer.Typer) -> None:
    app.command("live")(live_command)
