"""`formcheck batch DIR -o OUT`: every clip of a session folder, one table for the coach."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from formcheck.cli.options import (
    BACKEND_HELP,
    FPS_HELP,
    MAX_FPS_HELP,
    MODEL_HELP,
    VARIANT_HELP,
    DrillChoice,
    check_variant,
    finite_rate,
    load_settings,
    no_cap_if_zero,
    parse_drill,
    progress_columns,
)
from formcheck.video import DEFAULT_MAX_FPS

if TYPE_CHECKING:
    from formcheck.server.config import ServerConfig

#: exit code when the batch ran but at least one clip failed (the summary says which)
EXIT_SOME_FAILED = 11


def failure_line(outcome: Any) -> str:
    """``b/2.mp4: the file is empty``: the clip once, not again as the error's own path prefix."""
    path, sep, rest = str(outcome.error).partition(": ")
    error = rest if sep and path.replace("\\", "/").endswith(outcome.rel) else outcome.error
    return f"{outcome.rel}: {error}"


class ExecutorChoice(str, Enum):
    local = "local"
    serial = "serial"
    dask = "dask"


@contextmanager
def _progress(enabled: bool, console: Console) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    with Progress(*progress_columns("clips"), console=console, transient=True) as bar:
        task = bar.add_task("analysing", total=None)

        def update(done: int, total: int, outcome: Any) -> None:
            bar.update(task, completed=done, total=total)
            if outcome.status == "error":
                bar.console.print(f"[red]failed[/red] {failure_line(outcome)}", highlight=False)

        yield update


def batch_command(
    folder: Annotated[
        Path, typer.Argument(help="The session folder; clips are found in it and its sub-folders.")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where the reports, index.html and summary.csv go."),
    ],
    name_pattern: Annotated[
        str | None,
        typer.Option(
            "--name-pattern",
            help="Regex on the clip's path under FOLDER giving the athlete: group 'athlete' or group 1 "
            "(default: the first sub-folder's name).",
        ),
    ] = None,
    executor: Annotated[
        ExecutorChoice, typer.Option("--executor", help="local (process pool), serial, or dask.")
    ] = ExecutorChoice.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address (tcp://host:8786) for --executor dask."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", min=1, help="Worker processes (default: one per core)."),
    ] = None,
    video: Annotated[
        bool, typer.Option("--video", help="Also write each clip's annotated video (slower).")
    ] = False,
    drill: Annotated[
        DrillChoice,
        typer.Option(
            "--drill", "-d", parser=parse_drill, help="The drill of every clip; auto recognises each."
        ),
    ] = DrillChoice.auto,
    variant: Annotated[str, typer.Option("--variant", help=VARIANT_HELP)] = "",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a threshold: cue.id.param=value (repeatable)."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="A TOML file of threshold overrides.")
    ] = None,
    backend: Annotated[str, typer.Option("--backend", help=BACKEND_HELP)] = "mediapipe-legacy",
    model: Annotated[str | None, typer.Option("--model", help=MODEL_HELP)] = None,
    fps: Annotated[
        float | None, typer.Option("--fps", min=1.0, callback=finite_rate, help=FPS_HELP)
    ] = None,
    max_fps: Annotated[
        float | None, typer.Option("--max-fps", callback=no_cap_if_zero, help=MAX_FPS_HELP)
    ] = DEFAULT_MAX_FPS,
    force: Annotated[
        bool, typer.Option("--force", help="Redo every clip, even those whose report is current.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar; only the final lines.")
    ] = False,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="Then add the clips to the history of `formcheck serve --data DATA`: each "
            "athlete's clips beside their uploads (clips imported before are skipped).",
            metavar="DATA",
        ),
    ] = None,
    coach: Annotated[
        str | None,
        typer.Option(
            "--coach",
            help="With --into: the coach whose athletes these are (default: the only coach).",
            metavar="EMAIL",
        ),
    ] = None,
    into_database: Annotated[
        str | None,
        typer.Option(
            "--into-database",
            help="With --into: the service's database URL when it is not the SQLite file in "
            "DATA (as `formcheck serve --database`).",
            metavar="URL",
        ),
    ] = None,
) -> None:
    """Review a whole session: analyse every clip under FOLDER on all cores.

    Writes OUT/<clip>/report.html, report.json, reps.csv (and annotated.mp4 with --video),
    OUT/index.html (a sortable table: athlete, drill, reps, faults, longest hold, links) and
    OUT/summary.csv. A second run skips clips whose report is current (same content and
    settings), so an interrupted batch picks up where it stopped. A clip that fails is listed
    with its error and the batch goes on; the exit code is 11 when any clip failed.

    [bold]Examples[/bold]

      formcheck batch sessions/2024-05-02 -o review

      formcheck batch clips -o review --name-pattern '(?P<athlete>\\w+)_set\\d+'

      formcheck batch clips -o review --executor dask --scheduler tcp://host:8786

      formcheck batch clips -o review --into ~/club-data --coach me@club.example

    With --into DATA the batch's clips then join the history of `formcheck serve --data DATA`
    (the athletes found by name under the coach, made when new); OUT is left as it is.
    """
    from formcheck.batch import BatchOptions, run_batch
    from formcheck.pose.models import choose_pose_model
    from formcheck.settings import overrides_line

    console = Console(stderr=True)
    settings = load_settings(set_ or [], config)
    check_variant(drill, variant)
    choose_pose_model(backend, model)  # a model not installed stops the batch before any clip
    options = BatchOptions(
        drill=drill.value,
        variant=variant,
        video=video,
        backend=backend,
        model=model,
        fps=fps,
        max_fps=max_fps,
        settings=settings,
    )
    if settings is not None and settings.changed():  # every clip is judged with them: say it
        console.print(overrides_line(settings.changed()), highlight=False)
    server = _server_target(into, coach, into_database)  # a missing coach stops the batch before any clip
    with _progress(not quiet, console) as update:
        result = run_batch(
            folder,
            output,
            options=options,
            name_pattern=name_pattern,
            executor=executor.value,
            workers=workers,
            scheduler=scheduler,
            force=force,
            progress=update,
        )
    _print_summary(result, console, quiet)
    if server is not None:
        from formcheck.server.importer import import_batch

        service, email = server
        imported = import_batch(service, output, coach_email=email)
        typer.echo(f"into {service.data_dir} (coach {email}): {imported.line()}")
        for rel, reason in imported.problems:
            console.print(f"not imported: {rel}: {reason}", highlight=False)
    if result.failed:
        raise typer.Exit(EXIT_SOME_FAILED)


