"""The service's records and jobs, on SQLite (a file, WAL) and on a real PostgreSQL server.

The schema the migrations make is exactly the models'; a job is claimed by one worker only
(also from two threads at once); a job whose worker died is queued again, one whose worker
lives is left alone, one that lost its worker too often fails; old source videos are swept;
a real sample clip is analysed by the worker's function, and a broken one fails with the
words `formcheck analyze` gives. Beside them, the upload probe and the coach accounts.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from formcheck.errors import BadSettings, FormcheckError
from formcheck.server import jobs
from formcheck.server.auth import add_coach, authenticate
from formcheck.server.config import ServerConfig
from formcheck.server.migrate import alembic_config, migrate
from formcheck.server.store import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Athlete,
    Base,
    Clip,
    Coach,
    Job,
    Store,
    new_token,
    utcnow,
)
from formcheck.server.uploads import ClipRefused, probe_clip

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
#: a short sample clip (2 s, its pose track cached once a test run)
SAMPLE = SAMPLES / "table_top_head_lifted_side.mp4"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a database of the throwaway PostgreSQL
    server (skipped where PostgreSQL is not installed)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'formcheck.db'}"
    url: str = request.getfixturevalue("postgres_db_url")
    return url


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample clips' pose tracks, cached once a test run (shared with the sample tests)."""
    path = tmp_path_factory.getbasetemp() / "sample-tracks"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def config(tmp_path: Path, db_url: str, tracks: Path) -> ServerConfig:
    """A migrated service on ``db_url`` whose track cache is the shared one."""
    cfg = ServerConfig(data_dir=tmp_path / "data", database_url=db_url, retention_days=30)
    cfg.make_dirs()
    cfg.cache_dir.rmdir()
    cfg.cache_dir.symlink_to(tracks, target_is_directory=True)
    migrate(db_url)
    return cfg


@pytest.fixture()
def store(config: ServerConfig) -> Store:
    return Store(config.db_url)


@pytest.fixture()
def queue(config: ServerConfig) -> Iterator[jobs.JobQueue]:
    """A real huey queue in a SQLite file of the data folder; nothing consumes it."""
    q = jobs.JobQueue(config)
    yield q
    q.huey.flush()


def athlete_of(store: Store) -> str:
    """A coach with one athlete; the athlete's id."""
    with store.session() as s:
        coach = Coach(email=f"{new_token()[:8].lower()}@club.example", password_hash="-")
        s.add(coach)
        s.flush()
        athlete = Athlete(coach_id=coach.id, name="ana", invite_token=new_token())
        s.add(athlete)
        s.flush()
        return athlete.id


def new_clip(store: Store, config: ServerConfig, *, source: Path | None = None,
             name: str = "my set.mp4", status: str = QUEUED, **columns: object) -> str:
    """A clip as an upload makes it (its source copied in under the server's name)."""
    columns.setdefault("source_name", "source.mp4")
    with store.session() as s:
        clip = Clip(athlete_id=athlete_of(store), original_name=name, status=status, **columns)
        s.add(clip)
        s.flush()
        folder = jobs.clip_dir(config, clip.id)
        folder.mkdir(parents=True)
        if source is not None:
            shutil.copyfile(source, folder / "source.mp4")
        return clip.id


def new_job(store: Store, clip_id: str, **columns: object) -> int:
    with store.session() as s:
        job = Job(clip_id=clip_id, kind="analyze", **columns)
        s.add(job)
        s.flush()
        return job.id


def job_of(store: Store, job_id: int) -> Job:
    with store.session() as s:
        job = s.get(Job, job_id)
    assert job is not None
    return job


def clip_of(store: Store, clip_id: str) -> Clip:
    with store.session() as s:
        clip = s.get(Clip, clip_id)
    assert clip is not None
    return clip


# -- the schema ------------------------------------------------------------------------------


def test_migrations_make_exactly_the_models_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    migrate(db_url)
    migrate(db_url)  # a second time: harmless
    head = ScriptDirectory.from_config(alembic_config(db_url)).get_current_head()
    engine = Store(db_url).engine
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert context.get_current_revision() == head
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'formcheck.db'}"
    migrate(url)
    with Store(url).session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1


# -- claiming ----------------------------------------------------------------------------------


def test_a_job_is_claimed_once(store: Store, config: ServerConfig) -> None:
    clip_id = new_clip(store, config)
    job_id = new_job(store, clip_id)
    first = jobs.claim(store, job_id)
    assert first is not None and first.status == RUNNING and first.attempts == 1
    assert first.worker == jobs.worker_name() and first.started_at is not None
    assert clip_of(store, clip_id).status == RUNNING
    assert jobs.claim(store, job_id) is None
    jobs.finish(store, job_id, status=DONE)
    assert jobs.claim(store, job_id) is None, "a finished job is not claimed"
    done = job_of(store, job_id)
    assert (done.status, done.stage, done.progress) == (DONE, "done", 1.0)
    assert jobs.claim(store, 10**6) is None, "nor one that does not exist"


