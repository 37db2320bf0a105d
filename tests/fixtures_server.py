"""`formcheck serve` as a real process on 127.0.0.1, for the service's tests.

`start_server(tmp, ...)` starts ``formcheck serve`` on a free port with its own data folder
and a coach account made by ``formcheck coach add``, waits until /healthz answers, and gives
a `Server`: its URL, data folder, process (a process group: the web server and its workers),
and helpers to make athletes and to sign in. ``server`` is a module-scoped one with one
worker. Every wait is bounded; the process group is killed at the end whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORMCHECK = [sys.executable, "-m", "formcheck"]
COACH_EMAIL, COACH_PASSWORD = "coach@club.test", "a long enough password"
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    data: Path
    port: int
    args: list[str]
    env: dict[str, str]
    log: Path
    #: the SQLAlchemy URL the service was given ("" for its SQLite file)
    database: str = ""
    proc: subprocess.Popen[bytes] | None = None
    _coach_cookies: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [*FORMCHECK, "serve", "--data", str(self.data), "--port", str(self.port),
                 *self.args],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        import httpx

        until = time.monotonic() + timeout
        while time.monotonic() < until:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"formcheck serve exited {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"formcheck serve did not answer in {timeout:.0f} s:\n{self.tail()}")

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the service and its workers (the whole process group)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        # the workers are in their own session: make sure none is left behind
        for pid in worker_pids(self.data):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc = None

    # -- the records, read and written as the service's own code does ----------------------

    def store(self) -> Any:
        from formcheck.server.config import ServerConfig
        from formcheck.server.store import Store

        return Store(ServerConfig(data_dir=self.data, database_url=self.database).db_url)

    def add_athlete(self, name: str, coach_email: str = COACH_EMAIL) -> Any:
        from sqlalchemy import select

        from formcheck.server import service
        from formcheck.server.store import Coach

        store = self.store()
        with store.session() as s:
            coach = s.scalar(select(Coach).where(Coach.email == coach_email))
            assert coach is not None
            coach_id = coach.id
        return service.create_athlete(store, coach_id, name)

    def coach_client(self, email: str = COACH_EMAIL, password: str = COACH_PASSWORD) -> Any:
        """An httpx client signed in as the coach (through the login form, CSRF and all)."""
        import httpx

        client = httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)
        page = client.get("/login")
        token = csrf_in(page.text)
        r = client.post("/login", data={"email": email, "password": password, "csrf": token})
        assert r.status_code == 303, r.text
        return client


def csrf_in(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def worker_pids(data: Path) -> list[int]:
    """The worker processes of the service with this data folder (by their environment)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
            if b"formcheck.server.worker" not in cmd:
                continue
            env = (proc / "environ").read_bytes()
        except OSError:
            continue
        if str(data).encode() in env:
            pids.append(int(proc.name))
    return pids


def add_coach(data: Path, email: str = COACH_EMAIL, password: str = COACH_PASSWORD,
              database: str = "") -> None:
    subprocess.run([*FORMCHECK, "coach", "add", email, "--data", str(data), "--password-stdin",
                    *(["--database", database] if database else [])],
                   input=password + "\n", text=True, check=True, cwd=ROOT, timeout=60,
                   capture_output=True)


def start_server(tmp: Path, args: Sequence[str] = (), *, port: int | None = None,
                 env: dict[str, str] | None = None, database: str = "") -> Server:
    data = tmp / "data"
    add_coach(data, database=database)
    server = Server(data=data, port=port or free_port(), args=list(args),
                    env={**os.environ, **(env or {})}, log=tmp / "serve.log",
                    database=database)
    return server.start()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One service for a test module, with one worker and the suite's track cache (the sample
    clips' tracks are there once any test analysed them)."""
    from formcheck.tracking import default_cache_dir

    tmp = tmp_path_factory.mktemp("serve")
    srv = start_server(tmp, ["--workers", "1", "--max-upload-mb", "50"],
                       env={"FORMCHECK_SERVE_TRACK_CACHE": str(default_cache_dir())})
    try:
        yield srv
    finally:
        srv.stop()


# -- uploading as the phone does: the tus protocol ----------------------------------------


def upload(server: Server, token: str, clip: Path, *, drill: str = "auto", side: str = "unknown",
           name: str | None = None, chunk_size: int = 1 << 20) -> str:
    """Upload ``clip`` with a real tus client; returns the upload id."""
    from tusclient import client as tus

    c = tus.TusClient(f"{server.url}/api/uploads/", headers={"X-Invite-Token": token})
    up = c.uploader(str(clip), chunk_size=chunk_size, metadata={
        "filename": name or clip.name, "filetype": "video/mp4", "drill": drill, "side": side})
    up.upload()
    assert up.url is not None
    return str(up.url).rstrip("/").rsplit("/", 1)[-1]


def wait_for_clip(server: Server, token: str, clip_id: str, *, timeout: float = 180.0,
                  until: tuple[str, ...] = ("done", "failed")) -> dict[str, Any]:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.get(f"{server.url}/api/a/{token}/clips/{clip_id}", timeout=10)
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        if data["status"] in until:
            return data
        time.sleep(0.3)
    raise AssertionError(f"clip {clip_id} not {until} in {timeout:.0f} s:\n{server.tail()}")


def clip_of_upload(server: Server, token: str, upload_id: str) -> str:
    import httpx

    r = httpx.get(f"{server.url}/api/a/{token}/uploads/{upload_id}", timeout=10)
    assert r.status_code == 200, r.text
    return str(r.json()["clip_id"])
