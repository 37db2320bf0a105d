"""`formcheck models`: build the full-model .task offline, and list the pose models at hand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from formcheck.cli.helptext import PlainHelpGroup
from formcheck.pose.models import DEFAULT_MODELS_DIR

models_app = typer.Typer(
    cls=PlainHelpGroup,
    name="models",
    help=(
        "Pose models: the full model bundled with mediapipe, and .task files for the "
        "mediapipe-tasks backend.\n\n"
        "Example:  formcheck models build-full  then  "
        "formcheck analyze clip.mp4 --backend mediapipe-tasks --model models/pose_landmarker_full.task"
    ),
    no_args_is_help=True,
)


@models_app.command("build-full")
def build_full_command(
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder to write pose_landmarker_full.task into."),
    ] = DEFAULT_MODELS_DIR,
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace an existing file.")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check/--no-check", help="Load the built model in PoseLandmarker to verify it."
        ),
    ] = True,
) -> None:
    """Assemble pose_landmarker_full.task from the tflite files inside the installed mediapipe
    wheel (no download), adding the metadata the landmark model lacks.

    Example:  formcheck models build-full -o models/
    """
    from formcheck.pose.models import FULL_TASK_NAME, build_full_task, check_task

    existing = Path(out_dir) / FULL_TASK_NAME
    if existing.exists() and not force:
        if check:
            check_task(existing)  # a broken file is a ModelError that says so
        verified = ", and PoseLandmarker loads it" if check else ""
        typer.echo(f"{existing} already exists{verified} (use --force to rebuild it)")
        return
    path = build_full_task(out_dir, overwrite=force)
    if check:
        check_task(path)
    size_mb = path.stat().st_size / 1e6
    verified = " and checked that PoseLandmarker loads it" if check else ""
    typer.echo(f"wrote {path} ({size_mb:.1f} MB){verified}")


@models_app.command("list")
def list_command(
    models_dir: Annotated[
        Path, typer.Option("--dir", "-d", help="Folder holding .task files.")
    ] = DEFAULT_MODELS_DIR,
) -> None:
    """List the pose models formcheck can use: the bundled one and any .task files.

    Example:  formcheck models list --dir models/
    """
    from formcheck.pose.models import list_models

    table = Table(title="pose models")
    for column in ("name", "backend", "size", "path"):
        table.add_column(column)
    found = list_models(models_dir)
    for model in found:
        table.add_row(
            model.name, model.backend, f"{model.size_bytes / 1e6:.1f} MB", str(model.path)
        )
    Console().print(table)
    if not any(m.backend == "mediapipe-tasks" for m in found):
        typer.echo(f"no .task files in {models_dir}; run `formcheck models build-full`")


def register(app: typer.Typer) -> None:
    """Add the `models` command group to the formcheck app."""
    app.add_typer(models_app, name="models")
