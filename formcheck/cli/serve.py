"""`formcheck serve` (the web service), `formcheck worker` (its workers on another machine)
and `formcheck coach add` (the first coach account)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from formcheck.errors import BadSettings

DATA_HELP = "Folder for the service's database, queue, clips and reports (made if missing)."
DATABASE_HELP = (
    "SQLAlchemy URL of the database (default: SQLite in DATA). For several machines: "
    "postgresql+psycopg2://user:password@host/db (pip install 'formcheck\\[postgres]')."
)
QUEUE_HELP = (
    "Where the job queue lives (default: SQLite in DATA): a postgresql:// or redis:// URL "
    "when workers run on other machines."
)


def _config(data: Path, database: str, queue: str, **kwargs: object):  # type: ignore[no-untyped-def]
    from formcheck.server.config import ServerConfig

    return ServerConfig(data_dir=data, database_url=database, queue_url=queue, **kwargs)  # type: ignore[arg-type]


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every network the machine is on, for phones on the same Wi-Fi)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    data: Path = typer.Option(Path("formcheck-data"), "--data", help=DATA_HELP),
    workers: int = typer.Option(1, "--workers", min=0, help="Analysis worker processes to start (0: none here, run `formcheck worker` elsewhere)."),
    database: str = typer.Option("", "--database", help=DATABASE_HELP),
    queue: str = typer.Option("", "--queue", help=QUEUE_HELP),
    max_upload_mb: float = typer.Option(500.0, "--max-upload-mb", min=1.0, help="Largest upload accepted, MB."),
    max_duration_s: float = typer.Option(600.0, "--max-duration-s", min=1.0, help="Longest clip accepted, seconds."),
    retention_days: float | None = typer.Option(None, "--retention-days", min=0.00001, help="Delete source videos after this many days (reports are kept; fractions allowed: 0.5 is twelve hours)."),
    public_url: str = typer.Option("", "--public-url", help="The address athletes reach the service at, for invite links (e.g. https://club.example)."),
    tls_cert: Path | None = typer.Option(None, "--tls-cert", exists=True, dir_okay=False, help="Certificate file: serve https (phones give the camera only to https pages)."),
    tls_key: Path | None = typer.Option(None, "--tls-key", exists=True, dir_okay=False, help="The certificate's private key."),
    live_sessions: int = typer.Option(0, "--live-sessions", min=0, help="Live pages that may train at once, each with its own pose model (0: one a core, at least 2)."),
) -> None:
    """Start the web service: athletes upload from their phone, coaches review.

    Everything lives in --data (SQLite, the queue, clips and reports); the command starts its
    own analysis workers. Make the first coach account with `formcheck coach add`, sign in at
    the address printed, add an athlete and send them the invite link (or its QR code).
    Athletes and coaches also train live in front of the camera at /a/<invite>/live and /live
    (a phone's camera needs https: --tls-cert/--tls-key, see docs/serve.md).

    Examples:

      formcheck coach add coach@club.example --data club
      formcheck serve --data club
      formcheck serve --data club --host 0.0.0.0 --port 8000 --workers 2 --retention-days 30
    """
    from formcheck.server.run import serve

    if (tls_cert is None) != (tls_key is None):
        raise BadSettings("give both --tls-cert and --tls-key, or neither")
    config = _config(
        data, database, queue, workers=workers, max_upload_mb=max_upload_mb,
        max_duration_s=max_duration_s, retention_days=retention_days, public_url=public_url,
        secure_cookies=tls_cert is not None, live_sessions=live_sessions,
        # pose tracks are cached by the clip's bytes; a shared cache saves re-tracking a clip
        # another service or `formcheck analyze` has tracked
        track_cache_dir=os.environ.get("FORMCHECK_SERVE_TRACK_CACHE", ""),
    )
    scheme = "https" if tls_cert else "http"
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    typer.echo(f"formcheck serve: {scheme}://{shown}:{port}/ (data in {config.data_dir})", err=True)
    serve(config, host=host, port=port,
          ssl_certfile=str(tls_cert) if tls_cert else None,
          ssl_keyfile=str(tls_key) if tls_key else None)


def worker_command(
    data: Path = typer.Option(Path("formcheck-data"), "--data", help="The service's data folder (shared with the machine that serves)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes on this machine."),
    database: str = typer.Option("", "--database", help=DATABASE_HELP),
    queue: str = typer.Option("", "--queue", help=QUEUE_HELP),
) -> None:
    """Run analysis workers for a `formcheck serve` on another machine.

    They need the same --database and --queue as the service, and its --data folder shared
    (a network file system), where the clips are.

    Example:

      formcheck worker --data /mnt/club --workers 2 \\
        --database postgresql+psycopg2://fc:secret@db/formcheck --queue postgresql://fc:secret@db/formcheck
    """
    from formcheck.server.run import prepare
    from formcheck.server.worker import run_consumer

    config = _config(data, database, queue, workers=workers)
    prepare(config)
    run_consumer(config)


coach_app = typer.Typer(help="Coach accounts of `formcheck serve`.", no_args_is_help=True)


@coach_app.command("add")
def coach_add(
    email: str = typer.Argument(..., help="The coach's e-mail address (they sign in with it)."),
    data: Path = typer.Option(Path("formcheck-data"), "--data", help=DATA_HELP),
    database: str = typer.Option("", "--database", help=DATABASE_HELP),
    name: str = typer.Option("", "--name", help="The coach's name, as the pages show it."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input (for scripts) instead of asking."),
) -> None:
    """Make a coach account (argon2-hashed password, at least 10 characters).

    Example:

      formcheck coach add coach@club.example --data club --name "Sam Kavanaugh"
    """
    from formcheck.server.auth import add_coach
    from formcheck.server.run import prepare

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    config = _config(data, database, "")
    coach = add_coach(prepare(config), email, password, name=name)
    typer.echo(f"coach {coach.email} added to {config.data_dir}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("worker")(worker_command)
    app.add_typer(coach_app, name="coach")
