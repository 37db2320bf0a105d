"""`formcheck analyze` and `formcheck track`: one clip in, a report (or a pose track) out."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from formcheck.cli.options import (
    BACKEND_HELP,
    FPS_HELP,
    IMAGE_FPS_HELP,
    MAX_FPS_HELP,
    MODEL_HELP,
    VARIANT_HELP,
    DrillChoice,
    check_variant,
    finite_rate,
    load_settings,
    no_cap_if_zero,
    parse_drill,
    progress_bar,
)
from formcheck.errors import InputNotFound, NoPersonFound, NotABridge, OutputError
from formcheck.fileio import reason
from formcheck.video import DEFAULT_MAX_FPS


@contextmanager
def writing_stdout(what: str) -> Iterator[None]:
    """Turn a failed write to stdout (a full disk, a closed pipe) into one `OutputError`."""
    try:
        yield
        sys.stdout.flush()
    except OSError as err:
        _drop_stdout()
        raise OutputError(f"cannot write {what} to stdout: {reason(err)}") from err


def _drop_stdout() -> None:
    """Point stdout at the null device, so the unwritten rest is not tried again at exit."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test runner's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def _check_clip(clip: Path) -> None:
    if not clip.exists():
        raise InputNotFound(f"{clip}: no such file or folder")


def analyze_command(
    clip: Path = typer.Argument(..., help="A video file (mp4/mov/m4v/avi/webm) or a folder of images."),
    drill: DrillChoice = typer.Option(DrillChoice.auto, "--drill", "-d", parser=parse_drill, help="Which drill the clip shows; auto recognises it from the pose, or says the clip is none of them and judges nothing (exit 12). A drill named is judged as asked, with a warning if the movement does not look like it."),
    json_path: Path | None = typer.Option(None, "--json", help="Write the full report as JSON here ('-' for stdout)."),
    html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML report here."),
    video: Path | None = typer.Option(None, "--video", help="Write an annotated H.264 video here."),
    csv: Path | None = typer.Option(None, "--csv", help="Write one CSV row per rep here."),
    set_: list[str] = typer.Option([], "--set", help="Override a threshold: cue.id.param=value (repeatable). See `formcheck drills`."),
    config: Path | None = typer.Option(None, "--config", help="A TOML file of threshold overrides."),
    variant: str = typer.Option("", "--variant", help=VARIANT_HELP),
    backend: str = typer.Option("mediapipe-legacy", "--backend", help=BACKEND_HELP),
    model: str | None = typer.Option(None, "--model", help=MODEL_HELP),
    fps: float | None = typer.Option(None, "--fps", min=1.0, callback=finite_rate, help=FPS_HELP),
    max_fps: float | None = typer.Option(DEFAULT_MAX_FPS, "--max-fps", callback=no_cap_if_zero, help=MAX_FPS_HELP),
    image_fps: float | None = typer.Option(
        None, "--image-fps", min=0.1, callback=finite_rate, help=IMAGE_FPS_HELP
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Run the pose model even if this clip's track is cached."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Check the form in one clip, rep by rep, and print what was met and what was missed.

    [bold]Examples[/bold]

      formcheck analyze sample_videos/single_leg_bridge_clean_side.mp4

      formcheck analyze set1.mov --json set1.json --html set1.html

      formcheck analyze set1.mp4 --set slgb.squeeze_top.min_top_pause_s=2

      formcheck analyze hold.mp4 --drill table-top --variant toe

    The pose track is cached by the clip's content, so a second run with other thresholds
    skips the pose model and takes milliseconds.

    Exit codes: 0 judged; 3 missing, 4 not a video, 5 empty, 6 truncated, 7 no person,
    8 model, 9 settings, 10 output; 12 not a bridge drill (the report says why);
    13 pose model not installed (`formcheck models install`).
    """
    from formcheck.pipeline import analyze
    from formcheck.report.console import render_console
    from formcheck.report.serialize import report_to_json, write_report_json

    _check_clip(clip)
    settings = load_settings(set_, config)
    check_variant(drill, variant)
    with progress_bar("tracking", enabled=not quiet) as update:
        result = analyze(
            clip,
            drill=drill.value,
            variant=variant,
            backend=backend,
            model=model,
            fps=fps,
            max_fps=max_fps,
            settings=settings,
            use_cache=not no_cache,
            progress=update,
            image_fps=image_fps,
        )
    report = result.report
    if json_path is not None and str(json_path) == "-":
        with writing_stdout("the report"):
            sys.stdout.write(report_to_json(report) + "\n")
    elif json_path is not None:
        write_report_json(report, json_path)
    if html or video or csv:
        from formcheck.report.outputs import write_outputs

        write_outputs(result, html=html, video=video, csv=csv)
    if not quiet and str(json_path) != "-":
        with writing_stdout("the summary"):
            render_console(report)
    if report.detection.nobody:
        # the report (and any JSON/HTML asked for) says so too; the exit code lets scripts know
        raise NoPersonFound(
            f"{clip}: no person found in any of its {report.detection.frames_total} frames"
        )
    if report.drill is not None and not report.drill.is_bridge:
        raise NotABridge(
            f"{clip}: not a bridge drill: {'; '.join(report.drill.not_a_bridge)}"
            " (nothing judged; choose a drill with --drill to judge it anyway)"
        )


def track_command(
    clip: Path = typer.Argument(..., help="A video file or a folder of images."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the track (.npz)."),
    backend: str = typer.Option("mediapipe-legacy", "--backend", help=BACKEND_HELP),
    model: str | None = typer.Option(None, "--model", help=MODEL_HELP),
    fps: float | None = typer.Option(None, "--fps", min=1.0, callback=finite_rate, help=FPS_HELP),
    max_fps: float | None = typer.Option(DEFAULT_MAX_FPS, "--max-fps", callback=no_cap_if_zero, help=MAX_FPS_HELP),
    image_fps: float | None = typer.Option(
        None, "--image-fps", min=0.1, callback=finite_rate, help=IMAGE_FPS_HELP
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Run the pose model even if this clip's track is cached."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run only the pose model and save the PoseTrack (landmarks per frame) as .npz.

    [bold]Example[/bold]

      formcheck track set1.mp4 -o set1.npz

    Load it in Python with `formcheck.PoseTrack.load("set1.npz")` and re-analyse it with
    `formcheck.analyze_track(track)` without running the model again. The track also goes into
    the cache that analyze reads, so `formcheck analyze set1.mp4` then skips the pose model.
    """
    from formcheck.pipeline import track_clip

    _check_clip(clip)
    with progress_bar("tracking", enabled=not quiet) as update:
        result = track_clip(
            clip,
            backend=backend,
            model=model,
            fps=fps,
            max_fps=max_fps,
            use_cache=not no_cache,
            progress=update,
            image_fps=image_fps,
        )
    result.track.save(output)
    if not quiet:
        for warning in result.warnings:
            typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
        found = float(result.track.detected.mean()) if len(result.track) else 0.0
        summary = {
            "track": str(output),
            "frames": len(result.track),
            "person_found": round(found, 3),
            "cached": result.cached,
        }
        with writing_stdout("the summary"):
            typer.echo(json.dumps(summary))


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
    app.command("track")(track_command)
