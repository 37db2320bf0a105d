"""`formcheck batch … --into DATA`: a batch-reviewed session joins the service's history.

A real batch of two short sample clips (their pose tracks cached once a test run) and a
broken one, imported into a fresh data folder: the athletes and clips appear with the
service's own summaries and copies of the files, a second import adds nothing, a failed clip
is recorded with its error, and the CLI does it end to end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from formcheck.batch import BatchOptions, run_batch
from formcheck.errors import BadSettings, InputNotFound
from formcheck.report.csvout import clip_row
from formcheck.report.serialize import report_from_dict
from formcheck.server import service
from formcheck.server.auth import add_coach
from formcheck.server.config import ServerConfig
from formcheck.server.importer import import_batch
from formcheck.server.migrate import migrate
from formcheck.server.store import Athlete, Clip, Coach, Store

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
COACH = "coach@club.example"
#: when the clips were "filmed" (their files' modification time)
FILMED = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample clips' pose tracks, cached once a test run (shared with the sample tests)."""
    return tmp_path_factory.getbasetemp() / "sample-tracks"


def make_session(root: Path) -> Path:
    """ana/set1.mp4 and bob/set1.mp4 (short table-top samples), and bob/broken.mp4 (text)."""
    for rel, sample in (("ana/set1.mp4", "table_top_head_lifted_side.mp4"),
                        ("bob/set1.mp4", "table_top_heel_down_side.mp4")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((SAMPLES / sample).read_bytes())
        os.utime(root / rel, (FILMED.timestamp(), FILMED.timestamp()))
    (root / "bob" / "broken.mp4").write_text("not a video at all\n")
    return root


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory, tracks: Path) -> Path:
    """A finished batch (with annotated videos) of the session above."""
    base = tmp_path_factory.mktemp("batch")
    root = make_session(base / "session")
    out = base / "review"
    result = run_batch(root, out, options=BatchOptions(cache_dir=tracks, video=True),
                       executor="serial")
    assert len(result.analysed) == 2 and [o.rel for o in result.failed] == ["bob/broken.mp4"]
    return out


@pytest.fixture()
def config(tmp_path: Path) -> ServerConfig:
    """A fresh data folder with one coach."""
    cfg = ServerConfig(data_dir=tmp_path / "data")
    migrate(cfg.db_url)
    add_coach(Store(cfg.db_url), COACH, "a long password")
    return cfg


def clips_of(cfg: ServerConfig) -> dict[str, tuple[Clip, Athlete]]:
    with Store(cfg.db_url).session() as s:
        rows = s.execute(select(Clip, Athlete).join(Athlete, Clip.athlete_id == Athlete.id))
        return {clip.original_name: (clip, athlete) for clip, athlete in rows}


def test_a_batch_becomes_athletes_and_clips_with_their_files(
    config: ServerConfig, batch_out: Path
) -> None:
    result = import_batch(config, batch_out, coach_email=COACH)
    assert sorted(result.imported) == ["ana/set1.mp4", "bob/set1.mp4"]
    assert result.failed == ["bob/broken.mp4"] and not result.skipped and not result.problems
    assert sorted(result.athletes_created) == ["ana", "bob"]
    clips = clips_of(config)
    assert set(clips) == {"ana/set1.mp4", "bob/set1.mp4", "bob/broken.mp4"}
    for rel in ("ana/set1.mp4", "bob/set1.mp4"):
        clip, athlete = clips[rel]
        assert athlete.name == rel.split("/")[0] and athlete.invite_token
        assert (clip.origin, clip.status, clip.has_report, clip.video_status) == (
            "batch", "done", True, "done")
        assert clip.recorded_at == FILMED.replace(tzinfo=None), "the clip file's mtime"
        batch_dir = batch_out / rel.removesuffix(".mp4")
        folder = config.clips_dir / clip.id
        assert sorted(p.name for p in folder.iterdir()) == [
            "annotated.mp4", "report.html", "report.json"]
        for name in ("report.json", "report.html", "annotated.mp4"):
            assert (folder / name).read_bytes() == (batch_dir / name).read_bytes()
            assert (batch_dir / name).is_file(), "copied, not moved"
        report = report_from_dict(json.loads((folder / "report.json").read_text()))
        assert clip.summary == json.loads(json.dumps(clip_row(report, clip=rel)))
        assert clip.content_hash == report.clip.content_hash != ""
        assert service.report_dict(config, clip) is not None
    broken, bob = clips["bob/broken.mp4"]
    assert bob.id == clips["bob/set1.mp4"][1].id, "one athlete bob"
    assert broken.status == "failed" and not broken.has_report and broken.origin == "batch"
    assert broken.error and broken.error.startswith("bob/broken.mp4: not a video"), broken.error
    assert str(batch_out.parent) not in broken.error, "the coach's own path is not shown"


