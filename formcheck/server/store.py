"""The service's records: coaches, athletes, clips, the jobs that analyse them, uploads.

SQLAlchemy 2 models over SQLite (WAL) by default or PostgreSQL by URL; the schema is made and
moved forward by the Alembic migrations in `formcheck/server/migrations` (`migrate`), never by
``create_all``. Clip files live on disk under server-made names (`ServerConfig.clips_dir`);
the rows hold only those names, never a path a request gave.

The jobs table is the app's record of every analysis: its status, stage, progress and which
worker holds it. The queue (huey, `formcheck.server.jobs`) only carries job ids; a job is
claimed here atomically, so a job queued twice (after a recovery) still runs once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

#: clip and job states
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def utcnow() -> datetime:
    """Naive UTC: what every timestamp column holds (SQLite keeps no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(dt: datetime | None) -> str | None:
    """A stored timestamp as ISO 8601 with its zone, for JSON and pages."""
    return None if dt is None else dt.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


def new_id() -> str:
    """A record id that cannot be guessed (128 random bits, hex): it appears in URLs."""
    return secrets.token_hex(16)


def new_token() -> str:
    """An invite token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


class Coach(Base):
    __tablename__ = "coaches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coaches.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the invite link's secret; None once revoked (a new link makes a new token)
    invite_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Clip(Base):
    __tablename__ = "clips"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"), index=True)
    #: the file name the athlete's phone gave (shown, never used as a path)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    #: the drill asked for ("auto" or a drill id) and the side the athlete said was filmed
    drill_requested: Mapped[str] = mapped_column(String(40), default="auto")
    side: Mapped[str] = mapped_column(String(10), default="unknown")
    #: "upload" (an athlete's phone) or "batch" (imported from `formcheck batch --into`)
    origin: Mapped[str] = mapped_column(String(10), default="upload")
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    #: when the clip was filmed or handed in (the session it belongs to)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: file names inside the clip's folder (`ServerConfig.clips_dir / id`)
    source_name: Mapped[str] = mapped_column(String(40), default="")
    source_deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    #: the clip's bytes (`formcheck.fileio.content_hash`, the report's ``clip.content_hash``),
    #: "" until analysed: an import of the same clip for the same athlete is skipped by it
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="",
                                              index=True)
    has_report: Mapped[bool] = mapped_column(default=False)
    video_status: Mapped[str] = mapped_column(String(10), default="")
    #: the summary the dashboard lists (`formcheck.report.csvout.clip_row`)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    note_updated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[str] = mapped_column(ForeignKey("clips.id"), index=True)
    #: "analyze" (track, judge, report) or "video" (the annotated video)
    kind: Mapped[str] = mapped_column(String(10), default="analyze")
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    #: "waiting", "tracking", "judging", "video", "done"
    stage: Mapped[str] = mapped_column(String(10), default="waiting")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: "host:pid" of the worker process that holds it
    worker: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Upload(Base):
    """A finished tus upload: which clip it became, or why it was refused."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    athlete_id: Mapped[str] = mapped_column(ForeignKey("athletes.id"), index=True)
    clip_id: Mapped[str | None] = mapped_column(ForeignKey("clips.id"), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# -- engine and sessions -------------------------------------------------------------------


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers (the pages, the SSE streams) never wait for the workers' writes
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.close()


@cache
def engine_for(url: str, pid: int) -> Engine:
    """One engine per URL and process (``pid``: a forked worker makes its own)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Store:
    """The database of one service: sessions over its engine."""

    def __init__(self, url: str) -> None:
        import os

        self.url = url
        self.engine = engine_for(url, os.getpid())
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on leaving, rolled back on an error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise
