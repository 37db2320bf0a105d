"""The same service on a real PostgreSQL server (database and queue), as a club that
outgrows one machine runs it: the web server with no workers of its own, and the workers as
a separate `formcheck worker` process (as on another machine) sharing the database, the
queue and the clip storage."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
from fixtures_server import FORMCHECK, ROOT, clip_of_upload, start_server, upload, wait_for_clip
from sqlalchemy import create_engine, inspect, text

CLIP = ROOT / "sample_videos" / "single_leg_bridge_no_squeeze_side.mp4"


def test_the_service_runs_on_postgresql_with_its_queue_there_too(
        tmp_path: Path, postgres_db_url: str) -> None:
    from formcheck.tracking import default_cache_dir

    srv = start_server(tmp_path, ["--workers", "0", "--database", postgres_db_url,
                                  "--queue", postgres_db_url],
                       env={"FORMCHECK_SERVE_TRACK_CACHE": str(default_cache_dir())},
                       database=postgres_db_url)
    try:
        engine = create_engine(postgres_db_url)
        tables = set(inspect(engine).get_table_names())
        # the app's tables (made by the Alembic migration) and huey's queue table beside them
        assert {"coaches", "athletes", "clips", "jobs", "uploads", "alembic_version"} <= tables
        assert "task" in tables, tables
        assert not (srv.data / "formcheck.db").exists() and not (srv.data / "queue.db").exists()
        worker = subprocess.Popen(
            [*FORMCHECK, "worker", "--data", str(srv.data), "--database", postgres_db_url,
             "--queue", postgres_db_url], cwd=ROOT, env=srv.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        athlete = srv.add_athlete("Pia")
        token = athlete.invite_token
        clip_id = clip_of_upload(srv, token, upload(srv, token, CLIP))
        data = wait_for_clip(srv, token, clip_id)
        assert data["status"] == "done" and data["report"]["segments"]
        with engine.connect() as conn:
            status = conn.execute(text("select status, attempts from jobs where clip_id = :c "
                                       "and kind = 'analyze'"), {"c": clip_id}).one()
        assert tuple(status) == ("done", 1)
        coach = srv.coach_client()
        listed = coach.get("/api/clips").json()["clips"]
        assert [c["id"] for c in listed] == [clip_id]
        assert httpx.get(f"{srv.url}/healthz").status_code == 200
        engine.dispose()
    finally:
        if "worker" in locals():
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=20)
        srv.stop()
