"""The lite, full and heavy models of the default backend: choosing one, refusing one that is
not installed (never downloading it), installing them from a verified tarball, and — where
`formcheck models install` has run — lite and heavy tracking a short clip."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from fixtures_video import REAL_BRIDGE
from shared_clips import REAL_CLIPS

from formcheck import errors
from formcheck.pose import get_backend
from formcheck.pose import legacy_models as lm
from formcheck.pose.models import choose_pose_model

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "single_leg_bridge_clean_side.mp4"

#: a formcheck run in a fresh interpreter whose mediapipe has no lite/heavy file (its
#: pose_landmark folder is replaced by an empty one) and in which any network use fails
NO_MODELS_NO_NETWORK = """
import pathlib, socket, sys, urllib.request
import formcheck.pose.legacy_models as lm
def refuse(*args, **kwargs):
    raise AssertionError("formcheck tried the network")
socket.socket.connect = refuse
urllib.request.urlopen = refuse
EMPTY = pathlib.Path(sys.argv.pop(1))
lm.modules_dir = lambda: EMPTY
from formcheck.cli import main
main()
"""


def run_without_models(empty: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_MODELS_NO_NETWORK, str(empty), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- choosing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "model", "want"),
    [
        ("mediapipe-legacy", None, ("mediapipe-legacy", None)),
        ("mediapipe-legacy", "full", ("mediapipe-legacy", None)),  # same cache key as no --model
        ("mediapipe-legacy", "my.task", ("mediapipe-tasks", Path("my.task"))),
        ("replay", "t.npz", ("replay", Path("t.npz"))),
    ],
)
def test_model_option_means_what_the_backend_reads(
    backend: str, model: str | None, want: tuple[str, Path | None]
) -> None:
    assert choose_pose_model(backend, model) == want


def test_an_unknown_model_name_lists_the_choices() -> None:
    with pytest.raises(errors.BadSettings, match="lite, full, heavy"):
        choose_pose_model("mediapipe-legacy", "medium")
    with pytest.raises(errors.ModelError, match="lite, full or heavy"):
        get_backend("mediapipe-legacy", model="medium")


@pytest.mark.parametrize("command", ["analyze", "batch", "live", "track"])
def test_every_command_that_runs_the_model_documents_model(command: str) -> None:
    from typer.testing import CliRunner

    from formcheck.cli import app

    text = " ".join(CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output.split())
    assert "--model" in text
    for name in ("lite", "full", "heavy", "formcheck models install", ".task"):
        assert name in text, f"{command} --help does not mention {name}"


# -- refusing, never downloading -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["lite", "heavy"])
def test_a_model_not_installed_is_refused_before_mediapipe_sees_it(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lm, "modules_dir", lambda: tmp_path)
    from mediapipe.python.solutions import download_utils

    def no_download(path: str) -> None:
        raise AssertionError(f"mediapipe was asked to download {path}")

    monkeypatch.setattr(download_utils, "download_oss_model", no_download)
    with pytest.raises(errors.ModelNotInstalled, match="formcheck models install"):
        get_backend("mediapipe-legacy", model=name)
    with pytest.raises(errors.ModelNotInstalled, match=name):
        get_backend("mediapipe-legacy", model_complexity=lm.LEGACY_MODELS[name].complexity)
    with pytest.raises(errors.ModelNotInstalled):
        choose_pose_model("mediapipe-legacy", name)


@pytest.mark.parametrize("command", ["analyze", "track", "batch"])
def test_the_cli_refuses_a_missing_model_in_one_line_with_its_exit_code(
    command: str, tmp_path: Path
) -> None:
    empty = tmp_path / "pose_landmark"
    empty.mkdir()
    args = {
        "analyze": ["analyze", str(SAMPLE), "--model", "heavy", "--no-cache", "-q"],
        "track": ["track", str(SAMPLE), "-o", str(tmp_path / "t.npz"), "--model", "lite", "-q"],
        "batch": ["batch", str(SAMPLE.parent), "-o", str(tmp_path / "out"), "--model", "lite"],
    }[command]
    result = run_without_models(empty, *args)
    assert result.returncode == errors.EXIT_CODES["ModelNotInstalled"] == 13, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "not installed" in result.stderr and "formcheck models install" in result.stderr
    assert not (tmp_path / "out").exists(), "the batch must stop before any clip"


def test_models_list_says_which_are_installed(tmp_path: Path) -> None:
    empty = tmp_path / "pose_landmark"
    empty.mkdir()
    (empty / lm.LEGACY_MODELS["full"].file).write_bytes(b"x" * lm.LEGACY_MODELS["full"].size_bytes)
    result = run_without_models(empty, "models", "list", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "yes" in rows["full (bundled)"]
    assert "no" in rows["lite"] and "no" in rows["heavy"]
    assert "formcheck models install" in result.stdout


# -- installing ------------------------------------------------------------------------------------


def npm_tarball(path: Path, files: dict[str, bytes]) -> Path:
    """A tarball laid out like `npm pack`'s: every file under package/."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_the_pinned_full_model_is_the_one_in_the_mediapipe_wheel() -> None:
    """The npm package's full model (pinned) is byte-identical to the bundled one, so lite,
    full and heavy all come from one release of BlazePose."""
    assert lm.installed_digest_ok("full")


