"""The athlete's body: the Anny parametric human (CC0 MakeHuman mesh, 104-bone rig).

Only this module imports ``anny`` and ``torch``, lazily. It turns an :class:`Athlete` into a
:class:`BodyModel`: the rest mesh (metres, Anny's frame: x = the body's left, y = backwards,
z = up), the UV layout, the skin weights and the rest positions of the bone heads. Everything
after this is numpy.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from formcheck.errors import ModelError
from formcheck_synth.render import missing_extra

log = logging.getLogger(__name__)

SEXES = ("female", "male")
BUILDS = ("slim", "average", "athletic", "heavy")
SKIN_TONES = ("light", "medium", "tan", "brown", "dark")
CLOTHES = ("shorts", "leggings", "tank")

# Anny phenotype values (0..1) per build: (muscle, weight).
_BUILD_PHENOTYPE: dict[str, tuple[float, float]] = {
    "slim": (0.45, 0.30),
    "average": (0.5, 0.5),
    "athletic": (0.75, 0.45),
    "heavy": (0.45, 0.8),
}


@dataclass(frozen=True, kw_only=True)
class Athlete:
    """Who is filmed: the body's phenotype and the look painted on it."""

    sex: str = "female"
    build: str = "average"
    skin_tone: str = "medium"
    clothes: str = "shorts"
    height_m: float = 1.70
    seed: int = 0

    def __post_init__(self) -> None:
        for name, allowed in (
            ("sex", SEXES),
            ("build", BUILDS),
            ("skin_tone", SKIN_TONES),
            ("clothes", CLOTHES),
        ):
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"athlete {name} {value!r} unknown; use one of {allowed}")
        if not 1.4 <= self.height_m <= 2.1:
            raise ValueError(f"athlete height_m {self.height_m} outside 1.4..2.1")

    def key(self) -> str:
        """A short stable hash of the fields that shape the mesh."""
        text = f"{self.sex}|{self.build}|{self.height_m:.3f}"
        return hashlib.sha1(text.encode()).hexdigest()[:12]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class BodyModel:
    """A rest-pose body with its rig; arrays are numpy, metres, Anny's rest frame."""

    vertices: np.ndarray  # (V, 3)
    faces: np.ndarray  # (F, 3) vertex indices
    uv: np.ndarray  # (T, 2) texture coordinates, v up
    face_uv: np.ndarray  # (F, 3) indices into uv
    bone_labels: tuple[str, ...]
    bone_parents: np.ndarray  # (B,), -1 for the root
    bone_heads: np.ndarray  # (B, 3) rest head positions
    weights: np.ndarray  # (V, K) skin weights
    weight_bones: np.ndarray  # (V, K) bone index per weight

    def bone(self, label: str) -> int:
        return self.bone_labels.index(label)

    @property
    def floor_z(self) -> float:
        """Height of the soles in the rest pose (standing)."""
        return float(self.vertices[:, 2].min())

    @property
    def stature_m(self) -> float:
        return float(self.vertices[:, 2].max() - self.vertices[:, 2].min())


def _phenotype(athlete: Athlete) -> dict[str, float]:
    muscle, weight = _BUILD_PHENOTYPE[athlete.build]
    # Anny's "height" phenotype spans roughly 1.45 m (0) to 2.0 m (1) at average proportions;
    # the exact stature is fixed afterwards by scaling.
    height = float(np.clip((athlete.height_m - 1.45) / 0.55, 0.0, 1.0))
    return {
        "gender": 1.0 if athlete.sex == "male" else 0.0,
        "age": 0.5,
        "muscle": muscle,
        "weight": weight,
        "height": height,
        "proportions": 0.5,
    }


def cache_dir() -> Path:
    """Where built bodies are kept (beside Anny's own cache, never inside the repository)."""
    root = Path(os.environ.get("ANNY_CACHE_DIR", Path.home() / ".cache" / "anny"))
    return root.parent / "formcheck-bodies"


def _build_with_anny(athlete: Athlete) -> BodyModel:
    try:
        import anny
        import torch
    except ImportError as err:  # the optional extra is missing
        raise ModelError(missing_extra(err)) from err
    log.info("building the Anny body for %s (first time takes minutes)", athlete)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "fallback to lbs skinning": expected on CPU
        model = anny.Anny()
    with torch.no_grad():
        out = model(phenotype_kwargs=_phenotype(athlete))
    vertices = out["rest_vertices"][0].double().numpy()
    heads = out["rest_bone_heads"][0].double().numpy()
    stature = float(vertices[:, 2].max() - vertices[:, 2].min())
    scale = athlete.height_m / stature
    parents = np.asarray(model.bone_parents, dtype=np.int64).reshape(-1).copy()
    parents[0] = -1
    return BodyModel(
        vertices=vertices * scale,
        faces=model.faces.numpy().astype(np.int64),
        uv=model.texture_coordinates.double().numpy(),
        face_uv=model.face_texture_coordinate_indices.numpy().astype(np.int64),
        bone_labels=tuple(model.bone_labels),
        bone_parents=parents,
        bone_heads=heads * scale,
        weights=model.vertex_bone_weights.double().numpy(),
        weight_bones=model.vertex_bone_indices.numpy().astype(np.int64),
    )


def _save(body: BodyModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(
        tmp,
        vertices=body.vertices,
        faces=body.faces,
        uv=body.uv,
        face_uv=body.face_uv,
        bone_labels=np.asarray(body.bone_labels),
        bone_parents=body.bone_parents,
        bone_heads=body.bone_heads,
        weights=body.weights,
        weight_bones=body.weight_bones,
    )
    tmp.replace(path)


def _load(path: Path) -> BodyModel:
    with np.load(path) as data:
        return BodyModel(
            vertices=data["vertices"],
            faces=data["faces"],
            uv=data["uv"],
            face_uv=data["face_uv"],
            bone_labels=tuple(str(s) for s in data["bone_labels"]),
            bone_parents=data["bone_parents"],
            bone_heads=data["bone_heads"],
            weights=data["weights"],
            weight_bones=data["weight_bones"],
        )


@functools.lru_cache(maxsize=4)
def load_body(athlete: Athlete) -> BodyModel:
    """The rest body of ``athlete``, from the cache or built with Anny (then cached)."""
    path = cache_dir() / f"body-{athlete.key()}.npz"
    if path.exists():
        try:
            return _load(path)
        except (OSError, KeyError, ValueError) as err:
            log.warning("rebuilding the body cache %s: %s", path, err)
    body = _build_with_anny(athlete)
    _save(body, path)
    return body
