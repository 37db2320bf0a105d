"""Make or move forward the service's database schema with its Alembic migrations."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # the URL goes in as an attribute: a password's % would trip the ini file's interpolation
    cfg.attributes["url"] = url
    return cfg


def migrate(url: str) -> None:
    """Upgrade the database at ``url`` to the newest schema (creating it when empty; a SQLite
    file's folder too)."""
    from alembic import command
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    if parts.get_backend_name() == "sqlite" and parts.database not in (None, "", ":memory:"):
        # (SQLite makes the file, not its folder: a fresh --data DIR has none yet)
        Path(parts.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
