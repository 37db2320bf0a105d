"""One rendered clip from a `SynthSpec`: plan → rig poses → mp4 + ground-truth JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck_synth.motion import plan_motion
from formcheck_synth.render.body import Athlete, load_body
from formcheck_synth.render.clip import render_sequence
from formcheck_synth.render.from_plan import PlanDriver, plan_truth
from formcheck_synth.render.pose_rig import Rig
from formcheck_synth.render.scene import camera_for
from formcheck_synth.render.truth_json import truth_document, write_truth
from formcheck_synth.spec import SynthSpec
from formcheck_synth.truth import GroundTruth

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class RenderResult:
    video: Path
    truth_json: Path
    truth: GroundTruth
    frames: int


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value


def spec_dict(spec: SynthSpec) -> dict[str, Any]:
    """The spec as JSON, faults reduced to those that are set."""
    d = _jsonable(asdict(spec))
    d["faults"] = {k: v for k, v in d["faults"].items() if v not in (None, False)}
    for key in ("noise", "dropout"):  # the tracks generator's; a render has neither
        d.pop(key, None)
    return d


def truth_segments(truth: GroundTruth) -> list[dict[str, Any]]:
    return [
        {
            "index": s.index,
            "kind": s.kind,
            "start_s": round(s.start_s, 3),
            "end_s": round(s.end_s, 3),
            "side": s.side,
            "lifted": s.lifted,
            "phases": [{"name": p.name, "start_s": round(p.start_s, 3), "end_s": round(p.end_s, 3)} for p in s.phases],
            "measures": {k: round(float(v), 3) for k, v in s.measures.items()},
        }
        for s in truth.segments
    ]


def truth_cues(truth: GroundTruth) -> list[dict[str, Any]]:
    return [
        {
            "cue": c.cue_id,
            "segment": c.segment,
            "expected": c.expected,
            "value": None if c.value is None else round(float(c.value), 3),
            "clear": c.clear,
        }
        for c in truth.cues
    ]


def render_spec(
    spec: SynthSpec,
    *,
    athlete: Athlete,
    out: Path,
    crf: int = 28,
    progress: Callable[[int, int], None] | None = None,
) -> RenderResult:
    """Render ``spec`` to ``out`` (.mp4) and write ``out`` with ``.truth.json`` beside it."""
    plan = plan_motion(spec)
    rig = Rig(load_body(athlete))
    driver = PlanDriver(rig, spec, plan)
    seq = driver.sequence()
    first = rig.pose(seq.poses[0]).heads
    centre_x = 0.5 * (float(first[:, 0].min()) + float(first[:, 0].max()))
    camera = camera_for(spec.camera, facing=spec.facing_side, centre_x_m=centre_x)
    rendered = render_sequence(
        seq, athlete=athlete, camera=camera, size=spec.resolution, fps=spec.fps, out=out,
        crf=crf, progress=progress,
    )
    _, truth = plan_truth(spec, plan, rendered.world_m, rig.thigh_m["left"])
    doc = truth_document(
        rendered,
        clip_file=out.name,
        fps=spec.fps,
        phase=seq.phase,
        thigh_m=rig.thigh_m["left"],
        athlete=athlete.to_dict(),
        camera={"name": spec.camera, "facing": spec.facing_side, **_jsonable(asdict(camera))},
        spec=spec_dict(spec),
        segments=truth_segments(truth),
        expected={"view_class": truth.view_class, "cues": truth_cues(truth)},
    )
    truth_path = out.with_name(out.stem + ".truth.json")
    write_truth(truth_path, doc)
    return RenderResult(video=out, truth_json=truth_path, truth=truth, frames=len(seq.poses))
