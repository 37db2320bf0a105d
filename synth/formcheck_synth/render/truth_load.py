"""Read a rendered clip's ground-truth JSON back (see `truth_json` for the format).

Needs only numpy and the synth package's plain types: no torch, anny or pyrender.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck_synth.checks import VIEWS
from formcheck_synth.render.truth_json import FORMAT, VERSION
from formcheck_synth.schedule import PlannedPhase
from formcheck_synth.truth import CueTruth, GroundTruth, SegmentTruth


@dataclass(frozen=True, kw_only=True)
class TruthFile:
    """A parsed truth JSON: the raw document and its `GroundTruth`."""

    path: Path
    doc: dict[str, Any]
    truth: GroundTruth

    @property
    def drill(self) -> str:
        return str(self.doc["spec"].get("drill", self.truth.drill))

    def angle(self, name: str, side: str | None = None) -> np.ndarray:
        value = self.doc["angles"][name]
        return np.asarray(value[side] if side else value, dtype=float)


def _segment(d: dict[str, Any]) -> SegmentTruth:
    return SegmentTruth(
        index=int(d["index"]),
        kind=str(d["kind"]),
        start_s=float(d["start_s"]),
        end_s=float(d["end_s"]),
        side=d.get("side"),
        lifted=d.get("lifted"),
        phases=tuple(PlannedPhase(name=p["name"], start_s=p["start_s"], end_s=p["end_s"]) for p in d.get("phases", [])),
        measures={k: float(v) for k, v in d.get("measures", {}).items()},
    )


def _cue(d: dict[str, Any]) -> CueTruth:
    key = str(d["cue"]).split(".", 1)[1]
    return CueTruth(
        cue_id=str(d["cue"]),
        segment=d.get("segment"),
        expected=str(d["expected"]),
        value=d.get("value"),
        clear=bool(d.get("clear", True)),
        views=VIEWS.get(key, ()),
    )


def load_truth(path: Path) -> TruthFile:
    """Parse ``path``; raises ValueError when it is not a version-1 truth document."""
    path = Path(path)
    with path.open() as f:
        doc = json.load(f)
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValueError(f"{path}: not a {FORMAT} v{VERSION} document")
    expected = doc.get("expected") or {}
    truth = GroundTruth(
        drill=str(doc["spec"].get("drill", "")),
        camera=str(doc["camera"].get("name", "")),
        view_class=str(expected.get("view_class", "")),
        t=np.asarray(doc["frames"]["t"], dtype=float),
        segments=tuple(_segment(s) for s in doc.get("segments", [])),
        cues=tuple(_cue(c) for c in expected.get("cues", [])),
        signals={},
    )
    return TruthFile(path=path, doc=doc, truth=truth)
