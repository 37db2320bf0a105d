"""`formcheck synth`: render a digital athlete doing a drill, with ground truth beside the clip.

Needs the extra ``formcheck-synth[render]`` (torch, anny, pyrender) and Mesa's EGL; the
entry point `formcheck.commands` (this distribution's pyproject.toml) adds it to `formcheck`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer

from formcheck.errors import BadSettings

FAULT_HELP = (
    "A fault with its magnitude, NAME=VALUE (repeatable): "
    "extension_short_deg=15, top_pause_s=0.3, lower_s=0.6, drop=1, bottom_rest_s=2, "
    "bottom_gap_frac=0.4, pelvis_tilt_deg=15, hip_sag_deg=12, heel_down=1, "
    "support_slide_shin=0.3, head_pitch_deg=35, arms=sides, knee_gap_ratio=0.7, "
    "knee_gap_wobble=0.3, shoulder_height_m=0.2, heels_up_cm=4, knee_angle_deg=130, "
    "hold_dip=3,1.5,30 (after s, for s, depth deg), reps=0,2 (which reps)."
)


def _field_value(name: str, text: str, annotation: str) -> Any:
    text = text.strip()
    if "tuple" in annotation:
        parts = [p for p in text.split(",") if p]
        cast = int if "int" in annotation else float
        return tuple(cast(p) for p in parts)
    if annotation.startswith("bool"):
        if text.lower() not in ("1", "0", "true", "false", "yes", "no"):
            raise BadSettings(f"fault {name} takes 1/0, not {text!r}")
        return text.lower() in ("1", "true", "yes")
    if "float" in annotation:
        return float(text)
    return text


def parse_faults(items: list[str]) -> Any:
    """``["lower_s=0.6", "arms=sides"]`` → a `Faults`."""
    from formcheck_synth.spec import Faults

    fields = {f.name: str(f.type) for f in dataclasses.fields(Faults)}
    values: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in fields:
            raise BadSettings(f"unknown fault {item!r}; known: {', '.join(sorted(fields))}")
        try:
            values[name] = _field_value(name, text, fields[name])
        except ValueError as err:
            raise BadSettings(f"fault {name}: bad value {text!r} ({err})") from err
    return Faults(**values)


def parse_tempo(text: str | None) -> Any:
    """``"1,1.5,2.2,0.5"`` (lift, top pause, lower, bottom rest, seconds) → a `Tempo`."""
    from formcheck_synth.spec import Tempo

    if not text:
        return Tempo()
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError as err:
        raise BadSettings(f"tempo {text!r}: four numbers lift,top,lower,bottom") from err
    if len(parts) != 4 or min(parts) < 0:
        raise BadSettings(f"tempo {text!r}: four numbers ≥ 0, lift,top,lower,bottom seconds")
    return Tempo(lift_s=parts[0], top_pause_s=parts[1], lower_s=parts[2], bottom_rest_s=parts[3])


def parse_leg_lifts(items: list[str]) -> tuple[Any, ...]:
    """``["left@2:3"]`` or ``["left@2:3:6"]`` (side@start_s:duration_s[:height_cm])."""
    from formcheck_synth.spec import LegLift

    out = []
    for item in items:
        side, _, rest = item.partition("@")
        try:
            nums = [float(p) for p in rest.split(":")]
            lift = LegLift(side=side, at_s=nums[0], duration_s=nums[1],
                           **({"height_cm": nums[2]} if len(nums) > 2 else {}))
        except (ValueError, IndexError) as err:
            raise BadSettings(f"leg lift {item!r}: use side@start_s:duration_s[:height_cm]") from err
        out.append(lift)
    return tuple(out)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(p) for p in text.lower().split("x"))
    except ValueError as err:
        raise BadSettings(f"size {text!r}: use WIDTHxHEIGHT, e.g. 640x360") from err
    if w % 2 or h % 2 or w < 64 or h < 64:
        raise BadSettings(f"size {text!r}: even numbers, at least 64")
    return w, h


def synth_command(
    out: Annotated[Path, typer.Argument(help="The mp4 to write; NAME.truth.json goes beside it.")],
    drill: Annotated[str, typer.Option(help="single-leg-bridge | banded-bridge | table-top")] = "single-leg-bridge",
    reps: Annotated[int, typer.Option(help="Reps (bridges).")] = 3,
    hold: Annotated[float, typer.Option(help="Seconds at the top (table top).")] = 12.0,
    tempo: Annotated[str | None, typer.Option(help="lift,top,lower,bottom seconds, e.g. 1,1.5,2.2,0.5")] = None,
    fault: Annotated[list[str] | None, typer.Option("--fault", "-f", help=FAULT_HELP)] = None,
    leg_lift: Annotated[list[str] | None, typer.Option(help="Table top: side@start_s:duration_s[:height_cm]")] = None,
    toe_variant: Annotated[bool, typer.Option(help="Table top: stance heel up on the toe.")] = False,
    sides: Annotated[str, typer.Option(help="Single-leg bridge working sides: alternate | left | right | left-then-right | right-then-left")] = "alternate",
    starts_at_top: Annotated[bool, typer.Option(help="Open the clip at the top.")] = False,
    camera: Annotated[str, typer.Option(help="side-left | side-right | side-elevated | oblique | front-feet")] = "side-left",
    camera_side: Annotated[str, typer.Option(help="Side filmed by side-elevated and oblique.")] = "left",
    sex: Annotated[str, typer.Option(help="female | male")] = "female",
    skin: Annotated[str, typer.Option(help="light | medium | tan | brown | dark")] = "medium",
    build: Annotated[str, typer.Option(help="slim | average | athletic | heavy")] = "average",
    clothes: Annotated[str, typer.Option(help="shorts | leggings | tank")] = "shorts",
    height: Annotated[float, typer.Option(help="Athlete's height, metres.")] = 1.70,
    size: Annotated[str, typer.Option(help="Frame size WIDTHxHEIGHT.")] = "640x360",
    fps: Annotated[float, typer.Option(help="Frames per second.")] = 20.0,
    crf: Annotated[int, typer.Option(help="x264 quality (lower = bigger, better).")] = 28,
    seed: Annotated[int, typer.Option(help="Random seed (timing jitter, colours).")] = 0,
) -> None:
    """Render a digital athlete doing a drill, with chosen faults and camera, to an H.264 mp4
    plus a ground-truth JSON (per-frame 3D and 2D joints, angles, phases, expected verdicts).

    Example:  formcheck synth out/slgb_fast.mp4 --drill single-leg-bridge --reps 2
    --fault lower_s=0.6 --camera side-left
    """
    from formcheck_synth.render.body import Athlete
    from formcheck_synth.render.make import render_spec
    from formcheck_synth.spec import SynthSpec

    try:
        spec = SynthSpec(
            drill=drill, reps=reps, hold_s=hold, leg_lifts=parse_leg_lifts(leg_lift or []),
            toe_variant=toe_variant, tempo=parse_tempo(tempo), camera=camera,
            camera_side=camera_side, sides=sides, seed=seed, fps=fps, resolution=parse_size(size),
            starts_at_top=starts_at_top, faults=parse_faults(fault or []), noise=0.0,
        )
        athlete = Athlete(sex=sex, build=build, skin_tone=skin, clothes=clothes, height_m=height,
                          seed=seed)
    except ValueError as err:
        raise BadSettings(str(err)) from err
    with typer.progressbar(length=1, label="rendering") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(1)

        result = render_spec(spec, athlete=athlete, out=out, crf=crf, progress=progress)
    mb = result.video.stat().st_size / 1e6
    typer.echo(f"wrote {result.video} ({result.frames} frames, {mb:.2f} MB) and {result.truth_json}")
    faults = [c for c in result.truth.cues if c.expected == "fault"]
    typer.echo("expected faults: " + (", ".join(sorted({c.cue_id for c in faults})) or "none"))


def register(app: typer.Typer) -> None:
    app.command("synth")(synth_command)