def _server_target(
    into: Path | None, coach: str | None, database: str | None = None
) -> tuple[ServerConfig, str] | None:
    """(the service's settings, the coach's e-mail) for ``--into``, checked before the batch
    runs; None without ``--into``."""
    if into is None:
        for given, name in ((coach, "--coach"), (database, "--into-database")):
            if given is not None:
                raise typer.BadParameter(f"{name} goes with --into DATA", param_hint=name)
        return None
    from formcheck.server.config import ServerConfig
    from formcheck.server.importer import find_coach, only_coach_email
    from formcheck.server.migrate import migrate
    from formcheck.server.store import Store

    config = ServerConfig(data_dir=into, database_url=database or "")
    if coach is None:
        return config, only_coach_email(config)
    migrate(config.db_url)
    return config, find_coach(Store(config.db_url), coach).email


def _print_summary(result: Any, console: Console, quiet: bool) -> None:
    from formcheck.batch import NOT_A_BRIDGE_STATUS

    n = len(result.outcomes)
    line = (
        f"{n} clip{'s' * (n != 1)}: {len(result.analysed)} analysed, {len(result.skipped)} kept from "
        f"before (current), {len(result.failed)} failed"
    )
    not_bridge = [o for o in result.outcomes if o.row.get("status") == NOT_A_BRIDGE_STATUS]
    if not_bridge:
        line += f"; {len(not_bridge)} not a bridge drill (nothing judged)"
    if result.ignored:
        line += f"; {len(result.ignored)} non-video file(s) left alone"
    console.print(line, highlight=False)
    for o in not_bridge if not quiet else ():
        console.print(f"not a bridge drill: {o.rel}: {o.row.get('error', '')}", highlight=False)
    if quiet:
        for o in result.failed:
            console.print(f"failed {failure_line(o)}", highlight=False)
    else:
        _attention(result, console)
    typer.echo(f"index: {result.index_html}")
    typer.echo(f"summary: {result.summary_csv}")


#: at most this many clips in the "needs attention" table (the index has them all)
ATTENTION_ROWS = 15


def _attention(result: Any, console: Console) -> None:
    """The clips a coach should look at first: faults, most first."""
    from rich.table import Table

    flagged = sorted(
        (o for o in result.outcomes if o.status != "error" and int(o.row.get("faults") or 0) > 0),
        key=lambda o: -int(o.row.get("faults") or 0),
    )
    if not flagged:
        return
    table = Table(title="Needs attention", title_justify="left", show_edge=False)
    for column in ("athlete", "clip", "drill", "reps", "faults", "which"):
        table.add_column(column, justify="right" if column in ("reps", "faults") else "left")
    for o in flagged[:ATTENTION_ROWS]:
        r = o.row
        which = ", ".join(dict.fromkeys(str(r.get("fault_cues", "")).split(";")))
        table.add_row(
            str(r.get("athlete", "")),
            o.rel,
            str(r.get("drill", "")),
            str(r.get("reps", "")),
            str(r.get("faults", "")),
            which,
        )
    console.print(table)
    if len(flagged) > ATTENTION_ROWS:
        console.print(f"… and {len(flagged) - ATTENTION_ROWS} more in the index", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("batch")(batch_command)
