"""The command line as a user meets it: help that teaches, one-line errors, distinct exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_exit_codes_are_distinct() -> None:
    assert len(set(EXIT_CODES.values())) == len(EXIT_CODES)
    assert 0 not in EXIT_CODES.values() and 1 not in EXIT_CODES.values()
