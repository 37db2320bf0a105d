"""Render a sequence of rig poses to an mp4 and measure its ground truth frame by frame."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from formcheck_synth.render.body import Athlete, load_body
from formcheck_synth.render.marks import build_marks
from formcheck_synth.render.pose_rig import Rig, RigPose, band_polyline, skin
from formcheck_synth.render.scene import CameraSpec, Props, Renderer
from formcheck_synth.render.texture import paint_texture
from formcheck_synth.render.writer import Mp4Writer

log = logging.getLogger(__name__)

#: a landmark deeper than the rendered surface by more than this is hidden by the body
OCCLUSION_MARGIN_M = 0.10


@dataclass(frozen=True, kw_only=True)
class PoseSequence:
    """What the athlete does: one :class:`RigPose` per frame, times and phase names."""

    t: np.ndarray  # (N,) seconds
    poses: tuple[RigPose, ...]
    phase: tuple[str, ...]
    props: Props = field(default_factory=Props)


@dataclass(frozen=True, kw_only=True)
class RenderedTruth:
    """Ground truth of a rendered clip: BlazePose-33 landmarks as drawn, per frame."""

    t: np.ndarray  # (N,)
    world_m: np.ndarray  # (N, 33, 3) scene frame (y up)
    image_px: np.ndarray  # (N, 33, 2) pixels, x right, y down
    depth_m: np.ndarray  # (N, 33) distance along the camera's axis
    visible: np.ndarray  # (N, 33) bool: not hidden behind the body
    hip_height_m: np.ndarray  # (N, 2) left, right hip joint above the floor
    size: tuple[int, int]


def render_sequence(
    seq: PoseSequence,
    *,
    athlete: Athlete,
    camera: CameraSpec,
    size: tuple[int, int],
    fps: float,
    out: Path,
    crf: int = 28,
    progress: Callable[[int, int], None] | None = None,
) -> RenderedTruth:
    """Render every pose of ``seq`` into ``out`` (H.264) and return the landmarks' truth."""
    body = load_body(athlete)
    rig = Rig(body)
    marks = build_marks(body)
    texture = paint_texture(body, athlete)
    renderer = Renderer(body, texture, camera, seq.props, size)
    n = len(seq.poses)
    world = np.zeros((n, 33, 3))
    hips = np.zeros((n, 2))
    visible = np.zeros((n, 33), dtype=bool)
    try:
        with Mp4Writer(out, size=size, fps=fps, crf=crf) as writer:
            for i, pose in enumerate(seq.poses):
                posed = rig.pose(pose)
                band = band_polyline(rig, posed) if seq.props.band else None
                rgb = renderer.render(skin(body, posed), band)
                writer.write(rgb)
                world[i] = marks.world(body, posed)
                visible[i] = _visible(camera.project(world[i], *size), renderer.last_depth)
                hips[i] = [posed.heads[rig.idx["upperleg01.L"], 1], posed.heads[rig.idx["upperleg01.R"], 1]]
                if progress is not None:
                    progress(i + 1, n)
    finally:
        renderer.close()
    proj = camera.project(world, *size)
    return RenderedTruth(
        t=np.asarray(seq.t, float),
        world_m=world,
        image_px=proj[..., :2],
        depth_m=proj[..., 2],
        visible=visible,
        hip_height_m=hips,
        size=size,
    )


def _visible(proj: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """(33,) landmarks inside the frame and not behind the rendered surface."""
    h, w = depth.shape
    x, y = proj[:, 0], proj[:, 1]
    inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    xi = np.clip(np.round(x).astype(int), 0, w - 1)
    yi = np.clip(np.round(y).astype(int), 0, h - 1)
    surface = depth[yi, xi]
    return inside & ((surface <= 0) | (proj[:, 2] <= surface + OCCLUSION_MARGIN_M))
