"""write_outputs (what `formcheck analyze --html/--video/--csv` calls), alone and through the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import av
import pytest
import report_fakes as rf
from typer.testing import CliRunner

from formcheck.errors import OutputError
from formcheck.report.outputs import write_outputs

rf.ensure_video_module()


def test_writes_each_requested_file(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    analysis = rf.fake_analysis(reps=2, clip_path=str(clip))
    rf.render_clip(analysis.track, clip)
    written = write_outputs(
        analysis,
        html=tmp_path / "o" / "r.html",
        video=tmp_path / "o" / "v.mp4",
        csv=tmp_path / "o" / "r.csv",
    )
    assert set(written) == {"html", "video", "csv"}
    assert written["html"].read_text(encoding="utf-8").count("data:image/jpeg;base64,") == 2
    with av.open(str(written["video"])) as c:
        assert c.streams.video[0].codec_context.name == "h264"
    with open(written["csv"], newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 2


def test_nothing_requested_writes_nothing(tmp_path: Path) -> None:
    assert write_outputs(rf.fake_analysis(reps=1)) == {}
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        write_outputs(rf.fake_analysis(reps=1), csv=tmp_path / "file" / "r.csv")


def test_analyze_command_writes_html_video_and_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared_clips import REAL_CLIPS, real_clips_available

    if not real_clips_available():
        pytest.skip(f"real clips not found at {REAL_CLIPS}")
    from formcheck.cli import app
    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    clip = REAL_CLIPS / "physioplus_glute_bridge_side.mp4"
    out = tmp_path / "out"
    args = [
        "analyze",
        str(clip),
        "-q",
        "--html",
        f"{out}/r.html",
        "--video",
        f"{out}/v.mp4",
        "--csv",
        f"{out}/r.csv",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with av.open(str(out / "v.mp4")) as c:
        s = c.streams.video[0]
        assert (s.codec_context.name, s.width, s.height) == ("h264", 640, 480)
    assert (out / "r.csv").read_text().startswith("clip,athlete,drill")


def test_video_and_html_share_one_decoding_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    import formcheck.video
    from formcheck.report.html import render_html

    clip = tmp_path / "clip.mp4"
    analysis = rf.fake_analysis(reps=3, clip_path=str(clip))
    rf.render_clip(analysis.track, clip)
    alone = re.findall(r'src="(data:image/jpeg[^"]+)"', render_html(analysis))
    opened: list[str] = []
    real_open = formcheck.video.open_video

    def counting_open(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(source))
        return real_open(source, *args, **kwargs)

    monkeypatch.setattr(formcheck.video, "open_video", counting_open)
    written = write_outputs(analysis, html=tmp_path / "r.html", video=tmp_path / "v.mp4")
    assert opened == [str(clip)], "the clip is decoded once for both"
    shared = re.findall(
        r'src="(data:image/jpeg[^"]+)"', written["html"].read_text(encoding="utf-8")
    )
    assert len(shared) == 3
    assert shared == alone, "the same key frames, taken before the overlays were drawn"


@pytest.fixture(scope="module")
def track_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pose-track cache for the module: the pose model runs once per clip."""
    return tmp_path_factory.mktemp("track-cache")


@pytest.mark.parametrize("flag", ["--video", "--html", "--csv"])
def test_read_only_target_is_one_clear_message(
    tmp_path: Path, flag: str, track_cache: Path
) -> None:
    import os
    import stat
    import subprocess
    import sys

    from shared_clips import REAL_CLIPS, real_clips_available

    if not real_clips_available():
        pytest.skip(f"real clips not found at {REAL_CLIPS}")
    exe = Path(sys.executable).with_name("formcheck")
    prefix = rf.without_root_powers()
    if prefix is None or not exe.exists():
        pytest.skip("needs the formcheck script, and setpriv when running as root")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    clip = REAL_CLIPS / "physioplus_glute_bridge_side.mp4"
    env = {**os.environ, "FORMCHECK_CACHE_DIR": str(track_cache)}
    try:
        run = subprocess.run(
            [*prefix, str(exe), "analyze", str(clip), "-q", flag, str(ro / "out.x")],
            capture_output=True, text=True, env=env, timeout=300, check=False,
        )  # fmt: skip
    finally:
        ro.chmod(0o755)
    assert run.returncode == OutputError.exit_code, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Permission denied" in lines[0], run.stderr
    assert list(ro.iterdir()) == [], "nothing half-written left behind"
