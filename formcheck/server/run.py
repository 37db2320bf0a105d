"""`formcheck serve`: migrate, recover what was left running, start the workers and the web
server, and keep the workers alive (a dead consumer is restarted, its jobs re-queued)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

from formcheck.server.config import CONFIG_ENV, ServerConfig
from formcheck.server.jobs import JobQueue, recover, sweep_sources
from formcheck.server.migrate import migrate
from formcheck.server.store import Store
from formcheck.server.uploads import forget_finished_uploads

log = logging.getLogger(__name__)

#: how often the supervisor looks for dead workers and lost jobs (seconds)
CHECK_EVERY_S = 2.0
#: the retention sweep runs ten times within the retention period, at most hourly
SWEEP_EVERY_S = (5.0, 3600.0)


def prepare(config: ServerConfig) -> Store:
    """Folders made and the database migrated: what every entry point does first."""
    config.make_dirs()
    migrate(config.db_url)
    return Store(config.db_url)


class Supervisor:
    """Starts the worker consumer as a child process and watches it and the jobs."""

    def __init__(self, config: ServerConfig, store: Store, queue: JobQueue) -> None:
        self.config, self.store, self.queue = config, store, queue
        self.process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="formcheck-supervisor",
                                        daemon=True)
        self._last_sweep = -float("inf")
        days = config.retention_days or 1.0
        self._sweep_every = min(max(days * 86400 / 10, SWEEP_EVERY_S[0]), SWEEP_EVERY_S[1])

    def start(self) -> None:
        recover(self.store, self.queue, requeue_waiting=True, at_start=True)
        if self.config.workers > 0:
            self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        env = {**os.environ, CONFIG_ENV: self.config.to_env()}
        self.process = subprocess.Popen([sys.executable, "-m", "formcheck.server.worker"],
                                        env=env, start_new_session=True)
        log.info("workers started (%d, pid %d)", self.config.workers, self.process.pid)

    def _watch(self) -> None:
        while not self._stop.wait(CHECK_EVERY_S):
            try:
                self.check()
            except Exception:  # the watch must go on whatever one look raised
                log.exception("supervisor check failed")

    def check(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            log.warning("the workers stopped (exit %s): restarting", self.process.returncode)
            recover(self.store, self.queue, at_start=True)
            self._spawn()
        recover(self.store, self.queue)
        if time.monotonic() - self._last_sweep > self._sweep_every:
            self._last_sweep = time.monotonic()
            sweep_sources(self.config, self.store)
            forget_finished_uploads(self.config)

    def stop(self) -> None:
        """Stop watching and stop the workers (a job they hold is re-queued at the next start).

        The consumer and the worker processes it forks share one process group (the consumer
        starts a session of its own): the whole group is asked to stop, then killed, so a worker
        forked while the consumer was still starting (before its own signal handlers) is not
        left running."""
        self._stop.set()
        if self.process is None:
            return
        group = self.process.pid
        _signal_group(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _signal_group(group, signal.SIGKILL)
            self.process.wait(timeout=5)
        # whatever of the group outlived the consumer
        time.sleep(0.2)
        _signal_group(group, signal.SIGKILL)


def _signal_group(group: int, sig: int) -> None:
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):
        pass


def serve(config: ServerConfig, *, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info", ssl_certfile: str | None = None,
          ssl_keyfile: str | None = None) -> None:
    """Run the service until interrupted."""
    import uvicorn

    from formcheck.server.app import create_app

    store = prepare(config)
    queue = JobQueue(config)
    supervisor = Supervisor(config, store, queue)
    try:
        app = create_app(config, queue=queue, supervisor=supervisor)
        uvicorn.run(app, host=host, port=port, log_level=log_level,
                    timeout_graceful_shutdown=5, ssl_certfile=ssl_certfile,
                    ssl_keyfile=ssl_keyfile, server_header=False)
    finally:
        supervisor.stop()