def test_two_threads_claiming_at_once_get_a_job_once(store: Store, config: ServerConfig) -> None:
    clip_id = new_clip(store, config)
    job_ids = [new_job(store, clip_id) for _ in range(8)]
    got: dict[int, list[int]] = {job_id: [] for job_id in job_ids}
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for job_id in job_ids:
                start.wait(timeout=10)  # both threads claim the same job together
                if jobs.claim(store, job_id) is not None:
                    got[job_id].append(n)
        except BaseException as err:  # noqa: BLE001 - shown by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert all(len(winners) == 1 for winners in got.values()), got
    assert all(job_of(store, j).attempts == 1 for j in job_ids)


# -- recovery ----------------------------------------------------------------------------------


def dead_pid() -> int:
    """The pid of a process of this host that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_recover_requeues_a_job_whose_worker_died(
    store: Store, config: ServerConfig, queue: jobs.JobQueue
) -> None:
    host = socket.gethostname()
    clip_id = new_clip(store, config, status=RUNNING)
    lost = new_job(store, clip_id, status=RUNNING, attempts=1, worker=f"{host}:{dead_pid()}",
                   heartbeat_at=utcnow(), stage="tracking", progress=0.4)
    alive_clip = new_clip(store, config, status=RUNNING)
    alive = new_job(store, alive_clip, status=RUNNING, attempts=1, worker=jobs.worker_name(),
                    heartbeat_at=utcnow())
    assert queue.huey.pending_count() == 0
    assert jobs.recover(store, queue) == [lost]
    job = job_of(store, lost)
    assert (job.status, job.stage, job.worker) == (QUEUED, "waiting", "")
    assert job.message == "queued again: its worker stopped"
    assert clip_of(store, clip_id).status == QUEUED
    assert queue.huey.pending_count() == 1, "sent to the queue again"
    assert job_of(store, alive).status == RUNNING, "a living worker keeps its job"
    assert clip_of(store, alive_clip).status == RUNNING
    claimed = jobs.claim(store, lost)
    assert claimed is not None and claimed.attempts == 2, "and a worker can take it"


def test_a_job_that_lost_its_worker_too_often_fails(
    store: Store, config: ServerConfig, queue: jobs.JobQueue
) -> None:
    clip_id = new_clip(store, config, status=RUNNING)
    job_id = new_job(store, clip_id, status=RUNNING, attempts=jobs.MAX_ATTEMPTS,
                     worker=f"{socket.gethostname()}:{dead_pid()}", heartbeat_at=utcnow())
    assert jobs.recover(store, queue) == []
    job = job_of(store, job_id)
    message = f"the analysis stopped its worker {jobs.MAX_ATTEMPTS} times"
    assert (job.status, job.message) == (FAILED, message) and job.finished_at is not None
    clip = clip_of(store, clip_id)
    assert (clip.status, clip.error) == (FAILED, message)
    assert queue.huey.pending_count() == 0


def test_recover_at_start_up_sends_the_waiting_jobs_again(
    store: Store, config: ServerConfig, queue: jobs.JobQueue
) -> None:
    clip_id = new_clip(store, config)
    waiting = [new_job(store, clip_id), new_job(store, clip_id)]
    done = new_job(store, clip_id, status=DONE)
    assert jobs.recover(store, queue) == [] and queue.huey.pending_count() == 0
    assert sorted(jobs.recover(store, queue, requeue_waiting=True)) == waiting
    assert queue.huey.pending_count() == 2
    assert job_of(store, done).status == DONE


# -- retention ---------------------------------------------------------------------------------


def test_sweep_deletes_old_sources_and_keeps_reports(store: Store, config: ServerConfig) -> None:
    old = new_clip(store, config, source=SAMPLE, status=DONE,
                   created_at=utcnow() - timedelta(days=31))
    new = new_clip(store, config, source=SAMPLE, status=DONE,
                   created_at=utcnow() - timedelta(days=29))
    imported = new_clip(store, config, status=DONE, origin="batch", source_name="",
                        created_at=utcnow() - timedelta(days=60))
    for clip_id in (old, new, imported):
        (jobs.clip_dir(config, clip_id) / "report.json").write_text("{}")
    assert jobs.sweep_sources(config, store) == 1
    assert clip_of(store, imported).source_deleted_at is None, "it never had a source here"
    assert not (jobs.clip_dir(config, old) / "source.mp4").exists()
    assert (jobs.clip_dir(config, old) / "report.json").is_file()
    assert clip_of(store, old).source_deleted_at is not None
    assert (jobs.clip_dir(config, new) / "source.mp4").is_file()
    assert clip_of(store, new).source_deleted_at is None
    assert jobs.sweep_sources(config, store) == 0, "swept once"
    keep_all = ServerConfig(data_dir=config.data_dir, database_url=config.database_url)
    assert jobs.sweep_sources(keep_all, store) == 0


# -- the analysis --------------------------------------------------------------------------------


def test_run_analysis_of_a_real_clip(store: Store, config: ServerConfig) -> None:
    from formcheck.report.csvout import clip_row
    from formcheck.report.serialize import report_from_dict
    from formcheck.server.service import report_dict

    clip_id = new_clip(store, config, source=SAMPLE, name="tuesday.mp4")
    job_id = new_job(store, clip_id)
    then: list[Job] = []
    jobs.run_analysis(config, store, job_id, then=then.append)
    job = job_of(store, job_id)
    assert (job.status, job.stage, job.progress, job.message) == (DONE, "done", 1.0, None)
    clip = clip_of(store, clip_id)
    assert (clip.status, clip.has_report, clip.error) == (DONE, True, None)
    data = report_dict(config, clip)
    assert data is not None and (jobs.clip_dir(config, clip_id) / "report.json").is_file()
    report = report_from_dict(data)
    assert clip.summary is not None and clip.summary["clip"] == "tuesday.mp4"
    assert clip.summary["drill"] == "table-top" == clip_row(report)["drill"]
    assert clip.content_hash == report.clip.content_hash != ""
    assert [(j.kind, j.status) for j in then] == [("video", QUEUED)]
    assert clip.video_status == QUEUED and job_of(store, then[0].id).clip_id == clip_id
    jobs.run_analysis(config, store, job_id)  # delivered twice: claimed once, run once
    assert job_of(store, job_id).attempts == 1


def analyze_cli_message(path: Path) -> str:
    """The one line `formcheck analyze PATH` ends with (after its ``formcheck: ``)."""
    from formcheck.cli import app

    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert isinstance(result.exception, FormcheckError), result.output
    return str(result.exception)


@pytest.mark.parametrize("content", [b"", b"this is a note, not a video\n"],
                         ids=["zero bytes", "text"])
def test_a_broken_clip_fails_with_the_words_of_formcheck_analyze(
    store: Store, config: ServerConfig, tmp_path: Path, content: bytes
) -> None:
    mine = tmp_path / "phone" / "IMG_0042.mp4"
    mine.parent.mkdir()
    mine.write_bytes(content)
    clip_id = new_clip(store, config, source=mine, name="IMG_0042.mp4")
    job_id = new_job(store, clip_id)
    then: list[Job] = []
    jobs.run_analysis(config, store, job_id, then=then.append)
    expected = analyze_cli_message(mine).replace(str(mine), "IMG_0042.mp4")
    job, clip = job_of(store, job_id), clip_of(store, clip_id)
    assert (job.status, job.message) == (FAILED, expected)
    assert (clip.status, clip.error, clip.has_report) == (FAILED, expected, False)
    assert expected.startswith("IMG_0042.mp4: ") and str(config.data_dir) not in expected
    assert not then


# -- the upload probe ----------------------------------------------------------------------------


def test_probe_refuses_what_is_not_a_clip(tmp_path: Path) -> None:
    note = tmp_path / "note.mp4"
    note.write_text("hello, coach\n")
    with pytest.raises(ClipRefused) as refused:
        probe_clip(note, shown="note.mp4", max_duration_s=600)
    assert refused.value.status == 415 and str(refused.value).startswith("note.mp4: not a video")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(ClipRefused) as refused:
        probe_clip(empty, shown="empty.mp4", max_duration_s=600)
    assert refused.value.status == 422 and "empty" in str(refused.value)


def test_probe_takes_a_clip_within_the_limit(tmp_path: Path) -> None:
    clip = tmp_path / "upload"  # tus names it by its id: no extension
    shutil.copyfile(SAMPLE, clip)
    assert probe_clip(clip, shown="set.mp4", max_duration_s=600) == ".mp4"
    with pytest.raises(ClipRefused) as refused:
        probe_clip(clip, shown="set.mp4", max_duration_s=1.0)
    assert refused.value.status == 413 and "up to 1 s" in str(refused.value)
    assert str(tmp_path) not in str(refused.value)


# -- coach accounts ------------------------------------------------------------------------------


def test_coach_accounts(store: Store) -> None:
    coach = add_coach(store, " Coach@Club.example ", "correct horse battery", name="Kim")
    assert coach.email == "coach@club.example"
    assert coach.password_hash.startswith("$argon2id$")
    assert "correct horse" not in coach.password_hash
    signed_in = authenticate(store, "COACH@club.example", "correct horse battery")
    assert signed_in is not None and signed_in.id == coach.id
    assert authenticate(store, "coach@club.example", "wrong horse battery") is None
    assert authenticate(store, "nobody@club.example", "correct horse battery") is None
    with pytest.raises(BadSettings, match="at least 10 characters"):
        add_coach(store, "new@club.example", "short")
    with pytest.raises(BadSettings, match="already exists"):
        add_coach(store, "coach@CLUB.example", "another long password")
    with pytest.raises(BadSettings, match="not an e-mail address"):
        add_coach(store, "coach", "another long password")
    with store.session() as s:
        assert s.scalars(select(Coach.email)).all() == ["coach@club.example"]
