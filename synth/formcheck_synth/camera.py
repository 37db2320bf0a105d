"""A pinhole phone camera placed for a named view, and what it sees of the landmarks.

Image convention as MediaPipe's: x right, y down, normalised by width and height; z is depth
relative to the hips' centre in the scale of x (smaller = nearer). Camera axes as OpenCV's:
x right, y down, z forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck_synth.geometry import unit
from formcheck_synth.spec import SynthSpec

LEFT_AXIS = np.array([0.0, 0.0, -1.0])  # the athlete's left in the scene frame
MARGIN = 0.04  # keep every landmark this far inside the frame
MAX_ROLL_DEG = 3.0  # the phone is rarely level


@dataclass(frozen=True, kw_only=True)
class Camera:
    name: str
    position_m: np.ndarray  # (3,) scene frame
    #: (3, 3) rows: the camera's right, down and forward axes in the scene frame
    rotation: np.ndarray
    focal_px: float
    size: tuple[int, int]

    @property
    def toward_camera(self) -> np.ndarray:
        """Unit vector from the athlete toward the camera (scene frame)."""
        return -self.rotation[2]

    def to_camera(self, pts: np.ndarray) -> np.ndarray:
        return (pts - self.position_m) @ self.rotation.T

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (…, 2) and depth in metres (…,) of scene points (…, 3)."""
        c = self.to_camera(pts)
        w, h = self.size
        depth = c[..., 2]
        px = np.stack([self.focal_px * c[..., 0] / depth + w / 2.0,
                       self.focal_px * c[..., 1] / depth + h / 2.0], axis=-1)
        return px, depth


def look_at(position: np.ndarray, target: np.ndarray, roll_deg: float = 0.0) -> np.ndarray:
    """Camera axes looking from ``position`` at ``target``, turned by ``roll_deg`` about the
    line of sight (a phone propped up a little crooked)."""
    forward = unit(target - position)
    right = unit(np.cross(forward, np.array([0.0, 1.0, 0.0])))
    down = np.cross(forward, right)
    r = np.radians(roll_deg)
    right, down = np.cos(r) * right + np.sin(r) * down, -np.sin(r) * right + np.cos(r) * down
    return np.stack([right, down, forward])


def view_direction(spec: SynthSpec, rng: np.random.Generator) -> np.ndarray:
    """Unit vector from the athlete toward the camera for the spec's view."""
    side = 1.0 if spec.facing_side == "left" else -1.0
    lateral = side * LEFT_AXIS
    if spec.camera in ("side-left", "side-right"):
        elev, az = rng.uniform(0.0, 8.0), rng.uniform(-5.0, 5.0)
    elif spec.camera == "side-elevated":
        elev, az = rng.uniform(25.0, 35.0), rng.uniform(-5.0, 5.0)
    elif spec.camera == "oblique":
        elev, az = rng.uniform(10.0, 20.0), rng.uniform(40.0, 50.0)
    else:  # front-feet: from the foot end
        elev, az = rng.uniform(12.0, 22.0), 90.0 + rng.uniform(-5.0, 5.0)
    e, a = np.radians(elev), np.radians(az)
    horizontal = np.cos(a) * lateral + np.sin(a) * np.array([1.0, 0.0, 0.0])
    return unit(np.cos(e) * horizontal + np.array([0.0, np.sin(e), 0.0]))


def place_camera(spec: SynthSpec, scene: np.ndarray, rng: np.random.Generator) -> Camera:
    """A camera for the view that keeps the whole clip's athlete inside the frame."""
    w, h = spec.resolution
    hfov = np.radians(rng.uniform(58.0, 70.0))
    focal = w / (2.0 * np.tan(hfov / 2.0))
    flat = scene.reshape(-1, 3)
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    target = 0.5 * (lo + hi)
    direction = view_direction(spec, rng)
    roll = float(rng.uniform(-MAX_ROLL_DEG, MAX_ROLL_DEG))
    fill = rng.uniform(0.75, 0.92)
    dist = 0.6
    cam = _camera(spec, target, direction, dist, focal, roll)
    for _ in range(200):  # back away until everything is inside and fills ``fill`` of the frame
        px, depth = cam.project(flat)
        x, y = px[:, 0] / w, px[:, 1] / h
        inside = (depth.min() > 0.3 and x.min() > MARGIN and x.max() < 1 - MARGIN
                  and y.min() > MARGIN and y.max() < 1 - MARGIN)
        span = max((x.max() - x.min()) / (1 - 2 * MARGIN), (y.max() - y.min()) / (1 - 2 * MARGIN))
        if inside and span <= fill:
            break
        dist *= 1.03
        cam = _camera(spec, target, direction, dist, focal, roll)
    return cam


def _camera(spec: SynthSpec, target: np.ndarray, direction: np.ndarray, dist: float,
            focal: float, roll_deg: float = 0.0) -> Camera:
    position = target + dist * direction
    return Camera(name=spec.camera, position_m=position,
                  rotation=look_at(position, target, roll_deg), focal_px=float(focal),
                  size=spec.resolution)


#: visibility lost by a landmark on the far side of a pure side view, by kind; measured on
#: MediaPipe's tracks of the real side-view clips: face, shoulders and hips stay ~1.0, far
#: knees 0.5–0.7, far feet 0.7–0.9, far elbows and hands 0.05–0.2 (hidden behind the body)
FAR_LOSS: dict[str, float] = {"knee": 0.37, "ankle": 0.22, "heel": 0.18, "foot": 0.15,
                              "elbow": 0.82, "wrist": 0.78, "pinky": 0.8, "index": 0.8,
                              "thumb": 0.8}
NEAR_VISIBILITY = 0.98


def _far_loss(name: str) -> float:
    return next((loss for kind, loss in FAR_LOSS.items() if kind in name), 0.01)


def visibility(cam: Camera, sides: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """(33,) expected visibility, MediaPipe-like: the far side of a side view loses the limbs
    (not the face, shoulders or hips); from the foot end the raised knees hide the upper body
    a little."""
    lateral = float(np.dot(cam.toward_camera, LEFT_AXIS))  # +1: camera on the athlete's left
    far = np.clip(-sides * lateral, 0.0, 1.0)
    loss = np.array([_far_loss(n) for n in names])
    vis = NEAR_VISIBILITY - loss * far
    toward_feet = float(np.dot(cam.toward_camera, np.array([1.0, 0.0, 0.0])))
    upper = np.array([any(k in n for k in ("shoulder", "elbow", "wrist", "pinky", "index",
                                           "thumb", "eye", "ear", "mouth", "nose"))
                      for n in names])
    return vis - np.where(upper, 0.15, 0.0) * max(toward_feet - 0.5, 0.0) * 2.0
