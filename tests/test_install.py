"""The install itself: what `./install.sh` and `pip install` leave behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_library_imports_from_the_folder_that_holds_a_clone_named_formcheck(
    tmp_path: Path,
) -> None:
    """`git clone … formcheck` then running Python beside it: the clone folder (no __init__.py)
    must not shadow the installed package as an empty namespace package."""
    (tmp_path / "formcheck" / "formcheck").mkdir(parents=True)
    (tmp_path / "formcheck" / "README.md").write_text("a clone\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import formcheck; print(formcheck.analyze.__name__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "analyze"


def test_license_is_an_spdx_string_so_installs_give_no_deprecation_warning() -> None:
    """setuptools ≥ 77 warns three times per install about `license = { text = … }`."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(pyproject["project"]["license"], str)
    assert any(req.startswith("setuptools>=7") for req in pyproject["build-system"]["requires"])


def test_the_synthetic_athlete_is_its_own_distribution_of_this_formcheck() -> None:
    """formcheck-synth (synth/) depends on formcheck of this very checkout, and formcheck's
    wheel holds formcheck alone: neither the renderer nor the synthetic suite ships in it."""
    from setuptools import find_packages

    core = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    synth = tomllib.loads((ROOT / "synth" / "pyproject.toml").read_text(encoding="utf-8"))
    assert synth["project"]["name"] == "formcheck-synth"
    assert f"formcheck=={core['project']['version']}" in synth["project"]["dependencies"]
    assert "synth" not in core["project"]["optional-dependencies"]
    include = core["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = find_packages(where=str(ROOT), include=include)
    assert "formcheck" in packages and "formcheck.cli" in packages
    assert not [p for p in packages if not p.startswith("formcheck") or "synth" in p], packages


def test_formcheck_never_imports_the_synthetic_athlete() -> None:
    """The runtime package finds `formcheck synth` through an entry point (formcheck.cli), so
    no module of it imports formcheck_synth."""
    import ast

    offenders = []
    for path in sorted((ROOT / "formcheck").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            if any(n.split(".")[0] == "formcheck_synth" for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
