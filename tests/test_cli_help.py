"""`--help` shows what a user types (PATH, N, KEY=VALUE, CLIP), never Python type names, and
wraps between words at 80 columns."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.drills import DRILLS

COMMANDS = [[], ["analyze"], ["track"], ["batch"], ["live"], ["drills"], ["models"],
            ["models", "build-full"], ["models", "list"], ["synth"]]  # fmt: skip
TYPE_NAMES = re.compile(
    r"<(bool|str|int|float|path|list\[[^\]]*\]|[a-z ]+ range)>|\[x[<>]=|\{[a-z_]+\}"
)


def help_text(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "formcheck")
def test_help_shows_placeholders_not_python_type_names(command: list[str]) -> None:
    text = help_text(*command)
    assert not TYPE_NAMES.search(text), TYPE_NAMES.search(text)


def test_choices_and_limits_are_words_that_wrap_whole() -> None:
    text = help_text("analyze")
    flat = " ".join(text.replace("│", " ").split())
    for drill_id in ["auto", *DRILLS]:
        assert drill_id in flat  # never split mid-word across a line
    assert "Usage: formcheck analyze [OPTIONS] CLIP" in flat
    assert "(at least 1)" in flat and "KEY=VALUE" in flat


def test_a_later_paragraph_is_wrapped_by_the_terminal_not_by_the_source() -> None:
    lines = [line.strip() for line in help_text("batch").splitlines()]
    assert not any(line.endswith("--video),") or line == "OUT/summary.csv." for line in lines)


def test_limits_still_check_the_value() -> None:
    result = CliRunner().invoke(app, ["analyze", "clip.mp4", "--fps", "0.5"])
    assert result.exit_code == 2 and "greater than or equal to 1" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "formcheck")
def test_every_example_fits_on_one_line_at_80_columns(command: list[str]) -> None:
    """An example that wraps goes on at the left edge, where it no longer reads as a command."""
    lines = help_text(*command).split("╭")[0].splitlines()
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        if line.strip().startswith("formcheck ") and line.startswith("   "):
            assert not after.strip(), f"{line.strip()!r} wraps onto {after.strip()!r}"


def test_analyze_help_lists_every_exit_code_it_can_end_with() -> None:
    from formcheck.errors import EXIT_CODES

    text = " ".join(help_text("analyze").split())
    listed = re.search(r"Exit codes: (.*?)\.", text)
    assert listed, text
    for name, code in EXIT_CODES.items():
        assert re.search(rf"\b{code}\b", listed.group(1)), f"{name} ({code}) not in --help"
