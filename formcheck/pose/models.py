"""Pose model files: building the full-model ``.task`` offline, and listing what is there.

MediaPipe's ``PoseLandmarker`` loads a ``.task`` bundle: an uncompressed, 4-byte-aligned zip
holding ``pose_detector.tflite`` and ``pose_landmarks_detector.tflite``. The mediapipe 0.10.21
wheel ships the same two networks for its legacy solution
(``modules/pose_detection/pose_detection.tflite`` and
``modules/pose_landmark/pose_landmark_full.tflite``). The detector already carries TFLite
metadata (its input normalisation); the landmark model does not, and the task graph needs it
to scale the input image, so :func:`build_full_task` adds it with mediapipe's own metadata
writer (input 0..255 → 0..1: mean 0, std 255, as the legacy graph feeds it) and bundles the two.
Nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from formcheck.errors import BadSettings, ModelError, ModelNotInstalled, OutputError
from formcheck.fileio import writing
from formcheck.pose._mp import import_mediapipe

log = logging.getLogger(__name__)

FULL_TASK_NAME = "pose_landmarker_full.task"
DETECTOR_IN_WHEEL = ("modules", "pose_detection", "pose_detection.tflite")
LANDMARKS_IN_WHEEL = ("modules", "pose_landmark", "pose_landmark_full.tflite")
#: output tensors of pose_landmark_full.tflite, in the order the task graph reads them
LANDMARK_OUTPUTS = ("landmarks", "pose_flag", "segmentation", "heatmap", "world_landmarks")


def default_models_dir() -> Path:
    """Where ``.task`` models live, whatever folder formcheck runs from: $FORMCHECK_MODELS_DIR,
    else the checkout's ``models/`` (beside the package, in a source install), else
    ``~/.local/share/formcheck/models``."""
    env = os.environ.get("FORMCHECK_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    beside = Path(__file__).resolve().parents[2] / "models"
    if (beside / "README.md").is_file():
        return beside
    return Path.home() / ".local" / "share" / "formcheck" / "models"


#: where ``formcheck models`` reads and writes by default
DEFAULT_MODELS_DIR = default_models_dir()
#: names a user may drop in after downloading them (see models/README.md)
KNOWN_TASKS = {
    "lite": "pose_landmarker_lite.task",
    "full": FULL_TASK_NAME,
    "heavy": "pose_landmarker_heavy.task",
}


@dataclass(frozen=True, kw_only=True)
class ModelFile:
    name: str
    path: Path
    size_bytes: int
    backend: str
    #: False for a lite/heavy legacy model whose file is not installed (path: where it goes)
    installed: bool = True
    #: what `--model` takes to use it
    choose_with: str = ""


def wheel_model_paths() -> tuple[Path, Path]:
    """(detector, full landmark model) inside the installed mediapipe wheel."""
    mp = import_mediapipe()
    root = Path(mp.__file__).parent
    detector, landmarks = root.joinpath(*DETECTOR_IN_WHEEL), root.joinpath(*LANDMARKS_IN_WHEEL)
    for path in (detector, landmarks):
        if not path.is_file():
            raise ModelError(
                f"{path}: not in the installed mediapipe; formcheck needs mediapipe==0.10.21"
            )
    return detector, landmarks


def landmarks_with_metadata(model: bytes) -> bytes:
    """The landmark model with the input-normalisation metadata the task graph needs."""
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(
        "Pose landmarks detector (full)",
        "BlazePose GHUM 3D full; metadata added by formcheck from mediapipe's legacy bundle",
    )
    writer.add_image_input(norm_mean=[0.0], norm_std=[255.0])
    for name in LANDMARK_OUTPUTS:
        writer.add_feature_output(name=name)
    content, _ = writer.populate()
    return bytes(content)


def build_full_task(out_dir: Path = DEFAULT_MODELS_DIR, *, overwrite: bool = False) -> Path:
    """Write ``pose_landmarker_full.task`` into ``out_dir`` from the wheel's tflite files."""
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

    out_dir = Path(out_dir)
    target = out_dir / FULL_TASK_NAME
    if target.exists() and not overwrite:
        raise OutputError(f"{target}: already exists (use --force to rebuild it)")
    detector, landmarks = wheel_model_paths()
    bundle = {
        "pose_detector.tflite": detector.read_bytes(),
        "pose_landmarks_detector.tflite": landmarks_with_metadata(landmarks.read_bytes()),
    }
    with writing(target, "the model") as part:
        model_asset_bundle_utils.create_model_asset_bundle(bundle, str(part))
    log.info("wrote %s (%d bytes)", target, target.stat().st_size)
    return target


