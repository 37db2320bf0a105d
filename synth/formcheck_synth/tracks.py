"""`generate(spec)`: a synthetic `PoseTrack` as a pose model would give it, with its ground truth.

Pipeline: `plan_motion` (the athlete's motion) → BlazePose-33 scene points → a phone camera for
the view → normalised image landmarks (+ MediaPipe-like visibility) and world landmarks
(metres about the hips' centre, camera-aligned, y down) → temporally correlated jitter → the
model's gross errors in short runs of frames (left and right swapped; an identity jump to
another place or person) → NaN frames where the "model" lost the person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from formcheck.landmarks import INDEX, NAMES
from formcheck.types import PoseTrack, TrackSource
from formcheck_synth.blazepose import landmark_sides, scene_landmarks
from formcheck_synth.camera import Camera, place_camera, visibility
from formcheck_synth.geometry import runs
from formcheck_synth.motion import MotionPlan, plan_motion
from formcheck_synth.spec import SynthSpec
from formcheck_synth.truth import GroundTruth, ground_truth

log = logging.getLogger(__name__)

#: landmark order with left and right exchanged
MIRROR = np.array([INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
                   for n in NAMES])
TOE_ON_TOP_M = 0.015
JITTER_TAU_S = 0.12  # correlation time of the landmark jitter
FAR_NOISE = 1.6  # far-side landmarks wobble more


@dataclass(frozen=True, kw_only=True)
class SynthClip:
    spec: SynthSpec
    track: PoseTrack
    truth: GroundTruth
    plan: MotionPlan
    camera: Camera
    #: (N, 33, 3) noiseless landmarks in the scene frame
    scene: np.ndarray


def correlated_noise(rng: np.random.Generator, shape: tuple[int, ...], fps: float) -> np.ndarray:
    """Unit-variance AR(1) noise along axis 0 with correlation time ``JITTER_TAU_S``."""
    rho = float(np.exp(-1.0 / (fps * JITTER_TAU_S)))
    eps = rng.standard_normal(shape)
    out = np.empty(shape)
    out[0] = eps[0]
    scale = np.sqrt(1.0 - rho**2)
    for i in range(1, shape[0]):
        out[i] = rho * out[i - 1] + scale * eps[i]
    return out


def dropout_mask(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """(n,) bool, True where the person is lost: short runs (1–6 frames) totalling ``rate``."""
    lost = np.zeros(n, dtype=bool)
    want = int(round(rate * n))
    while lost.sum() < want:
        run = min(int(rng.geometric(0.45)), 6)
        start = int(rng.integers(0, max(n - run, 1)))
        lost[start:start + run] = True
    return lost



#: an identity jump puts the pose this far off in the image (fraction of the frame), and this
#: much smaller or larger (a person further back, a reflection, a poster)
JUMP_SHIFT = (0.1, 0.35)
JUMP_SCALE = (0.6, 1.1)


def identity_jumps(rng: np.random.Generator, image: np.ndarray, world: np.ndarray,
                   rate: float) -> np.ndarray:
    """Replace short runs of frames (``rate`` of them) by another pose somewhere else, as a pose
    model does when it locks onto another person for a few frames: the same body's landmarks
    from another moment of the clip (another posture), moved and rescaled in the image, seen
    with the model's usual confidence. Changes ``image`` and ``world`` in place; returns the
    (N,) mask of jumped frames."""
    n = len(image)
    jumped = dropout_mask(rng, n, rate)
    for a, b in runs(jumped):
        length = b - a
        offset = int(rng.integers(n // 4, max(3 * n // 4, n // 4 + 1)))  # another posture
        src = (a + offset) % (n - length + 1)
        other_img = image[src:src + length].copy()
        other_world = world[src:src + length].copy()
        centre = other_img[:, :, :2].mean(axis=1, keepdims=True)
        angle = rng.uniform(0.0, 2.0 * np.pi)
        shift = rng.uniform(*JUMP_SHIFT) * np.array([np.cos(angle), np.sin(angle)])
        other_img[:, :, :2] = (other_img[:, :, :2] - centre) * rng.uniform(*JUMP_SCALE) + (
            centre + shift)
        image[a:b], world[a:b] = other_img, other_world
    return jumped


def _image(spec: SynthSpec, cam: Camera, scene: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    w, h = spec.resolution
    px, depth = cam.project(scene)
    hips = 0.5 * (depth[:, INDEX["left_hip"]] + depth[:, INDEX["right_hip"]])
    sides = landmark_sides()
    lateral_far = visibility(cam, sides, NAMES) < 0.8
    body_px = np.median(np.ptp(px, axis=1).max(axis=1))
    sigma = spec.noise * body_px * np.where(lateral_far, FAR_NOISE, 1.0)[None, :, None]
    px = px + sigma * (correlated_noise(rng, px.shape, spec.fps)
                       + 0.3 * rng.standard_normal(px.shape))
    if spec.bias > 0:  # drawn after the jitter so a clip with bias keeps the same jitter
        px = px + spec.bias * body_px * rng.standard_normal((1, px.shape[1], 2))
    z = (depth - hips[:, None]) / hips[:, None] * cam.focal_px / w
    vis = visibility(cam, sides, NAMES)[None, :] + 0.04 * correlated_noise(
        rng, depth.shape, spec.fps)
    return np.stack([px[..., 0] / w, px[..., 1] / h, z, np.clip(vis, 0.0, 1.0)], axis=-1)


def _world(spec: SynthSpec, cam: Camera, scene: np.ndarray, plan: MotionPlan,
           vis: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    centre = 0.5 * (scene[:, INDEX["left_hip"]] + scene[:, INDEX["right_hip"]])
    world = (scene - centre[:, None, :]) @ cam.rotation.T
    sigma = spec.noise * plan.body.height_m * np.array([1.0, 1.0, 2.0])
    world = world + sigma * correlated_noise(rng, world.shape, spec.fps)
    return np.concatenate([world, vis[..., None]], axis=-1)


def as_the_model_places_them(scene: np.ndarray) -> np.ndarray:
    """Landmarks where a BlazePose model puts them, not where the joints are: its foot index
    sits on top of the toes, ~1.5 cm above the sole (MediaPipe's tracks of the real side-view
    clips put a flat foot's heel 0.3–3 cm below its toe)."""
    out = scene.copy()
    for side in ("left", "right"):
        heel, toe = INDEX[f"{side}_heel"], INDEX[f"{side}_foot_index"]
        along = scene[:, toe] - scene[:, heel]
        along /= np.maximum(np.linalg.norm(along, axis=1, keepdims=True), 1e-9)
        dorsal = np.stack([-along[:, 1], along[:, 0], np.zeros(len(scene))], axis=1)
        out[:, toe] += TOE_ON_TOP_M * dorsal
    return out


def generate(spec: SynthSpec) -> SynthClip:
    """A synthetic clip for ``spec``: deterministic for a given ``spec.seed``."""
    plan = plan_motion(spec)
    rng = np.random.default_rng([spec.seed, 1])
    scene = scene_landmarks(plan)
    cam = place_camera(spec, scene, rng)
    seen = as_the_model_places_them(scene)
    image = _image(spec, cam, seen, rng)
    world = _world(spec, cam, seen, plan, image[..., 3], rng)
    lost = dropout_mask(rng, len(plan), spec.dropout)
    if spec.swap_rate > 0:
        swapped = dropout_mask(rng, len(plan), spec.swap_rate)
        image[swapped] = image[swapped][:, MIRROR]
        world[swapped] = world[swapped][:, MIRROR]
    if spec.jump_rate > 0:
        identity_jumps(rng, image, world, spec.jump_rate)
    image[lost] = np.nan
    world[lost] = np.nan
    source = TrackSource(path=f"synth:{spec.drill}:{spec.camera}:{spec.seed}", backend="synth",
                         model="formcheck_synth", fps_requested=spec.fps,
                         frames_decoded=len(plan))
    track = PoseTrack(t=plan.t, image=image, world=world, size=spec.resolution, fps=spec.fps,
                      source=source)
    log.debug("generated %d frames of %s from %s", len(plan), spec.drill, spec.camera)
    return SynthClip(spec=spec, track=track, truth=ground_truth(spec, plan, scene), plan=plan,
                     camera=cam, scene=scene)
