"""The lite, full and heavy BlazePose landmark models of the ``mediapipe-legacy`` backend.

mediapipe 0.10.21's ``solutions.pose.Pose(model_complexity=0|1|2)`` reads
``mediapipe/modules/pose_landmark/pose_landmark_{lite,full,heavy}.tflite`` inside the installed
mediapipe package. The wheel ships only the full one; for the other two the solution calls
``download_utils.download_oss_model``, which returns at once when the file is already there
and otherwise downloads it from Google's storage. formcheck never lets that happen while
analysing: it refuses a model whose file is missing (:class:`ModelNotInstalled`, exit 13).

:func:`install_models` is the explicit install step (`formcheck models install`,
`./install.sh models`): it fetches the npm package ``@mediapipe/pose`` (Apache-2.0; its
tarball holds the same three ``.tflite`` files, the full one byte-identical to the wheel's) with
``npm pack``, or reads a tarball given with ``--from``, checks each file's size and SHA-256
against the values pinned here, and copies it into mediapipe's folder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from formcheck.errors import ModelError, ModelNotInstalled

#: the npm package and version whose tarball holds the three landmark models
NPM_PACKAGE = "@mediapipe/pose"
NPM_VERSION = "0.5.1675469404"
NPM_SPEC = f"{NPM_PACKAGE}@{NPM_VERSION}"
#: seconds `npm pack` may take (a 41 MB download)
NPM_TIMEOUT_S = 600


@dataclass(frozen=True, kw_only=True)
class LegacyModel:
    """One BlazePose landmark model: its name, ``model_complexity``, file and pinned digest."""

    name: str
    complexity: int
    file: str
    size_bytes: int
    sha256: str
    #: shipped inside the mediapipe wheel (no install step)
    bundled: bool = False

    @property
    def identity(self) -> str:
        """What names this model in a track's cache key."""
        return f"{self.file}:{self.sha256[:16]}"


