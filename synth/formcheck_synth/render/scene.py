"""The room, the props and the camera; offscreen rendering with pyrender (EGL, software Mesa).

pyrender is imported lazily and ``PYOPENGL_PLATFORM`` defaults to ``egl`` (set it before the
first OpenGL import). Colour factors are floats: integer colours render black.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

from formcheck.errors import ModelError
from formcheck_synth.render import missing_extra
from formcheck_synth.render.body import BodyModel

log = logging.getLogger(__name__)

CAMERAS = ("side-left", "side-right", "side-elevated", "oblique", "front-feet")


@dataclass(frozen=True, kw_only=True)
class CameraSpec:
    """A pinhole camera looking at ``target`` from ``eye`` (world metres), vertical FOV."""

    eye: tuple[float, float, float]
    target: tuple[float, float, float]
    yfov_deg: float = 40.0

    def pose(self) -> np.ndarray:
        """4×4 camera-to-world matrix (OpenGL: the camera looks down its −z)."""
        eye = np.asarray(self.eye, float)
        fwd = np.asarray(self.target, float) - eye
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, fwd)
        m = np.eye(4)
        m[:3, 0], m[:3, 1], m[:3, 2], m[:3, 3] = right, up, -fwd, eye
        return m

    def project(self, points: np.ndarray, width: int, height: int) -> np.ndarray:
        """World points (…, 3) to pixel coordinates (…, 2) and depth (…,), x right, y down."""
        world_to_cam = np.linalg.inv(self.pose())
        p = points @ world_to_cam[:3, :3].T + world_to_cam[:3, 3]
        f = 0.5 * height / np.tan(np.radians(self.yfov_deg) / 2.0)
        depth = -p[..., 2]
        x = width / 2.0 + f * p[..., 0] / depth
        y = height / 2.0 - f * p[..., 1] / depth
        return np.stack([x, y, depth], axis=-1)


def camera_for(name: str, *, facing: str = "left", centre_x_m: float = 0.35) -> CameraSpec:
    """A preset camera. ``facing``: the athlete's side nearer the camera (side and oblique).

    The athlete lies along x (head at −x) with the left side towards −z, so a camera on −z
    films the left side. ``centre_x_m`` is the middle of the body along x.
    """
    sz = -1.0 if facing == "left" else 1.0
    cx = centre_x_m
    if name in ("side-left", "side-right"):
        sz = -1.0 if name == "side-left" else 1.0
        return CameraSpec(eye=(cx, 0.35, 2.4 * sz), target=(cx, 0.3, 0.0), yfov_deg=38.0)
    if name == "side-elevated":
        return CameraSpec(eye=(cx, 1.3, 2.1 * sz), target=(cx, 0.22, 0.0), yfov_deg=40.0)
    if name == "oblique":
        return CameraSpec(eye=(cx + 1.55, 0.8, 1.55 * sz), target=(cx, 0.28, 0.0), yfov_deg=42.0)
    if name == "front-feet":
        # filmed standing beyond the feet, looking down the body (a low camera sees only legs)
        return CameraSpec(eye=(cx + 1.9, 1.75, 0.0), target=(cx - 0.35, 0.15, 0.0), yfov_deg=44.0)
    raise ValueError(f"unknown camera {name!r}; choose from {', '.join(CAMERAS)}")


def _import_pyrender():  # noqa: ANN202 - the module
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    try:
        import pyrender
    except ImportError as err:
        raise ModelError(missing_extra(err)) from err
    return pyrender


def split_uv_seams(body: BodyModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Render-mesh arrays: (M,) source vertex per render vertex, (M, 2) uv, (F, 3) triangles."""
    pairs = np.stack([body.faces.reshape(-1), body.face_uv.reshape(-1)], axis=1)
    unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
    return unique[:, 0], body.uv[unique[:, 1]], inverse.reshape(-1, 3)


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    tri = vertices[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    vn = np.zeros_like(vertices)
    for k in range(3):
        np.add.at(vn, faces[:, k], fn)
    return vn / np.maximum(np.linalg.norm(vn, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True, kw_only=True)
class Props:
    """What else is in the room. Heights in metres; ``None``: not there."""

    kettlebell_x_m: float | None = None  # along the body; the working foot rests on it
    kettlebell_top_m: float = 0.28
    bench_top_m: float | None = None  # the bench under the shoulders (table top)
    bench_edge_x_m: float = 0.06
    mat: bool = True
    band: bool = False  # a resistance band over the hips, anchored to the floor


def _box(pyrender, size, centre, colour):  # noqa: ANN001, ANN202
    import trimesh

    mesh = trimesh.creation.box(extents=size)
    mesh.apply_translation(centre)
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[float(c) for c in colour] + [1.0], metallicFactor=0.0, roughnessFactor=0.9
    )
    return pyrender.Mesh.from_trimesh(mesh, material=mat, smooth=False)


def _kettlebell(pyrender, x: float, z: float, top: float):  # noqa: ANN001, ANN202
    import trimesh

    r = 0.45 * top
    bell = trimesh.creation.icosphere(subdivisions=3, radius=r)
    bell.apply_translation([x, r, z])
    handle = trimesh.creation.torus(major_radius=0.3 * top, minor_radius=0.045 * top)
    handle.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 0, 1]))
    handle.apply_translation([x, top - 0.3 * top - 0.045 * top, z])
    mesh = trimesh.util.concatenate([bell, handle])
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[0.08, 0.08, 0.09, 1.0], metallicFactor=0.3, roughnessFactor=0.5
    )
    return pyrender.Mesh.from_trimesh(mesh, material=mat)


