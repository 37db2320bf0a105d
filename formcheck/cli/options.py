"""What the commands share: the drill choice, frame-rate and model options with their help
texts, settings from ``--set`` / ``--config``, and formcheck's progress bars."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:
    from formcheck.settings import Settings


class DrillChoice(str, Enum):
    auto = "auto"
    single_leg_bridge = "single-leg-bridge"
    banded_bridge = "banded-bridge"
    table_top = "table-top"


def parse_drill(value: str) -> DrillChoice:
    """``--drill``: a drill id, or a one-line error that lists them."""
    try:
        return DrillChoice(value)
    except ValueError:
        choices = ", ".join(d.value for d in DrillChoice)
        raise typer.BadParameter(f"{value!r} is not a drill; choose one of {choices}") from None


BACKEND_HELP = "Pose backend: mediapipe-legacy (default, offline), mediapipe-tasks (needs --model)."
MODEL_HELP = (
    "Pose model: lite, full (the default, bundled) or heavy; lite and heavy once installed by "
    "`formcheck models install` (else refused, exit 13; never downloaded). A .task file runs "
    "with mediapipe-tasks; with --backend mediapipe-tasks, lite / full / heavy are the .task "
    "files in models/."
)
FPS_HELP = "Analyse at most N frames a second of any clip (true timestamps kept); speeds up long clips."
MAX_FPS_HELP = (
    "A clip filmed faster than N frames a second (a phone's 60) sends only N a second to the "
    "pose model, so it costs what an N fps clip does; the verdicts are the same (README: "
    "frame rate). 0 analyses every frame."
)
IMAGE_FPS_HELP = "For a folder of images: how many were taken a second (else 30, with a warning)."


VARIANT_HELP = (
    "How the athlete chose to do the drill: 'toe' for table top with the stance heel up on the "
    "toe (judges tth.heel_up). Default: the standard way."
)


def check_variant(drill: DrillChoice, variant: str) -> None:
    """Refuse a variant no drill has (or the given drill lacks) before tracking, exit 9."""
    if not variant:
        return
    from formcheck.drills import DRILLS
    from formcheck.errors import BadSettings

    offered = [d for d in DRILLS.values() if variant in d.variants]
    if not offered or (drill is not DrillChoice.auto and drill.value not in {d.id for d in offered}):
        known = ", ".join(f"{v} ({d.id})" for d in DRILLS.values() for v in d.variants)
        where = "any drill" if drill is DrillChoice.auto else drill.value
        raise BadSettings(f"--variant {variant!r} is not a variant of {where}; variants: {known}")


def no_cap_if_zero(value: float | None) -> float | None:
    """``--max-fps``: 0 means no cap; otherwise a finite rate of at least 1."""
    value = finite_rate(value)
    if value == 0:
        return None
    if value is not None and value < 1:
        raise typer.BadParameter(f"{value:g}: give at least 1 frame a second, or 0 for no cap")
    return value


def finite_rate(value: float | None) -> float | None:
    """Option callback: a frame rate must be a finite number (``inf`` passes a ``min=`` check)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number of frames a second")
    return value


def progress_columns(unit: str) -> list[ProgressColumn]:
    """The columns of formcheck's progress bars: label, bar, done/total UNIT, times."""
    return [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr; yields a callback(done, total)."""
    if not enabled:
        yield None
        return
    with Progress(*progress_columns("frames"), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def load_settings(set_: list[str], config: Path | None) -> Settings | None:
    """``--set`` and ``--config`` as settings (None: neither given, the defaults)."""
    if not set_ and config is None:
        return None
    from formcheck.settings import load_settings as load

    return load(overrides=set_, toml_path=config)
