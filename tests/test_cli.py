"""The command line as a user meets it: help that teaches, one-line errors, distinct exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import pytest
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.errors import EXIT_CODES

runner = CliRunner()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_top_level_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("analyze", "track", "drills", "models", "batch"):
        assert runner.invoke(app, [command, "--help"]).exit_code == 0, command


@pytest.mark.parametrize("command", ["analyze", "track"])
def test_command_help_teaches_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"formcheck {command}" in result.output


def test_missing_clip_is_one_line_and_exit_code(tmp_path: Path) -> None:
    result = run_cli("analyze", str(tmp_path / "nope.mp4"))
    assert result.returncode == EXIT_CODES["InputNotFound"]
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "nope.mp4" in result.stderr


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (b"this is a shopping list, not a video\n" * 20, "list.mp4", "NotAVideo"),
        (b"", "empty.mp4", "EmptyVideo"),
    ],
)
def test_bad_files_get_one_line_and_distinct_exit_codes(
    tmp_path: Path, content: bytes, name: str, error: str
) -> None:
    clip = tmp_path / name
    clip.write_bytes(content)
    result = run_cli("analyze", str(clip), "--quiet")
    assert result.returncode == EXIT_CODES[error], result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_photo_renamed_mp4_is_not_a_video(tmp_path: Path) -> None:
    import cv2
    import numpy as np

    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), np.full((120, 160, 3), 90, np.uint8))
    clip = tmp_path / "set1.mp4"
    clip.write_bytes(photo.read_bytes())
    result = run_cli("analyze", str(clip), "--quiet", "--no-cache")
    assert result.returncode == EXIT_CODES["NotAVideo"], result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "set1.mp4: a still image, not a video" in result.stderr


def test_exit_codes_are_distinct() -> None:
    assert len(set(EXIT_CODES.values())) == len(EXIT_CODES)
    assert 0 not in EXIT_CODES.values() and 1 not in EXIT_CODES.values()


def _noise_clip(path: Path, frames: int = 20) -> Path:
    import av
    import numpy as np

    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=20)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        for _ in range(frames):
            img = rng.integers(0, 255, (120, 160, 3), dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        container.mux(stream.encode())
    return path


def test_clip_with_nobody_reports_it_and_exits_with_no_person(tmp_path: Path) -> None:
    clip = _noise_clip(tmp_path / "empty_room.mp4")
    out = tmp_path / "r.json"
    result = run_cli("analyze", str(clip), "--no-cache", "--json", str(out))
    assert result.returncode == EXIT_CODES["NoPersonFound"], result.stderr
    assert "no person found in any of its 20 frames" in result.stderr.strip().splitlines()[-1]
    assert "No key point could be measured" in result.stdout
    assert "Every measurable key point was met" not in result.stdout
    report = json.loads(out.read_text())
    assert report["detection"]["frames_with_person"] == 0
    assert report["warnings"].count("no person was found in any frame") == 1


def _noise_images(folder: Path, n: int = 12) -> Path:
    import cv2
    import numpy as np

    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(n):
        cv2.imwrite(str(folder / f"{i:03d}.png"), rng.integers(0, 255, (60, 80, 3), np.uint8))
    return folder


def test_image_folder_rate_is_assumed_with_a_warning_and_fps_subsamples(tmp_path: Path) -> None:
    from formcheck.types import PoseTrack

    folder = _noise_images(tmp_path / "frames")
    out = tmp_path / "t.npz"
    result = run_cli("track", str(folder), "-o", str(out), "--fps", "10")
    assert result.returncode == 0, result.stderr
    assert "30 fps assumed" in result.stderr and "--image-fps" in result.stderr
    assert PoseTrack.load(out).t.tolist() == pytest.approx([0.0, 0.1, 0.2, 0.3])


def test_image_folder_rate_given_with_image_fps(tmp_path: Path) -> None:
    folder = _noise_images(tmp_path / "frames")
    out = tmp_path / "r.json"
    video = tmp_path / "annotated.mp4"
    result = run_cli(
        "analyze", str(folder), "--image-fps", "12", "--json", str(out), "--video", str(video), "-q"
    )
    assert result.returncode == EXIT_CODES["NoPersonFound"], result.stderr
    report = json.loads(out.read_text())
    assert report["clip"]["fps"] == 12 and report["clip"]["frames"] == 12
    assert report["clip"]["duration_s"] == pytest.approx(1.0)
    assert not any("assumed" in w for w in report["warnings"])
    with av.open(str(video)) as container:  # the annotated video plays the images at 12 a second
        times = [float(f.time) for f in container.decode(video=0)]
    assert len(times) == 12 and times[-1] - times[0] == pytest.approx(11 / 12, abs=0.01)


def test_truncated_clip_header_shows_the_decoded_length(tmp_path: Path) -> None:
    import numpy as np
    from fixtures_video import write_clip

    rng = np.random.default_rng(2)
    frames = [rng.integers(0, 255, (96, 128, 3), np.uint8) for _ in range(60)]
    whole = write_clip(tmp_path / "whole.mp4", frames, faststart=True)  # 2.0 s declared
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    out = tmp_path / "r.json"
    html = tmp_path / "r.html"
    result = run_cli("analyze", str(cut), "--no-cache", "--json", str(out), "--html", str(html))
    report = json.loads(out.read_text())
    decoded = report["clip"]["duration_s"]
    assert 0.2 < decoded < 1.5 and report["clip"]["declared_duration_s"] == pytest.approx(2.0)
    header = result.stdout.splitlines()[0]
    assert f"cut.mp4  {decoded:.1f} s (the file says 2.0 s)" in header, header
    assert f"{decoded:.1f} s (the file says 2.0 s)" in html.read_text()


@pytest.mark.parametrize("command", ["analyze", "track", "batch"])
def test_infinite_fps_is_a_usage_error(command: str, tmp_path: Path) -> None:
    """``inf`` passes typer's ``min=1``, then overflowed deep in the pipeline."""
    result = runner.invoke(app, [command, str(tmp_path), "--fps", "inf"])
    assert result.exit_code == 2, result.output
    assert "finite" in result.output, result.output


