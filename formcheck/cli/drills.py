"""`formcheck drills`: the drills, every cue with the article's words, and its thresholds."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from formcheck.drills import DRILLS, Cue, Drill, get_drill
from formcheck.errors import BadSettings
from formcheck.settings import Settings


def _cue_dict(cue: Cue) -> dict[str, Any]:
    return {
        "id": cue.id,
        "key_point": cue.key_point,
        "check": cue.check_text,
        "kind": cue.kind,
        "applies_to": cue.applies_to,
        "thresholds": {f"{cue.id}.{k}": v for k, v in cue.params.items()},
        "views": list(cue.views_needed),
    }


def drills_as_dict(drills: list[Drill]) -> dict[str, Any]:
    """The catalogue as plain data (what ``--json`` prints)."""
    return {
        "drills": [
            {
                "id": d.id,
                "name": d.name,
                "description": d.description,
                "segments": d.segments,
                "cues": [_cue_dict(c) for c in d.cues],
            }
            for d in drills
        ]
    }


def _table(drill: Drill) -> Table:
    table = Table(title=f"{drill.name}  ({drill.id})", title_justify="left", show_lines=False)
    table.add_column("cue")
    table.add_column("article")
    table.add_column("check")
    table.add_column("thresholds (--set key=value)")
    table.add_column("views")
    for c in drill.cues:
        thresholds = "\n".join(f"{c.id}.{k} = {v:g}" for k, v in c.params.items()) or "-"
        views = "coach check" if c.coach_check else ", ".join(c.views_needed) or "-"
        kind = "" if c.kind == "fault" else f" [{c.kind}]"
        table.add_row(c.id, c.key_point, c.check_text + kind, thresholds, views)
    return table


def drills_command(
    drill: Annotated[str | None, typer.Argument(help="One drill id (default: all three).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Show thresholds with overrides applied: cue.id.param=value."),
    ] = None,
) -> None:
    """List the drills and every cue: the article's words, what is measured, the thresholds
    (with the key to change each), and the camera views that can judge it."""
    settings = Settings.load(set_ or [])
    try:
        chosen = [get_drill(drill)] if drill else list(DRILLS.values())
    except KeyError as err:
        raise BadSettings(str(err.args[0])) from None
    chosen = [settings.drill(d) for d in chosen]
    if as_json:
        typer.echo(json.dumps(drills_as_dict(chosen), indent=2, ensure_ascii=False))
        return
    console = Console()
    for d in chosen:
        console.print(_table(d))
    console.print(
        "Change a threshold:  formcheck analyze clip.mp4 --set slgb.hips_up.min_peak_hip_extension_deg=160"
    )


def register(app: typer.Typer) -> None:
    """Add ``formcheck drills`` to the app."""
    app.command("drills")(drills_command)