LEGACY_MODELS: dict[str, LegacyModel] = {
    "lite": LegacyModel(
        name="lite",
        complexity=0,
        file="pose_landmark_lite.tflite",
        size_bytes=2_819_824,
        sha256="f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    ),
    "full": LegacyModel(
        name="full",
        complexity=1,
        file="pose_landmark_full.tflite",
        size_bytes=6_440_512,
        sha256="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        bundled=True,
    ),
    "heavy": LegacyModel(
        name="heavy",
        complexity=2,
        file="pose_landmark_heavy.tflite",
        size_bytes=27_709_200,
        sha256="59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
    ),
}
MODEL_NAMES = tuple(LEGACY_MODELS)
DEFAULT_MODEL = "full"
#: the models `formcheck models install` adds (the full one is in the wheel already)
INSTALLABLE = tuple(n for n, m in LEGACY_MODELS.items() if not m.bundled)
INSTALL_HINT = "run `formcheck models install` (or `./install.sh models`) once, with internet"


def by_complexity(complexity: int) -> LegacyModel:
    for model in LEGACY_MODELS.values():
        if model.complexity == complexity:
            return model
    raise ModelError(f"model_complexity={complexity}: mediapipe has 0 (lite), 1 (full), 2 (heavy)")


def modules_dir() -> Path:
    """``mediapipe/modules/pose_landmark`` of the installed mediapipe, found without importing
    it (an import takes a second or two)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("mediapipe is not installed; install formcheck's dependencies")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "modules" / "pose_landmark"


def model_path(name: str, where: Path | None = None) -> Path:
    return Path(where or modules_dir()) / LEGACY_MODELS[name].file


def is_installed(name: str, where: Path | None = None) -> bool:
    """The model's file is in mediapipe's folder with its pinned size (the digest is checked
    when it is installed; see :func:`verify`)."""
    path = model_path(name, where)
    return path.is_file() and path.stat().st_size == LEGACY_MODELS[name].size_bytes


def require(name: str, where: Path | None = None) -> LegacyModel:
    """The model, or ``ModelNotInstalled`` when its file is missing (nothing is downloaded)."""
    if name not in LEGACY_MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of: {', '.join(MODEL_NAMES)}")
    if not is_installed(name, where):
        raise ModelNotInstalled(
            f"the {name} pose model is not installed (no {LEGACY_MODELS[name].file} in "
            f"mediapipe): {INSTALL_HINT}; formcheck never downloads while analysing"
        )
    return LEGACY_MODELS[name]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(name: str, data: bytes) -> None:
    """Raise ``ModelError`` unless ``data`` is the pinned file of model ``name``."""
    model = LEGACY_MODELS[name]
    if len(data) != model.size_bytes or sha256_of(data) != model.sha256:
        raise ModelError(
            f"{model.file} from {NPM_SPEC} is not the file formcheck pins "
            f"({len(data)} bytes, sha256 {sha256_of(data)[:16]}…; want {model.size_bytes} bytes, "
            f"{model.sha256[:16]}…); nothing was installed"
        )


def installed_digest_ok(name: str, where: Path | None = None) -> bool:
    """The installed file's SHA-256 is the pinned one (reads the whole file)."""
    path = model_path(name, where)
    return path.is_file() and sha256_of(path.read_bytes()) == LEGACY_MODELS[name].sha256


# --- the install step -----------------------------------------------------------------------


def npm_pack(dest: Path, npm: str = "npm") -> Path:
    """``npm pack @mediapipe/pose@VERSION`` into ``dest``; the tarball's path."""
    try:
        done = subprocess.run(
            [npm, "pack", NPM_SPEC, "--silent", "--fetch-retries=1", "--fetch-timeout=60000"],
            cwd=dest,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
        )
    except FileNotFoundError:
        raise ModelError(
            f"{npm} not found: install Node.js (npm), or fetch the tarball of {NPM_SPEC} "
            "elsewhere and pass it with --from"
        ) from None
    except subprocess.TimeoutExpired:
        raise ModelError(f"npm pack {NPM_SPEC} took over {NPM_TIMEOUT_S} s; no network?") from None
    tarballs = sorted(dest.glob("*.tgz"))
    if done.returncode != 0 or not tarballs:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        why = lines[-1].strip() if lines else f"exit {done.returncode}"
        raise ModelError(f"npm could not fetch {NPM_SPEC} (no network?): {why}")
    return tarballs[0]


def read_from_tarball(tarball: Path, names: Iterable[str]) -> dict[str, bytes]:
    """The verified bytes of each model ``names`` from an ``@mediapipe/pose`` tarball."""
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for name in names:
                member = f"package/{LEGACY_MODELS[name].file}"
                try:
                    handle = tar.extractfile(member)
                except KeyError:
                    handle = None
                if handle is None:
                    raise ModelError(f"{tarball}: no {member}; is it {NPM_SPEC}?")
                data = handle.read()
                verify(name, data)
                out[name] = data
    except (OSError, tarfile.TarError) as err:
        raise ModelError(f"{tarball}: not a readable npm tarball ({err})") from None
    return out


def _place(data: bytes, target: Path) -> None:
    """Write ``target`` through a temporary file in its folder, so it is whole or absent."""
    fd, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(part, 0o644)
        os.replace(part, target)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise


def install_models(
    names: Iterable[str] = INSTALLABLE,
    *,
    tarball: Path | None = None,
    npm: str = "npm",
    where: Path | None = None,
) -> list[Path]:
    """Put the verified model files into mediapipe's folder (``where`` for tests); a model
    already there with the pinned digest is left as it is. Returns the files written."""
    names = [n for n in names if not LEGACY_MODELS[n].bundled]
    target_dir = Path(where or modules_dir())
    missing = [n for n in names if not installed_digest_ok(n, target_dir)]
    if not missing:
        return []
    if not target_dir.is_dir():
        raise ModelError(f"{target_dir}: mediapipe's model folder is missing; reinstall mediapipe")
    with tempfile.TemporaryDirectory(prefix="formcheck-models-") as tmp:
        source = Path(tarball) if tarball is not None else npm_pack(Path(tmp), npm=npm)
        files = read_from_tarball(source, missing)
        written = []
        for name, data in files.items():
            target = target_dir / LEGACY_MODELS[name].file
            try:
                _place(data, target)
            except OSError as err:
                raise ModelError(
                    f"cannot write {target} ({err.strerror or err}); install into a Python "
                    "environment you own (e.g. ./install.sh makes .venv)"
                ) from None
            written.append(target)
    return written
