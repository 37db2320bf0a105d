"""Docs generated from code stay in step with it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.cli.drills import drills_markdown
from formcheck.drills import DRILLS

ROOT = Path(__file__).resolve().parents[1]


def test_docs_cues_md_is_generated_from_the_drills() -> None:
    committed = (ROOT / "docs" / "cues.md").read_text(encoding="utf-8")
    assert committed.strip() == drills_markdown(list(DRILLS.values())).strip(), (
        "docs/cues.md is stale: run `formcheck drills --markdown > docs/cues.md`"
    )


def test_every_cue_id_of_cues_md_contract_is_listed() -> None:
    text = (ROOT / "docs" / "cues.md").read_text(encoding="utf-8")
    for drill in DRILLS.values():
        for cue in drill.cues:
            assert f"`{cue.id}`" in text


def test_drills_command_shows_the_keys_to_change_thresholds_in_full() -> None:
    result = CliRunner().invoke(app, ["drills", "single-leg-bridge"], terminal_width=80)
    assert result.exit_code == 0
    assert "--set slgb.hips_up.min_peak_hip_extension_deg=165" in result.output
    assert "coach check" in result.output


def test_readme_names_commands_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "./install.sh && .venv/bin/formcheck analyze sample_videos/" in readme
    clip = readme.split(".venv/bin/formcheck analyze ", 1)[1].split()[0]
    assert (ROOT / clip).is_file(), clip


def test_readme_has_no_placeholder_left() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # a placeholder stands alone on its line (env variables like $FORMCHECK_CACHE_DIR don't)
    assert not re.search(r"^[A-Z][A-Z_]{5,}$", readme, flags=re.M)


def test_every_synth_install_in_the_docs_gives_the_whole_install() -> None:
    """`formcheck-synth[render]` alone does not install anny (installed with --no-deps): a doc
    that names the extra names that step too, as `formcheck synth`'s own messages do (the
    render extra missing, or the whole package)."""
    from formcheck.cli import PLUGIN_COMMANDS
    from formcheck_synth.render import SYNTH_INSTALL

    assert "--no-deps anny" in SYNTH_INSTALL
    assert "--no-deps anny" in PLUGIN_COMMANDS["synth"].also
    docs = (ROOT / "README.md", ROOT / "sample_videos" / "README.md", ROOT / "synth" / "README.md")
    for doc in docs:
        paragraphs = doc.read_text(encoding="utf-8").split("\n\n")
        for text in (p for p in paragraphs if "[render]" in p or "[synth]" in p):
            assert "[synth]" not in text, f"{doc.name}: formcheck has no synth extra any more"
            assert "--no-deps anny" in text, f"{doc.name}: {text[:80]}"
