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