def check_task(path: Path) -> None:
    """Load a ``.task`` in PoseLandmarker (raises ``ModelError`` if mediapipe rejects it)."""
    from formcheck.pose.mediapipe_tasks import MediapipeTasksBackend

    MediapipeTasksBackend(model=path).close()


def list_models(models_dir: Path = DEFAULT_MODELS_DIR) -> list[ModelFile]:
    """The legacy backend's lite, full and heavy models (installed or not) and every ``.task``
    file in ``models_dir``."""
    from formcheck.pose import legacy_models

    found: list[ModelFile] = []
    try:
        where = legacy_models.modules_dir()
    except ModelError as err:
        log.warning("%s", err)
        where = None
    for name, model in legacy_models.LEGACY_MODELS.items() if where is not None else ():
        path = legacy_models.model_path(name, where)
        installed = legacy_models.is_installed(name, where)
        found.append(
            ModelFile(
                name=f"{name} (bundled)" if model.bundled else name,
                path=path,
                size_bytes=path.stat().st_size if installed else model.size_bytes,
                backend="mediapipe-legacy",
                installed=installed,
                choose_with=f"--model {name}",
            )
        )
    if Path(models_dir).is_dir():
        for task in sorted(Path(models_dir).glob("*.task")):
            short = next((k for k, v in KNOWN_TASKS.items() if v == task.name), None)
            found.append(
                ModelFile(
                    name=task.stem,
                    path=task,
                    size_bytes=task.stat().st_size,
                    backend="mediapipe-tasks",
                    choose_with=f"--backend mediapipe-tasks --model {short or task}",
                )
            )
    return found


def choose_pose_model(backend: str, model: str | Path | None) -> tuple[str, Path | str | None]:
    """What ``--backend`` and ``--model`` mean together, checked before any clip is read:

    - ``mediapipe-legacy`` (the default): ``lite``, ``full`` or ``heavy``; none is the full
      one. A missing lite or heavy file is ``ModelNotInstalled`` (exit 13), never a download.
      A ``.task`` file switches to ``mediapipe-tasks``, the backend that reads it.
    - ``mediapipe-tasks``: a ``.task`` path, or lite / full / heavy from the models folder.
    - any other backend: its model file as given.
    """
    from formcheck.pose.base import DEFAULT_BACKEND
    from formcheck.pose.legacy_models import DEFAULT_MODEL, MODEL_NAMES, require

    if backend == DEFAULT_BACKEND:
        if model is None or str(model) == DEFAULT_MODEL:
            return backend, None  # the bundled model, named as it always was (cache keys)
        if str(model) in MODEL_NAMES:
            require(str(model))
            return backend, str(model)
        if str(model).endswith(".task"):
            return "mediapipe-tasks", Path(model)
        raise BadSettings(
            f"--model {str(model)!r}: choose one of {', '.join(MODEL_NAMES)}, or give a .task file"
        )
    if backend == "mediapipe-tasks":
        return backend, None if model is None else resolve_model(model)
    return backend, None if model is None else Path(model)


def resolve_model(model: str | Path, models_dir: Path = DEFAULT_MODELS_DIR) -> Path:
    """A model path from a path or a short name (``lite``, ``full``, ``heavy``)."""
    if str(model) in KNOWN_TASKS:
        path = Path(models_dir) / KNOWN_TASKS[str(model)]
        if not path.is_file():
            hint = (
                "run `formcheck models build-full`"
                if model == "full"
                else "see models/README.md for where to get it"
            )
            raise ModelNotInstalled(f"{path}: not found; {hint}")
        return path
    return Path(model)
