"""The analysis jobs: the queue (huey) carries job ids, the jobs table says how each stands.

A job is claimed atomically (``queued`` → ``running``) by the worker that runs it, so a job
that was queued twice (after a recovery) runs once. The service's supervisor re-queues a
running job whose worker has died (SIGKILL, a crash, a lost machine): ``recover``. Nothing
accepted is lost: a job is failed only with the reason (the same one-line message `formcheck
analyze` gives for a broken clip), or after its worker died under it `MAX_ATTEMPTS` times.

Two kinds: "analyze" (track, judge, write the report: the athlete's report is ready when it
ends) and then "video" (the annotated video and the desktop HTML report, at a lower priority,
so the next athlete's report does not wait behind a video).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from formcheck.errors import FormcheckError
from formcheck.server.config import ServerConfig
from formcheck.server.store import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Clip,
    Job,
    Store,
    Upload,
    utcnow,
)

if TYPE_CHECKING:
    from huey import Huey

    from formcheck.report.model import Report

log = logging.getLogger(__name__)

#: a job whose worker died under it this many times is failed, not re-queued again
MAX_ATTEMPTS = 3
#: a running job on another machine whose heartbeat is older than this is taken as lost
STALE_AFTER_S = 120.0
#: progress is written at most this often (seconds)
PROGRESS_EVERY_S = 0.5
ANALYZE_PRIORITY, VIDEO_PRIORITY = 10, 0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def clip_dir(config: ServerConfig, clip_id: str) -> Path:
    return config.clips_dir / clip_id


# -- the queue -------------------------------------------------------------------------------


class JobQueue:
    """The huey queue of one service, with its two tasks: ``enqueue(job)`` sends a job's id."""

    def __init__(self, config: ServerConfig) -> None:
        self.huey = _make_huey(config)
        self.tasks = {
            "analyze": self.huey.task(name="analyze", priority=ANALYZE_PRIORITY)(_analyze_task),
            "video": self.huey.task(name="video", priority=VIDEO_PRIORITY)(_video_task),
        }

    def enqueue(self, job: Job) -> None:
        self.tasks[job.kind](job.id)


def _make_huey(config: ServerConfig) -> Huey:
    """huey on ``config.queue_url``: its SQLite file (default), PostgreSQL or Redis."""
    url = config.queue_url
    if not url:
        from huey import SqliteHuey

        config.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("formcheck", filename=str(config.data_dir / "queue.db"), results=False)
    if url.startswith(("postgres://", "postgresql")):
        from huey.contrib.sql_huey import SqlHuey
        from peewee import PostgresqlDatabase
        from sqlalchemy.engine import make_url

        # huey's SQL storage takes a peewee database; built from the URL's parts, since
        # peewee's own URL parser leaves a percent-encoded password encoded
        parts = make_url(url)
        database = PostgresqlDatabase(
            parts.database, user=parts.username, password=parts.password,
            host=parts.host or "localhost", port=parts.port or 5432,
        )
        return SqlHuey("formcheck", database=database, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from huey import RedisHuey

        return RedisHuey("formcheck", url=url, results=False)
    raise FormcheckError(f"--queue {url!r}: use a postgresql:// or redis:// URL (or none)")


# the worker process's settings, set by `formcheck.server.worker` before the consumer starts
_WORKER: dict[str, Any] = {}


def _context() -> tuple[ServerConfig, Store, JobQueue]:
    if "config" not in _WORKER:
        config = ServerConfig.from_env()
        _WORKER.update(config=config, queue=JobQueue(config))
    config = _WORKER["config"]
    return config, Store(config.db_url), _WORKER["queue"]


def _analyze_task(job_id: int) -> None:
    config, store, queue = _context()
    run_analysis(config, store, job_id, then=queue.enqueue)


def _video_task(job_id: int) -> None:
    config, store, _ = _context()
    run_video(config, store, job_id)


# -- claiming and recording --------------------------------------------------------------------


def claim(store: Store, job_id: int) -> Job | None:
    """Take a queued job for this process; None when another worker has it or it is finished."""
    now = utcnow()
    with store.session() as s:
        taken = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == QUEUED)
            .values(status=RUNNING, attempts=Job.attempts + 1, worker=worker_name(),
                    started_at=now, heartbeat_at=now, message=None)
        ).rowcount  # type: ignore[attr-defined]
        if not taken:
            return None
        job = s.get(Job, job_id)
        if job is not None:
            show_on_clip(s, job)
        return job


