"""Errors users can hit, each with a one-line message and a distinct exit code for the CLI."""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class: ``str(err)`` is a one-line message fit to show a user."""

    exit_code: int = 1


class InputNotFound(FormcheckError):
    exit_code = 3


class NotAVideo(FormcheckError):
    exit_code = 4


class EmptyVideo(FormcheckError):
    exit_code = 5


class TruncatedVideo(FormcheckError):
    exit_code = 6


class NoPersonFound(FormcheckError):
    exit_code = 7


class ModelError(FormcheckError):
    exit_code = 8


class ModelNotInstalled(ModelError):
    """A pose model asked for by name (lite, heavy) whose file is not installed: formcheck
    refuses it rather than let mediapipe download it (`formcheck models install` adds it)."""

    exit_code = 13


class BadSettings(FormcheckError):
    exit_code = 9


class OutputError(FormcheckError):
    exit_code = 10


class NotABridge(FormcheckError):
    """`--drill auto` found none of the three drills (11 is a batch with failed clips)."""

    exit_code = 12


EXIT_CODES: dict[str, int] = {
    cls.__name__: cls.exit_code
    for cls in (
        InputNotFound,
        NotAVideo,
        EmptyVideo,
        TruncatedVideo,
        NoPersonFound,
        ModelError,
        BadSettings,
        OutputError,
        NotABridge,
        ModelNotInstalled,
    )
}
