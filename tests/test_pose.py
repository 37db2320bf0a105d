"""Pose backends: the registry, replay, the model checks, the offline full-model .task, and a
few short runs of the real models on a real clip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from fixtures_video import real_frames

from formcheck import errors
from formcheck.landmarks import LEFT_HIP, NOSE, NUM_LANDMARKS, RIGHT_HIP
from formcheck.pose import (
    Landmarks,
    PoseBackend,
    available_backends,
    get_backend,
    register_backend,
    unregister_backend,
)
from formcheck.pose.mediapipe_tasks import MillisecondClock
from formcheck.pose.replay import ReplayBackend
from formcheck.types import PoseTrack

BLANK = np.zeros((48, 64, 3), np.uint8)


def ramp_track(n: int = 10, fps: float = 10.0, missing: tuple[int, ...] = ()) -> PoseTrack:
    image = np.zeros((n, NUM_LANDMARKS, 4), np.float32)
    image[:, :, 0] = np.arange(n)[:, None] / n  # x encodes the frame number
    image[:, :, 1] = 0.5
    image[:, :, 3] = 1.0
    world = image.copy()
    for i in missing:
        image[i] = np.nan
        world[i] = np.nan
    return PoseTrack(t=np.arange(n) / fps, image=image, world=world, size=(64, 48), fps=fps)


# -- registry --------------------------------------------------------------------------------


def test_builtin_backends_are_listed_default_first() -> None:
    names = available_backends()
    assert names[0] == "mediapipe-legacy"
    assert {"mediapipe-tasks", "replay"} <= set(names)


def test_unknown_backend_lists_the_valid_names() -> None:
    with pytest.raises(errors.BadSettings) as info:
        get_backend("openpose")
    assert "openpose" in str(info.value) and "mediapipe-legacy" in str(info.value)


class _Fixed:
    name = "fixed"
    model_name = "constant"

    def __init__(self, model: Path | None = None, *, x: float = 0.25) -> None:
        self.x = x

    def process(self, frame_rgb: np.ndarray, t: float) -> Landmarks | None:
        image = np.full((NUM_LANDMARKS, 4), self.x, np.float32)
        return Landmarks(image=image, world=image)

    def close(self) -> None:
        pass


def test_a_registered_backend_gets_its_options() -> None:
    register_backend("fixed", _Fixed)
    try:
        backend = get_backend("fixed", x=0.75)
        assert isinstance(backend, PoseBackend)
        result = backend.process(BLANK, 0.0)
        assert result is not None and float(result.image[0, 0]) == 0.75
        assert "fixed" in available_backends()
    finally:
        unregister_backend("fixed")
    assert "fixed" not in available_backends()


def test_landmarks_are_checked_for_shape() -> None:
    lm = Landmarks(image=np.zeros(NUM_LANDMARKS * 4), world=np.zeros((NUM_LANDMARKS, 4)))
    assert lm.image.shape == (NUM_LANDMARKS, 4) and lm.image.dtype == np.float32
    with pytest.raises(ValueError):
        Landmarks(image=np.zeros((17, 3)), world=np.zeros((NUM_LANDMARKS, 4)))


# -- replay ------------------------------------------------------------------------------------


def test_replay_gives_the_row_nearest_in_time_and_none_where_missing() -> None:
    track = ramp_track(10, fps=10, missing=(4,))
    replay = ReplayBackend(track=track)
    got = replay.process(BLANK, 0.31)  # nearest saved frame: t=0.3
    assert got is not None and got.image[0, 0] == pytest.approx(0.3)
    assert replay.process(BLANK, 0.4) is None  # no person in that saved frame
    assert replay.process(BLANK, 5.0) is None  # far beyond the track
    assert replay.calls == 3


def test_replay_loads_a_saved_track(tmp_path: Path) -> None:
    path = ramp_track(5).save(tmp_path / "t.npz")
    backend = get_backend("replay", model=path)
    got = backend.process(BLANK, 0.2)
    assert got is not None and got.image[0, 0] == pytest.approx(0.4)
    assert backend.model_name == "t.npz"


def test_replay_needs_a_readable_track(tmp_path: Path) -> None:
    with pytest.raises(errors.ModelError):
        get_backend("replay")
    with pytest.raises(errors.ModelError, match="not found"):
        get_backend("replay", model=tmp_path / "none.npz")
    junk = tmp_path / "junk.npz"
    junk.write_text("not numpy")
    with pytest.raises(errors.ModelError, match="not a formcheck track"):
        get_backend("replay", model=junk)


# -- model checks that need no model run ------------------------------------------------------


def test_legacy_refuses_a_task_file() -> None:
    """(lite and heavy, refused when not installed: tests/test_models.py)"""
    with pytest.raises(errors.ModelError, match="mediapipe-tasks"):
        get_backend("mediapipe-legacy", model=Path("x.task"))


def test_tasks_backend_needs_a_real_task_file(tmp_path: Path) -> None:
    with pytest.raises(errors.ModelError, match="build-full"):
        get_backend("mediapipe-tasks")
    with pytest.raises(errors.ModelError, match="not found"):
        get_backend("mediapipe-tasks", model=tmp_path / "missing.task")
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"PK not really a zip")
    with pytest.raises(errors.ModelError, match="junk.task"):
        get_backend("mediapipe-tasks", model=junk)


def test_millisecond_clock_strictly_increases() -> None:
    clock = MillisecondClock()
    stamps = [clock(t) for t in (0.0, 0.0004, 0.0004, 0.033, 0.0333, 0.5, 0.4999)]
    assert stamps == [0, 1, 2, 33, 34, 500, 501]


# -- the offline full-model .task --------------------------------------------------------------


def test_full_task_bundles_both_models_uncompressed_and_aligned(full_task: Path) -> None:
    with zipfile.ZipFile(full_task) as bundle:
        infos = {i.filename: i for i in bundle.infolist()}
        assert set(infos) == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
        for info in infos.values():
            assert info.compress_type == zipfile.ZIP_STORED
        raw = full_task.read_bytes()
        for info in infos.values():  # data offsets aligned to 4 bytes, so mediapipe can mmap
            header = raw[info.header_offset : info.header_offset + 30]
            name_len = int.from_bytes(header[26:28], "little")
            extra_len = int.from_bytes(header[28:30], "little")
            assert (info.header_offset + 30 + name_len + extra_len) % 4 == 0


def test_full_task_landmark_model_gained_normalisation_metadata(full_task: Path) -> None:
    from mediapipe.tasks.python.metadata import metadata

    with zipfile.ZipFile(full_task) as bundle:
        landmarks = bundle.read("pose_landmarks_detector.tflite")
    shown = metadata.MetadataDisplayer.with_model_buffer(landmarks).get_metadata_json()
    assert '"NormalizationOptions"' in shown and "255.0" in shown
    assert shown.count('"name": "') >= 6  # the image input and five named outputs


def test_build_full_does_not_overwrite_unless_asked(full_task: Path) -> None:
    from formcheck.pose.models import build_full_task, list_models, resolve_model

    with pytest.raises(errors.OutputError, match="already exists"):
        build_full_task(full_task.parent)
    assert build_full_task(full_task.parent, overwrite=True) == full_task
    assert resolve_model("full", full_task.parent) == full_task
    with pytest.raises(errors.ModelError, match="README"):
        resolve_model("heavy", full_task.parent)
    listed = {m.backend for m in list_models(full_task.parent)}
    assert listed == {"mediapipe-legacy", "mediapipe-tasks"}


# -- the real models, briefly ------------------------------------------------------------------


def _run(backend: PoseBackend, frames: list[np.ndarray], fps: float) -> list[Landmarks | None]:
    try:
        return [backend.process(frame, i / fps) for i, frame in enumerate(frames)]
    finally:
        backend.close()


def test_built_task_finds_the_person_like_the_legacy_model(full_task: Path) -> None:
    frames, fps = real_frames(n=20)
    tasks = _run(get_backend("mediapipe-tasks", model=full_task), frames, fps)
    legacy = _run(get_backend("mediapipe-legacy"), frames, fps)
    assert all(r is not None for r in tasks), "the built .task must find the person"
    assert all(r is not None for r in legacy)
    diffs = [
        np.abs(a.image[:, :2] - b.image[:, :2]).mean() for a, b in zip(tasks, legacy, strict=True)
    ]
    assert max(diffs) < 0.02, f"landmarks differ from the legacy model's by {max(diffs):.3f}"
    assert all(np.isfinite(r.world[:, :3]).all() for r in tasks)


def test_tasks_backend_counts_two_people_and_follows_one(full_task: Path) -> None:
    frames, fps = real_frames(n=6)
    twins = [np.ascontiguousarray(np.concatenate([f, f], axis=1)) for f in frames]
    results = _run(get_backend("mediapipe-tasks", model=full_task, num_poses=2), twins, fps)
    assert all(r is not None and r.persons == 2 for r in results)
    hips_x = [float(r.image[[LEFT_HIP, RIGHT_HIP], 0].mean()) for r in results if r]
    sides = {x < 0.5 for x in hips_x}
    assert len(sides) == 1, "it keeps following the same one of the two"


def test_legacy_finds_nobody_in_a_blank_frame_and_the_person_in_a_real_one() -> None:
    frames, fps = real_frames(n=3)
    backend = get_backend("mediapipe-legacy")
    try:
        assert backend.process(np.zeros((480, 640, 3), np.uint8), 0.0) is None
        found = [backend.process(f, (i + 1) / fps) for i, f in enumerate(frames)]
    finally:
        backend.close()
    assert all(r is not None for r in found)
    last = found[-1]
    assert last is not None
    # side view, head to the left: the nose is left of the hips, all inside the frame
    assert last.image[NOSE, 0] < last.image[LEFT_HIP, 0]
    assert np.all((last.image[:, :2] > -0.1) & (last.image[:, :2] < 1.1))


def test_models_cli_builds_and_lists(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from formcheck.cli.models import register

    app = typer.Typer()
    app.command("noop")(lambda: None)  # a second command keeps `models` a sub-command
    register(app)
    runner = CliRunner()
    built = runner.invoke(app, ["models", "build-full", "-o", str(tmp_path), "--no-check"])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "pose_landmarker_full.task").is_file()
    again = runner.invoke(app, ["models", "build-full", "-o", str(tmp_path), "--no-check"])
    assert again.exit_code == 0, again.output  # an existing model is success, not an error
    assert "already exists" in again.output
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "pose_landmarker_full.task").write_bytes(b"not a model")
    broken = runner.invoke(app, ["models", "build-full", "-o", str(tmp_path / "broken")])
    assert isinstance(broken.exception, errors.ModelError), broken.output
    listed = runner.invoke(app, ["models", "list", "--dir", str(tmp_path)])
    assert listed.exit_code == 0 and "pose_landmarker_full" in listed.output
