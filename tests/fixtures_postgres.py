"""A real, throwaway PostgreSQL server for the tests of `formcheck serve`.

``postgres_url`` (session) starts one cluster for the whole run: ``initdb`` into a temporary
folder, the server on a free TCP port of 127.0.0.1 only (its unix socket in that folder too),
fsync off, stopped and deleted at the end. It yields the SQLAlchemy URL of an empty database
``formcheck`` owned by the role ``formcheck`` (password ``formcheck``, not a superuser).
``postgres_db_url`` (function) yields the URL of a fresh empty database of its own, dropped
after the test.

The binaries are Debian's (``/usr/lib/postgresql/<version>/bin``, which ``./install.sh test``
installs) or an ``initdb`` on PATH. Without them the tests that use these fixtures skip with a
reason. initdb and postgres refuse to run as root, so as root (CI) they run as the ``postgres``
system user, which Debian's package creates. Every step is bounded by a timeout: a server that
does not come up fails the tests that need it, it never hangs the suite.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the role and database the service's tests use (password = name)
USER = PASSWORD = DATABASE = "formcheck"
#: the bootstrap superuser, reached with trust over the cluster's own unix socket only
SUPERUSER = "postgres"
#: seconds for any one step (initdb, start, stop, a query)
STEP_TIMEOUT_S = 60
#: server settings for a disposable test cluster: fast, quiet, local only
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


def postgres_bindir() -> Path | None:
    """The folder of the server's binaries: Debian's newest ``/usr/lib/postgresql/<v>/bin``,
    else the one of an ``initdb`` on PATH; None when there is no server installed."""

    def version(initdb: Path) -> tuple[int, ...]:  # …/<version>/bin/initdb
        return tuple(int(n) for n in re.findall(r"\d+", initdb.parents[1].name))

    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version)
    if debian:
        return debian[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sqlalchemy_url(port: int, database: str, user: str = USER, password: str = PASSWORD) -> str:
    return f"postgresql+psycopg2://{user}:{password}@127.0.0.1:{port}/{database}"


@dataclass
class Cluster:
    """A running throwaway cluster: ``run`` runs one of its binaries as the right user."""

    bindir: Path
    root: Path
    port: int
    as_user: list[str]
    #: seconds from initdb to a database ready for the tests
    startup_s: float = 0.0

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def run(self, binary: str, *args: str) -> None:
        """Run a server binary, bounded; its output goes to a file (a pipe could be held open
        by the server it starts), shown in the failure."""
        out = self.root / f"{binary}.out"
        with out.open("wb") as sink:
            # a session of its own, so that a step past its time is killed with its children
            proc = subprocess.Popen(
                [*self.as_user, str(self.bindir / binary), *args],
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                start_new_session=True,
            )
            try:
                returncode = proc.wait(timeout=STEP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                raise RuntimeError(f"{binary} ran past {STEP_TIMEOUT_S} s") from None
        if returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{binary} {' '.join(args)} failed ({returncode}):\n"
                f"{out.read_text(errors='replace')[-2000:]}\n{log}"
            )

    def connect_superuser(self, database: str = "postgres"):  # -> psycopg2 connection
        import psycopg2

        conn = psycopg2.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            connect_timeout=10,
        )
        conn.autocommit = True
        return conn

    def start(self) -> None:
        options = " ".join(
            [f"-c {k}={v}" for k, v in SETTINGS.items()]
            + [f"-c port={self.port}", f"-c unix_socket_directories={self.socket_dir}"]
        )
        self.run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", str(STEP_TIMEOUT_S - 5), "-o", options,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (fast, then immediate, then a kill of the postmaster)."""
        for mode in ("fast", "immediate"):
            try:
                self.run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-t", "20")
                return
            except RuntimeError:
                continue
        pidfile = self.data / "postmaster.pid"
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text().split()[0]), 9)
            except (ValueError, ProcessLookupError, PermissionError):
                pass


def _start_cluster(bindir: Path) -> Cluster:
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="formcheck-pg-"))
    if os.geteuid() == 0:
        # initdb and postgres refuse root: as root they run as the postgres system user
        import pwd

        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            pytest.fail("running as root, and there is no `postgres` user to run PostgreSQL as")
        os.chown(root, account.pw_uid, account.pw_gid)
        runuser = shutil.which("runuser")
        if runuser:
            as_user = [runuser, "-u", "postgres", "--"]
        else:
            as_user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
    cluster = Cluster(bindir=bindir, root=root, port=0, as_user=as_user)
    try:
        cluster.run(
            "initdb", "-D", str(cluster.data), "-U", SUPERUSER, "-E", "UTF8", "--locale=C",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions",
        )  # fmt: skip
        cluster.socket_dir.mkdir()  # the server's unix socket: a folder it may write
        if as_user:
            os.chown(cluster.socket_dir, root.stat().st_uid, root.stat().st_gid)
        # a free port can be taken between the probe and the server's bind: try a few
        for attempt in itertools.count(1):
            cluster.port = free_port()
            try:
                cluster.start()
                break
            except RuntimeError as failed:
                if attempt == 3 or "already in use" not in str(failed):
                    raise
        conn = cluster.connect_superuser()  # (psycopg2's `with conn` would open a transaction)
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE ROLE {USER} LOGIN CREATEDB PASSWORD %s", (PASSWORD,))
                cur.execute(f"CREATE DATABASE {DATABASE} OWNER {USER}")
        finally:
            conn.close()
    except BaseException:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One running throwaway cluster for the session (see the module's docstring)."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server installed (initdb); `./install.sh test` installs it")
    started = time.monotonic()
    cluster = _start_cluster(bindir)
    cluster.startup_s = time.monotonic() - started
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: Cluster) -> str:
    """``postgresql+psycopg2://formcheck:formcheck@127.0.0.1:PORT/formcheck``: an empty
    database owned by a password role, shared by the session's tests."""
    return sqlalchemy_url(postgres_cluster.port, DATABASE)


_fresh = itertools.count(1)


@pytest.fixture
def postgres_db_url(postgres_cluster: Cluster) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh empty database of this test alone (same role as
    ``postgres_url``), dropped after the test even if connections are left open."""
    name = f"formcheck_t{os.getpid()}_{next(_fresh)}"
    conn = postgres_cluster.connect_superuser()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name} OWNER {USER}")
        yield sqlalchemy_url(postgres_cluster.port, name)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        conn.close()
