"""Helpers for tests and benchmarks: where the team's shared real clips live, if present."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: ../shared/clips/real beside the checkout (overridable with FORMCHECK_REAL_CLIPS).
REAL_CLIPS = Path(
    os.environ.get(
        "FORMCHECK_REAL_CLIPS",
        Path(__file__).resolve().parents[2] / "shared" / "clips" / "real",
    )
)


def real_clips_available() -> bool:
    return (REAL_CLIPS / "labels.json").is_file()


def real_labels() -> dict[str, Any]:
    """The clip labels (rep counts, top times) keyed by file name; empty when absent."""
    if not real_clips_available():
        return {}
    return dict(json.loads((REAL_CLIPS / "labels.json").read_text())["clips"])