def add_room(pyrender, scene, props: Props, camera: CameraSpec) -> None:  # noqa: ANN001
    """Floor, mat, back wall (opposite the camera) and props."""
    scene.add(_box(pyrender, (12.0, 0.02, 12.0), (0.0, -0.01, 0.0), (0.52, 0.42, 0.33)))
    if props.mat:
        scene.add(_box(pyrender, (1.9, 0.006, 0.7), (0.15, 0.003, 0.0), (0.22, 0.27, 0.45)))
    eye = np.asarray(camera.eye)
    if abs(eye[2]) > abs(eye[0] - 0.35):  # a side-ish camera: the wall behind the athlete
        wz = -np.sign(eye[2]) * 2.2
        scene.add(_box(pyrender, (12.0, 4.0, 0.05), (0.0, 2.0, wz), (0.80, 0.79, 0.74)))
    else:  # filmed from the feet: the wall behind the head
        scene.add(_box(pyrender, (0.05, 4.0, 12.0), (-2.4, 2.0, 0.0), (0.80, 0.79, 0.74)))
    if props.bench_top_m is not None:
        top = props.bench_top_m
        scene.add(
            _box(pyrender, (0.38, top, 1.2), (props.bench_edge_x_m - 0.19, top / 2.0, 0.0), (0.15, 0.15, 0.17))
        )
    if props.kettlebell_x_m is not None:
        scene.add(_kettlebell(pyrender, props.kettlebell_x_m, 0.0, props.kettlebell_top_m))


