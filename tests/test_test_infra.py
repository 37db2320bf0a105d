"""The test infrastructure of `formcheck serve` works, for real: the throwaway PostgreSQL server
(tests/fixtures_postgres.py) with SQLAlchemy and with huey's SQL queue, and the system's
Chromium under Playwright (tests/fixtures_browser.py) with a phone page and a fake camera."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fixtures_browser import save_screenshot, serve_folder, write_y4m


def test_postgres_url_is_a_real_postgresql_server_with_a_password_role(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            version = conn.execute(text("select version()")).scalar_one()
            assert version.startswith("PostgreSQL "), version
            assert conn.execute(text("select current_user")).scalar_one() == "formcheck"
            conn.execute(text("create table infra_probe (id serial primary key, name text)"))
            conn.execute(text("insert into infra_probe (name) values ('a'), ('b')"))
        with engine.connect() as conn:  # a new transaction sees what the first committed
            names = conn.execute(text("select name from infra_probe order by id")).scalars()
            assert list(names) == ["a", "b"]
            conn.execute(text("drop table infra_probe"))
            conn.commit()
    finally:
        engine.dispose()


def test_a_wrong_password_is_refused(postgres_url: str) -> None:
    """The server checks passwords on TCP (scram), so the service's tests of its database
    settings mean something."""
    from sqlalchemy import create_engine, exc, text

    engine = create_engine(postgres_url.replace(":formcheck@", ":wrong@"))
    with pytest.raises(exc.OperationalError, match="password authentication failed"):
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    engine.dispose()


def test_postgres_db_url_is_a_fresh_empty_database_per_test(postgres_db_url: str) -> None:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(postgres_db_url)
    try:
        assert engine.url.database != "formcheck"
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def _peewee_database(sqlalchemy_url: str) -> Any:
    """A peewee database for huey from the service's SQLAlchemy URL, built from its parts: peewee
    knows no ``postgresql+psycopg2://`` scheme, and its URL parser does not unquote passwords."""
    from peewee import PostgresqlDatabase
    from sqlalchemy import make_url

    url = make_url(sqlalchemy_url)
    return PostgresqlDatabase(
        url.database, user=url.username, password=url.password, host=url.host, port=url.port
    )


@pytest.mark.parametrize("form", ["url", "database"])
def test_huey_sql_storage_queues_and_runs_a_task_on_postgresql(
    postgres_db_url: str, form: str
) -> None:
    """huey's SqlHuey (peewee) on this PostgreSQL: a task enqueued is a row of huey's table, a
    worker on another connection dequeues and runs it, and its result comes back from the
    database."""
    from huey.contrib.sql_huey import SqlHuey
    from sqlalchemy import create_engine, make_url, text

    if form == "url":  # huey's own form: a peewee URL, plain postgresql://
        database: Any = make_url(postgres_db_url).set(drivername="postgresql")
        database = database.render_as_string(hide_password=False)
        assert database.startswith("postgresql://")
    else:
        database = _peewee_database(postgres_db_url)
    producer = SqlHuey("formcheck-test", database=database)

    @producer.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    engine = create_engine(postgres_db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("select count(*) from task where queue = 'formcheck-test'"))
            assert rows.scalar_one() == 1
        # a worker: its own storage and connection, dequeuing from PostgreSQL
        worker = SqlHuey("formcheck-test", database=_peewee_database(postgres_db_url))
        worker._registry = producer._registry  # the same task functions, as in a consumer
        task = worker.dequeue()
        assert task is not None and task.name.endswith("add")
        worker.execute(task)
        assert worker.pending_count() == 0
        assert result.get() == 5
        assert producer.storage.database.__class__.__name__ == "PostgresqlDatabase"
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from task")).scalar_one() == 0
        worker.storage.close()
    finally:
        producer.storage.close()
        engine.dispose()


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>infra</title><link rel="icon" href="data:,"></head>
<body><p id="state">waiting</p><button id="go" type="button">Go</button>
<script>
document.getElementById("go").addEventListener("click", () => {
  document.getElementById("state").textContent = "done " + window.innerWidth;
});
</script></body></html>
"""


def test_phone_page_clicks_a_button_on_a_local_page_and_records_no_errors(
    phone_page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    shots = tmp_path / "shots"
    monkeypatch.setenv("FORMCHECK_SCREENSHOTS", str(shots))
    with serve_folder(tmp_path) as base:
        phone_page.goto(f"{base}/index.html")
        assert phone_page.evaluate("window.devicePixelRatio") == 3
        assert phone_page.evaluate("navigator.maxTouchPoints") > 0
        phone_page.tap("#go")
        assert phone_page.inner_text("#state") == "done 390"
        path = save_screenshot(phone_page, "infra phone page")
    assert phone_page.console_errors == []
    assert path.parent == shots and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_phone_page_records_console_and_page_errors(phone_page: Any) -> None:
    phone_page.set_content(
        "<script>console.error('bad thing'); setTimeout(() => { throw new Error('boom') });</script>"
    )
    phone_page.wait_for_timeout(100)
    errors = phone_page.console_errors
    assert any("bad thing" in e for e in errors) and any("boom" in e for e in errors), errors


CAMERA_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>camera</title>
<link rel="icon" href="data:,"></head><body><video id="v" autoplay muted playsinline></video>
<script>
window.cameraProbe = (async () => {
  const stream = await navigator.mediaDevices.getUserMedia({video: true});
  const video = document.getElementById("v");
  video.srcObject = stream;
  // a frame the video has painted (the first "loadeddata" frame can still be blank)
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
  }
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(video, 0, 0);
  const [r, g, b] = ctx.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
  return {width: video.videoWidth, height: video.videoHeight, rgb: [r, g, b]};
})();
</script></body></html>
"""


def test_fake_camera_plays_a_y4m_file_to_getusermedia(
    browser_with_fake_camera: Any, tmp_path: Path
) -> None:
    """The fake camera of the live tests: getUserMedia on a 127.0.0.1 page gets the frames of
    the y4m file (its size, its colour), not Chromium's built-in test pattern."""
    orange = np.zeros((120, 160, 3), dtype=np.uint8)
    orange[...] = (230, 120, 20)
    clip = write_y4m(tmp_path / "camera.y4m", [orange] * 5, fps=10)
    site = tmp_path / "site"
    site.mkdir()
    (site / "camera.html").write_text(CAMERA_PAGE, encoding="utf-8")
    browser = browser_with_fake_camera(clip)
    page = browser.new_page()
    page.set_default_timeout(10_000)
    with serve_folder(site) as base:
        page.goto(f"{base}/camera.html")
        probe = page.evaluate("window.cameraProbe")
    assert (probe["width"], probe["height"]) == (160, 120)
    assert np.abs(np.array(probe["rgb"]) - (230, 120, 20)).max() < 8, probe
