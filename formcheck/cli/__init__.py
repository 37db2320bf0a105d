"""The `formcheck` command line: a thin typer layer over the library API.

Each command group lives in its own module exposing ``register(app)``; this file wires them.
Errors a user can cause (a missing file, not a video, …) end with one line on stderr and a
distinct exit code (see ``formcheck.errors``); set FORMCHECK_DEBUG=1 for the traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

import typer

from formcheck import __version__
from formcheck.cli.helptext import PlainHelpGroup
from formcheck.errors import FormcheckError
from formcheck.memory import limit_malloc_arenas

app = typer.Typer(
    name="formcheck",
    help=(
        "Rep-by-rep form checking for glute-bridge drills from a phone video.\n\n"
        "Start with:  formcheck analyze clip.mp4\n\n"
        "Then:  formcheck drills  (what is checked),  formcheck batch DIR -o OUT  (a session)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    cls=PlainHelpGroup,
)

#: command modules, each with register(app); a module not yet present is skipped
COMMAND_MODULES = ("analyze", "drills", "models", "batch", "synth", "live")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"formcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what formcheck does."),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _register_all() -> None:
    for name in COMMAND_MODULES:
        module_name = f"formcheck.cli.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            continue
        module.register(app)


_register_all()


def main() -> None:
    """Console-script entry point: run the app, turning user errors into one line."""
    limit_malloc_arenas()  # before any model thread starts (formcheck.memory)
    try:
        app()
    except FormcheckError as err:
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        typer.secho(f"formcheck: {err}", fg=typer.colors.RED, err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the last line of defence for a user
        if os.environ.get("FORMCHECK_DEBUG"):
            raise
        typer.secho(
            f"formcheck: unexpected error: {type(err).__name__}: {err} "
            "(set FORMCHECK_DEBUG=1 for details)",
            fg=typer.colors.RED,
            err=True,
        )
        sys.exit(1)
