"""`--help` in plain words: the placeholders a user types, not Python type names.

typer prints each parameter's Python type (``<bool>`` beside a flag, ``<list[str]>``, ``<float
range> [x>=1.0]``, ``{clip}``) and packs a choice's values into a narrow column, where
``single-leg-bridge|banded-bridge`` breaks mid-word at 80 columns. `PlainHelpGroup` rewrites
every command's parameters once, when typer builds them: flags show nothing, a value shows an
upper-case placeholder (PATH, N, KEY=VALUE, CLIP), and choices and limits become words in the
help text, which wraps between words. Only what is shown changes; values are checked as before.
"""

from __future__ import annotations

import inspect
from enum import Enum
from typing import Any, get_args

from typer.core import TyperGroup

# typer carries its own copy of click: its objects are read by their attributes here
Command = Any
Param = Any

#: placeholders for parameters whose name says more than their type
NAMED_METAVARS = {"set_": "KEY=VALUE", "set": "KEY=VALUE"}


class PlainHelpGroup(TyperGroup):
    """A typer group whose commands' help shows plain placeholders (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_params(self)
        for cmd in self.commands.values():
            plain_params(cmd)

    def add_command(self, cmd: Command, name: str | None = None) -> None:
        plain_params(cmd)
        super().add_command(cmd, name)


def plain_params(command: Command) -> None:
    if getattr(command, "help", None):
        command.help = reflowed(command.help)
    for param in command.params:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
            continue
        if param.metavar is None:
            param.metavar = placeholder(param)
        if param.param_type_name == "argument":
            _argument_by_its_placeholder(param)
        _limits_in_words(param)
    _plain_help_flag(command)


def reflowed(text: str) -> str:
    """A docstring's paragraphs as one line each, so the terminal wraps them (typer keeps the
    line breaks of every paragraph after the first); indented lines (examples) stay as they are."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(
        p if any(line.startswith(" ") for line in p.splitlines()) else " ".join(p.split("\n"))
        for p in paragraphs
    )


def _argument_by_its_placeholder(param: Param) -> None:
    """The usage line says CLIP (not typer's ``{clip}``); the name column says it already, so
    no type beside it. Typer versions without these hooks keep their own display."""
    word = param.metavar
    if hasattr(param, "_usage_display_name"):
        param._usage_display_name = lambda: word
    if hasattr(param, "display_type_rich"):
        param.display_type_rich = lambda ctx: None


def _plain_help_flag(command: Command) -> None:
    """``--help`` is made per invocation: give it no placeholder either."""
    make = command.get_help_option

    def help_option(ctx: Any) -> Any:
        option = make(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option


def placeholder(param: Param) -> str:
    name = (param.name or "value").lower()
    kind = _kind(param)
    argument = param.param_type_name == "argument"
    if name in NAMED_METAVARS:
        word = NAMED_METAVARS[name]
    elif argument:
        word = name.upper()
    elif kind == "choice":
        word = "NAME"
        _append_help(param, "One of: " + ", ".join(_choices(param)) + ".")
    elif kind == "path":
        word = "PATH"
    elif kind == "number":
        word = "N"
    else:
        word = "TEXT"
    if argument and not param.required:
        word = f"[{word}]"
    if argument and param.nargs != 1:
        word += "..."
    return word


def _limits_in_words(param: Param) -> None:
    """``[x>=1.0]`` becomes "(at least 1)" in the help; the type still checks the value."""
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is None and high is None:
        return
    parts = []
    if low is not None:
        parts.append(f"at least {low:g}")
    if high is not None:
        parts.append(f"at most {high:g}")
    _append_help(param, f"({' and '.join(parts)})")
    param.min = param.max = None  # shown in words, no longer as [x>=…]


def _append_help(param: Param, words: str) -> None:
    text = getattr(param, "help", None) or ""
    if words not in text:
        param.help = f"{text} {words}".strip()


def _kind(param: Param) -> str:
    """choice, path, number or text, from what typer knows of the parameter's annotation."""
    described = getattr(param, "type_descriptor", None)
    if described is None:
        return "text"
    annotation = described.annotation
    if described.is_list:
        annotation = (get_args(annotation) or (str,))[0]
    if described.is_choice or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return "choice"
    if described.is_path or described.is_file:
        return "path"
    if annotation in (int, float):
        return "number"
    return "text"


def _choices(param: Param) -> list[str]:
    annotation = param.type_descriptor.annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    return [str(c) for c in getattr(param, "choices", None) or []]