class Renderer:
    """Renders the skinned body in its room from one camera; reuse it for every frame."""

    def __init__(
        self,
        body: BodyModel,
        texture: np.ndarray,
        camera: CameraSpec,
        props: Props,
        size: tuple[int, int],
    ) -> None:
        self.pyrender = pyrender = _import_pyrender()
        self.body = body
        self.camera = camera
        self.width, self.height = size
        self.src, self.uv, self.tris = split_uv_seams(body)
        tex = pyrender.Texture(source=texture, source_channels="RGB")
        self.material = pyrender.MetallicRoughnessMaterial(
            baseColorTexture=tex,
            baseColorFactor=[1.0, 1.0, 1.0, 1.0],
            metallicFactor=0.0,
            roughnessFactor=0.75,
        )
        self.scene = pyrender.Scene(bg_color=[0.8, 0.8, 0.8, 1.0], ambient_light=[0.33, 0.33, 0.33])
        add_room(pyrender, self.scene, props, camera)
        cam = pyrender.PerspectiveCamera(yfov=np.radians(camera.yfov_deg), aspectRatio=self.width / self.height)
        self.scene.add(cam, pose=camera.pose())
        self._add_lights()
        self.body_node = None
        self.band_node = None
        self.last_depth = np.zeros((self.height, self.width), np.float32)
        try:
            self.renderer = pyrender.OffscreenRenderer(self.width, self.height)
        except Exception as err:  # pyrender raises bare Exceptions from EGL/OpenGL set-up
            raise ModelError(
                f"offscreen OpenGL failed ({err}); install Mesa EGL "
                "(apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri) and set PYOPENGL_PLATFORM=egl"
            ) from err

    def _add_lights(self) -> None:
        pr = self.pyrender
        key = np.eye(4)
        key[:3, :3] = _look_rotation(np.array([0.4, -1.0, 0.5]))
        self.scene.add(pr.DirectionalLight(color=[1.0, 0.97, 0.92], intensity=3.2), pose=key)
        fill = np.eye(4)
        fill[:3, :3] = _look_rotation(np.asarray(self.camera.target) - np.asarray(self.camera.eye))
        self.scene.add(pr.DirectionalLight(color=[0.9, 0.93, 1.0], intensity=1.6), pose=fill)

    def render(self, vertices: np.ndarray, band: np.ndarray | None = None) -> np.ndarray:
        """An (H, W, 3) uint8 RGB image of the body with these world vertices (and a band
        along the polyline ``band``, (K, 3), when given)."""
        pr = self.pyrender
        if self.band_node is not None:
            self.scene.remove_node(self.band_node)
            self.band_node = None
        if band is not None:
            self.band_node = self.scene.add(_ribbon(pr, band, width_m=0.05, colour=(0.55, 0.08, 0.10)))
        normals = vertex_normals(vertices, self.body.faces)
        prim = pr.Primitive(
            positions=vertices[self.src].astype(np.float32),
            normals=normals[self.src].astype(np.float32),
            texcoord_0=self.uv.astype(np.float32),
            indices=self.tris.astype(np.uint32),
            material=self.material,
        )
        if self.body_node is not None:
            self.scene.remove_node(self.body_node)
        self.body_node = self.scene.add(pr.Mesh(primitives=[prim]))
        color, depth = self.renderer.render(self.scene)
        self.last_depth = depth
        return np.ascontiguousarray(color[:, :, :3])

    def close(self) -> None:
        self.renderer.delete()


def _look_rotation(direction: np.ndarray) -> np.ndarray:
    """A rotation whose −z axis points along ``direction`` (for lights)."""
    d = direction / np.linalg.norm(direction)
    right = np.cross(d, [0.0, 1.0, 0.0])
    if np.linalg.norm(right) < 1e-6:
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, d)
    return np.stack([right, up, -d], axis=1)


def _ribbon(pyrender, points: np.ndarray, *, width_m: float, colour: tuple[float, float, float]):  # noqa: ANN001, ANN202
    """A flat strip along ``points`` (K, 3), ``width_m`` wide along x (the body's long axis)."""
    half = np.array([0.5 * width_m, 0.0, 0.0])
    verts = np.concatenate([points - half, points + half]).astype(np.float32)
    k = len(points)
    faces = []
    for i in range(k - 1):
        faces += [[i, i + 1, k + i], [k + i, i + 1, k + i + 1]]
    faces_arr = np.asarray(faces, dtype=np.uint32)
    faces_arr = np.concatenate([faces_arr, faces_arr[:, ::-1]])  # both sides
    normals = np.tile(np.array([[0.0, 1.0, 0.0]], np.float32), (len(verts), 1))
    mat = pyrender.MetallicRoughnessMaterial(
        baseColorFactor=[float(c) for c in colour] + [1.0], metallicFactor=0.0, roughnessFactor=0.8
    )
    prim = pyrender.Primitive(positions=verts, normals=normals, indices=faces_arr, material=mat)
    return pyrender.Mesh(primitives=[prim])