def test_a_tarball_whose_file_is_not_the_pinned_one_installs_nothing(tmp_path: Path) -> None:
    where = tmp_path / "pose_landmark"
    where.mkdir()
    fake = npm_tarball(tmp_path / "fake.tgz", {"pose_landmark_lite.tflite": b"not the model"})
    with pytest.raises(errors.ModelError, match="not the file formcheck pins"):
        lm.install_models(["lite"], tarball=fake, where=where)
    assert list(where.iterdir()) == []
    with pytest.raises(errors.ModelError, match="no package/pose_landmark_heavy.tflite"):
        lm.install_models(["heavy"], tarball=fake, where=where)


def test_without_npm_the_install_says_so_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(errors.ModelError, match="npm not found") as raised:
        lm.install_models(["lite"], npm=str(tmp_path / "no-npm"), where=tmp_path)
    assert "\n" not in str(raised.value)


def test_the_models_install_command_refuses_the_bundled_full_model() -> None:
    from typer.testing import CliRunner

    from formcheck.cli import app

    result = CliRunner().invoke(app, ["models", "install", "full"])
    assert isinstance(result.exception, errors.BadSettings)


def _installed(name: str) -> bool:
    return lm.is_installed(name)


needs_lite_and_heavy = pytest.mark.skipif(
    not (_installed("lite") and _installed("heavy")),
    reason="lite/heavy pose models not installed (formcheck models install)",
)


@needs_lite_and_heavy
def test_a_verified_tarball_installs_its_files_whole(tmp_path: Path) -> None:
    files = {lm.LEGACY_MODELS[n].file: lm.model_path(n).read_bytes() for n in ("lite", "heavy")}
    tarball = npm_tarball(tmp_path / "pose.tgz", files)
    where = tmp_path / "pose_landmark"
    where.mkdir()
    written = lm.install_models(["lite", "heavy"], tarball=tarball, where=where)
    assert sorted(p.name for p in written) == sorted(files)
    assert lm.installed_digest_ok("lite", where) and lm.installed_digest_ok("heavy", where)
    assert not list(where.glob("*.part")), "no temporary file left behind"
    assert lm.install_models(["lite", "heavy"], tarball=tarball, where=where) == []


# -- lite and heavy at work ------------------------------------------------------------------------


def _short_clip() -> Path:
    real = REAL_CLIPS / REAL_BRIDGE
    return real if real.is_file() else SAMPLE


@needs_lite_and_heavy
@pytest.mark.parametrize("name", ["lite", "heavy"])
def test_lite_and_heavy_track_a_short_clip_like_the_full_model(name: str, tmp_path: Path) -> None:
    from formcheck.pipeline import analyze_track, track_clip

    clip = _short_clip()
    fps = 10.0  # a short, cheap run: the heavy model takes ~40 ms a frame here
    full = track_clip(clip, fps=fps, cache_dir=tmp_path).track
    other = track_clip(clip, model=name, fps=fps, cache_dir=tmp_path).track
    assert name in other.source.model and other.source.model != full.source.model
    assert other.detected.mean() >= 0.95
    both = full.detected & other.detected
    gap = np.abs(full.image[both, :, :2] - other.image[both, :, :2]).mean()
    assert gap < 0.03, f"{name} landmarks are {gap:.3f} of the frame from the full model's"
    reps = [len(analyze_track(t, drill="auto").report.reps) for t in (full, other)]
    assert reps[0] == reps[1] > 0