def test_importing_again_imports_nothing(config: ServerConfig, batch_out: Path) -> None:
    import_batch(config, batch_out, coach_email=COACH)
    before = {name: clip.id for name, (clip, _) in clips_of(config).items()}
    again = import_batch(config, batch_out, coach_email=COACH.upper())
    assert not again.imported and not again.failed and not again.athletes_created
    assert sorted(again.skipped) == ["ana/set1.mp4", "bob/broken.mp4", "bob/set1.mp4"]
    assert {name: clip.id for name, (clip, _) in clips_of(config).items()} == before
    assert len(list(config.clips_dir.iterdir())) == 2


def test_athletes_are_found_by_name_under_the_coach_only(
    config: ServerConfig, batch_out: Path
) -> None:
    store = Store(config.db_url)
    with store.session() as s:
        coach_id = s.scalar(select(Coach.id).where(Coach.email == COACH))
    assert coach_id is not None
    ana = service.create_athlete(store, coach_id, "ana")
    other = add_coach(store, "other@club.example", "another long password")
    service.create_athlete(store, other.id, "bob")
    result = import_batch(config, batch_out, coach_email=COACH)
    assert result.athletes_created == ["bob"], "ana was there; the other coach's bob is not ours"
    clips = clips_of(config)
    assert clips["ana/set1.mp4"][1].id == ana.id
    assert clips["bob/set1.mp4"][1].coach_id == coach_id
    assert not service.coach_clips(store, other.id)


def test_an_unknown_coach_or_folder_is_one_clear_error(
    config: ServerConfig, batch_out: Path, tmp_path: Path
) -> None:
    with pytest.raises(BadSettings, match="no coach account with the e-mail nobody@x.org"):
        import_batch(config, batch_out, coach_email="nobody@x.org")
    with pytest.raises(InputNotFound, match="not a `formcheck batch` output folder"):
        import_batch(config, tmp_path, coach_email=COACH)
    assert not clips_of(config)


def test_a_fresh_data_folder_is_migrated_first(tmp_path: Path, batch_out: Path) -> None:
    cfg = ServerConfig(data_dir=tmp_path / "new" / "data")
    with pytest.raises(BadSettings, match="no coach account"):
        import_batch(cfg, batch_out, coach_email=COACH)
    assert (cfg.data_dir / "formcheck.db").is_file(), "the schema was made before the lookup"