@pytest.mark.parametrize("command", ["analyze", "batch", "live"])
def test_an_unknown_drill_lists_the_drills_in_plain_words(command: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [command, str(tmp_path), "--drill", "squat"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "'squat' is not a drill; choose one of auto, single-leg-bridge" in text, text
    assert "Value error" not in text


def test_drills_check_text_follows_an_overridden_threshold() -> None:
    args = ["drills", "single-leg-bridge", "--set", "slgb.squeeze_top.min_top_pause_s=2"]
    text = runner.invoke(app, args).output
    assert "time within 5° of the rep's peak ≥ 2 s" in text
    catalogue = json.loads(runner.invoke(app, [*args, "--json"]).output)
    blob = json.dumps(catalogue, ensure_ascii=False)
    assert "rep's peak ≥ 2 s" in blob and "rep's peak ≥ 1 s" not in blob


def test_drills_check_text_follows_the_settings_it_names() -> None:
    """The top band is segmentation's, the table top's ball squeeze its own threshold."""
    args = ["drills", "--json", "--set", "segment.top_band_deg=3"]
    args += ["--set", "tth.ball_squeeze.max_knee_gap_range=0.3"]
    cues = {
        c["id"]: c["check"]
        for d in json.loads(runner.invoke(app, args).output)["drills"]
        for c in d["cues"]
    }
    assert cues["slgb.squeeze_top"] == "time within 3° of the rep's peak ≥ 1 s"
    assert cues["tth.ball_squeeze"] == "knee gap steady: its range within a hold ≤ 0.3"


def test_a_variant_the_drill_lacks_is_refused_before_tracking(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 64)  # never opened: the variant is checked first
    result = run_cli("analyze", str(clip), "--drill", "single-leg-bridge", "--variant", "toe")
    assert result.returncode == EXIT_CODES["BadSettings"], result.stderr
    assert "toe (table-top)" in result.stderr
