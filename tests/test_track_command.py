"""`formcheck track` tracks as analyze does: the same cache entry, the same model names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import report_fakes as rf


def formcheck(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from formcheck.cli import main; main()", *args]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **env}, timeout=180, check=False
    )


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return rf.noise_clip(tmp_path / "room.mp4", seconds=1.0, fps=10)


def test_a_track_fills_the_cache_that_analyze_reads(clip: Path, tmp_path: Path) -> None:
    env = {"FORMCHECK_CACHE_DIR": str(tmp_path / "cache")}
    made = formcheck("track", str(clip), "-o", str(tmp_path / "t.npz"), env=env)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["cached"] is False
    analysed = formcheck("analyze", str(clip), "-q", "--json", "-", env=env)
    assert analysed.returncode == 7, analysed.stderr  # nobody in the room: exit 7, report kept
    assert json.loads(analysed.stdout)["timings"]["track_cached"] is True


def test_track_takes_the_model_names_analyze_takes(
    clip: Path, tmp_path: Path, full_task: Path
) -> None:
    env = {
        "FORMCHECK_CACHE_DIR": str(tmp_path / "cache"),
        "FORMCHECK_MODELS_DIR": str(full_task.parent),
    }
    args = ("--backend", "mediapipe-tasks", "--model", "full", "-o", str(tmp_path / "t.npz"))
    made = formcheck("track", str(clip), *args, env=env)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "t.npz").is_file()
