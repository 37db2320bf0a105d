"""The layers point one way (ARCHITECTURE.md): the core stages never import the report layer
or the application layer; the report layer never imports the application layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "formcheck"

#: the stages from a video to the verdicts, and the types between them
CORE = (
    "video", "pose", "tracking.py", "outliers.py",
    "signals", "kinematics.py", "smoothing.py", "view.py", "segment", "segmenting.py",
    "cues", "drills", "judging.py", "analysis.py", "types.py", "fileio.py", "settings.py",
)  # fmt: skip
REPORT = ("report",)
APPLICATION = (
    "formcheck.pipeline", "formcheck.batch", "formcheck.live", "formcheck.cli", "formcheck.server",
)  # fmt: skip


def _modules(names: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for name in names:
        path = PACKAGE / name
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("path", _modules(CORE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_core_stage_imports_neither_the_report_nor_the_application(path: Path) -> None:
    bad = {m for m in _imports(path) if _under(m, ("formcheck.report", *APPLICATION))}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules(REPORT), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_report_layer_imports_no_application_module(path: Path) -> None:
    bad = {m for m in _imports(path) if _under(m, APPLICATION)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules(("server",)), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_web_layer_reaches_the_engine_only_through_the_library_api(path: Path) -> None:
    """The service is a thin web layer: it analyses through `formcheck.pipeline` (and renders
    with the report layer), never by calling a stage of the core itself."""
    # allowed: what a page describes (the drills, what each view can measure), the video probe
    # of an upload, files and settings, and the tracking cache's folder
    described = ("video", "fileio.py", "settings.py", "drills", "view.py", "tracking.py")
    core = tuple(f"formcheck.{n.removesuffix('.py')}" for n in CORE if n not in described)
    bad = {m for m in _imports(path) if _under(m, core)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_lists_name_real_modules() -> None:
    """A renamed module must not leave the rule checking nothing."""
    for name in CORE + REPORT:
        assert (PACKAGE / name).exists(), name
