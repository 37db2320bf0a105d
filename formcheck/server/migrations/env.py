"""Alembic's environment for the service's database (run by `formcheck.server.migrate`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from formcheck.server.store import Base

config = context.config
url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or ""


def run_migrations() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite alters a table by copying it: Alembic's batch mode does that
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
