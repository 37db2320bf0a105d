"""The service's settings: where its data lives, which database and queue, the upload limits.

Defaults are the embedded ones: everything under ``--data DIR`` (SQLite in WAL mode, huey's
SQLite queue, clips and outputs on disk), so `formcheck serve` needs nothing else installed or
started. A club that outgrows one machine gives a PostgreSQL URL (``--database``) and puts the
queue on PostgreSQL or Redis (``--queue``); see docs/serve.md.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from formcheck.errors import BadSettings

#: the environment variable that hands the settings to the worker processes
CONFIG_ENV = "FORMCHECK_SERVE_CONFIG"


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    data_dir: Path
    #: SQLAlchemy URL; default ``sqlite:///DATA/formcheck.db``
    database_url: str = ""
    #: where the job queue lives: "" (huey's SQLite storage in DATA/queue.db), a
    #: ``postgresql://`` URL (huey's SQL storage) or a ``redis://`` URL (huey's Redis storage)
    queue_url: str = ""
    #: an upload larger than this is refused (413) before it is stored
    max_upload_mb: float = 500.0
    #: a clip longer than this is refused before it is queued
    max_duration_s: float = 600.0
    #: source videos older than this many days are deleted; reports are kept (None: keep all)
    retention_days: float | None = None
    #: analysis worker processes `formcheck serve` starts (0: start none, run them elsewhere)
    workers: int = 1
    #: the session cookie is sent over https only (behind TLS or a reverse proxy)
    secure_cookies: bool = False
    #: the pose model (as `formcheck analyze --model`), "" for the default
    model: str = ""
    #: extra origins allowed for state-changing requests (the service's own is always allowed)
    trusted_origins: list[str] = field(default_factory=list)
    #: where pose tracks are cached (default DATA/cache); tracks are keyed by the clip's bytes
    track_cache_dir: str = ""
    #: the address athletes reach the service at, for invite links and their QR codes
    #: ("https://club.example"); default: the address the coach's browser used
    public_url: str = ""
    #: live sets (the live page's camera) analysed at once; 0: one a core, at least two
    live_sessions: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser().resolve())
        if self.max_upload_mb <= 0 or self.max_duration_s <= 0:
            raise BadSettings("upload limits must be positive numbers")
        if self.workers < 0:
            raise BadSettings("--workers must be 0 or more")
        if self.live_sessions < 0:
            raise BadSettings("--live-sessions must be 0 (one a core) or more")
        if self.retention_days is not None and self.retention_days <= 0:
            raise BadSettings("--retention-days must be a positive number of days")

    # -- where things live -----------------------------------------------------------------

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'formcheck.db'}"

    @property
    def clips_dir(self) -> Path:
        """One folder a clip, named by the clip's random id: source, report, annotated video."""
        return self.data_dir / "clips"

    @property
    def uploads_dir(self) -> Path:
        """tus uploads in progress, one folder an athlete (so an upload id of another athlete
        is simply not found)."""
        return self.data_dir / "uploads"

    @property
    def cache_dir(self) -> Path:
        """Pose tracks, keyed by the clip's bytes (`formcheck.tracking`)."""
        return Path(self.track_cache_dir) if self.track_cache_dir else self.data_dir / "cache"

    @property
    def live_sessions_limit(self) -> int:
        """How many live pages may train at once (each runs its own pose model)."""
        return self.live_sessions or max(2, len(os.sched_getaffinity(0))
                                         if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def secret_key(self) -> str:
        """The key that signs session cookies: made once, kept in DATA/secret.key (0600)."""
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    # -- handing the settings to worker processes ------------------------------------------

    def to_env(self) -> str:
        data = asdict(self)
        data["data_dir"] = str(self.data_dir)
        return json.dumps(data)

    @classmethod
    def from_env(cls, text: str | None = None) -> ServerConfig:
        raw = text if text is not None else os.environ.get(CONFIG_ENV, "")
        if not raw:
            raise BadSettings(f"{CONFIG_ENV} is not set: start workers with `formcheck serve`")
        data = json.loads(raw)
        data["data_dir"] = Path(data["data_dir"])
        return cls(**data)

    def make_dirs(self) -> None:
        for d in (self.data_dir, self.clips_dir, self.uploads_dir, self.cache_dir):
            d.mkdir(parents=True, exist_ok=True)