def show_on_clip(s: Session, job: Job) -> None:
    """Copy a job's status onto its clip, which the pages and the retention sweep read: the
    analysis's as the clip's status (and error), the video job's as its video status."""
    clip = s.get(Clip, job.clip_id)
    if clip is None:
        return
    if job.kind == "analyze":
        clip.status = job.status
        clip.error = job.message if job.status == FAILED else None
    else:
        clip.video_status = job.status


class ProgressWriter:
    """Writes a job's stage and progress (and so its heartbeat), at most twice a second."""

    def __init__(self, store: Store, job_id: int) -> None:
        self.store = store
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, stage: str, fraction: float, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY_S:
            return
        self._last = now
        with self.store.session() as s:
            s.execute(
                update(Job).where(Job.id == self.job_id)
                .values(stage=stage, progress=max(0.0, min(1.0, fraction)), heartbeat_at=utcnow())
            )

    def frames(self, stage: str, start: float, span: float) -> Callable[[int, int | None], None]:
        """A `formcheck.pipeline` progress callback mapped onto [start, start + span]."""

        def on_frame(done: int, total: int | None) -> None:
            share = done / total if total else 0.0
            self(stage, start + span * min(share, 1.0))

        return on_frame


def finish(store: Store, job_id: int, *, status: str, message: str | None = None) -> None:
    with store.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            return
        job.status, job.message, job.finished_at = status, message, utcnow()
        job.stage, job.progress = ("done", 1.0) if status == DONE else (job.stage, job.progress)
        show_on_clip(s, job)


def user_message(err: BaseException | str, source: Path, shown: str) -> str:
    """An error's (or a warning's) line with the server's file name replaced by the
    athlete's."""
    return str(err).replace(str(source), shown or "the clip")


# -- the work ------------------------------------------------------------------------------


def claim_with_clip(
    config: ServerConfig, store: Store, job_id: int
) -> tuple[Job, Clip, Path] | None:
    """Claim a job (`claim`) and read its clip and the clip's source file."""
    job = claim(store, job_id)
    if job is None:
        return None
    with store.session() as s:
        clip = s.get(Clip, job.clip_id)
    if clip is None:
        finish(store, job_id, status=FAILED, message="the clip was deleted")
        return None
    return job, clip, clip_dir(config, clip.id) / clip.source_name


def as_uploaded(report: Report, source: Path, name: str, side: str) -> Report:
    """The report as the athlete's clip: named as their phone named it (the server's file
    names stay out of it), with a warning when the side they said was filmed is not the one
    the camera saw."""
    shown = name or "the clip"
    warnings = [user_message(w, source, shown) for w in report.warnings]
    seen = report.view.name.removeprefix("side-") if report.view.name.startswith("side-") else ""
    if side in ("left", "right") and seen and seen != side:
        warnings.append(
            f"you said your {side} side faced the camera; it looks like your {seen} side did "
            f"(formcheck goes by what it sees: the {seen} leg is the near one)"
        )
    clip = replace(report.clip, path=shown, name=shown)
    return replace(report, clip=clip, warnings=warnings)


def run_analysis(
    config: ServerConfig, store: Store, job_id: int, *, then: Callable[[Job], None] | None = None
) -> None:
    """Track and judge one clip and write its report; ``then`` receives the video job."""
    from formcheck.pipeline import analyze
    from formcheck.report.csvout import clip_row
    from formcheck.report.serialize import report_to_json

    claimed = claim_with_clip(config, store, job_id)
    if claimed is None:
        return
    job, clip, source = claimed
    name, drill, side = clip.original_name, clip.drill_requested, clip.side
    folder = source.parent
    progress = ProgressWriter(store, job_id)
    progress("tracking", 0.0, force=True)
    try:
        analysis = analyze(
            source,
            drill=drill,
            model=config.model or None,
            cache_dir=config.cache_dir,
            progress=progress.frames("tracking", 0.0, 0.95),
        )
    except FormcheckError as err:
        finish(store, job_id, status=FAILED, message=user_message(err, source, name))
        return
    except Exception as err:  # a crash ends this job with its reason, never the worker's loop
        log.exception("analysis of clip %s crashed", job.clip_id)
        finish(store, job_id, status=FAILED,
               message=f"{name}: the analysis failed ({type(err).__name__}: {err})")
        return
    progress("judging", 0.97, force=True)
    report = as_uploaded(analysis.report, source, name, side)
    from formcheck.fileio import write_text_atomic

    write_text_atomic(folder / "report.json", report_to_json(report))
    video_job = None
    with store.session() as s:
        row = s.get(Clip, job.clip_id)
        assert row is not None
        row.summary = clip_row(report, clip=name)
        row.content_hash = report.clip.content_hash
        row.has_report = True
        if report.clip.frames:
            video_job = Job(clip_id=row.id, kind="video")
            s.add(video_job)
            row.video_status = QUEUED
    finish(store, job_id, status=DONE)
    if video_job is not None and then is not None:
        then(video_job)


