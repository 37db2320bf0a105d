"""`formcheck models`: install the lite and heavy models, build the full-model .task offline,
and list the pose models at hand."""

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
        "Pose models: the full model bundled with mediapipe (the default), the lite and heavy "
        "ones (`formcheck models install`), and .task files for the mediapipe-tasks backend.\n\n"
        "Example:  formcheck models install  then  formcheck analyze clip.mp4 --model heavy"
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


@models_app.command("install")
def install_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Which models: lite, heavy (default both).", show_default=False),
    ] = None,
    tarball: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="An @mediapipe/pose tarball fetched elsewhere (npm pack), instead of running npm.",
        ),
    ] = None,
    npm: Annotated[str, typer.Option("--npm", help="The npm command to run.")] = "npm",
) -> None:
    """Install the lite and heavy BlazePose models for the default backend, once (needs npm and
    internet, or a tarball given with --from). Analysing never downloads anything.

    It fetches the npm package @mediapipe/pose (Apache-2.0) with `npm pack`, checks each
    model's size and SHA-256 against the values formcheck pins, and copies it into the
    installed mediapipe (modules/pose_landmark/), where `--model lite` and `--model heavy`
    find it. Run it again after reinstalling mediapipe.

    Example:  formcheck models install  then  formcheck analyze clip.mp4 --model heavy
    """
    from formcheck.errors import BadSettings
    from formcheck.pose.legacy_models import INSTALLABLE, NPM_SPEC, install_models, modules_dir

    chosen = names or list(INSTALLABLE)
    unknown = [n for n in chosen if n not in INSTALLABLE]
    if unknown:
        raise BadSettings(
            f"cannot install {', '.join(unknown)}: choose from {', '.join(INSTALLABLE)}"
            " (the full model is bundled)"
        )
    written = install_models(chosen, tarball=tarball, npm=npm)
    where = modules_dir()
    if not written:
        typer.echo(f"{' and '.join(chosen)} already installed in {where}")
        return
    sizes = ", ".join(f"{p.name} ({p.stat().st_size / 1e6:.1f} MB)" for p in written)
    typer.echo(f"installed {sizes} from {NPM_SPEC} into {where} (sha256 checked)")


@models_app.command("list")
def list_command(
    models_dir: Annotated[
        Path, typer.Option("--dir", "-d", help="Folder holding .task files.")
    ] = DEFAULT_MODELS_DIR,
) -> None:
    """List the pose models: lite, full and heavy for the default backend (which are
    installed), and any .task files for mediapipe-tasks.

    Example:  formcheck models list --dir models/
    """
    from formcheck.pose.models import list_models

    table = Table(title="pose models")
    table.add_column("name", no_wrap=True)
    for column in ("backend", "installed", "size", "use with"):
        table.add_column(column)
    found = list_models(models_dir)
    for model in found:
        table.add_row(
            model.name,
            model.backend,
            "yes" if model.installed else "no",
            f"{model.size_bytes / 1e6:.1f} MB",
            model.choose_with,
        )
    Console().print(table)
    folders = dict.fromkeys(str(m.path.parent) for m in found)
    typer.echo("in: " + ", ".join(folders))
    if any(not m.installed for m in found):
        typer.echo("not installed: run `formcheck models install` (needs npm and internet once)")
    if not any(m.backend == "mediapipe-tasks" for m in found):
        typer.echo(f"no .task files in {models_dir}; run `formcheck models build-full`")


def register(app: typer.Typer) -> None:
    """Add the `models` command group to the formcheck app."""
    app.add_typer(models_app, name="models")