def test_no_file_outside_the_batch_folder_is_copied(
    config: ServerConfig, batch_out: Path, tmp_path: Path
) -> None:
    """A report.json that links out of the batch folder is not read, nor copied."""
    import shutil

    out = tmp_path / "review"
    shutil.copytree(batch_out, out)
    secret = tmp_path / "secret.json"
    secret.write_text((out / "ana" / "set1" / "report.json").read_text())
    (out / "ana" / "set1" / "report.json").unlink()
    (out / "ana" / "set1" / "report.json").symlink_to(secret)
    manifest = out / "bob" / "set1" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["files"] = [*data["files"], "../../../outside.mp4"]
    manifest.write_text(json.dumps(data))
    result = import_batch(config, out, coach_email=COACH)
    assert result.problems == [("ana/set1.mp4", "its report.json is missing")]
    assert result.imported == ["bob/set1.mp4"]
    (folder,) = config.clips_dir.iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotated.mp4", "report.html", "report.json"]


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_batch_into_imports_after_the_batch(
    config: ServerConfig, tmp_path: Path, tracks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formcheck.cli import app
    from formcheck.cli.batch import EXIT_SOME_FAILED

    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(tracks))
    root = make_session(tmp_path / "session")
    out = tmp_path / "review"
    args = ["batch", str(root), "-o", str(out), "--executor", "serial", "-q",
            "--into", str(config.data_dir)]
    first = CliRunner().invoke(app, args, terminal_width=200)
    assert first.exit_code == EXIT_SOME_FAILED, first.output
    assert "2 clips imported, 1 failed clip recorded, 0 skipped" in first.output
    assert (out / "summary.csv").is_file() and (out / "ana" / "set1" / "report.json").is_file()
    assert len(clips_of(config)) == 3
    again = CliRunner().invoke(app, [*args, "--coach", COACH], terminal_width=200)
    assert "0 clips imported, 0 failed clips recorded, 3 skipped" in again.output, again.output
    assert len(clips_of(config)) == 3


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from formcheck.cli import main; main()", *args],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=120, check=False,
    )


def test_cli_into_without_a_coach_to_choose_stops_before_the_batch(
    tmp_path: Path, tracks: Path
) -> None:
    root = make_session(tmp_path / "session")
    data = ServerConfig(data_dir=tmp_path / "data")
    env = {"FORMCHECK_CACHE_DIR": str(tracks), "COLUMNS": "200"}
    args = ["batch", str(root), "-o", str(tmp_path / "review"), "-q", "--into", str(data.data_dir)]
    none = cli(*args, env=env)
    assert none.returncode == BadSettings.exit_code, none.stderr
    assert none.stderr.strip().splitlines() == [
        f"formcheck: {data.data_dir} has no coach account yet: make one first "
        "(`formcheck coach add`)"]
    assert not (tmp_path / "review").exists(), "no clip was analysed"
    store = Store(data.db_url)
    add_coach(store, "a@club.example", "a long password")
    add_coach(store, "b@club.example", "a long password")
    two = cli(*args, env=env)
    assert two.returncode == BadSettings.exit_code and "--coach EMAIL" in two.stderr, two.stderr
    unknown = cli(*args, "--coach", "c@club.example", env=env)
    assert unknown.returncode == BadSettings.exit_code
    assert "no coach account with the e-mail c@club.example" in unknown.stderr
    assert not (tmp_path / "review").exists()


def test_import_into_a_postgresql_service(
    postgres_db_url: str, tmp_path: Path, batch_out: Path
) -> None:
    cfg = ServerConfig(data_dir=tmp_path / "data", database_url=postgres_db_url)
    with pytest.raises(BadSettings):  # migrated first, then the coach is looked up
        import_batch(cfg, batch_out, coach_email=COACH)
    add_coach(Store(cfg.db_url), COACH, "a long password")
    first = import_batch(cfg, batch_out, coach_email=COACH)
    assert len(first.imported) == 2 and len(first.failed) == 1
    again = import_batch(cfg, batch_out, coach_email=COACH)
    assert len(again.skipped) == 3 and not again.imported and not again.failed
    assert {clip.status for clip, _ in clips_of(cfg).values()} == {"done", "failed"}


def test_cli_batch_into_a_postgresql_service(
    postgres_db_url: str, tmp_path: Path, tracks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formcheck.cli import app

    monkeypatch.setenv("FORMCHECK_CACHE_DIR", str(tracks))
    cfg = ServerConfig(data_dir=tmp_path / "data", database_url=postgres_db_url)
    from formcheck.server.migrate import migrate

    migrate(cfg.db_url)
    add_coach(Store(cfg.db_url), COACH, "a long password")
    root = make_session(tmp_path / "session")
    args = ["batch", str(root), "-o", str(tmp_path / "review"), "--executor", "serial", "-q",
            "--into", str(cfg.data_dir), "--into-database", postgres_db_url]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert "2 clips imported, 1 failed clip recorded" in result.output, result.output
    assert len(clips_of(cfg)) == 3
    assert not (cfg.data_dir / "formcheck.db").exists()  # the clips went to PostgreSQL