def run_video(config: ServerConfig, store: Store, job_id: int) -> None:
    """The annotated video (H.264, plays inline) and the desktop HTML report of a clip."""
    from formcheck.pipeline import analyze
    from formcheck.report.outputs import write_outputs

    claimed = claim_with_clip(config, store, job_id)
    if claimed is None:
        return
    job, clip, source = claimed
    drill, gone, folder = clip.drill_requested, clip.source_deleted_at, source.parent
    status, message = DONE, None
    if gone is not None or not source.is_file():
        status, message = FAILED, "the source video was deleted (retention) before its video was made"
    else:
        progress = ProgressWriter(store, job_id)
        try:
            analysis = analyze(source, drill=drill, model=config.model or None,
                               cache_dir=config.cache_dir)
            write_outputs(analysis, video=folder / "annotated.mp4", html=folder / "report.html",
                          clip_path=source, progress=progress.frames("video", 0.0, 1.0))
        except Exception as err:  # the report stands without its video
            log.exception("video of clip %s failed", job.clip_id)
            status, message = FAILED, f"the annotated video could not be made ({err})"
    finish(store, job_id, status=status, message=message)


# -- recovery --------------------------------------------------------------------------------


def _alive(worker: str, heartbeat_age_s: float, *, at_start: bool = False) -> bool:
    """Whether a job's worker still holds it: a process on this machine (at start-up, when
    this machine's workers are all new, none is), or a heartbeat on another."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return heartbeat_age_s < STALE_AFTER_S
    if at_start:
        return False
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return heartbeat_age_s < STALE_AFTER_S * 5


def recover(
    store: Store, queue: JobQueue, *, requeue_waiting: bool = False, at_start: bool = False
) -> list[int]:
    """Re-queue every running job whose worker is gone (with ``requeue_waiting``, every queued
    job too, in case the queue lost it); a job that lost its worker `MAX_ATTEMPTS` times fails.
    ``at_start``: this machine's workers are being (re)started, so none of them holds a job."""
    now = utcnow()
    again: list[Job] = []
    with store.session() as s:
        for job in s.scalars(select(Job).where(Job.status.in_([RUNNING, QUEUED]))):
            if job.status == QUEUED:
                if requeue_waiting:
                    again.append(job)
                continue
            age = (now - (job.heartbeat_at or now)).total_seconds()
            if _alive(job.worker, age, at_start=at_start):
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.status, job.finished_at = FAILED, now
                job.message = f"the analysis stopped its worker {job.attempts} times"
                show_on_clip(s, job)
                continue
            log.warning("job %d lost its worker %s: queued again", job.id, job.worker)
            job.status, job.stage, job.worker = QUEUED, "waiting", ""
            job.message = "queued again: its worker stopped"
            show_on_clip(s, job)
            again.append(job)
    for job in again:
        queue.enqueue(job)
    return [job.id for job in again]


def sweep_sources(config: ServerConfig, store: Store) -> int:
    """Delete source videos older than the retention setting; the reports stay."""
    if config.retention_days is None:
        return 0
    cutoff = utcnow() - timedelta(days=config.retention_days)
    done = 0
    with store.session() as s:
        rows = s.scalars(
            select(Clip).where(Clip.created_at < cutoff, Clip.source_deleted_at.is_(None),
                               Clip.status.in_([DONE, FAILED]),
                               # the annotated video is made from the source: not while it waits
                               Clip.video_status.not_in([QUEUED, RUNNING]),
                               # (a clip imported from a batch never had its source here)
                               Clip.source_name != "")
        )
        for clip in rows:
            (clip_dir(config, clip.id) / clip.source_name).unlink(missing_ok=True)
            # and the upload's own name of the same bytes (`uploads.accept` keeps it a while)
            for upload in s.scalars(select(Upload).where(Upload.clip_id == clip.id)):
                leftover = config.uploads_dir / clip.athlete_id / upload.id
                leftover.unlink(missing_ok=True)
                leftover.with_suffix(".info").unlink(missing_ok=True)
            clip.source_deleted_at = utcnow()
            done += 1
    if done:
        log.info("retention: deleted %d source videos older than %s days", done,
                 config.retention_days)
    return done
